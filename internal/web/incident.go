package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// incidentRoutes are the pages of incidents and their escalation (S9).
func (h *Handler) incidentRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/incidents", Perm: wubu.PermSecurityView, Handler: h.incidentList},
		{Method: "GET", Path: "/incidents/new", Perm: wubu.PermSecurityEdit, Handler: h.incidentNew},
		{Method: "POST", Path: "/incidents", Perm: wubu.PermSecurityEdit, Handler: h.incidentCreate},
		{Method: "GET", Path: "/incidents/{id}", Perm: wubu.PermSecurityView, Handler: h.incidentShow},
		{Method: "POST", Path: "/incidents/{id}/ack", Perm: wubu.PermPassConfirm, Handler: h.step(h.incidentSteps(), "", h.incidentAck)},
		{Method: "POST", Path: "/incidents/{id}/close", Perm: wubu.PermPassConfirm, Handler: h.step(h.incidentSteps(), "", h.incidentClose)},
		{Method: "POST", Path: "/incidents/{id}/note", Perm: wubu.PermSecurityEdit, Handler: h.step(h.incidentSteps(), "", h.incidentNote)},
	}
}

type incidentListView struct {
	securityPage
	Incidents []*wubu.Incident
	Pager     PagerView
}

// incidentList lists a project's incidents (S9), open ones first in time.
func (h *Handler) incidentList(w http.ResponseWriter, r *http.Request) {
	sp, err := h.newSecurityPage(r, "Incidents")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &incidentListView{securityPage: sp}
	if v.Incidents, v.Pager, err = listPage(r, &v.securityPage, func(offset int) ([]*wubu.Incident, int, error) {
		return h.Incidents.FindIncidents(r.Context(), wubu.IncidentFilter{ProjectID: v.ProjectID, Offset: offset, Limit: pageSize})
	}); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "incidents", v)
}

type incidentNewView struct {
	securityPage
	Kinds     []wubu.IncidentKind
	Buildings []*wubu.Building
}

func (h *Handler) incidentNewView(r *http.Request) (*incidentNewView, error) {
	sp, err := h.newSecurityPage(r, "Report an emergency")
	if err != nil {
		return nil, err
	}
	v := &incidentNewView{securityPage: sp, Kinds: wubu.IncidentKinds}
	v.Buildings, err = h.chosenBuildings(r, &v.securityPage)
	return v, err
}

func (h *Handler) incidentNew(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.incidentNewView, "incident_new")
}

func (h *Handler) incidentCreate(w http.ResponseWriter, r *http.Request) {
	v, err := h.incidentNewView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Form = r.PostForm
	i, err := h.Incidents.ReportIncident(r.Context(), &wubu.NewIncident{ProjectID: v.ProjectID, Kind: wubu.IncidentKind(r.PostFormValue("kind")),
		Place: r.PostFormValue("place"), Description: r.PostFormValue("description"), BuildingID: optionalID(r.PostFormValue("building_id"))})
	if err != nil {
		if codeIn(err, wubu.EINTERNAL, wubu.EFORBIDDEN) {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, formError(r, &v.Page, err, ""), "incident_new", v)
		return
	}
	h.redirect(w, r, fmt.Sprintf("/incidents/%d", i.ID), h.T(r, "Reported: your superior is alerted now."))
}

type incidentView struct {
	securityPage
	Incident *wubu.Incident
}

// Who names whom an alert went to: a staff member or a role.
func (v *incidentView) Who(notify string) string {
	var out []string
	for _, n := range strings.Split(notify, ",") {
		if role, ok := strings.CutPrefix(n, "role:"); ok {
			out = append(out, v.T("role:"+role))
		} else if n == fmt.Sprintf("user:%d", superiorID(v.Incident)) {
			out = append(out, v.Incident.SuperiorName)
		} else {
			out = append(out, n)
		}
	}
	return strings.Join(out, "、")
}

func (h *Handler) incidentView(r *http.Request) (*incidentView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	sp, err := h.newSecurityPage(r, "Incident")
	if err != nil {
		return nil, err
	}
	i, err := h.Incidents.FindIncidentByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	v := &incidentView{securityPage: sp, Incident: i}
	v.Title = v.T("Incident at %s", i.Place)
	return v, nil
}

func (h *Handler) incidentShow(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.incidentView, "incident")
}

// incidentSteps are an incident's pages for its steps.
func (h *Handler) incidentSteps() stepPage {
	return stepPage{path: "/incidents/%d", reshow: reshowWith(h, h.incidentView, "incident")}
}

func (h *Handler) incidentAck(r *http.Request, id int64) (string, error) {
	_, err := h.Incidents.AcknowledgeIncident(r.Context(), id, r.FormValue("note"))
	return h.T(r, "Acknowledged: the escalation stops."), err
}

func (h *Handler) incidentClose(r *http.Request, id int64) (string, error) {
	_, err := h.Incidents.CloseIncident(r.Context(), id, r.FormValue("note"))
	return h.T(r, "Incident closed."), err
}

func (h *Handler) incidentNote(r *http.Request, id int64) (string, error) {
	_, err := h.Incidents.AddIncidentNote(r.Context(), id, r.FormValue("text"))
	return h.T(r, "Saved."), err
}

func superiorID(i *wubu.Incident) int64 {
	if i.SuperiorID == nil {
		return 0
	}
	return *i.SuperiorID
}
