package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// TestDeskKiosk: a manager opens a kiosk and its link shows once; at the
// kiosk, with no sign-in, a customer takes a number and sees it, with no
// menu and no one's name; the number is on the desk's board, taken by no
// account; once the manager closes the link it answers "not found".
func TestDeskKiosk(t *testing.T) {
	app := newTestApp(t, sqlstore.SQLite)
	app.User(t, "jingli", wubu.RoleManager, wubu.PostNone, app.ProjectA)
	manager := app.webLogin(t, "jingli")
	pid := itoa(app.ProjectA.ID)
	resp, body := manager.post("/desk/kiosks", url.Values{"project": {pid}, "name": {"前台屏幕"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="kiosk-link"`) {
		t.Fatalf("open a kiosk: %d", resp.StatusCode)
	}
	i := strings.Index(body, `href="/kiosk/`)
	link := body[i+len(`href="`):]
	link = link[:strings.Index(link, `"`)]
	if _, again := manager.get("/desk/settings?project=" + pid); strings.Contains(again, link) {
		t.Fatal("the kiosk's link is shown again")
	}

	kiosk := app.newBrowser(t)
	resp, body = kiosk.get(link)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="kiosk-form"`) || strings.Contains(body, `nav class="main"`) {
		t.Fatalf("kiosk page: %d %s", resp.StatusCode, body)
	}
	resp, body = kiosk.post(link, url.Values{"business": {"repair"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "<strong>001</strong>") {
		t.Fatalf("kiosk take: %d %s", resp.StatusCode, body)
	}
	resp, _ = kiosk.post(link, url.Values{"business": {"lottery"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("kiosk with an unknown business: %d, want 422", resp.StatusCode)
	}
	b, err := sqlstore.NewDeskService(app.DB).Board(app.adminCtx(), app.ProjectA.ID)
	if err != nil || len(b.Waiting) != 1 || b.Waiting[0].TakenBy != nil || b.Waiting[0].Business != wubu.DeskRepair {
		t.Fatalf("board: %+v %v", b, err)
	}
	// Nothing but the kiosk's own page answers to its visitor.
	if resp, _ := kiosk.get("/desk?project=" + pid); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the kiosk reaches the desk: %d", resp.StatusCode)
	}

	ks, err := sqlstore.NewDeskService(app.DB).Kiosks(app.adminCtx(), app.ProjectA.ID)
	if err != nil || len(ks) != 1 {
		t.Fatalf("kiosks: %v %v", ks, err)
	}
	if resp, _ := manager.post("/desk/kiosks/"+itoa(ks[0].ID)+"/revoke", url.Values{"project": {pid}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("close the kiosk: %d", resp.StatusCode)
	}
	if resp, _ := kiosk.get(link); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("closed kiosk: %d, want 404", resp.StatusCode)
	}
	if resp, _ := kiosk.post(link, url.Values{"business": {"repair"}}); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("closed kiosk takes a number: %d, want 404", resp.StatusCode)
	}
}
