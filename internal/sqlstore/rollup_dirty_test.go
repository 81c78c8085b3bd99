package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestRollupsMarkedDays: a step marks the days it changes instead of
// recomputing them (its cost does not grow with the day's rows); the next
// read of the project's figures recomputes them; steps and recomputations
// running at once end with the same roll-ups as a rebuild from scratch.
func TestRollupsMarkedDays(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newOrderFixture(t, db, clock)
		rs := sqlstore.NewRollupService(db)
		ctx := f.ctx(f.Admin)
		next := clock.Now().AddDate(0, 0, 1).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
		stored := func() int64 {
			t.Helper()
			var n int64
			if err := db.SQL().QueryRow(`SELECT COALESCE(SUM(n), 0) FROM daily_figures WHERE metric = 'order.reported' AND building_id = 0 AND user_id = 0`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		marked := func() int {
			t.Helper()
			var n int
			if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM rollup_dirty`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		f.open(t, wubu.OrderNormal, nil)
		if n := stored(); n != 0 {
			t.Fatalf("the step recomputed the day itself: %d", n)
		}
		if marked() == 0 {
			t.Fatal("the step marked no day")
		}
		fs, err := rs.Figures(ctx, wubu.FigureFilter{ProjectID: f.ProjectA.ID, From: rollupDay, To: next, Metrics: []string{"order.reported"}})
		if err != nil || figureOf(fs, "order.reported").N != 1 {
			t.Fatalf("the next read: %+v %v, want 1", fs, err)
		}
		if n, m := stored(), marked(); n != 1 || m != 0 {
			t.Fatalf("after the read: %d stored, %d days still marked; want 1 and 0", n, m)
		}

		// Steps and recomputations at once.
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 4 {
					if _, err := f.orders.CreateOrder(f.ctx(f.desk), &wubu.NewOrder{ProjectID: f.ProjectA.ID, Urgency: wubu.OrderUrgent, PersonID: &f.person.ID, Description: "楼道灯不亮"}); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 6 {
					if err := rs.FlushDirty(context.Background(), 0); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		incremental, err := sqlstore.RollupRows(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if err := rs.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		rebuilt, err := sqlstore.RollupRows(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(rebuilt, incremental); d != "" {
			t.Errorf("marked and recomputed at once differ from the rebuild (-rebuilt +incremental):\n%s", d)
		}
		if n := stored(); n != 25 {
			t.Errorf("orders reported: %d, want 25", n)
		}
	})
}
