package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/seed"
)

// TestTrainingAPI: the dashboards read the training's figures as JSON: the
// demo's assessments (the security post's, the new hire's first) in the
// project's, the posts' and each person's scores, and the month's points
// ranked per post; another project's figures answer 404.
func TestTrainingAPI(t *testing.T) {
	a := newDemoApp(t)
	c := &apiClient{t: t, base: a.URL}
	var login struct {
		Token string `json:"token"`
	}
	if st := c.do("POST", "/api/v1/login", map[string]string{"login": "manager", "password": seed.Password}, &login); st != http.StatusOK {
		t.Fatalf("login: %d", st)
	}
	c.token = login.Token
	var scores struct {
		Items []wubu.ScoreRow `json:"items"`
	}
	if st := c.do("GET", "/api/v1/projects/1/training/scores", nil, &scores); st != http.StatusOK {
		t.Fatalf("scores: %d", st)
	}
	if len(scores.Items) < 4 || scores.Items[0].Scope != "project" || scores.Items[0].Sittings != 3 || scores.Items[1].Post != wubu.PostSecurity {
		t.Errorf("scores %+v, want the project's (two guards and the new hire), the posts' and the people's", scores.Items)
	}
	var points struct {
		Items []wubu.PointsRow `json:"items"`
	}
	if st := c.do("GET", "/api/v1/projects/1/training/points", nil, &points); st != http.StatusOK {
		t.Fatalf("points: %d", st)
	}
	if len(points.Items) != 2 || points.Items[0].Points == 0 || points.Items[0].Rank != 1 {
		t.Errorf("points %+v, want the guard's and the assistant's", points.Items)
	}
	if st := c.do("GET", "/api/v1/projects/1/training/points?month=2026-13", nil, nil); st != http.StatusUnprocessableEntity && st != http.StatusBadRequest {
		t.Errorf("a bad month: %d, want refused", st)
	}
	if st := c.do("GET", "/api/v1/projects/2/training/scores", nil, nil); st != http.StatusNotFound {
		t.Errorf("another project's scores: %d, want 404", st)
	}
}

// TestTrainingForms: a refused form of the training shows the page again
// with the reason in Chinese and what was typed: a question with no wrong
// answer; the second sign-off of a new hire by the one who gave the first.
func TestTrainingForms(t *testing.T) {
	a := newDemoApp(t)
	b := a.newBrowser(t)
	if resp, _ := b.post("/login", url.Values{"login": {"manager"}, "password": {seed.Password}}); resp.StatusCode >= 400 {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	resp, body := b.post("/training/questions", url.Values{"project": {"1"}, "text": {"消防控制室在哪里？"}, "right": {"1号楼负一层"}, "wrong": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请填写一个正确答案和一至五个错误答案") || !strings.Contains(body, "消防控制室在哪里？") {
		t.Errorf("question without a wrong answer: %d, want 422 with the reason and the text kept", resp.StatusCode)
	}
	// The demo's new hire awaits the service lead's sign-off (the
	// manager), then the training lead's (the manager too).
	if resp, _ = b.post("/training/onboarding/1/sign", url.Values{"note": {"前台接待考核合格"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first sign-off: %d", resp.StatusCode)
	}
	if _, body = b.get("/training/onboarding/1"); !strings.Contains(body, "待培训负责人验证") || !strings.Contains(body, "前台接待考核合格") {
		t.Fatal("after the first sign-off, the record does not await the training lead")
	}
	resp, body = b.post("/training/onboarding/1/sign", url.Values{"note": {"再签一次"}})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "您已验证过此培训") || !strings.Contains(body, "再签一次") {
		t.Errorf("second sign-off by the same person: %d, want 403 with the reason and the note kept", resp.StatusCode)
	}
}
