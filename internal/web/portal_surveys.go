package web

import (
	"net/http"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// Community surveys on the residents' portal (issue 15): the surveys of
// the resident's homes, answered with the same fields as a personal link,
// once per household.

// portalSurveyRoutes are the resident's surveys.
func (h *Handler) portalSurveyRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/my/surveys", Perm: wubu.PermPortal, Handler: h.portalSurveys},
		{Method: "GET", Path: "/my/surveys/{id}", Perm: wubu.PermPortal, Handler: h.portalSurvey},
		{Method: "POST", Path: "/my/surveys/{id}", Perm: wubu.PermPortal, Handler: h.portalSurveyAnswer},
	}
}

type portalSurveysView struct {
	Page
	Surveys []*wubu.MySurvey
}

// portalSurveys lists the surveys of the resident's homes.
func (h *Handler) portalSurveys(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, func(r *http.Request) (*portalSurveysView, error) {
		v := &portalSurveysView{Page: h.newPage(r, "Surveys")}
		var err error
		v.Surveys, err = h.Surveys.MySurveys(r.Context())
		return v, err
	}, "portal_surveys")
}

// portalSurveyView is a survey to answer, or its state (answered, closed).
type portalSurveyView struct {
	surveyAnswerView
	Mine *wubu.MySurvey
}

func (h *Handler) portalSurveyView(r *http.Request) (*portalSurveyView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	m, err := h.Surveys.MySurvey(r.Context(), id)
	if err != nil {
		return nil, err
	}
	v := &portalSurveyView{surveyAnswerView: surveyAnswerView{Page: h.newPage(r, m.Form.Title), Survey: m.Form}, Mine: m}
	return v, nil
}

// portalSurvey shows a survey of the resident's homes.
func (h *Handler) portalSurvey(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.portalSurveyView, "portal_survey")
}

// portalSurveyAnswer records the resident's answers; refused answers show
// the form again as filled in.
func (h *Handler) portalSurveyAnswer(w http.ResponseWriter, r *http.Request) {
	parseForm(w, r)
	v, err := h.portalSurveyView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Surveys.AnswerMySurvey(r.Context(), v.Survey.ID, answersFromForm(v.Survey, r.PostForm)); err != nil {
		if !refusedStep(err) {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, refuse(r, v, r.PostForm, err, ""), "portal_survey", v)
		return
	}
	h.redirect(w, r, "/my/surveys", h.T(r, "Thank you! Your answers were recorded."))
}
