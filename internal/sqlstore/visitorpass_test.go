package sqlstore_test

import (
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestVisitorPassAtTheGate: a resident invites a visitor for tomorrow to
// their room; the code goes out by SMS through the outbox; at the gate the
// code is refused today (the day), for another room (the room) and when
// unknown, and lets the visitor in tomorrow; every check is logged. A room
// the resident does not live in and bad input store nothing.
func TestVisitorPassAtTheGate(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		vs := sqlstore.NewVisitorPassService(db)
		pid := o.f.ProjectA.ID
		people := eventPeople(t, db, o, 2)
		guard := o.f.Ctx(o.guard)
		ctx := residentCtx(o, people[0], o.rooms[0])
		tomorrow := clock.Now().In(cst8).AddDate(0, 0, 1).Format("2006-01-02")

		for _, v := range []wubu.VisitorPass{
			{RoomID: o.rooms[0].ID, VisitorPhone: "13800138000", Date: tomorrow},
			{RoomID: o.rooms[0].ID, VisitorName: "小张", VisitorPhone: "12345", Date: tomorrow},
			{RoomID: o.rooms[0].ID, VisitorName: "小张", VisitorPhone: "13800138000", Date: "2020-01-01"},
			{RoomID: o.rooms[0].ID, VisitorName: "小张", VisitorPhone: "13800138000", Date: clock.Now().AddDate(0, 2, 0).Format("2006-01-02")},
		} {
			mustCode(t, vs.InviteVisitorAs(ctx, pid, people[0].ID, &v), wubu.EINVALID)
		}
		// people[0] lives in rooms[0], not rooms[1].
		mustCode(t, vs.InviteVisitorAs(ctx, pid, people[0].ID, &wubu.VisitorPass{RoomID: o.rooms[1].ID, VisitorName: "小张", VisitorPhone: "13800138000", Date: tomorrow}), wubu.ENOTFOUND)
		v := &wubu.VisitorPass{RoomID: o.rooms[0].ID, VisitorName: "小张", VisitorPhone: "138 0013 8000", Date: tomorrow}
		if err := vs.InviteVisitorAs(ctx, pid, people[0].ID, v); err != nil {
			t.Fatal(err)
		}
		if len(v.Code) != 6 {
			t.Fatalf("code %q", v.Code)
		}
		msgs, _, err := sqlstore.NewOutboxService(db).FindMessages(o.f.Ctx(o.f.Admin), pid, wubu.MessageFilter{Kind: "visitor_pass"})
		if err != nil || len(msgs) != 1 || msgs[0].Address != "13800138000" || msgs[0].Vars["code"] != v.Code || msgs[0].Channel != wubu.ChannelSMS {
			t.Fatalf("the SMS: %+v, %v", msgs, err)
		}
		mine, err := vs.FindVisitorPassesOf(ctx, pid, people[0].ID, clock.Now().Format("2006-01-02"))
		if err != nil || len(mine) != 1 || mine[0].Code != v.Code {
			t.Fatalf("the resident's passes: %+v, %v", mine, err)
		}

		check := func(code, room string, allowed bool, reason string) {
			t.Helper()
			c, err := vs.CheckVisitor(guard, pid, code, room)
			if err != nil || c.Allowed != allowed || c.Reason != reason {
				t.Fatalf("check %s %s: %+v, %v; want allowed %v (%s)", code, room, c, err, allowed, reason)
			}
		}
		_, err = vs.CheckVisitor(guard, pid, "12ab", o.rooms[0].Label)
		mustCode(t, err, wubu.EINVALID)
		check(v.Code, o.rooms[0].Label, false, "This code is valid on %s, not today.")
		clock.Add(24 * time.Hour)
		check(v.Code, o.rooms[1].Label, false, "This code was given for room %s, not for this room.")
		other := "000000"
		if v.Code == other {
			other = "000001"
		}
		check(other, o.rooms[0].Label, false, "No visitor was invited with this code.")
		check(v.Code, o.rooms[0].Label, true, "")

		day, err := vs.FindVisitorPasses(guard, pid, tomorrow)
		if err != nil || len(day) != 1 || day[0].Checks != 1 || day[0].Code != "" || day[0].VisitorPhone == "13800138000" {
			t.Fatalf("the day's passes for staff: %+v, %v", day, err)
		}
		if counts, err := sqlstore.TableCounts(ctx, db); err != nil || counts["visitor_pass_checks"] != 4 {
			t.Fatalf("checks logged: %d, %v", counts["visitor_pass_checks"], err)
		}
		// Staff invite for a resident who called; a guard may not.
		byStaff := &wubu.VisitorPass{ProjectID: pid, PersonID: people[1].ID, RoomID: o.rooms[1].ID, VisitorName: "老李", VisitorPhone: "13900139000", Date: tomorrow}
		mustCode(t, vs.InviteVisitor(o.f.Ctx(o.f.User(t, "b_kefu", wubu.RoleStaff, wubu.PostService, o.f.ProjectB)), byStaff), wubu.ENOTFOUND)
		if err := vs.InviteVisitor(o.f.Ctx(o.f.User(t, "kefu", wubu.RoleStaff, wubu.PostService, o.f.ProjectA)), byStaff); err != nil || byStaff.CreatedBy == nil || byStaff.Code == "" {
			t.Fatalf("by staff: %+v, %v", byStaff, err)
		}
		// Another project's guard knows no such code.
		otherGuard := o.f.Ctx(o.f.User(t, "b_guard", wubu.RoleStaff, wubu.PostSecurity, o.f.ProjectB))
		_, err = vs.CheckVisitor(otherGuard, pid, v.Code, o.rooms[0].Label)
		mustCode(t, err, wubu.ENOTFOUND)
	})
}

var cst8 = time.FixedZone("CST", 8*3600)
