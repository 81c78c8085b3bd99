package importer_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/importer"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestImportHouses imports, on both databases, villas that are homes of
// their own (12号) from a rooms list written both ways (one room column,
// and a building column alone), then residents written 12号 and in split
// columns with the room left empty; each is stored in its house, labelled
// 12号 and found by the lookup as 12号. A house given rooms, or a building
// with rooms given as a house, is refused naming the row.
func TestImportHouses(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		fx := wubutest.NewFixture(t, db)
		ctx := fx.Ctx(fx.User(t, "mgr", wubu.RoleManager, wubu.PostNone, fx.ProjectA))
		if _, err := sqlstore.NewOrgService(db).GenerateRooms(fx.Ctx(fx.Admin), wubu.RoomGeneration{ProjectID: fx.ProjectA.ID, Building: "3", NoUnits: true, Floors: 1, PerFloor: 1}); err != nil {
			t.Fatal(err)
		}
		rs := sqlstore.NewResidentService(db)
		pid := fx.ProjectA.ID
		run := func(kind wubu.ImportKind, data []byte) (*wubu.ImportResult, error) {
			t.Helper()
			f, err := importer.ReadBytesWith(data, "list.xlsx", importer.Options{Kind: kind})
			if err != nil {
				t.Fatal(err)
			}
			return importer.Import(ctx, rs, pid, f, false)
		}
		res, err := run(wubu.ImportRooms, book(t, sheetRows{"别墅", [][]any{{"房号", "建筑面积"}, {"12号", "320"}, {"015号别墅", "298.5㎡"}}}))
		if err != nil || res.Created != 2 {
			t.Fatalf("rooms joined: got %v %+v", err, res)
		}
		res, err = run(wubu.ImportRooms, book(t, sheetRows{"别墅", [][]any{{"楼栋", "房号"}, {"16号", ""}, {"12栋", ""}}}))
		if err != nil || res.Created != 1 || res.Unchanged != 1 {
			t.Fatalf("rooms split: got %v %+v", err, res)
		}
		res, err = run(wubu.ImportRooms, book(t, sheetRows{"别墅", [][]any{{"房号"}, {"12-301"}, {"3号"}}}))
		if wubu.ErrorCode(err) != wubu.EINVALID || len(res.Errors) != 2 || res.Errors[0].Line != 2 ||
			res.Errors[0].Message() != "Building 12 is a house of its own (12号): it has no other rooms." ||
			res.Errors[1].Message() != "Building 3 has rooms such as 3-101: it is not a house of its own." {
			t.Fatalf("houses mixed: got %v %+v", err, res.Errors)
		}

		_, err = run(wubu.ImportResidents, book(t, sheetRows{"Sheet1", [][]any{{"房号", "姓名", "身份"}, {"12号", "别墅甲", "业主"}, {"12号别墅", "别墅乙", "配偶"}, {"3栋101", "花园丙", "业主"}}}))
		if err != nil {
			t.Fatal(err)
		}
		_, err = run(wubu.ImportResidents, book(t, sheetRows{"Sheet1", [][]any{{"楼栋", "单元", "房号", "姓名", "身份"}, {"15号", "", "", "别墅丁", "租户"}, {"16栋", "", "", "别墅戊", "业主"}}}))
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"别墅丁 15号 tenant", "别墅戊 16号 owner", "别墅乙 12号 family", "别墅甲 12号 owner", "花园丙 3-101 owner"}
		if diff := cmp.Diff(slices.Sorted(slices.Values(want)), storedResidents(t, db, pid)); diff != "" {
			t.Errorf("stored (-want +got):\n%s", diff)
		}
		for _, q := range []string{"12号", "12号别墅", "１２号"} {
			found, err := rs.Lookup(ctx, pid, q, 10)
			if err != nil || len(found) != 2 || found[0].Room != "12号" {
				t.Errorf("lookup %q: got %+v, %v", q, found, err)
			}
		}
	})
}
