package api

import (
	"net/http"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// trainingRoutes are the training's figures for the dashboards (issue 16):
// the assessments' scores per person, post and project, and the month's
// reward points ranked per post.
func (h *Handler) trainingRoutes(r func(string, string, wubu.Permission, http.HandlerFunc) server.Route) []server.Route {
	return []server.Route{
		r("GET", "/projects/{id}/training/scores", wubu.PermReportView, call(h, http.StatusOK, h.trainingScores)),
		r("GET", "/projects/{id}/training/points", wubu.PermReportView, call(h, http.StatusOK, h.trainingPoints)),
	}
}

// trainingScores: GET /api/v1/projects/{id}/training/scores.
func (h *Handler) trainingScores(r *http.Request, id int64, _ none) (list[*wubu.ScoreRow], error) {
	items, err := h.Training.Scores(r.Context(), id)
	return newList(items, len(items), 0), err
}

// trainingPoints: GET /api/v1/projects/{id}/training/points?month=2026-11
// (this month by default).
func (h *Handler) trainingPoints(r *http.Request, id int64, _ none) (list[*wubu.PointsRow], error) {
	month := r.URL.Query().Get("month")
	if month == "" {
		month = h.Clock.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01")
	}
	items, err := h.Training.Points(r.Context(), id, month)
	return newList(items, len(items), 0), err
}
