package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// TestCommunityPages: the prospect list refuses an assistant who is not
// its custodian and shows the custodian the buyers with the link to their
// move-in and the labels with the invitation codes; a refused buyer keeps
// what was typed; the register shows its formula and ranks; the handbook
// shows a changed hotline after the change, as a new version; the
// directory of local resources takes an entry and refuses one without a
// name, keeping what was typed.
func TestCommunityPages(t *testing.T) {
	app := newTestApp(t, "sqlite")
	ctx := app.adminCtx()
	pid := itoa(app.ProjectA.ID)
	if _, err := sqlstore.NewOrgService(app.DB).GenerateRooms(ctx, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "8", Units: 1, Floors: 1, PerFloor: 2}); err != nil {
		t.Fatal(err)
	}
	app.User(t, "jingli", wubu.RoleManager, wubu.PostNone, app.ProjectA)
	keeper := app.User(t, "baoguan", wubu.RoleStaff, wubu.PostService, app.ProjectA)
	app.User(t, "zhuli", wubu.RoleStaff, wubu.PostService, app.ProjectA)
	m, k, a := app.webLogin(t, "jingli"), app.webLogin(t, "baoguan"), app.webLogin(t, "zhuli")

	if resp, body := m.post("/projects/"+pid+"/prospects/custodian", url.Values{"user_id": {itoa(keeper.ID)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("name the custodian: %d %s", resp.StatusCode, body)
	}
	resp, body := k.post("/projects/"+pid+"/prospects", url.Values{"name": {"赵明远"}, "address": {"北京市海淀区中关村大街27号"}, "unit": {"8-1-999"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="北京市海淀区中关村大街27号"`) {
		t.Fatalf("wrong unit: %d %s", resp.StatusCode, body)
	}
	if resp, body = k.post("/projects/"+pid+"/prospects", url.Values{"name": {"赵明远"}, "address": {"北京市海淀区中关村大街27号"}, "unit": {"8-1-101"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add a buyer: %d %s", resp.StatusCode, body)
	}
	if resp, body = a.get("/projects/" + pid + "/prospects"); resp.StatusCode != http.StatusForbidden || strings.Contains(body, "中关村") {
		t.Fatalf("an assistant who is not the custodian: %d", resp.StatusCode)
	}
	if resp, body = k.get("/projects/" + pid + "/prospects"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "中关村") ||
		!strings.Contains(body, "/move-ins/new?room=8-1-101&name=") || !strings.Contains(body, "source=prospect") {
		t.Fatalf("the custodian's list: %d %s", resp.StatusCode, body)
	}
	if resp, body = k.get("/projects/" + pid + "/prospects/labels"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "邀请码") {
		t.Fatalf("labels: %d %s", resp.StatusCode, body)
	}
	if resp, _ = k.get("/projects/" + pid + "/prospects/export"); resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("export: %d", resp.StatusCode)
	}

	// The register: its formula, ranked.
	for _, f := range []url.Values{
		{"title": {"车库渗水"}, "source": {"inspection"}, "households": {"40"}, "severity": {"3"}, "owner_id": {itoa(keeper.ID)}},
		{"title": {"电梯等候"}, "source": {"complaint"}, "households": {"100"}, "severity": {"2"}, "owner_id": {itoa(keeper.ID)}},
	} {
		if resp, body = m.post("/projects/"+pid+"/focus-issues", f); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("record an issue: %d %s", resp.StatusCode, body)
		}
	}
	if resp, body = m.post("/projects/"+pid+"/focus-issues", url.Values{"title": {"外墙裂缝"}, "households": {"0"}, "severity": {"4"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="外墙裂缝"`) {
		t.Fatalf("no households: %d %s", resp.StatusCode, body)
	}
	_, body = a.get("/projects/" + pid + "/focus-issues")
	if !strings.Contains(body, "影响度 = 影响户数 × 严重程度") || strings.Index(body, "电梯等候") > strings.Index(body, "车库渗水") || !strings.Contains(body, "= 100 × 2") {
		t.Fatalf("ranked view: %s", body)
	}

	// The handbook after the hotline changes.
	if resp, body = m.post("/projects/"+pid+"/community-info", url.Values{"hotline": {"010-88886666"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("hotline: %d %s", resp.StatusCode, body)
	}
	if _, body = a.get("/projects/" + pid + "/handbook"); !strings.Contains(body, "010-88886666") {
		t.Fatalf("handbook: %s", body)
	}
	if resp, body = m.post("/projects/"+pid+"/community-info", url.Values{"hotline": {"热线"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="热线"`) {
		t.Fatalf("bad hotline: %d", resp.StatusCode)
	}
	m.post("/projects/"+pid+"/community-info", url.Values{"hotline": {"400-800-1234"}})
	_, body = a.get("/projects/" + pid + "/handbook")
	if !strings.Contains(body, "400-800-1234") || strings.Contains(body, "010-88886666") || !strings.Contains(body, "版本 2") {
		t.Fatalf("handbook after the change: %s", body)
	}
	if _, body = a.get("/projects/" + pid + "/contact-cards"); !strings.Contains(body, "400-800-1234") {
		t.Fatalf("contact cards: %s", body)
	}

	// The directory: an entry without a name refused, what was typed kept.
	if resp, body = m.post("/projects/"+pid+"/local-resources", url.Values{"kind": {"clinic"}, "address": {"南门东侧"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="南门东侧"`) {
		t.Fatalf("entry without a name: %d", resp.StatusCode)
	}
	if resp, body = m.post("/projects/"+pid+"/local-resources", url.Values{"kind": {"clinic"}, "name": {"社区卫生服务站"}, "address": {"南门东侧"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add an entry: %d %s", resp.StatusCode, body)
	}
	if _, body = a.get("/projects/" + pid + "/local-resources"); !strings.Contains(body, "社区卫生服务站") {
		t.Fatalf("directory: %s", body)
	}
}
