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

// residentCtx is a resident signed in to the portal, living in a room.
func residentCtx(o *securityOrg, p *wubu.Person, room *wubu.Room) context.Context {
	id := &wubu.PortalIdentity{PersonID: p.ID, ProjectID: o.f.ProjectA.ID, Name: p.Name,
		Homes: []*wubu.PortalHome{{RoomID: room.ID, RoomLabel: room.Label, BuildingID: o.building.ID, Relation: wubu.RelationOwner}}}
	return wubu.NewContextWithPortalIdentity(context.Background(), id)
}

// TestPortalEventsAndRoundTables: residents sign themselves up on the
// portal for an event of one place — the second waits, and takes the
// place when the first cancels — and see only their own sign-up; an
// event for another building is neither listed nor open to them; a
// resident books a round-table slot for themselves, and the slot is then
// taken for another resident, who no longer sees it.
func TestPortalEventsAndRoundTables(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		es := sqlstore.NewEventService(db)
		staff := o.f.Ctx(o.f.User(t, "kefu", wubu.RoleStaff, wubu.PostService, o.f.ProjectA))
		people := eventPeople(t, db, o, 2)
		a, b := residentCtx(o, people[0], o.rooms[0]), residentCtx(o, people[1], o.rooms[1])
		e := openEvent(t, es, staff, o.f.ProjectA.ID, 1, clock.Now().Add(48*time.Hour))
		res, err := sqlstore.NewOrgService(db).GenerateRooms(o.f.Ctx(o.f.Admin), wubu.RoomGeneration{ProjectID: o.f.ProjectA.ID, Building: "9", Units: 1, FirstFloor: 1, Floors: 1, PerFloor: 1})
		if err != nil {
			t.Fatal(err)
		}
		elsewhere := &wubu.Event{ProjectID: o.f.ProjectA.ID, Kind: wubu.EventActivity, Title: "别栋活动", Place: "会所", StartsAt: clock.Now().Add(72 * time.Hour), Capacity: 5,
			BuildingID: &res.Building.ID}
		if err := es.PlanEvent(staff, elsewhere); err != nil {
			t.Fatal(err)
		}
		if _, err := es.OpenEvent(staff, elsewhere.ID); err != nil {
			t.Fatal(err)
		}
		_, err = es.SignMeUp(a, elsewhere.ID)
		mustCode(t, err, wubu.ENOTFOUND)

		g, err := es.SignMeUp(a, e.ID)
		if err != nil || g.State != wubu.SignupConfirmed || g.PersonID != people[0].ID {
			t.Fatalf("first: %+v, %v", g, err)
		}
		if g, err = es.SignMeUp(b, e.ID); err != nil || g.State != wubu.SignupWaiting {
			t.Fatalf("second waits: %+v, %v", g, err)
		}
		_, err = es.SignMeUp(a, e.ID)
		mustCode(t, err, wubu.ECONFLICT)
		mine, err := es.MyEvents(b)
		if err != nil || len(mine) != 1 || mine[0].Event.ID != e.ID || mine[0].Signup != wubu.SignupWaiting {
			t.Fatalf("b's events: %+v, %v", mine, err)
		}
		// A resident cannot cancel another's sign-up through the staff's call.
		_, err = es.CancelSignup(b, *mine[0].SignupID-1)
		mustCode(t, err, wubu.ENOTFOUND)
		if _, err := es.CancelMySignup(a, e.ID); err != nil {
			t.Fatal(err)
		}
		if mine, err = es.MyEvents(b); err != nil || mine[0].Signup != wubu.SignupConfirmed {
			t.Fatalf("b takes the place: %+v, %v", mine, err)
		}
		_, err = es.CancelMySignup(a, e.ID)
		mustCode(t, err, wubu.ENOTFOUND)
		// Staff see the resident's own sign-ups among the others.
		signups, err := es.FindSignups(staff, e.ID)
		if err != nil || len(signups) != 2 || signups[0].CreatedBy != 0 {
			t.Fatalf("sign-ups for staff: %+v, %v", signups, err)
		}

		// Round tables.
		rs := sqlstore.NewRoundTableService(db, nil)
		day := clock.Now().In(cst8).AddDate(0, 0, 3).Format("2006-01-02")
		host := o.f.User(t, "zhuguan", wubu.RoleTeamLeader, wubu.PostService, o.f.ProjectA)
		slots, err := rs.PublishRoundTables(o.f.Ctx(o.f.User(t, "mgr", wubu.RoleManager, wubu.PostNone, o.f.ProjectA)),
			wubu.RoundTableSeries{ProjectID: o.f.ProjectA.ID, Day: day, Times: []string{"09:00", "09:30"}, Minutes: 30, Place: "客服中心", HostID: host.ID})
		if err != nil || len(slots) != 2 {
			t.Fatalf("slots: %v, %v", slots, err)
		}
		booked, err := rs.BookMyRoundTable(a, slots[0].ID)
		if err != nil || booked.PersonID == nil || *booked.PersonID != people[0].ID || booked.BookedBy != wubu.BookedByResident {
			t.Fatalf("book: %+v, %v", booked, err)
		}
		_, err = rs.BookMyRoundTable(b, slots[0].ID)
		mustCode(t, err, wubu.ECONFLICT)
		_, err = rs.BookRoundTable(b, slots[1].ID, people[0].ID, wubu.BookedByResident)
		mustCode(t, err, wubu.ENOTFOUND)
		seen, err := rs.MyRoundTables(b)
		if err != nil || len(seen) != 1 || seen[0].ID != slots[1].ID {
			t.Fatalf("b sees: %+v, %v", seen, err)
		}
		if seen, err = rs.MyRoundTables(a); err != nil || len(seen) != 2 {
			t.Fatalf("a sees: %+v, %v", seen, err)
		}
	})
}

// TestPortalBulletinsByAudience: the portal's board shows a resident the
// notices whose audience holds one of their homes — the project's, their
// building's among several — and not another building's or another
// building's unit; reading them is recorded once each.
func TestPortalBulletinsByAudience(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		admin := o.f.Ctx(o.f.Admin)
		people := eventPeople(t, db, o, 1)
		me := residentCtx(o, people[0], o.rooms[0])
		res, err := sqlstore.NewOrgService(db).GenerateRooms(admin, wubu.RoomGeneration{ProjectID: o.f.ProjectA.ID, Building: "9", Units: 1, FirstFloor: 1, Floors: 1, PerFloor: 1})
		if err != nil {
			t.Fatal(err)
		}
		other, _, err := sqlstore.NewOrgService(db).FindRooms(admin, wubu.RoomFilter{ProjectID: o.f.ProjectA.ID, BuildingID: &res.Building.ID, Limit: 1})
		if err != nil || len(other) != 1 {
			t.Fatal(other, err)
		}
		today := clock.Now().In(calendar.ChinaStandardTime).Format(time.DateOnly)
		bs := sqlstore.NewBulletinService(db)
		for _, n := range []*wubu.Bulletin{
			{Title: "全体通知"},
			{Title: "9栋通知", BuildingIDs: []int64{res.Building.ID}},
			{Title: "9栋单元通知", UnitIDs: []int64{other[0].UnitID}},
			{Title: "两栋通知", BuildingIDs: []int64{o.building.ID, res.Building.ID}},
		} {
			n.ProjectID, n.Kind, n.Body, n.BoardUntil = o.f.ProjectA.ID, "general", "正文", today
			if err := bs.PostBulletin(admin, n); err != nil {
				t.Fatal(err)
			}
		}
		mine, err := bs.MyBulletins(me)
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, n := range mine {
			titles = append(titles, n.Title)
		}
		if strings.Join(titles, ",") != "两栋通知,全体通知" {
			t.Fatalf("the resident's board: %v", titles)
		}
		ids := []int64{mine[0].ID, mine[1].ID}
		for range 2 {
			if err := bs.RecordBulletinReads(me, people[0].ID, ids...); err != nil {
				t.Fatal(err)
			}
		}
		n, err := bs.FindBulletin(admin, mine[0].ID)
		if err != nil || n.Reads != 1 {
			t.Fatalf("reads: %+v, %v", n, err)
		}
	})
}
