package api

import (
	"net/http"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// patrolRoutes are the API of patrols, hazards, parking problems, alarm
// reminders, the building one-to-one and the knowledge base (S3–S7, S10,
// S11).
func (h *Handler) patrolRoutes(r route) []server.Route {
	return []server.Route{
		r("GET", "/projects/{id}/patrol-routes", wubu.PermSecurityView, call(h, http.StatusOK, h.patrolRouteList)),
		r("POST", "/patrol-routes/{id}/runs", wubu.PermSecurityEdit, call(h, http.StatusCreated, h.patrolRunStart)),
		r("POST", "/patrol/checkin", wubu.PermSecurityEdit, call(h, http.StatusOK, h.patrolCheckin)),
		r("GET", "/patrol-runs/{id}", wubu.PermSecurityView, call(h, http.StatusOK, h.patrolRunGet)),
		r("POST", "/patrol-runs/{id}/finish", wubu.PermSecurityEdit, call(h, http.StatusOK, h.patrolRunFinish)),

		r("GET", "/projects/{id}/hazards", wubu.PermSecurityView, call(h, http.StatusOK, h.hazardList)),
		r("POST", "/projects/{id}/hazards", wubu.PermSecurityEdit, call(h, http.StatusCreated, h.hazardCreate)),
		r("GET", "/hazards/{id}", wubu.PermSecurityView, call(h, http.StatusOK, h.hazardGet)),
		r("POST", "/hazards/{id}/assign", wubu.PermSecurityManage, call(h, http.StatusOK, h.hazardAssign)),
		r("POST", "/hazards/{id}/rectify", wubu.PermSecurityEdit, call(h, http.StatusOK, h.hazardRectify)),
		r("POST", "/hazards/{id}/verify", wubu.PermSecurityEdit, call(h, http.StatusOK, h.hazardVerify)),

		r("GET", "/projects/{id}/parking", wubu.PermSecurityView, call(h, http.StatusOK, h.parkingList)),
		r("POST", "/projects/{id}/parking", wubu.PermSecurityEdit, call(h, http.StatusCreated, h.parkingCreate)),
		r("GET", "/parking/{id}", wubu.PermSecurityView, call(h, http.StatusOK, h.parkingGet)),
		r("POST", "/parking/{id}/assign", wubu.PermSecurityManage, call(h, http.StatusOK, h.parkingAssign)),
		r("POST", "/parking/{id}/handle", wubu.PermSecurityEdit, call(h, http.StatusOK, h.parkingHandle)),
		r("POST", "/parking/{id}/close", wubu.PermSecurityEdit, call(h, http.StatusOK, h.parkingClose)),

		r("GET", "/projects/{id}/alarms", wubu.PermSecurityView, call(h, http.StatusOK, h.alarmList)),
		r("POST", "/residents/{id}/alarm-reminders", wubu.PermSecurityEdit, call(h, http.StatusCreated, h.alarmReminder)),
		r("POST", "/residents/{id}/security-advice", wubu.PermSecurityEdit, call(h, http.StatusCreated, h.securityAdvice)),
		r("GET", "/buildings/{id}/security", wubu.PermSecurityView, call(h, http.StatusOK, h.buildingSecurity)),
		r("GET", "/projects/{id}/knowledge", wubu.PermSecurityView, call(h, http.StatusOK, h.kbList)),
	}
}

func (h *Handler) patrolRouteList(r *http.Request, id int64, _ none) ([]*wubu.PatrolRoute, error) {
	return h.Patrols.FindRoutes(r.Context(), id)
}

func (h *Handler) patrolRunStart(r *http.Request, id int64, _ none) (*wubu.PatrolRun, error) {
	return h.Patrols.StartRun(r.Context(), id)
}

type checkinRequest struct {
	Code   string             `json:"code"`
	Method wubu.CheckinMethod `json:"method"`
}

func (h *Handler) patrolCheckin(r *http.Request, _ int64, req checkinRequest) (*wubu.CheckinResult, error) {
	return h.Patrols.Checkin(r.Context(), req.Code, req.Method)
}

func (h *Handler) patrolRunGet(r *http.Request, id int64, _ none) (*wubu.PatrolRun, error) {
	return h.Patrols.FindRun(r.Context(), id)
}

func (h *Handler) patrolRunFinish(r *http.Request, id int64, _ none) (*wubu.PatrolRun, error) {
	return h.Patrols.FinishRun(r.Context(), id)
}

// hazardList: GET /api/v1/projects/{id}/hazards[?state=][&open=1][&overdue=1][&mine=1].
func (h *Handler) hazardList(r *http.Request, id int64, _ none) (list[*wubu.Hazard], error) {
	offset, limit := paging(r)
	q := r.URL.Query()
	f := wubu.HazardFilter{State: wubu.HazardState(q.Get("state")), Open: q.Get("open") == "1", Overdue: q.Get("overdue") == "1", Offset: offset, Limit: limit}
	if q.Get("mine") == "1" {
		f.AssigneeID = &wubu.UserFromContext(r.Context()).ID
	}
	hs, total, err := h.Hazards.FindHazards(r.Context(), id, f)
	return newList(hs, total, offset), err
}

// hazardRequest is a hazard to report, with its photo (base64).
type hazardRequest struct {
	wubu.Hazard
	Photo []byte `json:"photo"`
}

func (h *Handler) hazardCreate(r *http.Request, id int64, req hazardRequest) (*wubu.Hazard, error) {
	req.Hazard.ProjectID = id
	var photo *wubu.Photo
	if len(req.Photo) > 0 {
		photo = &wubu.Photo{Data: req.Photo}
	}
	if err := h.Hazards.ReportHazard(r.Context(), &req.Hazard, photo); err != nil {
		return nil, err
	}
	return h.Hazards.FindHazard(r.Context(), req.Hazard.ID)
}

func (h *Handler) hazardGet(r *http.Request, id int64, _ none) (*wubu.Hazard, error) {
	return h.Hazards.FindHazard(r.Context(), id)
}

type securityAssignRequest struct {
	AssigneeID int64     `json:"assignee_id"`
	Due        time.Time `json:"due"`
}

func (h *Handler) hazardAssign(r *http.Request, id int64, req securityAssignRequest) (*wubu.Hazard, error) {
	return h.Hazards.AssignHazard(r.Context(), id, wubu.HazardAssignment{AssigneeID: req.AssigneeID, Due: req.Due})
}

// securityStepRequest carries a note and an optional photo (base64).
type securityStepRequest struct {
	Note     string `json:"note"`
	Photo    []byte `json:"photo"`
	Accepted bool   `json:"accepted"`
}

func (req securityStepRequest) photo() *wubu.Photo {
	if len(req.Photo) == 0 {
		return nil
	}
	return &wubu.Photo{Data: req.Photo}
}

func (h *Handler) hazardRectify(r *http.Request, id int64, req securityStepRequest) (*wubu.Hazard, error) {
	return h.Hazards.RectifyHazard(r.Context(), id, req.Note, req.photo())
}

func (h *Handler) hazardVerify(r *http.Request, id int64, req securityStepRequest) (*wubu.Hazard, error) {
	return h.Hazards.VerifyHazard(r.Context(), id, req.Accepted, req.Note)
}

// parkingList: GET /api/v1/projects/{id}/parking[?state=][&open=1][&plate=].
func (h *Handler) parkingList(r *http.Request, id int64, _ none) (list[*wubu.ParkingProblem], error) {
	offset, limit := paging(r)
	q := r.URL.Query()
	ps, total, err := h.Parking.FindParkings(r.Context(), id, wubu.ParkingFilter{State: wubu.ParkingState(q.Get("state")), Open: q.Get("open") == "1",
		Plate: q.Get("plate"), Offset: offset, Limit: limit})
	return newList(ps, total, offset), err
}

type parkingRequest struct {
	wubu.ParkingProblem
	Photo []byte `json:"photo"`
}

func (h *Handler) parkingCreate(r *http.Request, id int64, req parkingRequest) (*wubu.ParkingProblem, error) {
	req.ParkingProblem.ProjectID = id
	var photos []*wubu.Photo
	if len(req.Photo) > 0 {
		photos = append(photos, &wubu.Photo{Data: req.Photo})
	}
	if err := h.Parking.ReportParking(r.Context(), &req.ParkingProblem, photos...); err != nil {
		return nil, err
	}
	return h.Parking.FindParking(r.Context(), req.ParkingProblem.ID)
}

func (h *Handler) parkingGet(r *http.Request, id int64, _ none) (*wubu.ParkingProblem, error) {
	return h.Parking.FindParking(r.Context(), id)
}

func (h *Handler) parkingAssign(r *http.Request, id int64, req securityAssignRequest) (*wubu.ParkingProblem, error) {
	return h.Parking.AssignParking(r.Context(), id, req.AssigneeID)
}

func (h *Handler) parkingHandle(r *http.Request, id int64, req securityStepRequest) (*wubu.ParkingProblem, error) {
	return h.Parking.HandleParking(r.Context(), id, req.Note, req.photo())
}

func (h *Handler) parkingClose(r *http.Request, id int64, _ none) (*wubu.ParkingProblem, error) {
	return h.Parking.CloseParking(r.Context(), id)
}

// alarmList: GET /api/v1/projects/{id}/alarms[?building=ID].
func (h *Handler) alarmList(r *http.Request, id int64, _ none) ([]*wubu.AlarmHousehold, error) {
	b, err := queryID(r, "building")
	if err != nil {
		return nil, err
	}
	var building int64
	if b != nil {
		building = *b
	}
	return h.Security.AlarmOff(r.Context(), id, building)
}

func (h *Handler) alarmReminder(r *http.Request, id int64, req wubu.SecurityContact) (*wubu.SecurityContact, error) {
	req.PersonID = id
	return &req, h.Security.RecordReminder(r.Context(), &req)
}

func (h *Handler) securityAdvice(r *http.Request, id int64, req wubu.SecurityContact) (*wubu.SecurityContact, error) {
	req.PersonID = id
	return &req, h.Security.RecordAdvice(r.Context(), &req)
}

func (h *Handler) buildingSecurity(r *http.Request, id int64, _ none) (*wubu.BuildingSecurity, error) {
	return h.Security.BuildingSecurity(r.Context(), id)
}

// kbList: GET /api/v1/projects/{id}/knowledge[?category=][&q=].
func (h *Handler) kbList(r *http.Request, id int64, _ none) ([]*wubu.KBEntry, error) {
	return h.Knowledge.FindKB(r.Context(), id, r.URL.Query().Get("category"), r.URL.Query().Get("q"))
}
