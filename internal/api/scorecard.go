package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// scorecardRoutes are the six-step scorecard and the quality view (issue
// 17), the same figures as the pages.
func (h *Handler) scorecardRoutes(r func(string, string, wubu.Permission, http.HandlerFunc) server.Route) []server.Route {
	return []server.Route{
		r("GET", "/projects/{id}/scorecard", wubu.PermReportView, call(h, http.StatusOK, h.scorecard)),
		r("GET", "/projects/{id}/scorecard/trend", wubu.PermReportView, call(h, http.StatusOK, h.scorecardTrend)),
		r("GET", "/quality", wubu.PermReportView, call(h, http.StatusOK, h.quality)),
	}
}

// period reads ?from=&to= (China days, to exclusive); the default is the
// last 30 days through today.
func (h *Handler) period(r *http.Request) (string, string) {
	cst := time.FixedZone("CST", 8*3600)
	today := h.Clock.Now().In(cst)
	from, to := r.URL.Query().Get("from"), r.URL.Query().Get("to")
	if to == "" {
		to = today.AddDate(0, 0, 1).Format(time.DateOnly)
	}
	if from == "" {
		from = today.AddDate(0, 0, -29).Format(time.DateOnly)
	}
	return from, to
}

func (h *Handler) scorecard(r *http.Request, id int64, _ none) (*wubu.Scorecard, error) {
	from, to := h.period(r)
	return h.Scorecards.Scorecard(r.Context(), id, from, to)
}

// scorecardTrend is the project's weekly health against the median:
// ?to= and ?weeks= (8 by default).
func (h *Handler) scorecardTrend(r *http.Request, id int64, _ none) ([]*wubu.TrendPoint, error) {
	_, to := h.period(r)
	weeks, _ := strconv.Atoi(r.URL.Query().Get("weeks"))
	if weeks == 0 {
		weeks = 8
	}
	return h.Scorecards.Trend(r.Context(), id, to, weeks)
}

func (h *Handler) quality(r *http.Request, _ int64, _ none) (*wubu.QualityView, error) {
	from, to := h.period(r)
	return h.Scorecards.Quality(r.Context(), from, to)
}
