package main

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestDashboardOwnersOverHTTP, on both databases: the dashboard's
// per-person and per-building tables show the promises kept (the
// technician's 1 of 2: one kept, one breached and open) and link to the
// promise list narrowed to that person or building, which lists those 2;
// the care, survey and profile tiles are there; a bad person filter is
// refused beside the form.
func TestDashboardOwnersOverHTTP(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			app := newOrderApp(t, d)
			dashboardOrders(t, app)
			app.User(t, "mgr", wubu.RoleManager, wubu.PostNone, app.ProjectA)
			mgr := app.webLogin(t, "mgr")
			pid := itoa(app.ProjectA.ID)
			resp, body := mgr.get("/projects/" + pid + "/dashboard")
			if resp.StatusCode != 200 {
				t.Fatalf("dashboard: got %d", resp.StatusCode)
			}
			for _, id := range []string{`id="care-tile"`, `id="survey-tile"`, `id="profile-tile"`} {
				if !strings.Contains(body, id) {
					t.Errorf("dashboard lacks %s", id)
				}
			}
			for _, table := range []string{`id="people"`, `id="buildings"`} {
				i := strings.Index(body, table)
				if i < 0 {
					t.Fatalf("no table %s", table)
				}
				tb := body[i:]
				tb = tb[:strings.Index(tb, "</table>")]
				j := strings.Index(tb, `class="promises-kept"`)
				if j < 0 {
					t.Fatalf("%s: no promises kept column", table)
				}
				cell := tb[j:]
				cell = cell[:strings.Index(cell, "</td>")]
				if !strings.Contains(cell, "50.0%") || !strings.Contains(cell, "1/2") {
					t.Errorf("%s: promises kept %q, want 50.0%% (1/2)", table, cell)
				}
				k := strings.Index(cell, `href="`)
				href := html.UnescapeString(cell[k+6:])
				href = href[:strings.Index(href, `"`)]
				if !strings.Contains(href, "/promises?") || !(strings.Contains(href, "person=") || strings.Contains(href, "building=")) {
					t.Fatalf("%s: drill-down %q", table, href)
				}
				resp, list := mgr.get(href)
				if resp.StatusCode != 200 || !strings.Contains(list, `id="promise-list"`) {
					t.Fatalf("%s: drill-down %s: got %d", table, href, resp.StatusCode)
				}
				if n := strings.Count(list[strings.Index(list, `id="promise-list"`):], "<tr>"); n != 3 {
					t.Errorf("%s: drill-down %s lists %d rows, want a header and 2", table, href, n)
				}
			}
			resp, body = mgr.get("/projects/" + pid + "/promises?person=x")
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请从看板选择楼栋或员工") {
				t.Errorf("bad person: got %d", resp.StatusCode)
			}
		})
	}
}
