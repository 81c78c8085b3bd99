package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// importFixture is project A with building 3 (2 units × 6 floors × 2) and
// 王五 in 3-1-101 with a phone, an ID number, plate 粤A11111 and parking
// card P001; a manager of project A imports.
type importFixture struct {
	*wubutest.Fixture
	db      *sqlstore.DB
	rs      *sqlstore.ResidentService
	manager context.Context
	wang    *wubu.Person
}

func newImportFixture(t *testing.T, db *sqlstore.DB) *importFixture {
	t.Helper()
	f := &importFixture{Fixture: wubutest.NewFixture(t, db), db: db, rs: sqlstore.NewResidentService(db)}
	admin := f.Ctx(f.Admin)
	if _, err := sqlstore.NewOrgService(db).GenerateRooms(admin, wubu.RoomGeneration{ProjectID: f.ProjectA.ID, Building: "3", Units: 2, FirstFloor: 1, Floors: 6, PerFloor: 2}); err != nil {
		t.Fatal(err)
	}
	f.manager = f.Ctx(f.User(t, "mgr", wubu.RoleManager, wubu.PostNone, f.ProjectA))
	f.wang = &wubu.Person{ProjectID: f.ProjectA.ID, Name: "王五", Phones: []string{"13900000001"}, IDNumber: "11010519491231002X", Occupation: "教师"}
	if err := f.rs.CreatePerson(admin, f.wang); err != nil {
		t.Fatal(err)
	}
	label := "3-1-101"
	rooms, _, err := sqlstore.NewOrgService(db).FindRooms(admin, wubu.RoomFilter{ProjectID: f.ProjectA.ID, Label: &label})
	if err != nil || len(rooms) != 1 {
		t.Fatalf("room: %v", err)
	}
	if err := f.rs.AddHousehold(admin, &wubu.Household{PersonID: f.wang.ID, RoomID: rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
		t.Fatal(err)
	}
	if err := f.rs.AddVehicle(admin, &wubu.Vehicle{PersonID: f.wang.ID, Plate: "粤A11111"}); err != nil {
		t.Fatal(err)
	}
	if err := f.rs.AddCard(admin, &wubu.Card{PersonID: f.wang.ID, Kind: wubu.CardParking, Number: "P001", ExpiresOn: "2026-12-31"}); err != nil {
		t.Fatal(err)
	}
	return f
}

// importFile returns a file with the fields as columns (each named after
// its field) and the rows, the first on spreadsheet row 2.
func importFile(fields []wubu.ImportField, rows ...[]string) *wubu.ImportFile {
	f := &wubu.ImportFile{Name: "test.xlsx", Columns: map[wubu.ImportField]string{}}
	for _, fld := range fields {
		f.Columns[fld] = string(fld)
	}
	for i, r := range rows {
		row := &wubu.ImportRow{Line: i + 2, Cells: map[wubu.ImportField]string{}}
		for j, v := range r {
			if v != "" {
				row.Cells[fields[j]] = v
			}
		}
		f.Rows = append(f.Rows, row)
	}
	return f
}

// tableCounts counts the rows of every table an import could write.
func tableCounts(t *testing.T, db *sqlstore.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"persons", "person_phones", "households", "vehicles", "cards", "special_days", "timeline", "contributions", "audit_log"} {
		var n int
		if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

// residentByName returns the one resident of project A with the name.
func residentByName(t *testing.T, f *importFixture, name string) *wubu.Resident {
	t.Helper()
	res, err := f.rs.Lookup(f.Ctx(f.Admin), f.ProjectA.ID, name, 10)
	if err != nil {
		t.Fatal(err)
	}
	var found []*wubu.LookupResult
	for _, r := range res {
		if r.Name == name {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s: got %d residents, want 1", name, len(found))
	}
	r, err := f.rs.FindResident(f.Ctx(f.Admin), found[0].PersonID)
	if err != nil {
		t.Fatal(err)
	}
	phones, err := f.rs.RevealPersonField(f.Ctx(f.Admin), r.ID, "phones")
	if err != nil {
		t.Fatal(err)
	}
	r.Phones = phones
	return r
}

type importErr struct {
	Line                   int
	Column, Value, Message string
}

func importErrs(res *wubu.ImportResult) []importErr {
	var out []importErr
	for _, e := range res.Errors {
		out = append(out, importErr{e.Line, e.Column, e.Value, e.Message()})
	}
	return out
}

var importFields = []wubu.ImportField{wubu.FieldRoom, wubu.FieldName, wubu.FieldPhones, wubu.FieldIDNumber, wubu.FieldRelation,
	wubu.FieldPlates, wubu.FieldParkingCard, wubu.FieldParkingExpiry, wubu.FieldCareFlags, wubu.FieldGender}

func TestImportResidents(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newImportFixture(t, db)
		good := importFile(importFields,
			[]string{"3-1-201", "李雷", "13800000001/13800000002", "440106199001011235", "业主", "粤B12345", "P100", "2027-06-30", "独居老人", "男"},
			[]string{"3栋1单元201", "韩梅梅", "138 0000 0003", "", "家属", "", "", "", "", "女"},
			[]string{"3-1-101", "王五", "13900000009", "", "", "", "", "", "", ""},
			[]string{"3-2-302", "李雷", "", "440106199001011235", "租户", "粤B12345、粤BD12345", "", "", "", ""},
		)

		t.Run("Good", func(t *testing.T) {
			before := tableCounts(t, db)
			res, err := f.rs.ImportResidents(f.manager, f.ProjectA.ID, good, false)
			if err != nil {
				t.Fatalf("%v: %v", err, importErrs(res))
			}
			if got, want := [4]int{res.Rows, res.Created, res.Updated, res.Unchanged}, [4]int{4, 2, 1, 0}; got != want {
				t.Fatalf("got rows, created, updated, unchanged %v, want %v", got, want)
			}
			after := tableCounts(t, db)
			want := map[string]int{"persons": 2, "person_phones": 3, "households": 3, "vehicles": 2, "cards": 1, "timeline": 3, "audit_log": 1}
			for table, n := range after {
				if after[table]-before[table] != want[table] {
					t.Errorf("%s: got %d rows more, want %d", table, n-before[table], want[table])
				}
			}
			// The lookup cards of new residents (written with them) and of
			// changed ones (filled at the end) agree with their rows.
			if n, err := db.StaleLookupCards(context.Background()); err != nil || n != 0 {
				t.Errorf("stale lookup cards after the import: %d, %v", n, err)
			}
			li := residentByName(t, f, "李雷")
			if got, want := li.Phones, []string{"13800000001", "13800000002"}; !slices.Equal(got, want) {
				t.Errorf("phones: got %v, want %v", got, want)
			}
			var homes []string
			for _, h := range li.Households {
				homes = append(homes, h.RoomLabel+" "+string(h.Relation))
			}
			if want := []string{"3-1-201 owner", "3-2-302 tenant"}; !slices.Equal(homes, want) {
				t.Errorf("homes: got %v, want %v", homes, want)
			}
			var plates []string
			for _, v := range li.Vehicles {
				plates = append(plates, v.Plate)
			}
			if want := []string{"粤B12345", "粤BD12345"}; !slices.Equal(plates, want) {
				t.Errorf("plates: got %v, want %v", plates, want)
			}
			if len(li.Cards) != 1 || li.Cards[0].Number != "P100" || li.Cards[0].ExpiresOn != "2027-06-30" || li.Cards[0].Kind != wubu.CardParking {
				t.Errorf("cards: got %+v, want P100 until 2027-06-30", li.Cards)
			}
			if li.Birthday != "01-01" || li.Gender != "m" || !slices.Equal(li.CareFlags, []wubu.CareFlag{wubu.CareElderlyAlone}) {
				t.Errorf("got birthday %q gender %q care %v, want the ID's birthday (without its year beside the masked ID), m, elderly_alone", li.Birthday, li.Gender, li.CareFlags)
			}
			han := residentByName(t, f, "韩梅梅")
			if !slices.Equal(han.Phones, []string{"13800000003"}) || han.Households[0].RoomLabel != "3-1-201" || han.Households[0].Relation != wubu.RelationFamily {
				t.Errorf("韩梅梅: got %v %+v", han.Phones, han.Households[0])
			}
			wang := residentByName(t, f, "王五")
			if !slices.Equal(wang.Phones, []string{"13900000009"}) || wang.Occupation != "教师" || len(wang.Vehicles) != 1 || len(wang.Cards) != 1 || wang.Cards[0].ExpiresOn != "2026-12-31" {
				t.Errorf("王五: got phones %v, occupation %q, %d plates, cards %+v; want only the phone changed", wang.Phones, wang.Occupation, len(wang.Vehicles), wang.Cards)
			}
			tl, _ := f.rs.Timeline(f.Ctx(f.Admin), wang.ID, 1)
			if len(tl) != 1 || tl[0].Kind != "import" || tl[0].Text != "phones" {
				t.Errorf("timeline: got %+v, want an import entry naming the phones", tl)
			}
			tl, _ = f.rs.Timeline(f.Ctx(f.Admin), li.ID, 5)
			if len(tl) != 1 || tl[0].Kind != "import" || tl[0].Text != "" {
				t.Errorf("timeline: got %+v, want one import entry", tl)
			}
			entries, _, err := sqlstore.NewAuditService(db).FindAuditEntries(f.Ctx(f.Admin), wubu.AuditFilter{ObjectType: "resident_list"})
			if err != nil || len(entries) != 1 || entries[0].Action != wubu.ActionUpdate || entries[0].Login != "mgr" {
				t.Fatalf("audit: got %+v %v, want one entry by mgr", entries, err)
			}
		})

		t.Run("ReimportWritesNothing", func(t *testing.T) {
			clock.Add(60_000_000_000)
			before := tableCounts(t, db)
			res, err := f.rs.ImportResidents(f.manager, f.ProjectA.ID, good, false)
			if err != nil {
				t.Fatalf("%v: %v", err, importErrs(res))
			}
			if got, want := [3]int{res.Created, res.Updated, res.Unchanged}, [3]int{0, 0, 3}; got != want {
				t.Errorf("got created, updated, unchanged %v, want %v", got, want)
			}
			if diff := cmp.Diff(before, tableCounts(t, db)); diff != "" {
				t.Errorf("a second import wrote rows (-before +after):\n%s", diff)
			}
		})

		t.Run("ChangedPhone", func(t *testing.T) {
			before := residentByName(t, f, "李雷")
			changed := importFile(importFields,
				[]string{"3-1-201", "李雷", "13800000001/13800000007", "440106199001011235", "业主", "粤B12345", "P100", "2027-06-30", "独居老人", "男"},
				[]string{"3栋1单元201", "韩梅梅", "138 0000 0003", "", "家属", "", "", "", "", "女"},
			)
			res, err := f.rs.ImportResidents(f.manager, f.ProjectA.ID, changed, false)
			if err != nil {
				t.Fatalf("%v: %v", err, importErrs(res))
			}
			if got, want := [3]int{res.Created, res.Updated, res.Unchanged}, [3]int{0, 1, 1}; got != want {
				t.Errorf("got created, updated, unchanged %v, want %v", got, want)
			}
			after := residentByName(t, f, "李雷")
			if !slices.Equal(after.Phones, []string{"13800000001", "13800000007"}) {
				t.Errorf("phones: got %v", after.Phones)
			}
			after.Phones, before.Phones = nil, nil
			if diff := cmp.Diff(before.Person, after.Person, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".UpdatedAt" }, cmp.Ignore())); diff != "" {
				t.Errorf("more than the phone changed (-before +after):\n%s", diff)
			}
			if diff := cmp.Diff(before.Households, after.Households); diff != "" {
				t.Errorf("homes changed:\n%s", diff)
			}
		})

		t.Run("ErrBadRows", func(t *testing.T) {
			fields := append(importFields, wubu.FieldBirthday, wubu.FieldAccessExpiry)
			bad := importFile(fields,
				[]string{"3-9-999", "甲", "", "", "", "", "", "", "", "", "", ""},
				[]string{"xyz", "乙", "", "", "", "", "", "", "", "", "", ""},
				[]string{"", "", "", "", "", "", "", "", "", "", "", ""},
				[]string{"3-1-102", "丙", "12345/13800000011", "110105194912310021", "", "", "", "", "", "", "", ""},
				[]string{"3-1-102", "丁", "", "", "房东", "粤Z1", "", "", "VIP", "x", "2026-13-01", ""},
				[]string{"3-1-201", "戊", "", "", "", "粤A11111", "", "", "", "", "", ""},
				[]string{"3-1-202", "己", "", "", "", "粤C22222", "", "", "", "", "", ""},
				[]string{"3-2-101", "庚", "", "", "", "粤C22222", "P001", "", "", "", "", ""},
				[]string{"3-1-202", "己", "", "", "", "", "", "", "", "", "", ""},
				[]string{"3-1-202", "辛", "", "", "", "", "", "", "", "", "", "2027-01-01"},
				[]string{"3-1-202", "壬", "13800000001/13800000002/13800000003/13800000004/13800000005/13800000006", "", "", "", "", "", "", "", "", ""},
			)
			before := tableCounts(t, db)
			res, err := f.rs.ImportResidents(f.manager, f.ProjectA.ID, bad, false)
			if wubu.ErrorCode(err) != wubu.EINVALID || wubu.ErrorMessage(err) != "The file has 15 errors: nothing was imported." {
				t.Fatalf("got %v, want EINVALID with the count", err)
			}
			want := []importErr{
				{2, "room", "3-9-999", "Room 3-9-999 does not exist in this project: generate its rooms first."},
				{3, "room", "xyz", `Room "xyz" is not understood: write it as 3-2-1201 or 3栋2单元1201.`},
				{5, "id_number", "110105194912310021", `ID number "110105194912310021" is not valid: its check digit is wrong.`},
				{5, "phones", "12345", `Mobile number "12345" is not valid: it must have 11 digits starting with 1 (an optional +86 is allowed).`},
				{6, "gender", "x", `Gender "x" is not known: write 男 or 女.`},
				{6, "relation", "房东", `Relation "房东" is not known: write 业主, 租户, 家属 or 准客户.`},
				{6, "birthday", "2026-13-01", `Date "2026-13-01" is not valid: write it as 2026-11-27.`},
				{6, "care_flags", "VIP", `Care flag "VIP" is not known: write 独居老人, 行动不便, 困难户 or 孕妇.`},
				{6, "plates", "粤Z1", `Plate number "粤Z1" is not a valid Chinese plate number.`},
				{7, "plates", "粤A11111", "Plate 粤A11111 is already registered to another resident."},
				{9, "plates", "粤C22222", "Plate 粤C22222 is also given to another resident in row 8."},
				{9, "parking_card", "P001", "Card P001 is already issued to another resident."},
				{10, "room", "3-1-202", "Row 8 already lists this resident in room 3-1-202."},
				{11, "access_expiry", "2027-01-01", "An expiry needs a card number in the same row."},
				{12, "phones", "13800000001/13800000002/13800000003/13800000004/13800000005/13800000006", "A resident may have at most 5 phone numbers."},
			}
			if diff := cmp.Diff(want, importErrs(res)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, tableCounts(t, db)); diff != "" {
				t.Errorf("a refused import wrote rows:\n%s", diff)
			}
		})

		t.Run("DryRun", func(t *testing.T) {
			before := tableCounts(t, db)
			file := importFile(importFields, []string{"3-2-601", "新人", "13700000001", "", "", "", "", "", "", ""})
			res, err := f.rs.ImportResidents(f.manager, f.ProjectA.ID, file, true)
			if err != nil || res.Created != 1 || !res.DryRun {
				t.Fatalf("got %+v %v, want one to create", res, err)
			}
			if diff := cmp.Diff(before, tableCounts(t, db)); diff != "" {
				t.Errorf("a dry run wrote rows:\n%s", diff)
			}
		})

		t.Run("ErrPermission", func(t *testing.T) {
			file := importFile(importFields, []string{"3-2-601", "新人", "13700000001", "", "", "", "", "", "", ""})
			before := tableCounts(t, db)
			for _, c := range []struct {
				ctx  context.Context
				code string
			}{
				{f.Ctx(f.User(t, "clerk", wubu.RoleStaff, wubu.PostService, f.ProjectA)), wubu.EFORBIDDEN},
				{f.Ctx(f.User(t, "duty", wubu.RoleDutyManager, wubu.PostNone, f.ProjectA)), wubu.EFORBIDDEN},
				{f.Ctx(f.User(t, "mgr_b", wubu.RoleManager, wubu.PostNone, f.ProjectB)), wubu.ENOTFOUND},
				{context.Background(), wubu.EUNAUTHORIZED},
			} {
				if _, err := f.rs.ImportResidents(c.ctx, f.ProjectA.ID, file, false); wubu.ErrorCode(err) != c.code {
					t.Errorf("import: got %v, want %s", err, c.code)
				}
				if _, err := f.rs.ExportResidents(c.ctx, wubu.ResidentFilter{ProjectID: f.ProjectA.ID}); wubu.ErrorCode(err) != c.code {
					t.Errorf("export: got %v, want %s", err, c.code)
				}
			}
			after := tableCounts(t, db)
			after["audit_log"] -= 3 // the accounts created above
			if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("a refused import wrote rows:\n%s", diff)
			}
		})

		t.Run("Export", func(t *testing.T) {
			before := tableCounts(t, db)
			rows, err := f.rs.ExportResidents(f.manager, wubu.ResidentFilter{ProjectID: f.ProjectA.ID})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, fmt.Sprintf("%s %s %v %s %v %t", r.Household.RoomLabel, r.Person.Name, r.Person.Phones, r.Person.IDNumber, r.Plates, r.Person.Masked))
			}
			want := []string{
				"3-1-101 王五 [13900000009] 11010519491231002X [粤A11111] false",
				"3-1-201 韩梅梅 [13800000003]  [] false",
				"3-1-201 李雷 [13800000001 13800000007] 440106199001011235 [粤B12345 粤BD12345] false",
				"3-2-302 李雷 [13800000001 13800000007] 440106199001011235 [粤B12345 粤BD12345] false",
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("export (-want +got):\n%s", diff)
			}
			after := tableCounts(t, db)
			if after["audit_log"] != before["audit_log"]+1 {
				t.Errorf("got %d audit entries more, want 1", after["audit_log"]-before["audit_log"])
			}
			entries, _, _ := sqlstore.NewAuditService(db).FindAuditEntries(f.Ctx(f.Admin), wubu.AuditFilter{ObjectType: "resident_list", Action: wubu.ActionRead})
			if len(entries) != 1 || entries[0].Field != "export" || entries[0].Login != "mgr" {
				t.Errorf("audit: got %+v, want one export read by mgr", entries)
			}
		})
	})
}
