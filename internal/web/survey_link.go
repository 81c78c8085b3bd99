package web

import (
	"fmt"
	"net/http"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// surveyLinkRoutes are a community survey's personal links (H4): staff
// send them by SMS to the survey's audience; a resident opens theirs
// without signing in, on a phone, and answers once.
func (h *Handler) surveyLinkRoutes() []server.Route {
	return []server.Route{
		{Method: "POST", Path: "/survey-forms/{id}/links", Perm: wubu.PermResidentEdit, Handler: h.surveyLinksSend},
		{Method: "GET", Path: "/s/{token}", Perm: server.Public, Handler: h.surveyLinkShow},
		{Method: "POST", Path: "/s/{token}", Perm: server.Public, Handler: h.surveyLinkAnswer},
	}
}

// surveyLinksSend sends the survey's links to its audience.
func (h *Handler) surveyLinksSend(w http.ResponseWriter, r *http.Request) {
	parseForm(w, r)
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	scheme := "http"
	if h.Secure || r.TLS != nil {
		scheme = "https"
	}
	n, err := h.Surveys.SendSurveyLinks(r.Context(), id, scheme+"://"+r.Host)
	if err != nil {
		answerRefused(h, w, r, err, h.surveyAnswerView, "survey_answer", "")
		return
	}
	h.redirect(w, r, fmt.Sprintf("/survey-forms/%d/answer", id), h.T(r, "Survey links sent to %d households.", n))
}

// surveyLinkView is the page of a personal link: the survey to answer, or
// why it cannot be (Closed), or the thanks once answered.
type surveyLinkView struct {
	surveyAnswerView
	Token    string
	Closed   string
	Answered bool
}

// surveyLinkPage renders a link's page as nobody signed in.
func (h *Handler) surveyLinkPage(w http.ResponseWriter, r *http.Request, status int, v *surveyLinkView) {
	h.render(w, r, status, "survey_link", v)
}

func (h *Handler) newSurveyLinkView(r *http.Request) *surveyLinkView {
	anon := r.WithContext(wubu.NewContextWithUser(r.Context(), nil))
	return &surveyLinkView{surveyAnswerView: surveyAnswerView{Page: h.newPage(anon, "Survey")}, Token: r.PathValue("token")}
}

// surveyLinkShow shows the survey of a link, or a clear message when the
// link does not work, has expired or was answered.
func (h *Handler) surveyLinkShow(w http.ResponseWriter, r *http.Request) {
	v := h.newSurveyLinkView(r)
	f, err := h.Surveys.SurveyLinkForm(r.Context(), v.Token)
	if err != nil {
		v.Closed = server.ErrMessage(r, err)
		h.surveyLinkPage(w, r, server.Status(server.ErrorCode(err)), v)
		return
	}
	v.Survey, v.Title = f, f.Title
	h.surveyLinkPage(w, r, http.StatusOK, v)
}

// surveyLinkAnswer records the answers of a link; refused answers show
// the form again as filled in.
func (h *Handler) surveyLinkAnswer(w http.ResponseWriter, r *http.Request) {
	parseForm(w, r)
	v := h.newSurveyLinkView(r)
	f, err := h.Surveys.SurveyLinkForm(r.Context(), v.Token)
	if err == nil {
		v.Survey, v.Title = f, f.Title
		err = h.Surveys.AnswerSurveyLink(r.Context(), v.Token, answersFromForm(f, r.PostForm))
	}
	switch {
	case err == nil:
		v.Answered = true
		h.surveyLinkPage(w, r, http.StatusOK, v)
	case v.Survey != nil && server.ErrorCode(err) == wubu.EINVALID && wubu.AsError(err) != nil && wubu.AsError(err).Field != "":
		h.surveyLinkPage(w, r, refuse(r, v, r.PostForm, err, ""), v)
	default:
		v.Closed = server.ErrMessage(r, err)
		h.surveyLinkPage(w, r, server.Status(server.ErrorCode(err)), v)
	}
}
