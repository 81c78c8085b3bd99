package api

import (
	"net/http"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// communityRoutes are the routes of the community pages before and after
// move-in: the prospect list (K6: past the route's permission only the
// project's custodian and the manager, every read audited), the
// anticipated-issue register (K8: ranked, recorded, followed up), the
// convenience handbook (H3, with the hotline and zone contacts, K5), the
// local resources (H2), a notice with its read counts and the "four
// pests" schedule (C4), and a survey's links (H4).
func (h *Handler) communityRoutes(r func(string, string, wubu.Permission, http.HandlerFunc) server.Route) []server.Route {
	return []server.Route{
		r("GET", "/projects/{id}/prospects", wubu.PermResidentView, call(h, http.StatusOK, h.prospectList)),
		r("POST", "/projects/{id}/prospects", wubu.PermResidentView, call(h, http.StatusCreated, h.prospectAdd)),
		r("GET", "/projects/{id}/focus-issues", wubu.PermResidentView, call(h, http.StatusOK, h.focusList)),
		r("POST", "/projects/{id}/focus-issues", wubu.PermResidentEdit, call(h, http.StatusCreated, h.focusRecord)),
		r("GET", "/focus-issues/{id}", wubu.PermResidentView, call(h, http.StatusOK, h.focusShow)),
		r("POST", "/focus-issues/{id}/follow-ups", wubu.PermResidentEdit, call(h, http.StatusCreated, h.focusFollowUp)),
		r("POST", "/focus-follow-ups/{id}/done", wubu.PermResidentEdit, call(h, http.StatusOK, h.focusFollowUpDone)),
		r("GET", "/projects/{id}/handbook", wubu.PermOrgView, call(h, http.StatusOK, h.handbookShow)),
		r("GET", "/projects/{id}/local-resources", wubu.PermOrgView, call(h, http.StatusOK, h.localResourceList)),
		r("GET", "/bulletins/{id}", wubu.PermResidentView, call(h, http.StatusOK, h.bulletinShow)),
		r("GET", "/projects/{id}/four-pests", wubu.PermResidentView, call(h, http.StatusOK, h.fourPestsShow)),
		r("PUT", "/projects/{id}/four-pests", wubu.PermSettingsEdit, call(h, http.StatusOK, h.fourPestsSave)),
		r("POST", "/survey-forms/{id}/links", wubu.PermResidentEdit, call(h, http.StatusOK, h.surveyLinksSend)),
	}
}

// prospectList: GET /api/v1/projects/{id}/prospects, the buyers still on
// the list (the custodian and the manager only; the read is audited).
func (h *Handler) prospectList(r *http.Request, id int64, _ none) (list[*wubu.Prospect], error) {
	items, err := h.Prospects.FindProspects(r.Context(), id)
	return newList(items, len(items), 0), err
}

// prospectAdd: POST /api/v1/projects/{id}/prospects.
func (h *Handler) prospectAdd(r *http.Request, id int64, p wubu.Prospect) (*wubu.Prospect, error) {
	p.ProjectID, p.ID, p.Code = id, 0, ""
	if err := h.Prospects.AddProspect(r.Context(), &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// focusList: GET /api/v1/projects/{id}/focus-issues, ranked by impact.
func (h *Handler) focusList(r *http.Request, id int64, _ none) (list[*wubu.FocusIssue], error) {
	items, err := h.Focus.FindFocusIssues(r.Context(), id)
	return newList(items, len(items), 0), err
}

// focusRecord: POST /api/v1/projects/{id}/focus-issues.
func (h *Handler) focusRecord(r *http.Request, id int64, i wubu.FocusIssue) (*wubu.FocusIssue, error) {
	i.ProjectID, i.ID = id, 0
	if err := h.Focus.RecordFocusIssue(r.Context(), &i); err != nil {
		return nil, err
	}
	return h.Focus.FindFocusIssue(r.Context(), i.ID)
}

// focusShow: GET /api/v1/focus-issues/{id}.
func (h *Handler) focusShow(r *http.Request, id int64, _ none) (*wubu.FocusIssue, error) {
	return h.Focus.FindFocusIssue(r.Context(), id)
}

// focusFollowUp: POST /api/v1/focus-issues/{id}/follow-ups, a follow-up
// due at due_at.
func (h *Handler) focusFollowUp(r *http.Request, id int64, f wubu.FocusFollowUp) (*wubu.FocusFollowUp, error) {
	f.IssueID, f.ID = id, 0
	if err := h.Focus.PlanFocusFollowUp(r.Context(), &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// focusDone is the note of a follow-up done.
type focusDone struct {
	Note string `json:"note"`
}

// focusFollowUpDone: POST /api/v1/focus-follow-ups/{id}/done.
func (h *Handler) focusFollowUpDone(r *http.Request, id int64, d focusDone) (*wubu.FocusFollowUp, error) {
	return h.Focus.RecordFocusFollowUp(r.Context(), id, d.Note)
}

// handbookShow: GET /api/v1/projects/{id}/handbook, the current version.
func (h *Handler) handbookShow(r *http.Request, id int64, _ none) (*wubu.Handbook, error) {
	return h.Handbook.Handbook(r.Context(), id)
}

// localResourceList: GET /api/v1/projects/{id}/local-resources.
func (h *Handler) localResourceList(r *http.Request, id int64, _ none) (list[*wubu.LocalResource], error) {
	items, err := h.LocalResources.FindLocalResources(r.Context(), id)
	return newList(items, len(items), 0), err
}

// bulletinShow: GET /api/v1/bulletins/{id}, with its audience,
// attachments and read counts.
func (h *Handler) bulletinShow(r *http.Request, id int64, _ none) (*wubu.Bulletin, error) {
	return h.Bulletins.FindBulletin(r.Context(), id)
}

// fourPestsShow: GET /api/v1/projects/{id}/four-pests.
func (h *Handler) fourPestsShow(r *http.Request, id int64, _ none) (*wubu.FourPestsSchedule, error) {
	return h.Bulletins.FourPestsSchedule(r.Context(), id)
}

// fourPestsSave: PUT /api/v1/projects/{id}/four-pests.
func (h *Handler) fourPestsSave(r *http.Request, id int64, sc wubu.FourPestsSchedule) (*wubu.FourPestsSchedule, error) {
	sc.ProjectID = id
	if err := h.Bulletins.SaveFourPestsSchedule(r.Context(), &sc); err != nil {
		return nil, err
	}
	return &sc, nil
}

// linksSent counts the survey links sent.
type linksSent struct {
	Sent int `json:"sent"`
}

// surveyLinksSend: POST /api/v1/survey-forms/{id}/links, the survey's
// personal links by SMS to its audience, to this server's address.
func (h *Handler) surveyLinksSend(r *http.Request, id int64, _ none) (linksSent, error) {
	scheme := "http"
	if h.Secure || r.TLS != nil {
		scheme = "https"
	}
	n, err := h.Surveys.SendSurveyLinks(r.Context(), id, scheme+"://"+r.Host)
	return linksSent{Sent: n}, err
}
