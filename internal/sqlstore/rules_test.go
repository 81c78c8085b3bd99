package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// rulesWorld is a project with a building looked after by a zone
// assistant, a customer-service team leader, and an elderly resident living
// alone with a card and a birthday.
type rulesWorld struct {
	f                 *wubutest.Fixture
	admin             context.Context
	assistant, leader *wubu.User
	other             *wubu.User // a service staff member of another building's residents
	person            *wubu.Person
	outbox            *sqlstore.OutboxService
	rules             *sqlstore.RulesEngine
	building          *wubu.Building
	residents         *sqlstore.ResidentService
}

func newRulesWorld(t *testing.T, db *sqlstore.DB) *rulesWorld {
	t.Helper()
	f := wubutest.NewFixture(t, db)
	w := &rulesWorld{f: f, admin: f.Ctx(f.Admin), outbox: sqlstore.NewOutboxService(db), residents: sqlstore.NewResidentService(db)}
	w.rules = sqlstore.NewRulesEngine(db, w.outbox)
	org := sqlstore.NewOrgService(db)
	res, err := org.GenerateRooms(w.admin, wubu.RoomGeneration{ProjectID: f.ProjectA.ID, Building: "3", Units: 1, Floors: 2, PerFloor: 2})
	if err != nil {
		t.Fatal(err)
	}
	w.building = res.Building
	w.assistant = f.User(t, "assistant", wubu.RoleStaff, wubu.PostService, f.ProjectA)
	w.other = f.User(t, "other", wubu.RoleStaff, wubu.PostService, f.ProjectA)
	w.leader = f.User(t, "leader", wubu.RoleTeamLeader, wubu.PostService, f.ProjectA)
	if err := sqlstore.NewUserService(db).Assign(w.admin, &wubu.Assignment{ProjectID: f.ProjectA.ID, BuildingID: w.building.ID, UserID: w.assistant.ID, Kind: wubu.AssignZoneAssistant}); err != nil {
		t.Fatal(err)
	}
	rooms, _, err := org.FindRooms(w.admin, wubu.RoomFilter{ProjectID: f.ProjectA.ID, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	w.person = &wubu.Person{ProjectID: f.ProjectA.ID, Name: "王奶奶", Phones: []string{"13800138000"}, CareFlags: []wubu.CareFlag{wubu.CareElderlyAlone}}
	if err := w.residents.CreatePersonInRoom(w.admin, w.person, &wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
		t.Fatal(err)
	}
	return w
}

// messages returns the outbox messages of a kind in project A.
func (w *rulesWorld) messages(t *testing.T, kind string) []*wubu.Message {
	t.Helper()
	ms, _, err := w.outbox.FindMessages(w.admin, w.f.ProjectA.ID, wubu.MessageFilter{Kind: kind, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func (w *rulesWorld) run(t *testing.T, clock *wubutest.Clock) sqlstore.RulesResult {
	t.Helper()
	res, err := w.rules.RunRules(context.Background(), clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// cst returns a time in China.
func cst(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, calendar.ChinaStandardTime)
}

func TestCardExpiryReminders(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRulesWorld(t, db)
		// Today is 2026-11-27; the card expires in 16 days.
		card := &wubu.Card{ProjectID: w.f.ProjectA.ID, PersonID: w.person.ID, Kind: wubu.CardParking, Number: "P0001", ExpiresOn: "2026-12-13"}
		if err := w.residents.AddCard(w.admin, card); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			at   time.Time
			want int // reminders sent by two runs at that time
		}{
			{cst(2026, 11, 27, 9, 0), 0},  // 16 days left
			{cst(2026, 11, 28, 0, 5), 1},  // 15 days: the first reminder
			{cst(2026, 11, 28, 18, 0), 0}, // the same day again
			{cst(2026, 11, 29, 9, 0), 0},  // 14 days
			{cst(2026, 12, 9, 9, 0), 0},   // 4 days
			{cst(2026, 12, 10, 9, 0), 1},  // 3 days: the second reminder
			{cst(2026, 12, 12, 9, 0), 0},  // 1 day
		}
		for _, st := range steps {
			clock.Set(st.at)
			got := w.run(t, clock).CardReminders + w.run(t, clock).CardReminders
			if got != st.want {
				t.Errorf("%s: got %d reminders, want %d", st.at.Format(time.DateTime), got, st.want)
			}
		}
		ms := w.messages(t, "card_expiry")
		if len(ms) != 2 {
			t.Fatalf("got %d card_expiry messages, want 2 (15 and 3 days before)", len(ms))
		}
		for _, m := range ms {
			if m.PersonID == nil || *m.PersonID != w.person.ID || m.Channel != wubu.ChannelSMS {
				t.Errorf("message to %v by %s, want an SMS to the holder", m.PersonID, m.Channel)
			}
		}

		// The front desk's list, and the other project's user sees nothing.
		cards := sqlstore.NewCardService(db)
		list, err := cards.FindExpiringCards(w.f.Ctx(w.assistant), w.f.ProjectA.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].DaysLeft != 1 || list[0].RemindedAt == nil || list[0].Room == "" {
			t.Fatalf("expiring list: got %+v, want the card, 1 day left, reminded, with its room", list)
		}
		if _, err := cards.FindExpiringCards(w.f.Ctx(w.assistant), w.f.ProjectB.ID, 0); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("another project's list: got %v, want ENOTFOUND", err)
		}
	})
}

func TestCardExpiryFoundLate(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRulesWorld(t, db)
		// A card added 2 days before it expires gets one reminder, not two.
		if err := w.residents.AddCard(w.admin, &wubu.Card{ProjectID: w.f.ProjectA.ID, PersonID: w.person.ID, Kind: wubu.CardAccess, Number: "A1", ExpiresOn: "2026-11-29"}); err != nil {
			t.Fatal(err)
		}
		if got := w.run(t, clock).CardReminders + w.run(t, clock).CardReminders; got != 1 {
			t.Fatalf("got %d reminders, want 1", got)
		}
	})
}

func TestSpecialDayReminder(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRulesWorld(t, db)
		if err := w.residents.AddSpecialDay(w.admin, &wubu.SpecialDay{ProjectID: w.f.ProjectA.ID, PersonID: w.person.ID, Kind: wubu.DayBirthday, Date: "1946-11-29", Yearly: true}); err != nil {
			t.Fatal(err)
		}
		// 27 November: the birthday is the day after tomorrow.
		if got := w.run(t, clock).SpecialDayReminders; got != 0 {
			t.Fatalf("two days before: got %d reminders, want 0", got)
		}
		clock.Set(cst(2026, 11, 28, 8, 0))
		if got := w.run(t, clock).SpecialDayReminders + w.run(t, clock).SpecialDayReminders; got != 1 {
			t.Fatalf("the day before: got %d reminders, want 1", got)
		}
		ms := w.messages(t, "special_day")
		if len(ms) != 1 || ms[0].UserID == nil || *ms[0].UserID != w.assistant.ID || ms[0].Channel != wubu.ChannelInbox {
			t.Fatalf("got %+v, want one inbox message to the zone assistant", ms)
		}
		// The assistant's agenda shows it tomorrow; the other service
		// staff member's does not (the building has a zone assistant).
		agenda := sqlstore.NewAgendaService(db, nil)
		items, err := agenda.Agenda(w.f.Ctx(w.assistant))
		if err != nil {
			t.Fatal(err)
		}
		if !hasKind(items, "special_day") {
			t.Errorf("assistant's agenda: %+v, want the special day", items)
		}
		if items, _ := agenda.Agenda(w.f.Ctx(w.other)); hasKind(items, "special_day") {
			t.Errorf("other staff's agenda has the special day")
		}
	})
}

func hasKind(items []wubu.AgendaItem, kind string) bool {
	for _, it := range items {
		if it.Kind == kind {
			return true
		}
	}
	return false
}

func careItem(items []wubu.AgendaItem) *wubu.AgendaItem {
	for i := range items {
		if items[i].Kind == "care_visit" {
			return &items[i]
		}
	}
	return nil
}

func TestCareVisitOverdue(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRulesWorld(t, db)
		agenda := sqlstore.NewAgendaService(db, nil)
		care := sqlstore.NewCareService(db)
		check := func(u *wubu.User, want wubu.Urgency) {
			t.Helper()
			items, err := agenda.Agenda(w.f.Ctx(u))
			if err != nil {
				t.Fatal(err)
			}
			it := careItem(items)
			switch {
			case want == 0 && it != nil:
				t.Errorf("%s at %s: got a care item, want none", u.Login, clock.Now())
			case want != 0 && (it == nil || it.Urgency != want):
				t.Errorf("%s at %s: got %+v, want a care item of urgency %d", u.Login, clock.Now(), it, want)
			}
		}
		// Recorded now: due in 7 days.
		check(w.assistant, 0)
		clock.Add(7*24*time.Hour - time.Minute)
		check(w.assistant, 0)
		if res := w.run(t, clock); res.CareOverdue != 0 {
			t.Fatalf("before due: %+v", res)
		}
		clock.Add(time.Minute)
		check(w.assistant, wubu.UrgencyHigh)
		check(w.leader, 0)
		check(w.other, 0)
		if res := w.run(t, clock); res.CareOverdue != 1 || res.CareEscalated != 0 {
			t.Fatalf("overdue: got %+v, want one reminder to the assistant", res)
		}
		if res := w.run(t, clock); res.CareOverdue != 0 {
			t.Fatalf("again: got %+v, want nothing new", res)
		}
		// A day later the team leader has it too, as critical.
		clock.Add(24 * time.Hour)
		check(w.leader, wubu.UrgencyCritical)
		check(w.assistant, wubu.UrgencyHigh)
		if res := w.run(t, clock); res.CareEscalated != 1 || res.CareOverdue != 0 {
			t.Fatalf("escalation: got %+v, want one reminder to the team leader", res)
		}
		ms := w.messages(t, "care_visit_overdue")
		if len(ms) != 2 {
			t.Fatalf("got %d care messages, want 2", len(ms))
		}
		// The reminder waits in the team leader's inbox: on their agenda too.
		withInbox := sqlstore.NewAgendaService(db, nil, sqlstore.NewInboxAgenda(w.outbox))
		if items, err := withInbox.Agenda(w.f.Ctx(w.leader)); err != nil || !hasKind(items, "inbox") {
			t.Fatalf("leader's agenda with the inbox: %+v, %v", items, err)
		}

		// The visit: refused in the future, then recorded; the agendas clear
		// and the timeline has it.
		actx := w.f.Ctx(w.assistant)
		if err := care.RecordCareVisit(actx, &wubu.CareVisit{PersonID: w.person.ID, VisitedAt: clock.Now().Add(time.Hour)}); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("future visit: got %v, want EINVALID", err)
		}
		if err := care.RecordCareVisit(w.f.Ctx(w.f.Admin), &wubu.CareVisit{PersonID: w.person.ID}); err != nil {
			t.Fatal(err)
		}
		v := &wubu.CareVisit{PersonID: w.person.ID, Notes: "身体不错，帮忙倒了垃圾"}
		if err := care.RecordCareVisit(actx, v); err != nil {
			t.Fatal(err)
		}
		check(w.assistant, 0)
		check(w.leader, 0)
		tl, err := w.residents.Timeline(actx, w.person.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if tl[0].Kind != "care_visit" || !strings.Contains(tl[0].Text, "倒了垃圾") {
			t.Fatalf("timeline: got %+v, want the visit", tl[0])
		}
		visits, err := care.FindCareVisits(actx, w.person.ID)
		if err != nil || len(visits) != 2 || visits[0].UserName != "assistant" {
			t.Fatalf("visits: got %+v, %v", visits, err)
		}
		due, err := care.FindCareDue(actx, w.f.ProjectA.ID, false)
		if err != nil || len(due) != 1 || due[0].Overdue || !due[0].DueAt.Equal(clock.Now().Add(7*24*time.Hour).UTC().Truncate(time.Microsecond)) {
			t.Fatalf("due: got %+v, %v", due, err)
		}
		// Another project's staff cannot record a visit here.
		outsider := w.f.User(t, "outsider", wubu.RoleStaff, wubu.PostService, w.f.ProjectB)
		if err := care.RecordCareVisit(w.f.Ctx(outsider), &wubu.CareVisit{PersonID: w.person.ID}); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("outsider: got %v, want ENOTFOUND", err)
		}
	})
}

func TestSettings(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRulesWorld(t, db)
		ss := sqlstore.NewSettingsService(db)
		got, err := ss.FindSettings(w.f.Ctx(w.assistant), w.f.ProjectA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Default || got.WorkStart != "08:30" || got.WorkEnd != "17:30" || len(got.CardReminderDays) != 2 || got.CareVisitDays != 7 {
			t.Fatalf("defaults: got %+v", got)
		}
		in := *got
		in.WorkStart, in.WorkEnd = "9:00", "18:00"
		if _, err := ss.UpdateSettings(w.f.Ctx(w.leader), &in); wubu.ErrorCode(err) != wubu.EFORBIDDEN {
			t.Fatalf("team leader: got %v, want EFORBIDDEN", err)
		}
		for name, bad := range map[string]func(s *wubu.ProjectSettings){
			"work_end":           func(s *wubu.ProjectSettings) { s.WorkEnd = "08:00" },
			"work_start":         func(s *wubu.ProjectSettings) { s.WorkStart = "25:00" },
			"card_reminder_days": func(s *wubu.ProjectSettings) { s.CardReminderDays = []int{0} },
			"care_visit_days":    func(s *wubu.ProjectSettings) { s.CareVisitDays = 0 },
		} {
			b := in
			bad(&b)
			_, err := ss.UpdateSettings(w.admin, &b)
			if e := wubu.AsError(err); e == nil || e.Code != wubu.EINVALID || e.Field != name {
				t.Errorf("%s: got %v, want EINVALID on that field", name, err)
			}
		}
		in.CardReminderDays = []int{3, 30, 3}
		saved, err := ss.UpdateSettings(w.admin, &in)
		if err != nil {
			t.Fatal(err)
		}
		if saved.WorkStart != "09:00" || saved.Default || len(saved.CardReminderDays) != 2 || saved.CardReminderDays[0] != 30 {
			t.Fatalf("saved: got %+v", saved)
		}
		again, _ := ss.FindSettings(w.admin, w.f.ProjectA.ID)
		if again.WorkEnd != "18:00" || again.Default {
			t.Fatalf("read back: got %+v", again)
		}
	})
}

// TestProjectWorkingHours checks that working-time deadlines count the
// project's own hours: arming "2 working hours" on Friday at 16:00 ends at
// 18:00 the same day where the project works until 18:00, and on Monday at
// 09:00 under the default 08:30–17:30.
func TestProjectWorkingHours(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRulesWorld(t, db)
		ss := sqlstore.NewSettingsService(db)
		st := wubu.DefaultSettings(w.f.ProjectA.ID)
		st.WorkStart, st.WorkEnd = "09:00", "18:00"
		if _, err := ss.UpdateSettings(w.admin, st); err != nil {
			t.Fatal(err)
		}
		cs := newClocks(t, db)
		clock.Set(cst(2026, 11, 27, 16, 0)) // a Friday
		arm := func(p *wubu.Project, req wubu.ArmRequest) *wubu.Deadline {
			t.Helper()
			req.DeadlineKey = wubu.DeadlineKey{ProjectID: p.ID, ObjectType: "complaint", ObjectID: "1", Kind: "reply"}
			d, err := cs.Arm(w.admin, req)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		if d := arm(w.f.ProjectA, wubu.ArmRequest{After: 2 * time.Hour, Working: true}); !d.DueAt.Equal(cst(2026, 11, 27, 18, 0)) {
			t.Errorf("project hours: due %s, want Friday 18:00", d.DueAt.In(calendar.ChinaStandardTime))
		}
		if d := arm(w.f.ProjectB, wubu.ArmRequest{After: 2 * time.Hour, Working: true}); !d.DueAt.Equal(cst(2026, 11, 30, 9, 0)) {
			t.Errorf("default hours: due %s, want Monday 09:00", d.DueAt.In(calendar.ChinaStandardTime))
		}
		// "Within 2 working days" ends at the project's closing time.
		req := wubu.ArmRequest{DeadlineKey: wubu.DeadlineKey{ProjectID: w.f.ProjectA.ID, ObjectType: "complaint", ObjectID: "2", Kind: "reply"}, WorkingDays: 2}
		d, err := cs.Arm(w.admin, req)
		if err != nil {
			t.Fatal(err)
		}
		if !d.DueAt.Equal(cst(2026, 12, 1, 18, 0)) {
			t.Errorf("2 working days: due %s, want Tuesday 18:00", d.DueAt.In(calendar.ChinaStandardTime))
		}
		// Across National Day with the project's hours: received on
		// 30 September at 17:00, due at the close of 9 October.
		clock.Set(cst(2026, 9, 30, 17, 0))
		req.ObjectID = "3"
		if d, err = cs.Arm(w.admin, req); err != nil {
			t.Fatal(err)
		}
		if !d.DueAt.Equal(cst(2026, 10, 9, 18, 0)) {
			t.Errorf("across National Day: due %s, want 9 October 18:00", d.DueAt.In(calendar.ChinaStandardTime))
		}
	})
}

// fixedSource is an agenda source with fixed items.
type fixedSource []wubu.AgendaItem

func (s fixedSource) Agenda(context.Context, time.Time) ([]wubu.AgendaItem, error) { return s, nil }

func TestAgendaOrder(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRulesWorld(t, db)
		now := clock.Now()
		at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
		src := fixedSource{
			{Kind: "a", Urgency: wubu.UrgencyLow},
			{Kind: "b", Urgency: wubu.UrgencyHigh, Due: at(2 * time.Hour)},
			{Kind: "c", Urgency: wubu.UrgencyCritical, Due: at(-time.Hour)},
			{Kind: "d", Urgency: wubu.UrgencyHigh, Due: at(time.Hour)},
			{Kind: "e", Urgency: wubu.UrgencyHigh},
			{Kind: "f", Urgency: wubu.UrgencyNormal, Due: at(30 * time.Minute)},
		}
		agenda := sqlstore.NewAgendaService(db, newClocks(t, db), src)
		items, err := agenda.Agenda(w.f.Ctx(w.other))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range items {
			got = append(got, it.Kind)
		}
		if strings.Join(got, "") != "cdbefa" {
			t.Fatalf("order: got %v, want c d b e f a", got)
		}
		if !items[0].Overdue || items[0].Remaining != -time.Hour || items[1].Remaining != time.Hour {
			t.Fatalf("remaining: got %+v", items[:2])
		}
		if _, err := agenda.Agenda(context.Background()); wubu.ErrorCode(err) != wubu.EUNAUTHORIZED {
			t.Fatalf("nobody: got %v, want EUNAUTHORIZED", err)
		}

		// A running clock is on the leader's agenda, critical once breached;
		// not on a staff member's.
		cs := newClocks(t, db)
		agenda = sqlstore.NewAgendaService(db, cs)
		if _, err := cs.Arm(w.admin, wubu.ArmRequest{DeadlineKey: wubu.DeadlineKey{ProjectID: w.f.ProjectA.ID, ObjectType: "order", ObjectID: "9", Kind: "arrival"}, After: 10 * time.Minute}); err != nil {
			t.Fatal(err)
		}
		items, _ = agenda.Agenda(w.f.Ctx(w.leader))
		if len(items) != 1 || items[0].Kind != "clock" || items[0].Urgency != wubu.UrgencyHigh || items[0].Remaining != 10*time.Minute {
			t.Fatalf("leader: got %+v, want the running clock", items)
		}
		if items, _ := agenda.Agenda(w.f.Ctx(w.other)); hasKind(items, "clock") {
			t.Fatalf("staff: got %+v, want no clock", items)
		}
		clock.Add(11 * time.Minute)
		items, _ = agenda.Agenda(w.f.Ctx(w.leader))
		if len(items) != 1 || items[0].Urgency != wubu.UrgencyCritical || !items[0].Overdue {
			t.Fatalf("breached: got %+v, want critical", items)
		}

		// A feature that lists the object itself (the order with its room
		// and item) shadows the generic clock line, which lends it its
		// urgency.
		orderItem := wubu.AgendaItem{ProjectID: w.f.ProjectA.ID, Kind: "order", Urgency: wubu.UrgencyHigh, ObjectType: "order", ObjectID: "9"}
		agenda = sqlstore.NewAgendaService(db, cs, fixedSource{orderItem})
		items, _ = agenda.Agenda(w.f.Ctx(w.leader))
		if len(items) != 1 || items[0].Kind != "order" || items[0].Urgency != wubu.UrgencyCritical {
			t.Fatalf("order listed by its feature: got %+v, want one order item, critical", items)
		}
	})
}

func TestGreetingCampaign(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRulesWorld(t, db)
		gs := sqlstore.NewGreetingService(db, w.outbox)
		gs.BatchSize = 1 // several batches, read while the one before is queued
		// A tenant in the same building, without care flag.
		rooms, _, _ := sqlstore.NewOrgService(db).FindRooms(w.admin, wubu.RoomFilter{ProjectID: w.f.ProjectA.ID, Limit: 2})
		tenant := &wubu.Person{ProjectID: w.f.ProjectA.ID, Name: "李租户", Phones: []string{"13900139000"}}
		if err := w.residents.CreatePersonInRoom(w.admin, tenant, &wubu.Household{RoomID: rooms[1].ID, Relation: wubu.RelationTenant}); err != nil {
			t.Fatal(err)
		}
		// A resident without a phone is not counted.
		if err := w.residents.CreatePersonInRoom(w.admin, &wubu.Person{ProjectID: w.f.ProjectA.ID, Name: "无电话"}, &wubu.Household{RoomID: rooms[1].ID, Relation: wubu.RelationFamily}); err != nil {
			t.Fatal(err)
		}
		// Christmas 2026, sent at 22:00 China time: inside quiet hours.
		c := &wubu.GreetingCampaign{ProjectID: w.f.ProjectA.ID, Festival: "christmas", Message: "愿您平安喜乐。", SendAt: cst(2026, 12, 24, 22, 0)}
		manager := w.f.User(t, "mgr", wubu.RoleManager, wubu.PostNone, w.f.ProjectA)
		mctx := w.f.Ctx(manager)
		if _, err := gs.PreviewGreeting(w.f.Ctx(w.leader), c); wubu.ErrorCode(err) != wubu.EFORBIDDEN {
			t.Fatalf("team leader: got %v, want EFORBIDDEN", err)
		}
		pv, err := gs.PreviewGreeting(mctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if pv.Count != 2 || pv.SampleName != "王奶奶" || !strings.Contains(pv.Text, "圣诞节") || !strings.Contains(pv.Text, "愿您平安喜乐") || !strings.Contains(pv.Text, "王奶奶") {
			t.Fatalf("preview: got %+v, want 2 residents and the rendered greeting", pv)
		}
		// Audiences: the elderly living alone; tenants.
		byCare := *c
		byCare.Audience = wubu.GreetingAudience{CareFlags: []wubu.CareFlag{wubu.CareElderlyAlone}}
		if pv, err := gs.PreviewGreeting(mctx, &byCare); err != nil || pv.Count != 1 {
			t.Fatalf("elderly: got %+v %v, want 1", pv, err)
		}
		byRel := *c
		byRel.Audience = wubu.GreetingAudience{Relations: []wubu.Relation{wubu.RelationTenant}, BuildingIDs: []int64{w.building.ID}}
		if pv, err := gs.PreviewGreeting(mctx, &byRel); err != nil || pv.Count != 1 || pv.SampleName != "李租户" {
			t.Fatalf("tenants: got %+v %v, want 1", pv, err)
		}
		bad := *c
		bad.Festival = "nope"
		if _, err := gs.PreviewGreeting(mctx, &bad); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("bad festival: got %v, want EINVALID", err)
		}
		if err := gs.CreateGreeting(mctx, c); err != nil {
			t.Fatal(err)
		}
		if c.State != wubu.GreetingScheduled || c.FestivalDate != "2026-12-25" {
			t.Fatalf("created: %+v", c)
		}
		// Not yet: nothing is queued.
		clock.Set(cst(2026, 12, 24, 21, 59))
		if res := w.run(t, clock); res.Campaigns != 0 {
			t.Fatalf("before send time: %+v", res)
		}
		clock.Set(cst(2026, 12, 24, 22, 0))
		if res := w.run(t, clock); res.Campaigns != 1 {
			t.Fatalf("at send time: %+v", res)
		}
		if res := w.run(t, clock); res.Campaigns != 0 {
			t.Fatalf("again: %+v", res)
		}
		ms := w.messages(t, "festival_greeting")
		if len(ms) != 2 {
			t.Fatalf("got %d greetings, want 2", len(ms))
		}
		for _, m := range ms {
			if m.Status != wubu.MessageHeld || !m.NotBefore.Equal(cst(2026, 12, 25, 8, 0)) {
				t.Errorf("greeting: status %s until %s, want held until 08:00", m.Status, m.NotBefore.In(calendar.ChinaStandardTime))
			}
		}
		rep, err := gs.GreetingReport(mctx, w.f.ProjectA.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Campaign.State != wubu.GreetingQueued || rep.Campaign.Queued != 2 || rep.Total != 2 || rep.ByStatus[string(wubu.MessageHeld)] != 2 {
			t.Fatalf("report: got %+v %+v", rep, rep.Campaign)
		}
		if _, err := gs.CancelGreeting(mctx, w.f.ProjectA.ID, c.ID); wubu.ErrorCode(err) != wubu.ECONFLICT {
			t.Fatalf("cancel once queued: got %v, want ECONFLICT", err)
		}
		// Sent at once, in batches of one: every resident once.
		c2 := &wubu.GreetingCampaign{ProjectID: w.f.ProjectA.ID, Festival: "new_year", Message: "新年快乐"}
		if err := gs.CreateGreeting(mctx, c2); err != nil {
			t.Fatal(err)
		}
		if got, err := gs.SendGreetingNow(mctx, w.f.ProjectA.ID, c2.ID); err != nil || got.Queued != 2 || got.State != wubu.GreetingQueued {
			t.Fatalf("send now: got %+v, %v", got, err)
		}
		if ms := w.messages(t, "festival_greeting"); len(ms) != 4 {
			t.Fatalf("got %d greetings, want 4", len(ms))
		}
		if _, err := gs.FindGreeting(w.f.Ctx(w.f.Admin), w.f.ProjectB.ID, c.ID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("other project: got %v, want ENOTFOUND", err)
		}
	})
}
