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

// TestRenovationPages: on the renovation's page during the works an
// inspector records a structural violation, which links its hazard; the
// renovation manager records the rectification with a photo and may not
// verify it himself; another technician verifies it; the final inspection
// refuses a withheld deposit without a reason, keeping what was typed, then
// closes the renovation. The guard's look-up shows the worker allowed in
// while the works run within the permitted hours, and not allowed now at
// night. The final inspection needs every item checked.
func TestRenovationPages(t *testing.T) {
	app := newTestApp(t, sqlstore.SQLite)
	admin := app.adminCtx()
	app.User(t, "xuncha", wubu.RoleStaff, wubu.PostMaintenance, app.ProjectA)
	app.User(t, "menwei", wubu.RoleStaff, wubu.PostSecurity, app.ProjectA)
	mgr, reno := renovationManager(t, app, "zhuangxiu", 2000)
	o := makeOrg(t, app, app.ProjectA, "p")
	now := app.Clock.Now().In(time.FixedZone("CST", 8*3600))
	r, err := reno.ApplyRenovation(admin, &wubu.NewRenovation{ProjectID: app.ProjectA.ID, RoomID: o.room, PersonID: o.resident, Company: "安居装饰",
		LeadName: "赵工长", LeadPhone: "13912345678", Scope: []string{"walls"}, PlannedFrom: now.Format(time.DateOnly), PlannedTo: now.AddDate(0, 1, 0).Format(time.DateOnly),
		Workers: []wubu.RenovationWorker{{Name: "钱师傅", IDNumber: "11010519491231002X", PassNo: "ZX-9"}}})
	if err != nil {
		t.Fatal(err)
	}
	mctx := wubu.NewContextWithUser(admin, mgr)
	all := make([]int, len(r.Briefing.Items))
	for i := range all {
		all[i] = i
	}
	if _, err := reno.ReviewRenovation(mctx, r.ID, wubu.RenovationApprove, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := reno.BriefRenovation(mctx, r.ID, wubu.BriefingRecord{Ticked: all, ResidentName: "业主", LeadName: "赵工长"}); err != nil {
		t.Fatal(err)
	}
	if _, err := reno.StartWorks(mctx, r.ID); err != nil {
		t.Fatal(err)
	}
	page := "/renovations/" + itoa(r.ID)
	inspector, manager := app.webLogin(t, "xuncha"), app.webLogin(t, "zhuangxiu")

	resp, _ := inspector.postMultipart(page+"/violations", url.Values{"kind": {"structure"}, "description": {"拆除承重墙"}}, pngPhoto)
	_, body := inspector.get(page)
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(body, "拆除承重墙") || !strings.Contains(body, `href="/hazards/`) {
		t.Fatalf("record: %d, the page %.300s", resp.StatusCode, body)
	}
	vs, err := reno.FindViolations(admin, r.ID)
	if err != nil || len(vs) != 1 || vs[0].HazardID == nil {
		t.Fatalf("violations %+v %v", vs, err)
	}
	vid := itoa(vs[0].ID)
	if resp, _ := manager.postMultipart(page+"/violations/rectify", url.Values{"violation_id": {vid}, "note": {"已恢复"}}, pngPhoto); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("rectify: %d", resp.StatusCode)
	}
	resp, body = manager.post(page+"/violations/verify", url.Values{"violation_id": {vid}, "accepted": {"1"}})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "须由其他人复查") {
		t.Fatalf("the rectifier verifies: %d %.300s", resp.StatusCode, body)
	}
	if resp, _ := inspector.post(page+"/violations/verify", url.Values{"violation_id": {vid}, "accepted": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("verify: %d", resp.StatusCode)
	}

	guard := app.webLogin(t, "menwei")
	if _, body := guard.get("/renovation-workers?q=" + url.QueryEscape("钱师傅")); !strings.Contains(body, `data-allowed="true"`) || strings.Contains(body, "1949") ||
		!strings.Contains(body, "08:00–18:00") {
		t.Fatalf("the guard's look-up: %.500s", body)
	}
	// At night (the clock moved 12 hours to 21:00), not allowed now.
	app.Clock.Add(12 * time.Hour)
	if _, body := app.webLogin(t, "menwei").get("/renovation-workers?q=ZX-9"); !strings.Contains(body, `data-allowed="false"`) || !strings.Contains(body, "不在允许的施工时间内") {
		t.Fatalf("the guard's look-up at night: %.800s", body)
	}
	app.Clock.Add(-12 * time.Hour)

	// The final inspection: every item checked, a withheld deposit with
	// its reason.
	var final []string
	for i := range wubu.DefaultFinalChecklist {
		final = append(final, itoa(int64(i)))
	}
	resp, body = manager.post(page+"/accept", url.Values{"final": final[1:], "note": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "第 1 项未勾选") || !strings.Contains(body, `id="final-1" checked`) {
		t.Fatalf("an item not checked: %d %.300s", resp.StatusCode, body)
	}
	resp, body = manager.post(page+"/accept", url.Values{"final": final, "withhold": {"1"}, "note": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "扣留押金的理由") || !strings.Contains(body, `name="withhold" value="1" checked`) {
		t.Fatalf("withheld without a reason: %d %.300s", resp.StatusCode, body)
	}
	resp, _ = manager.post(page+"/accept", url.Values{"final": final, "withhold": {"1"}, "note": {"损坏公共走廊地砖"}})
	_, body = manager.get(page)
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(body, "已扣留") || !strings.Contains(body, `id="final-done"`) || !strings.Contains(body, "承重墙、柱、梁完好") {
		t.Fatalf("accepted: %d %.300s", resp.StatusCode, body)
	}
}
