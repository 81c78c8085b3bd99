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
	v := &revisitsView{Page: h.newPage(r, "Revisits"), Project: p, Mine: q.Get("mine") == "1", Open: q.Get("open") == "1"}
	if v.Revisits, err = h.Revisits.FindRevisits(r.Context(), wubu.RevisitFilter{ProjectID: id, Mine: v.Mine, Open: v.Open}); err != nil {
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
	v := &revisitNewView{Page: h.newPage(r, "Schedule a revisit"), Resident: res}
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
	rv := &wubu.Revisit{PersonID: id, Purpose: r.PostFormValue("purpose")}
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
}

// Satisfactions are the choices of the outcome form, best first.
func (v *revisitView) Satisfactions() []string { return []string{"5", "4", "3", "2", "1"} }

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
	rv, err := h.Revisits.RecordRevisit(r.Context(), id, r.PostFormValue("notes"), sat)
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
