package api

import (
	"net/http"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// passRoutes are the routes of the security post's flows: release passes,
// new tenant registrations and incidents (S2, S8, S9).
func (h *Handler) passRoutes(r func(string, string, wubu.Permission, http.HandlerFunc) server.Route) []server.Route {
	return []server.Route{
		r("GET", "/projects/{id}/passes", wubu.PermSecurityView, call(h, http.StatusOK, h.passList)),
		r("POST", "/projects/{id}/passes", wubu.PermSecurityEdit, call(h, http.StatusCreated, h.passCreate)),
		r("GET", "/passes/{id}", wubu.PermSecurityView, call(h, http.StatusOK, h.passGet)),
		r("POST", "/passes/{id}/photos", wubu.PermSecurityEdit, call(h, http.StatusNoContent, h.passPhotoAdd)),
		r("POST", "/passes/{id}/confirm", wubu.PermPassConfirm, call(h, http.StatusOK, h.passConfirm)),
		r("POST", "/passes/{id}/refuse", wubu.PermPassConfirm, call(h, http.StatusOK, h.passRefuse)),
		r("POST", "/passes/{id}/release", wubu.PermSecurityEdit, call(h, http.StatusOK, h.passRelease)),

		r("GET", "/projects/{id}/tenants", wubu.PermSecurityView, call(h, http.StatusOK, h.tenantList)),
		r("POST", "/projects/{id}/tenants", wubu.PermSecurityEdit, call(h, http.StatusCreated, h.tenantCreate)),
		r("GET", "/tenants/{id}", wubu.PermSecurityView, call(h, http.StatusOK, h.tenantGet)),
		r("POST", "/tenants/{id}/check", wubu.PermPassConfirm, call(h, http.StatusOK, h.tenantCheck)),
		r("POST", "/tenants/{id}/file", wubu.PermPassConfirm, call(h, http.StatusOK, h.tenantFile)),
		r("POST", "/tenants/{id}/reject", wubu.PermPassConfirm, call(h, http.StatusOK, h.tenantReject)),

		r("GET", "/projects/{id}/incidents", wubu.PermSecurityView, call(h, http.StatusOK, h.incidentList)),
		r("POST", "/projects/{id}/incidents", wubu.PermSecurityEdit, call(h, http.StatusCreated, h.incidentCreate)),
		r("GET", "/incidents/{id}", wubu.PermSecurityView, call(h, http.StatusOK, h.incidentGet)),
		r("POST", "/incidents/{id}/ack", wubu.PermPassConfirm, call(h, http.StatusOK, h.incidentAck)),
		r("POST", "/incidents/{id}/close", wubu.PermPassConfirm, call(h, http.StatusOK, h.incidentClose)),
		r("POST", "/incidents/{id}/notes", wubu.PermSecurityEdit, call(h, http.StatusOK, h.incidentNote)),
	}
}

// stateParam reads a list's optional ?state= filter: nil when absent, a
// field error when it is not one of the object's states.
func stateParam[S interface {
	~string
	Valid() bool
}](r *http.Request) (*S, error) {
	s := r.URL.Query().Get("state")
	if s == "" {
		return nil, nil
	}
	st := S(s)
	if !st.Valid() {
		return nil, wubu.FieldErrorf("state", wubu.EINVALID, "State %q is not valid.", s)
	}
	return &st, nil
}

// passList: GET /api/v1/projects/{id}/passes[?state=pending][&offset=&limit=].
func (h *Handler) passList(r *http.Request, id int64, _ none) (list[*wubu.Pass], error) {
	offset, limit := paging(r)
	st, err := stateParam[wubu.PassState](r)
	if err != nil {
		return list[*wubu.Pass]{}, err
	}
	passes, total, err := h.Passes.FindPasses(r.Context(), wubu.PassFilter{ProjectID: id, State: st, Offset: offset, Limit: limit})
	return newList(passes, total, offset), err
}

func (h *Handler) passCreate(r *http.Request, id int64, req wubu.NewPass) (*wubu.Pass, error) {
	req.ProjectID = id
	return h.Passes.StartPass(r.Context(), &req)
}

func (h *Handler) passGet(r *http.Request, id int64, _ none) (*wubu.Pass, error) {
	return h.Passes.FindPassByID(r.Context(), id)
}

// photoRequest is a photo of the goods, base64 in JSON.
type photoRequest struct {
	Data []byte `json:"data"`
}

func (h *Handler) passPhotoAdd(r *http.Request, id int64, req photoRequest) (none, error) {
	return none{}, h.Passes.AddPassPhoto(r.Context(), id, http.DetectContentType(req.Data), req.Data)
}

func (h *Handler) passConfirm(r *http.Request, id int64, req wubu.PassConfirmation) (*wubu.Pass, error) {
	return h.Passes.ConfirmPass(r.Context(), id, req)
}

type reasonRequest struct {
	Reason string `json:"reason"`
}

func (h *Handler) passRefuse(r *http.Request, id int64, req reasonRequest) (*wubu.Pass, error) {
	return h.Passes.RefusePass(r.Context(), id, req.Reason)
}

type releaseRequest struct {
	Gate string `json:"gate"`
}

func (h *Handler) passRelease(r *http.Request, id int64, req releaseRequest) (*wubu.Pass, error) {
	return h.Passes.ReleasePass(r.Context(), id, req.Gate)
}

func (h *Handler) tenantList(r *http.Request, id int64, _ none) (list[*wubu.TenantRegistration], error) {
	offset, limit := paging(r)
	st, err := stateParam[wubu.TenantState](r)
	if err != nil {
		return list[*wubu.TenantRegistration]{}, err
	}
	ts, total, err := h.Tenants.FindTenants(r.Context(), wubu.TenantFilter{ProjectID: id, State: st, Offset: offset, Limit: limit})
	return newList(ts, total, offset), err
}

func (h *Handler) tenantCreate(r *http.Request, id int64, req wubu.NewTenant) (*wubu.TenantRegistration, error) {
	req.ProjectID = id
	return h.Tenants.RegisterTenant(r.Context(), &req)
}

func (h *Handler) tenantGet(r *http.Request, id int64, _ none) (*wubu.TenantRegistration, error) {
	return h.Tenants.FindTenantByID(r.Context(), id)
}

func (h *Handler) tenantCheck(r *http.Request, id int64, _ none) (*wubu.TenantRegistration, error) {
	return h.Tenants.CheckTenant(r.Context(), id)
}

func (h *Handler) tenantFile(r *http.Request, id int64, _ none) (*wubu.TenantRegistration, error) {
	return h.Tenants.FileTenant(r.Context(), id)
}

func (h *Handler) tenantReject(r *http.Request, id int64, req reasonRequest) (*wubu.TenantRegistration, error) {
	return h.Tenants.RejectTenant(r.Context(), id, req.Reason)
}

func (h *Handler) incidentList(r *http.Request, id int64, _ none) (list[*wubu.Incident], error) {
	offset, limit := paging(r)
	is, total, err := h.Incidents.FindIncidents(r.Context(), wubu.IncidentFilter{ProjectID: id, Offset: offset, Limit: limit})
	return newList(is, total, offset), err
}

func (h *Handler) incidentCreate(r *http.Request, id int64, req wubu.NewIncident) (*wubu.Incident, error) {
	req.ProjectID = id
	return h.Incidents.ReportIncident(r.Context(), &req)
}

func (h *Handler) incidentGet(r *http.Request, id int64, _ none) (*wubu.Incident, error) {
	return h.Incidents.FindIncidentByID(r.Context(), id)
}

type noteRequest struct {
	Note string `json:"note"`
	Text string `json:"text"`
}

func (h *Handler) incidentAck(r *http.Request, id int64, req noteRequest) (*wubu.Incident, error) {
	return h.Incidents.AcknowledgeIncident(r.Context(), id, req.Note)
}

func (h *Handler) incidentClose(r *http.Request, id int64, req noteRequest) (*wubu.Incident, error) {
	return h.Incidents.CloseIncident(r.Context(), id, req.Note)
}

func (h *Handler) incidentNote(r *http.Request, id int64, req noteRequest) (*wubu.Incident, error) {
	return h.Incidents.AddIncidentNote(r.Context(), id, req.Text)
}
