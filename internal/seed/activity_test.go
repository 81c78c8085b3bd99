package seed_test

import (
	"context"
	"math"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/seed"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestSeedActivity generates 60 days of activity for 400 households and
// checks the rates of issue 17 (per household a year 2 orders, 0.3
// complaints, 1 revisit, 0.5 passes; per project a day 24 patrol runs and
// 2 hazards), the clocks' outcomes (most kept, some late, some broken and
// still open), that the services read what was written, that the same seed
// gives the same activity, and (SQLite) that every foreign key holds.
func TestSeedActivity(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		ctx := context.Background()
		res, err := seed.Seed(ctx, db, seed.Options{Households: 400, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		q := func(query string) [][]string { t.Helper(); return rows(t, db, query) }
		count := func(query string) float64 { t.Helper(); return float64(atoi(q(query)[0][0])) }
		tables := []string{"orders", "complaints", "revisits", "passes", "patrol_runs", "hazards", "deadlines"}
		before := map[string]float64{}
		for _, tb := range tables {
			before[tb] = count(`SELECT COUNT(*) FROM ` + tb)
		}
		const days = 60
		act, err := seed.Activity(ctx, db, seed.ActivityOptions{Days: days, Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		added := func(table string) float64 { t.Helper(); return count(`SELECT COUNT(*) FROM `+table) - before[table] }
		homes := count(`SELECT COUNT(DISTINCT room_id) FROM households WHERE move_out = ''`)
		if act.Households != int(homes) || act.Projects != len(res.Projects) {
			t.Fatalf("activity of %d households in %d projects, want %v in %d", act.Households, act.Projects, homes, len(res.Projects))
		}
		years := float64(days) / 365
		for _, c := range []struct {
			name  string
			got   float64
			want  float64
			slack float64
		}{
			{"orders", added("orders"), seed.OrdersPerHousehold * homes * years, 0.05},
			{"complaints", added("complaints"), seed.ComplaintsPerHousehold * homes * years, 0.15},
			{"revisits", added("revisits"), seed.RevisitsPerHousehold * homes * years, 0.08},
			{"passes", added("passes"), seed.PassesPerHousehold * homes * years, 0.1},
			{"patrol runs", added("patrol_runs"), seed.PatrolRunsPerDay * days * float64(len(res.Projects)), 0.01},
			{"hazards", added("hazards"), seed.HazardsPerDay * days * float64(len(res.Projects)), 0.2},
		} {
			if math.Abs(c.got-c.want) > c.slack*c.want+1 {
				t.Errorf("%s: got %v, want %.0f ± %.0f%%", c.name, c.got, c.want, c.slack*100)
			}
		}
		// The clocks: one per order, pass, revisit, run and hazard, one or
		// two per complaint; most kept, some late, some broken and open.
		clocks := added("deadlines")
		if int(clocks) != act.Deadlines || act.Deadlines < act.Orders+act.Passes+act.Revisits+act.Runs+act.Hazards+act.Complaints {
			t.Fatalf("%v clocks in the period, %d written for %+v", clocks, act.Deadlines, act)
		}
		met, missed := float64(act.DeadlinesMet), float64(act.DeadlinesMissed)
		judged := met + missed + float64(act.BreachedOpen)
		if met/judged < 0.85 || missed/judged < 0.04 || act.BreachedOpen == 0 {
			t.Fatalf("outcomes: %+v", act)
		}
		if got := count(`SELECT COUNT(*) FROM deadlines WHERE state = 'breached'`); int(got) != act.BreachedOpen {
			t.Fatalf("%v breached clocks, want %d", got, act.BreachedOpen)
		}
		// A kept promise on an order matches its clock.
		if bad := q(`SELECT o.id FROM orders o JOIN deadlines d ON d.project_id = o.project_id AND d.object_type = 'order' AND d.object_id = ` + idText(db) + ` AND d.kind = 'arrival'
			WHERE (o.promise_kept = ` + boolText(db, true) + ` AND d.state <> 'met') OR (o.promise_kept = ` + boolText(db, false) + ` AND d.state <> 'missed')`); len(bad) > 0 {
			t.Fatalf("orders whose promise disagrees with their clock: %v", bad[:min(5, len(bad))])
		}
		// The services read what was written.
		sys := seed.SystemContext(ctx)
		p := res.Projects[0]
		list, total, err := sqlstore.NewOrderService(db, nil, nil).FindOrders(sys, wubu.OrderFilter{ProjectID: p.ID, Limit: 50})
		if err != nil || total < 100 || len(list) == 0 {
			t.Fatalf("orders: %d %v", total, err)
		}
		if _, n, err := sqlstore.NewComplaintService(db, nil).FindComplaints(sys, p.ID, wubu.ComplaintFilter{Limit: 50}); err != nil || n == 0 {
			t.Fatalf("complaints: %d %v", n, err)
		}
		if _, n, err := sqlstore.NewPassService(db, nil).FindPasses(sys, wubu.PassFilter{ProjectID: p.ID, Limit: 50}); err != nil || n == 0 {
			t.Fatalf("passes: %d %v", n, err)
		}
		if db.Dialect == sqlstore.SQLite {
			if bad := q(`PRAGMA foreign_key_check`); len(bad) > 0 {
				t.Fatalf("foreign keys broken: %v", bad[:min(5, len(bad))])
			}
		}
	})
}

// TestSeedActivityDeterministic: the same seed on the same company gives
// the same activity.
func TestSeedActivityDeterministic(t *testing.T) {
	var first [][]string
	for range 2 {
		db, _ := wubutest.MustOpenDB(t, sqlstore.SQLite)
		ctx := context.Background()
		if _, err := seed.Seed(ctx, db, seed.Options{Households: 100, Seed: 3}); err != nil {
			t.Fatal(err)
		}
		if _, err := seed.Activity(ctx, db, seed.ActivityOptions{Days: 20, Seed: 4}); err != nil {
			t.Fatal(err)
		}
		got := rows(t, db, `SELECT id, state, person_id, reported_at, arrived_at FROM orders ORDER BY id`)
		if first == nil {
			first = got
			continue
		}
		if len(got) != len(first) {
			t.Fatalf("%d orders, then %d", len(first), len(got))
		}
		for i := range got {
			for j := range got[i] {
				if got[i][j] != first[i][j] {
					t.Fatalf("order %d differs: %v, then %v", i, first[i], got[i])
				}
			}
		}
	}
}

func idText(db *sqlstore.DB) string {
	if db.Dialect == sqlstore.Postgres {
		return "o.id::text"
	}
	return "CAST(o.id AS TEXT)"
}

func boolText(db *sqlstore.DB, b bool) string {
	switch {
	case db.Dialect == sqlstore.Postgres && b:
		return "TRUE"
	case db.Dialect == sqlstore.Postgres:
		return "FALSE"
	case b:
		return "1"
	}
	return "0"
}
