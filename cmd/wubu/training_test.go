package main

import (
	"net/http"
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
