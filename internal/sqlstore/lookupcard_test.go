package sqlstore_test

import (
	"context"
	"slices"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestLookupCardFollowsChanges checks that what the lookup shows of a
// person (kept on the person's row by triggers) follows every change to
// their phones, plates and homes, and to the labels of their rooms.
func TestLookupCardFollowsChanges(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newResidentFixture(t, db)
		find := func(q string) *wubu.LookupResult {
			t.Helper()
			rs, err := f.rs.Lookup(f.admin, f.ProjectA.ID, q, 20)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				if r.PersonID == f.zhang.ID {
					return r
				}
			}
			t.Fatalf("lookup %q: 张三 not found in %v", q, rs)
			return nil
		}
		r := find("张三")
		if r.Room != "3-2-1201" || r.Relation != wubu.RelationOwner || !slices.Equal(r.Plates, []string{"粤B12345"}) || r.Phone != "138****5678" {
			t.Fatalf("card at first: %+v", r)
		}

		// A second plate, a new first phone, a second home.
		if err := f.rs.AddVehicle(f.admin, &wubu.Vehicle{PersonID: f.zhang.ID, Plate: "粤BD12345"}); err != nil {
			t.Fatal(err)
		}
		phones := []string{"13900001111", "13812345678"}
		if _, err := f.rs.UpdatePerson(f.admin, f.zhang.ID, wubu.PersonUpdate{Phones: &phones}); err != nil {
			t.Fatal(err)
		}
		org := sqlstore.NewOrgService(db)
		label := "3-1-101"
		rooms, _, err := org.FindRooms(f.admin, wubu.RoomFilter{ProjectID: f.ProjectA.ID, Label: &label})
		if err != nil || len(rooms) != 1 {
			t.Fatalf("room 3-1-101: %v", err)
		}
		if err := f.rs.AddHousehold(f.admin, &wubu.Household{PersonID: f.zhang.ID, RoomID: rooms[0].ID, Relation: wubu.RelationTenant}); err != nil {
			t.Fatal(err)
		}
		r = find("zs")
		if !slices.Equal(r.Plates, []string{"粤B12345", "粤BD12345"}) || r.Phone != "139****1111" || !slices.Equal(r.Rooms, []string{"3-1-101", "3-2-1201"}) {
			t.Fatalf("card after changes: %+v", r)
		}

		// Renaming the building relabels the rooms, and the card with them.
		b, err := org.FindBuildingByID(f.admin, rooms[0].BuildingID)
		if err != nil {
			t.Fatal(err)
		}
		name := "8"
		if _, err := org.UpdateBuilding(f.admin, b.ID, wubu.BuildingUpdate{Name: &name}); err != nil {
			t.Fatal(err)
		}
		r = find("8-2-1201")
		if !slices.Equal(r.Rooms, []string{"8-1-101", "8-2-1201"}) {
			t.Fatalf("card after renaming building 3 to 8: %+v", r)
		}
		if n, err := db.StaleLookupCards(context.Background()); err != nil || n != 0 {
			t.Fatalf("stale lookup cards: %d, %v", n, err)
		}
	})
}
