package sqlstore_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// wantCode fails the test unless err carries the domain error code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := wubu.ErrorCode(err); got != code {
		t.Fatalf("got error %v (code %q), want code %q", err, got, code)
	}
}

func TestProjects(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		ps := sqlstore.NewProjectService(db)
		admin := f.Ctx(f.Admin)

		t.Run("Create", func(t *testing.T) {
			got, err := ps.FindProjectByCode(admin, "ljy")
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != "丽景苑" || got.Code != "LJY" || !got.CreatedAt.Equal(wubutest.Start) {
				t.Fatalf("got %+v, want 丽景苑 LJY created at %v", got, wubutest.Start)
			}
		})
		t.Run("ErrCodeTaken", func(t *testing.T) {
			wantCode(t, ps.CreateProject(admin, &wubu.Project{Code: "LJY", Name: "x"}), wubu.ECONFLICT)
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			wantCode(t, ps.CreateProject(admin, &wubu.Project{Code: "1X", Name: "x"}), wubu.EINVALID)
			wantCode(t, ps.CreateProject(admin, &wubu.Project{Code: "OK", Name: "  "}), wubu.EINVALID)
		})
		t.Run("ErrForbidden", func(t *testing.T) {
			m := f.User(t, "mgr", wubu.RoleManager, wubu.PostNone, f.ProjectA)
			wantCode(t, ps.CreateProject(f.Ctx(m), &wubu.Project{Code: "NEW", Name: "新项目"}), wubu.EFORBIDDEN)
		})
		t.Run("Scope", func(t *testing.T) {
			g := f.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA)
			ctx := f.Ctx(g)
			list, err := ps.FindProjects(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].ID != f.ProjectA.ID {
				t.Fatalf("got %d projects, want only A", len(list))
			}
			_, err = ps.FindProjectByID(ctx, f.ProjectB.ID)
			wantCode(t, err, wubu.ENOTFOUND)
			_, err = ps.FindProjectByID(ctx, 999999)
			wantCode(t, err, wubu.ENOTFOUND)
			all, _ := ps.FindProjects(admin)
			if len(all) != 2 {
				t.Fatalf("admin got %d projects, want 2", len(all))
			}
		})
		t.Run("Rename", func(t *testing.T) {
			clock.Add(60e9)
			name := "丽景苑二期"
			p, err := ps.UpdateProject(admin, f.ProjectA.ID, wubu.ProjectUpdate{Name: &name})
			if err != nil {
				t.Fatal(err)
			}
			if p.Name != name || !p.UpdatedAt.Equal(clock.Now()) {
				t.Fatalf("got %+v", p)
			}
		})
	})
}

func TestOrgTree(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		org := sqlstore.NewOrgService(db)
		admin := f.Ctx(f.Admin)
		a := f.ProjectA.ID

		zone := &wubu.Zone{ProjectID: a, Name: "东区"}
		if err := org.CreateZone(admin, zone); err != nil {
			t.Fatal(err)
		}
		t.Run("ErrZoneTaken", func(t *testing.T) {
			wantCode(t, org.CreateZone(admin, &wubu.Zone{ProjectID: a, Name: "东区"}), wubu.ECONFLICT)
		})
		t.Run("GenerateRooms", func(t *testing.T) {
			res, err := org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: a, Building: "3", ZoneID: &zone.ID, Units: 2, Floors: 33, PerFloor: 4})
			if err != nil {
				t.Fatal(err)
			}
			if res.Created != 2*33*4 || res.First != "3-1-101" || res.Last != "3-2-3304" {
				t.Fatalf("got %+v, want 264 rooms 3-1-101 … 3-2-3304", res)
			}
			rooms, total, err := org.FindRooms(admin, wubu.RoomFilter{ProjectID: a, BuildingID: &res.Building.ID, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if total != 264 || len(rooms) != 10 || rooms[0].Label != "3-1-101" || rooms[4].Label != "3-1-201" {
				t.Fatalf("got total %d, first %v", total, rooms)
			}
			label := "3-2-1201"
			one, _, err := org.FindRooms(admin, wubu.RoomFilter{ProjectID: a, Label: &label})
			if err != nil || len(one) != 1 || one[0].Floor != 12 || one[0].Number != "1201" {
				t.Fatalf("got %v %v, want room 3-2-1201 on floor 12", one, err)
			}
			bs, err := org.FindBuildings(admin, a)
			if err != nil {
				t.Fatal(err)
			}
			if len(bs) != 1 || bs[0].Units != 2 || bs[0].Rooms != 264 || bs[0].ZoneName != "东区" {
				t.Fatalf("got %+v", bs[0])
			}
			names, err := org.FindBuildingNames(admin, a)
			if err != nil || len(names) != 1 || names[0].ID != bs[0].ID || names[0].Name != bs[0].Name || names[0].ZoneID == nil || *names[0].ZoneID != *bs[0].ZoneID {
				t.Fatalf("names: got %+v %v, want %+v without counts", names, err, bs[0])
			}
			if _, err := org.FindBuildingNames(f.Ctx(f.User(t, "names_outsider", wubu.RoleStaff, wubu.PostService, f.ProjectB)), a); wubu.ErrorCode(err) != wubu.ENOTFOUND {
				t.Fatalf("another project's buildings: %v", err)
			}
			zones, _ := org.FindZones(admin, a)
			if zones[0].Buildings != 1 {
				t.Fatalf("zone has %d buildings, want 1", zones[0].Buildings)
			}
		})
		t.Run("ErrRoomTaken", func(t *testing.T) {
			// Unit 2 exists: adding units 1–3 conflicts, and nothing is written.
			_, err := org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: a, Building: "3", Units: 3, Floors: 2, PerFloor: 4})
			wantCode(t, err, wubu.ECONFLICT)
			_, total, _ := org.FindRooms(admin, wubu.RoomFilter{ProjectID: a})
			if total != 264 {
				t.Fatalf("got %d rooms after a failed generation, want 264", total)
			}
		})
		t.Run("ErrInvalidGeneration", func(t *testing.T) {
			for _, g := range []wubu.RoomGeneration{
				{ProjectID: a, Building: "", Units: 1, Floors: 1, PerFloor: 1},
				{ProjectID: a, Building: "9", Units: 0, Floors: 1, PerFloor: 1},
				{ProjectID: a, Building: "9", Units: 1, Floors: 500, PerFloor: 1},
				{ProjectID: a, Building: "9", Units: 1, Floors: 3, PerFloor: 0},
				{ProjectID: a, Building: "9-1", Units: 1, Floors: 3, PerFloor: 1},
			} {
				_, err := org.GenerateRooms(admin, g)
				wantCode(t, err, wubu.EINVALID)
			}
			bs, _ := org.FindBuildings(admin, a)
			if len(bs) != 1 {
				t.Fatalf("got %d buildings, want 1", len(bs))
			}
		})
		t.Run("RenameBuildingRelabelsRooms", func(t *testing.T) {
			bs, _ := org.FindBuildings(admin, a)
			name := "A座"
			b, err := org.UpdateBuilding(admin, bs[0].ID, wubu.BuildingUpdate{Name: &name, ClearZone: true})
			if err != nil {
				t.Fatal(err)
			}
			if b.Name != "A座" || b.ZoneID != nil {
				t.Fatalf("got %+v", b)
			}
			label := "A座-2-1201"
			one, _, err := org.FindRooms(admin, wubu.RoomFilter{ProjectID: a, Label: &label})
			if err != nil || len(one) != 1 {
				t.Fatalf("got %v %v, want room A座-2-1201", one, err)
			}
			units, err := org.FindUnits(admin, b.ID)
			if err != nil || len(units) != 2 {
				t.Fatalf("got %v %v", units, err)
			}
			u, err := org.RenameUnit(admin, units[1].ID, "二")
			if err != nil || u.Name != "二" {
				t.Fatalf("got %v %v", u, err)
			}
			label = "A座-二-1201"
			if one, _, _ := org.FindRooms(admin, wubu.RoomFilter{ProjectID: a, Label: &label}); len(one) != 1 {
				t.Fatalf("rooms not relabelled after unit rename")
			}
		})
		t.Run("CreateRoom", func(t *testing.T) {
			b := &wubu.Building{ProjectID: a, Name: "5"}
			if err := org.CreateBuilding(admin, b); err != nil {
				t.Fatal(err)
			}
			r, err := org.CreateRoom(admin, b.ID, "1", "101", 1)
			if err != nil || r.Label != "5-1-101" {
				t.Fatalf("got %v %v", r, err)
			}
			_, err = org.CreateRoom(admin, b.ID, "1", "101", 1)
			wantCode(t, err, wubu.ECONFLICT)
			wantCode(t, org.CreateBuilding(admin, &wubu.Building{ProjectID: a, Name: "5"}), wubu.ECONFLICT)
		})
		t.Run("ScopeAndRole", func(t *testing.T) {
			bs, _ := org.FindBuildings(admin, a)
			guardB := f.User(t, "guard_b", wubu.RoleStaff, wubu.PostSecurity, f.ProjectB)
			mgrB := f.User(t, "mgr_b", wubu.RoleManager, wubu.PostNone, f.ProjectB)
			guardA := f.User(t, "guard_a", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA)
			// Another project's building answers as a missing one.
			_, err := org.FindBuildingByID(f.Ctx(guardB), bs[0].ID)
			wantCode(t, err, wubu.ENOTFOUND)
			_, err = org.FindBuildingByID(f.Ctx(guardB), 987654)
			wantCode(t, err, wubu.ENOTFOUND)
			name := "X"
			_, err = org.UpdateBuilding(f.Ctx(mgrB), bs[0].ID, wubu.BuildingUpdate{Name: &name})
			wantCode(t, err, wubu.ENOTFOUND)
			_, err = org.GenerateRooms(f.Ctx(mgrB), wubu.RoomGeneration{ProjectID: a, Building: "7", Units: 1, Floors: 1, PerFloor: 1})
			wantCode(t, err, wubu.ENOTFOUND)
			// A guard sees their own project but may not change it.
			if _, err := org.FindBuildingByID(f.Ctx(guardA), bs[0].ID); err != nil {
				t.Fatal(err)
			}
			wantCode(t, org.CreateZone(f.Ctx(guardA), &wubu.Zone{ProjectID: a, Name: "西区"}), wubu.EFORBIDDEN)
		})
		t.Run("Audit", func(t *testing.T) {
			entries, total, err := sqlstore.NewAuditService(db).FindAuditEntries(admin, wubu.AuditFilter{ObjectType: "zone"})
			if err != nil {
				t.Fatal(err)
			}
			if total != 1 || entries[0].Action != wubu.ActionCreate || entries[0].Login != "admin" {
				t.Fatalf("got %d zone entries: %+v", total, entries)
			}
			bentries, _, _ := sqlstore.NewAuditService(db).FindAuditEntries(admin, wubu.AuditFilter{ObjectType: "building", Action: wubu.ActionUpdate})
			if len(bentries) != 1 {
				t.Fatalf("got %d building updates, want 1", len(bentries))
			}
			if diff := cmp.Diff(true, len(bentries[0].Before) > 0 && len(bentries[0].After) > 0); diff != "" {
				t.Fatalf("before/after missing: %+v", bentries[0])
			}
		})
	})
}
