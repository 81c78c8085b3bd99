package sqlstore_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestResidentDuplicatesAndID creates residents by hand on both
// databases: a second copy of a resident (same name in the same room, or
// the same ID number) is refused and the existing person offered; a
// gender or birthday contradicting the ID number is refused with a message
// saying which, unless the birthday differs on purpose (lunar); nothing is
// written by a refused create.
func TestResidentDuplicatesAndID(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newImportFixture(t, db)
		room := func(label string) int64 {
			rooms, _, err := sqlstore.NewOrgService(db).FindRooms(f.Ctx(f.Admin), wubu.RoomFilter{ProjectID: f.ProjectA.ID, Label: &label})
			if err != nil || len(rooms) != 1 {
				t.Fatalf("room %s: %v", label, err)
			}
			return rooms[0].ID
		}
		refused := func(t *testing.T, err error, code, field, msg string) {
			t.Helper()
			e := wubu.AsError(err)
			if e == nil || e.Code != code || e.Field != field || e.Message() != msg {
				t.Errorf("got %v, want %s on %s: %s", err, code, field, msg)
			}
		}
		offered := func(t *testing.T, err error, want int64) {
			t.Helper()
			var dup *wubu.DuplicatePersonError
			if !errors.As(err, &dup) || dup.PersonID != want {
				t.Errorf("got %v, want resident %d offered", err, want)
			}
		}
		before := tableCounts(t, db)
		home := &wubu.Household{RoomID: room("3-1-101"), Relation: wubu.RelationFamily}
		err := f.rs.CreatePersonInRoom(f.manager, &wubu.Person{ProjectID: f.ProjectA.ID, Name: "王五", Phones: []string{"13900000009"}}, home)
		refused(t, err, wubu.ECONFLICT, "name", "王五 already lives in room 3-1-101 (resident "+itoa(f.wang.ID)+"): open their profile instead of adding a second copy.")
		offered(t, err, f.wang.ID)
		err = f.rs.CreatePerson(f.manager, &wubu.Person{ProjectID: f.ProjectA.ID, Name: "王小五", IDNumber: "11010519491231002x"})
		refused(t, err, wubu.ECONFLICT, "id_number", "王五 already has this ID number (resident "+itoa(f.wang.ID)+"): open their profile instead of adding a second copy.")
		offered(t, err, f.wang.ID)

		man := "110105194912310038"
		err = f.rs.CreatePerson(f.manager, &wubu.Person{ProjectID: f.ProjectA.ID, Name: "赵六", IDNumber: man, Gender: "f"})
		refused(t, err, wubu.EINVALID, "gender", "The gender contradicts the ID number, which is a man's: correct one of them.")
		lunar := &wubu.Person{ProjectID: f.ProjectA.ID, Name: "赵六", IDNumber: man, Gender: "m", Birthday: "1949-11-13"}
		err = f.rs.CreatePersonInRoom(f.manager, lunar, &wubu.Household{RoomID: room("3-1-102"), Relation: wubu.RelationOwner})
		refused(t, err, wubu.EINVALID, "birthday", "Birthday 1949-11-13 contradicts the ID number, which gives 1949-12-31: correct one of them, or mark the birthday as differing on purpose (a lunar birthday).")
		if diff := cmp.Diff(before, tableCounts(t, db)); diff != "" {
			t.Errorf("refused creates wrote (-before +after):\n%s", diff)
		}

		lunar.BirthdayDiffers = true
		if err := f.rs.CreatePersonInRoom(f.manager, lunar, &wubu.Household{RoomID: room("3-1-102"), Relation: wubu.RelationOwner}); err != nil {
			t.Fatal(err)
		}
		// Other changes keep the lunar birthday; a new birthday is checked.
		job := "退休"
		if _, err := f.rs.UpdatePerson(f.manager, lunar.ID, wubu.PersonUpdate{Occupation: &job}); err != nil {
			t.Errorf("update of the occupation: %v", err)
		}
		day := "1949-11-14"
		_, err = f.rs.UpdatePerson(f.manager, lunar.ID, wubu.PersonUpdate{Birthday: &day})
		refused(t, err, wubu.EINVALID, "birthday", "Birthday 1949-11-14 contradicts the ID number, which gives 1949-12-31: correct one of them, or mark the birthday as differing on purpose (a lunar birthday).")
		if _, err := f.rs.UpdatePerson(f.manager, lunar.ID, wubu.PersonUpdate{Birthday: &day, BirthdayDiffers: true}); err != nil {
			t.Errorf("lunar update: %v", err)
		}
	})
}
