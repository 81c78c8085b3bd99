package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// surveyRoutes are the screens of visits' survey forms (K3, D1, D4): a
// project's forms with the visit settings and the monthly programme, the
// form editor, and the results per question and per building with their
// .xlsx export.
func (h *Handler) surveyRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/projects/{id}/surveys", Perm: wubu.PermResidentView, Handler: h.surveyList},
		{Method: "GET", Path: "/projects/{id}/surveys/new", Perm: wubu.PermSettingsEdit, Handler: h.surveyNew},
		{Method: "POST", Path: "/projects/{id}/surveys", Perm: wubu.PermSettingsEdit, Handler: h.surveySave},
		{Method: "POST", Path: "/projects/{id}/visit-settings", Perm: wubu.PermSettingsEdit, Handler: h.visitSettingsSave},
		{Method: "POST", Path: "/projects/{id}/visit-programme", Perm: wubu.PermSettingsEdit, Handler: h.visitProgrammeRun},
		{Method: "GET", Path: "/survey-forms/{id}/edit", Perm: wubu.PermSettingsEdit, Handler: h.surveyEdit},
		{Method: "POST", Path: "/survey-forms/{id}", Perm: wubu.PermSettingsEdit, Handler: h.surveySave},
		{Method: "GET", Path: "/survey-forms/{id}/results", Perm: wubu.PermReportView, Handler: h.surveyResults},
		{Method: "GET", Path: "/survey-forms/{id}/results.xlsx", Perm: wubu.PermReportView, Handler: h.surveyExport},
	}
}

type surveysView struct {
	Page
	Project  *wubu.Project
	Forms    []*wubu.SurveyForm
	Missing  []wubu.SurveyPurpose
	Settings wubu.VisitSettings
	CanEdit  bool
	CanSee   bool
	// CanAnswer may enter residents' answers to community surveys.
	CanAnswer bool
}

// surveyList shows a project's survey forms, the visit kinds without one,
// the visit settings and the programme.
func (h *Handler) surveyList(w http.ResponseWriter, r *http.Request) {
	h.renderSurveys(w, r, http.StatusOK, nil)
}

func (h *Handler) renderSurveys(w http.ResponseWriter, r *http.Request, status int, refused error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.Projects.FindProjectByID(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u := wubu.UserFromContext(ctx)
	v := &surveysView{Page: h.newPage(r, "Visits and surveys"), Project: p, CanEdit: u.Can(wubu.PermSettingsEdit), CanSee: u.Can(wubu.PermReportView),
		CanAnswer: u.Can(wubu.PermResidentEdit)}
	if v.Forms, err = h.Surveys.FindSurveyForms(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	for _, p := range append(wubu.VisitSurveys(), wubu.SurveyCare) {
		if !containsPurpose(v.Forms, p) {
			v.Missing = append(v.Missing, p)
		}
	}
	if v.Settings, err = h.Revisits.VisitSettings(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if refused != nil {
		v.Form = r.PostForm
		status = formError(r, &v.Page, refused, "")
	} else {
		for k, n := range map[string]int{"welcome_days": v.Settings.WelcomeDays, "programme_percent": v.Settings.ProgrammePercent,
			"programme_gap_months": v.Settings.ProgrammeGapMonths, "move_in_stall_days": v.Settings.MoveInStallDays} {
			v.Form.Set(k, strconv.Itoa(n))
		}
	}
	h.render(w, r, status, "surveys", v)
}

func containsPurpose(forms []*wubu.SurveyForm, p wubu.SurveyPurpose) bool {
	for _, f := range forms {
		if f.Purpose == p {
			return true
		}
	}
	return false
}

// visitSettingsSave changes the project's visit settings.
func (h *Handler) visitSettingsSave(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n := func(k string) int { i, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue(k))); return i }
	st := wubu.VisitSettings{ProjectID: id, WelcomeDays: n("welcome_days"), ProgrammePercent: n("programme_percent"),
		ProgrammeGapMonths: n("programme_gap_months"), MoveInStallDays: n("move_in_stall_days")}
	if err := h.Revisits.UpdateVisitSettings(r.Context(), st); err != nil {
		if wubu.ErrorCode(err) != wubu.EINVALID {
			h.fail(w, r, err)
			return
		}
		h.renderSurveys(w, r, 0, err)
		return
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(id, 10)+"/surveys", h.T(r, "Settings saved."))
}

// visitProgrammeRun plans this month's satisfaction programme now (the
// rules do it on the month's first run).
func (h *Handler) visitProgrammeRun(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	run, err := h.Revisits.RunProgramme(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	msg := h.T(r, "%d of %d households chosen for the %s satisfaction programme.", run.Chosen, run.Households, run.Month)
	if run.Existed {
		msg = h.T(r, "The %s satisfaction programme was already planned: %d households.", run.Month, run.Chosen)
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(id, 10)+"/revisits?kind=satisfaction&open=1", msg)
}

type surveyEditView struct {
	Page
	Project *wubu.Project
	Survey  *wubu.SurveyForm
	// Rows are the questions with blank rows to add more.
	Rows  []surveyRow
	Kinds []wubu.QuestionKind
	// Buildings are the project's, to choose a community survey's
	// audience from.
	Buildings []*wubu.Building
	// Segments are offered as a community survey's audience.
	Segments []*wubu.Segment
}

// InAudience reports whether a building is in the survey's audience.
func (v *surveyEditView) InAudience(id int64) bool { return slices.Contains(v.Survey.BuildingIDs, id) }

// surveyRow is a question in the editor, numbered from 1.
type surveyRow struct {
	*wubu.SurveyQuestion
	N int
}

// ChoicesText is the choices as typed: separated by "/".
func (r surveyRow) ChoicesText() string { return strings.Join(r.Choices, "/") }

// surveyNew is the editor of a new form of a purpose.
func (h *Handler) surveyNew(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	purpose := wubu.SurveyPurpose(r.URL.Query().Get("purpose"))
	if !purpose.Valid() {
		purpose = wubu.SurveyCommunity
	}
	h.renderSurveyEdit(w, r, http.StatusOK, &wubu.SurveyForm{ProjectID: id, Purpose: purpose}, nil)
}

// surveyEdit is the editor of a form.
func (h *Handler) surveyEdit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, err := h.Surveys.FindSurveyForm(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderSurveyEdit(w, r, http.StatusOK, f, nil)
}

func (h *Handler) renderSurveyEdit(w http.ResponseWriter, r *http.Request, status int, f *wubu.SurveyForm, refused error) {
	p, err := h.Projects.FindProjectByID(r.Context(), f.ProjectID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &surveyEditView{Page: h.newPage(r, "Survey form"), Project: p, Survey: f, Kinds: wubu.QuestionKinds}
	if f.Purpose == wubu.SurveyCommunity {
		if v.Buildings, err = h.Org.FindBuildings(r.Context(), f.ProjectID); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	for _, q := range f.Questions {
		v.Rows = append(v.Rows, surveyRow{q, len(v.Rows) + 1})
	}
	for range 3 {
		v.Rows = append(v.Rows, surveyRow{&wubu.SurveyQuestion{Kind: wubu.QuestionScale}, len(v.Rows) + 1})
	}
	if refused != nil {
		status = formError(r, &v.Page, refused, "")
	}
	v.Form.Set("title", f.Title)
	v.Form.Set("opens_on", f.OpensOn)
	v.Form.Set("closes_on", f.ClosesOn)
	if f.SegmentID != nil {
		v.Form.Set("segment_id", strconv.FormatInt(*f.SegmentID, 10))
	}
	if f.Purpose == wubu.SurveyCommunity {
		if v.Segments, err = h.audienceSegments(r, f.ProjectID); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.render(w, r, status, "survey_edit", v)
}

// surveyFromForm reads the editor's form: a row per question, rows without
// text left out; choices are separated by "/", "、" or new lines.
func surveyFromForm(r *http.Request) *wubu.SurveyForm {
	f := &wubu.SurveyForm{Title: r.PostFormValue("title"), Purpose: wubu.SurveyPurpose(r.PostFormValue("purpose")),
		OpensOn: strings.TrimSpace(r.PostFormValue("opens_on")), ClosesOn: strings.TrimSpace(r.PostFormValue("closes_on")),
		SegmentID: optID(r, "segment_id")}
	for _, b := range r.PostForm["building_id"] {
		if id, err := strconv.ParseInt(b, 10, 64); err == nil {
			f.BuildingIDs = append(f.BuildingIDs, id)
		}
	}
	ids, kinds, texts, choices := r.PostForm["q_id"], r.PostForm["q_kind"], r.PostForm["q_text"], r.PostForm["q_choices"]
	for i := range texts {
		if strings.TrimSpace(texts[i]) == "" || i >= len(kinds) || i >= len(ids) || i >= len(choices) {
			continue
		}
		q := &wubu.SurveyQuestion{Kind: wubu.QuestionKind(kinds[i]), Text: texts[i],
			Choices:  strings.FieldsFunc(choices[i], func(c rune) bool { return c == '/' || c == '、' || c == '\n' }),
			Required: r.PostFormValue("q_required_"+strconv.Itoa(i)) == "1"}
		q.ID, _ = strconv.ParseInt(ids[i], 10, 64)
		f.Questions = append(f.Questions, q)
	}
	return f
}

// surveySave creates (POST /projects/{id}/surveys) or changes (POST
// /survey-forms/{id}) a form.
func (h *Handler) surveySave(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := surveyFromForm(r)
	if strings.HasPrefix(r.URL.Path, "/survey-forms/") {
		old, err := h.Surveys.FindSurveyForm(r.Context(), id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		f.ID, f.ProjectID, f.Purpose = id, old.ProjectID, old.Purpose
	} else {
		f.ProjectID = id
	}
	if err := h.Surveys.SaveSurveyForm(r.Context(), f); err != nil {
		if c := wubu.ErrorCode(err); c != wubu.EINVALID && c != wubu.ECONFLICT {
			h.fail(w, r, err)
			return
		}
		h.renderSurveyEdit(w, r, 0, f, err)
		return
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(f.ProjectID, 10)+"/surveys", h.T(r, "Survey form saved."))
}

type surveyResultsView struct {
	Page
	Results *wubu.SurveyResults
}

// resultSection is one table of the results: all buildings, or one.
type resultSection struct {
	Title, ID string
	Responses int
	Questions []*wubu.QuestionResult
}

// Sections are the results for all buildings, then for each building.
func (v *surveyResultsView) Sections() []resultSection {
	out := []resultSection{{Title: v.T("All buildings"), ID: "results-all", Responses: v.Results.Responses, Questions: v.Results.Questions}}
	for _, b := range v.Results.Buildings {
		title := v.T("No building")
		if b.BuildingName != "" {
			title = v.T("Building %s", b.BuildingName)
		}
		out = append(out, resultSection{Title: title, ID: "results-building-" + strconv.FormatInt(b.BuildingID, 10), Responses: b.Responses, Questions: b.Questions})
	}
	return out
}

// ChoiceLabel translates a result's label: yes and no, others as given.
func (v *surveyResultsView) ChoiceLabel(kind wubu.QuestionKind, label string) string {
	switch kind {
	case wubu.QuestionYesNo:
		return v.T("answer:" + label)
	case wubu.QuestionScale:
		return v.T("satisfaction:" + label)
	}
	return label
}

// surveyResults shows a form's results for the project and per building.
func (h *Handler) surveyResults(w http.ResponseWriter, r *http.Request) {
	if v, ok := h.surveyResultsOf(w, r); ok {
		h.render(w, r, http.StatusOK, "survey_results", v)
	}
}

// surveyResultsOf reads the results of the form of the path; false when
// it failed and answered so.
func (h *Handler) surveyResultsOf(w http.ResponseWriter, r *http.Request) (*surveyResultsView, bool) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	res, err := h.Surveys.SurveyResults(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	return &surveyResultsView{Page: h.newPage(r, "Survey results"), Results: res}, true
}

// surveyExport writes the results as .xlsx: a sheet for the project and
// one row per building and answer.
func (h *Handler) surveyExport(w http.ResponseWriter, r *http.Request) {
	v, ok := h.surveyResultsOf(w, r)
	if !ok {
		return
	}
	rows := [][]any{{v.T("Building"), v.T("Question"), v.T("Answer"), v.T("Count"), v.T("Percent"), v.T("Answered"), v.T("Average")}}
	add := func(building string, qs []*wubu.QuestionResult) {
		for _, q := range qs {
			avg := ""
			if q.Kind == wubu.QuestionScale {
				avg = fmt.Sprintf("%.2f", q.Average)
			}
			rows = append(rows, []any{building, q.Text, "", "", "", q.Answered, avg})
			for _, c := range q.Counts {
				rows = append(rows, []any{building, q.Text, v.ChoiceLabel(q.Kind, c.Label), c.Count, c.Percent, q.Answered, ""})
			}
			for _, t := range q.Texts {
				rows = append(rows, []any{building, q.Text, t, "", "", q.Answered, ""})
			}
		}
	}
	for _, sec := range v.Sections() {
		add(sec.Title, sec.Questions)
	}
	h.writeXLSX(w, r, v.T("Survey results"), "survey-"+strconv.FormatInt(v.Results.Form.ID, 10)+".xlsx", rows)
}

// Field is a survey question's form field name (survey-questions template).
func (p *Page) Field(q *wubu.SurveyQuestion) string { return "q" + strconv.FormatInt(q.ID, 10) }

// Checked reports whether the refused form had a value ticked.
func (p *Page) Checked(field, value string) bool {
	for _, x := range p.Form[field] {
		if x == value {
			return true
		}
	}
	return false
}

// Satisfactions are the choices of a 1–5 answer, best first.
func (p *Page) Satisfactions() []string { return []string{"5", "4", "3", "2", "1"} }
