package main

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// TestVisitPages: the manager writes the welcome visits' form (a refused
// form keeps the questions typed); the desk starts a move-in in a zone's
// room (a wrong room is refused with the name kept), the zone assistant
// ticks the checklist and completes it; the welcome visit it planned shows
// the checklist and the form; its outcome without a required answer is
// refused with the notes kept, then recorded; the results count it and
// export it as .xlsx.
func TestVisitPages(t *testing.T) {
	app := newTestApp(t, "sqlite")
	ctx := app.adminCtx()
	pid := itoa(app.ProjectA.ID)
	org := sqlstore.NewOrgService(app.DB)
	zone := &wubu.Zone{ProjectID: app.ProjectA.ID, Name: "南区"}
	if err := org.CreateZone(ctx, zone); err != nil {
		t.Fatal(err)
	}
	res, err := org.GenerateRooms(ctx, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, ZoneID: &zone.ID, Building: "8", Units: 1, Floors: 1, PerFloor: 2})
	if err != nil {
		t.Fatal(err)
	}
	app.User(t, "jingli", wubu.RoleManager, wubu.PostNone, app.ProjectA)
	zhuli := app.User(t, "zhuli", wubu.RoleStaff, wubu.PostService, app.ProjectA)
	if err := sqlstore.NewUserService(app.DB).Assign(ctx, &wubu.Assignment{ProjectID: app.ProjectA.ID, BuildingID: res.Building.ID, UserID: zhuli.ID, Kind: wubu.AssignZoneAssistant}); err != nil {
		t.Fatal(err)
	}
	m := app.webLogin(t, "jingli")
	a := app.webLogin(t, "zhuli")

	// The form: without a title refused, the questions kept.
	form := url.Values{"purpose": {"visit:welcome"}, "title": {" "}, "q_id": {"", "", ""}, "q_kind": {"scale", "yes_no", "text"},
		"q_text": {"入伙办理满意度", "是否开始装修", ""}, "q_choices": {"", "", ""}, "q_required_0": {"1"}}
	resp, body := m.post("/projects/"+pid+"/surveys", form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="入伙办理满意度"`) {
		t.Fatalf("form without a title: %d %s", resp.StatusCode, body)
	}
	form.Set("title", "欢迎拜访")
	if resp, body = m.post("/projects/"+pid+"/surveys", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the form: %d %s", resp.StatusCode, body)
	}

	// The move-in: a wrong room refused with the name kept.
	resp, body = m.post("/projects/"+pid+"/move-ins", url.Values{"room": {"8-1-999"}, "name": {"吴新"}, "relation": {"owner"}, "move_in_on": {"2026-11-27"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="吴新"`) {
		t.Fatalf("wrong room: %d %s", resp.StatusCode, body)
	}
	resp, _ = m.post("/projects/"+pid+"/move-ins", url.Values{"room": {"8-1-101"}, "name": {"吴新"}, "relation": {"owner"}, "members": {"吴小新"}, "move_in_on": {"2026-11-27"}})
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/move-ins/") {
		t.Fatalf("start: %d %q", resp.StatusCode, loc)
	}
	_, body = a.get(loc)
	if !strings.Contains(body, "南区") || !strings.Contains(body, zhuli.Name) {
		t.Fatalf("the move-in is not the zone assistant's: %s", body)
	}
	// Completing early is refused; the assistant ticks every item.
	if resp, body = a.post(loc+"/complete", nil); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "完成入伙前请先勾选") {
		t.Fatalf("complete early: %d %s", resp.StatusCode, body)
	}
	items := regexp.MustCompile(`name="item_id" value="(\d+)"`).FindAllStringSubmatch(body, -1)
	if len(items) != len(wubu.DefaultMoveInChecklist) {
		t.Fatalf("checklist: %d items, want %d", len(items), len(wubu.DefaultMoveInChecklist))
	}
	for _, it := range items {
		if resp, body := a.post(loc+"/check", url.Values{"item_id": {it[1]}, "done": {"1"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("tick %s: %d %s", it[1], resp.StatusCode, body)
		}
	}
	if resp, body = a.post(loc+"/complete", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("complete: %d %s", resp.StatusCode, body)
	}
	_, body = a.get(loc)
	visit := regexp.MustCompile(`href="(/revisits/\d+)"`).FindStringSubmatch(body)
	if visit == nil {
		t.Fatalf("no welcome visit linked: %s", body)
	}

	// The welcome visit: its checklist and form; a required answer missing.
	_, body = a.get(visit[1])
	if !strings.Contains(body, `id="visit-checklist"`) || !strings.Contains(body, "欢迎卡") || !strings.Contains(body, "入伙办理满意度") {
		t.Fatalf("welcome visit page: %s", body)
	}
	qs := regexp.MustCompile(`name="(q\d+)"`).FindAllStringSubmatch(body, -1)
	if len(qs) < 2 {
		t.Fatalf("form fields: %v", qs)
	}
	outcome := url.Values{"notes": {"送上欢迎卡"}, "checks": {"greeting_card", "handbook"}, qs[1][1]: {"1"}}
	resp, body = a.post(visit[1]+"/outcome", outcome)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "第 1 题必须回答") || !strings.Contains(body, "送上欢迎卡") {
		t.Fatalf("a required answer missing: %d %s", resp.StatusCode, body)
	}
	outcome.Set(qs[0][1], "5")
	if resp, body = a.post(visit[1]+"/outcome", outcome); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("outcome: %d %s", resp.StatusCode, body)
	}
	_, body = a.get(visit[1])
	if !strings.Contains(body, `id="visit-survey"`) || !strings.Contains(body, "5/5") || !strings.Contains(body, "业主手册") {
		t.Fatalf("recorded visit: %s", body)
	}

	// The results and their export.
	_, body = m.get("/projects/" + pid + "/surveys")
	link := regexp.MustCompile(`href="(/survey-forms/\d+/results)"`).FindStringSubmatch(body)
	if link == nil {
		t.Fatalf("no results link: %s", body)
	}
	_, body = m.get(link[1])
	if !strings.Contains(body, "1 份答卷") || !strings.Contains(body, `id="results-building-`+itoa(res.Building.ID)+`"`) {
		t.Fatalf("results: %s", body)
	}
	resp, body = m.get(link[1] + ".xlsx")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("export: %d", resp.StatusCode)
	}
	x, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil || len(rows) < 5 || !strings.Contains(strings.Join(rows[1], "|"), "入伙办理满意度") {
		t.Fatalf("export rows: %v, %v", rows, err)
	}
	// The move-ins' export: the completed household.
	resp, body = m.get("/projects/" + pid + "/move-ins/export?state=completed")
	if x, err = excelize.OpenReader(bytes.NewReader([]byte(body))); resp.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("move-ins export: %d %v", resp.StatusCode, err)
	}
	if rows, _ := x.GetRows(x.GetSheetName(0)); len(rows) != 2 || rows[1][0] != "8-1-101" || rows[1][1] != "吴新" {
		t.Fatalf("move-ins export rows: %v", rows)
	}
	// The assistant may not read the results.
	if resp, _ := a.get(link[1]); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("results for an assistant: %d", resp.StatusCode)
	}
}

// TestMoveInAPI: a buyer of the sales office's list comes in through the
// API's start of a move-in (source "prospect" and its entry), without
// retyping; the checklist ticked, the completion records the owner and
// plans the welcome visit; the progress per zone counts it.
func TestMoveInAPI(t *testing.T) {
	app := newTestApp(t, "sqlite")
	ctx := app.adminCtx()
	org := sqlstore.NewOrgService(app.DB)
	res, err := org.GenerateRooms(ctx, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "9", Units: 1, Floors: 1, PerFloor: 1})
	if err != nil {
		t.Fatal(err)
	}
	rooms, _, _ := org.FindRooms(ctx, wubu.RoomFilter{ProjectID: app.ProjectA.ID, BuildingID: &res.Building.ID})
	app.User(t, "zhuli", wubu.RoleStaff, wubu.PostService, app.ProjectA)
	c := app.apiLogin(t, "zhuli")
	pid := itoa(app.ProjectA.ID)
	var m wubu.MoveIn
	if st := c.do("POST", "/api/v1/projects/"+pid+"/move-ins", map[string]any{"room_id": 999999, "name": "郑买家"}, nil); st != http.StatusNotFound && st != http.StatusUnprocessableEntity {
		t.Fatalf("unknown room: %d", st)
	}
	if st := c.do("POST", "/api/v1/projects/"+pid+"/move-ins", map[string]any{"room_id": rooms[0].ID, "name": "郑买家", "source": "prospect", "source_ref": "prospect:12"}, &m); st != http.StatusCreated || m.Source != "prospect" || m.SourceRef != "prospect:12" {
		t.Fatalf("start: %d %+v", st, m)
	}
	items, err := sqlstore.NewMoveInService(app.DB, nil).MoveInChecklist(ctx, app.ProjectA.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if st := c.do("POST", "/api/v1/move-ins/"+itoa(m.ID)+"/check", map[string]any{"item_id": it.ID, "done": true}, &m); st != http.StatusOK {
			t.Fatalf("tick: %d", st)
		}
	}
	if st := c.do("POST", "/api/v1/move-ins/"+itoa(m.ID)+"/complete", nil, &m); st != http.StatusOK || m.State != wubu.MoveInCompleted || m.PersonID == nil || m.VisitID == nil {
		t.Fatalf("complete: %d %+v", st, m)
	}
	var r wubu.Resident
	if st := c.do("GET", "/api/v1/residents/"+itoa(*m.PersonID), nil, &r); st != http.StatusOK || r.Name != "郑买家" || len(r.Households) != 1 || r.Households[0].Relation != wubu.RelationOwner {
		t.Fatalf("the owner: %d %+v", st, r)
	}
	var progress struct {
		Items []wubu.ZoneProgress `json:"items"`
	}
	if st := c.do("GET", "/api/v1/projects/"+pid+"/move-ins/progress", nil, &progress); st != http.StatusOK || len(progress.Items) != 1 || progress.Items[0].Completed != 1 || progress.Items[0].Percent != 100 {
		t.Fatalf("progress: %d %+v", st, progress)
	}
}
