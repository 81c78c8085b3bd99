package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// TestRoomAreaPage sets a room's area on its building's page, in Chinese:
// a bad area is refused next to its field with what was typed, and nothing
// changes; a good one is shown beside the room.
func TestRoomAreaPage(t *testing.T) {
	app := newTestApp(t, sqlstore.SQLite)
	app.User(t, "mgr", wubu.RoleManager, wubu.PostNone, app.ProjectA)
	res, err := sqlstore.NewOrgService(app.DB).GenerateRooms(app.adminCtx(), wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "1", Units: 1, Floors: 2, PerFloor: 1})
	if err != nil {
		t.Fatal(err)
	}
	rooms, _, err := sqlstore.NewOrgService(app.DB).FindRooms(app.adminCtx(), wubu.RoomFilter{ProjectID: app.ProjectA.ID, BuildingID: &res.Building.ID})
	if err != nil {
		t.Fatal(err)
	}
	br := app.webLogin(t, "mgr")
	page := "/buildings/" + itoa(res.Building.ID)
	before := auditCount(t, app.DB)
	resp, body := br.post(page+"/area", url.Values{"room_id": {itoa(rooms[1].ID)}, "area": {"大约90平"}})
	if resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad area: status %d", resp.StatusCode)
	}
	for _, want := range []string{`无法识别面积&#34;大约90平&#34;`, `value="大约90平"`, `<option value="` + itoa(rooms[1].ID) + `" selected>`} {
		if !strings.Contains(body, want) {
			t.Errorf("bad area: the page lacks %s", want)
		}
	}
	if auditCount(t, app.DB) != before {
		t.Error("a refused area wrote")
	}
	resp, _ = br.post(page+"/area", url.Values{"room_id": {itoa(rooms[1].ID)}, "area": {"89.5平方米"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page {
		t.Fatalf("area: status %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body = br.get(page); !strings.Contains(body, `1-1-201<small class="muted area">89.5㎡</small>`) {
		t.Errorf("the building page does not show the area")
	}
}
