package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestBrowserRenovationBriefing: on a phone (360 px), in the unit, the
// renovation manager goes through the briefing checklist: sent with an item
// left unticked, the form comes back with what was ticked and typed; with
// every item ticked, both names and a signature drawn, the renovation is
// briefed and the works may start.
func TestBrowserRenovationBriefing(t *testing.T) {
	ctx := wubutest.NewBrowserSize(t, 360, 800)
	app := newTestApp(t, sqlstore.SQLite)
	admin := app.adminCtx()
	mgr, reno := renovationManager(t, app, "zhuangxiu", 0)
	o := makeOrg(t, app, app.ProjectA, "r")
	now := app.Clock.Now().In(time.FixedZone("CST", 8*3600))
	r, err := reno.ApplyRenovation(admin, &wubu.NewRenovation{ProjectID: app.ProjectA.ID, RoomID: o.room, PersonID: o.resident, Company: "安居装饰",
		LeadName: "赵工长", LeadPhone: "13912345678", Scope: []string{"walls"}, PlannedFrom: now.Format(time.DateOnly), PlannedTo: now.AddDate(0, 1, 0).Format(time.DateOnly)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reno.ReviewRenovation(wubu.NewContextWithUser(admin, mgr), r.ID, wubu.RenovationApprove, ""); err != nil {
		t.Fatal(err)
	}
	page := app.URL + "/renovations/" + itoa(r.ID)
	wubutest.Step(t, ctx, "sign in and open the renovation", append(chromiumSignIn(app, "zhuangxiu"),
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.ID("brief-form")))...,
	)
	n := len(r.Briefing.Items)
	var ticks []chromedp.Action[chromedp.Void]
	for i := 0; i < n-1; i++ {
		ticks = append(ticks, chromedp.Click(chromedp.ID("tick-"+itoa(int64(i)))))
	}
	ticks = append(ticks, chromedp.SendKeys(chromedp.ID("resident-name"), "张业主"), chromedp.SendKeys(chromedp.ID("lead-name"), "赵工长"),
		chromedp.Click(chromedp.ID("brief-submit")), chromedp.WaitVisible(chromedp.CSS(".field-error, .error")))
	wubutest.Step(t, ctx, "send with an item left unticked", ticks...)
	if got := wubutest.Get(t, ctx, "kept", chromedp.Evaluate[string](`document.getElementById("resident-name").value + "|" + document.getElementById("tick-0").checked`)); got != "张业主|true" {
		t.Fatalf("the refused form kept %q", got)
	}
	if wide := wubutest.Get(t, ctx, "overflow", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`)); wide {
		t.Fatal("the briefing scrolls sideways at 360 px")
	}
	wubutest.Screenshot(t, ctx, "renovation-briefing")
	wubutest.Step(t, ctx, "tick the last item, sign and send",
		chromedp.Click(chromedp.ID("tick-"+itoa(int64(n-1)))),
		chromedp.Evaluate[chromedp.Void](`(() => { const c = document.querySelector("canvas.signature"); const r = c.getBoundingClientRect();
			for (const [t, x] of [["pointerdown", 10], ["pointermove", 60], ["pointermove", 120], ["pointerup", 120]])
				c.dispatchEvent(new PointerEvent(t, {clientX: r.left + x, clientY: r.top + 20 + x / 6, bubbles: true})); })()`),
		chromedp.Click(chromedp.ID("brief-submit")),
		chromedp.WaitVisible(chromedp.ID("briefing-done")),
	)
	got, err := reno.FindRenovation(admin, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != wubu.RenovationBriefed || got.Briefing.ResidentName != "张业主" || got.Briefing.LeadName != "赵工长" || len(got.Photos) != 1 {
		t.Fatalf("after the briefing: %s %+v, %d photos", got.State, got.Briefing, len(got.Photos))
	}
	if txt := wubutest.Get(t, ctx, "state", chromedp.Text(chromedp.ID("renovation-state"))); !strings.Contains(txt, "交底") {
		t.Fatalf("state shown %q", txt)
	}
}

// TestBrowserRenovationApplication: on a phone (360 px) the renovation
// manager takes an application: types the room and asks for its
// residents, chooses the resident, fills in the contractor, a worker and
// the scope; sent without the period, the form comes back with the
// resident, the worker row and the scope kept; with the period it is
// recorded. Nothing scrolls sideways.
func TestBrowserRenovationApplication(t *testing.T) {
	ctx := wubutest.NewBrowserSize(t, 360, 800)
	app := newTestApp(t, sqlstore.SQLite)
	admin := app.adminCtx()
	_, reno := renovationManager(t, app, "zhuangxiu", 0)
	o := makeOrg(t, app, app.ProjectA, "a")
	rooms, _, err := sqlstore.NewOrgService(app.DB).FindRooms(admin, wubu.RoomFilter{ProjectID: app.ProjectA.ID, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	before, err := reno.FindRenovations(admin, app.ProjectA.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	now := app.Clock.Now().In(time.FixedZone("CST", 8*3600))
	wubutest.Step(t, ctx, "sign in and open the application form", append(chromiumSignIn(app, "zhuangxiu"),
		chromedp.Navigate(app.URL+"/renovations/new"),
		chromedp.WaitVisible(chromedp.ID("renovation-form")))...,
	)
	wubutest.Step(t, ctx, "type the room and ask for its residents",
		chromedp.SendKeys(chromedp.ID("room"), rooms[0].Label),
		chromedp.SendKeys(chromedp.ID("company"), "安居装饰"),
		chromedp.Click(chromedp.ID("find-residents")),
		chromedp.WaitVisible(chromedp.ID("person-id")),
	)
	wubutest.Step(t, ctx, "fill in the application without the period",
		chromedp.SetValue(chromedp.ID("person-id"), itoa(o.resident)),
		chromedp.SendKeys(chromedp.ID("lead-name"), "赵工长"),
		chromedp.SendKeys(chromedp.ID("lead-phone"), "13912345678"),
		chromedp.SendKeys(chromedp.ID("worker-name-0"), "钱师傅"),
		chromedp.SendKeys(chromedp.ID("worker-id-0"), "11010519491231002X"),
		chromedp.SendKeys(chromedp.ID("worker-pass-0"), "ZX-7"),
		chromedp.Click(chromedp.ID("scope-walls")),
		chromedp.Click(chromedp.ID("renovation-submit")),
		chromedp.WaitVisible(chromedp.CSS(".field-error")),
	)
	kept := wubutest.Get(t, ctx, "kept", chromedp.Evaluate[string](`[document.getElementById("person-id").value, document.getElementById("worker-name-0").value,
		document.getElementById("worker-pass-0").value, document.getElementById("scope-walls").checked, document.getElementById("company").value].join("|")`))
	if kept != itoa(o.resident)+"|钱师傅|ZX-7|true|安居装饰" {
		t.Fatalf("the refused form kept %q", kept)
	}
	if wide := wubutest.Get(t, ctx, "overflow", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`)); wide {
		t.Fatal("the application form scrolls sideways at 360 px")
	}
	wubutest.Screenshot(t, ctx, "renovation-application")
	wubutest.Step(t, ctx, "give the period and send",
		chromedp.SetValue(chromedp.ID("planned-from"), now.Format(time.DateOnly)),
		chromedp.SetValue(chromedp.ID("planned-to"), now.AddDate(0, 1, 0).Format(time.DateOnly)),
		chromedp.Click(chromedp.ID("renovation-submit")),
		chromedp.WaitVisible(chromedp.ID("renovation-state")),
	)
	after, err := reno.FindRenovations(admin, app.ProjectA.ID, false)
	if err != nil || len(after) != len(before)+1 || after[0].PersonID != o.resident || after[0].LeadName != "赵工长" {
		t.Fatalf("after the application: %d renovations (%d before) %v", len(after), len(before), err)
	}
}

// chromiumSignIn are the steps of signing in as login on the login page.
func chromiumSignIn(app *testApp, login string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(app.URL + "/login"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), login),
		chromedp.SendKeys(chromedp.ID("password"), wubutest.Password),
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.ID("who")),
	}
}
