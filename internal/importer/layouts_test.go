package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/i18n"
	"github.com/wubu-oss/wubu/internal/importer"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// book builds an .xlsx of several sheets, in order, each with its rows
// from the first row down (nil rows left blank).
func book(t *testing.T, sheets ...sheetRows) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		for j, r := range s.rows {
			if r == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(1, j+1)
			if err := f.SetSheetRow(s.name, cell, &r); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type sheetRows struct {
	name string
	rows [][]any
}

// storedResidents lists project's residents as stored, one line a person
// and room: "name room relation phones id", sorted.
func storedResidents(t *testing.T, db *sqlstore.DB, projectID int64) []string {
	t.Helper()
	rows, err := db.SQL().Query(`SELECT p.id, p.name, r.label, h.relation, p.id_number FROM persons p
		JOIN households h ON h.person_id = p.id JOIN rooms r ON r.id = h.room_id WHERE p.project_id = $1`, projectID)
	if err != nil {
		t.Fatal(err)
	}
	type line struct {
		id                     int64
		name, room, rel, idNum string
	}
	var ls []line
	for rows.Next() {
		var l line
		if err := rows.Scan(&l.id, &l.name, &l.room, &l.rel, &l.idNum); err != nil {
			t.Fatal(err)
		}
		if l.idNum, err = db.Keys().Open(l.idNum); err != nil { // stored sealed
			t.Fatal(err)
		}
		ls = append(ls, l)
	}
	rows.Close()
	var out []string
	for _, l := range ls {
		var phones []string
		pr, err := db.SQL().Query(`SELECT phone FROM person_phones WHERE person_id = $1 ORDER BY position`, l.id)
		if err != nil {
			t.Fatal(err)
		}
		for pr.Next() {
			var p string
			if err := pr.Scan(&p); err != nil {
				t.Fatal(err)
			}
			phones = append(phones, p)
		}
		pr.Close()
		out = append(out, strings.TrimSpace(fmt.Sprintf("%s %s %s %s %s", l.name, l.room, l.rel, strings.Join(phones, "/"), l.idNum)))
	}
	sort.Strings(out)
	return out
}

// TestImportLayouts imports resident lists in the layouts property
// companies really keep, on both databases, and checks person by person
// what is stored: split building/unit/room columns with suffixes and
// leading zeros under a title and instruction rows, relation codes and
// words, placeholders, vacant rooms, an owners' list without a relation
// column (refused until confirmed), a relation column not understood
// (refused), and workbooks of several sheets.
func TestImportLayouts(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		fx := wubutest.NewFixture(t, db)
		ctx := fx.Ctx(fx.User(t, "mgr", wubu.RoleManager, wubu.PostNone, fx.ProjectA))
		org := sqlstore.NewOrgService(db)
		for _, b := range []string{"3", "A座"} {
			if _, err := org.GenerateRooms(fx.Ctx(fx.Admin), wubu.RoomGeneration{ProjectID: fx.ProjectA.ID, Building: b, Units: 2, FirstFloor: 1, Floors: 12, PerFloor: 2}); err != nil {
				t.Fatal(err)
			}
		}
		rs := sqlstore.NewResidentService(db)
		pid := fx.ProjectA.ID
		// run reads and imports a file; it returns the result and error.
		run := func(t *testing.T, data []byte, o importer.Options, allOwners, dryRun bool) (*wubu.ImportResult, error) {
			t.Helper()
			f, err := importer.ReadBytesWith(data, "list.xlsx", o)
			if err != nil {
				return nil, err
			}
			f.AllOwners = allOwners
			return rs.ImportResidents(ctx, pid, f, dryRun)
		}
		mustRun := func(t *testing.T, data []byte, o importer.Options, allOwners bool) *wubu.ImportResult {
			t.Helper()
			res, err := run(t, data, o, allOwners, false)
			if err != nil {
				if res != nil {
					t.Fatalf("%v: %+v", err, importer.Report(res, i18n.EN))
				}
				t.Fatal(err)
			}
			return res
		}
		wantStored := func(t *testing.T, want []string) {
			t.Helper()
			sort.Strings(want)
			if diff := cmp.Diff(want, storedResidents(t, db, pid)); diff != "" {
				t.Errorf("stored (-want +got):\n%s", diff)
			}
		}
		wantNothingWritten := func(t *testing.T, before map[string]int) {
			t.Helper()
			if diff := cmp.Diff(before, counts(t, db)); diff != "" {
				t.Errorf("a refused file wrote (-before +after):\n%s", diff)
			}
		}

		// Another system's owner template: a title, an instruction row,
		// building/unit/room apart with suffixes and leading zeros, type
		// codes, a placeholder phone, a vacant room, an instructions sheet
		// before the list and a drop-down values sheet after it.
		template := book(t,
			sheetRows{"填写说明", [][]any{{"1. 带*为必填项"}, {"2. 业主类型：1001业主，1002家属，1003租户"}}},
			sheetRows{"业主信息", [][]any{
				{"丽景苑业主信息导入模板"},
				nil,
				{"说明：房号请填写数字，如 1201；空置房请只填房号"},
				{"*楼栋", "*单元", "*房号", "*业主名称", "业主类型", "手机号", "证件号码", "房屋面积", "备注"},
				{"必填", "必填", "必填", "必填", "选填", "选填"},
				{"示例", "2单元", "1201", "王小二", "1001", "13800000000"},
				{"3栋", "2单元", "1201", "张伟", "1001", "13812340001", "110105194912310038", "98.5", ""},
				{"3栋", "2单元", "1201", "李娜", "1002", "13812340002", "", "98.5", "张伟之妻"},
				{"03", "02", "0801", "王强", "1003", "18999999999", "", "88", ""},
				{"3", "1", "3楼1号", "刘洋", "1001", "13812340003", "", "", ""},
				{"A座", "一单元", "1202室", "陈静", "1001", "13812340004", "", "", ""},
				{"3栋", "2单元", "1202", "", "", "", "", "98.5", ""},
			}},
			sheetRows{"字典", [][]any{{"业主类型"}, {"1001"}, {"1002"}, {"1003"}}},
		)
		t.Run("OtherSystemTemplate", func(t *testing.T) {
			res := mustRun(t, template, importer.Options{}, false)
			if res.Sheet != "业主信息" || res.HeaderLine != 4 {
				t.Errorf("got sheet %q header row %d, want 业主信息, 4", res.Sheet, res.HeaderLine)
			}
			if got := [5]int{res.Rows, res.Created, res.Skipped, len(res.Warnings), len(res.Errors)}; got != [5]int{6, 5, 1, 3, 0} {
				t.Errorf("got rows, created, skipped, warnings, errors %v, want [6 5 1 3 0]", got)
			}
			var warnings []string
			for _, w := range res.Warnings {
				warnings = append(warnings, fmt.Sprintf("%d %s %s %s", w.Line, w.Column, w.Value, w.Message()))
			}
			want := []string{
				"5   This row is a template's note or example row: skipped.",
				"6   This row is a template's note or example row: skipped.",
				`9 手机号 18999999999 "18999999999" is a placeholder, not a real value: read as empty.`,
			}
			if diff := cmp.Diff(want, warnings); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			wantStored(t, []string{
				"张伟 3-2-1201 owner 13812340001 110105194912310038",
				"李娜 3-2-1201 family 13812340002",
				"王强 3-2-801 tenant",
				"刘洋 3-1-301 owner 13812340003",
				"陈静 A座-1-1202 owner 13812340004",
			})
			// The same file again writes nothing.
			before := counts(t, db)
			res = mustRun(t, template, importer.Options{}, false)
			if res.Unchanged != 5 || res.Created+res.Updated != 0 {
				t.Errorf("re-import: got %+v, want 5 unchanged", res)
			}
			wantNothingWritten(t, before)
		})

		t.Run("RelationWords", func(t *testing.T) {
			data := book(t, sheetRows{"Sheet1", [][]any{
				{"位置", "姓名", "与业主关系", "联系电话"},
				{"3-1-1201", "赵一", "本人", "13900000001"},
				{"3-1-1201", "赵二", "配偶", ""},
				{"3-1-1201", "赵三", "子女", ""},
				{"3-1-1201", "赵四", "父母", ""},
				{"3-1-1202", "钱五", "房屋租客", "13900000005"},
			}})
			mustRun(t, data, importer.Options{}, false)
			for _, want := range []string{"赵一 3-1-1201 owner 13900000001", "赵二 3-1-1201 family", "赵三 3-1-1201 family", "赵四 3-1-1201 family", "钱五 3-1-1202 tenant 13900000005"} {
				if !contains(storedResidents(t, db, pid), want) {
					t.Errorf("%s: not stored", want)
				}
			}
		})

		t.Run("EnglishHeaders", func(t *testing.T) {
			data := []byte("Building,Unit,Room,Owner name,Relationship,Mobile number\nB,2,0302,Li Lei,spouse,13900000011\nB,2,302,Han Meimei,owner,13900000012\n")
			before := counts(t, db)
			res, err := run(t, data, importer.Options{}, false, false)
			// There is no building B.
			if wubu.ErrorCode(err) != wubu.EINVALID || len(res.Errors) != 2 || res.Errors[0].Column != "Building" {
				t.Fatalf("got %v %+v, want the room of each row refused", err, res)
			}
			if got := res.Errors[0].Message(); got != "Room B-2-302 does not exist in this project: generate its rooms first." {
				t.Errorf("got %q", got)
			}
			wantNothingWritten(t, before)
			// A finds A座, as "A-2-302" does in a room column.
			data = bytes.ReplaceAll(data, []byte("\nB,"), []byte("\nA,"))
			mustRun(t, data, importer.Options{}, false)
			for _, want := range []string{"Li Lei A座-2-302 family 13900000011", "Han Meimei A座-2-302 owner 13900000012"} {
				if !contains(storedResidents(t, db, pid), want) {
					t.Errorf("%s: not stored", want)
				}
			}
		})

		// The 位置-style owner template: no relation column.
		owners := book(t, sheetRows{"业主", [][]any{
			{"位置", "业主", "电话", "身份证号"},
			{"3栋1单元101", "孙六", "13700000001", "111111111111111111"},
			{"3栋1单元102", "周七", "13700000002", ""},
			{"3栋1单元201", "", "", ""},
		}})
		t.Run("OwnersListNeedsConfirmation", func(t *testing.T) {
			before := counts(t, db)
			res, err := run(t, owners, importer.Options{}, false, true)
			if err != nil || !res.AllOwners || res.Created != 2 || res.Skipped != 1 {
				t.Fatalf("dry run: got %v %+v, want all owners, 2 new, 1 skipped", err, res)
			}
			if len(res.Preview) != 2 || res.Preview[0].Name != "孙六" || res.Preview[0].Homes[0] != (wubu.ImportPreviewHome{Room: "3-1-101", Relation: wubu.RelationOwner}) || res.Preview[0].Phones[0] != "137****0001" {
				t.Errorf("preview: got %+v", res.Preview[0])
			}
			res, err = run(t, owners, importer.Options{}, false, false)
			if wubu.ErrorCode(err) != wubu.EINVALID || len(res.Errors) != 1 || res.Errors[0].Format != "The file has no relation column (身份): every person would be stored as an owner. Confirm that every person is an owner, or add a 身份 column (业主, 租户, 家属)." {
				t.Fatalf("unconfirmed: got %v %+v, want the confirmation asked for", err, res)
			}
			wantNothingWritten(t, before)
			res = mustRun(t, owners, importer.Options{}, true)
			if len(res.Warnings) != 1 || res.Warnings[0].Value != "111111111111111111" || res.Warnings[0].Line != 2 {
				t.Errorf("got warnings %+v, want the placeholder ID number of row 2", res.Warnings)
			}
			got := storedResidents(t, db, pid)
			for _, want := range []string{"孙六 3-1-101 owner 13700000001", "周七 3-1-102 owner 13700000002"} {
				if !contains(got, want) {
					t.Errorf("%s: not stored in %v", want, got)
				}
			}
		})

		t.Run("UnclearColumnsRefused", func(t *testing.T) {
			before := counts(t, db)
			data := book(t, sheetRows{"Sheet1", [][]any{
				{"房号", "姓名", "与房主关系", "紧急联系人电话"},
				{"3-1-202", "吴八", "租客", "13700000009"},
			}})
			res, err := run(t, data, importer.Options{}, false, false)
			if wubu.ErrorCode(err) != wubu.EINVALID {
				t.Fatalf("got %v, want EINVALID", err)
			}
			want := []importer.ReportLine{
				{Row: 1, Column: "与房主关系", Message: `列"与房主关系"像是住户身份，但无法识别：请把列名改为“身份”（填写业主、租户、家属或准客户），或选择这一列的内容。`},
				{Row: 1, Column: "紧急联系人电话", Message: `列"紧急联系人电话"像是电话号码，但无法识别：请把列名改为“电话”，或选择这一列的内容（或忽略此列）。`},
				{Row: 1, Message: "文件没有身份列：所有人都将登记为业主。请确认名单上每个人都是业主，或加上身份列（业主、租户、家属）。"},
			}
			if diff := cmp.Diff(want, importer.Report(res, i18n.ZH)); diff != "" {
				t.Errorf("report (-want +got):\n%s", diff)
			}
			wantNothingWritten(t, before)
			// Told what the columns hold, the file goes in.
			o := importer.Options{Columns: map[string]wubu.ImportField{"与房主关系": wubu.FieldRelation, "紧急联系人电话": wubu.FieldIgnore}}
			mustRun(t, data, o, false)
			if !contains(storedResidents(t, db, pid), "吴八 3-1-202 tenant") {
				t.Errorf("吴八 not stored as a tenant: %v", storedResidents(t, db, pid))
			}
		})

		t.Run("SeveralSheets", func(t *testing.T) {
			data := book(t,
				sheetRows{"一期", [][]any{{"房号", "姓名", "身份"}, {"3-2-101", "郑九", "业主"}}},
				sheetRows{"二期", [][]any{{"房号", "姓名", "身份"}, {"3-2-102", "冯十", "租户"}}},
			)
			_, err := importer.ReadBytes(data, "list.xlsx")
			if wubu.ErrorCode(err) != wubu.EINVALID || wubu.ErrorMessage(err) != "The workbook has resident lists on several sheets (一期、二期): choose the sheet to import." {
				t.Fatalf("got %v, want the sheets named", err)
			}
			if _, err := importer.ReadBytesWith(data, "list.xlsx", importer.Options{Sheet: "三期"}); wubu.ErrorMessage(err) != `The workbook has no sheet "三期": its sheets are 一期、二期.` {
				t.Errorf("got %v", err)
			}
			res := mustRun(t, data, importer.Options{Sheet: "二期"}, false)
			if res.Sheet != "二期" || res.Created != 1 || len(res.Sheets) != 2 {
				t.Errorf("got %+v, want 二期 read", res)
			}
			got := storedResidents(t, db, pid)
			if !contains(got, "冯十 3-2-102 tenant") || contains(got, "郑九 3-2-101 owner") {
				t.Errorf("got %v, want 冯十 only", got)
			}
		})

		t.Run("IDNumberConsistency", func(t *testing.T) {
			before := counts(t, db)
			data := book(t, sheetRows{"Sheet1", [][]any{
				{"房号", "姓名", "身份", "身份证号", "性别", "生日"},
				{"3-2-201", "褚一", "业主", "110105194912310038", "女", ""},
				{"3-2-202", "卫二", "业主", "11010519491231002X", "", "1950-01-01"},
				{"3-2-301", "蒋三", "业主", "110105194912310054", "", "农历1949-11-13"},
			}})
			res, err := run(t, data, importer.Options{}, false, false)
			if wubu.ErrorCode(err) != wubu.EINVALID {
				t.Fatalf("got %v, want EINVALID", err)
			}
			want := []string{
				"Gender 女 contradicts the ID number, which is a man's: correct one of them.",
				"Birthday 1950-01-01 contradicts the ID number, which gives 1949-12-31: correct one of them, or write 农历 before the birthday if it differs on purpose.",
			}
			var got []string
			for _, e := range res.Errors {
				got = append(got, e.Message())
			}
			// 蒋三's lunar birthday differs on purpose: taken.
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			wantNothingWritten(t, before)
		})

		// No import makes welcome visits, care visits, inspection visits,
		// clocks, life-cycle steps or messages: those follow move-ins
		// recorded in Wubu, not residents who already lived there. (Wubu
		// has no "new residents" training rounds yet; none can be made.)
		for _, table := range []string{"revisits", "revisit_participants", "care_visits", "inspection_visits", "deadlines", "clock_events", "lifecycle_events", "outbox", "contributions"} {
			var n int
			if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%s: got %d rows after the imports, want none", table, n)
			}
		}
		_ = context.Background
	})
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

// TestImportRoomsAndVehicles imports a rooms list that creates buildings
// and units, then residents, then a car list without rooms (matched by
// name and phone), a card list with rooms, and a car list whose person is
// ambiguous (refused, naming the candidates), on both databases; each list
// again writes nothing.
func TestImportRoomsAndVehicles(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		fx := wubutest.NewFixture(t, db)
		ctx := fx.Ctx(fx.User(t, "mgr", wubu.RoleManager, wubu.PostNone, fx.ProjectA))
		if _, err := sqlstore.NewOrgService(db).GenerateRooms(fx.Ctx(fx.Admin), wubu.RoomGeneration{ProjectID: fx.ProjectA.ID, Building: "3", Units: 1, FirstFloor: 1, Floors: 2, PerFloor: 2}); err != nil {
			t.Fatal(err)
		}
		rs := sqlstore.NewResidentService(db)
		pid := fx.ProjectA.ID
		run := func(t *testing.T, kind wubu.ImportKind, data []byte) (*wubu.ImportResult, error) {
			t.Helper()
			f, err := importer.ReadBytesWith(data, "list.xlsx", importer.Options{Kind: kind})
			if err != nil {
				t.Fatal(err)
			}
			f.AllOwners = true
			return importer.Import(ctx, rs, pid, f, false)
		}
		mustRun := func(t *testing.T, kind wubu.ImportKind, data []byte) *wubu.ImportResult {
			t.Helper()
			res, err := run(t, kind, data)
			if err != nil {
				t.Fatalf("%v: %+v", err, importer.Report(res, i18n.EN))
			}
			return res
		}
		labels := func(t *testing.T) []string {
			t.Helper()
			rows, err := db.SQL().Query(`SELECT r.label || ' ' || b.name || ' ' || u.name || ' ' || r.floor FROM rooms r JOIN buildings b ON b.id = r.building_id JOIN units u ON u.id = r.unit_id WHERE r.project_id = $1 ORDER BY r.label`, pid)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var s string
				rows.Scan(&s)
				out = append(out, s)
			}
			return out
		}

		t.Run("Rooms", func(t *testing.T) {
			rooms := book(t, sheetRows{"房屋", [][]any{
				{"丽景苑房屋信息"},
				{"楼栋", "单元", "楼层", "房号", "建筑面积"},
				{"5栋", "1单元", "", "0101", "89.5"},
				{"5栋", "1单元", "2", "02", "89.5"},
				{"第六幢", "2", "12", "1201", "120"},
				{"3", "1", "", "201", "95"},
			}})
			before := counts(t, db)
			bad := book(t, sheetRows{"房屋", [][]any{{"楼栋", "单元", "房号"}, {"5栋", "东", "101"}, {"", "1", "102"}}})
			res, err := run(t, wubu.ImportRooms, bad)
			if wubu.ErrorCode(err) != wubu.EINVALID || len(res.Errors) != 2 || res.Errors[0].Message() != `Unit "东" is not understood: write it as 2 or 2单元.` ||
				res.Errors[1].Message() != "The building is missing." {
				t.Fatalf("bad list: got %v %+v", err, res.Errors)
			}
			if diff := cmp.Diff(before, counts(t, db)); diff != "" {
				t.Errorf("a bad list wrote:\n%s", diff)
			}
			res = mustRun(t, wubu.ImportRooms, rooms)
			if res.Created != 3 || res.Updated != 1 {
				t.Errorf("got %+v, want 3 created, 1 given its area", res)
			}
			want := []string{"3-1-101 3 1 1", "3-1-102 3 1 1", "3-1-201 3 1 2", "3-1-202 3 1 2", "5-1-101 5 1 1", "5-1-202 5 1 2", "6-2-1201 6 2 12"}
			if diff := cmp.Diff(want, labels(t)); diff != "" {
				t.Errorf("rooms (-want +got):\n%s", diff)
			}
			res = mustRun(t, wubu.ImportRooms, rooms)
			if res.Created != 0 || res.Unchanged != 4 {
				t.Errorf("again: got %+v, want 4 unchanged", res)
			}
		})

		mustRun(t, wubu.ImportResidents, book(t, sheetRows{"Sheet1", [][]any{
			{"房号", "姓名", "电话"},
			{"5-1-101", "张伟", "13812340001"},
			{"5-1-202", "李明", "13900009999"},
			{"6-2-1201", "李明", "13900009999"},
			{"3-1-101", "刘洋", "13812340003"},
		}}))

		t.Run("CarsWithoutRooms", func(t *testing.T) {
			cars := book(t, sheetRows{"车辆", [][]any{
				{"车牌号", "业主名称", "手机号"},
				{"粤B11111", "张伟", "13812340001"},
				{"粤B33333/粤B44444", "刘洋", "138 1234 0003"},
			}})
			mustRun(t, wubu.ImportVehicles, cars)
			before := counts(t, db)
			res := mustRun(t, wubu.ImportVehicles, cars)
			if res.Unchanged != 2 || res.Updated+res.Created != 0 {
				t.Errorf("again: got %+v", res)
			}
			if diff := cmp.Diff(before, counts(t, db)); diff != "" {
				t.Errorf("again wrote:\n%s", diff)
			}
			var got []string
			rows, err := db.SQL().Query(`SELECT p.name || ' ' || v.plate FROM vehicles v JOIN persons p ON p.id = v.person_id WHERE v.project_id = $1 ORDER BY v.plate`, pid)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var s string
				rows.Scan(&s)
				got = append(got, s)
			}
			rows.Close()
			if diff := cmp.Diff([]string{"张伟 粤B11111", "刘洋 粤B33333", "刘洋 粤B44444"}, got); diff != "" {
				t.Errorf("vehicles (-want +got):\n%s", diff)
			}
		})

		t.Run("AmbiguousAndUnknown", func(t *testing.T) {
			before := counts(t, db)
			res, err := run(t, wubu.ImportVehicles, book(t, sheetRows{"Sheet1", [][]any{
				{"车牌号", "姓名", "手机号"},
				{"粤B22222", "李明", "13900009999"},
				{"粤B55555", "王芳", "13900000000"},
				{"粤B66666", "赵磊", ""},
			}}))
			if wubu.ErrorCode(err) != wubu.EINVALID || len(res.Errors) != 3 {
				t.Fatalf("got %v %+v", err, res)
			}
			var msgs []string
			for _, e := range res.Errors {
				msgs = append(msgs, e.Message())
			}
			if !strings.HasPrefix(msgs[0], "2 residents match 李明: #") || !strings.Contains(msgs[0], "(5-1-202); #") || !strings.Contains(msgs[0], "(6-2-1201). Give the room") ||
				msgs[1] != "No resident named 王芳 has phone 13900000000: give the room, or import them with the resident list first." ||
				msgs[2] != "Give the room or the phone of 赵磊, to find them among the residents." {
				t.Errorf("got %q", msgs)
			}
			if diff := cmp.Diff(before, counts(t, db)); diff != "" {
				t.Errorf("a refused list wrote:\n%s", diff)
			}
		})

		t.Run("CardsWithRooms", func(t *testing.T) {
			cards := book(t, sheetRows{"Sheet1", [][]any{
				{"楼栋", "单元", "房号", "姓名", "门禁卡号", "门禁卡有效期", "车位卡"},
				{"6栋", "2单元", "1201", "李明", "A123", "2027-12-31", ""},
				{"5", "1", "0202", "李明", "", "", "P9"},
			}})
			mustRun(t, wubu.ImportVehicles, cards)
			var got []string
			rows, err := db.SQL().Query(`SELECT p.name || ' ' || r.label || ' ' || c.kind || ' ' || c.number || ' ' || c.expires_on FROM cards c JOIN persons p ON p.id = c.person_id
				JOIN households h ON h.person_id = p.id JOIN rooms r ON r.id = h.room_id WHERE c.project_id = $1 ORDER BY c.number`, pid)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var s string
				rows.Scan(&s)
				got = append(got, strings.TrimSpace(s))
			}
			rows.Close()
			if diff := cmp.Diff([]string{"李明 6-2-1201 access A123 2027-12-31", "李明 5-1-202 parking P9"}, got); diff != "" {
				t.Errorf("cards (-want +got):\n%s", diff)
			}
		})
	})
}

// TestTemplates writes each kind's template in Chinese and English and
// reads it back: the headers are understood, the example row is a row of
// the list, and the relation, gender and care columns have drop-downs.
func TestTemplates(t *testing.T) {
	for _, kind := range wubu.ImportKinds {
		for _, lang := range []string{i18n.ZH, i18n.EN} {
			var buf bytes.Buffer
			if err := importer.Template(&buf, kind, lang); err != nil {
				t.Fatal(err)
			}
			// Left as it is, the template has no rows: the example is
			// not data.
			if _, err := importer.ReadBytesWith(buf.Bytes(), "template.xlsx", importer.Options{Kind: kind}); wubu.ErrorMessage(err) != "The file has a header row but no residents." {
				t.Errorf("%s %s: got %v, want no rows", kind, lang, err)
			}
			// Filled in below the example, the row is read.
			x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			sh := x.GetSheetList()[0]
			example, _ := x.GetRows(sh)
			row := append([]any{"1"}, anySlice(example[1][1:])...)
			x.SetSheetRow(sh, "A3", &row)
			dvs, err := x.GetDataValidations(sh)
			if err != nil {
				t.Fatal(err)
			}
			var filled bytes.Buffer
			x.WriteTo(&filled)
			x.Close()
			f, err := importer.ReadBytesWith(filled.Bytes(), "template.xlsx", importer.Options{Kind: kind})
			if err != nil {
				t.Fatalf("%s %s: %v", kind, lang, err)
			}
			if len(f.Rows) != 1 || len(f.Unclear) != 0 || len(f.Ignored) != 0 || f.Rows[0].Cells[wubu.FieldRoom] != "1201" || f.Rows[0].Line != 3 ||
				!cmp.Equal(f.TemplateRows, []int{2}) {
				t.Errorf("%s %s: got %+v %+v", kind, lang, f, f.Rows)
			}
			if want := map[wubu.ImportKind]int{wubu.ImportResidents: 3}[kind]; len(dvs) != want {
				t.Errorf("%s %s: got %d drop-downs, want %d", kind, lang, len(dvs), want)
			}
			if kind == wubu.ImportResidents && lang == i18n.ZH && !strings.Contains(dvs[0].Formula1, "业主,租户,家属,准客户") {
				t.Errorf("relation drop-down: got %q", dvs[0].Formula1)
			}
		}
	}
	if err := importer.Template(io.Discard, "parcels", i18n.ZH); wubu.ErrorCode(err) != wubu.EINVALID {
		t.Errorf("unknown kind: got %v", err)
	}
}

// TestImportWithoutUnits imports, on both databases, a rooms list of a
// building without units (no unit column), then residents written
// 1栋3楼1号, 1-102 and in split columns without a unit; a unit given for
// that building, or left out for one with units, is refused.
func TestImportWithoutUnits(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		fx := wubutest.NewFixture(t, db)
		ctx := fx.Ctx(fx.User(t, "mgr", wubu.RoleManager, wubu.PostNone, fx.ProjectA))
		if _, err := sqlstore.NewOrgService(db).GenerateRooms(fx.Ctx(fx.Admin), wubu.RoomGeneration{ProjectID: fx.ProjectA.ID, Building: "3", Units: 1, Floors: 1, PerFloor: 1}); err != nil {
			t.Fatal(err)
		}
		rs := sqlstore.NewResidentService(db)
		pid := fx.ProjectA.ID
		run := func(kind wubu.ImportKind, data []byte) (*wubu.ImportResult, error) {
			f, err := importer.ReadBytesWith(data, "list.xlsx", importer.Options{Kind: kind})
			if err != nil {
				t.Fatal(err)
			}
			return importer.Import(ctx, rs, pid, f, false)
		}
		res, err := run(wubu.ImportRooms, book(t, sheetRows{"Sheet1", [][]any{{"楼栋", "房号"}, {"1栋", "101"}, {"1栋", "102"}, {"1栋", "0301"}}}))
		if err != nil || res.Created != 3 {
			t.Fatalf("rooms: got %v %+v", err, res)
		}
		res, err = run(wubu.ImportRooms, book(t, sheetRows{"Sheet1", [][]any{{"楼栋", "单元", "房号"}, {"1栋", "1", "201"}, {"3", "", "201"}}}))
		if wubu.ErrorCode(err) != wubu.EINVALID || len(res.Errors) != 2 || res.Errors[0].Message() != "Building 1 has no units: its rooms read like 1-301." ||
			res.Errors[1].Message() != "Building 3 is divided into units: give the unit of each room." {
			t.Fatalf("mixed: got %v %+v", err, res)
		}
		_, err = run(wubu.ImportResidents, book(t, sheetRows{"Sheet1", [][]any{{"房号", "姓名", "身份"}, {"1栋3楼1号", "花园甲", "业主"}, {"1-102", "花园乙", "租户"}}}))
		if err != nil {
			t.Fatal(err)
		}
		_, err = run(wubu.ImportResidents, book(t, sheetRows{"Sheet1", [][]any{{"楼栋", "房号", "姓名", "身份"}, {"1", "101", "花园丙", "家属"}}}))
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"花园丙 1-101 family", "花园乙 1-102 tenant", "花园甲 1-301 owner"}
		sort.Strings(want)
		if diff := cmp.Diff(want, storedResidents(t, db, pid)); diff != "" {
			t.Errorf("stored (-want +got):\n%s", diff)
		}
	})
}
