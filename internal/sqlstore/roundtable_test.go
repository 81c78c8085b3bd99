package sqlstore_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// roundTablePeople adds residents to the rooms of building 1.
func roundTablePeople(t *testing.T, w *visitWorld, names ...string) []*wubu.Person {
	t.Helper()
	var out []*wubu.Person
	for i, n := range names {
		p := &wubu.Person{ProjectID: w.f.ProjectA.ID, Name: n}
		if err := w.rs.CreatePersonInRoom(w.f.Ctx(w.f.Admin), p, &wubu.Household{RoomID: w.rooms1[i%len(w.rooms1)].ID, Relation: wubu.RelationOwner}); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// TestRoundTableSlots: a day's series of slots is published at once (all
// or none on bad input, no overlap for one host); a resident is booked,
// cancelled, booked again and the talk held with its notes, each step on
// the resident's timeline; another project's slot answers not found.
func TestRoundTableSlots(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newVisitWorld(t, db, clock)
		rt := sqlstore.NewRoundTableService(db, w.clocks)
		pid := w.f.ProjectA.ID
		as := w.f.Ctx(w.eastAsst)
		people := roundTablePeople(t, w, "王芳", "李强")
		series := wubu.RoundTableSeries{ProjectID: pid, Day: "2026-11-30", Times: []string{"09:00", "09:30", "10:00"}, Minutes: 30, Place: "服务中心会客室", HostID: w.manager.ID}
		t.Run("ErrInvalid", func(t *testing.T) {
			for name, s := range map[string]wubu.RoundTableSeries{
				"Day":     {ProjectID: pid, Day: "30/11", Times: []string{"09:00"}, Minutes: 30, Place: "x", HostID: w.manager.ID},
				"Past":    {ProjectID: pid, Day: "2026-11-26", Times: []string{"09:00"}, Minutes: 30, Place: "x", HostID: w.manager.ID},
				"Times":   {ProjectID: pid, Day: "2026-11-30", Times: []string{"9点"}, Minutes: 30, Place: "x", HostID: w.manager.ID},
				"Overlap": {ProjectID: pid, Day: "2026-11-30", Times: []string{"09:00", "09:15"}, Minutes: 30, Place: "x", HostID: w.manager.ID},
				"Minutes": {ProjectID: pid, Day: "2026-11-30", Times: []string{"09:00"}, Minutes: 5, Place: "x", HostID: w.manager.ID},
				"Place":   {ProjectID: pid, Day: "2026-11-30", Times: []string{"09:00"}, Minutes: 30, HostID: w.manager.ID},
				"Host":    {ProjectID: pid, Day: "2026-11-30", Times: []string{"09:00"}, Minutes: 30, Place: "x", HostID: w.f.User(t, "b_host", wubu.RoleManager, wubu.PostNone, w.f.ProjectB).ID},
			} {
				if _, err := rt.PublishRoundTables(as, s); wubu.ErrorCode(err) != wubu.EINVALID {
					t.Errorf("%s: got %v, want invalid", name, err)
				}
			}
			if list, _ := rt.FindRoundTables(as, pid, wubu.RoundTableFilter{}); len(list) != 0 {
				t.Fatalf("refused series stored: %d slots", len(list))
			}
		})
		slots, err := rt.PublishRoundTables(as, series)
		if err != nil || len(slots) != 3 {
			t.Fatalf("published: %d, %v", len(slots), err)
		}
		if got := slots[1].StartsAt; !got.Equal(time.Date(2026, 11, 30, 1, 30, 0, 0, time.UTC)) {
			t.Fatalf("second slot at %v, want 09:30 CST", got)
		}
		// The same host cannot hold a second series over the first.
		if _, err := rt.PublishRoundTables(as, wubu.RoundTableSeries{ProjectID: pid, Day: "2026-11-30", Times: []string{"09:45"}, Minutes: 30, Place: "x", HostID: w.manager.ID}); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("overlapping the host's slots: %v", err)
		}

		s := slots[0]
		if _, err := rt.BookRoundTable(as, s.ID, people[0].ID, "phone"); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("booked by nobody known: %v", err)
		}
		b, err := rt.BookRoundTable(as, s.ID, people[0].ID, wubu.BookedByStaff)
		if err != nil || b.State != wubu.RoundTableBooked || b.PersonName != "王芳" || b.BookedBy != wubu.BookedByStaff {
			t.Fatalf("booked: %+v, %v", b, err)
		}
		if _, err := rt.BookRoundTable(as, s.ID, people[1].ID, wubu.BookedByStaff); wubu.ErrorCode(err) != wubu.ECONFLICT {
			t.Fatalf("a booked slot booked again: %v", err)
		}
		c, err := rt.CancelRoundTable(as, s.ID, "业主临时出差")
		if err != nil || c.State != wubu.RoundTableOpen || c.PersonID != nil {
			t.Fatalf("cancelled: %+v, %v", c, err)
		}
		if _, err := rt.BookRoundTable(as, s.ID, people[1].ID, wubu.BookedByResident); err != nil {
			t.Fatal(err)
		}
		if _, err := rt.HoldRoundTable(as, s.ID, " "); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("held without notes: %v", err)
		}
		h, err := rt.HoldRoundTable(as, s.ID, "业主反映地库照明不足，希望增加灯具")
		if err != nil || h.State != wubu.RoundTableHeld || h.HeldAt == nil {
			t.Fatalf("held: %+v, %v", h, err)
		}
		if k := timelineKinds(t, db, w.f.Ctx(w.f.Admin), people[0].ID); !slices.Contains(k, "round_table.booked") || !slices.Contains(k, "round_table.cancelled") {
			t.Fatalf("first resident's timeline: %v", k)
		}
		if k := timelineKinds(t, db, w.f.Ctx(w.f.Admin), people[1].ID); !slices.Contains(k, "round_table.booked") || !slices.Contains(k, "round_table.held") {
			t.Fatalf("second resident's timeline: %v", k)
		}
		if _, err := rt.WithdrawRoundTable(as, slots[2].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := rt.BookRoundTable(as, slots[2].ID, people[0].ID, wubu.BookedByStaff); wubu.ErrorCode(err) != wubu.ECONFLICT {
			t.Fatalf("withdrawn slot booked: %v", err)
		}
		other := w.f.Ctx(w.f.User(t, "b_mgr", wubu.RoleManager, wubu.PostNone, w.f.ProjectB))
		if _, err := rt.FindRoundTable(other, s.ID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("another project's slot: %v", err)
		}
		if _, err := rt.BookRoundTable(other, slots[1].ID, people[0].ID, wubu.BookedByStaff); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("another project's slot booked: %v", err)
		}
		// The slot begun cannot be booked any more.
		clock.Set(slots[1].StartsAt.Add(time.Minute))
		if _, err := rt.BookRoundTable(as, slots[1].ID, people[0].ID, wubu.BookedByStaff); wubu.ErrorCode(err) != wubu.ECONFLICT {
			t.Fatalf("a slot begun booked: %v", err)
		}
	})
}

// TestRoundTableDoubleBookingRace: two bookings of one slot at once, for
// two residents: exactly one gets the slot, the other is refused; round
// after round.
func TestRoundTableDoubleBookingRace(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newVisitWorld(t, db, clock)
		rt := sqlstore.NewRoundTableService(db, w.clocks)
		as := w.f.Ctx(w.eastAsst)
		people := roundTablePeople(t, w, "甲", "乙")
		times := []string{"09:00", "10:00", "11:00", "14:00", "15:00", "16:00"}
		slots, err := rt.PublishRoundTables(as, wubu.RoundTableSeries{ProjectID: w.f.ProjectA.ID, Day: "2026-12-01", Times: times, Minutes: 45, Place: "会客室", HostID: w.eastAsst.ID})
		if err != nil {
			t.Fatal(err)
		}
		for round, s := range slots {
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = rt.BookRoundTable(as, s.ID, people[i].ID, wubu.BookedByStaff)
				}()
			}
			wg.Wait()
			ok, conflict := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case wubu.ErrorCode(err) == wubu.ECONFLICT:
					conflict++
				default:
					t.Fatalf("round %d: %v", round, err)
				}
			}
			got, err := rt.FindRoundTable(as, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if ok != 1 || conflict != 1 || got.State != wubu.RoundTableBooked || got.PersonID == nil {
				t.Fatalf("round %d: %d booked, %d refused, slot %+v; want one each", round, ok, conflict, got)
			}
			// One booking event: the refused one wrote nothing.
			var n int
			if err := db.SQL().QueryRowContext(as, fmt.Sprintf(`SELECT COUNT(*) FROM lifecycle_events WHERE object_type = 'round_table' AND object_id = %d AND action = 'book'`, s.ID)).Scan(&n); err != nil || n != 1 {
				t.Fatalf("round %d: %d booking events, %v", round, n, err)
			}
		}
	})
}

// TestTalkFollowUpOverdueReachesOwner: a talk's follow-up runs a clock to
// its due date; overdue, the breach reaches its owner and the
// customer-service team leader, not the others; one closed in time with
// its outcome stops its clock and is on the resident's timeline.
func TestTalkFollowUpOverdueReachesOwner(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newVisitWorld(t, db, clock)
		rt := sqlstore.NewRoundTableService(db, w.clocks)
		ob := sqlstore.NewOutboxService(db)
		pid := w.f.ProjectA.ID
		as := w.f.Ctx(w.eastAsst)
		lead := w.f.User(t, "kf_lead", wubu.RoleTeamLeader, wubu.PostService, w.f.ProjectA)
		people := roundTablePeople(t, w, "赵敏")
		slots, err := rt.PublishRoundTables(as, wubu.RoundTableSeries{ProjectID: pid, Day: "2026-11-28", Times: []string{"10:00"}, Minutes: 30, Place: "会客室", HostID: w.manager.ID})
		if err != nil {
			t.Fatal(err)
		}
		s := slots[0]
		mustCode(t, rt.PlanTalkFollowUp(as, &wubu.TalkFollowUp{SlotID: s.ID, Action: "回复", DueAt: clock.Now().Add(48 * time.Hour)}), wubu.ECONFLICT)
		if _, err := rt.BookRoundTable(as, s.ID, people[0].ID, wubu.BookedByStaff); err != nil {
			t.Fatal(err)
		}
		clock.Set(s.StartsAt.Add(40 * time.Minute))
		if _, err := rt.HoldRoundTable(as, s.ID, "业主希望增加儿童游乐设施"); err != nil {
			t.Fatal(err)
		}
		mustCode(t, rt.PlanTalkFollowUp(as, &wubu.TalkFollowUp{SlotID: s.ID, Action: "", DueAt: clock.Now().Add(time.Hour)}), wubu.EINVALID)
		mustCode(t, rt.PlanTalkFollowUp(as, &wubu.TalkFollowUp{SlotID: s.ID, Action: "回复", DueAt: clock.Now().Add(-time.Hour)}), wubu.EINVALID)
		late := &wubu.TalkFollowUp{SlotID: s.ID, Action: "与地产确认游乐设施预算", OwnerID: w.westAsst.ID, DueAt: clock.Now().Add(48 * time.Hour)}
		onTime := &wubu.TalkFollowUp{SlotID: s.ID, Action: "电话回复业主", DueAt: clock.Now().Add(24 * time.Hour)}
		for _, f := range []*wubu.TalkFollowUp{late, onTime} {
			if err := rt.PlanTalkFollowUp(as, f); err != nil {
				t.Fatal(err)
			}
		}
		if onTime.OwnerID != w.manager.ID {
			t.Fatalf("a follow-up without an owner goes to the host: %+v", onTime)
		}
		clock.Add(3 * time.Hour)
		if _, err := rt.CloseTalkFollowUp(as, onTime.ID, ""); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("closed without an outcome: %v", err)
		}
		if _, err := rt.CloseTalkFollowUp(as, onTime.ID, "已电话告知业主方案"); err != nil {
			t.Fatal(err)
		}
		sys := w.f.Ctx(w.f.Admin)
		clock.Add(46 * time.Hour)
		if _, err := w.clocks.RunDue(sys); err != nil {
			t.Fatal(err)
		}
		if d := deadlineOf(t, w.clocks, sys, pid, "talk_followup", late.ID, "talk_followup"); d == nil || d.State != wubu.DeadlineBreached {
			t.Fatalf("the late follow-up's deadline: %+v", d)
		}
		if d := deadlineOf(t, w.clocks, sys, pid, "talk_followup", onTime.ID, "talk_followup"); d == nil || d.State != wubu.DeadlineMet {
			t.Fatalf("the follow-up closed in time: %+v", d)
		}
		for name, u := range map[string]*wubu.User{"owner": w.westAsst, "customer-service leader": lead} {
			if k := inboxKinds(t, ob, w.f.Ctx(u)); !slices.Contains(k, "clock_breach") {
				t.Fatalf("the %s: %v, want the breach", name, k)
			}
		}
		if k := inboxKinds(t, ob, w.f.Ctx(w.manager)); slices.Contains(k, "clock_breach") {
			t.Fatalf("the owner of the follow-up closed in time alerted: %v", k)
		}
		got, err := rt.FindRoundTable(as, s.ID)
		if err != nil || len(got.FollowUps) != 2 {
			t.Fatalf("follow-ups: %+v, %v", got, err)
		}
		for _, f := range got.FollowUps {
			if f.ID == late.ID && !f.Overdue || f.ID == onTime.ID && (f.Overdue || f.State != wubu.TalkFollowUpClosed) {
				t.Fatalf("follow-up %+v", f)
			}
		}
		if k := timelineKinds(t, db, w.f.Ctx(w.f.Admin), people[0].ID); !slices.Contains(k, "talk_followup.closed") {
			t.Fatalf("timeline: %v, want the follow-up closed", k)
		}
		// On the owner's Today agenda: the overdue follow-up.
		items, err := sqlstore.NewRoundTableAgenda(db).Agenda(w.f.Ctx(w.westAsst), clock.Now())
		if err != nil || len(items) != 1 || !items[0].Overdue || items[0].ObjectType != "talk_followup" {
			t.Fatalf("the owner's agenda: %+v, %v", items, err)
		}
	})
}
