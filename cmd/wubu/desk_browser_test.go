package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestBrowserDesk: at a PC, the desk assistant takes numbers for three
// arriving customers; with the third the board says the standby staff
// member was called; the first is called to the desk; a customer taking a
// number at the kiosk appears on the board without a reload (htmx).
func TestBrowserDesk(t *testing.T) {
	ctx := wubutest.NewBrowser(t, true)
	app := newTestApp(t, sqlstore.SQLite)
	admin := app.adminCtx()
	app.User(t, "qiantai", wubu.RoleStaff, wubu.PostService, app.ProjectA)
	standby := app.User(t, "beiqin", wubu.RoleTeamLeader, wubu.PostService, app.ProjectA)
	desk := sqlstore.NewDeskService(app.DB)
	if _, err := desk.UpdateDeskSettings(admin, wubu.DeskSettings{ProjectID: app.ProjectA.ID, WaitThreshold: 2, RecallMinutes: 10,
		Standby: []wubu.DeskStaff{{UserID: standby.ID}}}); err != nil {
		t.Fatal(err)
	}
	kiosk, err := desk.CreateKiosk(admin, app.ProjectA.ID, "前台屏幕")
	if err != nil {
		t.Fatal(err)
	}

	wubutest.Step(t, ctx, "sign in and open the desk",
		chromedp.Navigate(app.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "qiantai"),
		chromedp.SendKeys(chromedp.ID("password"), wubutest.Password),
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.ID("who")),
		chromedp.Navigate(app.URL+"/desk"),
		chromedp.WaitVisible(chromedp.ID("take-number")),
	)
	for i, b := range []string{"payment", "repair", "card"} {
		want := []string{"001", "002", "003"}[i]
		// The page after the form shows the number just taken, large.
		wubutest.Step(t, ctx, "take number "+want+" for "+b,
			chromedp.Click(chromedp.ID("take-"+b)),
			chromedp.WaitVisible(chromedp.CSS(`#taken[data-number="`+want+`"]`)),
		)
		called := wubutest.Get(t, ctx, "called", chromedp.Evaluate[bool](`!!document.getElementById("standby-called")`))
		if called != (i == 2) {
			t.Fatalf("after %d customers: standby called %v", i+1, called)
		}
	}
	if got := wubutest.Get(t, ctx, "standby", chromedp.Text(chromedp.ID("standby-called"))); !strings.Contains(got, "beiqin") {
		t.Fatalf("board shows %q, want the standby staff member", got)
	}
	if got := wubutest.Get(t, ctx, "waiting", chromedp.Text(chromedp.ID("waiting-count"))); !strings.Contains(got, "3") {
		t.Fatalf("waiting count %q", got)
	}
	if wide := wubutest.Get(t, ctx, "overflow", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`)); wide {
		t.Fatal("the desk scrolls sideways")
	}
	wubutest.Screenshot(t, ctx, "desk")

	// The first customer is called to the desk: being served.
	wubutest.Step(t, ctx, "call the first",
		chromedp.Click(chromedp.CSS(`#desk-board .desk-ticket form[action$="/serve"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#desk-board .desk-ticket.serving`)),
	)
	if got := wubutest.Get(t, ctx, "serving", chromedp.Text(chromedp.CSS(`#desk-board .desk-ticket.serving .desk-number`))); got != "001" {
		t.Fatalf("serving %q, want 001", got)
	}

	// A customer takes a number at the kiosk: the board shows it by itself.
	if _, err := desk.TakeNumber(wubu.NewContextWithUser(admin, wubu.KioskUser(kiosk)), app.ProjectA.ID, wubu.DeskPass, ""); err != nil {
		t.Fatal(err)
	}
	if !wubutest.Get(t, ctx, "the board updates", chromedp.Poll[bool](`[...document.querySelectorAll("#desk-board .desk-number")].some(e => e.textContent === "004")`)) {
		t.Fatal("the kiosk's number did not appear on the board")
	}
}
