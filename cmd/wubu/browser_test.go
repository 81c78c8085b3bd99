package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestBrowserRoomGenerator is the foundation's screen test in headless
// Chromium: a manager signs in on a phone-sized screen, generates a
// building's rooms on the admin screen, sees them listed, and switches the
// interface to English.
func TestBrowserRoomGenerator(t *testing.T) {
	ctx := wubutest.NewBrowser(t, false)
	app := newTestApp(t, sqlstore.SQLite)
	pid := strconv.FormatInt(app.ProjectA.ID, 10)

	wubutest.Step(t, ctx, "sign in",
		chromedp.Navigate(app.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "admin"),
		chromedp.SendKeys(chromedp.ID("password"), wubutest.Password),
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.CSS("nav.main")),
	)
	if got := wubutest.Get(t, ctx, "greeting", chromedp.Text(chromedp.CSS("main h1"))); !strings.Contains(got, "您好") {
		t.Fatalf("got start page heading %q, want a Chinese greeting", got)
	}
	wubutest.Screenshot(t, ctx, "start")

	wubutest.Step(t, ctx, "open the generator",
		chromedp.Navigate(app.URL+"/projects/"+pid),
		chromedp.Click(chromedp.ID("generate-rooms")),
		chromedp.WaitVisible(chromedp.ID("generate-form")),
		chromedp.SendKeys(chromedp.ID("building"), "3"),
		chromedp.SetValue(chromedp.ID("units"), "2"),
		chromedp.SetValue(chromedp.ID("floors"), "33"),
		chromedp.SetValue(chromedp.ID("per_floor"), "4"),
		chromedp.Click(chromedp.ID("generate")),
		chromedp.WaitVisible(chromedp.CSS(".rooms")),
	)
	if got := wubutest.Get(t, ctx, "notice", chromedp.Text(chromedp.CSS(".alert.ok"))); !strings.Contains(got, "已生成 264 个房号：3-1-101 至 3-2-3304") {
		t.Fatalf("got notice %q", got)
	}
	rooms := wubutest.Get(t, ctx, "rooms", chromedp.Text(chromedp.CSS("main")))
	for _, want := range []string{"3-1-101", "3-2-1201", "3-2-3304", "1单元", "2单元"} {
		if !strings.Contains(rooms, want) {
			t.Errorf("building page lacks %s", want)
		}
	}
	wubutest.Screenshot(t, ctx, "building-zh")

	// Back on the project page the building is listed with its counts.
	wubutest.Step(t, ctx, "project page", chromedp.Navigate(app.URL+"/projects/"+pid), chromedp.WaitVisible(chromedp.ID("buildings")))
	if got := wubutest.Get(t, ctx, "buildings", chromedp.Text(chromedp.ID("buildings"))); !strings.Contains(got, "3栋") || !strings.Contains(got, "264") {
		t.Fatalf("got buildings table %q, want building 3 with 264 rooms", got)
	}

	// Switch to English.
	wubutest.Step(t, ctx, "switch to English",
		chromedp.Click(chromedp.ID("lang-switch")),
		// Wait for the new page, not the old one still showing.
		chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] #buildings`)),
	)
	if got := wubutest.Get(t, ctx, "buildings in English", chromedp.Text(chromedp.ID("buildings"))); !strings.Contains(got, "Building 3") {
		t.Fatalf("got %q, want the buildings table in English", got)
	}
	if got := wubutest.Get(t, ctx, "nav", chromedp.Text(chromedp.CSS("nav.main"))); !strings.Contains(got, "Projects") || !strings.Contains(got, "Audit log") {
		t.Fatalf("got navigation %q, want English", got)
	}
	wubutest.Screenshot(t, ctx, "project-en")
}
