package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// execSQL runs a statement written with ? placeholders on the database.
func execSQL(t *testing.T, db *sqlstore.DB, q string, args ...any) {
	t.Helper()
	if db.Dialect == sqlstore.Postgres {
		for i := 1; strings.Contains(q, "?"); i++ {
			q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
		}
	}
	if _, err := db.SQL().Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}

// cstDay returns the roll-ups' day of t.
func cstDay(t time.Time) string { return t.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02") }

// rebuildEqualsIncremental checks that a rebuild from scratch writes the
// roll-ups the steps kept.
func rebuildEqualsIncremental(t *testing.T, db *sqlstore.DB, rs *sqlstore.RollupService, f *wubutest.Fixture) {
	t.Helper()
	ctx := f.Ctx(f.Admin)
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
		t.Errorf("incremental roll-ups differ from the rebuild (-rebuilt +incremental):\n%s", d)
	}
}

// TestRollupsPromiseOwners: the promise figures of TestRollups' fixture
// per building and per person (issue 17: promises kept per building and
// person) — A kept, B breached and open, C missed, all the technician's
// in building 3 — and the promise list narrowed to them.
func TestRollupsPromiseOwners(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newOrderFixture(t, db, clock)
		rs := sqlstore.NewRollupService(db)
		rollupOrders(t, f)
		mctx := f.ctx(f.User(t, "mgr", wubu.RoleManager, wubu.PostNone, f.ProjectA))
		next := cstDay(clock.Now().AddDate(0, 0, 1))
		var building int64
		if err := db.SQL().QueryRow(strings.Replace(`SELECT building_id FROM rooms WHERE id = ?`, "?", map[bool]string{true: "$1", false: "?"}[db.Dialect == sqlstore.Postgres], 1), f.room).Scan(&building); err != nil {
			t.Fatal(err)
		}
		want := wubu.Figure{Metric: "promise.order.arrival", N: 3, Total: 1, Open: 1}
		byB, err := rs.Figures(mctx, wubu.FigureFilter{ProjectID: f.ProjectA.ID, From: rollupDay, To: next, Group: wubu.ByBuilding, Metrics: []string{"promise."}})
		wantB := want
		wantB.BuildingID = building
		if err != nil || len(byB) != 1 || !cmp.Equal(*byB[0], wantB) {
			t.Errorf("per building: got %v %v, want %+v", byB, err, wantB)
		}
		byP, err := rs.Figures(mctx, wubu.FigureFilter{ProjectID: f.ProjectA.ID, From: rollupDay, To: next, Group: wubu.ByPerson, Metrics: []string{"promise."}})
		wantP := want
		wantP.UserID = f.tech.ID
		if err != nil || len(byP) != 1 || !cmp.Equal(*byP[0], wantP) {
			t.Errorf("per person: got %v %v, want %+v", byP, err, wantP)
		}
		for _, c := range []struct {
			name   string
			filter wubu.PromiseFilter
			want   int
		}{
			{"Building", wubu.PromiseFilter{BuildingID: building}, 3},
			{"BuildingKept", wubu.PromiseFilter{BuildingID: building, Outcome: wubu.OutcomeKept}, 1},
			{"OtherBuilding", wubu.PromiseFilter{BuildingID: building + 1000}, 0},
			{"Person", wubu.PromiseFilter{UserID: f.tech.ID}, 3},
			{"PersonOpen", wubu.PromiseFilter{UserID: f.tech.ID, Outcome: wubu.OutcomeOpen}, 1},
			{"OtherPerson", wubu.PromiseFilter{UserID: f.tech2.ID}, 0},
		} {
			t.Run(c.name, func(t *testing.T) {
				pf := c.filter
				pf.ProjectID, pf.From, pf.To = f.ProjectA.ID, rollupDay, next
				_, n, err := rs.Promises(mctx, pf)
				if err != nil || n != c.want {
					t.Errorf("got %d %v, want %d", n, err, c.want)
				}
			})
		}
		rebuildEqualsIncremental(t, db, rs, f.Fixture)
	})
}

// TestRollupsCareSurveyProfile: care visits on time, satisfaction from
// surveys and profile completeness (issue 17) equal a hand count, the
// steps' roll-ups equal a rebuild, and profile completeness reads the
// value of the period's last day, never a sum.
func TestRollupsCareSurveyProfile(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newVisitWorld(t, db, clock)
		rs := sqlstore.NewRollupService(db)
		pid := w.f.ProjectA.ID
		admin, mctx, as := w.f.Ctx(w.f.Admin), w.f.Ctx(w.manager), w.f.Ctx(w.eastAsst)
		t0 := clock.Now()
		day1 := cstDay(t0)
		// Three residents: 张一 (building 1, complete below), 李二
		// (building 2), 王奶奶 (building 1, a care flag).
		p1 := &wubu.Person{ProjectID: pid, Name: "张一", Phones: []string{"13800138001"}}
		p2 := &wubu.Person{ProjectID: pid, Name: "李二", Phones: []string{"13800138002"}}
		care := &wubu.Person{ProjectID: pid, Name: "王奶奶", CareFlags: []wubu.CareFlag{wubu.CareElderlyAlone}}
		for i, c := range []struct {
			p    *wubu.Person
			room *wubu.Room
		}{{p1, w.rooms1[0]}, {p2, w.rooms2[0]}, {care, w.rooms1[1]}} {
			if err := w.rs.CreatePersonInRoom(admin, c.p, &wubu.Household{RoomID: c.room.ID, Relation: wubu.RelationOwner}); err != nil {
				t.Fatalf("resident %d: %v", i, err)
			}
		}
		complete := func(p *wubu.Person) {
			t.Helper()
			if err := w.rs.SetPhoto(admin, p.ID, "image/jpeg", []byte{0xff, 0xd8, 0xff}); err != nil {
				t.Fatal(err)
			}
			execSQL(t, db, `UPDATE persons SET id_number = 'sealed' WHERE id = ?`, p.ID)
			execSQL(t, db, `INSERT INTO vehicles (project_id, person_id, plate, plate_rev, created_at) VALUES (?, ?, ?, ?, ?)`, pid, p.ID, "粤B"+itoa(p.ID), "x", t0)
			execSQL(t, db, `INSERT INTO special_days (project_id, person_id, kind, date, month_day, yearly, created_at) VALUES (?, ?, 'birthday', '1950-03-01', '03-01', ?, ?)`,
				pid, p.ID, true, t0)
		}
		complete(p1)

		t.Run("Survey", func(t *testing.T) {
			today := t0.In(time.FixedZone("CST", 8*3600))
			form := &wubu.SurveyForm{ProjectID: pid, Purpose: wubu.SurveyCommunity, Title: "服务满意度", OpensOn: today.Format(time.DateOnly),
				ClosesOn: today.AddDate(0, 0, 10).Format(time.DateOnly), Questions: []*wubu.SurveyQuestion{
					{Kind: wubu.QuestionScale, Text: "对物业服务的满意度", Required: true},
					{Kind: wubu.QuestionYesNo, Text: "愿意推荐吗"}}}
			if err := w.surveys.SaveSurveyForm(mctx, form); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				p          *wubu.Person
				score, yes int
			}{{p1, 5, 1}, {p2, 3, 0}} {
				answers := []wubu.SurveyAnswer{{QuestionID: form.Questions[0].ID, Score: &c.score}, {QuestionID: form.Questions[1].ID, Score: &c.yes}}
				if err := w.surveys.AnswerSurvey(as, &wubu.SurveyResponse{FormID: form.ID, PersonID: &c.p.ID, Answers: answers}); err != nil {
					t.Fatal(err)
				}
			}
			next := cstDay(t0.AddDate(0, 0, 1))
			// The scale answers 5 and 3; the yes/no answers left out.
			fs, err := rs.Figures(mctx, wubu.FigureFilter{ProjectID: pid, From: day1, To: next, Metrics: []string{"survey.satisfaction"}})
			if err != nil || len(fs) != 1 || fs[0].N != 2 || fs[0].Total != 8 {
				t.Errorf("survey satisfaction: got %v %v, want 2 answers, 8 points", fs, err)
			}
			byB, err := rs.Figures(mctx, wubu.FigureFilter{ProjectID: pid, From: day1, To: next, Metrics: []string{"survey.satisfaction"}, Group: wubu.ByBuilding})
			got := map[int64][2]int64{}
			for _, f := range byB {
				got[f.BuildingID] = [2]int64{f.N, f.Total}
			}
			if want := map[int64][2]int64{w.b1.ID: {1, 5}, w.b2.ID: {1, 3}}; err != nil || !cmp.Equal(got, want) {
				t.Errorf("per building: got %v %v, want %v", got, err, want)
			}
		})

		t.Run("ProfileLevel", func(t *testing.T) {
			// Day 1: 1 of 3 residents complete (building 1: 1 of 2;
			// building 2: 0 of 1).
			if err := rs.RollUp(admin, clock.Now()); err != nil {
				t.Fatal(err)
			}
			complete(p2)
			// Once a day: the same day's snapshot stands.
			if err := rs.RollUp(admin, clock.Now()); err != nil {
				t.Fatal(err)
			}
			clock.Add(24 * time.Hour)
			day2, day3 := cstDay(clock.Now()), cstDay(clock.Now().AddDate(0, 0, 1))
			if err := rs.RollUp(admin, clock.Now()); err != nil {
				t.Fatal(err)
			}
			level := func(g wubu.FigureGroup, from, to string) map[string][2]int64 {
				t.Helper()
				fs, err := rs.Figures(mctx, wubu.FigureFilter{ProjectID: pid, From: from, To: to, Metrics: []string{"profile.complete"}, Group: g})
				if err != nil {
					t.Fatal(err)
				}
				out := map[string][2]int64{}
				for _, f := range fs {
					out[fmt.Sprintf("%s/%d", f.Day, f.BuildingID)] = [2]int64{f.N, f.Total}
				}
				return out
			}
			for _, c := range []struct {
				name     string
				group    wubu.FigureGroup
				from, to string
				want     map[string][2]int64
			}{
				{"Day1", wubu.ByProject, day1, day2, map[string][2]int64{"/0": {3, 1}}},
				// Two days: the last day's value, not the sum.
				{"LastDay", wubu.ByProject, day1, day3, map[string][2]int64{"/0": {3, 2}}},
				{"ByDay", wubu.ByDay, day1, day3, map[string][2]int64{day1 + "/0": {3, 1}, day2 + "/0": {3, 2}}},
				{"ByBuilding", wubu.ByBuilding, day1, day3, map[string][2]int64{fmt.Sprintf("/%d", w.b1.ID): {2, 1}, fmt.Sprintf("/%d", w.b2.ID): {1, 1}}},
				{"ByPerson", wubu.ByPerson, day1, day3, map[string][2]int64{}},
			} {
				if got := level(c.group, c.from, c.to); !cmp.Equal(got, c.want) {
					t.Errorf("%s: got %v, want %v", c.name, got, c.want)
				}
			}
			// A rebuild leaves the snapshots alone.
			if err := rs.Rebuild(admin); err != nil {
				t.Fatal(err)
			}
			if got := level(wubu.ByProject, day1, day3); !cmp.Equal(got, map[string][2]int64{"/0": {3, 2}}) {
				t.Errorf("after a rebuild: got %v", got)
			}
		})

		t.Run("CareVisits", func(t *testing.T) {
			cs := sqlstore.NewCareService(db)
			clock.Set(t0.Add(20 * 24 * time.Hour))
			visit := func(days int) {
				t.Helper()
				if err := cs.RecordCareVisit(as, &wubu.CareVisit{PersonID: care.ID, VisitedAt: t0.Add(time.Duration(days) * 24 * time.Hour)}); err != nil {
					t.Fatal(err)
				}
			}
			// Every 7 days (the default). Day 12 first: late (12 days after
			// the record); then day 6, recorded late: on time, and day 12
			// now on time (6 days after it); day 20: late (8 days after 12).
			visit(12)
			visit(6)
			visit(20)
			end := cstDay(clock.Now().AddDate(0, 0, 1))
			fs, err := rs.Figures(mctx, wubu.FigureFilter{ProjectID: pid, From: day1, To: end, Metrics: []string{"care.visit"}})
			if want := (wubu.Figure{Metric: "care.visit", N: 3, Total: 2}); err != nil || len(fs) != 1 || !cmp.Equal(*fs[0], want) {
				t.Errorf("care visits: got %v %v, want %+v", fs, err, want)
			}
			byP, err := rs.Figures(mctx, wubu.FigureFilter{ProjectID: pid, From: day1, To: end, Metrics: []string{"care.visit"}, Group: wubu.ByPerson})
			if err != nil || len(byP) != 1 || byP[0].UserID != w.eastAsst.ID || byP[0].N != 3 || byP[0].Total != 2 {
				t.Errorf("per person: got %v %v, want the assistant's 2 of 3", byP, err)
			}
			// Overdue now: visited today, so not until 7 days on.
			if n, err := rs.CareOverdue(mctx, pid); err != nil || n != 0 {
				t.Errorf("overdue today: got %d %v, want 0", n, err)
			}
			clock.Add(7 * 24 * time.Hour)
			if n, err := rs.CareOverdue(mctx, pid); err != nil || n != 1 {
				t.Errorf("overdue a week on: got %d %v, want 1", n, err)
			}
			_, err = rs.CareOverdue(w.f.Ctx(w.f.User(t, "other", wubu.RoleManager, wubu.PostNone, w.f.ProjectB)), pid)
			wantCode(t, err, wubu.ENOTFOUND)
		})

		t.Run("RebuildEqualsIncremental", func(t *testing.T) {
			rebuildEqualsIncremental(t, db, rs, w.f)
		})
	})
}
