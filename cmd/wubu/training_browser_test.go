package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/wubu-oss/wubu/internal/seed"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestBrowserTrainingQuiz: on a 360 px phone, a guard starts a
// five-question quiz from the training page, answers every question and
// sees the score; neither page scrolls sideways.
func TestBrowserTrainingQuiz(t *testing.T) {
	ctx := wubutest.NewBrowserSize(t, 360, 800)
	a := newDemoApp(t)
	wubutest.Step(t, ctx, "sign in as the guard",
		chromedp.Navigate(a.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "guard"),
		chromedp.SendKeys(chromedp.ID("password"), seed.Password),
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.CSS("nav.main")),
	)
	wubutest.Step(t, ctx, "the training page", chromedp.Navigate(a.URL+"/training"), chromedp.WaitVisible(chromedp.ID("start-quiz")))
	if bad := wubutest.Get(t, ctx, "check /training", chromedp.Evaluate[[]string](phoneCheck)); len(bad) > 0 {
		t.Errorf("/training at 360 px:\n\t%s", strings.Join(bad, "\n\t"))
	}
	wubutest.Screenshot(t, ctx, "training-phone")
	wubutest.Step(t, ctx, "start a quiz of five", chromedp.Click(chromedp.ID("start-quiz")), chromedp.WaitVisible(chromedp.ID("quiz")))
	n := wubutest.Get(t, ctx, "questions", chromedp.Evaluate[int](`document.querySelectorAll("fieldset.question").length`))
	if n != 5 {
		t.Fatalf("got %d questions, want 5", n)
	}
	if bad := wubutest.Get(t, ctx, "check the quiz", chromedp.Evaluate[[]string](phoneCheck)); len(bad) > 0 {
		t.Errorf("the quiz at 360 px:\n\t%s", strings.Join(bad, "\n\t"))
	}
	wubutest.Screenshot(t, ctx, "training-quiz-phone")
	wubutest.Step(t, ctx, "answer and submit",
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("fieldset.question").forEach(f => f.querySelector("input[type=radio]").click())`),
		chromedp.Click(chromedp.ID("submit-quiz")),
		chromedp.WaitVisible(chromedp.ID("quiz-score")),
	)
	score := wubutest.Get(t, ctx, "score", chromedp.Text(chromedp.ID("quiz-score")))
	if !strings.Contains(score, "得分") || !strings.Contains(score, "%") || !strings.Contains(score, "共 5 题") {
		t.Errorf("got score %q, want the score of five questions in Chinese", score)
	}
	if n := wubutest.Get(t, ctx, "results", chromedp.Evaluate[int](`document.querySelectorAll("#quiz-result li").length`)); n != 5 {
		t.Errorf("got %d results, want 5", n)
	}
	if bad := wubutest.Get(t, ctx, "check the result", chromedp.Evaluate[[]string](phoneCheck)); len(bad) > 0 {
		t.Errorf("the result at 360 px:\n\t%s", strings.Join(bad, "\n\t"))
	}
	wubutest.Screenshot(t, ctx, "training-score-phone")

	// The leaders' pages on the phone: the manager's.
	wubutest.Step(t, ctx, "sign out", chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login")))
	wubutest.Step(t, ctx, "sign in as the manager",
		chromedp.SendKeys(chromedp.ID("login"), "manager"),
		chromedp.SendKeys(chromedp.ID("password"), seed.Password),
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.CSS("nav.main")),
	)
	for _, page := range []string{"/projects/1", "/training/manage", "/training/report", "/training/onboarding/1", "/today"} {
		wubutest.Step(t, ctx, page, chromedp.Navigate(a.URL+page), chromedp.WaitVisible(chromedp.CSS("main")))
		if bad := wubutest.Get(t, ctx, "check "+page, chromedp.Evaluate[[]string](phoneCheck)); len(bad) > 0 {
			t.Errorf("manager %s at 360 px:\n\t%s", page, strings.Join(bad, "\n\t"))
		}
		wubutest.Screenshot(t, ctx, "training-manager"+strings.ReplaceAll(page, "/", "-"))
	}
	wubutest.Step(t, ctx, "the project page", chromedp.Navigate(a.URL+"/projects/1"), chromedp.WaitVisible(chromedp.ID("missing-leads")))
	if warn := wubutest.Get(t, ctx, "warning", chromedp.Text(chromedp.ID("missing-leads"))); !strings.Contains(warn, "保洁负责人") || strings.Contains(warn, "安全负责人") {
		t.Errorf("project page warns %q, want the cleaning lead and not the security lead", warn)
	}
}
