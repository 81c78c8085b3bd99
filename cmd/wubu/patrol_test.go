package main

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// pngPhoto is the smallest thing taken for a PNG photo.
var pngPhoto = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")

// postMultipart posts a form with an optional photo, as a phone does.
func (b *browser) postMultipart(path string, form url.Values, photo []byte) (*http.Response, string) {
	b.t.Helper()
	if photo == nil {
		return b.postFiles(path, form, "photo")
	}
	return b.postFiles(path, form, "photo", photo)
}

// postFiles posts a multipart form with files in one field.
func (b *browser) postFiles(path string, form url.Values, field string, files ...[]byte) (*http.Response, string) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for i, f := range files {
		fw, _ := mw.CreateFormFile(field, field+strconv.Itoa(i)+".png")
		fw.Write(f)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", b.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, string(data)
}

func wantStatus(t *testing.T, what string, resp *http.Response, body string, status int) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s: got %d, want %d: %.400s", what, resp.StatusCode, status, body)
	}
}

// TestPatrolPages walks the guard's and the leader's pages: a route with
// a printable QR label, a check-in from the scanned link, a hazard from
// report to a verified close (the rectifier refused), the alarm list and
// the knowledge base.
func TestPatrolPages(t *testing.T) {
	for _, dialect := range wubutest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			app := newTestApp(t, dialect)
			p := app.ProjectA
			guard := app.User(t, "p_guard", wubu.RoleStaff, wubu.PostSecurity, p)
			app.User(t, "p_guard2", wubu.RoleStaff, wubu.PostSecurity, p)
			app.User(t, "p_lead", wubu.RoleTeamLeader, wubu.PostSecurity, p)
			lead := app.webLogin(t, "p_lead")
			g := app.webLogin(t, "p_guard")
			g2 := app.webLogin(t, "p_guard2")
			pid := fmt.Sprint(p.ID)

			// The leader makes a route with a key location.
			resp, body := lead.post("/patrol/routes", url.Values{"project": {pid}, "name": {"夜巡一号线"}, "kind": {"patrol"}, "interval_minutes": {"0"}})
			wantStatus(t, "route with no interval", resp, body, http.StatusUnprocessableEntity)
			if !strings.Contains(body, `value="夜巡一号线"`) {
				t.Fatalf("the refused form lost the name: %.300s", body)
			}
			resp, body = lead.post("/patrol/routes", url.Values{"project": {pid}, "name": {"夜巡一号线"}, "kind": {"patrol"}, "interval_minutes": {"10"}})
			wantStatus(t, "create route", resp, body, http.StatusSeeOther)
			routePath := resp.Header.Get("Location")
			resp, body = lead.post(routePath+"/checkpoints", url.Values{"name": {"地下车库"}, "kind": {"key"}})
			wantStatus(t, "add checkpoint", resp, body, http.StatusSeeOther)
			_, body = lead.get(routePath)
			code := regexp.MustCompile(`<code>(LJY-[A-Z0-9]{5})</code>`).FindStringSubmatch(body)
			if code == nil {
				t.Fatalf("no checkpoint code on the route page: %.500s", body)
			}
			resp, body = lead.get(routePath + "/qr")
			wantStatus(t, "QR sheet", resp, body, http.StatusOK)
			if !strings.Contains(body, "data:image/png;base64,") || !strings.Contains(body, code[1]) {
				t.Fatalf("QR sheet lacks the label: %.500s", body)
			}
			resp, body = g.post(routePath+"/checkpoints", url.Values{"name": {"x"}})
			wantStatus(t, "guard adds a checkpoint", resp, body, http.StatusForbidden)

			// The guard scans the label: the link shows the checkpoint, one
			// tap checks in and starts the run.
			resp, body = g.get("/patrol/checkin?code=" + url.QueryEscape(code[1]))
			wantStatus(t, "scanned link", resp, body, http.StatusOK)
			if !strings.Contains(body, "地下车库") || !strings.Contains(body, `id="checkin-here"`) {
				t.Fatalf("scanned link page: %.500s", body)
			}
			resp, body = g.post("/patrol/checkin", url.Values{"code": {code[1]}, "method": {"scan"}})
			wantStatus(t, "check in", resp, body, http.StatusOK)
			if !strings.Contains(body, "已在地下车库打卡") || !strings.Contains(body, "已开始新一次巡逻") {
				t.Fatalf("check-in answer: %.800s", body)
			}
			resp, body = g.post("/patrol/checkin", url.Values{"code": {"ljy-zzzzz"}})
			wantStatus(t, "unknown code", resp, body, http.StatusNotFound)
			if !strings.Contains(body, "没有编码为 LJY-ZZZZZ 的点位") || !strings.Contains(body, `value="ljy-zzzzz"`) {
				t.Fatalf("unknown code answer: %.800s", body)
			}
			runs, _, err := sqlstore.NewPatrolService(app.DB, nil, nil).FindRuns(app.adminCtx(), p.ID, wubu.RunFilter{Open: true})
			if err != nil || len(runs) != 1 {
				t.Fatalf("open runs: %v %v", runs, err)
			}
			// Finished with the key location visited once of twice: missed.
			resp, body = g.post(fmt.Sprintf("/patrol/runs/%d/finish", runs[0].ID), nil)
			wantStatus(t, "finish run", resp, body, http.StatusSeeOther)
			_, body = lead.get("/patrol?project=" + pid)
			if !strings.Contains(body, "漏检 1 个，迟到 0 个") {
				t.Fatalf("the leader's patrol page lacks the flagged run: %.1500s", body)
			}

			// A hazard: a refused report keeps what was typed.
			resp, body = g.postMultipart("/hazards", url.Values{"project": {pid}, "place": {"2栋楼道"}, "description": {"纸箱堵塞消防通道"}}, nil)
			wantStatus(t, "hazard without severity", resp, body, http.StatusUnprocessableEntity)
			if !strings.Contains(body, "纸箱堵塞消防通道") || !strings.Contains(body, "请选择隐患等级") {
				t.Fatalf("refused hazard form: %.800s", body)
			}
			resp, body = g.postMultipart("/hazards", url.Values{"project": {pid}, "place": {"2栋楼道"}, "description": {"纸箱堵塞消防通道"}, "severity": {"medium"}}, pngPhoto)
			wantStatus(t, "report hazard", resp, body, http.StatusSeeOther)
			hazardPath := resp.Header.Get("Location")
			_, body = lead.get(hazardPath)
			photo := regexp.MustCompile(`src="(/hazards/\d+/photos/\d+)"`).FindStringSubmatch(body)
			if photo == nil {
				t.Fatalf("hazard page lacks the photo: %.800s", body)
			}
			if resp, _ := lead.get(photo[1]); resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" {
				t.Fatalf("photo: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			resp, body = lead.post(hazardPath+"/assign", url.Values{"assignee_id": {fmt.Sprint(guard.ID)}})
			wantStatus(t, "assign", resp, body, http.StatusSeeOther)
			resp, body = g.postMultipart(hazardPath+"/rectify", url.Values{"note": {"已清理"}}, nil)
			wantStatus(t, "rectify without photo", resp, body, http.StatusUnprocessableEntity)
			resp, body = g.postMultipart(hazardPath+"/rectify", url.Values{"note": {"已清理"}}, pngPhoto)
			wantStatus(t, "rectify", resp, body, http.StatusSeeOther)
			_, body = g.get(hazardPath)
			if strings.Contains(body, `id="verify-form"`) || !strings.Contains(body, "你整改了这个隐患，须由他人复查") {
				t.Fatalf("the rectifier is offered to verify: %.1500s", body)
			}
			resp, body = g.post(hazardPath+"/verify", url.Values{"accepted": {"1"}})
			wantStatus(t, "the rectifier verifies", resp, body, http.StatusForbidden)
			if !strings.Contains(body, "须由他人复查") {
				t.Fatalf("no clear message: %.800s", body)
			}
			resp, body = g2.post(hazardPath+"/verify", url.Values{"accepted": {"1"}, "note": {"已复查"}})
			wantStatus(t, "another verifies", resp, body, http.StatusSeeOther)
			_, body = lead.get(hazardPath)
			if !strings.Contains(body, `<span class="badge" id="hazard-state">已关闭</span>`) {
				t.Fatalf("hazard not closed: %.800s", body)
			}

			// The knowledge base: leaders write, everyone reads.
			resp, body = lead.post("/knowledge", url.Values{"project": {pid}, "category": {"numbers"}, "title": {"常用电话"}, "body": {"报警 110\n火警 119"}})
			wantStatus(t, "kb entry", resp, body, http.StatusSeeOther)
			kbPath := resp.Header.Get("Location")
			_, body = g.get(kbPath)
			if !strings.Contains(body, "火警 119") {
				t.Fatalf("kb entry page: %.500s", body)
			}
			resp, body = g.post(kbPath, url.Values{"category": {"numbers"}, "title": {"x"}, "body": {"y"}})
			wantStatus(t, "guard edits the kb", resp, body, http.StatusForbidden)
		})
	}
}

// TestParkingAndAlarmAPI: a parking problem through its steps over the
// API with the plate matched to a resident, and the alarm list with a
// reminder that gets the alarm switched on.
func TestParkingAndAlarmAPI(t *testing.T) {
	app := newTestApp(t, sqlstore.SQLite)
	p := app.ProjectA
	ctx := app.adminCtx()
	res, err := sqlstore.NewOrgService(app.DB).GenerateRooms(ctx, wubu.RoomGeneration{ProjectID: p.ID, Building: "8", Units: 1, FirstFloor: 1, Floors: 1, PerFloor: 2})
	if err != nil {
		t.Fatal(err)
	}
	rooms, _, _ := sqlstore.NewOrgService(app.DB).FindRooms(ctx, wubu.RoomFilter{ProjectID: p.ID, BuildingID: &res.Building.ID})
	rs := sqlstore.NewResidentService(app.DB)
	owner := &wubu.Person{ProjectID: p.ID, Name: "周敏", AlarmStatus: wubu.AlarmOff}
	if err := rs.CreatePersonInRoom(ctx, owner, &wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
		t.Fatal(err)
	}
	off := wubu.AlarmOff
	if _, err := rs.UpdatePerson(ctx, owner.ID, wubu.PersonUpdate{AlarmStatus: &off}); err != nil {
		t.Fatal(err)
	}
	if err := rs.AddVehicle(ctx, &wubu.Vehicle{ProjectID: p.ID, PersonID: owner.ID, Plate: "粤B6M789"}); err != nil {
		t.Fatal(err)
	}
	guard := app.User(t, "a_guard", wubu.RoleStaff, wubu.PostSecurity, p)
	app.User(t, "a_lead", wubu.RoleTeamLeader, wubu.PostSecurity, p)
	g, lead := app.apiLogin(t, "a_guard"), app.apiLogin(t, "a_lead")

	var pp wubu.ParkingProblem
	if st := g.do("POST", fmt.Sprintf("/api/v1/projects/%d/parking", p.ID), map[string]any{"kind": "unknown_vehicle", "place": "地面车位"}, nil); st != http.StatusUnprocessableEntity {
		t.Fatalf("unknown vehicle without plate: %d", st)
	}
	if st := g.do("POST", fmt.Sprintf("/api/v1/projects/%d/parking", p.ID), map[string]any{"kind": "blocked_exit", "plate": "粤b6m789", "place": "B1 出口", "photo": pngPhoto}, &pp); st != http.StatusCreated {
		t.Fatalf("report: %d", st)
	}
	if pp.PersonID == nil || *pp.PersonID != owner.ID || pp.PersonRoom != rooms[0].Label || len(pp.Photos) != 1 {
		t.Fatalf("plate match: %+v", pp)
	}
	path := fmt.Sprintf("/api/v1/parking/%d", pp.ID)
	if st := g.do("POST", path+"/close", nil, nil); st != http.StatusConflict {
		t.Fatalf("close a reported problem: %d", st)
	}
	if st := g.do("POST", path+"/assign", map[string]any{"assignee_id": guard.ID}, nil); st != http.StatusForbidden {
		t.Fatalf("guard assigns: %d", st)
	}
	for _, step := range []struct {
		c    *apiClient
		path string
		body any
	}{{lead, "/assign", map[string]any{"assignee_id": guard.ID}}, {g, "/handle", map[string]any{"note": "电话联系车主挪车"}}, {lead, "/close", nil}} {
		if st := step.c.do("POST", path+step.path, step.body, &pp); st != http.StatusOK {
			t.Fatalf("%s: %d", step.path, st)
		}
	}
	if pp.State != wubu.ParkingClosed || pp.HandleNote != "电话联系车主挪车" {
		t.Fatalf("closed: %+v", pp)
	}

	// The alarm list per building, and a reminder that switches it on.
	var list []wubu.AlarmHousehold
	if st := g.do("GET", fmt.Sprintf("/api/v1/projects/%d/alarms?building=%d", p.ID, res.Building.ID), nil, &list); st != http.StatusOK || len(list) != 1 || list[0].PersonName != "周敏" {
		t.Fatalf("alarm list: %d %+v", st, list)
	}
	if st := g.do("POST", fmt.Sprintf("/api/v1/residents/%d/alarm-reminders", owner.ID), map[string]any{"method": "email"}, nil); st != http.StatusUnprocessableEntity {
		t.Fatalf("bad method: %d", st)
	}
	if st := g.do("POST", fmt.Sprintf("/api/v1/residents/%d/alarm-reminders", owner.ID), map[string]any{"method": "face_to_face", "switched_on": true}, nil); st != http.StatusCreated {
		t.Fatalf("reminder: %d", st)
	}
	if st := g.do("POST", fmt.Sprintf("/api/v1/residents/%d/security-advice", owner.ID), map[string]any{"topics": []string{"window_guards"}, "note": "一楼"}, nil); st != http.StatusCreated {
		t.Fatalf("advice: %d", st)
	}
	list = nil
	if st := g.do("GET", fmt.Sprintf("/api/v1/projects/%d/alarms", p.ID), nil, &list); st != http.StatusOK || len(list) != 0 {
		t.Fatalf("after switching on: %d %+v", st, list)
	}
	// The web list shows the empty state, the resident's timeline the contact.
	b := app.webLogin(t, "a_guard")
	_, body := b.get(fmt.Sprintf("/alarms?project=%d", p.ID))
	if !strings.Contains(body, "这里的住户都已开通报警") {
		t.Fatalf("alarm page: %.500s", body)
	}
	app.Clock.Add(time.Minute)
}
