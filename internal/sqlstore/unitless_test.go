package sqlstore_test

import (
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestBuildingsWithoutUnits generates a building without units on both
// databases: its rooms read 1-301, are found by the lookup as 1-301,
// 1栋301 or 1栋3楼1号, and a building's layouts are never mixed.
func TestBuildingsWithoutUnits(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		fx := wubutest.NewFixture(t, db)
		admin := fx.Ctx(fx.Admin)
		org := sqlstore.NewOrgService(db)
		pid := fx.ProjectA.ID
		res, err := org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: pid, Building: "1", NoUnits: true, Floors: 3, PerFloor: 2})
		if err != nil {
			t.Fatal(err)
		}
		if res.First != "1-101" || res.Last != "1-302" {
			t.Errorf("got %s … %s, want 1-101 … 1-302", res.First, res.Last)
		}
		_, err = org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: pid, Building: "1", Units: 1, FirstFloor: 4, Floors: 4, PerFloor: 1})
		if e := wubu.AsError(err); e == nil || e.Code != wubu.ECONFLICT || e.Message() != "Building 1 has no units: its rooms read like 1-301." {
			t.Errorf("units in a building without: got %v", err)
		}
		if _, err := org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: pid, Building: "3", Units: 1, Floors: 1, PerFloor: 1}); err != nil {
			t.Fatal(err)
		}
		_, err = org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: pid, Building: "3", NoUnits: true, FirstFloor: 2, Floors: 2, PerFloor: 1})
		if e := wubu.AsError(err); e == nil || e.Code != wubu.ECONFLICT || e.Message() != "Building 3 is divided into units: give the unit of each room." {
			t.Errorf("no units in a building with: got %v", err)
		}

		label := "1-301"
		rooms, _, err := org.FindRooms(admin, wubu.RoomFilter{ProjectID: pid, Label: &label})
		if err != nil || len(rooms) != 1 || rooms[0].Floor != 3 || rooms[0].Number != "301" {
			t.Fatalf("room 1-301: got %+v, %v", rooms, err)
		}
		rs := sqlstore.NewResidentService(db)
		p := &wubu.Person{ProjectID: pid, Name: "花园业主"}
		if err := rs.CreatePersonInRoom(admin, p, &wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"1-301", "1栋301", "1栋3楼1号", "1栋301室"} {
			found, err := rs.Lookup(admin, pid, q, 10)
			if err != nil || len(found) != 1 || found[0].PersonID != p.ID || found[0].Room != "1-301" {
				t.Errorf("lookup %q: got %+v, %v", q, found, err)
			}
		}
	})
}
