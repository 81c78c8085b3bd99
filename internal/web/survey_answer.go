package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// surveyAnswerRoutes are the pages where staff enter a resident's answers
// to a community survey (H4), taken on paper or on the phone.
func (h *Handler) surveyAnswerRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/survey-forms/{id}/answer", Perm: wubu.PermResidentEdit, Handler: h.surveyAnswerShow},
		{Method: "POST", Path: "/survey-forms/{id}/answers", Perm: wubu.PermResidentEdit, Handler: h.surveyAnswerSave},
	}
}

type surveyAnswerView struct {
	Page
	Survey *wubu.SurveyForm
	// CanSend may send the survey's link by SMS; CanSee may read the
	// results.
	CanSend, CanSee bool
}

// Field is a question's form field name.
func (v *surveyAnswerView) Field(q *wubu.SurveyQuestion) string { return fmt.Sprintf("q%d", q.ID) }

// Checked reports whether the form had a choice of a question ticked.
func (v *surveyAnswerView) Checked(q *wubu.SurveyQuestion, choice string) bool {
	for _, c := range v.Page.Form[v.Field(q)] {
		if c == choice {
			return true
		}
	}
	return false
}

func (h *Handler) surveyAnswerView(r *http.Request) (*surveyAnswerView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	f, err := h.Surveys.FindSurveyForm(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if f.Purpose != wubu.SurveyCommunity {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	v := &surveyAnswerView{Page: h.newPage(r, "Enter answers"), Survey: f, CanSend: wubu.UserFromContext(r.Context()).Can(wubu.PermResidentEdit),
		CanSee: wubu.UserFromContext(r.Context()).Can(wubu.PermReportView)}
	v.Title = f.Title
	return v, nil
}

func (h *Handler) surveyAnswerShow(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.surveyAnswerView, "survey_answer")
}

// surveyAnswerSave records the answers of the resident found by their
// room, name or phone's last four digits.
func (h *Handler) surveyAnswerSave(w http.ResponseWriter, r *http.Request) {
	parseForm(w, r)
	v, err := h.surveyAnswerView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	resp := &wubu.SurveyResponse{FormID: v.Survey.ID, Answers: answersFromForm(v.Survey, r.PostForm)}
	hits, err := h.Residents.Lookup(r.Context(), v.Survey.ProjectID, r.PostFormValue("resident"), 2)
	if err == nil && len(hits) != 1 {
		err = wubu.FieldErrorf("resident", wubu.EINVALID, "Name one resident: their room, name or phone's last four digits.")
	}
	if err == nil {
		resp.PersonID = &hits[0].PersonID
		err = h.Surveys.AnswerSurvey(r.Context(), resp)
	}
	if err != nil {
		if e := wubu.AsError(err); e != nil && e.Field == "person_id" {
			err = &wubu.Error{Code: e.Code, Format: e.Format, Args: e.Args, Field: "resident"}
		}
		h.render(w, r, refuse(r, v, r.PostForm, err, ""), "survey_answer", v)
		return
	}
	h.redirect(w, r, fmt.Sprintf("/survey-forms/%d/answer", v.Survey.ID), h.T(r, "Answers saved."))
}

// Scores are a scale's answers, best first.
func (v *surveyAnswerView) Scores() []int { return []int{5, 4, 3, 2, 1} }

// answersFromForm reads the answers of a survey's form fields (q<ID>);
// questions left blank are left out.
func answersFromForm(f *wubu.SurveyForm, form url.Values) []wubu.SurveyAnswer {
	var out []wubu.SurveyAnswer
	for _, q := range f.Questions {
		a := wubu.SurveyAnswer{QuestionID: q.ID}
		vals := form[fmt.Sprintf("q%d", q.ID)]
		switch q.Kind {
		case wubu.QuestionScale, wubu.QuestionYesNo:
			if len(vals) == 1 && vals[0] != "" {
				n, _ := strconv.Atoi(vals[0])
				a.Score = &n
			}
		case wubu.QuestionText:
			if len(vals) == 1 {
				a.Text = vals[0]
			}
		default:
			for _, c := range vals {
				if c != "" {
					a.Choices = append(a.Choices, c)
				}
			}
		}
		if a.Score != nil || a.Text != "" || len(a.Choices) > 0 {
			out = append(out, a)
		}
	}
	return out
}
