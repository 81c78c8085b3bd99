package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/wubu-oss/wubu/internal/seed"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// phonePages are the pages each post uses all day, opened at 360 px.
var phonePages = map[string][]string{
	"guard":     {"/today", "/guard", "/passes", "/patrol", "/patrol/routes/1", "/hazards", "/parking", "/lookup?q=101"},
	"assistant": {"/today", "/passes", "/orders", "/projects/1/orders/new", "/incidents/new", "/lookup?q=101", "/projects/1/residents", "/projects/1/cards/expiring"},
	"tech":      {"/today", "/orders", "/orders/mine"},
	"manager":   {"/today", "/projects/1/outbox", "/audit", "/staff", "/orders", "/projects/1"},
}

// phoneCheck finds what breaks a page on a phone: the page (or a part of
// it other than the menu's own scroller) scrolling sideways, and table
// cells narrower than two characters; radio buttons drawn as big empty
// circles.
const phoneCheck = `(() => {
	const bad = [];
	const doc = document.documentElement;
	if (doc.scrollWidth > doc.clientWidth + 1) bad.push("the page scrolls sideways: " + doc.scrollWidth + " px wide");
	for (const el of document.querySelectorAll("body *")) {
		if (el.closest("nav.main")) continue;
		const ox = getComputedStyle(el).overflowX;
		if ((ox === "auto" || ox === "scroll") && el.scrollWidth > el.clientWidth + 1) {
			bad.push((el.id || el.className || el.tagName) + " scrolls sideways: " + el.scrollWidth + " px in " + el.clientWidth);
		}
	}
	for (const c of document.querySelectorAll("td, th")) {
		const r = c.getBoundingClientRect();
		if (r.width === 0 || r.height === 0 || !c.textContent.trim()) continue;
		const st = getComputedStyle(c);
		const inner = r.width - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight);
		if (inner < 2 * parseFloat(st.fontSize)) bad.push("cell " + JSON.stringify(c.textContent.trim().slice(0, 12)) + " is " + Math.round(inner) + " px wide");
	}
	for (const r of document.querySelectorAll("input[type=radio]")) {
		if (r.getBoundingClientRect().width > 32) bad.push("a radio button " + Math.round(r.getBoundingClientRect().width) + " px wide");
	}
	return bad;
})()`

// TestBrowserPhone opens the pages of every post on a 360 px phone: none
// scrolls sideways but the menu, no table cell is narrower than two
// characters, and the menu shows its main items with a "more".
func TestBrowserPhone(t *testing.T) {
	ctx := wubutest.NewBrowserSize(t, 360, 800)
	a := newDemoApp(t)
	for _, login := range []string{"guard", "assistant", "tech", "manager"} {
		wubutest.Step(t, ctx, "sign in as "+login,
			chromedp.Navigate(a.URL+"/login"),
			chromedp.WaitVisible(chromedp.ID("login")),
			chromedp.SendKeys(chromedp.ID("login"), login),
			chromedp.SendKeys(chromedp.ID("password"), seed.Password),
			chromedp.Click(chromedp.ID("submit")),
			chromedp.WaitVisible(chromedp.CSS("nav.main")),
		)
		for _, page := range phonePages[login] {
			wubutest.Step(t, ctx, login+" "+page, chromedp.Navigate(a.URL+page), chromedp.WaitVisible(chromedp.CSS("main")))
			if bad := wubutest.Get(t, ctx, "check "+page, chromedp.Evaluate[[]string](phoneCheck)); len(bad) > 0 {
				t.Errorf("%s %s at 360 px:\n\t%s", login, page, strings.Join(bad, "\n\t"))
			}
			wubutest.Screenshot(t, ctx, fmt.Sprintf("phone-%s%s", login, strings.NewReplacer("/", "-", "?", "-", "=", "-").Replace(page)))
		}
		// The menu: its main items, and the rest behind "more".
		if n := wubutest.Get(t, ctx, "menu", chromedp.Evaluate[int](`[...document.querySelectorAll("nav.main > a")].filter(a => a.getBoundingClientRect().width > 0).length`)); n > 5 {
			t.Errorf("%s: %d menu items shown on a phone, want at most 5 and a \"more\"", login, n)
		}
		wubutest.Step(t, ctx, "sign out", chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login")))
	}
}
