package api

import (
	"context"
	"net/http"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// complaintRoutes are the routes of complaints and their settings (U4),
// key-customer profiles (U3) and the duty managers' roster (E1).
func (h *Handler) complaintRoutes(r func(string, string, wubu.Permission, http.HandlerFunc) server.Route) []server.Route {
	return []server.Route{
		r("GET", "/projects/{id}/complaints", wubu.PermResidentView, call(h, http.StatusOK, h.complaintList)),
		r("POST", "/projects/{id}/complaints", wubu.PermResidentEdit, call(h, http.StatusCreated, h.complaintCreate)),
		r("GET", "/projects/{id}/complaint-points", wubu.PermResidentView, call(h, http.StatusOK, h.complaintPoints)),
		r("GET", "/projects/{id}/complaint-rates", wubu.PermReportView, call(h, http.StatusOK, h.complaintRates)),
		r("GET", "/projects/{id}/complaint-settings", wubu.PermResidentView, call(h, http.StatusOK, h.complaintSettings)),
		r("PUT", "/projects/{id}/complaint-settings", wubu.PermSettingsEdit, call(h, http.StatusOK, h.complaintSettingsSave)),
		r("GET", "/complaints/{id}", wubu.PermResidentView, call(h, http.StatusOK, h.complaintGet)),
		r("GET", "/complaints/{id}/photos/{photo}", wubu.PermResidentView, server.PhotoHandler(h.fail, h.complaintPhoto)),
		r("POST", "/complaints/{id}/acknowledge", wubu.PermOrderDispatch, call(h, http.StatusOK, h.complaintAcknowledge)),
		r("POST", "/complaints/{id}/assign", wubu.PermOrderDispatch, call(h, http.StatusOK, h.complaintAssign)),
		r("POST", "/complaints/{id}/handle", wubu.PermResidentEdit, call(h, http.StatusOK, h.complaintHandle)),
		r("POST", "/complaints/{id}/reply", wubu.PermResidentEdit, call(h, http.StatusOK, h.complaintReply)),
		r("POST", "/complaints/{id}/revisit", wubu.PermResidentEdit, call(h, http.StatusOK, h.complaintRevisit)),
		r("POST", "/complaints/{id}/close", wubu.PermResidentEdit, call(h, http.StatusOK, h.complaintClose)),
		r("POST", "/complaints/{id}/links", wubu.PermResidentEdit, call(h, http.StatusOK, h.complaintLink)),
		r("GET", "/residents/{id}/key-profile", wubu.PermResidentView, call(h, http.StatusOK, h.keyProfileGet)),
		r("PUT", "/residents/{id}/key-profile", wubu.PermSettingsEdit, call(h, http.StatusOK, h.keyProfilePut)),
		r("GET", "/projects/{id}/duty-managers", wubu.PermResidentView, call(h, http.StatusOK, h.dutyManagers)),
		r("PUT", "/projects/{id}/duty-managers", wubu.PermSettingsEdit, call(h, http.StatusOK, h.dutyManagerPut)),
	}
}

// complaintList: GET /api/v1/projects/{id}/complaints[?state=][&category=][&lane=fast|ordinary][&building=ID][&person=ID][&overdue=1][&offset=][&limit=].
func (h *Handler) complaintList(r *http.Request, id int64, _ none) (list[*wubu.Complaint], error) {
	q := r.URL.Query()
	f := wubu.ComplaintFilter{State: wubu.ComplaintState(q.Get("state")), Category: wubu.ComplaintCategory(q.Get("category")), Overdue: q.Get("overdue") == "1"}
	f.Offset, f.Limit = paging(r)
	var err error
	if f.BuildingID, err = queryID(r, "building"); err != nil {
		return list[*wubu.Complaint]{}, err
	}
	if f.PersonID, err = queryID(r, "person"); err != nil {
		return list[*wubu.Complaint]{}, err
	}
	if lane := q.Get("lane"); lane == "fast" || lane == "ordinary" {
		fast := lane == "fast"
		f.Fast = &fast
	}
	items, total, err := h.Complaints.FindComplaints(r.Context(), id, f)
	return newList(items, total, f.Offset), err
}

// complaintRequest takes a complaint.
type complaintRequest struct {
	Channel     wubu.ComplaintChannel  `json:"channel"`
	Category    wubu.ComplaintCategory `json:"category"`
	Severity    wubu.Severity          `json:"severity"`
	PersonID    *int64                 `json:"person_id"`
	BuildingID  *int64                 `json:"building_id"`
	Description string                 `json:"description"`
	Wish        string                 `json:"wish"`
	// Important puts it into the fast lane.
	Important bool `json:"important"`
}

// complaintCreate: POST /api/v1/projects/{id}/complaints.
func (h *Handler) complaintCreate(r *http.Request, id int64, req complaintRequest) (*wubu.Complaint, error) {
	c := &wubu.Complaint{ProjectID: id, Channel: req.Channel, Category: req.Category, Severity: req.Severity, PersonID: req.PersonID,
		BuildingID: req.BuildingID, Description: req.Description, Wish: req.Wish, Marked: req.Important}
	if err := h.Complaints.ReceiveComplaint(r.Context(), c); err != nil {
		return nil, err
	}
	return h.Complaints.FindComplaint(r.Context(), c.ID)
}

func (h *Handler) complaintGet(r *http.Request, id int64, _ none) (*wubu.Complaint, error) {
	return h.Complaints.FindComplaint(r.Context(), id)
}

func (h *Handler) complaintPhoto(ctx context.Context, id, photoID int64) (string, []byte, error) {
	p, err := h.Complaints.FindComplaintPhoto(ctx, id, photoID)
	if err != nil {
		return "", nil, err
	}
	return p.ContentType, p.Data, nil
}

// complaintNote is a step's note.
type complaintNote struct {
	Note string `json:"note"`
}

func (h *Handler) complaintAcknowledge(r *http.Request, id int64, req complaintNote) (*wubu.Complaint, error) {
	return h.Complaints.AcknowledgeComplaint(r.Context(), id, req.Note)
}

// complaintAssignment gives a complaint to a team.
type complaintAssignment struct {
	Team       wubu.Post `json:"team"`
	AssigneeID *int64    `json:"assignee_id"`
}

func (h *Handler) complaintAssign(r *http.Request, id int64, req complaintAssignment) (*wubu.Complaint, error) {
	return h.Complaints.AssignComplaint(r.Context(), id, req.Team, req.AssigneeID)
}

func (h *Handler) complaintHandle(r *http.Request, id int64, req complaintNote) (*wubu.Complaint, error) {
	return h.Complaints.HandleComplaint(r.Context(), id, req.Note)
}

func (h *Handler) complaintReply(r *http.Request, id int64, req complaintNote) (*wubu.Complaint, error) {
	return h.Complaints.ReplyComplaint(r.Context(), id, req.Note)
}

// complaintRevisitRequest is the revisit's answer.
type complaintRevisitRequest struct {
	Satisfied bool   `json:"satisfied"`
	Note      string `json:"note"`
}

func (h *Handler) complaintRevisit(r *http.Request, id int64, req complaintRevisitRequest) (*wubu.Complaint, error) {
	return h.Complaints.RevisitComplaint(r.Context(), id, req.Satisfied, req.Note)
}

func (h *Handler) complaintClose(r *http.Request, id int64, _ none) (*wubu.Complaint, error) {
	return h.Complaints.CloseComplaint(r.Context(), id)
}

func (h *Handler) complaintLink(r *http.Request, id int64, req wubu.ComplaintLink) (*wubu.Complaint, error) {
	return h.Complaints.LinkComplaint(r.Context(), id, req)
}

// complaintPoints: GET /api/v1/projects/{id}/complaint-points, the
// residents' and buildings' points as of now, highest first.
func (h *Handler) complaintPoints(r *http.Request, id int64, _ none) ([]wubu.ComplaintPoints, error) {
	return h.Complaints.Points(r.Context(), id, 0)
}

// complaintRates: GET /api/v1/projects/{id}/complaint-rates, the last six
// months' complaints per 100 households.
func (h *Handler) complaintRates(r *http.Request, id int64, _ none) ([]wubu.ComplaintRate, error) {
	return h.Complaints.Rates(r.Context(), id, 6)
}

func (h *Handler) complaintSettings(r *http.Request, id int64, _ none) (*wubu.ComplaintSettings, error) {
	return h.Complaints.ComplaintSettings(r.Context(), id)
}

func (h *Handler) complaintSettingsSave(r *http.Request, id int64, req wubu.ComplaintSettings) (*wubu.ComplaintSettings, error) {
	req.ProjectID = id
	if err := h.Complaints.SaveComplaintSettings(r.Context(), &req); err != nil {
		return nil, err
	}
	return h.Complaints.ComplaintSettings(r.Context(), id)
}

// keyProfileGet: GET /api/v1/residents/{id}/key-profile (an audited read).
func (h *Handler) keyProfileGet(r *http.Request, id int64, _ none) (*wubu.KeyProfile, error) {
	return h.KeyProfiles.KeyProfile(r.Context(), id)
}

// keyProfilePut: PUT /api/v1/residents/{id}/key-profile (without the
// photo, which the page uploads).
func (h *Handler) keyProfilePut(r *http.Request, id int64, req wubu.KeyProfile) (*wubu.KeyProfile, error) {
	req.PersonID = id
	if err := h.KeyProfiles.SaveKeyProfile(r.Context(), &req, nil); err != nil {
		return nil, err
	}
	return h.KeyProfiles.KeyProfile(r.Context(), id)
}

// dutyManagerRoster is the duty managers now and over the coming two weeks.
type dutyManagerRoster struct {
	Now  *wubu.User            `json:"now"`
	Days []wubu.DutyManagerDay `json:"days"`
}

// dutyManagers: GET /api/v1/projects/{id}/duty-managers.
func (h *Handler) dutyManagers(r *http.Request, id int64, _ none) (*dutyManagerRoster, error) {
	now := h.Clock.Now()
	u, err := h.DutyManagers.DutyManagerNow(r.Context(), id, now)
	if err != nil {
		return nil, err
	}
	days, err := h.DutyManagers.DutyManagerWeek(r.Context(), id, now, 14)
	return &dutyManagerRoster{Now: u, Days: days}, err
}

// dutyManagerRequest sets the duty manager of a roster day.
type dutyManagerRequest struct {
	Day           string `json:"day"`
	ManagerUserID *int64 `json:"manager_user_id"`
}

func (h *Handler) dutyManagerPut(r *http.Request, id int64, req dutyManagerRequest) (*dutyManagerRoster, error) {
	if err := h.DutyManagers.SaveDutyManager(r.Context(), id, req.Day, req.ManagerUserID); err != nil {
		return nil, err
	}
	return h.dutyManagers(r, id, none{})
}
