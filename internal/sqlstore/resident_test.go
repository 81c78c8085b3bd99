package sqlstore_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// residentFixture adds building 3 (2 units × 33 floors × 4) to project A and
// building 1 to project B, with 张三 in 3-2-1201 owning 粤B12345.
type residentFixture struct {
	*wubutest.Fixture
	rs           *sqlstore.ResidentService
	zhang        *wubu.Person
	roomA, roomB int64
	admin        context.Context
}

func newResidentFixture(t *testing.T, db *sqlstore.DB) *residentFixture {
	t.Helper()
	f := &residentFixture{Fixture: wubutest.NewFixture(t, db), rs: sqlstore.NewResidentService(db)}
	f.admin = f.Ctx(f.Admin)
	org := sqlstore.NewOrgService(db)
	if _, err := org.GenerateRooms(f.admin, wubu.RoomGeneration{ProjectID: f.ProjectA.ID, Building: "3", Units: 2, Floors: 33, PerFloor: 4}); err != nil {
		t.Fatal(err)
	}
	if _, err := org.GenerateRooms(f.admin, wubu.RoomGeneration{ProjectID: f.ProjectB.ID, Building: "1", Units: 1, Floors: 3, PerFloor: 2}); err != nil {
		t.Fatal(err)
	}
	room := func(p *wubu.Project, label string) int64 {
		rooms, _, err := org.FindRooms(f.admin, wubu.RoomFilter{ProjectID: p.ID, Label: &label})
		if err != nil || len(rooms) != 1 {
			t.Fatalf("room %s: %v", label, err)
		}
		return rooms[0].ID
	}
	f.roomA, f.roomB = room(f.ProjectA, "3-2-1201"), room(f.ProjectB, "1-1-101")
	f.zhang = &wubu.Person{ProjectID: f.ProjectA.ID, Name: "张三", Phones: []string{"+86 138 1234 5678"}, IDNumber: "11010519491231002x", CareFlags: []wubu.CareFlag{wubu.CareElderlyAlone}}
	if err := f.rs.CreatePerson(f.admin, f.zhang); err != nil {
		t.Fatal(err)
	}
	if err := f.rs.AddHousehold(f.admin, &wubu.Household{PersonID: f.zhang.ID, RoomID: f.roomA, Relation: wubu.RelationOwner, MoveIn: "2020-05-01"}); err != nil {
		t.Fatal(err)
	}
	if err := f.rs.AddVehicle(f.admin, &wubu.Vehicle{PersonID: f.zhang.ID, Plate: "粤b·123 45"}); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestResidents(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newResidentFixture(t, db)
		rs := f.rs

		t.Run("Normalised", func(t *testing.T) {
			r, err := rs.FindResident(f.admin, f.zhang.ID)
			if err != nil {
				t.Fatal(err)
			}
			if r.Phones[0] != "138****5678" || r.IDNumber != "1101**********002X" || !r.Masked {
				t.Fatalf("got phones %v, ID %q: want masked", r.Phones, r.IDNumber)
			}
			// Beside a masked ID number the birthday shows no year
			// (issue 12, finding 2); the year is an audited read.
			if r.Birthday != "12-31" {
				t.Fatalf("got birthday %q, want it from the ID number, without its year", r.Birthday)
			}
			if bd, err := rs.RevealPersonField(f.admin, f.zhang.ID, "birthday"); err != nil || len(bd) != 1 || bd[0] != "1949-12-31" {
				t.Fatalf("revealed birthday %v %v", bd, err)
			}
			if len(r.Vehicles) != 1 || r.Vehicles[0].Plate != "粤B12345" || len(r.Households) != 1 || r.Households[0].RoomLabel != "3-2-1201" {
				t.Fatalf("got %+v %+v", r.Vehicles, r.Households)
			}
		})
		t.Run("ErrBadInput", func(t *testing.T) {
			for name, p := range map[string]wubu.Person{
				"Phone":    {Name: "李四", Phones: []string{"12345"}},
				"IDNumber": {Name: "李四", IDNumber: "110105194912310021"},
				"NoName":   {Name: " "},
				"Flag":     {Name: "李四", CareFlags: []wubu.CareFlag{"rich"}},
				"Birthday": {Name: "李四", Birthday: "1990-02-30"},
			} {
				p.ProjectID = f.ProjectA.ID
				err := rs.CreatePerson(f.admin, &p)
				wantCode(t, err, wubu.EINVALID)
				if e := wubu.AsError(err); e.Field == "" {
					t.Errorf("%s: error names no field", name)
				}
			}
			wantCode(t, rs.AddVehicle(f.admin, &wubu.Vehicle{PersonID: f.zhang.ID, Plate: "ABC123"}), wubu.EINVALID)
			list, total, _ := rs.FindResidents(f.admin, wubu.ResidentFilter{ProjectID: f.ProjectA.ID})
			if total != 1 || len(list) != 1 {
				t.Fatalf("got %d residents after bad input, want 1", total)
			}
		})
		t.Run("ErrDuplicatePlate", func(t *testing.T) {
			li := &wubu.Person{ProjectID: f.ProjectA.ID, Name: "李四"}
			if err := rs.CreatePerson(f.admin, li); err != nil {
				t.Fatal(err)
			}
			wantCode(t, rs.AddVehicle(f.admin, &wubu.Vehicle{PersonID: li.ID, Plate: "粤B12345"}), wubu.ECONFLICT)
			// The same plate in another project is another car.
			wang := &wubu.Person{ProjectID: f.ProjectB.ID, Name: "王五"}
			if err := rs.CreatePerson(f.admin, wang); err != nil {
				t.Fatal(err)
			}
			if err := rs.AddVehicle(f.admin, &wubu.Vehicle{PersonID: wang.ID, Plate: "粤B12345"}); err != nil {
				t.Fatal(err)
			}
			if err := rs.AddHousehold(f.admin, &wubu.Household{PersonID: wang.ID, RoomID: f.roomB, Relation: wubu.RelationTenant}); err != nil {
				t.Fatal(err)
			}
			// A room of another project cannot be linked.
			wantCode(t, rs.AddHousehold(f.admin, &wubu.Household{PersonID: li.ID, RoomID: f.roomB, Relation: wubu.RelationOwner}), wubu.ENOTFOUND)
		})
		t.Run("Lookup", func(t *testing.T) {
			guardA := f.User(t, "guard_a", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA)
			ctx := f.Ctx(guardA)
			for _, q := range []string{"粤B12345", "12345", "2345", "345", "b12345", "3-2-1201", "3栋2单元1201", "3#2-1201", "3幢2单元1201室", "张三", "张", "zs", "ZS", "zhangsan", "zhang", "5678"} {
				res, err := rs.Lookup(ctx, 0, q, 10)
				if err != nil {
					t.Fatalf("%q: %v", q, err)
				}
				// A guard's hit shows no phone, not even masked (least
				// privilege by post, issue 12).
				if len(res) != 1 || res[0].Name != "张三" || res[0].Room != "3-2-1201" || !slices.Equal(res[0].Plates, []string{"粤B12345"}) || res[0].Phone != "" {
					t.Errorf("%q: got %+v, want 张三 of 3-2-1201 only (project A)", q, res)
				}
			}
			asst := f.User(t, "asst_lookup", wubu.RoleStaff, wubu.PostService, f.ProjectA)
			if res, err := rs.Lookup(f.Ctx(asst), 0, "5678", 10); err != nil || len(res) != 1 || res[0].Phone != "138****5678" {
				t.Errorf("assistant's hit: %+v %v, want the masked phone", res, err)
			}
			_, err := rs.Lookup(ctx, 0, "  ", 10)
			wantCode(t, err, wubu.EINVALID)
			_, err = rs.Lookup(ctx, f.ProjectB.ID, "12345", 10)
			wantCode(t, err, wubu.ENOTFOUND)
			// The admin finds both cars with that plate, one per project.
			res, err := rs.Lookup(f.admin, 0, "12345", 10)
			if err != nil || len(res) != 2 {
				t.Fatalf("admin got %+v %v, want two", res, err)
			}
			if res, _ := rs.Lookup(ctx, 0, "9999", 10); len(res) != 0 {
				t.Fatalf("got %+v for a number nobody has", res)
			}
		})
		t.Run("ScopeAndReveal", func(t *testing.T) {
			guardB := f.User(t, "guard_b", wubu.RoleStaff, wubu.PostSecurity, f.ProjectB)
			_, err := rs.FindResident(f.Ctx(guardB), f.zhang.ID)
			wantCode(t, err, wubu.ENOTFOUND)
			guardA := f.User(t, "guard_a2", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA)
			_, err = rs.RevealPersonField(f.Ctx(guardA), f.zhang.ID, "id_number")
			wantCode(t, err, wubu.EFORBIDDEN)
			tech := f.User(t, "tech_a", wubu.RoleStaff, wubu.PostMaintenance, f.ProjectA)
			phones, err := rs.RevealPersonField(f.Ctx(tech), f.zhang.ID, "phones")
			if err != nil || phones[0] != "13812345678" {
				t.Fatalf("got %v %v", phones, err)
			}
			_, err = rs.RevealPersonField(f.Ctx(tech), f.zhang.ID, "id_number")
			wantCode(t, err, wubu.EFORBIDDEN)
			asst := f.User(t, "asst_a", wubu.RoleStaff, wubu.PostService, f.ProjectA)
			id, err := rs.RevealPersonField(f.Ctx(asst), f.zhang.ID, "id_number")
			if err != nil || id[0] != "11010519491231002X" {
				t.Fatalf("got %v %v", id, err)
			}
			entries, _, err := sqlstore.NewAuditService(db).FindAuditEntries(f.admin, wubu.AuditFilter{Action: wubu.ActionRead, ObjectType: "person"})
			if err != nil || len(entries) != 3 || entries[0].Login != "asst_a" || entries[0].Field != "id_number" || entries[2].Field != "birthday" {
				t.Fatalf("got %+v %v, want the three reads audited", entries, err)
			}
			// The audit log itself never holds the full ID number.
			all, _, _ := sqlstore.NewAuditService(db).FindAuditEntries(f.admin, wubu.AuditFilter{ObjectType: "person", Limit: 500})
			for _, e := range all {
				if strings.Contains(e.Before+e.After, "11010519491231002X") || strings.Contains(e.Before+e.After, "13812345678") {
					t.Fatalf("audit entry %d holds a full sensitive value", e.ID)
				}
			}
		})
		t.Run("UpdateAndTimeline", func(t *testing.T) {
			asst := f.User(t, "asst_b", wubu.RoleStaff, wubu.PostService, f.ProjectA)
			ctx := f.Ctx(asst)
			clock.Add(time.Hour)
			phones := []string{"13900001111", "13812345678"}
			occ := "教师"
			if _, err := rs.UpdatePerson(ctx, f.zhang.ID, wubu.PersonUpdate{Phones: &phones, Occupation: &occ}); err != nil {
				t.Fatal(err)
			}
			if err := rs.AddSpecialDay(ctx, &wubu.SpecialDay{PersonID: f.zhang.ID, Kind: wubu.DayWedding, Date: "1975-12-10", Yearly: true}); err != nil {
				t.Fatal(err)
			}
			if _, err := rs.AddContact(ctx, f.zhang.ID, "电话回访，反映电梯噪音"); err != nil {
				t.Fatal(err)
			}
			tl, err := rs.Timeline(f.admin, f.zhang.ID, 50)
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, e := range tl {
				kinds = append(kinds, e.Kind)
			}
			want := []string{"contact", "special_day.added", "person.changed", "vehicle.added", "household.added", "person.created"}
			if !slices.Equal(kinds, want) {
				t.Fatalf("got timeline %v, want %v", kinds, want)
			}
			if tl[0].UserName != "asst_b" || tl[2].Text != "phones,occupation" {
				t.Fatalf("got %+v", tl[:3])
			}
			r, _ := rs.FindResident(f.admin, f.zhang.ID)
			// Today is 2026-11-27: the wedding anniversary on 12-10 is within 30 days.
			if len(r.UpcomingDays) != 1 || r.UpcomingDays[0].Date != "2026-12-10" {
				t.Fatalf("got upcoming %+v", r.UpcomingDays)
			}
			// The new phone's last 4 digits find him.
			if res, _ := rs.Lookup(f.admin, f.ProjectA.ID, "1111", 5); len(res) != 1 {
				t.Fatalf("lookup by the new phone: %+v", res)
			}
			contrib, err := rs.Contributions(f.admin, f.ProjectA.ID)
			if err != nil {
				t.Fatal(err)
			}
			var asstFields []string
			for _, c := range contrib {
				if c.UserName == "asst_b" {
					asstFields = append(asstFields, c.Field)
				}
			}
			slices.Sort(asstFields)
			if !slices.Equal(asstFields, []string{"occupation", "special_days"}) {
				t.Fatalf("asst_b credited with %v, want occupation and special_days", asstFields)
			}
		})
		t.Run("Completeness", func(t *testing.T) {
			c, err := rs.Completeness(f.admin, f.ProjectA.ID)
			if err != nil {
				t.Fatal(err)
			}
			// One resident with a home: 张三, with phone and plate, no photo.
			if len(c) != 2 || c[0].Persons != 1 || c[0].Phone != 1 || c[0].Photo != 0 || c[0].Plates != 1 || c[1].Scope != "3" {
				t.Fatalf("got %+v %+v", c[0], c[1:])
			}
		})
		t.Run("Photo", func(t *testing.T) {
			wantCode(t, rs.SetPhoto(f.admin, f.zhang.ID, "text/plain", []byte("x")), wubu.EINVALID)
			png := []byte("\x89PNG\r\n\x1a\n fake but stored as given")
			if err := rs.SetPhoto(f.admin, f.zhang.ID, "image/png", png); err != nil {
				t.Fatal(err)
			}
			ct, data, err := rs.Photo(f.admin, f.zhang.ID)
			if err != nil || ct != "image/png" || string(data) != string(png) {
				t.Fatalf("got %q %v", ct, err)
			}
		})
	})
}
