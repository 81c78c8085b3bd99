package main

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestCLIAuditVerify runs "wubu audit verify" on an intact and a tampered
// log, on both databases: exit status 2 and the first broken entry named.
func TestCLIAuditVerify(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			dsn := wubutest.NewDSN(t, d)
			if _, _, code := cli(t, dsn, "", "project", "add", "ljy", "丽景苑"); code != 0 {
				t.Fatal("project add")
			}
			cli(t, dsn, "", "project", "add", "hthy", "海棠花园")
			out, errs, code := cli(t, dsn, "", "audit", "verify", "--seal")
			if code != 0 || !strings.Contains(out, "Audit log intact: 2 links") {
				t.Fatalf("intact: %d %s %s", code, out, errs)
			}
			db, err := sqlstore.Open(dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var first int64
			db.SQL().QueryRow(`SELECT audit_id FROM audit_chain ORDER BY seq LIMIT 1`).Scan(&first)
			withoutAuditGuards(t, db, func(exec func(string, ...any)) {
				exec(rebind(d, `UPDATE audit_log SET after_json = NULL WHERE id = ?`), first)
			})
			_, errs, code = cli(t, dsn, "", "audit", "verify")
			if code != 2 || !strings.Contains(errs, "broken at link 1, entry ") || !strings.Contains(errs, "changed") {
				t.Fatalf("tampered: %d %s", code, errs)
			}
			if _, _, code := cli(t, dsn, "", "audit"); code != 2 {
				t.Fatalf("wubu audit without verify: exit %d", code)
			}
		})
	}
}

// withoutAuditGuards runs fn with the audit log's append-only triggers off.
func withoutAuditGuards(t *testing.T, db *sqlstore.DB, fn func(exec func(string, ...any))) {
	t.Helper()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.SQL().ExecContext(context.Background(), q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if db.Dialect == sqlstore.Postgres {
		exec(`ALTER TABLE audit_log DISABLE TRIGGER USER`)
		defer exec(`ALTER TABLE audit_log ENABLE TRIGGER USER`)
	} else {
		exec(`DROP TRIGGER audit_log_no_update`)
	}
	fn(exec)
}

func rebind(dialect, q string) string {
	if dialect == sqlstore.Postgres {
		return strings.Replace(q, "?", "$1", 1)
	}
	return q
}

// TestAppRoleCannotRewriteAudit checks the two-role setup on PostgreSQL:
// "wubu migrate --app-role" makes a role that serves Wubu but may not
// UPDATE, DELETE or TRUNCATE the audit log.
func TestAppRoleCannotRewriteAudit(t *testing.T) {
	if wubutest.PostgresDSN() == "" {
		t.Skip("PostgreSQL only: set WUBU_TEST_POSTGRES")
	}
	dsn := wubutest.NewDSN(t, sqlstore.Postgres)
	u, _ := url.Parse(dsn)
	role := "wubu_app_" + strings.TrimPrefix(u.Query().Get("search_path"), "t_")
	out, errs, code := cli(t, dsn, "", "migrate", "--app-role", role)
	if code != 0 || !strings.Contains(out, "Application role "+role) {
		t.Fatalf("migrate --app-role: %d %s %s", code, out, errs)
	}
	t.Cleanup(func() {
		db, _ := sqlstore.Open(wubutest.PostgresDSN())
		db.SQL().Exec(`DROP OWNED BY ` + role)
		db.SQL().Exec(`DROP ROLE ` + role)
		db.Close()
	})
	cli(t, dsn, "", "project", "add", "ljy", "丽景苑")
	u.User = url.User(role)
	app, err := sqlstore.Open(u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	// The application role works: it reads, writes and seals.
	if _, err := app.SealAllAudit(context.Background()); err != nil {
		t.Fatalf("the application role cannot seal: %v", err)
	}
	for _, q := range []string{`UPDATE audit_log SET login = 'x'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`, `DELETE FROM audit_chain`} {
		if _, err := app.SQL().Exec(q); err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Fatalf("%s as the application role: %v", q, err)
		}
	}
}
