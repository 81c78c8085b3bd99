package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// renovationManager makes a maintenance technician of project A its
// renovation manager, with a deposit (yuan, 0: none).
func renovationManager(t *testing.T, app *testApp, login string, deposit int) (*wubu.User, *sqlstore.RenovationService) {
	t.Helper()
	admin := app.adminCtx()
	mgr := app.User(t, login, wubu.RoleStaff, wubu.PostMaintenance, app.ProjectA)
	reno := sqlstore.NewRenovationService(app.DB, app.Main.Clocks)
	st, err := reno.RenovationSettings(admin, app.ProjectA.ID)
	if err != nil {
		t.Fatal(err)
	}
	st.Managers, st.Deposit = []int64{mgr.ID}, deposit
	if err := reno.SetRenovationSettings(admin, st); err != nil {
		t.Fatal(err)
	}
	return mgr, reno
}

// TestRenovationApplicationForm: the renovation manager fills in the
// application on the web: with the peak season's article and lecture shown
// beside it; a room without the resident chosen comes back with the room's
// residents to choose from and every worker row kept; a worker's bad ID
// number is refused by name; the application with a PNG and a PDF drawing
// is recorded, and its page shows the drawings, served only to those who
// may see the renovation. The room's record and the building's page list
// the renovation.
func TestRenovationApplicationForm(t *testing.T) {
	app := newTestApp(t, sqlstore.SQLite)
	admin := app.adminCtx()
	app.User(t, "waixiangmu", wubu.RoleStaff, wubu.PostMaintenance, app.ProjectB)
	mgr, reno := renovationManager(t, app, "zhuangxiu", 0)
	o := makeOrg(t, app, app.ProjectA, "f")
	rooms, _, err := sqlstore.NewOrgService(app.DB).FindRooms(admin, wubu.RoomFilter{ProjectID: app.ProjectA.ID, Limit: 1})
	if err != nil || rooms[0].ID != o.room {
		t.Fatalf("room %v %v", rooms, err)
	}
	label := rooms[0].Label
	if err := sqlstore.NewKnowledgeService(app.DB).SaveKBEntry(admin, &wubu.KBEntry{ProjectID: app.ProjectA.ID, Category: wubu.KBRenovation,
		Title: "甲醛检测机构名单", Body: "市环境检测中心 0571-88886666"}); err != nil {
		t.Fatal(err)
	}
	if err := sqlstore.NewEventService(app.DB).PlanEvent(admin, &wubu.Event{ProjectID: app.ProjectA.ID, Kind: wubu.EventLecture, Topic: "renovation",
		Title: "新房装修注意事项讲座", Place: "会所二楼", StartsAt: app.Clock.Now().Add(72 * time.Hour), Capacity: 40}); err != nil {
		t.Fatal(err)
	}

	before, err := reno.FindRenovations(admin, app.ProjectA.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	b := app.webLogin(t, "zhuangxiu")
	_, body := b.get("/renovations/new")
	if !strings.Contains(body, "甲醛检测机构名单") || !strings.Contains(body, "新房装修注意事项讲座") || !strings.Contains(body, `id="renovation-form"`) {
		t.Fatalf("the form with the peak season's information: %.600s", body)
	}
	now := app.Clock.Now().In(time.FixedZone("CST", 8*3600))
	form := url.Values{"project": {itoa(app.ProjectA.ID)}, "room": {label}, "company": {"安居装饰"}, "lead_name": {"赵工长"}, "lead_phone": {"13912345678"},
		"scope": {"walls", "water_electricity"}, "planned_from": {now.Format(time.DateOnly)}, "planned_to": {now.AddDate(0, 1, 0).Format(time.DateOnly)},
		"worker_name": {"钱师傅", "孙师傅", ""}, "worker_id": {"11010519491231002X", "110105194912310021", ""}, "worker_pass": {"ZX-1", "ZX-2", ""}}

	// No resident chosen: the room's residents to choose from.
	resp, body := b.postFiles("/renovations", form, "drawings")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请选择本房屋中申报的住户") || !strings.Contains(body, `<option value="`+itoa(o.resident)+`"`) ||
		!strings.Contains(body, `value="孙师傅"`) || !strings.Contains(body, `value="ZX-2"`) || !strings.Contains(body, `value="walls" id="scope-walls" checked`) {
		t.Fatalf("without the resident: %d %.2000s", resp.StatusCode, body)
	}
	// A worker's ID number that is not valid.
	form.Set("person_id", itoa(o.resident))
	resp, body = b.postFiles("/renovations", form, "drawings")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "孙师傅") || !strings.Contains(body, `value="赵工长"`) {
		t.Fatalf("a bad ID number: %d %.600s", resp.StatusCode, body)
	}
	if rs, _ := reno.FindRenovations(admin, app.ProjectA.ID, false); len(rs) != len(before) {
		t.Fatalf("a refused application was recorded: %d", len(rs))
	}
	// A drawing that is neither an image nor a PDF.
	form["worker_id"] = []string{"11010519491231002X", "110101199003070011", ""}
	resp, body = b.postFiles("/renovations", form, "drawings", []byte("GIF89a not a drawing"))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "PDF") {
		t.Fatalf("a GIF drawing: %d %.600s", resp.StatusCode, body)
	}
	pdf := []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
	resp, _ = b.postFiles("/renovations", form, "drawings", pngPhoto, pdf)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/renovations/") {
		t.Fatalf("the application: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	page := resp.Header.Get("Location")
	rs, err := reno.FindRenovations(admin, app.ProjectA.ID, false)
	if err != nil || len(rs) != len(before)+1 {
		t.Fatalf("renovations %v %v", rs, err)
	}
	r, err := reno.FindRenovation(admin, rs[0].ID)
	if err != nil || len(r.Workers) != 2 || len(r.Photos) != 2 || r.ManagerID == nil || *r.ManagerID != mgr.ID || r.PersonID != o.resident {
		t.Fatalf("recorded %+v %v", r, err)
	}
	_, body = b.get(page)
	pdfURL := page + "/files/" + itoa(r.Photos[1].ID)
	if !strings.Contains(body, `id="drawings"`) || !strings.Contains(body, pdfURL) || !strings.Contains(body, "图纸 2（PDF）") {
		t.Fatalf("the renovation's drawings: %.1500s", body)
	}
	resp, body = b.get(pdfURL)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || body != string(pdf) {
		t.Fatalf("the PDF drawing: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp, _ := app.webLogin(t, "waixiangmu").get(pdfURL); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another project's technician: %d, want 404", resp.StatusCode)
	}
	if resp, _ := b.get(page + "/files/999999"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a file that does not exist: %d", resp.StatusCode)
	}
	// The room's record lists the renovation.
	_, body = b.get("/rooms/" + itoa(o.room) + "/findings")
	if !strings.Contains(body, `id="room-renovations"`) || !strings.Contains(body, `href="`+page+`"`) {
		t.Fatalf("the room's record: %.1500s", body)
	}
	_, body = b.get("/buildings/" + itoa(o.building))
	if !strings.Contains(body, `id="building-renovation-list"`) || !strings.Contains(body, `href="`+page+`"`) {
		t.Fatalf("the building's page: %.1500s", body)
	}
}

// TestRenovationSettingsPage: the manager sets the renovation rules on the
// project's page: rest-day hours ending before they start are refused
// beside the field with what was typed kept; the escalation needs its
// recipients; saved, the hours, the escalation and the managers are the
// project's.
func TestRenovationSettingsPage(t *testing.T) {
	app := newTestApp(t, sqlstore.SQLite)
	tech := app.User(t, "zhuangxiu", wubu.RoleStaff, wubu.PostMaintenance, app.ProjectA)
	app.User(t, "jingli", wubu.RoleManager, wubu.PostNone, app.ProjectA)
	b := app.webLogin(t, "jingli")
	page := "/projects/" + itoa(app.ProjectA.ID) + "/renovation-settings"
	_, body := b.get(page)
	if !strings.Contains(body, `value="08:00"`) || !strings.Contains(body, `value="`+itoa(tech.ID)+`"`) {
		t.Fatalf("the settings page: %.1500s", body)
	}
	form := url.Values{"review_hours": {"24"}, "inspect_hours": {"48"}, "deposit": {"3000"}, "purge_days": {"15"}, "escalate_after": {"2"},
		"escalate_to": {"leaders", "quality"}, "managers": {itoa(tech.ID)}, "work_from": {"08:30"}, "work_to": {"12:00"},
		"rest_from": {"14:00"}, "rest_to": {"10:00"}, "checklist": {"图纸讲解\n承重墙"}, "final_checklist": {"闭水试验"}}
	resp, body := b.post(page, form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "开始早于结束") || !strings.Contains(body, `value="14:00"`) || !strings.Contains(body, "闭水试验") {
		t.Fatalf("rest-day hours backwards: %d %.600s", resp.StatusCode, body)
	}
	form.Set("rest_to", "17:00")
	form.Del("escalate_to")
	if resp, body := b.post(page, form); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请选择多次违规时通知的人员") {
		t.Fatalf("escalation without recipients: %d %.600s", resp.StatusCode, body)
	}
	form["escalate_to"] = []string{"leaders", "quality"}
	form.Set("holiday_work", "1")
	if resp, _ := b.post(page, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("saved: %d", resp.StatusCode)
	}
	st, err := sqlstore.NewRenovationService(app.DB, app.Main.Clocks).RenovationSettings(app.adminCtx(), app.ProjectA.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.WorkFrom != "08:30" || st.RestTo != "17:00" || !st.HolidayWork || st.EscalateAfter != 2 || len(st.EscalateTo) != 2 || st.PurgeDays != 15 ||
		len(st.Managers) != 1 || st.Managers[0] != tech.ID || len(st.Checklist) != 2 || len(st.FinalChecklist) != 1 {
		t.Fatalf("saved settings %+v", st)
	}
}

// TestRenovationApplicationAPI: an application through the API carries its
// drawings as base64 files; a drawing that is neither an image nor a PDF is
// refused and nothing is recorded; the drawing is served to the project's
// staff and answers 404 to another project's.
func TestRenovationApplicationAPI(t *testing.T) {
	app := newTestApp(t, sqlstore.SQLite)
	admin := app.adminCtx()
	app.User(t, "zhuangxiu", wubu.RoleStaff, wubu.PostMaintenance, app.ProjectA)
	app.User(t, "waixiangmu", wubu.RoleStaff, wubu.PostMaintenance, app.ProjectB)
	o := makeOrg(t, app, app.ProjectA, "i")
	reno := sqlstore.NewRenovationService(app.DB, app.Main.Clocks)
	before, err := reno.FindRenovations(admin, app.ProjectA.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	c := app.apiLogin(t, "zhuangxiu")
	path := "/api/v1/projects/" + itoa(app.ProjectA.ID) + "/renovations"
	body := map[string]any{"room_id": o.room, "person_id": o.resident, "company": "安居装饰", "lead_name": "赵工长", "lead_phone": "13912345678",
		"scope": []string{"walls"}, "planned_from": "2026-12-01", "planned_to": "2026-12-31", "drawings": [][]byte{[]byte("GIF89a")}}
	var e struct {
		Error struct {
			Field string `json:"field"`
		} `json:"error"`
	}
	if st := c.do("POST", path, body, &e); st != http.StatusUnprocessableEntity || e.Error.Field != "drawings" {
		t.Fatalf("a GIF drawing: %d %+v", st, e)
	}
	body["drawings"] = [][]byte{pngPhoto, []byte("%PDF-1.7\n%%EOF\n")}
	var r wubu.Renovation
	if st := c.do("POST", path, body, &r); st != http.StatusCreated || len(r.Photos) != 2 || r.Photos[1].ContentType != "application/pdf" {
		t.Fatalf("the application: %d %+v", st, r.Photos)
	}
	file := "/api/v1/renovations/" + itoa(r.ID) + "/files/" + itoa(r.Photos[1].ID)
	if st := c.do("GET", file, nil, nil); st != http.StatusOK {
		t.Fatalf("the drawing: %d", st)
	}
	if st := app.apiLogin(t, "waixiangmu").do("GET", file, nil, nil); st != http.StatusNotFound {
		t.Fatalf("another project's technician: %d, want 404", st)
	}
	if after, err := reno.FindRenovations(admin, app.ProjectA.ID, false); err != nil || len(after) != len(before)+1 {
		t.Fatalf("%d applications recorded for two sent, one refused (%v)", len(after)-len(before), err)
	}
}
