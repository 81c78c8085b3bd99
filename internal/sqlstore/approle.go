package sqlstore

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// The two-role setup of PostgreSQL (issue 12): the schema belongs to the
// role that migrates, and Wubu serves as an application role that may
// read and write every table but may not UPDATE, DELETE or TRUNCATE the
// audit log and its chain. Even a compromised server then cannot rewrite
// the log; the triggers refuse it as well.

var roleName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// AppRoleSQL returns the statements that create (if missing) and grant
// the application role in the current schema.
func AppRoleSQL(role, schema string) ([]string, error) {
	if !roleName.MatchString(role) {
		return nil, fmt.Errorf("application role %q: use lower-case letters, digits and underscores", role)
	}
	quote := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	r, s := quote(role), quote(schema)
	return []string{
		fmt.Sprintf(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%s') THEN CREATE ROLE %s LOGIN; END IF; END $$`, role, r),
		fmt.Sprintf(`GRANT USAGE ON SCHEMA %s TO %s`, s, r),
		fmt.Sprintf(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %s TO %s`, s, r),
		fmt.Sprintf(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %s TO %s`, s, r),
		fmt.Sprintf(`REVOKE UPDATE, DELETE, TRUNCATE ON %s.audit_log, %s.audit_chain, %s.audit_checkpoint FROM %s`, s, s, s, r),
	}, nil
}

// SetupAppRole creates and grants the application role on PostgreSQL. It
// returns the statements it ran; when the migrating role may not create
// roles, the error says so and the statements are for an administrator.
func (db *DB) SetupAppRole(ctx context.Context, role string) ([]string, error) {
	if db.Dialect != Postgres {
		return nil, fmt.Errorf("an application role is for PostgreSQL; SQLite has no roles")
	}
	var schema string
	if err := db.write.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return nil, err
	}
	stmts, err := AppRoleSQL(role, schema)
	if err != nil {
		return nil, err
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return stmts, err
	}
	defer tx.Rollback()
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return stmts, fmt.Errorf("set up application role %s (run these statements as an administrator): %w", role, err)
		}
	}
	return stmts, tx.Commit()
}
