package importer_test

import (
	"bytes"
	"context"
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

// counts counts the rows of every table an import or export could write.
func counts(t *testing.T, db *sqlstore.DB) map[string]int {
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

// sheet returns the rows of an .xlsx's first sheet as excelize reads them.
func sheet(t *testing.T, data []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestImportFiles imports real files on both databases: a good .xlsx with
// Chinese headers in their own order and a good .csv in English, the same
// file again (nothing written), a bad file (every error, nothing written,
// the report), and an export imported back unchanged.
func TestImportFiles(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		fx := wubutest.NewFixture(t, db)
		ctx := fx.Ctx(fx.User(t, "mgr", wubu.RoleManager, wubu.PostNone, fx.ProjectA))
		if _, err := sqlstore.NewOrgService(db).GenerateRooms(fx.Ctx(fx.Admin), wubu.RoomGeneration{ProjectID: fx.ProjectA.ID, Building: "3", Units: 2, FirstFloor: 1, Floors: 12, PerFloor: 2}); err != nil {
			t.Fatal(err)
		}
		rs := sqlstore.NewResidentService(db)
		pid := fx.ProjectA.ID
		importData := func(t *testing.T, data []byte, name string) *wubu.ImportResult {
			t.Helper()
			f, err := importer.Read(bytes.NewReader(data), name)
			if err != nil {
				t.Fatal(err)
			}
			res, err := rs.ImportResidents(ctx, pid, f, false)
			if err != nil {
				t.Fatalf("%v: %+v", err, importer.Report(res, i18n.EN))
			}
			return res
		}

		good := workbook(t, [][]any{
			{"手机号码", "身份证号码", "姓名", "房间号", "车牌", "停车卡", "停车卡到期", "门禁卡", "入住日期", "客户类型", "性别", "关爱标签", "职业", "备注"},
			{"13812345678", "110105194912310038", "张三", "3-2-1201", "粤B12345/粤BD12345", "P001", "2027.06.30", "A001、A002", "20200501", "业主", "男", "独居老人/行动不便", "退休教师", "腿脚不便，送件上门"},
			{"13812345679", "", "李四", "3栋2单元1201", "", "", "", "", "2021年3月8日", "家庭成员", "女", "", "", ""},
			{"+86 139 0000 0001", "", "王五", "3-1-101", "沪A12345", "", "", "", "", "租户", "", "", "", ""},
		}, nil)
		csv := "Room,Name,Mobile,Relation,Plate\n3-1-102,Zhao Liu,13700000001,prospect,\n3-1-201,Qian Qi,13700000002 13700000003,owner,京A88888\n"

		t.Run("GoodXLSX", func(t *testing.T) {
			res := importData(t, good, "good.xlsx")
			if got, want := [4]int{res.Rows, res.Created, res.Updated, res.Unchanged}, [4]int{3, 3, 0, 0}; got != want {
				t.Errorf("got rows, created, updated, unchanged %v, want %v", got, want)
			}
		})
		t.Run("GoodCSV", func(t *testing.T) {
			res := importData(t, []byte(csv), "good.csv")
			if res.Created != 2 {
				t.Errorf("got %+v, want 2 created", res)
			}
		})
		t.Run("Reimport", func(t *testing.T) {
			clock.Add(3600e9)
			before := counts(t, db)
			for name, data := range map[string][]byte{"good.xlsx": good, "good.csv": []byte(csv)} {
				res := importData(t, data, name)
				if res.Created+res.Updated != 0 || res.Unchanged != res.Rows {
					t.Errorf("%s: got %+v, want every row unchanged", name, res)
				}
			}
			if diff := cmp.Diff(before, counts(t, db)); diff != "" {
				t.Errorf("re-import wrote (-before +after):\n%s", diff)
			}
		})

		t.Run("ExportRoundTrip", func(t *testing.T) {
			for _, lang := range []string{i18n.ZH, i18n.EN} {
				rows, err := rs.ExportResidents(ctx, wubu.ResidentFilter{ProjectID: pid})
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := importer.Export(&buf, rows, lang); err != nil {
					t.Fatal(err)
				}
				got := sheet(t, buf.Bytes())
				if lang == i18n.ZH {
					wantHead := []string{"房号", "姓名", "性别", "电话", "身份证号", "身份", "车牌", "车位卡", "车位卡有效期", "门禁卡", "门禁卡有效期", "生日", "入住日期", "迁出日期", "关怀", "职业", "备注"}
					if diff := cmp.Diff(wantHead, got[0]); diff != "" {
						t.Errorf("header (-want +got):\n%s", diff)
					}
					var zhang []string
					for _, r := range got {
						if len(r) > 1 && r[1] == "张三" {
							zhang = r
						}
					}
					want := []string{"3-2-1201", "张三", "男", "13812345678", "110105194912310038", "业主", "粤B12345/粤BD12345", "P001", "2027-06-30", "A001/A002", "", "1949-12-31", "2020-05-01", "", "独居老人、行动不便", "退休教师", "腿脚不便，送件上门"}
					if diff := cmp.Diff(want, zhang); diff != "" {
						t.Errorf("张三 (-want +got):\n%s", diff)
					}
				} else if got[0][0] != "Room" || got[0][3] != "Phone" {
					t.Errorf("got header %v, want English", got[0])
				}
				if len(got) != 6 {
					t.Errorf("got %d rows, want a header and 5 residents", len(got))
				}
				before := counts(t, db)
				res := importData(t, buf.Bytes(), "export.xlsx")
				if res.Created+res.Updated != 0 || res.Unchanged != 5 {
					t.Errorf("%s: got %+v, want the export to import back unchanged", lang, res)
				}
				if diff := cmp.Diff(before, counts(t, db)); diff != "" {
					t.Errorf("%s: the round trip wrote (-before +after):\n%s", lang, diff)
				}
			}
		})

		t.Run("BadFile", func(t *testing.T) {
			bad := workbook(t, [][]any{
				{"房号", "姓名", "电话", "身份证", "车牌号", "备注"},
				{"3-2-1201", "新人甲", "1381234567", "", "粤B12345", ""},
				{"9-9-909", "新人乙", "", "110105194912310021", "", ""},
				{"3-1-301", "新人丙", "", "", "粤C1234", ""},
				{"3-1-302", "新人丁", "", "", "京A88888", ""},
			}, nil)
			before := counts(t, db)
			f, err := importer.Read(bytes.NewReader(bad), "bad.xlsx")
			if err != nil {
				t.Fatal(err)
			}
			res, err := rs.ImportResidents(ctx, pid, f, false)
			if wubu.ErrorCode(err) != wubu.EINVALID {
				t.Fatalf("got %v, want EINVALID", err)
			}
			if diff := cmp.Diff(before, counts(t, db)); diff != "" {
				t.Errorf("a bad file wrote (-before +after):\n%s", diff)
			}
			want := []importer.ReportLine{
				{Row: 1, Message: "文件没有身份列：所有人都将登记为业主。请确认名单上每个人都是业主，或加上身份列（业主、租户、家属）。"},
				{Row: 2, Column: "电话", Value: "1381234567", Message: `手机号"1381234567"无效：须为以 1 开头的 11 位数字（可带 +86）。`},
				{Row: 2, Column: "车牌号", Value: "粤B12345", Message: "车牌 粤B12345 已登记在其他住户名下。"},
				{Row: 3, Column: "房号", Value: "9-9-909", Message: "本项目没有房号 9-9-909：请先生成房号。"},
				{Row: 3, Column: "身份证", Value: "110105194912310021", Message: `身份证号"110105194912310021"无效：校验位不正确。`},
				{Row: 4, Column: "车牌号", Value: "粤C1234", Message: `车牌号"粤C1234"不是有效的中国车牌。`},
				{Row: 5, Column: "车牌号", Value: "京A88888", Message: "车牌 京A88888 已登记在其他住户名下。"},
			}
			if diff := cmp.Diff(want, importer.Report(res, i18n.ZH)); diff != "" {
				t.Errorf("report (-want +got):\n%s", diff)
			}

			// The same report as a workbook, in Chinese and in English.
			var buf bytes.Buffer
			if err := importer.WriteReport(&buf, res, i18n.ZH); err != nil {
				t.Fatal(err)
			}
			rows := sheet(t, buf.Bytes())
			if diff := cmp.Diff([]string{"行号", "列", "内容", "问题"}, rows[0]); diff != "" {
				t.Errorf("report header (-want +got):\n%s", diff)
			}
			if len(rows) != 8 || rows[4][0] != "3" || rows[4][2] != "9-9-909" {
				t.Errorf("report rows: got %v", rows)
			}
			buf.Reset()
			if err := importer.WriteReport(&buf, res, i18n.EN); err != nil {
				t.Fatal(err)
			}
			rows = sheet(t, buf.Bytes())
			if rows[0][3] != "Problem" || !strings.HasPrefix(rows[4][3], "Room 9-9-909 does not exist") {
				t.Errorf("English report: got %v", rows)
			}
		})
	})
}

// TestImportBigList imports a generated list of 2,000 rows twice: once
// into the empty project, once more with nothing to change.
func TestImportBigList(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		const n = 2000
		fx, p := bigProject(t, db, n/2)
		rs := sqlstore.NewResidentService(db)
		data := bigList(t, n)
		ctx := fx.Ctx(fx.Admin)
		for i, want := range [][3]int{{n, 0, 0}, {0, 0, n}} {
			f, err := importer.ReadBytes(data, "big.xlsx")
			if err != nil {
				t.Fatal(err)
			}
			before := counts(t, db)
			res, err := rs.ImportResidents(ctx, p.ID, f, false)
			if err != nil {
				t.Fatalf("%v: %+v", err, importer.Report(res, i18n.EN)[:5])
			}
			if got := [3]int{res.Created, res.Updated, res.Unchanged}; got != want {
				t.Errorf("import %d: got created, updated, unchanged %v, want %v", i+1, got, want)
			}
			if i == 1 {
				if diff := cmp.Diff(before, counts(t, db)); diff != "" {
					t.Errorf("the second import wrote (-before +after):\n%s", diff)
				}
			}
		}
		_ = context.Background
	})
}
