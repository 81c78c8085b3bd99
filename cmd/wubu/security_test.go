package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// securityApp is a test app with a room, its owner and tenant, a guard and
// a service assistant.
func securityApp(t *testing.T) (app *testApp, roomID, ownerID, tenantID int64) {
	t.Helper()
	app = newTestApp(t, sqlstore.SQLite)
	admin := app.adminCtx()
	org, rs := sqlstore.NewOrgService(app.DB), sqlstore.NewResidentService(app.DB)
	if _, err := org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "3", Units: 1, FirstFloor: 1, Floors: 2, PerFloor: 2}); err != nil {
		t.Fatal(err)
	}
	label := "3-1-101"
	rooms, _, _ := org.FindRooms(admin, wubu.RoomFilter{ProjectID: app.ProjectA.ID, Label: &label})
	owner := &wubu.Person{ProjectID: app.ProjectA.ID, Name: "张业主", Phones: []string{"13800001111"}}
	tenant := &wubu.Person{ProjectID: app.ProjectA.ID, Name: "李租户", Phones: []string{"13800002222"}}
	for p, rel := range map[*wubu.Person]wubu.Relation{owner: wubu.RelationOwner, tenant: wubu.RelationTenant} {
		if err := rs.CreatePersonInRoom(admin, p, &wubu.Household{RoomID: rooms[0].ID, Relation: rel}); err != nil {
			t.Fatal(err)
		}
	}
	app.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, app.ProjectA)
	app.User(t, "assistant", wubu.RoleStaff, wubu.PostService, app.ProjectA)
	return app, rooms[0].ID, owner.ID, tenant.ID
}

// TestAPIReleasePass drives a tenant's pass through the API: the owner's
// word is required, given by phone, and the goods leave.
func TestAPIReleasePass(t *testing.T) {
	app, _, ownerID, tenantID := securityApp(t)
	guard, assistant := app.apiLogin(t, "guard"), app.apiLogin(t, "assistant")
	var p wubu.Pass
	if status := guard.do("POST", fmt.Sprintf("/api/v1/projects/%d/passes", app.ProjectA.ID),
		map[string]any{"room": "3-1-101", "person_id": tenantID, "items": []string{"床垫", "书桌"}, "gate": "东门"}, &p); status != http.StatusCreated {
		t.Fatalf("start: status %d", status)
	}
	if p.Relation != wubu.RelationTenant || p.State != wubu.PassPending {
		t.Fatalf("got %+v", p)
	}
	var e struct {
		Error struct{ Code, Message, Field string } `json:"error"`
	}
	if status := assistant.do("POST", fmt.Sprintf("/api/v1/passes/%d/confirm", p.ID), map[string]any{"method": "owner_present"}, &e); status != http.StatusUnprocessableEntity ||
		e.Error.Field != "method" || !strings.Contains(e.Error.Message, "李租户 不是 3-1-101 的业主") {
		t.Fatalf("confirm on the tenant's word: %d %+v", status, e)
	}
	if status := guard.do("POST", fmt.Sprintf("/api/v1/passes/%d/release", p.ID), map[string]any{}, &e); status != http.StatusConflict {
		t.Fatalf("release before confirmation: %d", status)
	}
	if status := guard.do("POST", fmt.Sprintf("/api/v1/passes/%d/confirm", p.ID), map[string]any{"method": "owner_phone", "owner_person_id": ownerID}, nil); status != http.StatusForbidden {
		t.Fatalf("the guard confirms: %d", status)
	}
	if status := assistant.do("POST", fmt.Sprintf("/api/v1/passes/%d/confirm", p.ID), map[string]any{"method": "owner_phone", "owner_person_id": ownerID, "note": "业主电话同意"}, &p); status != http.StatusOK {
		t.Fatalf("confirm by phone: %d", status)
	}
	if p.ConfirmMethod != wubu.PassOwnerPhone || p.OwnerName != "张业主" {
		t.Fatalf("got %+v", p)
	}
	if status := guard.do("POST", fmt.Sprintf("/api/v1/passes/%d/release", p.ID), map[string]any{"gate": "北门"}, &p); status != http.StatusOK || p.State != wubu.PassReleased || p.ReleaseGate != "北门" {
		t.Fatalf("release: %d %+v", status, p)
	}
	var list struct {
		Items []*wubu.Pass `json:"items"`
		Total int          `json:"total"`
	}
	if status := assistant.do("GET", fmt.Sprintf("/api/v1/projects/%d/passes?state=released", app.ProjectA.ID), nil, &list); status != http.StatusOK || list.Total != 1 {
		t.Fatalf("list: %d %+v", status, list)
	}
}

// TestGuardPage: the guard's start page reaches every action of the post in
// one tap, and a refused form keeps what the guard typed.
func TestGuardPage(t *testing.T) {
	app, _, _, _ := securityApp(t)
	b := app.webLogin(t, "guard")
	resp, body := b.get("/guard")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, href := range []string{`action="/lookup"`, `href="/passes/new`, `href="/patrol/checkin"`, `href="/hazards/new"`, `href="/parking/new"`, `href="/incidents/new`, `href="/tenants/new`, `href="/guard"`} {
		if !strings.Contains(body, href) {
			t.Errorf("the guard's page lacks %s", href)
		}
	}
	// A new tenant with a bad ID number: refused beside the field, input kept.
	form := url.Values{"project": {fmt.Sprint(app.ProjectA.ID)}, "room": {"3-1-102"}, "name": {"王租户"}, "phone": {"13900003333"}, "id_number": {"110105194912310021"}, "move_in": {"2026-11-27"}}
	resp, body = b.post("/tenants", form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="王租户"`) || !strings.Contains(body, "field-error") {
		t.Fatalf("got %d, want the form again with the name kept and the error beside the field", resp.StatusCode)
	}
	// An incident: the guard reports; the page shows the log.
	resp, _ = b.post("/incidents", url.Values{"project": {fmt.Sprint(app.ProjectA.ID)}, "kind": {"fire"}, "place": {"东门岗亭"}, "description": {"配电箱冒烟"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("report: %d", resp.StatusCode)
	}
	resp, body = b.get(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "谁在何时知道了什么") || !strings.Contains(body, "配电箱冒烟") {
		t.Fatalf("incident page: %d", resp.StatusCode)
	}
	// A pass without goods is refused; the status block answers alone for htmx.
	resp, body = b.post("/passes", url.Values{"project": {fmt.Sprint(app.ProjectA.ID)}, "room": {"3-1-101"}, "person_name": {"搬家师傅"}, "gate": {"东门"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="搬家师傅"`) || !strings.Contains(body, "请列出物品") {
		t.Fatalf("got %d for a pass without goods", resp.StatusCode)
	}
	resp, _ = b.post("/passes", url.Values{"project": {fmt.Sprint(app.ProjectA.ID)}, "room": {"3-1-101"}, "person_name": {"搬家师傅"}, "gate": {"东门"}, "items": {"钢琴"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("start: %d", resp.StatusCode)
	}
	resp, body = b.get(resp.Header.Get("Location") + "/status")
	if resp.StatusCode != http.StatusOK || strings.Contains(body, "<html") || !strings.Contains(body, `hx-trigger="every 2s"`) || !strings.Contains(body, "待确认") {
		t.Fatalf("status block: %d %s", resp.StatusCode, body)
	}
}
