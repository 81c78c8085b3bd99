package web

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
)

type careView struct {
	Page
	Project *wubu.Project
	Due     []*wubu.CareDue
	Overdue bool
	Now     int64
}

// careList lists the project's residents with a care flag, the most
// overdue first, with a form to record a visit (H1).
func (h *Handler) careList(w http.ResponseWriter, r *http.Request) {
	h.renderCare(w, r, http.StatusOK, nil)
}

func (h *Handler) renderCare(w http.ResponseWriter, r *http.Request, status int, refused func(v *careView)) {
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
	v := &careView{Page: h.newPage(r, "Care visits"), Project: p, Overdue: r.URL.Query().Get("overdue") == "1"}
	if v.Due, err = h.Care.FindCareDue(r.Context(), id, v.Overdue); err != nil {
		h.fail(w, r, err)
		return
	}
	if refused != nil {
		refused(v)
	}
	h.render(w, r, status, "care", v)
}

// careVisitAdd records a visit and goes back to the care list.
func (h *Handler) careVisitAdd(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &wubu.CareVisit{PersonID: id, Notes: r.PostFormValue("notes")}
	if h.Surveys != nil {
		res, err := h.Residents.FindResident(r.Context(), id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if f, err := h.Surveys.FormFor(r.Context(), res.ProjectID, wubu.SurveyCare); err == nil {
			v.Answers = surveyAnswers(r, f)
		} else if wubu.ErrorCode(err) != wubu.ENOTFOUND {
			h.fail(w, r, err)
			return
		}
	}
	if err := h.Care.RecordCareVisit(r.Context(), v); err != nil {
		if wubu.ErrorCode(err) != wubu.EINVALID {
			h.fail(w, r, err)
			return
		}
		if careVisitFromCard(r) {
			h.residentFormFailed(w, r, err)
			return
		}
		res, ferr := h.Residents.FindResident(r.Context(), id)
		if ferr != nil {
			h.fail(w, r, ferr)
			return
		}
		r.SetPathValue("id", strconv.FormatInt(res.ProjectID, 10))
		h.renderCare(w, r, http.StatusUnprocessableEntity, func(cv *careView) {
			cv.Form = r.PostForm
			formError(r, &cv.Page, err, "")
		})
		return
	}
	if careVisitFromCard(r) {
		h.redirect(w, r, "/residents/"+strconv.FormatInt(id, 10), h.T(r, "Visit recorded."))
		return
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(v.ProjectID, 10)+"/care", h.T(r, "Visit recorded."))
}

type cardsView struct {
	Page
	Project *wubu.Project
	Cards   []*wubu.ExpiringCard
	Within  int
}

// cardsExpiring is the front desk's list of cards that expire soon (E3).
func (h *Handler) cardsExpiring(w http.ResponseWriter, r *http.Request) {
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
	v := &cardsView{Page: h.newPage(r, "Expiring cards"), Project: p}
	v.Within, _ = strconv.Atoi(r.URL.Query().Get("within"))
	if v.Within <= 0 {
		st, err := h.Settings.FindSettings(r.Context(), id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.Within = st.CardReminderDays[0]
	}
	if v.Cards, err = h.Cards.FindExpiringCards(r.Context(), id, v.Within); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "cards_expiring", v)
}
