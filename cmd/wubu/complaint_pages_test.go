package main

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// TestComplaintPages: the desk's refused form keeps what was typed and says
// what is wrong; the list's filters and its Excel export hold the same
// complaints; the key customer's profile page is refused to a guard (who
// sees only the mark on the card) and read by the manager, audited.
func TestComplaintPages(t *testing.T) {
	app := newTestApp(t, sqlstore.SQLite)
	admin := app.adminCtx()
	org, rs := sqlstore.NewOrgService(app.DB), sqlstore.NewResidentService(app.DB)
	if _, err := org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "8", Units: 1, FirstFloor: 1, Floors: 1, PerFloor: 2}); err != nil {
		t.Fatal(err)
	}
	label := "8-1-101"
	rooms, _, _ := org.FindRooms(admin, wubu.RoomFilter{ProjectID: app.ProjectA.ID, Label: &label})
	vip := &wubu.Person{ProjectID: app.ProjectA.ID, Name: "钱先生", Phones: []string{"13912340000"}, Importance: 5}
	plain := &wubu.Person{ProjectID: app.ProjectA.ID, Name: "孙女士", Phones: []string{"13912341111"}}
	for _, p := range []*wubu.Person{vip, plain} {
		if err := rs.CreatePersonInRoom(admin, p, &wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
			t.Fatal(err)
		}
	}
	app.User(t, "desk1", wubu.RoleStaff, wubu.PostService, app.ProjectA)
	app.User(t, "guard1", wubu.RoleStaff, wubu.PostSecurity, app.ProjectA)
	app.User(t, "boss1", wubu.RoleManager, wubu.PostNone, app.ProjectA)
	desk := app.webLogin(t, "desk1")
	pid := strconv.FormatInt(app.ProjectA.ID, 10)

	t.Run("ErrRefusedFormKeepsInput", func(t *testing.T) {
		resp, body := desk.post("/complaints", url.Values{"project": {pid}, "person_id": {strconv.FormatInt(plain.ID, 10)}, "description": {"电梯经常停运"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请选择投诉类别") || !strings.Contains(body, "电梯经常停运") {
			t.Fatalf("refused form: %d, message or input missing", resp.StatusCode)
		}
	})
	for _, f := range []url.Values{
		{"project": {pid}, "person_id": {strconv.FormatInt(vip.ID, 10)}, "category": {"noise"}, "description": {"夜间施工"}},
		{"project": {pid}, "resident": {"孙女士"}, "category": {"hygiene"}, "description": {"垃圾没清"}},
	} {
		if resp, body := desk.post("/complaints", f); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("take a complaint: %d %.300s", resp.StatusCode, body)
		}
	}
	if _, body := desk.get("/complaints?project=" + pid + "&lane=fast"); !strings.Contains(body, "钱先生") || strings.Contains(body, "孙女士") {
		t.Fatal("the fast lane's filter: want only the key customer's complaint")
	}
	resp, body := desk.get("/complaints/export?project=" + pid)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("export: %d", resp.StatusCode)
	}
	x, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(x.GetSheetList()[0])
	if err != nil || len(rows) != 3 || rows[0][0] != "#" {
		t.Fatalf("export: %d rows, %v; want the header and 2 complaints", len(rows), err)
	}

	// The key customer's profile.
	boss := app.webLogin(t, "boss1")
	vid := strconv.FormatInt(vip.ID, 10)
	if resp, _ := boss.post("/residents/"+vid+"/key-profile", url.Values{"age": {"61"}, "occupation": {"退休法官"}, "preferences": {"上午来访"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the profile: %d", resp.StatusCode)
	}
	guard := app.webLogin(t, "guard1")
	if resp, body := guard.get("/residents/" + vid + "/key-profile"); resp.StatusCode != http.StatusForbidden || strings.Contains(body, "退休法官") {
		t.Fatalf("the guard: %d, want 403 without the profile", resp.StatusCode)
	}
	if _, body := guard.get("/residents/" + vid + "/complaints"); !strings.Contains(body, `id="key-customer"`) || strings.Contains(body, "key-profile-link") {
		t.Fatal("the guard's card: want the key-customer mark and no link to the profile")
	}
	if resp, body := boss.get("/residents/" + vid + "/key-profile"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "退休法官") {
		t.Fatalf("the manager: %d", resp.StatusCode)
	}
	t.Run("ErrRefusedSettingsKeepInput", func(t *testing.T) {
		form := url.Values{"ack_minutes": {"30"}, "handle_minutes": {"1440"}, "fast_ack_minutes": {"45"}, "fast_handle_minutes": {"240"},
			"importance_level": {"4"}, "importance_index": {"80"}, "decay_days": {"180"}, "visit_points": {"12"}, "working": {"noise"}}
		resp, body := boss.post("/projects/"+pid+"/complaint-settings", form)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "快速通道的时限不能比普通投诉更长") || !strings.Contains(body, `value="45"`) ||
			!strings.Contains(body, `value="noise" checked`) {
			t.Fatalf("refused settings: %d, message or input missing", resp.StatusCode)
		}
		resp, body = boss.post("/projects/"+pid+"/duty-managers", url.Values{"day": {"明天"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "2026-12-31") || !strings.Contains(body, `value="明天"`) {
			t.Fatalf("refused roster day: %d", resp.StatusCode)
		}
	})
	entries, _, err := sqlstore.NewAuditService(app.DB).FindAuditEntries(admin, wubu.AuditFilter{Action: wubu.ActionRead, ObjectType: "key_profile"})
	if err != nil || len(entries) != 1 || entries[0].Login != "boss1" {
		t.Fatalf("audited reads: %d %v; want the manager's one", len(entries), err)
	}
}
