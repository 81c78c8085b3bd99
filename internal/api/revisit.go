package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// revisitRoutes are the routes of residents' revisits (U4, S3).
func (h *Handler) revisitRoutes(r func(string, string, wubu.Permission, http.HandlerFunc) server.Route) []server.Route {
	return []server.Route{
		r("GET", "/projects/{id}/revisits", wubu.PermResidentView, call(h, http.StatusOK, h.revisitList)),
		r("POST", "/residents/{id}/revisits", wubu.PermResidentEdit, call(h, http.StatusCreated, h.revisitCreate)),
		r("GET", "/revisits/{id}", wubu.PermResidentView, call(h, http.StatusOK, h.revisitGet)),
		r("POST", "/revisits/{id}/outcome", wubu.PermResidentEdit, call(h, http.StatusOK, h.revisitOutcome)),
	}
}

// revisitList: GET /api/v1/projects/{id}/revisits[?mine=1][&open=1][&person=ID].
func (h *Handler) revisitList(r *http.Request, id int64, _ none) (list[*wubu.Revisit], error) {
	q := r.URL.Query()
	f := wubu.RevisitFilter{ProjectID: id, Mine: q.Get("mine") == "1", Open: q.Get("open") == "1"}
	if s := q.Get("person"); s != "" {
		pid, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return list[*wubu.Revisit]{}, wubu.FieldErrorf("person", wubu.EINVALID, "%s must be a number.", "person")
		}
		f.PersonID = &pid
	}
	items, err := h.Revisits.FindRevisits(r.Context(), f)
	return newList(items, len(items), 0), err
}

// revisitRequest schedules a revisit: when, what for and its kind
// (revisit by default, special_day…).
type revisitRequest struct {
	DueAt   time.Time      `json:"due_at"`
	Purpose string         `json:"purpose"`
	Kind    wubu.VisitKind `json:"kind"`
}

// revisitCreate: POST /api/v1/residents/{id}/revisits.
func (h *Handler) revisitCreate(r *http.Request, id int64, req revisitRequest) (*wubu.Revisit, error) {
	v := &wubu.Revisit{PersonID: id, DueAt: req.DueAt, Purpose: req.Purpose, Kind: req.Kind}
	if err := h.Revisits.ScheduleRevisit(r.Context(), v); err != nil {
		return nil, err
	}
	return v, nil
}

func (h *Handler) revisitGet(r *http.Request, id int64, _ none) (*wubu.Revisit, error) {
	return h.Revisits.FindRevisit(r.Context(), id)
}

// revisitOutcome: POST /api/v1/revisits/{id}/outcome: the notes, the
// satisfaction, the checklist items done and the survey answers.
func (h *Handler) revisitOutcome(r *http.Request, id int64, req wubu.VisitOutcome) (*wubu.Revisit, error) {
	return h.Revisits.RecordVisit(r.Context(), id, req)
}
