package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/wubu-oss/wubu/internal/seed"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestBrowserSegmentsScorecard: on a 360 px phone, in Chinese, the manager
// queries the residents cared for, sees the counts, saves the query as a
// segment and finds it offered as a notice's audience; the six-step
// scorecard over two months of generated activity shows the guideline's
// 22 cells coloured by health; the quality department ranks its two
// projects with the company median. No page scrolls sideways.
func TestBrowserSegmentsScorecard(t *testing.T) {
	ctx := wubutest.NewBrowserSize(t, 360, 800)
	a := newDemoApp(t)
	if _, err := seed.Activity(context.Background(), a.Main.DB, seed.ActivityOptions{Days: 60, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	if err := sqlstore.NewRollupService(a.Main.DB).Rebuild(seed.SystemContext(context.Background())); err != nil {
		t.Fatal(err)
	}
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
		wubutest.Screenshot(t, ctx, "segments-"+name)
	}
	text := func(what, sel string) string {
		return wubutest.Get(t, ctx, what, chromedp.Text(chromedp.CSS(sel)))
	}

	signIn("manager")
	wubutest.Step(t, ctx, "the residents cared for", chromedp.Navigate(a.URL+"/projects/1/segments?care=elderly_alone&care=mobility"), chromedp.WaitVisible(chromedp.ID("segment-counts")))
	if got := text("counts", "#segment-counts"); !strings.Contains(got, "位住户") {
		t.Fatalf("counts: %q", got)
	}
	check("query")
	// The demo's saved segments are listed already: take the list off this
	// page, so that waiting for it waits for the page the save leads to.
	wubutest.Get(t, ctx, "before saving", chromedp.Evaluate[bool](`(document.getElementById("segments-saved")?.remove(), true)`))
	wubutest.Step(t, ctx, "save the segment",
		chromedp.SendKeys(chromedp.CSS(`#segment-save input[name="name"]`), "关爱对象"),
		chromedp.Submit(chromedp.CSS(`#segment-save input[name="name"]`)),
		chromedp.WaitVisible(chromedp.ID("segments-saved")))
	if got := text("saved", "#segments-saved"); !strings.Contains(got, "关爱对象") {
		t.Fatalf("saved segments: %q", got)
	}
	wubutest.Step(t, ctx, "notices", chromedp.Navigate(a.URL+"/bulletins?project=1"), chromedp.WaitVisible(chromedp.ID("segment_id")))
	if got := text("audience", "#segment_id"); !strings.Contains(got, "关爱对象") {
		t.Fatalf("the notice's audience offers: %q", got)
	}
	wubutest.Step(t, ctx, "scorecard", chromedp.Navigate(a.URL+"/projects/1/scorecard"), chromedp.WaitVisible(chromedp.ID("scorecard")))
	if n := wubutest.Get(t, ctx, "cells", chromedp.Evaluate[int](`document.querySelectorAll("#scorecard td.cell").length`)); n != 22 {
		t.Fatalf("%d cells, want 22", n)
	}
	if cls := wubutest.Get(t, ctx, "passes", chromedp.Evaluate[string](`document.getElementById("cell-security.empathize").className`)); !strings.Contains(cls, "good") && !strings.Contains(cls, "fair") && !strings.Contains(cls, "poor") {
		t.Fatalf("the release passes' cell is not coloured: %q", cls)
	}
	grid := wubutest.Get(t, ctx, "grid", chromedp.Evaluate[string](`document.getElementById("scorecard").textContent`))
	for _, want := range []string{"认识客户", "成就客户", "放行条按时确认", "指引中无此项"} {
		if !strings.Contains(grid, want) {
			t.Errorf("the grid lacks %s", want)
		}
	}
	check("scorecard")
	wubutest.Step(t, ctx, "sign out", chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login")))

	signIn("quality")
	wubutest.Step(t, ctx, "quality", chromedp.Navigate(a.URL+"/quality"), chromedp.WaitVisible(chromedp.ID("quality")))
	if n := wubutest.Get(t, ctx, "rows", chromedp.Evaluate[int](`document.querySelectorAll("#quality tbody tr").length`)); n != 3 {
		t.Fatalf("%d rows, want the two projects and the median", n)
	}
	if got := text("median", "#quality-median"); !strings.Contains(got, "公司中位数") {
		t.Fatalf("median row: %q", got)
	}
	check("quality")
}
