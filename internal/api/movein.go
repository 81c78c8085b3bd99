package api

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// moveInRoutes are the routes of move-ins by zone (K7) and of survey
// results (K3, D1, D4).
func (h *Handler) moveInRoutes(r func(string, string, wubu.Permission, http.HandlerFunc) server.Route) []server.Route {
	return []server.Route{
		r("GET", "/projects/{id}/move-ins", wubu.PermResidentView, call(h, http.StatusOK, h.moveInList)),
		r("POST", "/projects/{id}/move-ins", wubu.PermResidentEdit, call(h, http.StatusCreated, h.moveInCreate)),
		r("GET", "/projects/{id}/move-ins/progress", wubu.PermResidentView, call(h, http.StatusOK, h.moveInProgress)),
		r("GET", "/move-ins/{id}", wubu.PermResidentView, call(h, http.StatusOK, h.moveInGet)),
		r("POST", "/move-ins/{id}/check", wubu.PermResidentEdit, call(h, http.StatusOK, h.moveInCheck)),
		r("POST", "/move-ins/{id}/complete", wubu.PermResidentEdit, call(h, http.StatusOK, h.moveInComplete)),
		r("GET", "/survey-forms/{id}/results", wubu.PermReportView, call(h, http.StatusOK, h.surveyResults)),
	}
}

// moveInList: GET /api/v1/projects/{id}/move-ins[?state=open][&zone=ID][&stalled=1].
func (h *Handler) moveInList(r *http.Request, id int64, _ none) (list[*wubu.MoveIn], error) {
	q := r.URL.Query()
	f := wubu.MoveInFilter{State: wubu.MoveInState(q.Get("state")), Stalled: q.Get("stalled") == "1"}
	if s := q.Get("zone"); s != "" {
		z, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return list[*wubu.MoveIn]{}, wubu.FieldErrorf("zone", wubu.EINVALID, "%s must be a number.", "zone")
		}
		f.ZoneID = &z
	}
	items, err := h.MoveIns.FindMoveIns(r.Context(), id, f)
	return newList(items, len(items), 0), err
}

// moveInRequest starts a move-in: the room and who moves in. A prospect
// of the sales office's list comes with source "prospect" and its entry in
// source_ref.
type moveInRequest struct {
	RoomID    int64         `json:"room_id"`
	Name      string        `json:"name"`
	Phone     string        `json:"phone"`
	Relation  wubu.Relation `json:"relation"`
	Members   []string      `json:"members"`
	MoveInOn  string        `json:"move_in_on"`
	Source    string        `json:"source"`
	SourceRef string        `json:"source_ref"`
}

// moveInCreate: POST /api/v1/projects/{id}/move-ins.
func (h *Handler) moveInCreate(r *http.Request, id int64, req moveInRequest) (*wubu.MoveIn, error) {
	m := &wubu.MoveIn{ProjectID: id, RoomID: req.RoomID, Name: req.Name, Phone: req.Phone, Relation: req.Relation, Members: req.Members,
		MoveInOn: req.MoveInOn, Source: req.Source, SourceRef: req.SourceRef}
	if err := h.MoveIns.StartMoveIn(r.Context(), m); err != nil {
		return nil, err
	}
	return h.MoveIns.FindMoveIn(r.Context(), m.ID)
}

// moveInProgress: GET /api/v1/projects/{id}/move-ins/progress.
func (h *Handler) moveInProgress(r *http.Request, id int64, _ none) (list[*wubu.ZoneProgress], error) {
	items, err := h.MoveIns.MoveInProgress(r.Context(), id)
	return newList(items, len(items), 0), err
}

func (h *Handler) moveInGet(r *http.Request, id int64, _ none) (*wubu.MoveIn, error) {
	return h.MoveIns.FindMoveIn(r.Context(), id)
}

// moveInCheckRequest ticks (or unticks) an item of the checklist.
type moveInCheckRequest struct {
	ItemID int64  `json:"item_id"`
	Done   bool   `json:"done"`
	Note   string `json:"note"`
}

// moveInCheck: POST /api/v1/move-ins/{id}/check.
func (h *Handler) moveInCheck(r *http.Request, id int64, req moveInCheckRequest) (*wubu.MoveIn, error) {
	return h.MoveIns.CheckMoveIn(r.Context(), id, req.ItemID, req.Done, req.Note)
}

// moveInComplete: POST /api/v1/move-ins/{id}/complete.
func (h *Handler) moveInComplete(r *http.Request, id int64, _ none) (*wubu.MoveIn, error) {
	return h.MoveIns.CompleteMoveIn(r.Context(), id)
}

// surveyResults: GET /api/v1/survey-forms/{id}/results.
func (h *Handler) surveyResults(r *http.Request, id int64, _ none) (*wubu.SurveyResults, error) {
	return h.Surveys.SurveyResults(r.Context(), id)
}
