package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// passRoutes are the guard's start page and the pages of release passes
// (S8).
func (h *Handler) passRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/guard", Perm: wubu.PermSecurityView, Handler: h.guardHome},

		{Method: "GET", Path: "/passes", Perm: wubu.PermSecurityView, Handler: h.passList},
		{Method: "GET", Path: "/passes/new", Perm: wubu.PermSecurityEdit, Handler: h.passNew},
		{Method: "POST", Path: "/passes", Perm: wubu.PermSecurityEdit, Handler: h.passCreate, MaxBody: MaxStepForm},
		{Method: "GET", Path: "/passes/{id}", Perm: wubu.PermSecurityView, Handler: h.passShow},
		{Method: "GET", Path: "/passes/{id}/status", Perm: wubu.PermSecurityView, Handler: h.passStatus},
		{Method: "GET", Path: "/passes/{id}/photos/{n}", Perm: wubu.PermSecurityView, Handler: h.passPhoto},
		{Method: "POST", Path: "/passes/{id}/confirm", Perm: wubu.PermPassConfirm, Handler: h.step(h.passSteps(), "confirm_", h.passConfirm)},
		{Method: "POST", Path: "/passes/{id}/refuse", Perm: wubu.PermPassConfirm, Handler: h.step(h.passSteps(), "refuse_", h.passRefuse)},
		{Method: "POST", Path: "/passes/{id}/release", Perm: wubu.PermSecurityEdit, Handler: h.step(h.passSteps(), "release_", h.passRelease)},
	}
}

// Time shows a time of today as 14:05, another day's as 11-26 14:05.
func (v *securityPage) Time(at any) string {
	var t time.Time
	switch x := at.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x == nil {
			return ""
		}
		t = *x
	default:
		return ""
	}
	if t.In(cst).Format("2006-01-02") == v.Now.In(cst).Format("2006-01-02") {
		return t.In(cst).Format("15:04")
	}
	return t.In(cst).Format("01-02 15:04")
}

type passView struct {
	securityPage
	Pass       *wubu.Pass
	Methods    []wubu.PassConfirmMethod
	CanRelease bool
	// Poll keeps the status polling: the pass waits for a decision.
	Poll bool
	// OwnerPhones are the room's owners' phones, masked, for the service
	// centre confirming by phone; CanCall says whether it may reveal one
	// to call (resident_call.go).
	OwnerPhones map[int64][]string
	CanCall     bool
}

// PhotoIndexes numbers the pass's photos.
func (v *passView) PhotoIndexes() []int {
	out := make([]int, v.Pass.Photos)
	for i := range out {
		out[i] = i
	}
	return out
}

type passListView struct {
	securityPage
	State  string
	States []wubu.PassState
	Passes []*wubu.Pass
	Pager  PagerView
}

// passList lists a project's passes; the pending ones refresh by themselves
// for the service desk.
func (h *Handler) passList(w http.ResponseWriter, r *http.Request) {
	sp, err := h.newSecurityPage(r, "Release passes")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &passListView{securityPage: sp, State: r.URL.Query().Get("state"), States: wubu.PassStates}
	f := wubu.PassFilter{ProjectID: v.ProjectID, Limit: pageSize}
	if st := wubu.PassState(v.State); st.Valid() {
		f.State = &st
	}
	if v.Passes, v.Pager, err = listPage(r, &v.securityPage, func(offset int) ([]*wubu.Pass, int, error) {
		f.Offset = offset
		return h.Passes.FindPasses(r.Context(), f)
	}); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "passes", v)
}

type passNewView struct {
	securityPage
	Query   string
	Results []*wubu.LookupResult
	Person  *wubu.Resident
}

// passNew is the guard's form: find the person with the lookup (or type a
// name), then list the goods.
func (h *Handler) passNew(w http.ResponseWriter, r *http.Request) {
	sp, err := h.newSecurityPage(r, "Start a release pass")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &passNewView{securityPage: sp, Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	h.passNewFill(w, r, v, http.StatusOK)
}

func (h *Handler) passNewFill(w http.ResponseWriter, r *http.Request, v *passNewView, status int) {
	ctx := r.Context()
	if v.Query != "" {
		res, err := h.Residents.Lookup(ctx, v.ProjectID, v.Query, 10)
		if err != nil && server.ErrorCode(err) != wubu.EINVALID {
			h.fail(w, r, err)
			return
		}
		v.Results = res
	}
	if id := optionalID(v.Form.Get("person_id")); id != nil {
		v.Person, _ = h.Residents.FindResident(ctx, *id)
	} else if id := optionalID(r.URL.Query().Get("person")); id != nil {
		if p, err := h.Residents.FindResident(ctx, *id); err == nil {
			v.Person = p
			v.Form.Set("person_id", strconv.FormatInt(p.ID, 10))
			if v.Form.Get("room") == "" && len(p.Households) > 0 {
				v.Form.Set("room", p.Households[0].RoomLabel)
			}
		}
	}
	if v.Form.Get("gate") == "" {
		v.Form.Set("gate", r.URL.Query().Get("gate"))
	}
	h.render(w, r, status, "pass_new", v)
}

// passCreate starts the pass, stores its photos and shows it.
func (h *Handler) passCreate(w http.ResponseWriter, r *http.Request) {
	formErr := readStepForm(w, r)
	sp, err := h.newSecurityPage(r, "Start a release pass")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &passNewView{securityPage: sp}
	v.Form = r.PostForm
	np := &wubu.NewPass{ProjectID: v.ProjectID, Room: r.PostFormValue("room"), PersonID: optionalID(r.PostFormValue("person_id")),
		PersonName: r.PostFormValue("person_name"), Items: []string{r.PostFormValue("items")}, Gate: r.PostFormValue("gate"), Note: r.PostFormValue("note")}
	// Read the photos first: a bad one refuses the whole form.
	photos, err := server.ReadPhotos(r, "photos", wubu.MaxPassPhotos)
	if err == nil {
		err = formErr
	}
	if err != nil {
		h.passNewFill(w, r, v, formError(r, &v.Page, err, ""))
		return
	}
	p, err := h.Passes.StartPass(r.Context(), np)
	if err != nil {
		if codeIn(err, wubu.EINTERNAL, wubu.EFORBIDDEN) {
			h.fail(w, r, err)
			return
		}
		h.passNewFill(w, r, v, formError(r, &v.Page, err, ""))
		return
	}
	for _, ph := range photos {
		if err := h.Passes.AddPassPhoto(r.Context(), p.ID, ph.ContentType, ph.Data); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.redirect(w, r, fmt.Sprintf("/passes/%d", p.ID), h.T(r, "Pass started: the service centre is asked to confirm."))
}

func (h *Handler) passView(r *http.Request) (*passView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	sp, err := h.newSecurityPage(r, "Release pass")
	if err != nil {
		return nil, err
	}
	p, err := h.Passes.FindPassByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	v := &passView{securityPage: sp, Pass: p, Methods: wubu.PassConfirmMethods, Poll: p.State == wubu.PassPending,
		CanRelease: sp.CanEdit && p.State == wubu.PassConfirmed}
	v.Title = v.T("Release pass #%d", p.ID)
	if sp.CanConfirm && p.State == wubu.PassPending && r.Header.Get("HX-Request") != "true" {
		v.OwnerPhones, v.CanCall = h.ownerPhones(r, p.Owners), sp.User.Can(wubu.PermRevealPhone)
	}
	return v, nil
}

func (h *Handler) passShow(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.passView, "pass")
}

// passStatus answers the pass page's polling with the status block alone:
// the guard sees the service centre's answer without reloading.
func (h *Handler) passStatus(w http.ResponseWriter, r *http.Request) {
	v, err := h.passView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderBlock(w, r, "pass", "pass-status", v)
}

// renderBlock writes one block of a page's template, for htmx.
func (h *Handler) renderBlock(w http.ResponseWriter, r *http.Request, page, block string, v any) {
	var buf bytes.Buffer
	if err := h.pages[page].ExecuteTemplate(&buf, block, v); err != nil {
		h.Logger.Error("render block", "page", page, "block", block, "err", err)
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

func (h *Handler) passPhoto(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 0 {
		h.fail(w, r, wubu.Errorf(wubu.ENOTFOUND, "Photo not found."))
		return
	}
	ct, data, err := h.Passes.PassPhoto(r.Context(), id, n)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteImage(w, ct, data)
}

// passSteps are a pass's pages for its steps.
func (h *Handler) passSteps() stepPage {
	return stepPage{path: "/passes/%d", reshow: reshowWith(h, h.passView, "pass")}
}

func (h *Handler) passConfirm(r *http.Request, id int64) (string, error) {
	_, err := h.Passes.ConfirmPass(r.Context(), id, wubu.PassConfirmation{Method: wubu.PassConfirmMethod(r.FormValue("method")),
		OwnerPersonID: optionalID(r.FormValue("owner_person_id")), Note: r.FormValue("note")})
	return h.T(r, "Pass confirmed: the guard sees it now."), err
}

func (h *Handler) passRefuse(r *http.Request, id int64) (string, error) {
	_, err := h.Passes.RefusePass(r.Context(), id, r.FormValue("reason"))
	return h.T(r, "Pass refused."), err
}

func (h *Handler) passRelease(r *http.Request, id int64) (string, error) {
	_, err := h.Passes.ReleasePass(r.Context(), id, r.FormValue("gate"))
	return h.T(r, "Goods released."), err
}
