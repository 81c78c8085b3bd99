package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestDashboardOverHTTP, on both databases: the manager's dashboard shows
// the orders' promises over all due ones (the breached-and-open one
// counted), the times with their units, exports them as .xlsx and answers
// the figures in JSON; a bad date is refused beside its field with the
// input kept; another project's dashboard is not found; the quality
// department sees every project it serves and no other.
func TestDashboardOverHTTP(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			app := newOrderApp(t, d)
			dashboardOrders(t, app)
			app.User(t, "mgr", wubu.RoleManager, wubu.PostNone, app.ProjectA)
			app.User(t, "quality1", wubu.RoleQuality, wubu.PostNone, app.ProjectA, app.ProjectB)
			mgr := app.webLogin(t, "mgr")
			pid, other := itoa(app.ProjectA.ID), itoa(app.ProjectB.ID)

			resp, body := mgr.get("/projects/" + pid + "/dashboard")
			if resp.StatusCode != 200 || !strings.Contains(body, `<tr data-object="order">`) {
				t.Fatalf("dashboard: got %d", resp.StatusCode)
			}
			row := body[strings.Index(body, `<tr data-object="order">`):]
			row = row[:strings.Index(row, "</tr>")]
			for _, want := range []string{">2</a>", "<td>1</td>", "50.0%", ">1</a>"} {
				if !strings.Contains(row, want) {
					t.Errorf("orders' promises: %q lacks %q", row, want)
				}
			}
			// The one arrival, 6 minutes after the report: with its unit.
			if !strings.Contains(body, "6 分") {
				t.Errorf("times: no mean of 6 minutes with its unit")
			}
			resp, body = mgr.get("/projects/" + pid + "/dashboard/export")
			if resp.StatusCode != 200 || !strings.HasPrefix(body, "PK") || !strings.Contains(resp.Header.Get("Content-Disposition"), "dashboard") {
				t.Errorf("export: got %d %s", resp.StatusCode, resp.Header.Get("Content-Disposition"))
			}
			resp, body = mgr.get("/projects/" + pid + "/dashboard?from=2026-13-01&to=2026-11-30")
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "2026-13-01") || !strings.Contains(body, "日期格式如 2026-11-27") {
				t.Errorf("bad date: got %d", resp.StatusCode)
			}
			if resp, _ := mgr.get("/projects/" + other + "/dashboard"); resp.StatusCode != http.StatusNotFound {
				t.Errorf("another project's dashboard: got %d, want 404", resp.StatusCode)
			}
			if resp, _ := mgr.get("/projects/" + other + "/promises"); resp.StatusCode != http.StatusNotFound {
				t.Errorf("another project's promises: got %d, want 404", resp.StatusCode)
			}
			// The JSON figures.
			api := app.apiLogin(t, "mgr")
			var answer struct {
				Figures []wubu.Figure `json:"figures"`
			}
			if status := api.do("GET", "/api/v1/projects/"+pid+"/figures?from=2026-11-01&to=2026-12-01&metric=promise.order.arrival", nil, &answer); status != 200 ||
				len(answer.Figures) != 1 || answer.Figures[0].N != 2 || answer.Figures[0].Total != 1 || answer.Figures[0].Open != 1 {
				t.Errorf("figures: got %d %+v", status, answer.Figures)
			}
			var e apiError
			if status := api.do("GET", "/api/v1/projects/"+other+"/figures?from=2026-11-01&to=2026-12-01", nil, &e); status != 404 {
				t.Errorf("another project's figures: got %d", status)
			}
			if status := api.do("GET", "/api/v1/projects/"+pid+"/figures?from=2026-11-01&to=2026-12-01&group=year", nil, &e); status != 422 || e.Error.Field != "group" {
				t.Errorf("a bad group: got %d %+v", status, e)
			}
			// The quality department: both projects it serves, not a third.
			app.User(t, "quality2", wubu.RoleQuality, wubu.PostNone, app.ProjectB)
			qa := app.webLogin(t, "quality1")
			for _, p := range []string{pid, other} {
				if resp, _ := qa.get("/projects/" + p + "/dashboard"); resp.StatusCode != 200 {
					t.Errorf("quality on project %s: got %d", p, resp.StatusCode)
				}
			}
			if resp, _ := app.webLogin(t, "quality2").get("/projects/" + pid + "/dashboard"); resp.StatusCode != http.StatusNotFound {
				t.Errorf("quality on a project it does not serve: got %d, want 404", resp.StatusCode)
			}
		})
	}
}
