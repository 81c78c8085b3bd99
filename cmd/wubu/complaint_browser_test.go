package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestBrowserComplaintFastLane: the desk (a PC) looks a key customer up,
// takes their complaint from the lookup's hit, and the manager's Today (a
// 360 px phone, in Chinese) shows it at once as a fast-lane complaint, on
// top, without sideways scrolling.
func TestBrowserComplaintFastLane(t *testing.T) {
	desk := wubutest.NewBrowser(t, true)
	app := newTestApp(t, sqlstore.SQLite)
	admin := app.adminCtx()
	org, rs := sqlstore.NewOrgService(app.DB), sqlstore.NewResidentService(app.DB)
	if _, err := org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "6", Units: 1, FirstFloor: 1, Floors: 2, PerFloor: 2}); err != nil {
		t.Fatal(err)
	}
	label := "6-1-201"
	rooms, _, _ := org.FindRooms(admin, wubu.RoomFilter{ProjectID: app.ProjectA.ID, Label: &label})
	vip := &wubu.Person{ProjectID: app.ProjectA.ID, Name: "林重要", Phones: []string{"13812340000"}, Importance: 5, ImportanceIndex: 95}
	if err := rs.CreatePersonInRoom(admin, vip, &wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
		t.Fatal(err)
	}
	app.User(t, "qiantai", wubu.RoleStaff, wubu.PostService, app.ProjectA)
	app.User(t, "jingli", wubu.RoleManager, wubu.PostNone, app.ProjectA)

	manager, cancel := chromedp.NewContext(desk, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(manager); err != nil {
		t.Fatal(err)
	}
	wubutest.Step(t, manager, "phone size", chromedp.EmulateViewport(360, 800))
	signIn := func(b, login string) {
		ctx := desk
		if b == "manager" {
			ctx = manager
		}
		wubutest.Step(t, ctx, "sign in as "+login,
			chromedp.Navigate(app.URL+"/login"),
			chromedp.WaitVisible(chromedp.ID("login")),
			chromedp.SendKeys(chromedp.ID("login"), login),
			chromedp.SendKeys(chromedp.ID("password"), wubutest.Password),
			chromedp.Click(chromedp.ID("submit")),
			chromedp.WaitVisible(chromedp.CSS("nav.main")),
		)
	}
	signIn("desk", "qiantai")

	// The desk: the lookup, the hit's complaint button, the form.
	wubutest.Step(t, desk, "look the resident up and take a complaint",
		chromedp.Navigate(app.URL+"/lookup?q="+"6-1-201"),
		chromedp.WaitVisible(chromedp.CSS(".hit-complaint")),
		chromedp.Click(chromedp.CSS(".hit-complaint")),
		chromedp.WaitVisible(chromedp.ID("complaint-form")),
	)
	if got := wubutest.Get(t, desk, "resident", chromedp.Text(chromedp.ID("complaint-person"))); got != "林重要" {
		t.Fatalf("the form is for %q, want the resident from the lookup", got)
	}
	wubutest.Step(t, desk, "record the complaint",
		chromedp.SetValue(chromedp.CSS(`select[name="category"]`), "noise"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="description"]`), "楼上装修晚上十点后还在施工"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="wish"]`), "今晚停工"),
		chromedp.Click(chromedp.ID("complaint-submit")),
		chromedp.WaitVisible(chromedp.ID("complaint-lane")),
	)
	wubutest.Screenshot(t, desk, "complaint")

	// The manager's Today, at once: the fast-lane complaint on top.
	signIn("manager", "jingli")
	wubutest.Step(t, manager, "Today", chromedp.Navigate(app.URL+"/today"), chromedp.WaitVisible(chromedp.ID("agenda")))
	first := wubutest.Get(t, manager, "first item", chromedp.Evaluate[map[string]string](
		`(() => { const li = document.querySelector("#agenda li"); return {kind: li.dataset.kind, cls: li.className, text: li.innerText}; })()`))
	if first["kind"] != "complaint" || first["cls"] != "critical" || !strings.Contains(first["text"], "重要投诉") || !strings.Contains(first["text"], "林重要") {
		t.Fatalf("the manager's first item: %v, want the fast-lane complaint of 林重要", first)
	}
	if wide := wubutest.Get(t, manager, "overflow", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`)); wide {
		t.Fatal("Today scrolls sideways at 360 px")
	}
	wubutest.Screenshot(t, manager, "complaint-today")
	wubutest.Step(t, manager, "open it", chromedp.Click(chromedp.CSS(`#agenda li[data-kind="complaint"] a`)), chromedp.WaitVisible(chromedp.ID("complaint-lane")))
	if wide := wubutest.Get(t, manager, "overflow", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`)); wide {
		t.Fatal("the complaint scrolls sideways at 360 px")
	}
}
