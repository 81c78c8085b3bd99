package sqlstore_test

import (
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestPortalCancelRoundTable (issue 15): a resident cancels their own
// round-table booking on the portal through the life cycle's cancel step
// (the slot is free again), not another resident's, nor once the talk has
// begun.
func TestPortalCancelRoundTable(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		people := eventPeople(t, db, o, 2)
		a, b := residentCtx(o, people[0], o.rooms[0]), residentCtx(o, people[1], o.rooms[1])
		rs := sqlstore.NewRoundTableService(db, nil)
		day := clock.Now().In(cst8).AddDate(0, 0, 3).Format("2006-01-02")
		host := o.f.User(t, "zhuguan", wubu.RoleTeamLeader, wubu.PostService, o.f.ProjectA)
		slots, err := rs.PublishRoundTables(o.f.Ctx(o.f.User(t, "mgr", wubu.RoleManager, wubu.PostNone, o.f.ProjectA)),
			wubu.RoundTableSeries{ProjectID: o.f.ProjectA.ID, Day: day, Times: []string{"09:00", "09:30"}, Minutes: 30, Place: "客服中心", HostID: host.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rs.BookMyRoundTable(a, slots[0].ID); err != nil {
			t.Fatal(err)
		}
		_, err = rs.CancelMyRoundTable(b, slots[0].ID)
		mustCode(t, err, wubu.ENOTFOUND)
		// Not through the staff's call either.
		_, err = rs.CancelRoundTable(b, slots[0].ID, "")
		mustCode(t, err, wubu.ENOTFOUND)
		_, err = rs.CancelMyRoundTable(a, slots[1].ID)
		mustCode(t, err, wubu.ENOTFOUND)
		got, err := rs.CancelMyRoundTable(a, slots[0].ID)
		if err != nil || got.State != wubu.RoundTableOpen || got.PersonID != nil {
			t.Fatalf("cancel: %+v %v", got, err)
		}
		if _, err := rs.BookMyRoundTable(b, slots[0].ID); err != nil {
			t.Fatalf("the freed slot: %v", err)
		}
		clock.Set(slots[0].StartsAt.Add(1))
		_, err = rs.CancelRoundTable(b, slots[0].ID, "")
		mustCode(t, err, wubu.ECONFLICT)
	})
}

// TestPortalCancelVisitorPass (issue 15): a resident cancels their own
// visitor pass on the portal through the life cycle; the code then lets
// no one in; another resident's pass is not found; a cancelled pass
// cannot be cancelled again.
func TestPortalCancelVisitorPass(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		vs := sqlstore.NewVisitorPassService(db)
		people := eventPeople(t, db, o, 2)
		a, b := residentCtx(o, people[0], o.rooms[0]), residentCtx(o, people[1], o.rooms[1])
		today := clock.Now().In(cst8).Format("2006-01-02")
		v := &wubu.VisitorPass{RoomID: o.rooms[0].ID, VisitorName: "小张", VisitorPhone: "13800138000", Date: today}
		if err := vs.InviteVisitorAs(a, o.f.ProjectA.ID, people[0].ID, v); err != nil || v.State != wubu.VisitorInvited {
			t.Fatalf("invite: %+v %v", v, err)
		}
		// Not as another resident.
		mustCode(t, vs.InviteVisitorAs(b, o.f.ProjectA.ID, people[0].ID, &wubu.VisitorPass{RoomID: o.rooms[0].ID, VisitorName: "小李", VisitorPhone: "13800138001", Date: today}), wubu.ENOTFOUND)
		_, err := vs.CancelMyVisitorPass(b, v.ID)
		mustCode(t, err, wubu.ENOTFOUND)
		got, err := vs.CancelMyVisitorPass(a, v.ID)
		if err != nil || got.State != wubu.VisitorCancelled {
			t.Fatalf("cancel: %+v %v", got, err)
		}
		_, err = vs.CancelMyVisitorPass(a, v.ID)
		mustCode(t, err, wubu.ECONFLICT)
		c, err := vs.CheckVisitor(o.f.Ctx(o.guard), o.f.ProjectA.ID, v.Code, o.rooms[0].Label)
		if err != nil || c.Allowed || c.Reason != "The resident cancelled this visit." {
			t.Fatalf("check: %+v %v", c, err)
		}
		var n int
		if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM lifecycle_events WHERE object_type = 'visitor_pass'`).Scan(&n); err != nil || n != 2 {
			t.Fatalf("events: %d %v", n, err)
		}
	})
}
