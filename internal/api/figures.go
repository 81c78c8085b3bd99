package api

import (
	"net/http"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// figuresRoutes are the daily roll-ups' figures (U2, issue 17): what the
// dashboard's charts draw.
func (h *Handler) figuresRoutes(r route) []server.Route {
	return []server.Route{
		r("GET", "/projects/{id}/figures", wubu.PermReportView, call(h, http.StatusOK, h.figures)),
	}
}

// figuresAnswer is the figures of a project over days, with the metrics'
// descriptions.
type figuresAnswer struct {
	ProjectID int64            `json:"project_id"`
	From      string           `json:"from"`
	To        string           `json:"to"`
	Group     wubu.FigureGroup `json:"group"`
	Metrics   []wubu.Metric    `json:"metrics"`
	Figures   []*wubu.Figure   `json:"figures"`
	Buckets   []int64          `json:"bucket_seconds"`
}

// figures sums the daily roll-ups of ?from= to ?to= (days 2026-11-27,
// to exclusive) by ?group= (project, day, week, month, building, person),
// for each ?metric= (repeatable; "promise." for every metric it begins).
func (h *Handler) figures(r *http.Request, id int64, _ none) (*figuresAnswer, error) {
	q := r.URL.Query()
	f := wubu.FigureFilter{ProjectID: id, From: q.Get("from"), To: q.Get("to"), Metrics: q["metric"], Group: wubu.FigureGroup(q.Get("group"))}
	fs, err := h.Rollups.Figures(r.Context(), f)
	if err != nil {
		return nil, err
	}
	if fs == nil {
		fs = []*wubu.Figure{}
	}
	a := &figuresAnswer{ProjectID: id, From: f.From, To: f.To, Group: f.Group, Figures: fs, Metrics: h.Rollups.Metrics()}
	if a.Group == "" {
		a.Group = wubu.ByProject
	}
	for _, b := range wubu.DurationBuckets {
		a.Buckets = append(a.Buckets, int64(b.Seconds()))
	}
	return a, nil
}
