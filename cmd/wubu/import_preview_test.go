package main

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/importer"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// sheets returns an .xlsx with a sheet of rows for each name, in order.
func sheets(t *testing.T, names []string, rows ...[][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range names {
		if i == 0 {
			f.SetSheetName("Sheet1", name)
		} else {
			f.NewSheet(name)
		}
		for j, r := range rows[i] {
			cell, _ := excelize.CoordinatesToCellName(1, j+1)
			if err := f.SetSheetRow(name, cell, &r); err != nil {
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

var keptUpload = regexp.MustCompile(`name="upload" value="([^"]*)"`)

// kept returns the upload the page keeps in its form.
func kept(t *testing.T, body string) string {
	t.Helper()
	m := keptUpload.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the page does not keep the upload")
	}
	return html.UnescapeString(m[1])
}

// TestImportScreenPreview walks the import screen's choices on both
// databases: an owners' list without a relation column previewed, then
// confirmed with one tick and imported from the file the page kept; a
// column not understood mapped on the page, and the mapping remembered
// for the next file; a workbook with lists on two sheets, one chosen.
func TestImportScreenPreview(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			app := newTestApp(t, d)
			if _, err := sqlstore.NewOrgService(app.DB).GenerateRooms(app.adminCtx(), wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "3", Units: 2, Floors: 6, PerFloor: 2}); err != nil {
				t.Fatal(err)
			}
			app.User(t, "mgr", wubu.RoleManager, wubu.PostNone, app.ProjectA)
			br := app.webLogin(t, "mgr")
			page := "/projects/" + itoa(app.ProjectA.ID) + "/residents/import"

			t.Run("OwnersConfirmed", func(t *testing.T) {
				owners := sheets(t, []string{"业主"}, [][]any{
					{"丽景苑业主名册"},
					{"位置", "业主名称", "联系电话"},
					{"3栋1单元101", "孙六", "13700000001"},
					{"3栋1单元102", "", ""},
				})
				resp, body := br.postFile(page, "业主.xlsx", owners, map[string]string{"dry_run": "1"})
				if resp.StatusCode != 200 {
					t.Fatalf("preview: got %d", resp.StatusCode)
				}
				for _, want := range []string{
					`id="import-all-owners"`, "文件没有身份列：所有人都将登记为业主。",
					"共 2 行：新增 1，变更 0，不变 0；跳过空置房 1 行；问题 0 处。",
					`<td>3</td><td>孙六</td><td>3-1-101 业主</td><td>137****0001</td>`,
					`<td>位置</td><td>`, `id="all_owners"`,
				} {
					if !strings.Contains(body, want) {
						t.Errorf("preview lacks %q", want)
					}
				}
				upload := kept(t, body)
				// Unconfirmed, nothing is written.
				resp, body = br.postMultipart(page, url.Values{"upload": {upload}, "upload_name": {"业主.xlsx"}}, nil)
				if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请确认名单上每个人都是业主") {
					t.Errorf("unconfirmed: got %d", resp.StatusCode)
				}
				resp, body = br.postMultipart(page, url.Values{"upload": {upload}, "upload_name": {"业主.xlsx"}, "all_owners": {"1"}}, nil)
				if resp.StatusCode != 200 || !strings.Contains(body, "导入完成：新增 1 位住户，更新 0 位，0 位不变。") {
					t.Errorf("confirmed: got %d", resp.StatusCode)
				}
			})

			t.Run("ColumnMappedAndRemembered", func(t *testing.T) {
				list := func(rows ...[]any) []byte {
					return sheets(t, []string{"Sheet1"}, append([][]any{{"房号", "姓名", "与房主关系"}}, rows...))
				}
				resp, body := br.postFile(page, "a.xlsx", list([]any{"3-1-201", "周七", "租客"}), nil)
				if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "像是住户身份，但无法识别") ||
					!strings.Contains(body, `<input type="hidden" name="map_header" value="与房主关系">`) {
					t.Fatalf("unclear column: got %d", resp.StatusCode)
				}
				resp, body = br.postMultipart(page, url.Values{"upload": {kept(t, body)}, "upload_name": {"a.xlsx"},
					"map_header": {"与房主关系"}, "map_field": {"relation"}}, nil)
				if resp.StatusCode != 200 || !strings.Contains(body, "导入完成：新增 1 位住户") {
					t.Fatalf("mapped: got %d", resp.StatusCode)
				}
				// The next file with that column needs no choice.
				resp, _ = br.postFile(page, "b.xlsx", list([]any{"3-1-202", "吴八", "子女"}), nil)
				if resp.StatusCode != 200 {
					t.Errorf("remembered: got %d", resp.StatusCode)
				}
			})

			t.Run("Template", func(t *testing.T) {
				_, body := br.get(page)
				if !strings.Contains(body, `href="/projects/`+itoa(app.ProjectA.ID)+`/residents/import/template?kind=rooms" download>房屋名单模板</a>`) {
					t.Error("the screen does not offer the rooms template")
				}
				resp, body := br.get(page + "/template?kind=rooms")
				if resp.StatusCode != 200 || resp.Header.Get("Content-Disposition") != `attachment; filename="wubu-rooms-template.xlsx"` {
					t.Fatalf("got %d %v", resp.StatusCode, resp.Header)
				}
				// Filled in, it imports: building 7 is created.
				f, err := excelize.OpenReader(strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				f.SetSheetRow(f.GetSheetList()[0], "A3", &[]any{"1", "7栋", "2单元", "12", "1201"})
				var buf bytes.Buffer
				f.WriteTo(&buf)
				f.Close()
				resp, body = br.postFile(page, "rooms.xlsx", buf.Bytes(), map[string]string{"kind": "rooms"})
				if resp.StatusCode != 200 || !strings.Contains(body, "共 1 行：新增 1，变更 0，不变 0") {
					t.Errorf("rooms list: got %d", resp.StatusCode)
				}
				if resp, _ := br.get(page + "/template?kind=parcels"); resp.StatusCode != http.StatusUnprocessableEntity {
					t.Errorf("unknown kind: got %d", resp.StatusCode)
				}
			})

			t.Run("SheetChosen", func(t *testing.T) {
				data := sheets(t, []string{"一期", "二期"},
					[][]any{{"房号", "姓名", "身份"}, {"3-2-101", "郑九", "业主"}},
					[][]any{{"房号", "姓名", "身份"}, {"3-2-102", "冯十", "租户"}})
				resp, body := br.postFile(page, "c.xlsx", data, nil)
				if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "工作簿中有多个工作表都是住户名单（一期、二期）") ||
					!strings.Contains(body, `<option value="二期" >二期</option>`) {
					t.Fatalf("two lists: got %d", resp.StatusCode)
				}
				resp, body = br.postMultipart(page, url.Values{"upload": {kept(t, body)}, "upload_name": {"c.xlsx"}, "sheet": {"二期"}}, nil)
				if resp.StatusCode != 200 || !strings.Contains(body, "已读取工作表 二期；工作簿中的工作表有：一期、二期。") {
					t.Errorf("sheet chosen: got %d", resp.StatusCode)
				}
			})
		})
	}
}

// TestResidentFormOffersExisting adds a resident twice on the new-resident
// form, on both databases: the second time the form is refused, keeps
// what was typed and links the existing resident; a birthday contradicting
// the ID number is refused unless marked as lunar.
func TestResidentFormOffersExisting(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			app := newTestApp(t, d)
			if _, err := sqlstore.NewOrgService(app.DB).GenerateRooms(app.adminCtx(), wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "3", Units: 2, Floors: 6, PerFloor: 2}); err != nil {
				t.Fatal(err)
			}
			app.User(t, "mgr", wubu.RoleManager, wubu.PostNone, app.ProjectA)
			br := app.webLogin(t, "mgr")
			path := "/projects/" + itoa(app.ProjectA.ID) + "/residents"
			form := url.Values{"room": {"3-1-101"}, "relation": {"owner"}, "name": {"赵六"}, "phones": {"13900001111"}}
			if resp, _ := br.post(path, form); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("first: got %d", resp.StatusCode)
			}
			resp, page := br.post(path, form)
			if resp.StatusCode != http.StatusConflict || !strings.Contains(page, `id="existing-resident"><a href="/residents/`) ||
				!strings.Contains(page, "赵六 已登记在房号 3-1-101") || !strings.Contains(page, `value="13900001111"`) {
				t.Errorf("second: got %d", resp.StatusCode)
			}
			form = url.Values{"room": {"3-1-102"}, "relation": {"owner"}, "name": {"钱七"}, "id_number": {"110105194912310038"}, "birthday": {"1949-11-13"}}
			if resp, page := br.post(path, form); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "生日 1949-11-13 与身份证号中的出生日期 1949-12-31 不符") {
				t.Errorf("birthday: got %d", resp.StatusCode)
			}
			form.Set("birthday_differs", "1")
			if resp, _ := br.post(path, form); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("lunar birthday: got %d", resp.StatusCode)
			}
		})
	}
}

// TestImportScreenBackground uploads a list bigger than
// importer.BackgroundRows on both databases: the page answers at once
// (202) with a progress bar that polls, and the progress page then shows
// the outcome; another user cannot follow the job.
func TestImportScreenBackground(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			app := newTestApp(t, d)
			if _, err := sqlstore.NewOrgService(app.DB).GenerateRooms(app.adminCtx(), wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "3", Units: 2, Floors: 33, PerFloor: 4}); err != nil {
				t.Fatal(err)
			}
			app.User(t, "mgr", wubu.RoleManager, wubu.PostNone, app.ProjectA)
			app.User(t, "mgr2", wubu.RoleManager, wubu.PostNone, app.ProjectA)
			br := app.webLogin(t, "mgr")
			page := "/projects/" + itoa(app.ProjectA.ID) + "/residents/import"
			n := importer.BackgroundRows + 1
			rows := make([]any, 0, n)
			for i := range n {
				rows = append(rows, []any{fmt.Sprintf("3-%d-%d%02d", 1+i%2, 1+i/8%33, 1+i/2%4), fmt.Sprintf("住户%04d", i), "", "", "业主", ""})
			}
			list := make([][]any, len(rows))
			for i, r := range rows {
				list[i] = r.([]any)
			}
			resp, body := br.postFile(page, "big.xlsx", residentList(t, list...), nil)
			m := regexp.MustCompile(`hx-get="(/projects/\d+/residents/import/progress\?job=[0-9a-f]+)" hx-trigger="every 1s"`).FindStringSubmatch(body)
			if resp.StatusCode != http.StatusAccepted || m == nil || !strings.Contains(body, `<progress max="100"`) {
				t.Fatalf("got %d, want 202 and a progress bar that polls", resp.StatusCode)
			}
			progress := html.UnescapeString(m[1])
			if resp, _ := app.webLogin(t, "mgr2").get(progress); resp.StatusCode != http.StatusNotFound {
				t.Errorf("another user: got %d, want 404", resp.StatusCode)
			}
			deadline := time.Now().Add(2 * time.Minute)
			for {
				resp, body = br.get(progress)
				if !strings.Contains(body, `id="import-progress"`) || time.Now().After(deadline) {
					break
				}
			}
			if resp.StatusCode != 200 || !strings.Contains(body, fmt.Sprintf("导入完成：新增 %d 位住户，更新 0 位，0 位不变。", n)) {
				t.Errorf("outcome: got %d", resp.StatusCode)
			}
			var count int
			if err := app.DB.SQL().QueryRow(`SELECT COUNT(*) FROM persons WHERE project_id = $1`, app.ProjectA.ID).Scan(&count); err != nil || count != n {
				t.Errorf("got %d persons, %v; want %d", count, err, n)
			}
		})
	}
}

// TestImportCLIChoices runs wubu import with the choices a file may need,
// on both databases: a dry run printing how each column was read and the
// first persons; an owners' list refused until --all-owners; a column
// mapped with --column; a workbook's sheet chosen with --sheet; a rooms
// list with --kind rooms.
func TestImportCLIChoices(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			dsn := wubutest.NewDSN(t, d)
			dir := t.TempDir()
			write := func(name string, data []byte) string {
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, data, 0o600); err != nil {
					t.Fatal(err)
				}
				return p
			}
			for _, args := range [][]string{
				{"project", "add", "LJY", "丽景苑"},
				{"rooms", "add", "--project", "LJY", "--building", "3", "--units", "2", "--floors", "6", "--per-floor", "2"},
			} {
				if out, errs, code := cli(t, dsn, "", args...); code != 0 {
					t.Fatalf("%v: %d %s %s", args, code, out, errs)
				}
			}
			owners := write("owners.xlsx", sheets(t, []string{"业主", "说明"},
				[][]any{{"楼栋", "单元", "房号", "业主名称", "联系电话", "紧急联系电话"}, {"3栋", "1单元", "0101", "孙六", "13700000001", "13700000009"}, {"3栋", "1单元", "0102"}},
				[][]any{{"空置房只填房号"}}))
			out, errs, code := cli(t, dsn, "", "import", "--project", "LJY", "--dry-run", owners)
			for _, want := range []string{"楼栋          building", "紧急联系电话  NOT UNDERSTOOD (looks like phone)", "2    孙六  3-1-101 owner  137****0001", "--all-owners to confirm"} {
				if !strings.Contains(out, want) {
					t.Errorf("dry run lacks %q:\n%s", want, out)
				}
			}
			if code != 2 {
				t.Errorf("dry run with an unclear column: got exit %d, want 2: %s", code, errs)
			}
			_, errs, code = cli(t, dsn, "", "import", "--project", "LJY", "--column", "紧急联系电话=ignore", owners)
			if code != 2 || !strings.Contains(errs, "The file has 1 errors") {
				t.Errorf("unconfirmed: got %d %q", code, errs)
			}
			out, errs, code = cli(t, dsn, "", "import", "--project", "LJY", "--column", "紧急联系电话=ignore", "--all-owners", owners)
			if code != 0 || !strings.Contains(out, "created 1, updated 0, unchanged 0.") || !strings.Contains(out, "Vacant rooms skipped: 1") {
				t.Errorf("confirmed: got %d %q %q", code, out, errs)
			}
			two := write("two.xlsx", sheets(t, []string{"一期", "二期"},
				[][]any{{"房号", "姓名", "身份"}, {"3-2-101", "郑九", "业主"}},
				[][]any{{"房号", "姓名", "身份"}, {"3-2-102", "冯十", "租户"}}))
			if _, errs, code := cli(t, dsn, "", "import", "--project", "LJY", two); code != 2 || !strings.Contains(errs, "several sheets (一期、二期)") {
				t.Errorf("two lists: got %d %q", code, errs)
			}
			if out, errs, code := cli(t, dsn, "", "import", "--project", "LJY", "--sheet", "二期", two); code != 0 || !strings.Contains(out, `Sheet "二期" read`) {
				t.Errorf("--sheet: got %d %q %q", code, out, errs)
			}
			rooms := write("rooms.csv", []byte("楼栋,单元,房号\n9栋,1,101\n9栋,1,102\n"))
			if out, errs, code := cli(t, dsn, "", "import", "--project", "LJY", "--kind", "rooms", rooms); code != 0 || !strings.Contains(out, "created 2") {
				t.Errorf("--kind rooms: got %d %q %q", code, out, errs)
			}
			if _, _, code := cli(t, dsn, "", "import", "--project", "LJY", "--kind", "parcels", rooms); code == 0 {
				t.Error("--kind parcels: got exit 0")
			}
		})
	}
}
