package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/wubu-oss/wubu/internal/seed"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestBrowserMoveInPhone: on a 360 px phone the zone assistant finds the
// demo's stalled move-in on Today, opens it and ticks the next item of the
// checklist, which takes it off Today; the move-ins by zone, the visits and
// a welcome visit with its checklist and answers read on the phone; the
// manager reads the satisfaction form's results per building. No page
// scrolls sideways.
func TestBrowserMoveInPhone(t *testing.T) {
	ctx := wubutest.NewBrowserSize(t, 360, 800)
	a := newDemoApp(t)
	signIn := func(login string) {
		wubutest.Step(t, ctx, "sign in as "+login,
			chromedp.Navigate(a.URL+"/login"),
			chromedp.WaitVisible(chromedp.ID("login")),
			chromedp.SendKeys(chromedp.ID("login"), login),
			chromedp.SendKeys(chromedp.ID("password"), seed.Password),
			chromedp.Click(chromedp.ID("submit")),
			chromedp.WaitVisible(chromedp.CSS("nav.main")),
		)
	}
	check := func(name string) {
		t.Helper()
		if bad := wubutest.Get(t, ctx, "check "+name, chromedp.Evaluate[[]string](phoneCheck)); len(bad) > 0 {
			t.Errorf("%s at 360 px:\n\t%s", name, strings.Join(bad, "\n\t"))
		}
		wubutest.Screenshot(t, ctx, "visits-"+name)
	}
	signIn("assistant")
	wubutest.Step(t, ctx, "today", chromedp.Navigate(a.URL+"/today"), chromedp.WaitVisible(chromedp.CSS("main")))
	href := wubutest.Get(t, ctx, "the stalled move-in on Today", chromedp.Evaluate[string](`(() => { const a = [...document.querySelectorAll("main a")].find(a => a.getAttribute("href").startsWith("/move-ins/")); return a ? a.getAttribute("href") + "|" + a.closest("li, tr, div").textContent : ""; })()`))
	if !strings.Contains(href, "入伙停滞") {
		t.Fatalf("Today shows no stalled move-in: %q", href)
	}
	check("today")
	path := href[:strings.Index(href, "|")]
	wubutest.Step(t, ctx, "open the move-in", chromedp.Navigate(a.URL+path), chromedp.WaitVisible(chromedp.ID("checklist")))
	check("move-in")
	before := wubutest.Get(t, ctx, "ticked", chromedp.Evaluate[int](`document.querySelectorAll("#checklist button[data-item]").length`))
	wubutest.Step(t, ctx, "tick the next item", chromedp.Click(chromedp.CSS("#checklist button[data-item]")), chromedp.WaitVisible(chromedp.CSS(".alert.ok")))
	if after := wubutest.Get(t, ctx, "ticked", chromedp.Evaluate[int](`document.querySelectorAll("#checklist button[data-item]").length`)); after != before-1 {
		t.Fatalf("items left after the tick: %d, want %d", after, before-1)
	}
	wubutest.Step(t, ctx, "today again", chromedp.Navigate(a.URL+"/today"), chromedp.WaitVisible(chromedp.CSS("main")))
	if s := wubutest.Get(t, ctx, "today", chromedp.Evaluate[string](`document.querySelector("main").textContent`)); strings.Contains(s, "入伙停滞") {
		t.Errorf("the move-in is still stalled on Today after progress")
	}
	for _, p := range []string{"/projects/1/move-ins", "/projects/1/revisits?kind=welcome"} {
		wubutest.Step(t, ctx, p, chromedp.Navigate(a.URL+p), chromedp.WaitVisible(chromedp.CSS("main")))
		check(strings.NewReplacer("/", "-", "?", "-", "=", "-").Replace(p))
	}
	wubutest.Step(t, ctx, "the recorded welcome visit", chromedp.Navigate(a.URL+"/projects/1/revisits?kind=welcome"), chromedp.WaitVisible(chromedp.CSS("main")),
		chromedp.Click(chromedp.CSS(`#revisits tr:last-child a[href^="/revisits/"]`)), chromedp.WaitVisible(chromedp.ID("revisit")))
	if s := wubutest.Get(t, ctx, "visit", chromedp.Evaluate[string](`document.querySelector("main").textContent`)); !strings.Contains(s, "欢迎卡") || !strings.Contains(s, "装修管理") {
		t.Errorf("the welcome visit shows no checklist or answers: %.300s", s)
	}
	check("welcome-visit")
	wubutest.Step(t, ctx, "a planned welcome visit's form", chromedp.Navigate(a.URL+"/projects/1/revisits?kind=welcome&open=1"), chromedp.WaitVisible(chromedp.CSS("main")),
		chromedp.Click(chromedp.CSS(`#revisits a[href^="/revisits/"]`)), chromedp.WaitVisible(chromedp.ID("visit-survey-form")), chromedp.WaitVisible(chromedp.ID("visit-checklist")))
	check("welcome-visit-form")
	wubutest.Step(t, ctx, "sign out", chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login")))

	signIn("manager")
	wubutest.Step(t, ctx, "surveys", chromedp.Navigate(a.URL+"/projects/1/surveys"), chromedp.WaitVisible(chromedp.ID("survey-forms")))
	check("surveys")
	wubutest.Step(t, ctx, "results", chromedp.Click(chromedp.CSS(`#survey-forms a[href$="/results"]`)), chromedp.WaitVisible(chromedp.ID("results-all")))
	check("results")
}
