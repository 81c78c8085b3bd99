package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
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
	if strings.Contains(body, `id="kiosk-duty-manager"`) {
		t.Fatal("a duty manager shown on a working day's daytime")
	}
	// On a rest day the kiosk in the lobby names the rostered duty manager (E1).
	duty := app.User(t, "zhiban", wubu.RoleDutyManager, wubu.PostNone, app.ProjectA)
	if err := sqlstore.NewDutyManagerService(app.DB).SaveDutyManager(app.adminCtx(), app.ProjectA.ID, "restday", &duty.ID); err != nil {
		t.Fatal(err)
	}
	app.Clock.Set(time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)) // Saturday 10:00 in China
	if _, body := kiosk.get(link); !strings.Contains(body, `id="kiosk-duty-manager"`) || !strings.Contains(body, duty.Name) {
		t.Fatalf("the kiosk does not name the duty manager on duty: %s", body)
	}
	app.Clock.Set(wubutest.Start) // back to Friday morning: the manager's session is still fresh
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

// TestDeskFormsRefused: a notice without its reason and a gift beyond the
// stock are refused with the message beside the field and what was typed
// shown again; nothing is written. A notice posted twice in a unit shows
// as recurring on the building's page.
func TestDeskFormsRefused(t *testing.T) {
	app := newTestApp(t, sqlstore.SQLite)
	admin := app.adminCtx()
	org := sqlstore.NewOrgService(app.DB)
	res, err := org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "9", Units: 1, Floors: 1, PerFloor: 1})
	if err != nil {
		t.Fatal(err)
	}
	units, _ := org.FindUnits(admin, res.Building.ID)
	rooms, _, _ := org.FindRooms(admin, wubu.RoomFilter{ProjectID: app.ProjectA.ID, BuildingID: &res.Building.ID})
	p := &wubu.Person{ProjectID: app.ProjectA.ID, Name: "钱女士"}
	if err := sqlstore.NewResidentService(app.DB).CreatePersonInRoom(admin, p, &wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
		t.Fatal(err)
	}
	it := &wubu.GiftItem{ProjectID: app.ProjectA.ID, Name: "孕妈礼包", Kind: wubu.GiftExpectantMother}
	gs := sqlstore.NewGiftService(app.DB)
	if err := gs.CreateGiftItem(admin, it); err != nil {
		t.Fatal(err)
	}
	if _, err := gs.ReceiveGift(admin, it.ID, 1, ""); err != nil {
		t.Fatal(err)
	}
	app.User(t, "zhuli", wubu.RoleStaff, wubu.PostService, app.ProjectA)
	b := app.webLogin(t, "zhuli")
	before := auditCount(t, app.DB)

	resp, body := b.post("/notices", url.Values{"project": {itoa(app.ProjectA.ID)}, "unit_id": {itoa(units[0].ID)}, "title": {"请勿高空抛物"}, "reason": {" "}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请说明张贴原因") || !strings.Contains(body, `value="请勿高空抛物"`) {
		t.Fatalf("notice without a reason: %d", resp.StatusCode)
	}
	resp, body = b.post("/gifts/handout", url.Values{"person": {itoa(p.ID)}, "item_id": {itoa(it.ID)}, "quantity": {"2"}, "note": {"预产期三月"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "库存仅剩 1 件") || !strings.Contains(body, `value="预产期三月"`) {
		t.Fatalf("gift beyond the stock: %d", resp.StatusCode)
	}
	if auditCount(t, app.DB) != before {
		t.Fatal("a refused form wrote something")
	}
	resp, _ = b.post("/gifts/handout", url.Values{"person": {itoa(p.ID)}, "item_id": {itoa(it.ID)}, "note": {"预产期三月"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("gift: %d", resp.StatusCode)
	}

	// Posted twice in the unit, the notice shows as recurring on the building's page.
	for range 2 {
		if resp, _ := b.post("/notices", url.Values{"unit_id": {itoa(units[0].ID)}, "title": {"请勿高空抛物"}, "body": {"正文"}, "reason": {"有人扔烟头"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("notice: %d", resp.StatusCode)
		}
	}
	if _, body := b.get("/buildings/" + itoa(res.Building.ID)); !strings.Contains(body, "本单元第 2 次") || !strings.Contains(body, "请勿高空抛物") {
		t.Fatal("the building's page does not show the recurring notice")
	}
}
