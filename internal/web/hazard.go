package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// hazardRoutes are the pages of hazards, to a verified close (S11).
// /hazards/new is linked from the guard's start page and must stay.
func (h *Handler) hazardRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/hazards", Perm: wubu.PermSecurityView, Handler: h.hazardList},
		{Method: "GET", Path: "/hazards/new", Perm: wubu.PermSecurityEdit, Handler: h.hazardNew},
		{Method: "POST", Path: "/hazards", Perm: wubu.PermSecurityEdit, Handler: h.hazardCreate},
		{Method: "GET", Path: "/hazards/{id}", Perm: wubu.PermSecurityView, Handler: h.hazardShow},
		{Method: "GET", Path: "/hazards/{id}/photos/{photo}", Perm: wubu.PermSecurityView, Handler: h.securityPhoto("hazard")},
		{Method: "POST", Path: "/hazards/{id}/assign", Perm: wubu.PermSecurityManage, Handler: h.step(h.hazardSteps(), "assign_", h.hazardAssign)},
		{Method: "POST", Path: "/hazards/{id}/rectify", Perm: wubu.PermSecurityEdit, Handler: h.step(h.hazardSteps(), "rectify_", h.hazardRectify)},
		{Method: "POST", Path: "/hazards/{id}/verify", Perm: wubu.PermSecurityEdit, Handler: h.step(h.hazardSteps(), "verify_", h.hazardVerify)},
	}
}

type hazardListView struct {
	securityPage
	Hazards []*wubu.Hazard
	Pager   PagerView
	State   string
	Mine    bool
	Overdue bool
}

// hazardList lists a project's hazards with filters kept in the URL.
func (h *Handler) hazardList(w http.ResponseWriter, r *http.Request) {
	base, err := h.newSecurityPage(r, "Hazards")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	v := &hazardListView{securityPage: base, State: q.Get("state"), Mine: q.Get("mine") == "1", Overdue: q.Get("overdue") == "1"}
	f := wubu.HazardFilter{Overdue: v.Overdue, Limit: pageSize}
	var state string
	f.Open, state = openOrState(v.State)
	f.State = wubu.HazardState(state)
	if v.Mine {
		f.AssigneeID = &v.User.ID
	}
	if v.Hazards, v.Pager, err = listPage(r, &v.securityPage, func(offset int) ([]*wubu.Hazard, int, error) {
		f.Offset = offset
		return h.Hazards.FindHazards(r.Context(), v.ProjectID, f)
	}); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "hazards", v)
}

type hazardNewView struct {
	securityPage
	Buildings  []*wubu.Building
	Sources    []wubu.HazardSource
	Severities []wubu.Severity
}

// hazardNew is the form to report a hazard, from the guard's phone.
func (h *Handler) hazardNew(w http.ResponseWriter, r *http.Request) {
	base, err := h.newSecurityPage(r, "Report a hazard")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &hazardNewView{securityPage: base}
	for _, k := range []string{"run_id", "place", "source"} {
		if s := r.URL.Query().Get(k); s != "" {
			v.Form.Set(k, s)
		}
	}
	h.renderHazardNew(w, r, v, http.StatusOK)
}

func (h *Handler) renderHazardNew(w http.ResponseWriter, r *http.Request, v *hazardNewView, status int) {
	v.Sources, v.Severities = wubu.HazardSources, wubu.Severities
	var err error
	if v.Buildings, err = h.chosenBuildings(r, &v.securityPage); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, "hazard_new", v)
}

func (h *Handler) hazardCreate(w http.ResponseWriter, r *http.Request) {
	parseForm(w, r)
	base, err := h.newSecurityPage(r, "Report a hazard")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hz := &wubu.Hazard{ProjectID: base.ProjectID, Source: wubu.HazardSource(r.FormValue("source")), RunID: optID(r, "run_id"),
		BuildingID: optID(r, "building_id"), Place: r.FormValue("place"), Description: r.FormValue("description"), Severity: wubu.Severity(r.FormValue("severity"))}
	if hz.Source == wubu.HazardFromResident {
		// The resident is found by their room or name, as at the lookup.
		if q := r.FormValue("resident"); q != "" {
			hits, lerr := h.Residents.Lookup(r.Context(), base.ProjectID, q, 2)
			if lerr == nil && len(hits) == 1 {
				hz.PersonID = &hits[0].PersonID
			} else if lerr == nil {
				err = wubu.FieldErrorf("resident", wubu.EINVALID, "Name one resident: their room, name or phone's last four digits.")
			} else {
				err = lerr
			}
		}
	}
	var photo *wubu.Photo
	if err == nil {
		photo, err = server.ReadPhoto(r, "photo")
	}
	if err == nil {
		err = h.Hazards.ReportHazard(r.Context(), hz, photo)
	}
	if err != nil {
		if e := wubu.AsError(err); e != nil && e.Field == "person_id" {
			err = &wubu.Error{Code: e.Code, Format: e.Format, Args: e.Args, Field: "resident"}
		}
		v := &hazardNewView{securityPage: base}
		h.renderHazardNew(w, r, v, refuse(r, v, r.Form, err, ""))
		return
	}
	h.redirect(w, r, "/hazards/"+strconv.FormatInt(hz.ID, 10), h.T(r, "Hazard reported."))
}

type hazardView struct {
	securityPage
	Hazard *wubu.Hazard
	Staff  []*wubu.User
	// CanVerify is false for the person who rectified it.
	CanVerify bool
}

func (h *Handler) hazardView(r *http.Request) (*hazardView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	base, err := h.newSecurityPage(r, "Hazard")
	if err != nil {
		return nil, err
	}
	v := &hazardView{securityPage: base}
	if v.Hazard, err = h.Hazards.FindHazard(r.Context(), id); err != nil {
		return nil, err
	}
	v.Title = v.T("Hazard") + " · " + v.Hazard.Place
	v.CanVerify = v.CanEdit && (v.Hazard.RectifiedBy == nil || *v.Hazard.RectifiedBy != v.User.ID)
	if v.CanManage {
		v.Staff = h.projectStaff(r, v.Hazard.ProjectID)
	}
	return v, nil
}

// projectStaff lists the active staff of a project who may be assigned
// security work, for the assignment forms.
func (h *Handler) projectStaff(r *http.Request, projectID int64) []*wubu.User {
	users, _, err := h.Users.FindUsers(r.Context(), wubu.UserFilter{ProjectID: &projectID, Limit: 500})
	if err != nil {
		return nil
	}
	var out []*wubu.User
	for _, u := range users {
		if !u.Disabled && u.Can(wubu.PermSecurityEdit) {
			out = append(out, u)
		}
	}
	return out
}

func (h *Handler) hazardShow(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.hazardView, "hazard")
}

// hazardSteps are a hazard's pages for its steps.
func (h *Handler) hazardSteps() stepPage {
	return stepPage{path: "/hazards/%d", reshow: reshowWith(h, h.hazardView, "hazard")}
}

func (h *Handler) hazardAssign(r *http.Request, id int64) (string, error) {
	a := wubu.HazardAssignment{}
	a.AssigneeID, _ = strconv.ParseInt(r.FormValue("assignee_id"), 10, 64)
	if s := r.FormValue("due"); s != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", s, cst)
		if err != nil {
			return "", wubu.FieldErrorf("due", wubu.EINVALID, "Give the due time as a date and time.")
		}
		a.Due = t
	}
	_, err := h.Hazards.AssignHazard(r.Context(), id, a)
	return h.T(r, "Hazard assigned."), err
}

func (h *Handler) hazardRectify(r *http.Request, id int64) (string, error) {
	photo, err := server.ReadPhoto(r, "photo")
	if err == nil {
		_, err = h.Hazards.RectifyHazard(r.Context(), id, r.FormValue("note"), photo)
	}
	return h.T(r, "Rectification recorded: someone else now verifies it."), err
}

func (h *Handler) hazardVerify(r *http.Request, id int64) (string, error) {
	accepted := r.FormValue("accepted") == "1"
	if _, err := h.Hazards.VerifyHazard(r.Context(), id, accepted, r.FormValue("note")); err != nil {
		return "", err
	}
	if !accepted {
		return h.T(r, "Hazard sent back to its assignee."), nil
	}
	return h.T(r, "Hazard closed."), nil
}
