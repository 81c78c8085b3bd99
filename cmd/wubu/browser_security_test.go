package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestBrowserReleasePass is the release pass in two browsers (S8): a guard
// on a phone starts a pass at the gate from the security post's page, an
// assistant at the service centre confirms it in another session, and the
// guard's page shows it confirmed without a reload, then releases the goods.
func TestBrowserReleasePass(t *testing.T) {
	guard := wubutest.NewBrowser(t, false)
	app := newTestApp(t, sqlstore.SQLite)
	admin := app.adminCtx()
	org, rs := sqlstore.NewOrgService(app.DB), sqlstore.NewResidentService(app.DB)
	if _, err := org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "3", Units: 1, FirstFloor: 1, Floors: 3, PerFloor: 2}); err != nil {
		t.Fatal(err)
	}
	label := "3-1-201"
	rooms, _, _ := org.FindRooms(admin, wubu.RoomFilter{ProjectID: app.ProjectA.ID, Label: &label})
	owner := &wubu.Person{ProjectID: app.ProjectA.ID, Name: "张三", Phones: []string{"13812345678"}}
	if err := rs.CreatePersonInRoom(admin, owner, &wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
		t.Fatal(err)
	}
	app.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, app.ProjectA)
	app.User(t, "assistant", wubu.RoleStaff, wubu.PostService, app.ProjectA)

	// The assistant's browser: a browser context of its own, so its own
	// cookies and session. Created without a deadline, as the first one.
	assistant, cancel := chromedp.NewContext(guard, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(assistant); err != nil {
		t.Fatal(err)
	}
	login := func(b string) {
		ctx := guard
		if b == "assistant" {
			ctx = assistant
		}
		wubutest.Step(t, ctx, "sign in as "+b,
			chromedp.Navigate(app.URL+"/login"),
			chromedp.WaitVisible(chromedp.ID("login")),
			chromedp.SendKeys(chromedp.ID("login"), b),
			chromedp.SendKeys(chromedp.ID("password"), wubutest.Password),
			chromedp.Click(chromedp.ID("submit")),
			chromedp.WaitVisible(chromedp.CSS("nav.main")),
		)
	}
	login("guard")
	login("assistant")

	// The guard: start page → start a pass → the person → the goods: three taps and a form.
	wubutest.Step(t, guard, "start a pass",
		chromedp.Navigate(app.URL+"/guard"),
		chromedp.Click(chromedp.ID("start-pass")),
		chromedp.WaitVisible(chromedp.ID("pass-q")),
		chromedp.SendKeys(chromedp.ID("pass-q"), "3-1-201"),
		chromedp.WaitVisible(chromedp.CSS("#pass-results a.hit")),
		chromedp.Click(chromedp.CSS("#pass-results a.hit")),
		chromedp.WaitVisible(chromedp.ID("pass-person")),
		chromedp.SendKeys(chromedp.ID("items"), "沙发 1 张\n纸箱 3 个"),
		chromedp.SendKeys(chromedp.ID("gate"), "东门"),
		chromedp.Click(chromedp.ID("pass-submit")),
		chromedp.WaitVisible(chromedp.ID("pass-state")),
	)
	if got := wubutest.Get(t, guard, "state", chromedp.Text(chromedp.ID("pass-state"))); got != "待确认" {
		t.Fatalf("got state %q, want 待确认", got)
	}
	path := wubutest.Get(t, guard, "location", chromedp.Evaluate[string](`location.pathname`))
	if !strings.HasPrefix(path, "/passes/") {
		t.Fatalf("got %q after starting the pass", path)
	}
	// A mark that a reload would wipe.
	wubutest.Step(t, guard, "mark the page", chromedp.Evaluate[chromedp.Void](`window.wubuMark = 1`))
	wubutest.Screenshot(t, guard, "pass-pending")

	// The assistant confirms it in the other session.
	wubutest.Step(t, assistant, "confirm",
		chromedp.Navigate(app.URL+path),
		chromedp.WaitVisible(chromedp.ID("confirm-form")),
		chromedp.Click(chromedp.ID("confirm")),
		chromedp.WaitVisible(chromedp.CSS(".alert.ok")),
	)
	if got := wubutest.Get(t, assistant, "state", chromedp.Text(chromedp.ID("pass-state"))); got != "已确认" {
		t.Fatalf("assistant sees %q", got)
	}

	// The guard's page turns without a reload (htmx polls every 2 s).
	wubutest.Step(t, guard, "see it confirmed", chromedp.WaitVisible(chromedp.ID("release")))
	if got := wubutest.Get(t, guard, "state", chromedp.Text(chromedp.ID("pass-state"))); got != "已确认" {
		t.Fatalf("got state %q on the guard's page, want 已确认", got)
	}
	if mark := wubutest.Get(t, guard, "mark", chromedp.Evaluate[int](`window.wubuMark || 0`)); mark != 1 {
		t.Fatal("the guard's page was reloaded")
	}
	if got := wubutest.Get(t, guard, "status", chromedp.Text(chromedp.ID("pass-status"))); !strings.Contains(got, "assistant") {
		t.Fatalf("got status %q, want the confirmer named", got)
	}
	wubutest.Screenshot(t, guard, "pass-confirmed")
	wubutest.Step(t, guard, "release",
		chromedp.Click(chromedp.ID("release")),
		chromedp.WaitVisible(chromedp.CSS("#pass-status.status-released")),
	)
	if got := wubutest.Get(t, guard, "state", chromedp.Text(chromedp.ID("pass-state"))); got != "已放行" {
		t.Fatalf("got state %q after release", got)
	}
	passes, _, err := sqlstore.NewPassService(app.DB, app.Main.Clocks).FindPasses(admin, wubu.PassFilter{ProjectID: app.ProjectA.ID})
	if err != nil || len(passes) != 1 || passes[0].State != wubu.PassReleased || passes[0].DecidedByName != "assistant" || passes[0].ReleaseGate != "东门" {
		t.Fatalf("got %+v %v", passes, err)
	}
}
