package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// TestRoundTablePages: a day's slots are published from the list (a
// refused series keeps what was typed), a resident found as at the lookup
// is booked, the talk's notes and a follow-up are recorded (a refused
// follow-up keeps what was typed) and the follow-up is on its owner's
// Today; the lobby's schedule takes an entry (a refused one keeps what was
// typed), prints as a building's notice and counts the visits logged.
func TestRoundTablePages(t *testing.T) {
	app := newTestApp(t, "sqlite")
	ctx := app.adminCtx()
	pid := itoa(app.ProjectA.ID)
	res, err := sqlstore.NewOrgService(app.DB).GenerateRooms(ctx, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "6", Units: 1, Floors: 1, PerFloor: 2})
	if err != nil {
		t.Fatal(err)
	}
	rooms, _, _ := sqlstore.NewOrgService(app.DB).FindRooms(ctx, wubu.RoomFilter{ProjectID: app.ProjectA.ID, BuildingID: &res.Building.ID, Limit: 10})
	person := &wubu.Person{ProjectID: app.ProjectA.ID, Name: "欧阳娜娜"}
	if err := sqlstore.NewResidentService(app.DB).CreatePersonInRoom(ctx, person, &wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
		t.Fatal(err)
	}
	app.User(t, "jingli", wubu.RoleManager, wubu.PostNone, app.ProjectA)
	asst := app.User(t, "zhuli", wubu.RoleStaff, wubu.PostService, app.ProjectA)
	m, a := app.webLogin(t, "jingli"), app.webLogin(t, "zhuli")

	// Publish: a refused series keeps what was typed.
	series := url.Values{"project": {pid}, "day": {"2026-11-30"}, "times": {"9点, 9点半"}, "minutes": {"30"}, "place": {"服务中心二楼会客室"}, "host_id": {itoa(asst.ID)}}
	resp, body := m.post("/round-tables", series)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="9点, 9点半"`) || !strings.Contains(body, `value="服务中心二楼会客室"`) ||
		!strings.Contains(body, "开始时间请写成 09:30") {
		t.Fatalf("bad times: %d %s", resp.StatusCode, body)
	}
	series.Set("times", "09:00，09:30、10:00")
	if resp, body = m.post("/round-tables", series); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", resp.StatusCode, body)
	}
	if _, body = m.get("/round-tables?project=" + pid); strings.Count(body, "/round-tables/") < 3 || !strings.Contains(body, "可预约") {
		t.Fatalf("slots list: %s", body)
	}
	slots, err := sqlstore.NewRoundTableService(app.DB, app.Main.Clocks).FindRoundTables(ctx, app.ProjectA.ID, wubu.RoundTableFilter{})
	if err != nil || len(slots) != 3 {
		t.Fatalf("slots: %d, %v", len(slots), err)
	}
	sid := itoa(slots[0].ID)

	// Book, hold, follow up.
	if resp, body = a.post("/round-tables/"+sid+"/book", url.Values{"resident": {"没有这个人"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="没有这个人"`) {
		t.Fatalf("nobody found: %d %s", resp.StatusCode, body)
	}
	if resp, body = a.post("/round-tables/"+sid+"/book", url.Values{"resident": {"欧阳娜娜"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("book: %d %s", resp.StatusCode, body)
	}
	if resp, body = m.post("/round-tables/"+sid+"/book", url.Values{"resident": {"欧阳娜娜"}}); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "已被预约") {
		t.Fatalf("booked twice: %d %s", resp.StatusCode, body)
	}
	if resp, body = a.post("/round-tables/"+sid+"/hold", url.Values{"notes": {"业主希望小区增设电动车充电桩，并关注费用。"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("hold: %d %s", resp.StatusCode, body)
	}
	if resp, body = a.post("/round-tables/"+sid+"/follow-ups", url.Values{"action": {"报价充电桩方案"}, "due_on": {"11/28"}, "owner_id": {itoa(asst.ID)}}); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `value="报价充电桩方案"`) {
		t.Fatalf("bad due date: %d %s", resp.StatusCode, body)
	}
	if resp, body = a.post("/round-tables/"+sid+"/follow-ups", url.Values{"action": {"报价充电桩方案"}, "due_on": {"2026-11-28"}, "owner_id": {itoa(asst.ID)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("follow-up: %d %s", resp.StatusCode, body)
	}
	if _, body = a.get("/round-tables/" + sid); !strings.Contains(body, "欧阳娜娜") || !strings.Contains(body, "已面谈") || !strings.Contains(body, "充电桩") || !strings.Contains(body, "报价充电桩方案") {
		t.Fatalf("talk page: %s", body)
	}
	if _, body = a.get("/today"); !strings.Contains(body, "圆桌面谈跟进：报价充电桩方案") {
		t.Fatalf("the owner's Today: %s", body)
	}
	if _, body = a.get("/residents/" + itoa(person.ID)); !strings.Contains(body, "进行了圆桌面谈") {
		t.Fatalf("the resident's timeline: %s", body)
	}

	// Lobby hours: a refused entry keeps what was typed; the notice.
	entry := url.Values{"project": {pid}, "month": {"2026-12"}, "building_id": {itoa(res.Building.ID)}, "weekday": {"2"}, "starts": {"19:00"}, "ends": {"18:00"}, "assistant_id": {itoa(asst.ID)}}
	if resp, body = m.post("/lobby-hours", entry); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="18:00"`) || !strings.Contains(body, "结束时间须晚于开始时间") {
		t.Fatalf("ends before it starts: %d %s", resp.StatusCode, body)
	}
	entry.Set("ends", "21:00")
	if resp, body = m.post("/lobby-hours", entry); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add hours: %d %s", resp.StatusCode, body)
	}
	if _, body = a.get("/buildings/" + itoa(res.Building.ID) + "/lobby-hours?month=2026-12"); !strings.Contains(body, "每周二") || !strings.Contains(body, asst.Name) ||
		!strings.Contains(body, "12月29日") || !strings.Contains(body, "2026年12月") {
		t.Fatalf("notice: %s", body)
	}
	if resp, body = a.post("/lobby-visits", url.Values{"project": {pid}, "month": {"2026-11"}, "building_id": {itoa(res.Building.ID)}, "resident": {"欧阳娜娜"}, "topic": {"充电桩进展"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("log a visit: %d %s", resp.StatusCode, body)
	}
	if _, body = m.get("/lobby-hours?project=" + pid + "&month=2026-11"); !strings.Contains(body, "充电桩进展") || !strings.Contains(body, `id="lobby-counts"`) {
		t.Fatalf("visits: %s", body)
	}
}
