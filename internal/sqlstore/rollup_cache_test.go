package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/secret"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestFiguresCache: with the server's cache of figures on, a read after a
// step, after the periodic job, after a rebuild and after another process
// (a second handle on the same database) wrote the roll-ups returns the
// new figures, never the kept ones; and what a caller changes in the
// figures it was given does not change the next reader's.
func TestFiguresCache(t *testing.T) {
	for _, dialect := range wubutest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			dsn := wubutest.NewDSN(t, dialect)
			open := func() *sqlstore.DB {
				t.Helper()
				db, err := sqlstore.Open(dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				db.SetKeys(secret.ForTests(), "the test key")
				if err := db.Migrate(context.Background()); err != nil {
					t.Fatal(err)
				}
				return db
			}
			db, other := open(), open()
			clock := wubutest.NewClock()
			db.Clock, other.Clock = clock, clock
			db.CacheFigures(true)
			f := newOrderFixture(t, db, clock)
			rs := sqlstore.NewRollupService(db)
			ctx := f.ctx(f.Admin)
			next := clock.Now().AddDate(0, 0, 1).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
			reported := func() int64 {
				t.Helper()
				fs, err := rs.Figures(ctx, wubu.FigureFilter{ProjectID: f.ProjectA.ID, From: rollupDay, To: next, Metrics: []string{"order.reported"}})
				if err != nil {
					t.Fatal(err)
				}
				return figureOf(fs, "order.reported").N
			}
			if n := reported(); n != 0 {
				t.Fatalf("before any order: %d", n)
			}
			// A step of this process.
			f.open(t, wubu.OrderNormal, nil)
			if n := reported(); n != 1 {
				t.Fatalf("after a step: %d, want 1", n)
			}
			// Many readers at once after a change all read the new figures
			// (one of them reads the database, the others wait for it).
			f.open(t, wubu.OrderNormal, nil)
			var wg sync.WaitGroup
			got := make([]int64, 8)
			for i := range got {
				wg.Add(1)
				go func() {
					defer wg.Done()
					fs, err := rs.Figures(ctx, wubu.FigureFilter{ProjectID: f.ProjectA.ID, From: rollupDay, To: next, Metrics: []string{"order.reported"}})
					if err == nil {
						got[i] = figureOf(fs, "order.reported").N
					}
				}()
			}
			wg.Wait()
			for i, n := range got {
				if n != 2 {
					t.Fatalf("reader %d at once: %d, want 2", i, n)
				}
			}
			// A request reads a project's figures at one version; a step it
			// takes forgets it.
			rctx := wubu.NewContextWithFigureVersions(ctx)
			inRequest := func() int64 {
				t.Helper()
				fs, err := rs.Figures(rctx, wubu.FigureFilter{ProjectID: f.ProjectA.ID, From: rollupDay, To: next, Metrics: []string{"order.reported"}})
				if err != nil {
					t.Fatal(err)
				}
				return figureOf(fs, "order.reported").N
			}
			if n := inRequest(); n != 2 {
				t.Fatalf("in a request: %d, want 2", n)
			}
			if _, err := f.orders.CreateOrder(wubu.NewContextWithFigureVersions(f.ctx(f.desk)), &wubu.NewOrder{ProjectID: f.ProjectA.ID, Urgency: wubu.OrderNormal, PersonID: &f.person.ID, Description: "门铃坏了"}); err != nil {
				t.Fatal(err)
			}
			if n := inRequest(); n != 2 {
				t.Fatalf("one request's second read: %d, want the version it read first (2)", n)
			}
			// A step in the request itself forgets the version it read.
			if _, err := f.orders.CreateOrder(rctx, &wubu.NewOrder{ProjectID: f.ProjectA.ID, Urgency: wubu.OrderNormal, PersonID: &f.person.ID, Description: "窗户关不上"}); err != nil {
				t.Fatal(err)
			}
			if n := inRequest(); n != 4 {
				t.Fatalf("after the request's own step: %d, want 4", n)
			}
			if n := reported(); n != 4 {
				t.Fatalf("a new request: %d, want 4", n)
			}
			// A caller's changes stay its own.
			fs, _ := rs.Figures(ctx, wubu.FigureFilter{ProjectID: f.ProjectA.ID, From: rollupDay, To: next, Metrics: []string{"order.reported"}})
			fs[0].N = 99
			if n := reported(); n != 4 {
				t.Fatalf("a caller changed the kept figures: %d", n)
			}
			// A step of another process sharing the database.
			cal, err := calendar.New()
			if err != nil {
				t.Fatal(err)
			}
			oo := sqlstore.NewOrderService(other, sqlstore.NewClockService(other, calendar.Schedule{Calendar: cal}), f.sent)
			if _, err := oo.CreateOrder(f.ctx(f.desk), &wubu.NewOrder{ProjectID: f.ProjectA.ID, Urgency: wubu.OrderNormal, PersonID: &f.person.ID, Description: "阳台漏水"}); err != nil {
				t.Fatal(err)
			}
			if n := reported(); n != 5 {
				t.Fatalf("after another process's step: %d, want 5", n)
			}
			// Rows changed behind the roll-ups' back are put right by the
			// periodic job and by a rebuild, each of which moves the version.
			if _, err := db.SQL().Exec(`UPDATE daily_figures SET n = 7 WHERE metric = 'order.reported' AND building_id = 0 AND user_id = 0`); err != nil {
				t.Fatal(err)
			}
			if n := reported(); n != 5 {
				t.Fatalf("kept figures: %d, want the 5 read before", n)
			}
			if err := sqlstore.NewRollupService(other).Rebuild(ctx); err != nil {
				t.Fatal(err)
			}
			if n := reported(); n != 5 {
				t.Fatalf("after another process's rebuild: %d, want 5", n)
			}
			if _, err := db.SQL().Exec(`UPDATE daily_figures SET n = 7 WHERE metric = 'order.reported' AND building_id = 0 AND user_id = 0`); err != nil {
				t.Fatal(err)
			}
			if err := rs.RollUp(ctx, clock.Now()); err != nil {
				t.Fatal(err)
			}
			if n := reported(); n != 5 {
				t.Fatalf("after the periodic job: %d, want 5", n)
			}
		})
	}
}
