package sqlstore_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// visitWorld is a project of two buildings (1 in zone 东区 with its zone
// assistant, 2 in zone 西区 with another), four rooms each.
type visitWorld struct {
	f                  *wubutest.Fixture
	db                 *sqlstore.DB
	clock              *wubutest.Clock
	clocks             *sqlstore.ClockService
	rs                 *sqlstore.ResidentService
	visits             *sqlstore.RevisitService
	moveins            *sqlstore.MoveInService
	surveys            *sqlstore.SurveyService
	east, west         *wubu.Zone
	b1, b2             *wubu.Building
	rooms1, rooms2     []*wubu.Room
	eastAsst, westAsst *wubu.User
	manager            *wubu.User
}

func newVisitWorld(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) *visitWorld {
	t.Helper()
	f := wubutest.NewFixture(t, db)
	w := &visitWorld{f: f, db: db, clock: clock, clocks: newClocks(t, db), rs: sqlstore.NewResidentService(db), surveys: sqlstore.NewSurveyService(db)}
	w.visits = sqlstore.NewRevisitService(db, sqlstore.NewSecurityService(db)).WithClocks(w.clocks)
	w.moveins = sqlstore.NewMoveInService(db, w.clocks)
	admin := f.Ctx(f.Admin)
	org := sqlstore.NewOrgService(db)
	w.east, w.west = &wubu.Zone{ProjectID: f.ProjectA.ID, Name: "东区"}, &wubu.Zone{ProjectID: f.ProjectA.ID, Name: "西区"}
	for _, z := range []*wubu.Zone{w.east, w.west} {
		if err := org.CreateZone(admin, z); err != nil {
			t.Fatal(err)
		}
	}
	gen := func(name string, zone *wubu.Zone) (*wubu.Building, []*wubu.Room) {
		res, err := org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: f.ProjectA.ID, ZoneID: &zone.ID, Building: name, Units: 1, FirstFloor: 1, Floors: 2, PerFloor: 2})
		if err != nil {
			t.Fatal(err)
		}
		rooms, _, err := org.FindRooms(admin, wubu.RoomFilter{ProjectID: f.ProjectA.ID, BuildingID: &res.Building.ID, Limit: 100})
		if err != nil || len(rooms) != 4 {
			t.Fatalf("rooms of %s: %d, %v", name, len(rooms), err)
		}
		return res.Building, rooms
	}
	w.b1, w.rooms1 = gen("1", w.east)
	w.b2, w.rooms2 = gen("2", w.west)
	w.eastAsst = f.User(t, "east", wubu.RoleStaff, wubu.PostService, f.ProjectA)
	w.westAsst = f.User(t, "west", wubu.RoleStaff, wubu.PostService, f.ProjectA)
	w.manager = f.User(t, "mgr", wubu.RoleManager, wubu.PostNone, f.ProjectA)
	users := sqlstore.NewUserService(db)
	for _, a := range []*wubu.Assignment{
		{ProjectID: f.ProjectA.ID, BuildingID: w.b1.ID, UserID: w.eastAsst.ID, Kind: wubu.AssignZoneAssistant},
		{ProjectID: f.ProjectA.ID, BuildingID: w.b2.ID, UserID: w.westAsst.ID, Kind: wubu.AssignZoneAssistant},
	} {
		if err := users.Assign(admin, a); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// visitsOf returns a project's visits of a kind.
func (w *visitWorld) visitsOf(t *testing.T, kind wubu.VisitKind) []*wubu.Revisit {
	t.Helper()
	list, err := w.visits.FindRevisits(w.f.Ctx(w.manager), wubu.RevisitFilter{ProjectID: w.f.ProjectA.ID, Kind: kind})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// moveIn starts and ticks through a move-in of a room, completing it.
func (w *visitWorld) moveIn(t *testing.T, room *wubu.Room, name string, members ...string) *wubu.MoveIn {
	t.Helper()
	ctx := w.f.Ctx(w.manager)
	m := &wubu.MoveIn{ProjectID: w.f.ProjectA.ID, RoomID: room.ID, Name: name, Phone: "13800002222", Members: members}
	if err := w.moveins.StartMoveIn(ctx, m); err != nil {
		t.Fatal(err)
	}
	items, err := w.moveins.MoveInChecklist(ctx, w.f.ProjectA.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if _, err := w.moveins.CheckMoveIn(ctx, m.ID, it.ID, true, ""); err != nil {
			t.Fatal(err)
		}
	}
	done, err := w.moveins.CompleteMoveIn(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	return done
}

// TestWelcomeVisitOnMoveIn: completing a move-in records the household
// and plans the welcome visit for the zone's assistant, due within the
// project's days with its clock armed; residents brought in by an import
// or typed on the resident form get none. The visit's checklist and
// outcome are recorded once; a checklist item of another kind is refused.
func TestWelcomeVisitOnMoveIn(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newVisitWorld(t, db, clock)
		admin := w.f.Ctx(w.f.Admin)
		pid := w.f.ProjectA.ID
		if err := w.visits.UpdateVisitSettings(w.f.Ctx(w.manager), wubu.VisitSettings{ProjectID: pid, WelcomeDays: 5, ProgrammePercent: 10, ProgrammeGapMonths: 6, MoveInStallDays: 3}); err != nil {
			t.Fatal(err)
		}

		// An import and the resident form plan no welcome visit.
		res, err := w.rs.ImportResidents(w.f.Ctx(w.manager), pid, importFile(importFields, []string{w.rooms1[1].Label, "导入户", "13900000002", "", "业主"}), false)
		if err != nil || len(res.Errors) != 0 {
			t.Fatalf("import: %+v, %v", res, err)
		}
		if err := w.rs.CreatePersonInRoom(admin, &wubu.Person{ProjectID: pid, Name: "手工户"}, &wubu.Household{RoomID: w.rooms1[2].ID, Relation: wubu.RelationOwner}); err != nil {
			t.Fatal(err)
		}
		if got := w.visitsOf(t, wubu.VisitWelcome); len(got) != 0 {
			t.Fatalf("welcome visits without a move-in: %+v", got)
		}

		m := w.moveIn(t, w.rooms1[0], "新业主", "新小孩")
		if m.State != wubu.MoveInCompleted || m.PersonID == nil || m.VisitID == nil || *m.AssistantID != w.eastAsst.ID {
			t.Fatalf("completed move-in: %+v", m)
		}
		r, err := w.rs.FindResident(admin, *m.PersonID)
		if err != nil || r.Name != "新业主" || len(r.Households) != 1 || r.Households[0].RoomID != w.rooms1[0].ID || r.Households[0].Relation != wubu.RelationOwner || r.Households[0].MoveIn != m.MoveInOn {
			t.Fatalf("the household: %+v, %v", r, err)
		}
		welcome := w.visitsOf(t, wubu.VisitWelcome)
		if len(welcome) != 1 || welcome[0].ID != *m.VisitID || welcome[0].PersonID != *m.PersonID || welcome[0].AssistantID != w.eastAsst.ID ||
			!welcome[0].DueAt.Equal(clock.Now().Add(5*24*time.Hour).Truncate(time.Microsecond)) {
			t.Fatalf("welcome visits: %+v", welcome)
		}
		d := deadlineOf(t, w.clocks, admin, pid, "revisit", welcome[0].ID, "visit")
		if d == nil || d.State != wubu.DeadlineArmed || !d.DueAt.Equal(welcome[0].DueAt) {
			t.Fatalf("the welcome visit's clock: %+v", d)
		}

		as := w.f.Ctx(w.eastAsst)
		_, err = w.visits.RecordVisit(as, welcome[0].ID, wubu.VisitOutcome{Notes: "送上欢迎卡", Checks: []string{"flowers"}})
		mustCode(t, err, wubu.EINVALID)
		done, err := w.visits.RecordVisit(as, welcome[0].ID, wubu.VisitOutcome{Notes: "送上欢迎卡和手册，业主希望加装门禁", Checks: []string{"greeting_card", "handbook", "needs_asked"}})
		if err != nil || done.Status != wubu.RevisitDone || len(done.Checks) != 3 || done.Satisfaction != 0 {
			t.Fatalf("recorded: %+v, %v", done, err)
		}
		if d := deadlineOf(t, w.clocks, admin, pid, "revisit", welcome[0].ID, "visit"); d.State != wubu.DeadlineMet {
			t.Fatalf("the clock after the visit: %s", d.State)
		}
		_, err = w.visits.RecordVisit(as, welcome[0].ID, wubu.VisitOutcome{Notes: "again"})
		mustCode(t, err, wubu.ECONFLICT)

		// Another project sees neither the move-in nor the visit.
		other := w.f.Ctx(w.f.User(t, "other", wubu.RoleStaff, wubu.PostService, w.f.ProjectB))
		if _, err := w.moveins.FindMoveIn(other, m.ID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("another project's move-in: %v", err)
		}
		if _, err := w.moveins.CheckMoveIn(other, m.ID, 1, true, ""); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("another project ticks: %v", err)
		}
	})
}

// TestMoveInStalledOnToday: a move-in accompanied by the zone's assistant
// without progress for the stall days breaches its clock and shows on that
// assistant's Today, not on another's; ticking an item rearms it. The
// progress per zone counts the ticked items; a move-in is completed only
// with every item ticked, and bad input changes nothing.
func TestMoveInStalledOnToday(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newVisitWorld(t, db, clock)
		pid := w.f.ProjectA.ID
		ctx := w.f.Ctx(w.manager)
		agenda := sqlstore.NewMoveInAgenda(db)
		items, err := w.moveins.SetMoveInChecklist(ctx, pid, []string{"查验资料", "交付钥匙", "抄表", "门禁卡"})
		if err != nil || len(items) != 4 {
			t.Fatalf("checklist: %+v, %v", items, err)
		}

		mustCode(t, w.moveins.StartMoveIn(ctx, &wubu.MoveIn{ProjectID: pid, RoomID: w.rooms2[0].ID}), wubu.EINVALID)
		mustCode(t, w.moveins.StartMoveIn(ctx, &wubu.MoveIn{ProjectID: pid, RoomID: w.rooms2[0].ID, Name: "李", MoveInOn: "2026-13-01"}), wubu.EINVALID)
		mustCode(t, w.moveins.StartMoveIn(ctx, &wubu.MoveIn{ProjectID: pid, RoomID: 999999, Name: "李"}), wubu.ENOTFOUND)
		if list, _ := w.moveins.FindMoveIns(ctx, pid, wubu.MoveInFilter{}); len(list) != 0 {
			t.Fatalf("refused move-ins stored: %+v", list)
		}

		west := &wubu.MoveIn{ProjectID: pid, RoomID: w.rooms2[0].ID, Name: "李业主", Source: wubu.MoveInFromProspect, SourceRef: "prospect:7"}
		if err := w.moveins.StartMoveIn(ctx, west); err != nil {
			t.Fatal(err)
		}
		mustCode(t, w.moveins.StartMoveIn(ctx, &wubu.MoveIn{ProjectID: pid, RoomID: w.rooms2[0].ID, Name: "重复"}), wubu.ECONFLICT)
		east := &wubu.MoveIn{ProjectID: pid, RoomID: w.rooms1[0].ID, Name: "张业主"}
		if err := w.moveins.StartMoveIn(ctx, east); err != nil {
			t.Fatal(err)
		}
		if *west.AssistantID != w.westAsst.ID || *east.AssistantID != w.eastAsst.ID {
			t.Fatalf("assistants: west %d, east %d", *west.AssistantID, *east.AssistantID)
		}
		// East ticks two items, west one.
		for _, it := range items[:2] {
			if _, err := w.moveins.CheckMoveIn(w.f.Ctx(w.eastAsst), east.ID, it.ID, true, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.moveins.CheckMoveIn(w.f.Ctx(w.westAsst), west.ID, items[0].ID, true, "身份证已核"); err != nil {
			t.Fatal(err)
		}
		_, err = w.moveins.CheckMoveIn(ctx, west.ID, 999999, true, "")
		mustCode(t, err, wubu.EINVALID)
		_, err = w.moveins.CompleteMoveIn(ctx, west.ID)
		mustCode(t, err, wubu.EINVALID)

		progress, err := w.moveins.MoveInProgress(ctx, pid)
		if err != nil || len(progress) != 2 {
			t.Fatalf("progress: %+v, %v", progress, err)
		}
		for _, z := range progress {
			want := map[string][3]int{"东区": {1, 2, 50}, "西区": {1, 1, 25}}[z.ZoneName]
			if z.Open != want[0] || z.Ticked != want[1] || z.Items != 4 || z.Percent != want[2] {
				t.Errorf("zone %s: %+v, want open %d, ticked %d of 4, %d%%", z.ZoneName, z, want[0], want[1], want[2])
			}
		}

		// Not stalled yet: nothing on Today.
		for _, u := range []*wubu.User{w.eastAsst, w.westAsst} {
			if got, err := agenda.Agenda(w.f.Ctx(u), clock.Now()); err != nil || len(got) != 0 {
				t.Fatalf("%s's Today before the stall: %+v, %v", u.Login, got, err)
			}
		}
		// Three days later west (last ticked first) has stalled, on the
		// west assistant's Today only; its clock breached.
		clock.Add(3*24*time.Hour + time.Minute)
		got, err := agenda.Agenda(w.f.Ctx(w.westAsst), clock.Now())
		if err != nil || len(got) == 0 || got[0].ObjectID != itoa(west.ID) || !got[0].Overdue || got[0].Urgency != wubu.UrgencyCritical {
			t.Fatalf("west's Today: %+v, %v", got, err)
		}
		for _, it := range got {
			if it.ObjectID == itoa(east.ID) && it.Urgency == wubu.UrgencyCritical && it.Title != "" && it.Overdue && !it.Due.Before(clock.Now()) {
				t.Fatalf("east's move-in on west's Today: %+v", it)
			}
		}
		if _, err := w.clocks.RunDue(w.f.Ctx(w.f.Admin)); err != nil {
			t.Fatal(err)
		}
		if d := deadlineOf(t, w.clocks, w.f.Ctx(w.f.Admin), pid, "move_in", west.ID, "stall"); d == nil || d.State == wubu.DeadlineArmed {
			t.Fatalf("west's stall clock: %+v", d)
		}
		stalled, err := w.moveins.FindMoveIns(ctx, pid, wubu.MoveInFilter{Stalled: true})
		if err != nil || len(stalled) != 2 {
			t.Fatalf("stalled: %+v, %v", stalled, err)
		}
		// A tick rearms the clock and takes it off Today.
		if _, err := w.moveins.CheckMoveIn(w.f.Ctx(w.westAsst), west.ID, items[1].ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if got, _ := agenda.Agenda(w.f.Ctx(w.westAsst), clock.Now()); len(got) != 0 {
			t.Fatalf("west's Today after progress: %+v", got)
		}
		if d := deadlineOf(t, w.clocks, w.f.Ctx(w.f.Admin), pid, "move_in", west.ID, "stall"); d.State != wubu.DeadlineArmed {
			t.Fatalf("west's clock after progress: %s", d.State)
		}
		// Cancelled with a reason only.
		_, err = w.moveins.CancelMoveIn(ctx, east.ID, " ")
		mustCode(t, err, wubu.EINVALID)
		if c, err := w.moveins.CancelMoveIn(ctx, east.ID, "业主延期"); err != nil || c.State != wubu.MoveInCancelled {
			t.Fatalf("cancel: %+v, %v", c, err)
		}
	})
}

// TestSurveyResults: a satisfaction form of five kinds of question;
// visits in two buildings answered; the results per question and per
// building add up (counts, percentages, averages). A required question
// left out, a choice not offered or a score out of range records nothing.
func TestSurveyResults(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newVisitWorld(t, db, clock)
		pid := w.f.ProjectA.ID
		ctx := w.f.Ctx(w.manager)
		form := &wubu.SurveyForm{ProjectID: pid, Purpose: wubu.VisitSurvey(wubu.VisitSatisfaction), Title: "满意度回访", Questions: []*wubu.SurveyQuestion{
			{Kind: wubu.QuestionScale, Text: "总体满意度", Required: true},
			{Kind: wubu.QuestionYesNo, Text: "保洁及时吗", Required: true},
			{Kind: wubu.QuestionSingle, Text: "最常用的报修方式", Choices: []string{"电话", "前台", "微信"}},
			{Kind: wubu.QuestionMulti, Text: "希望的活动", Choices: []string{"讲座", "亲子", "义诊"}},
			{Kind: wubu.QuestionText, Text: "建议"},
		}}
		mustCode(t, w.surveys.SaveSurveyForm(ctx, &wubu.SurveyForm{ProjectID: pid, Purpose: form.Purpose, Title: "x",
			Questions: []*wubu.SurveyQuestion{{Kind: wubu.QuestionSingle, Text: "只有一个选项", Choices: []string{"a"}}}}), wubu.EINVALID)
		mustCode(t, w.surveys.SaveSurveyForm(w.f.Ctx(w.eastAsst), form), wubu.EFORBIDDEN)
		if err := w.surveys.SaveSurveyForm(ctx, form); err != nil {
			t.Fatal(err)
		}
		mustCode(t, w.surveys.SaveSurveyForm(ctx, &wubu.SurveyForm{ProjectID: pid, Purpose: form.Purpose, Title: "第二份",
			Questions: []*wubu.SurveyQuestion{{Kind: wubu.QuestionText, Text: "?"}}}), wubu.ECONFLICT)
		q := form.Questions
		score := func(n int) *int { return &n }

		// Three residents in building 1, two in building 2, each visited.
		plan := func(room *wubu.Room, name string) *wubu.Revisit {
			p := &wubu.Person{ProjectID: pid, Name: name}
			if err := w.rs.CreatePersonInRoom(w.f.Ctx(w.f.Admin), p, &wubu.Household{RoomID: room.ID, Relation: wubu.RelationOwner}); err != nil {
				t.Fatal(err)
			}
			v := &wubu.Revisit{PersonID: p.ID, Kind: wubu.VisitSatisfaction, Purpose: "满意度回访", DueAt: clock.Now().Add(24 * time.Hour)}
			if err := w.visits.ScheduleRevisit(w.f.Ctx(w.eastAsst), v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		type ans struct {
			sat, clean int
			single     string
			multi      []string
			text       string
		}
		record := func(v *wubu.Revisit, a ans) error {
			answers := []wubu.SurveyAnswer{{QuestionID: q[0].ID, Score: score(a.sat)}, {QuestionID: q[1].ID, Score: score(a.clean)},
				{QuestionID: q[3].ID, Choices: a.multi}, {QuestionID: q[4].ID, Text: a.text}}
			if a.single != "" {
				answers = append(answers, wubu.SurveyAnswer{QuestionID: q[2].ID, Choices: []string{a.single}})
			}
			_, err := w.visits.RecordVisit(w.f.Ctx(w.eastAsst), v.ID, wubu.VisitOutcome{Notes: "回访完成", Satisfaction: a.sat, Answers: answers})
			return err
		}
		v1 := plan(w.rooms1[0], "甲")
		counts := func() map[string]int {
			c, err := sqlstore.TableCounts(t.Context(), db)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		before := counts()
		mustCode(t, record(v1, ans{sat: 6, clean: 1}), wubu.EINVALID)
		mustCode(t, record(v1, ans{sat: 4, clean: 1, single: "邮件"}), wubu.EINVALID)
		_, err := w.visits.RecordVisit(w.f.Ctx(w.eastAsst), v1.ID, wubu.VisitOutcome{Notes: "x", Satisfaction: 4,
			Answers: []wubu.SurveyAnswer{{QuestionID: q[0].ID, Score: score(4)}}})
		mustCode(t, err, wubu.EINVALID)
		if after := counts(); after["survey_responses"] != before["survey_responses"] || after["survey_answers"] != before["survey_answers"] || after["lifecycle_events"] != before["lifecycle_events"] {
			t.Fatalf("refused answers wrote rows: %v → %v", before, after)
		}
		for _, c := range []struct {
			room *wubu.Room
			name string
			a    ans
		}{
			{nil, "", ans{5, 1, "电话", []string{"讲座", "义诊"}, "加装充电桩"}},
			{w.rooms1[1], "乙", ans{4, 1, "微信", []string{"讲座"}, ""}},
			{w.rooms1[2], "丙", ans{3, 0, "", nil, "电梯太慢"}},
			{w.rooms2[0], "丁", ans{2, 0, "电话", []string{"亲子"}, ""}},
			{w.rooms2[1], "戊", ans{5, 1, "电话", []string{"讲座", "亲子"}, ""}},
		} {
			v := v1
			if c.room != nil {
				v = plan(c.room, c.name)
			}
			if err := record(v, c.a); err != nil {
				t.Fatal(err)
			}
		}
		// The answers are on the visit and the resident's timeline.
		got, err := w.visits.FindRevisit(ctx, v1.ID)
		if err != nil || got.Survey == nil || len(got.Survey.Answers) != 5 {
			t.Fatalf("the visit's survey: %+v, %v", got.Survey, err)
		}
		tl, err := w.rs.Timeline(w.f.Ctx(w.f.Admin), v1.PersonID, 20)
		if err != nil {
			t.Fatal(err)
		}
		var surveyed bool
		for _, e := range tl {
			surveyed = surveyed || e.Kind == "survey"
		}
		if !surveyed {
			t.Fatalf("no survey on the timeline: %+v", tl)
		}

		mustCode(t, func() error { _, err := w.surveys.SurveyResults(w.f.Ctx(w.eastAsst), form.ID); return err }(), wubu.EFORBIDDEN)
		res, err := w.surveys.SurveyResults(ctx, form.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Responses != 5 || len(res.Questions) != 5 || len(res.Buildings) != 2 {
			t.Fatalf("results: %d responses, %d questions, %d buildings", res.Responses, len(res.Questions), len(res.Buildings))
		}
		count := func(r *wubu.QuestionResult, label string) (int, float64) {
			for _, c := range r.Counts {
				if c.Label == label {
					return c.Count, c.Percent
				}
			}
			return -1, -1
		}
		sat, clean, single, multi, text := res.Questions[0], res.Questions[1], res.Questions[2], res.Questions[3], res.Questions[4]
		if sat.Answered != 5 || sat.Average != 3.8 {
			t.Errorf("satisfaction: %+v, want 5 answers averaging 3.8", sat)
		}
		if n, p := count(sat, "5"); n != 2 || p != 40 {
			t.Errorf("satisfaction 5: %d (%v%%), want 2 (40%%)", n, p)
		}
		if n, p := count(clean, "yes"); n != 3 || p != 60 {
			t.Errorf("clean yes: %d (%v%%), want 3 (60%%)", n, p)
		}
		if n, p := count(single, "电话"); single.Answered != 4 || n != 3 || p != 75 {
			t.Errorf("single 电话: %d of %d (%v%%), want 3 of 4 (75%%)", n, single.Answered, p)
		}
		if n, p := count(multi, "讲座"); multi.Answered != 4 || n != 3 || p != 75 {
			t.Errorf("multi 讲座: %d of %d (%v%%), want 3 of 4 (75%%)", n, multi.Answered, p)
		}
		if text.Answered != 2 || len(text.Texts) != 2 {
			t.Errorf("text: %+v", text)
		}
		// Per building: 1 has three responses averaging 4, 2 has two averaging 3.5;
		// the buildings add up to the whole.
		want := map[string]struct {
			n   int
			avg float64
			yes int
		}{"1": {3, 4, 2}, "2": {2, 3.5, 1}}
		sum := 0
		for _, b := range res.Buildings {
			wb := want[b.BuildingName]
			yes, _ := count(b.Questions[1], "yes")
			if b.Responses != wb.n || b.Questions[0].Average != wb.avg || yes != wb.yes {
				t.Errorf("building %s: %d responses, average %v, %d yes; want %+v", b.BuildingName, b.Responses, b.Questions[0].Average, yes, wb)
			}
			sum += b.Responses
		}
		if sum != res.Responses {
			t.Errorf("buildings' responses add up to %d, want %d", sum, res.Responses)
		}

		// A question removed from the form keeps its answers in the results.
		form.Questions = form.Questions[:4]
		if err := w.surveys.SaveSurveyForm(ctx, form); err != nil {
			t.Fatal(err)
		}
		if f, _ := w.surveys.FindSurveyForm(ctx, form.ID); len(f.Questions) != 4 {
			t.Fatalf("form after the change: %d questions", len(f.Questions))
		}
		if res, _ := w.surveys.SurveyResults(ctx, form.ID); len(res.Questions) != 5 || res.Questions[4].Answered != 2 {
			t.Fatalf("results after archiving: %+v", res.Questions)
		}
	})
}

// TestVisitProgramme: the month's satisfaction programme visits the
// project's share of households (rounded up), never one visited within
// the gap, the never visited first, in turn over the buildings, each for
// its zone assistant and due at the month's end; a second run in the month
// plans nothing, the next month takes others.
func TestVisitProgramme(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newVisitWorld(t, db, clock)
		pid := w.f.ProjectA.ID
		ctx := w.f.Ctx(w.manager)
		clock.Set(time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC))
		persons := map[int64]*wubu.Person{}
		for i, room := range append(append([]*wubu.Room{}, w.rooms1...), w.rooms2...) {
			p := &wubu.Person{ProjectID: pid, Name: "户" + itoa(int64(i))}
			if err := w.rs.CreatePersonInRoom(w.f.Ctx(w.f.Admin), p, &wubu.Household{RoomID: room.ID, Relation: wubu.RelationOwner}); err != nil {
				t.Fatal(err)
			}
			persons[room.ID] = p
		}
		// Rooms 1-0 and 2-0 were visited last month.
		for _, room := range []*wubu.Room{w.rooms1[0], w.rooms2[0]} {
			v := &wubu.Revisit{PersonID: persons[room.ID].ID, Purpose: "回访", DueAt: clock.Now().Add(-30 * time.Minute)}
			if err := w.visits.ScheduleRevisit(w.f.Ctx(w.eastAsst), v); err != nil {
				t.Fatal(err)
			}
			if _, err := w.visits.RecordRevisit(w.f.Ctx(w.eastAsst), v.ID, "好", 5); err != nil {
				t.Fatal(err)
			}
		}
		clock.Set(time.Date(2027, 1, 4, 2, 0, 0, 0, time.UTC))
		// Without a share set, no programme: nothing planned, nothing recorded.
		if run, err := w.visits.RunProgramme(ctx, pid); err != nil || run.Chosen != 0 || run.Existed || len(w.visitsOf(t, wubu.VisitSatisfaction)) != 0 {
			t.Fatalf("run without a share: %+v, %v", run, err)
		}
		if err := w.visits.UpdateVisitSettings(ctx, wubu.VisitSettings{ProjectID: pid, WelcomeDays: 7, ProgrammePercent: 40, ProgrammeGapMonths: 3, MoveInStallDays: 3}); err != nil {
			t.Fatal(err)
		}
		_, err := w.visits.RunProgramme(w.f.Ctx(w.eastAsst), pid)
		mustCode(t, err, wubu.EFORBIDDEN)
		run, err := w.visits.RunProgramme(ctx, pid)
		if err != nil {
			t.Fatal(err)
		}
		// 40% of 8 households, rounded up: 4, two a building, none of the visited.
		if run.Households != 8 || run.Chosen != 4 || run.Existed {
			t.Fatalf("run: %+v", run)
		}
		perBuilding := map[int64]int{}
		chosen := map[int64]bool{}
		due := time.Date(2027, 1, 31, 18, 0, 0, 0, time.FixedZone("CST", 8*3600))
		for _, v := range run.Visits {
			for room, p := range persons {
				if p.ID != v.PersonID {
					continue
				}
				if room == w.rooms1[0].ID || room == w.rooms2[0].ID {
					t.Errorf("visited last month, chosen again: %s", p.Name)
				}
				chosen[room] = true
			}
			if v.Kind != wubu.VisitSatisfaction || !v.DueAt.Equal(due) {
				t.Errorf("visit: %+v, want a satisfaction visit due %v", v, due)
			}
			for _, r := range w.rooms1 {
				if persons[r.ID].ID == v.PersonID {
					perBuilding[w.b1.ID]++
					if v.AssistantID != w.eastAsst.ID {
						t.Errorf("building 1's visit for %d, want the east assistant", v.AssistantID)
					}
				}
			}
			for _, r := range w.rooms2 {
				if persons[r.ID].ID == v.PersonID {
					perBuilding[w.b2.ID]++
					if v.AssistantID != w.westAsst.ID {
						t.Errorf("building 2's visit for %d, want the west assistant", v.AssistantID)
					}
				}
			}
		}
		if perBuilding[w.b1.ID] != 2 || perBuilding[w.b2.ID] != 2 {
			t.Fatalf("per building: %v, want 2 and 2", perBuilding)
		}
		if again, err := w.visits.RunProgramme(ctx, pid); err != nil || !again.Existed || len(w.visitsOf(t, wubu.VisitSatisfaction)) != 4 {
			t.Fatalf("second run in the month: %+v, %v", again, err)
		}
		// Recorded this month, then February: within the gap of three months
		// are December's two and January's four; the two never visited remain.
		for _, v := range w.visitsOf(t, wubu.VisitSatisfaction) {
			if _, err := w.visits.RecordVisit(w.f.Ctx(w.eastAsst), v.ID, wubu.VisitOutcome{Notes: "好", Satisfaction: 4}); err != nil {
				t.Fatal(err)
			}
		}
		clock.Set(time.Date(2027, 2, 2, 2, 0, 0, 0, time.UTC))
		feb, err := w.visits.RunProgramme(ctx, pid)
		if err != nil || feb.Chosen != 2 {
			t.Fatalf("February: %+v, %v", feb, err)
		}
		for _, v := range feb.Visits {
			for room, p := range persons {
				if p.ID == v.PersonID && (chosen[room] || room == w.rooms1[0].ID || room == w.rooms2[0].ID) {
					t.Errorf("February chose %s, visited within the gap", p.Name)
				}
			}
		}
		// The rules plan April's on their run: December's and January's
		// households are out of the gap again; February's two still planned.
		clock.Set(time.Date(2027, 4, 5, 2, 0, 0, 0, time.UTC))
		rules := sqlstore.NewRulesEngine(db, &fakeNotifier{})
		rules.Visits = w.visits
		res, err := rules.RunRules(t.Context(), clock.Now())
		if err != nil || res.ProgrammeVisits != 4 {
			t.Fatalf("the rules' April run: %+v, %v", res, err)
		}
		if res, err := rules.RunRules(t.Context(), clock.Now()); err != nil || res.ProgrammeVisits != 0 {
			t.Fatalf("the rules' second April run: %+v, %v", res, err)
		}
		// Two runs at once in May: one plans, the other finds the month run.
		clock.Set(time.Date(2027, 5, 6, 2, 0, 0, 0, time.UTC))
		var wg sync.WaitGroup
		runs := make([]*wubu.ProgrammeRun, 2)
		errs := make([]error, 2)
		for i := range runs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				runs[i], errs[i] = w.visits.RunProgramme(ctx, pid)
			}()
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil || runs[0].Existed == runs[1].Existed {
			t.Fatalf("two runs at once: %+v %+v, %v %v", runs[0], runs[1], errs[0], errs[1])
		}
	})
}

// TestSpecialDayVisit: the rules plan a congratulation visit for a key
// customer whose birthday is tomorrow (the reminder's lead day), due that
// day at 10:00 for the zone assistant, once; an ordinary resident's
// birthday plans none.
func TestSpecialDayVisit(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newVisitWorld(t, db, clock)
		pid := w.f.ProjectA.ID
		admin := w.f.Ctx(w.f.Admin)
		tomorrow := clock.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, 1)
		birthday := "1970-" + tomorrow.Format("01-02")
		mk := func(room *wubu.Room, name string, importance int) *wubu.Person {
			p := &wubu.Person{ProjectID: pid, Name: name}
			if err := w.rs.CreatePersonInRoom(admin, p, &wubu.Household{RoomID: room.ID, Relation: wubu.RelationOwner}); err != nil {
				t.Fatal(err)
			}
			if _, err := w.rs.UpdatePerson(admin, p.ID, wubu.PersonUpdate{Importance: &importance}); err != nil {
				t.Fatal(err)
			}
			if err := w.rs.AddSpecialDay(admin, &wubu.SpecialDay{PersonID: p.ID, Kind: wubu.DayBirthday, Date: birthday, Yearly: true}); err != nil {
				t.Fatal(err)
			}
			return p
		}
		key := mk(w.rooms2[1], "贵宾", 5)
		mk(w.rooms2[2], "普通", 1)
		rules := sqlstore.NewRulesEngine(db, &fakeNotifier{})
		rules.Visits = w.visits
		res, err := rules.RunRules(t.Context(), clock.Now())
		if err != nil || res.SpecialDayVisits != 1 {
			t.Fatalf("rules: %+v, %v", res, err)
		}
		got := w.visitsOf(t, wubu.VisitSpecialDay)
		due := time.Date(tomorrow.Year(), tomorrow.Month(), tomorrow.Day(), 10, 0, 0, 0, tomorrow.Location())
		if len(got) != 1 || got[0].PersonID != key.ID || got[0].AssistantID != w.westAsst.ID || !got[0].DueAt.Equal(due) {
			t.Fatalf("special-day visits: %+v", got)
		}
		if res, err := rules.RunRules(t.Context(), clock.Now()); err != nil || res.SpecialDayVisits != 0 {
			t.Fatalf("second run: %+v, %v", res, err)
		}
	})
}

// TestCommunitySurvey: the same machinery serves a community survey (issue
// 14): answers within its period only, once per resident, with the
// resident's building; the results count them per building.
func TestCommunitySurvey(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newVisitWorld(t, db, clock)
		pid := w.f.ProjectA.ID
		ctx := w.f.Ctx(w.manager)
		today := clock.Now().In(time.FixedZone("CST", 8*3600))
		f := &wubu.SurveyForm{ProjectID: pid, Purpose: wubu.SurveyCommunity, Title: "讲座需求调查", OpensOn: today.AddDate(0, 0, 1).Format(time.DateOnly),
			ClosesOn: today.AddDate(0, 0, 10).Format(time.DateOnly), Questions: []*wubu.SurveyQuestion{
				{Kind: wubu.QuestionMulti, Text: "想听的讲座", Choices: []string{"居家安全", "理财", "园艺"}, Required: true}}}
		if err := w.surveys.SaveSurveyForm(ctx, f); err != nil {
			t.Fatal(err)
		}
		var persons []*wubu.Person
		for i, room := range []*wubu.Room{w.rooms1[0], w.rooms1[1], w.rooms2[0]} {
			p := &wubu.Person{ProjectID: pid, Name: "居民" + itoa(int64(i))}
			if err := w.rs.CreatePersonInRoom(w.f.Ctx(w.f.Admin), p, &wubu.Household{RoomID: room.ID, Relation: wubu.RelationOwner}); err != nil {
				t.Fatal(err)
			}
			persons = append(persons, p)
		}
		as := w.f.Ctx(w.eastAsst)
		answer := func(p *wubu.Person, choices ...string) error {
			return w.surveys.AnswerSurvey(as, &wubu.SurveyResponse{FormID: f.ID, PersonID: &p.ID,
				Answers: []wubu.SurveyAnswer{{QuestionID: f.Questions[0].ID, Choices: choices}}})
		}
		mustCode(t, answer(persons[0], "理财"), wubu.EINVALID) // not open yet
		clock.Add(24 * time.Hour)
		mustCode(t, answer(persons[0]), wubu.EINVALID)
		mustCode(t, answer(persons[0], "烹饪"), wubu.EINVALID)
		for i, c := range [][]string{{"理财", "园艺"}, {"理财"}, {"居家安全", "理财"}} {
			if err := answer(persons[i], c...); err != nil {
				t.Fatal(err)
			}
		}
		mustCode(t, answer(persons[0], "园艺"), wubu.ECONFLICT)
		other := w.f.Ctx(w.f.User(t, "other", wubu.RoleStaff, wubu.PostService, w.f.ProjectB))
		mustCode(t, w.surveys.AnswerSurvey(other, &wubu.SurveyResponse{FormID: f.ID, PersonID: &persons[0].ID}), wubu.ENOTFOUND)
		res, err := w.surveys.SurveyResults(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Responses != 3 || res.Questions[0].Counts[1].Label != "理财" || res.Questions[0].Counts[1].Count != 3 || res.Questions[0].Counts[1].Percent != 100 {
			t.Fatalf("results: %d responses, %+v", res.Responses, res.Questions[0].Counts)
		}
		if len(res.Buildings) != 2 || res.Buildings[0].Responses != 2 || res.Buildings[1].Responses != 1 {
			t.Fatalf("per building: %+v", res.Buildings)
		}
	})
}

// TestCareVisitSurvey: a care visit answers the project's care-visit form
// (issue 13 item 5): the response names the visit and counts in the
// form's results; a required question left out, or answers without a
// form, refuse the visit and write nothing.
func TestCareVisitSurvey(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newVisitWorld(t, db, clock)
		pid := w.f.ProjectA.ID
		care := sqlstore.NewCareService(db)
		asst := w.f.Ctx(w.eastAsst)
		p := &wubu.Person{ProjectID: pid, Name: "孤寡老人", CareFlags: []wubu.CareFlag{wubu.CareElderlyAlone}}
		if err := w.rs.CreatePersonInRoom(w.f.Ctx(w.f.Admin), p, &wubu.Household{RoomID: w.rooms1[0].ID, Relation: wubu.RelationOwner}); err != nil {
			t.Fatal(err)
		}
		score := func(n int) *int { return &n }
		visits := func() int {
			vs, err := care.FindCareVisits(asst, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			return len(vs)
		}

		// No form yet: answers are refused, a visit without them is kept.
		mustCode(t, care.RecordCareVisit(asst, &wubu.CareVisit{PersonID: p.ID, Notes: "身体好", Answers: []wubu.SurveyAnswer{{QuestionID: 1, Score: score(5)}}}), wubu.EINVALID)
		if n := visits(); n != 0 {
			t.Fatalf("a refused visit was kept: %d", n)
		}

		form := &wubu.SurveyForm{ProjectID: pid, Purpose: wubu.SurveyCare, Title: "关爱走访", Questions: []*wubu.SurveyQuestion{
			{Kind: wubu.QuestionScale, Text: "身体状况", Required: true},
			{Kind: wubu.QuestionText, Text: "需要的帮助"},
		}}
		if err := w.surveys.SaveSurveyForm(w.f.Ctx(w.manager), form); err != nil {
			t.Fatal(err)
		}
		q := form.Questions
		mustCode(t, care.RecordCareVisit(asst, &wubu.CareVisit{PersonID: p.ID, Notes: "身体好", Answers: []wubu.SurveyAnswer{{QuestionID: q[1].ID, Text: "买菜"}}}), wubu.EINVALID)
		if n := visits(); n != 0 {
			t.Fatalf("a visit missing a required answer was kept: %d", n)
		}
		v := &wubu.CareVisit{PersonID: p.ID, Notes: "身体好", Answers: []wubu.SurveyAnswer{{QuestionID: q[0].ID, Score: score(4)}, {QuestionID: q[1].ID, Text: "帮忙买菜"}}}
		if err := care.RecordCareVisit(asst, v); err != nil {
			t.Fatal(err)
		}
		if v.Survey == nil || v.Survey.CareVisitID == nil || *v.Survey.CareVisitID != v.ID || v.Survey.BuildingID == nil || *v.Survey.BuildingID != w.b1.ID {
			t.Fatalf("the response does not name the visit and building: %+v", v.Survey)
		}
		res, err := w.surveys.SurveyResults(w.f.Ctx(w.manager), form.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Responses != 1 || res.Questions[0].Answered != 1 || res.Questions[0].Average != 4 || len(res.Questions[1].Texts) != 1 || res.Questions[1].Texts[0] != "帮忙买菜" {
			t.Fatalf("results: %+v %+v %+v", res, res.Questions[0], res.Questions[1])
		}
		tl, err := w.rs.Timeline(asst, p.ID, 20)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range tl {
			found = found || e.Kind == "survey" && strings.Contains(e.Text, "帮忙买菜")
		}
		if !found {
			t.Fatalf("the answers are not on the timeline: %+v", tl)
		}
	})
}
