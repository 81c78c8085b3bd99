package sqlstore_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// scorecardClocks writes clocks of a project straight into the deadlines
// (the fixture needs no objects behind them): the states given, due d
// days before the clock's now.
func scorecardClocks(t *testing.T, db *sqlstore.DB, projectID int64, objectType, kind string, states map[wubu.DeadlineState]int, now time.Time) {
	t.Helper()
	b, err := db.BeginActivity(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for st, k := range states {
		for range k {
			n++
			due := now.Add(-time.Duration(n) * 24 * time.Hour)
			if st == wubu.DeadlineArmed {
				due = now.Add(time.Hour) // not yet due: not counted
			}
			var met any
			switch st {
			case wubu.DeadlineMet:
				met = true
			case wubu.DeadlineMissed:
				met = false
			}
			if _, err := b.Row(context.Background(), "deadlines", projectID, objectType, strconv.Itoa(1000+n), kind, "at", due, nil, string(st), 1, due.Add(-time.Hour), nil, met, due); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := b.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestScorecardQuality: the six-step scorecard measures its cells from
// the roll-ups as counted by hand (promises kept of those due, breached and
// open included, running and cancelled ones left out); the quality
// department sees every project it serves and no other, ranked, with the
// medians; a manager sees one; a guard none.
func TestScorecardQuality(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		admin := f.Ctx(f.Admin)
		pc := &wubu.Project{Code: "QT", Name: "青藤苑"}
		if err := sqlstore.NewProjectService(db).CreateProject(admin, pc); err != nil {
			t.Fatal(err)
		}
		now := clock.Now()
		// A: release passes 3 kept, 1 late, 1 breached and open, 1 running,
		// 1 cancelled → 3 of 5 (0.6, poor, 1 open); hazards 2 kept (1.0).
		scorecardClocks(t, db, f.ProjectA.ID, "pass", "confirm", map[wubu.DeadlineState]int{
			wubu.DeadlineMet: 3, wubu.DeadlineMissed: 1, wubu.DeadlineBreached: 1, wubu.DeadlineArmed: 1, wubu.DeadlineCancelled: 1}, now)
		scorecardClocks(t, db, f.ProjectA.ID, "hazard", "rectify", map[wubu.DeadlineState]int{wubu.DeadlineMet: 2}, now)
		// B: one pass kept (1.0). C: one pass late (0.0), served by nobody here.
		scorecardClocks(t, db, f.ProjectB.ID, "pass", "confirm", map[wubu.DeadlineState]int{wubu.DeadlineMet: 1}, now)
		scorecardClocks(t, db, pc.ID, "pass", "confirm", map[wubu.DeadlineState]int{wubu.DeadlineMissed: 1}, now)
		if err := sqlstore.NewRollupService(db).Rebuild(admin); err != nil {
			t.Fatal(err)
		}
		ss := sqlstore.NewScorecardService(db)
		quality := f.Ctx(f.User(t, "quality", wubu.RoleQuality, wubu.PostNone, f.ProjectA, f.ProjectB))
		manager := f.Ctx(f.User(t, "manager", wubu.RoleManager, wubu.PostNone, f.ProjectA))
		guard := f.Ctx(f.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA))
		day := func(d int) string { return now.In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, d).Format("2006-01-02") }
		from, to := day(-30), day(1)

		t.Run("Cells", func(t *testing.T) {
			sc, err := ss.Scorecard(manager, f.ProjectA.ID, from, to)
			if err != nil {
				t.Fatal(err)
			}
			if len(sc.Cells) != 22 {
				t.Fatalf("%d cells, want the guideline's 22", len(sc.Cells))
			}
			pass := sc.Cell(wubu.PostSecurity, wubu.StepEmpathize)
			if pass.N != 5 || pass.Total != 3 || pass.Open != 1 || pass.Health != 0.6 || pass.Colour != "poor" || pass.Link != "/passes?project={project}" || pass.Formula == "" {
				t.Fatalf("security × empathize: %+v", pass)
			}
			hz := sc.Cell(wubu.PostSecurity, wubu.StepAchieve)
			if hz.N != 2 || hz.Health != 1 || hz.Colour != "good" {
				t.Fatalf("security × achieve: %+v", hz)
			}
			if c := sc.Cell(wubu.PostCleaning, wubu.StepAchieve); c != nil {
				t.Fatalf("cleaning has no achieve step in the guideline: %+v", c)
			}
			if c := sc.Cell(wubu.PostService, wubu.StepKnow); c.HasData || c.Colour != "none" {
				t.Fatalf("a cell without data: %+v", c)
			}
			if !sc.HasData || sc.Health != 0.8 {
				t.Fatalf("health %v, want the mean of 0.6 and 1", sc.Health)
			}
		})
		t.Run("QualitySeesItsProjects", func(t *testing.T) {
			v, err := ss.Quality(quality, from, to)
			if err != nil {
				t.Fatal(err)
			}
			if len(v.Rows) != 2 || v.Rows[0].Project.ID != f.ProjectB.ID || v.Rows[0].Rank != 1 || v.Rows[1].Project.ID != f.ProjectA.ID {
				t.Fatalf("rows %+v", v.Rows)
			}
			if v.Median["security.empathize"] != 0.8 || v.MedianHealth != 0.9 {
				t.Fatalf("medians %v %v", v.Median, v.MedianHealth)
			}
			if _, err := ss.Scorecard(quality, pc.ID, from, to); wubu.ErrorCode(err) != wubu.ENOTFOUND {
				t.Fatalf("a project the department does not serve: %v", err)
			}
		})
		t.Run("ManagerSeesOne", func(t *testing.T) {
			v, err := ss.Quality(manager, from, to)
			if err != nil || len(v.Rows) != 1 || v.Rows[0].Project.ID != f.ProjectA.ID {
				t.Fatalf("manager: %+v %v", v, err)
			}
			if _, err := ss.Scorecard(manager, f.ProjectB.ID, from, to); wubu.ErrorCode(err) != wubu.ENOTFOUND {
				t.Fatalf("another project: %v", err)
			}
		})
		t.Run("ErrGuard", func(t *testing.T) {
			if _, err := ss.Quality(guard, from, to); wubu.ErrorCode(err) != wubu.EFORBIDDEN {
				t.Fatalf("guard: %v", err)
			}
		})
		t.Run("Trend", func(t *testing.T) {
			pts, err := ss.Trend(quality, f.ProjectA.ID, to, 4)
			if err != nil || len(pts) != 4 {
				t.Fatalf("trend %+v %v", pts, err)
			}
			last := pts[3]
			if !last.HasData || last.Median == 0 {
				t.Fatalf("last week %+v", last)
			}
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			if _, err := ss.Scorecard(manager, f.ProjectA.ID, to, from); wubu.ErrorCode(err) != wubu.EINVALID {
				t.Fatalf("reversed period: %v", err)
			}
		})
	})
}
