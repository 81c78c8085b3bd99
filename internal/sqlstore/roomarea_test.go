package sqlstore_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestSetRoomArea sets, changes and clears a room's area on both
// databases; an area out of range is refused and changes nothing; a room
// of a project the caller does not serve answers like a missing one.
func TestSetRoomArea(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		fx := wubutest.NewFixture(t, db)
		org := sqlstore.NewOrgService(db)
		admin := fx.Ctx(fx.Admin)
		if _, err := org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: fx.ProjectA.ID, Building: "1", Units: 1, Floors: 1, PerFloor: 1}); err != nil {
			t.Fatal(err)
		}
		if _, err := org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: fx.ProjectB.ID, Building: "1", Units: 1, Floors: 1, PerFloor: 1}); err != nil {
			t.Fatal(err)
		}
		mgr := fx.Ctx(fx.User(t, "mgr", wubu.RoleManager, wubu.PostNone, fx.ProjectA))
		room := func(pid int64) *wubu.Room {
			rooms, _, err := org.FindRooms(admin, wubu.RoomFilter{ProjectID: pid})
			if err != nil || len(rooms) != 1 {
				t.Fatalf("rooms: %v %v", rooms, err)
			}
			return rooms[0]
		}
		a := room(fx.ProjectA.ID)
		r, err := org.SetRoomArea(mgr, a.BuildingID, a.ID, 8950)
		if err != nil || r.Area != 8950 || room(fx.ProjectA.ID).Area.String() != "89.5" {
			t.Fatalf("set: got %+v, %v", r, err)
		}
		if b, _ := json.Marshal(room(fx.ProjectA.ID)); !json.Valid(b) || !strings.Contains(string(b), `"area":89.5`) {
			t.Errorf("json: got %s", b)
		}
		if _, err := org.SetRoomArea(mgr, a.BuildingID, a.ID, wubu.MaxArea+1); wubu.ErrorCode(err) != wubu.EINVALID || wubu.ErrorMessage(err) != "Area must be between 0.01 and 10000 square metres." {
			t.Errorf("too large: got %v", err)
		}
		if room(fx.ProjectA.ID).Area != 8950 {
			t.Errorf("a refused area changed the room")
		}
		if _, err := org.SetRoomArea(mgr, room(fx.ProjectB.ID).BuildingID, room(fx.ProjectB.ID).ID, 100); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Errorf("another project's room: got %v, want ENOTFOUND", err)
		}
		if _, err := org.SetRoomArea(mgr, room(fx.ProjectB.ID).BuildingID, a.ID, 100); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Errorf("a room of another building: got %v, want ENOTFOUND", err)
		}
		if _, err := org.SetRoomArea(mgr, a.BuildingID, a.ID, 0); err != nil || room(fx.ProjectA.ID).Area != 0 {
			t.Errorf("clear: got %v", err)
		}
	})
}
