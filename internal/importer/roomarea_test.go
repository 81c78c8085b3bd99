package importer_test

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/i18n"
	"github.com/wubu-oss/wubu/internal/importer"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestImportRoomAreas imports, on both databases, rooms lists with their
// floor area written as people do (89.5, 89.5㎡, 120平方米; 建筑面积, 面积
// or 套内面积): a bad area is an error naming its row and nothing is
// written; areas are stored, changed by a new list, and the same list
// again writes nothing; an inner area is read only without a 建筑面积.
func TestImportRoomAreas(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		fx := wubutest.NewFixture(t, db)
		ctx := fx.Ctx(fx.User(t, "mgr", wubu.RoleManager, wubu.PostNone, fx.ProjectA))
		rs := sqlstore.NewResidentService(db)
		pid := fx.ProjectA.ID
		run := func(rows ...[]any) (*wubu.ImportResult, error) {
			t.Helper()
			f, err := importer.ReadBytesWith(book(t, sheetRows{"房屋", rows}), "rooms.xlsx", importer.Options{Kind: wubu.ImportRooms})
			if err != nil {
				t.Fatal(err)
			}
			return importer.Import(ctx, rs, pid, f, false)
		}
		areas := func() map[string]string {
			t.Helper()
			rooms, _, err := sqlstore.NewOrgService(db).FindRooms(ctx, wubu.RoomFilter{ProjectID: pid})
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]string{}
			for _, r := range rooms {
				out[r.Label] = r.Area.String()
			}
			return out
		}

		res, err := run([]any{"楼栋", "单元", "房号", "建筑面积"}, []any{"1栋", "1单元", "101", "89.5"}, []any{"1栋", "1单元", "102", "大约90平"},
			[]any{"1栋", "1单元", "103", "-5"}, []any{"1栋", "1单元", "104", "89.555"})
		if wubu.ErrorCode(err) != wubu.EINVALID || len(res.Errors) != 3 || res.Errors[0].Line != 3 || res.Errors[1].Line != 4 || res.Errors[2].Line != 5 ||
			res.Errors[0].Column != "建筑面积" || res.Errors[0].Message() != `Area "大约90平" is not understood: write it in square metres, such as 89.5 or 89.5㎡.` {
			t.Fatalf("bad areas: got %v %+v", err, res.Errors)
		}
		if got := areas(); len(got) != 0 {
			t.Fatalf("a refused list wrote rooms: %v", got)
		}

		list := [][]any{{"楼栋", "单元", "房号", "建筑面积", "套内面积"}, {"1栋", "1单元", "101", "89.5", "70"}, {"1栋", "1单元", "102", "89.5㎡", ""},
			{"1栋", "1单元", "201", "120平方米", ""}, {"1栋", "1单元", "202", "", "60"}}
		if res, err = run(list...); err != nil || res.Created != 4 {
			t.Fatalf("areas: got %v %+v", err, res)
		}
		want := map[string]string{"1-1-101": "89.5", "1-1-102": "89.5", "1-1-201": "120", "1-1-202": ""}
		if diff := cmp.Diff(want, areas()); diff != "" {
			t.Errorf("areas (-want +got):\n%s", diff)
		}
		if res, err = run(list...); err != nil || res.Created != 0 || res.Updated != 0 || res.Unchanged != 4 {
			t.Errorf("again: got %v %+v, want 4 unchanged", err, res)
		}
		// 套内面积 alone is the area; a new area changes the room's.
		if res, err = run([]any{"房号", "套内面积"}, []any{"1-1-202", "60.25"}, []any{"1-1-101", "89.5"}); err != nil || res.Updated != 1 || res.Unchanged != 1 {
			t.Errorf("inner area: got %v %+v", err, res)
		}
		want["1-1-202"] = "60.25"
		if diff := cmp.Diff(want, areas()); diff != "" {
			t.Errorf("areas (-want +got):\n%s", diff)
		}
	})
}

// TestCardsTemplate fills the cards template below its example and reads
// it as a vehicles and cards list: every column understood, the example
// left out.
func TestCardsTemplate(t *testing.T) {
	for _, lang := range []string{i18n.ZH, i18n.EN} {
		var buf bytes.Buffer
		if err := importer.Template(&buf, importer.TemplateCards, lang); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		sh := x.GetSheetList()[0]
		rows, _ := x.GetRows(sh)
		row := append([]any{"1"}, anySlice(rows[1][1:])...)
		x.SetSheetRow(sh, "A3", &row)
		var filled bytes.Buffer
		x.WriteTo(&filled)
		x.Close()
		f, err := importer.ReadBytesWith(filled.Bytes(), "cards.xlsx", importer.Options{Kind: wubu.ImportVehicles})
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if len(f.Rows) != 1 || len(f.Ignored) != 0 || len(f.Unclear) != 0 || f.Rows[0].Cells[wubu.FieldAccessCard] != "A001" || f.Rows[0].Cells[wubu.FieldName] == "" {
			t.Errorf("%s: got %+v %+v", lang, f, f.Rows)
		}
	}
}
