package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// revisitRoutes are the screens of residents' revisits (U4, S3): a
// project's list, scheduling one from the customer card, and recording
// the outcome.
func (h *Handler) revisitRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/projects/{id}/revisits", Perm: wubu.PermResidentView, Handler: h.revisitList},
		{Method: "GET", Path: "/residents/{id}/revisits/new", Perm: wubu.PermResidentEdit, Handler: h.revisitNew},
		{Method: "POST", Path: "/residents/{id}/revisits", Perm: wubu.PermResidentEdit, Handler: h.revisitCreate},
		{Method: "GET", Path: "/revisits/{id}", Perm: wubu.PermResidentView, Handler: h.revisitShow},
		{Method: "POST", Path: "/revisits/{id}/outcome", Perm: wubu.PermResidentEdit, Handler: h.revisitOutcome},
	}
}

type revisitsView struct {
	Page
	Project    *wubu.Project
	Revisits   []*wubu.Revisit
	Mine, Open bool
	Kind       string
	Kinds      []wubu.VisitKind
}

// revisitList lists a project's revisits: planned ones first (overdue in
// red), filters mine and open kept in the URL.
func (h *Handler) revisitList(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.Projects.FindProjectByID(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	v := &revisitsView{Page: h.newPage(r, "Revisits"), Project: p, Mine: q.Get("mine") == "1", Open: q.Get("open") == "1", Kind: q.Get("kind"), Kinds: wubu.VisitKinds}
	f := wubu.RevisitFilter{ProjectID: id, Mine: v.Mine, Open: v.Open}
	if k := wubu.VisitKind(v.Kind); k.Valid() {
		f.Kind = k
	}
	if v.Revisits, err = h.Revisits.FindRevisits(r.Context(), f); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "revisits", v)
}

type revisitNewView struct {
	Page
	Resident *wubu.Resident
	// Companions are the security leaders who will go along (a key
	// customer's buildings).
	Companions []*wubu.Assignment
	// Kinds are the kinds a visit is planned as by hand.
	Kinds []wubu.VisitKind
}

// revisitNew is the form to schedule a revisit of a resident.
func (h *Handler) revisitNew(w http.ResponseWriter, r *http.Request) {
	h.renderRevisitNew(w, r, http.StatusOK, nil)
}

func (h *Handler) renderRevisitNew(w http.ResponseWriter, r *http.Request, status int, refused error) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	res, err := h.Residents.FindResident(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &revisitNewView{Page: h.newPage(r, "Schedule a revisit"), Resident: res, Kinds: []wubu.VisitKind{wubu.VisitRevisit, wubu.VisitSpecialDay, wubu.VisitSatisfaction}}
	if h.Security != nil {
		if v.Companions, err = h.Security.RevisitCompanions(r.Context(), id); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if refused != nil {
		v.Form = r.PostForm
		status = formError(r, &v.Page, refused, "")
	} else {
		// A proposal: tomorrow at 10:00.
		t := h.Clock.Now().In(cst).AddDate(0, 0, 1)
		v.Form.Set("due_at", time.Date(t.Year(), t.Month(), t.Day(), 10, 0, 0, 0, cst).Format("2006-01-02T15:04"))
	}
	h.render(w, r, status, "revisit_new", v)
}

// revisitCreate schedules the revisit and opens it.
func (h *Handler) revisitCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rv := &wubu.Revisit{PersonID: id, Purpose: r.PostFormValue("purpose"), Kind: wubu.VisitKind(r.PostFormValue("kind"))}
	if s := strings.TrimSpace(r.PostFormValue("due_at")); s != "" {
		t, perr := time.ParseInLocation("2006-01-02T15:04", s, cst)
		if perr != nil {
			h.renderRevisitNew(w, r, 0, wubu.FieldErrorf("due_at", wubu.EINVALID, "Choose when the revisit takes place."))
			return
		}
		rv.DueAt = t
	}
	if err := h.Revisits.ScheduleRevisit(r.Context(), rv); err != nil {
		if wubu.ErrorCode(err) != wubu.EINVALID {
			h.fail(w, r, err)
			return
		}
		h.renderRevisitNew(w, r, 0, err)
		return
	}
	h.redirect(w, r, "/revisits/"+strconv.FormatInt(rv.ID, 10), h.T(r, "Revisit scheduled."))
}

type revisitView struct {
	Page
	Revisit *wubu.Revisit
	CanEdit bool
	Left    string
	// Survey is the form of the visit's kind (nil: none).
	Survey *wubu.SurveyForm
}

// Answer returns the answer to a question recorded on the visit, as text.
func (v *revisitView) Answer(q *wubu.SurveyQuestion) string {
	if v.Revisit.Survey == nil {
		return ""
	}
	for _, a := range v.Revisit.Survey.Answers {
		if a.QuestionID != q.ID {
			continue
		}
		switch {
		case a.Score != nil && q.Kind == wubu.QuestionYesNo:
			return v.T("answer:" + map[bool]string{true: "yes", false: "no"}[*a.Score == 1])
		case a.Score != nil:
			return strconv.Itoa(*a.Score) + "/5"
		case len(a.Choices) > 0:
			return strings.Join(a.Choices, "、")
		}
		return a.Text
	}
	return ""
}

// Key reports whether the resident is a key customer.
func (v *revisitView) Key() bool { return v.Revisit.Importance >= wubu.KeyCustomerImportance }

// revisitShow shows a revisit with its participants and the outcome form.
func (h *Handler) revisitShow(w http.ResponseWriter, r *http.Request) {
	h.renderRevisit(w, r, http.StatusOK, nil)
}

func (h *Handler) renderRevisit(w http.ResponseWriter, r *http.Request, status int, refused error) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rv, err := h.Revisits.FindRevisit(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &revisitView{Page: h.newPage(r, "Revisit"), Revisit: rv, CanEdit: wubu.UserFromContext(r.Context()).Can(wubu.PermResidentEdit)}
	if rv.Status == wubu.RevisitPlanned {
		v.Left = v.formatLeft(rv.DueAt.Sub(h.Clock.Now()))
	}
	if h.Surveys != nil {
		if v.Survey, err = h.Surveys.FormFor(r.Context(), rv.ProjectID, wubu.VisitSurvey(rv.Kind)); err != nil && wubu.ErrorCode(err) != wubu.ENOTFOUND {
			h.fail(w, r, err)
			return
		}
	}
	if refused != nil {
		v.Form = r.PostForm
		status = formError(r, &v.Page, refused, "")
	}
	h.render(w, r, status, "revisit", v)
}

// revisitOutcome records how the revisit went.
func (h *Handler) revisitOutcome(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sat, _ := strconv.Atoi(r.PostFormValue("satisfaction"))
	o := wubu.VisitOutcome{Notes: r.PostFormValue("notes"), Satisfaction: sat, Checks: r.PostForm["checks"]}
	// The answers to the kind's form: q<ID> fields.
	if h.Surveys != nil {
		old, err := h.Revisits.FindRevisit(r.Context(), id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if f, err := h.Surveys.FormFor(r.Context(), old.ProjectID, wubu.VisitSurvey(old.Kind)); err == nil {
			o.Answers = surveyAnswers(r, f)
		}
	}
	rv, err := h.Revisits.RecordVisit(r.Context(), id, o)
	if err != nil {
		if c := wubu.ErrorCode(err); c != wubu.EINVALID && c != wubu.ECONFLICT {
			h.fail(w, r, err)
			return
		}
		h.renderRevisit(w, r, 0, err)
		return
	}
	h.redirect(w, r, "/residents/"+strconv.FormatInt(rv.PersonID, 10), h.T(r, "Revisit recorded."))
}

// surveyAnswers reads the answers to a form's questions from the fields
// q<ID>: a score for a scale or yes/no (1 yes, 0 no), the choices, the text.
func surveyAnswers(r *http.Request, f *wubu.SurveyForm) []wubu.SurveyAnswer {
	var out []wubu.SurveyAnswer
	for _, q := range f.Questions {
		vals := r.PostForm["q"+strconv.FormatInt(q.ID, 10)]
		if len(vals) == 0 || strings.TrimSpace(strings.Join(vals, "")) == "" {
			continue
		}
		a := wubu.SurveyAnswer{QuestionID: q.ID}
		switch q.Kind {
		case wubu.QuestionScale, wubu.QuestionYesNo:
			n, err := strconv.Atoi(vals[0])
			if err != nil {
				n = -1
			}
			a.Score = &n
		case wubu.QuestionSingle, wubu.QuestionMulti:
			a.Choices = vals
		default:
			a.Text = vals[0]
		}
		out = append(out, a)
	}
	return out
}
