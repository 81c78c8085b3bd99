package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// residentList returns an .xlsx resident list with the rows under a
// Chinese header.
func residentList(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	all := append([][]any{{"房号", "姓名", "手机号", "身份证号", "身份", "车牌"}}, rows...)
	for i, r := range all {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var (
	goodRows = [][]any{
		{"3-1-101", "张三", "13812345678", "11010519491231002X", "业主", "粤B12345"},
		{"3栋1单元102", "李四", "13812345679", "", "租户", ""},
		{"3-2-3304", "王五", "13812345670/13900000000", "", "家属", "粤BD12345"},
	}
	badRows = [][]any{
		{"3-1-101", "赵六", "1381234", "", "业主", "粤B12345"},
		{"9-9-999", "钱七", "", "", "房东", ""},
	}
)

// TestImportCLI runs wubu import and export on both databases: a good
// file, the same again, a bad one (exit 2, every problem, the report),
// and an export imported back.
func TestImportCLI(t *testing.T) {
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
			good := write("good.xlsx", residentList(t, goodRows...))
			bad := write("bad.xlsx", residentList(t, badRows...))
			for _, args := range [][]string{
				{"project", "add", "LJY", "丽景苑"},
				{"rooms", "add", "--project", "LJY", "--building", "3", "--units", "2", "--floors", "33", "--per-floor", "4"},
			} {
				if out, errs, code := cli(t, dsn, "", args...); code != 0 {
					t.Fatalf("%v: %d %s %s", args, code, out, errs)
				}
			}

			t.Run("Good", func(t *testing.T) {
				out, errs, code := cli(t, dsn, "", "import", "--project", "LJY", good)
				if code != 0 || !strings.Contains(out, "Imported LJY: 3 rows; created 3, updated 0, unchanged 0.") {
					t.Fatalf("got %d %q %q", code, out, errs)
				}
				out, errs, code = cli(t, dsn, "", "import", "--project", "LJY", good)
				if code != 0 || !strings.Contains(out, "created 0, updated 0, unchanged 3.") {
					t.Fatalf("again: got %d %q %q", code, out, errs)
				}
			})
			t.Run("ErrBadFile", func(t *testing.T) {
				report := filepath.Join(dir, "problems.xlsx")
				out, errs, code := cli(t, dsn, "", "import", "--project", "LJY", "--report", report, bad)
				if code != 2 {
					t.Fatalf("got exit %d, want 2: %s %s", code, out, errs)
				}
				for _, want := range []string{
					"ROW  COLUMN  VALUE     PROBLEM",
					`2    手机号  1381234   Mobile number "1381234" is not valid`,
					"2    车牌    粤B12345  Plate 粤B12345 is already registered to another resident.",
					"3    房号    9-9-999   Room 9-9-999 does not exist in this project: generate its rooms first.",
					`3    身份    房东      Relation "房东" is not known`,
					"Problems written to " + report,
				} {
					if !strings.Contains(out, want) {
						t.Errorf("output lacks %q:\n%s", want, out)
					}
				}
				if !strings.Contains(errs, "wubu: The file has 4 errors: nothing was imported.") {
					t.Errorf("got stderr %q", errs)
				}
				f, err := excelize.OpenFile(report)
				if err != nil {
					t.Fatal(err)
				}
				rows, _ := f.GetRows(f.GetSheetList()[0])
				f.Close()
				if len(rows) != 5 || rows[0][3] != "Problem" || rows[3][2] != "9-9-999" {
					t.Errorf("report: got %v", rows)
				}
			})
			t.Run("ErrNotASpreadsheet", func(t *testing.T) {
				png := write("photo.xlsx", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
				_, errs, code := cli(t, dsn, "", "import", "--project", "LJY", png)
				if code != 2 || !strings.Contains(errs, "The file is not a spreadsheet: import an .xlsx or .csv file.") {
					t.Fatalf("got %d %q", code, errs)
				}
				_, errs, code = cli(t, dsn, "", "import", "--project", "LJY", filepath.Join(dir, "missing.xlsx"))
				if code != 2 || !strings.Contains(errs, "no such file") {
					t.Fatalf("missing file: got %d %q", code, errs)
				}
				_, errs, code = cli(t, dsn, "", "import", "--project", "NOPE", good)
				if code != 2 || !strings.Contains(errs, `Project "NOPE" does not exist.`) {
					t.Fatalf("unknown project: got %d %q", code, errs)
				}
			})
			t.Run("DryRun", func(t *testing.T) {
				more := write("more.xlsx", residentList(t, []any{"3-2-101", "孙八", "13700000000", "", "", ""}))
				out, errs, code := cli(t, dsn, "", "import", "--project", "LJY", "--dry-run", more)
				if code != 0 || !strings.Contains(out, "Checked (nothing written) LJY: 1 rows; created 1, updated 0, unchanged 0.") {
					t.Fatalf("got %d %q %q", code, out, errs)
				}
				out, _, _ = cli(t, dsn, "", "import", "--project", "LJY", "--dry-run", more)
				if !strings.Contains(out, "created 1") {
					t.Errorf("a dry run wrote: %q", out)
				}
			})
			t.Run("ExportRoundTrip", func(t *testing.T) {
				export := filepath.Join(dir, "export.xlsx")
				out, errs, code := cli(t, dsn, "", "export", "--project", "LJY", export)
				if code != 0 || !strings.Contains(out, "LJY: 3 rows exported to "+export) {
					t.Fatalf("got %d %q %q", code, out, errs)
				}
				out, errs, code = cli(t, dsn, "", "import", "--project", "LJY", export)
				if code != 0 || !strings.Contains(out, "created 0, updated 0, unchanged 3.") {
					t.Fatalf("import of the export: got %d %q %q", code, out, errs)
				}
			})
		})
	}
}

// postFile posts a file as a multipart form, as the upload form does.
func (b *browser) postFile(path, name string, data []byte, fields map[string]string) (*http.Response, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	resp, err := b.client.Post(b.base+path, mw.FormDataContentType(), &body)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp, string(out)
}

// TestImportScreenAndAPI uploads files on the import screen and through
// the API on both databases: a bad file shows every problem with the
// report to download and keeps the page usable; a good one imports; the
// export downloads.
func TestImportScreenAndAPI(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			app := newTestApp(t, d)
			if _, err := sqlstore.NewOrgService(app.DB).GenerateRooms(app.adminCtx(), wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "3", Units: 2, Floors: 33, PerFloor: 4}); err != nil {
				t.Fatal(err)
			}
			app.User(t, "mgr", wubu.RoleManager, wubu.PostNone, app.ProjectA)
			br := app.webLogin(t, "mgr")
			page := "/projects/" + itoa(app.ProjectA.ID) + "/residents/import"

			t.Run("Screen", func(t *testing.T) {
				resp, body := br.get(page)
				if resp.StatusCode != 200 || !strings.Contains(body, `enctype="multipart/form-data"`) || !strings.Contains(body, "导入/导出住户") {
					t.Fatalf("got %d", resp.StatusCode)
				}
				before := auditCount(t, app.DB)
				resp, body = br.postFile(page, "住户.xlsx", residentList(t, append(badRows, []any{"3-1-103", "好人", "", "", "", "粤B12345"})...), nil)
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("bad file: got %d, want 422", resp.StatusCode)
				}
				for _, want := range []string{
					`id="import-report"`,
					"未导入任何数据：文件中有 4 处问题",
					`<td>2</td><td>手机号</td><td>1381234</td><td>手机号&#34;1381234&#34;无效`,
					`<td>3</td><td>房号</td><td>9-9-999</td><td>本项目没有房号 9-9-999：请先生成房号。</td>`,
					`<td>4</td><td>车牌</td><td>粤B12345</td><td>车牌 粤B12345 在第 2 行也登记给了另一位住户。</td>`,
					`href="data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,`,
					`download="住户-errors.xlsx"`,
					`id="import-form"`,
				} {
					if !strings.Contains(body, want) {
						t.Errorf("page lacks %q", want)
					}
				}
				if auditCount(t, app.DB) != before {
					t.Error("a refused import wrote to the audit log")
				}
				resp, body = br.postFile(page, "list.txt", []byte("hello\x00world"), nil)
				if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "该文件不是表格：请导入 .xlsx 或 .csv 文件。") || !strings.Contains(body, `id="import-form"`) {
					t.Errorf("not a spreadsheet: got %d", resp.StatusCode)
				}
				resp, body = br.postFile(page, "good.xlsx", residentList(t, goodRows...), map[string]string{"dry_run": "1"})
				if resp.StatusCode != 200 || !strings.Contains(body, "文件无误。导入将新增 3 位住户、更新 0 位、0 位不变；本次未写入任何数据。") {
					t.Errorf("dry run: got %d", resp.StatusCode)
				}
				resp, body = br.postFile(page, "good.xlsx", residentList(t, goodRows...), nil)
				if resp.StatusCode != 200 || !strings.Contains(body, "导入完成：新增 3 位住户，更新 0 位，0 位不变。") {
					t.Errorf("good file: got %d", resp.StatusCode)
				}
				resp, body = br.get("/projects/" + itoa(app.ProjectA.ID) + "/residents/export")
				if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
					resp.Header.Get("Content-Disposition") != `attachment; filename="LJY-residents-2026-11-27.xlsx"` {
					t.Fatalf("export: got %d %v", resp.StatusCode, resp.Header)
				}
				f, err := excelize.OpenReader(strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				rows, _ := f.GetRows(f.GetSheetList()[0])
				if len(rows) != 4 || rows[0][0] != "房号" || rows[1][1] != "张三" || rows[1][3] != "13812345678" {
					t.Errorf("export: got %v", rows)
				}
			})

			t.Run("API", func(t *testing.T) {
				c := app.apiLogin(t, "mgr")
				post := func(query, contentType string, data []byte) (int, importResponseJSON) {
					t.Helper()
					req, _ := http.NewRequest("POST", app.URL+"/api/v1/projects/"+itoa(app.ProjectA.ID)+"/residents/import"+query, bytes.NewReader(data))
					req.Header.Set("Authorization", "Bearer "+c.token)
					req.Header.Set("Cookie", "lang=en")
					if contentType != "" {
						req.Header.Set("Content-Type", contentType)
					}
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					defer resp.Body.Close()
					var out importResponseJSON
					if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
						t.Fatal(err)
					}
					return resp.StatusCode, out
				}
				xlsx := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
				status, res := post("", xlsx, residentList(t, badRows...))
				if status != 422 || res.Error.Code != wubu.EINVALID || len(res.Errors) != 4 || res.Errors[2].Row != 3 || res.Errors[2].Column != "房号" ||
					res.Errors[2].Message != "Room 9-9-999 does not exist in this project: generate its rooms first." {
					t.Errorf("bad file: got %d %+v", status, res)
				}
				csv := []byte("room,name,phone\n3-2-101,Sun Ba,13700000000\n")
				status, res = post("?dry_run=1", "text/csv", csv)
				if status != 200 || res.Created != 1 || !res.DryRun {
					t.Errorf("dry run: got %d %+v", status, res)
				}
				if !res.AllOwners {
					t.Errorf("dry run: got %+v, want all owners told", res)
				}
				status, res = post("", "text/csv", csv)
				if status != 422 || len(res.Errors) != 1 || !strings.HasPrefix(res.Errors[0].Message, "The file has no relation column (身份)") {
					t.Errorf("owners not confirmed: got %d %+v", status, res)
				}
				status, res = post("?all_owners=1", "text/csv", csv)
				if status != 200 || res.Created != 1 || res.Unchanged != 0 || len(res.Errors) != 0 {
					t.Errorf("good file: got %d %+v", status, res)
				}
				status, res = post("", "application/json", []byte(`{"rows":[]}`))
				if status != 422 || res.Error.Message != "Send the .xlsx or .csv file itself as the request body." {
					t.Errorf("JSON body: got %d %+v", status, res)
				}
				status, res = post("", "", nil)
				if status != 422 || res.Error.Message != "The file is empty." {
					t.Errorf("empty body: got %d %+v", status, res)
				}
				req, _ := http.NewRequest("GET", app.URL+"/api/v1/projects/"+itoa(app.ProjectA.ID)+"/residents/export?relation=tenant", nil)
				req.Header.Set("Authorization", "Bearer "+c.token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				data, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				f, err := excelize.OpenReader(bytes.NewReader(data))
				if err != nil {
					t.Fatalf("export: %d %v", resp.StatusCode, err)
				}
				rows, _ := f.GetRows(f.GetSheetList()[0])
				if len(rows) != 2 || rows[1][1] != "李四" {
					t.Errorf("export of tenants: got %v", rows)
				}
			})
		})
	}
}

type importResponseJSON struct {
	Rows, Created, Updated, Unchanged int
	DryRun                            bool `json:"dry_run"`
	AllOwners                         bool `json:"all_owners"`
	Errors                            []struct {
		Row                    int
		Column, Value, Message string
	}
	Error struct{ Code, Message string }
}

// TestBrowserImport uploads a bad list on the import screen in Chromium,
// sees every problem and the report link, then uploads the corrected list
// on the same page.
func TestBrowserImport(t *testing.T) {
	ctx := wubutest.NewBrowser(t, true)
	app := newTestApp(t, sqlstore.SQLite)
	if _, err := sqlstore.NewOrgService(app.DB).GenerateRooms(app.adminCtx(), wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "3", Units: 2, Floors: 33, PerFloor: 4}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bad, good := filepath.Join(dir, "bad.xlsx"), filepath.Join(dir, "good.xlsx")
	os.WriteFile(bad, residentList(t, append(append([][]any{}, goodRows...), badRows...)...), 0o600)
	os.WriteFile(good, residentList(t, goodRows...), 0o600)

	wubutest.Step(t, ctx, "sign in",
		chromedp.Navigate(app.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "admin"),
		chromedp.SendKeys(chromedp.ID("password"), wubutest.Password),
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.CSS("nav.main")),
	)
	wubutest.Step(t, ctx, "upload the bad list",
		chromedp.Navigate(app.URL+"/projects/"+itoa(app.ProjectA.ID)+"/residents/import"),
		chromedp.WaitVisible(chromedp.ID("import-form")),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{bad}),
		chromedp.Click(chromedp.ID("import")),
		chromedp.WaitVisible(chromedp.ID("import-report")),
	)
	report := wubutest.Get(t, ctx, "report", chromedp.Text(chromedp.ID("import-report")))
	for _, want := range []string{"9-9-999", "本项目没有房号 9-9-999：请先生成房号。", "车牌 粤B12345 在第 2 行也登记给了另一位住户。"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q: %s", want, report)
		}
	}
	if got := wubutest.Get(t, ctx, "report link", chromedp.Text(chromedp.ID("report"))); got != "下载问题清单（.xlsx）" {
		t.Errorf("got report link %q", got)
	}
	wubutest.Screenshot(t, ctx, "import-errors")

	wubutest.Step(t, ctx, "upload the corrected list",
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{good}),
		chromedp.Click(chromedp.ID("import")),
		chromedp.WaitVisible(chromedp.ID("import-result")),
	)
	if got := wubutest.Get(t, ctx, "result", chromedp.Text(chromedp.ID("import-result"))); !strings.Contains(got, "导入完成：新增 3 位住户，更新 0 位，0 位不变。") {
		t.Errorf("got %q", got)
	}
	wubutest.Screenshot(t, ctx, "import-done")
}
