package sqlstore_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// rollupDay is the fixture's first day, as the roll-ups name it.
var rollupDay = wubutest.Start.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")

// figureOf returns the figure of a metric among figures (zero if none).
func figureOf(fs []*wubu.Figure, metric string) wubu.Figure {
	for _, f := range fs {
		if f.Metric == metric {
			return *f
		}
	}
	return wubu.Figure{Metric: metric}
}

// rollupOrders opens the fixture's orders of a day, all reported at the
// clock's now: A arrives in 6 minutes (promise kept), is done after 40 and
// followed up (satisfaction 4); B is dispatched and never arrives (its
// promise breached and open); C arrives after 15 minutes (missed); D is
// never dispatched (no promise); E is dispatched and cancelled (its
// promise cancelled: not counted). It leaves the clock 50 minutes on and
// fires the clocks' stages due by then.
func rollupOrders(t *testing.T, f *orderFixture) {
	t.Helper()
	desk, tech := f.ctx(f.desk), f.ctx(f.tech)
	a, b, c, d, e := f.open(t, wubu.OrderUrgent, nil), f.open(t, wubu.OrderUrgent, nil), f.open(t, wubu.OrderUrgent, nil), f.open(t, wubu.OrderNormal, nil), f.open(t, wubu.OrderUrgent, nil)
	_ = d
	for _, o := range []*wubu.Order{a, b, c, e} {
		must(t)(f.orders.Dispatch(desk, o.ID, wubu.DispatchRequest{AssigneeID: &f.tech.ID}))
	}
	must(t)(f.orders.Accept(tech, a.ID))
	must(t)(f.orders.Accept(tech, c.ID))
	f.clock.Add(6 * time.Minute)
	must(t)(f.orders.Arrive(tech, a.ID))
	must(t)(f.orders.Cancel(desk, e.ID, "住户取消"))
	f.clock.Add(9 * time.Minute)
	must(t)(f.orders.Arrive(tech, c.ID))
	must(t)(f.orders.Quote(tech, a.ID, wubu.QuoteRequest{Lines: []wubu.QuoteLineRequest{{PriceItemID: &f.washer.ID, Quantity: 1}}}))
	must(t)(f.orders.Confirm(tech, a.ID, wubu.ConfirmRequest{By: "王芳", Method: "signature"}))
	must(t)(f.orders.Start(tech, a.ID))
	f.clock.Add(25 * time.Minute)
	if _, _, err := f.orders.Done(tech, a.ID, wubu.DoneRequest{Checklist: fullChecklist}); err != nil {
		t.Fatal(err)
	}
	must(t)(f.orders.FollowUp(desk, a.ID, wubu.FollowUpRequest{Works: true, Satisfaction: 4}))
	f.clock.Add(10 * time.Minute)
	if _, err := f.clocks.RunDue(f.ctx(f.Admin)); err != nil {
		t.Fatal(err)
	}
}

// TestRollups: the figures of a fixture day equal the hand count, with the
// breached-and-open promise counted as due and not kept; the roll-ups the
// steps keep equal those the periodic job and a rebuild from scratch
// compute; a manager reads only their project.
func TestRollups(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newOrderFixture(t, db, clock)
		rs := sqlstore.NewRollupService(db)
		ctx := f.ctx(f.Admin)
		rollupOrders(t, f)
		manager := f.User(t, "mgr", wubu.RoleManager, wubu.PostNone, f.ProjectA)
		mctx := f.ctx(manager)
		next := clock.Now().AddDate(0, 0, 1).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")

		t.Run("HandCount", func(t *testing.T) {
			fs, err := rs.Figures(mctx, wubu.FigureFilter{ProjectID: f.ProjectA.ID, From: rollupDay, To: next})
			if err != nil {
				t.Fatal(err)
			}
			// A kept, B breached and open, C missed; E cancelled, D unpromised.
			if got, want := figureOf(fs, "promise.order.arrival"), (wubu.Figure{Metric: "promise.order.arrival", N: 3, Total: 1, Open: 1}); !cmp.Equal(got, want) {
				t.Errorf("promises: got %+v, want %+v", got, want)
			}
			// A, B, C, D reported (E cancelled); all but A still open.
			if got := figureOf(fs, "order.reported"); got.N != 4 || got.Total != 4 || got.Open != 3 {
				t.Errorf("reported: got %+v, want 4 of which 3 open", got)
			}
			// Arrivals after 6 and 15 minutes: both in the first bucket (≤ 15 min).
			want := wubu.Figure{Metric: "order.response", N: 2, Total: 21 * 60, Buckets: []int64{2, 0, 0, 0, 0, 0, 0, 0, 0}}
			if got := figureOf(fs, "order.response"); !cmp.Equal(got, want) {
				t.Errorf("response: got %+v, want %+v", got, want)
			}
			// A done 40 minutes after it was reported: the ≤ 1 h bucket.
			want = wubu.Figure{Metric: "order.resolution", N: 1, Total: 40 * 60, Buckets: []int64{0, 0, 1, 0, 0, 0, 0, 0, 0}}
			if got := figureOf(fs, "order.resolution"); !cmp.Equal(got, want) {
				t.Errorf("resolution: got %+v, want %+v", got, want)
			}
			if got := figureOf(fs, "order.satisfaction"); got.N != 1 || got.Total != 4 {
				t.Errorf("satisfaction: got %+v, want one answer of 4", got)
			}
			// The fixture's four homes (building 3, 2 floors of 2).
			if got := figureOf(fs, "room.added"); got.N != 4 {
				t.Errorf("homes: got %+v, want 4", got)
			}
			// Per person: all four orders the technician's but D (unassigned).
			byPerson, err := rs.Figures(mctx, wubu.FigureFilter{ProjectID: f.ProjectA.ID, From: rollupDay, To: next, Group: wubu.ByPerson, Metrics: []string{"order.reported"}})
			if err != nil || len(byPerson) != 1 || byPerson[0].UserID != f.tech.ID || byPerson[0].N != 3 {
				t.Errorf("per person: got %+v %v, want the technician's 3", byPerson, err)
			}
			byBuilding, err := rs.Figures(mctx, wubu.FigureFilter{ProjectID: f.ProjectA.ID, From: rollupDay, To: next, Group: wubu.ByBuilding, Metrics: []string{"order.reported"}})
			if err != nil || len(byBuilding) != 1 || byBuilding[0].BuildingID == 0 || byBuilding[0].N != 4 {
				t.Errorf("per building: got %+v %v, want building 3's 4", byBuilding, err)
			}
			byDay, err := rs.Figures(mctx, wubu.FigureFilter{ProjectID: f.ProjectA.ID, From: rollupDay, To: next, Group: wubu.ByDay, Metrics: []string{"promise."}})
			if err != nil || len(byDay) != 1 || byDay[0].Day != rollupDay || byDay[0].N != 3 {
				t.Errorf("per day: got %+v %v", byDay, err)
			}
		})

		t.Run("RepairReport", func(t *testing.T) {
			// The repair report counts the same promises: B, breached and
			// open, among those due (issue 17 item 7).
			rep, err := f.orders.Report(mctx, f.ProjectA.ID, wubutest.Start.Add(-time.Hour), clock.Now().Add(time.Hour))
			if err != nil || rep.Promised != 3 || rep.Kept != 1 || rep.Open != 1 {
				t.Fatalf("report: got %+v %v, want 1 kept and 1 open of 3 due", rep, err)
			}
		})

		t.Run("RebuildEqualsIncremental", func(t *testing.T) {
			incremental, err := sqlstore.RollupRows(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(incremental, func(s string) bool { return len(s) > 0 }) {
				t.Fatal("the steps rolled nothing up")
			}
			if err := rs.RollUp(ctx, clock.Now()); err != nil {
				t.Fatal(err)
			}
			job, err := sqlstore.RollupRows(ctx, db)
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
				t.Errorf("incremental roll-ups differ from the rebuild (-rebuilt +incremental):\n%s", d)
			}
			if d := cmp.Diff(rebuilt, job); d != "" {
				t.Errorf("the periodic job's roll-ups differ from the rebuild (-rebuilt +job):\n%s", d)
			}
			// Idempotent: the job again changes nothing.
			if err := rs.RollUp(ctx, clock.Now()); err != nil {
				t.Fatal(err)
			}
			if again, _ := sqlstore.RollupRows(ctx, db); !cmp.Equal(again, rebuilt) {
				t.Errorf("a second run changed the roll-ups")
			}
		})

		t.Run("NextDay", func(t *testing.T) {
			// A day later the steps keep the new day; the old one stands.
			clock.Add(24 * time.Hour)
			rollupOrders(t, f)
			incremental, _ := sqlstore.RollupRows(ctx, db)
			if err := rs.Rebuild(ctx); err != nil {
				t.Fatal(err)
			}
			rebuilt, _ := sqlstore.RollupRows(ctx, db)
			if d := cmp.Diff(rebuilt, incremental); d != "" {
				t.Errorf("incremental roll-ups differ from the rebuild (-rebuilt +incremental):\n%s", d)
			}
			end := clock.Now().AddDate(0, 0, 1).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
			fs, err := rs.Figures(mctx, wubu.FigureFilter{ProjectID: f.ProjectA.ID, From: rollupDay, To: end, Metrics: []string{"promise.order.arrival"}})
			if err != nil || len(fs) != 1 || fs[0].N != 6 || fs[0].Total != 2 || fs[0].Open != 2 {
				t.Errorf("two days of promises: got %+v %v, want 2 kept of 6, 2 open", fs, err)
			}
		})

		t.Run("ByWeekAndMonth", func(t *testing.T) {
			// Three days of the fixture: Friday 27 and Saturday 28 November,
			// then Tuesday 1 December, in a new week and a new month. The
			// database adds the days up by the period each falls in, named
			// by its first day (a Monday, the 1st), even before From.
			clock.Add(3 * 24 * time.Hour)
			rollupOrders(t, f)
			cst := time.FixedZone("CST", 8*3600)
			if day := clock.Now().In(cst).Format("2006-01-02"); day != "2026-12-01" {
				t.Fatalf("the fixture's third day is %s, want 2026-12-01", day)
			}
			type period struct {
				Day         string
				N, Total, O int64
			}
			read := func(g wubu.FigureGroup, from, to string) []period {
				t.Helper()
				fs, err := rs.Figures(mctx, wubu.FigureFilter{ProjectID: f.ProjectA.ID, From: from, To: to, Group: g, Metrics: []string{"promise.order.arrival"}})
				if err != nil {
					t.Fatal(err)
				}
				var out []period
				for _, f := range fs {
					out = append(out, period{f.Day, f.N, f.Total, f.Open})
				}
				return out
			}
			for _, c := range []struct {
				g        wubu.FigureGroup
				from, to string
				want     []period
			}{
				{wubu.ByWeek, "2026-11-27", "2026-12-02", []period{{"2026-11-23", 6, 2, 2}, {"2026-11-30", 3, 1, 1}}},
				{wubu.ByMonth, "2026-11-27", "2026-12-02", []period{{"2026-11-01", 6, 2, 2}, {"2026-12-01", 3, 1, 1}}},
				{wubu.ByMonth, "2026-11-28", "2026-11-29", []period{{"2026-11-01", 3, 1, 1}}},
				{wubu.ByWeek, "2026-12-01", "2026-12-08", []period{{"2026-11-30", 3, 1, 1}}},
				{wubu.ByDay, "2026-11-27", "2026-12-02", []period{{"2026-11-27", 3, 1, 1}, {"2026-11-28", 3, 1, 1}, {"2026-12-01", 3, 1, 1}}},
			} {
				if got := read(c.g, c.from, c.to); !cmp.Equal(got, c.want) {
					t.Errorf("%s %s–%s: got %+v, want %+v", c.g, c.from, c.to, got, c.want)
				}
			}
		})

		t.Run("ErrNotFound", func(t *testing.T) {
			// A manager of project A does not see project B's figures.
			_, err := rs.Figures(mctx, wubu.FigureFilter{ProjectID: f.ProjectB.ID, From: rollupDay, To: next})
			wantCode(t, err, wubu.ENOTFOUND)
			_, err = rs.Figures(mctx, wubu.FigureFilter{ProjectID: f.ProjectA.ID, From: next, To: rollupDay})
			wantCode(t, err, wubu.EINVALID)
		})
	})
}
