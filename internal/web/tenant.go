package web

import (
	"fmt"
	"net/http"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// tenantRoutes are the pages of new tenants' registration (S2).
func (h *Handler) tenantRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/tenants", Perm: wubu.PermSecurityView, Handler: h.tenantList},
		{Method: "GET", Path: "/tenants/new", Perm: wubu.PermSecurityEdit, Handler: h.tenantNew},
		{Method: "POST", Path: "/tenants", Perm: wubu.PermSecurityEdit, Handler: h.tenantCreate},
		{Method: "GET", Path: "/tenants/{id}", Perm: wubu.PermSecurityView, Handler: h.tenantShow},
		{Method: "POST", Path: "/tenants/{id}/check", Perm: wubu.PermPassConfirm, Handler: h.step(h.tenantSteps(), "", h.tenantCheck)},
		{Method: "POST", Path: "/tenants/{id}/file", Perm: wubu.PermPassConfirm, Handler: h.step(h.tenantSteps(), "", h.tenantFile)},
		{Method: "POST", Path: "/tenants/{id}/reject", Perm: wubu.PermPassConfirm, Handler: h.step(h.tenantSteps(), "", h.tenantReject)},
	}
}

type tenantListView struct {
	securityPage
	State   string
	States  []wubu.TenantState
	Tenants []*wubu.TenantRegistration
	Pager   PagerView
}

// tenantList lists a project's new tenant registrations (S2).
func (h *Handler) tenantList(w http.ResponseWriter, r *http.Request) {
	sp, err := h.newSecurityPage(r, "New tenants")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &tenantListView{securityPage: sp, State: r.URL.Query().Get("state"), States: wubu.TenantStates}
	f := wubu.TenantFilter{ProjectID: v.ProjectID, Limit: pageSize}
	if st := wubu.TenantState(v.State); st.Valid() {
		f.State = &st
	}
	if v.Tenants, v.Pager, err = listPage(r, &v.securityPage, func(offset int) ([]*wubu.TenantRegistration, int, error) {
		f.Offset = offset
		return h.Tenants.FindTenants(r.Context(), f)
	}); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "tenants", v)
}

type tenantNewView struct {
	securityPage
}

func (h *Handler) tenantNew(w http.ResponseWriter, r *http.Request) {
	sp, err := h.newSecurityPage(r, "Register a new tenant")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &tenantNewView{securityPage: sp}
	v.Form.Set("move_in", h.Clock.Now().In(cst).Format("2006-01-02"))
	v.Form.Set("room", r.URL.Query().Get("room"))
	h.render(w, r, http.StatusOK, "tenant_new", v)
}

func (h *Handler) tenantCreate(w http.ResponseWriter, r *http.Request) {
	sp, err := h.newSecurityPage(r, "Register a new tenant")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &tenantNewView{securityPage: sp}
	v.Form = r.PostForm
	t, err := h.Tenants.RegisterTenant(r.Context(), &wubu.NewTenant{ProjectID: v.ProjectID, Room: r.PostFormValue("room"), Name: r.PostFormValue("name"),
		Phone: r.PostFormValue("phone"), IDNumber: r.PostFormValue("id_number"), MoveIn: r.PostFormValue("move_in"), Note: r.PostFormValue("note")})
	if err != nil {
		if codeIn(err, wubu.EINTERNAL, wubu.EFORBIDDEN) {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, formError(r, &v.Page, err, ""), "tenant_new", v)
		return
	}
	h.redirect(w, r, fmt.Sprintf("/tenants/%d", t.ID), h.T(r, "New tenant recorded: it goes to your superior to check."))
}

type tenantView struct {
	securityPage
	Tenant   *wubu.TenantRegistration
	CanCheck bool
	CanFile  bool
}

func (h *Handler) tenantView(r *http.Request) (*tenantView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	sp, err := h.newSecurityPage(r, "New tenant")
	if err != nil {
		return nil, err
	}
	t, err := h.Tenants.FindTenantByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	u := wubu.UserFromContext(r.Context())
	v := &tenantView{securityPage: sp, Tenant: t,
		CanCheck: sp.CanConfirm && u.Role != wubu.RoleStaff && t.State == wubu.TenantSubmitted,
		CanFile:  sp.CanConfirm && u.Can(wubu.PermResidentEdit) && t.State == wubu.TenantChecked}
	v.Title = v.T("New tenant %s", t.Name)
	return v, nil
}

func (h *Handler) tenantShow(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.tenantView, "tenant")
}

// tenantSteps are a registration's pages for its steps.
func (h *Handler) tenantSteps() stepPage {
	return stepPage{path: "/tenants/%d", reshow: reshowWith(h, h.tenantView, "tenant")}
}

func (h *Handler) tenantCheck(r *http.Request, id int64) (string, error) {
	_, err := h.Tenants.CheckTenant(r.Context(), id)
	return h.T(r, "Checked: the service assistant files it next."), err
}

func (h *Handler) tenantFile(r *http.Request, id int64) (string, error) {
	_, err := h.Tenants.FileTenant(r.Context(), id)
	return h.T(r, "Filed into the tenant archive."), err
}

func (h *Handler) tenantReject(r *http.Request, id int64) (string, error) {
	_, err := h.Tenants.RejectTenant(r.Context(), id, r.FormValue("reason"))
	return h.T(r, "Sent back."), err
}
