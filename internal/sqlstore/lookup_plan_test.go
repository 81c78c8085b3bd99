package sqlstore_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu/internal/seed"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestLookupPlans asks each database how it runs the lookup's statements
// and fails if any reads a whole table: a plate-suffix search in
// particular must be a range of the index on the reversed plates, in one
// project and across all of them.
func TestLookupPlans(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		ctx := context.Background()
		res, err := seed.Seed(ctx, db, seed.Options{Households: 300, Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		conn, err := db.SQL().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		explain := "EXPLAIN QUERY PLAN "
		if db.Dialect == sqlstore.Postgres {
			// A few hundred rows fit in a page or two, where reading the
			// table is cheaper; the test asks whether an index can serve
			// each statement, as it must with a million rows.
			if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
				t.Fatal(err)
			}
			explain = "EXPLAIN "
		}
		// WUBU_SHOW_PLANS=1 logs every statement and its plan.
		plan := func(st sqlstore.LookupStatement) (p string) {
			t.Helper()
			rows, err := conn.QueryContext(ctx, explain+st.SQL, st.Args...)
			if err != nil {
				t.Fatalf("%s: %v", st.SQL, err)
			}
			defer rows.Close()
			defer func() {
				if os.Getenv("WUBU_SHOW_PLANS") != "" {
					t.Logf("%s\n%v\n%s", st.SQL, st.Args, p)
				}
			}()
			cols, _ := rows.Columns()
			var lines []string
			for rows.Next() {
				vals := make([]any, len(cols))
				for i := range vals {
					vals[i] = new(any)
				}
				if err := rows.Scan(vals...); err != nil {
					t.Fatal(err)
				}
				s, _ := (*vals[len(vals)-1].(*any)).(string)
				lines = append(lines, s)
			}
			return strings.Join(lines, "\n")
		}
		scanned := func(p string) bool {
			if db.Dialect == sqlstore.Postgres {
				return strings.Contains(p, "Seq Scan")
			}
			for _, l := range strings.Split(p, "\n") {
				// The list of persons found (json_each) is read whole, as it should.
				if strings.HasPrefix(l, "SCAN ") && !strings.Contains(l, "VIRTUAL TABLE") {
					return true
				}
			}
			return false
		}

		var plate, label, name, initials string
		first := res.Projects[0].ID
		if err := conn.QueryRowContext(ctx, `SELECT plate FROM vehicles ORDER BY id LIMIT 1`).Scan(&plate); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRowContext(ctx, `SELECT label FROM rooms ORDER BY id LIMIT 1`).Scan(&label); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRowContext(ctx, `SELECT name, pinyin_initials FROM persons ORDER BY id LIMIT 1`).Scan(&name, &initials); err != nil {
			t.Fatal(err)
		}
		suffix := string([]rune(plate)[len([]rune(plate))-4:])
		all := make([]int64, len(res.Projects))
		for i, p := range res.Projects {
			all[i] = p.ID
		}
		for _, scope := range [][]int64{{first}, all} {
			for _, q := range []string{suffix, suffix[1:], plate, string([]rune(plate)[1:]), label, name, initials, "1234", "13800001234"} {
				sts := db.LookupSearches(scope, q, 20)
				if len(sts) == 0 {
					t.Fatalf("%q: no search", q)
				}
				for _, st := range sts {
					p := plan(st)
					if scanned(p) {
						t.Errorf("%d projects, %q (%s): reads a whole table:\n%s", len(scope), q, st.Match, p)
					}
					if q == suffix && st.Match == "plate" && !strings.Contains(p, "vehicles_plate_rev") {
						t.Errorf("%d projects, plate suffix %q: not by the index of reversed plates:\n%s", len(scope), q, p)
					}
				}
			}
		}
	})
}
