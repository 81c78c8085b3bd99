package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/importer"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// bigResidentList is a resident list of importer.BackgroundRows+1 owners
// of building 3 (2 units, 33 floors, 4 rooms a floor).
func bigResidentList(t *testing.T) ([]byte, int) {
	n := importer.BackgroundRows + 1
	rows := make([][]any, 0, n)
	for i := range n {
		rows = append(rows, []any{fmt.Sprintf("3-%d-%d%02d", 1+i%2, 1+i/8%33, 1+i/2%4), fmt.Sprintf("住户%04d", i), "", "", "业主", ""})
	}
	return residentList(t, rows...), n
}

// TestImportAPIBackground imports through the API on both databases: a
// list of more than importer.BackgroundRows rows answers 202 at once with
// a job, which the client polls until the import's own answer (200 and
// the counts); a small list with async=1 goes the same way and ends in
// 422 with its problems; another user's job answers 404.
func TestImportAPIBackground(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			app := newTestApp(t, d)
			if _, err := sqlstore.NewOrgService(app.DB).GenerateRooms(app.adminCtx(), wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "3", Units: 2, Floors: 33, PerFloor: 4}); err != nil {
				t.Fatal(err)
			}
			app.User(t, "mgr", wubu.RoleManager, wubu.PostNone, app.ProjectA)
			app.User(t, "mgr2", wubu.RoleManager, wubu.PostNone, app.ProjectA)
			c := app.apiLogin(t, "mgr")
			type answer struct {
				Created int `json:"created"`
				Job     *struct {
					ID        string `json:"id"`
					StatusURL string `json:"status_url"`
					Done      bool   `json:"done"`
					Total     int    `json:"total"`
					Checked   int64  `json:"checked"`
					Written   int64  `json:"written"`
				} `json:"job"`
				Errors []importer.ReportLine `json:"errors"`
			}
			post := func(query string, data []byte) (int, answer, string) {
				t.Helper()
				req, _ := http.NewRequest("POST", app.URL+"/api/v1/projects/"+itoa(app.ProjectA.ID)+"/residents/import"+query, bytes.NewReader(data))
				req.Header.Set("Authorization", "Bearer "+c.token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				var out answer
				if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
					t.Fatal(err)
				}
				return resp.StatusCode, out, resp.Header.Get("Location")
			}
			// poll follows a job until it answers something other than 202.
			poll := func(url string) (int, answer) {
				t.Helper()
				deadline := time.Now().Add(2 * time.Minute)
				for {
					var out answer
					status := c.do("GET", url, nil, &out)
					if status != http.StatusAccepted || time.Now().After(deadline) {
						return status, out
					}
					if out.Job == nil || out.Job.Done || out.Job.Checked > int64(out.Job.Total) {
						t.Fatalf("running: got %+v", out.Job)
					}
				}
			}

			data, n := bigResidentList(t)
			status, res, location := post("", data)
			if status != http.StatusAccepted || res.Job == nil || res.Job.Total != n || res.Job.Done || location != res.Job.StatusURL ||
				res.Job.StatusURL != "/api/v1/projects/"+itoa(app.ProjectA.ID)+"/residents/import/jobs/"+res.Job.ID {
				t.Fatalf("big list: got %d %+v %q, want 202 and a job", status, res.Job, location)
			}
			if status := app.apiLogin(t, "mgr2").do("GET", res.Job.StatusURL, nil, nil); status != http.StatusNotFound {
				t.Errorf("another user's job: got %d, want 404", status)
			}
			if status := c.do("GET", "/api/v1/projects/"+itoa(app.ProjectA.ID)+"/residents/import/jobs/nosuchjob", nil, nil); status != http.StatusNotFound {
				t.Errorf("no such job: got %d, want 404", status)
			}
			status, res = poll(res.Job.StatusURL)
			if status != http.StatusOK || res.Created != n || res.Job == nil || !res.Job.Done || res.Job.Checked != int64(n) || res.Job.Written != int64(n) {
				t.Errorf("big list done: got %d %+v %+v", status, res.Created, res.Job)
			}

			status, res, _ = post("?async=1", residentList(t, []any{"9-9-999", "无房", "", "", "业主", ""}))
			if status != http.StatusAccepted || res.Job == nil {
				t.Fatalf("async: got %d %+v", status, res.Job)
			}
			status, res = poll(res.Job.StatusURL)
			if status != http.StatusUnprocessableEntity || len(res.Errors) != 1 || res.Errors[0].Row != 2 || res.Job == nil || !res.Job.Done {
				t.Errorf("async with a problem: got %d %+v", status, res)
			}
		})
	}
}

// TestImportCLIProgress imports a list of more than
// importer.BackgroundRows rows with wubu import: the progress is printed
// on stderr, ending with every row checked and written.
func TestImportCLIProgress(t *testing.T) {
	dsn := wubutest.NewDSN(t, sqlstore.SQLite)
	for _, args := range [][]string{
		{"project", "add", "LJY", "丽景苑"},
		{"rooms", "add", "--project", "LJY", "--building", "3", "--units", "2", "--floors", "33", "--per-floor", "4"},
	} {
		if out, errs, code := cli(t, dsn, "", args...); code != 0 {
			t.Fatalf("%v: %d %s %s", args, code, out, errs)
		}
	}
	data, n := bigResidentList(t)
	path := filepath.Join(t.TempDir(), "big.xlsx")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code := cli(t, dsn, "", "import", "--project", "LJY", path)
	if code != 0 || !strings.HasSuffix(errs, fmt.Sprintf("Rows checked: %d of %d; written: %d.\n", n, n, n)) ||
		!strings.Contains(out, fmt.Sprintf("created %d", n)) {
		t.Errorf("got exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// TestImportRememberedColumns maps a column not understood once, through
// the API and through wubu import, on both databases: the mapping is
// remembered for the project, so the next file with that column imports
// without it, as on the screen.
func TestImportRememberedColumns(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			list := func(name string) []byte {
				return sheets(t, []string{"业主"}, [][]any{{"房号", "姓名", "身份", "紧急联系电话"}, {"3-1-101", name, "业主", "13700000009"}})
			}
			t.Run("API", func(t *testing.T) {
				app := newTestApp(t, d)
				if _, err := sqlstore.NewOrgService(app.DB).GenerateRooms(app.adminCtx(), wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "3", Units: 1, Floors: 1, PerFloor: 1}); err != nil {
					t.Fatal(err)
				}
				app.User(t, "mgr", wubu.RoleManager, wubu.PostNone, app.ProjectA)
				c := app.apiLogin(t, "mgr")
				post := func(query string, data []byte) int {
					req, _ := http.NewRequest("POST", app.URL+"/api/v1/projects/"+itoa(app.ProjectA.ID)+"/residents/import"+query, bytes.NewReader(data))
					req.Header.Set("Authorization", "Bearer "+c.token)
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					return resp.StatusCode
				}
				if status := post("", list("甲")); status != http.StatusUnprocessableEntity {
					t.Fatalf("unclear column: got %d, want 422", status)
				}
				if status := post("?column="+url.QueryEscape("紧急联系电话=ignore"), list("甲")); status != http.StatusOK {
					t.Fatalf("mapped: got %d, want 200", status)
				}
				if status := post("", list("乙")); status != http.StatusOK {
					t.Errorf("remembered: got %d, want 200", status)
				}
			})
			t.Run("CLI", func(t *testing.T) {
				dsn := wubutest.NewDSN(t, d)
				for _, args := range [][]string{{"project", "add", "LJY", "丽景苑"}, {"rooms", "add", "--project", "LJY", "--building", "3", "--units", "1", "--floors", "1", "--per-floor", "1"}} {
					if out, errs, code := cli(t, dsn, "", args...); code != 0 {
						t.Fatalf("%v: %d %s %s", args, code, out, errs)
					}
				}
				dir := t.TempDir()
				first, next := filepath.Join(dir, "first.xlsx"), filepath.Join(dir, "next.xlsx")
				os.WriteFile(first, list("甲"), 0o600)
				os.WriteFile(next, list("乙"), 0o600)
				if _, errs, code := cli(t, dsn, "", "import", "--project", "LJY", "--column", "紧急联系电话=ignore", first); code != 0 {
					t.Fatalf("mapped: exit %d: %s", code, errs)
				}
				if out, errs, code := cli(t, dsn, "", "import", "--project", "LJY", next); code != 0 || !strings.Contains(out, "created 1") {
					t.Errorf("remembered: exit %d: %s %s", code, out, errs)
				}
			})
		})
	}
}
