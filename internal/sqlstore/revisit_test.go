package sqlstore_test

import (
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestRevisitKeyCustomer: an assistant schedules a revisit of a key
// customer; the building's security leader is added as a participant and
// both see it on their agenda; past its time it is overdue; the outcome
// lands on the resident's timeline once. An ordinary resident's revisit
// has no participants; bad input and another project change nothing.
func TestRevisitKeyCustomer(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		admin := o.f.Ctx(o.f.Admin)
		rs := sqlstore.NewResidentService(db)
		mk := func(name string, room *wubu.Room, importance int) *wubu.Person {
			p := &wubu.Person{ProjectID: o.f.ProjectA.ID, Name: name}
			if err := rs.CreatePersonInRoom(admin, p, &wubu.Household{RoomID: room.ID, Relation: wubu.RelationOwner}); err != nil {
				t.Fatal(err)
			}
			if _, err := rs.UpdatePerson(admin, p.ID, wubu.PersonUpdate{Importance: &importance}); err != nil {
				t.Fatal(err)
			}
			return p
		}
		key := mk("王总", o.rooms[0], 5)
		plain := mk("李四", o.rooms[1], 1)
		if err := sqlstore.NewUserService(db).Assign(admin, &wubu.Assignment{ProjectID: o.f.ProjectA.ID, BuildingID: o.building.ID, UserID: o.leader.ID, Kind: wubu.AssignSecurityLeader}); err != nil {
			t.Fatal(err)
		}
		assistant := o.f.User(t, "assistant", wubu.RoleStaff, wubu.PostService, o.f.ProjectA)
		as := o.f.Ctx(assistant)
		vs := sqlstore.NewRevisitService(db, sqlstore.NewSecurityService(db))
		agenda := sqlstore.NewRevisitAgenda(db)

		t.Run("ErrInvalid", func(t *testing.T) {
			mustCode(t, vs.ScheduleRevisit(as, &wubu.Revisit{PersonID: key.ID, DueAt: clock.Now().Add(time.Hour)}), wubu.EINVALID)
			mustCode(t, vs.ScheduleRevisit(as, &wubu.Revisit{PersonID: key.ID, Purpose: "回访", DueAt: clock.Now().Add(-48 * time.Hour)}), wubu.EINVALID)
			mustCode(t, vs.ScheduleRevisit(as, &wubu.Revisit{PersonID: key.ID, Purpose: "回访"}), wubu.EINVALID)
			mustCode(t, vs.ScheduleRevisit(as, &wubu.Revisit{PersonID: 999999, Purpose: "回访", DueAt: clock.Now().Add(time.Hour)}), wubu.ENOTFOUND)
			if list, _ := vs.FindRevisits(as, wubu.RevisitFilter{ProjectID: o.f.ProjectA.ID}); len(list) != 0 {
				t.Fatalf("rejected revisits stored: %+v", list)
			}
		})

		r := &wubu.Revisit{PersonID: key.ID, Purpose: "维修后回访", DueAt: clock.Now().Add(2 * time.Hour)}
		if err := vs.ScheduleRevisit(as, r); err != nil {
			t.Fatal(err)
		}
		if len(r.Participants) != 1 || r.Participants[0].UserID != o.leader.ID || r.Participants[0].Role != "security_leader" || r.AssistantID != assistant.ID {
			t.Fatalf("key customer's revisit: %+v", r)
		}
		p := &wubu.Revisit{PersonID: plain.ID, Purpose: "日常回访", DueAt: clock.Now().Add(48 * time.Hour)}
		if err := vs.ScheduleRevisit(as, p); err != nil {
			t.Fatal(err)
		}
		if len(p.Participants) != 0 {
			t.Fatalf("ordinary resident's revisit has participants: %+v", p.Participants)
		}

		// On the agenda of the assistant and the leader (today), not of a guard.
		for _, who := range []*wubu.User{assistant, o.leader} {
			items, err := agenda.Agenda(o.f.Ctx(who), clock.Now())
			if err != nil || len(items) != 1 || items[0].Kind != "revisit" || items[0].ObjectID != itoa(r.ID) || items[0].Overdue {
				t.Fatalf("%s's agenda: %+v %v", who.Login, items, err)
			}
		}
		if items, _ := agenda.Agenda(o.f.Ctx(o.guard), clock.Now()); len(items) != 0 {
			t.Fatalf("guard's agenda: %+v", items)
		}
		mine, err := vs.FindRevisits(o.f.Ctx(o.leader), wubu.RevisitFilter{ProjectID: o.f.ProjectA.ID, Mine: true})
		if err != nil || len(mine) != 1 || mine[0].ID != r.ID {
			t.Fatalf("leader's revisits: %+v %v", mine, err)
		}

		// Three hours later it is overdue.
		clock.Add(3 * time.Hour)
		got, err := vs.FindRevisit(as, r.ID)
		if err != nil || !got.Overdue || len(got.Participants) != 1 {
			t.Fatalf("overdue: %+v %v", got, err)
		}
		items, _ := agenda.Agenda(as, clock.Now())
		if len(items) != 1 || !items[0].Overdue || items[0].Urgency != wubu.UrgencyHigh {
			t.Fatalf("overdue on the agenda: %+v", items)
		}

		// Another project sees nothing.
		other := o.f.User(t, "assistant_b", wubu.RoleStaff, wubu.PostService, o.f.ProjectB)
		if _, err := vs.FindRevisit(o.f.Ctx(other), r.ID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("other project: got %v", err)
		}
		if _, err := vs.RecordRevisit(o.f.Ctx(other), r.ID, "x", 5); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("other project records: got %v", err)
		}

		// The outcome: bad satisfaction or no notes change nothing.
		if _, err := vs.RecordRevisit(as, r.ID, "满意", 0); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("satisfaction 0: got %v", err)
		}
		if _, err := vs.RecordRevisit(as, r.ID, "  ", 4); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("no notes: got %v", err)
		}
		done, err := vs.RecordRevisit(o.f.Ctx(o.leader), r.ID, "业主对维修满意，提醒设防", 4)
		if err != nil || done.Status != wubu.RevisitDone || done.Satisfaction != 4 || done.Overdue || done.DoneAt == nil {
			t.Fatalf("recorded: %+v %v", done, err)
		}
		if _, err := vs.RecordRevisit(as, r.ID, "again", 5); wubu.ErrorCode(err) != wubu.ECONFLICT {
			t.Fatalf("second record: got %v", err)
		}
		tl, err := rs.Timeline(admin, key.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		var outcomes int
		for _, e := range tl {
			if e.Kind == "revisit" {
				outcomes++
				if e.Text != "4/5 业主对维修满意，提醒设防" {
					t.Errorf("timeline text %q", e.Text)
				}
			}
		}
		if outcomes != 1 {
			t.Fatalf("timeline has %d outcomes, want 1: %+v", outcomes, tl)
		}
		if items, _ := agenda.Agenda(as, clock.Now()); len(items) != 0 {
			t.Fatalf("agenda after the outcome: %+v", items)
		}
	})
}
