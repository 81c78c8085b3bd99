package web

import (
	"fmt"
	"net/http"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

type tenantListView struct {
	securityPage
	ProjectID int64
	State     string
	States    []wubu.TenantState
	Tenants   []*wubu.TenantRegistration
	Pager     PagerView
}

// tenantList lists a project's new tenant registrations (S2).
func (h *Handler) tenantList(w http.ResponseWriter, r *http.Request) {
	sp, err := h.newSecurityPage(r, "New tenants")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &tenantListView{securityPage: sp, State: r.URL.Query().Get("state"), States: wubu.TenantStates}
	v.ProjectID = v.projectFrom(r)
	page, offset := pageOffset(r)
	f := wubu.TenantFilter{ProjectID: v.ProjectID, Offset: offset, Limit: pageSize}
	if st := wubu.TenantState(v.State); st.Valid() {
		f.State = &st
	}
	var total int
	if v.ProjectID != 0 {
		if v.Tenants, total, err = h.Tenants.FindTenants(r.Context(), f); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	v.Pager = newPager(&v.Page, r, page, total)
	h.render(w, r, http.StatusOK, "tenants", v)
}

type tenantNewView struct {
	securityPage
	ProjectID int64
}

func (h *Handler) tenantNew(w http.ResponseWriter, r *http.Request) {
	sp, err := h.newSecurityPage(r, "Register a new tenant")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &tenantNewView{securityPage: sp}
	v.ProjectID = v.projectFrom(r)
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
	v.ProjectID = v.projectFrom(r)
	v.Form = r.PostForm
	t, err := h.Tenants.RegisterTenant(r.Context(), &wubu.NewTenant{ProjectID: v.ProjectID, Room: r.PostFormValue("room"), Name: r.PostFormValue("name"),
		Phone: r.PostFormValue("phone"), IDNumber: r.PostFormValue("id_number"), MoveIn: r.PostFormValue("move_in"), Note: r.PostFormValue("note")})
	if err != nil {
		if code := server.ErrorCode(err); code == wubu.EINTERNAL || code == wubu.EFORBIDDEN {
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
	v, err := h.tenantView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "tenant", v)
}

// tenantStep handles the registration's steps: the superior's check, the
// assistant's filing, and sending it back.
func (h *Handler) tenantStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			h.fail(w, r, err)
			return
		}
		ctx := r.Context()
		var flash string
		switch step {
		case "check":
			_, err = h.Tenants.CheckTenant(ctx, id)
			flash = h.T(r, "Checked: the service assistant files it next.")
		case "file":
			_, err = h.Tenants.FileTenant(ctx, id)
			flash = h.T(r, "Filed into the tenant archive.")
		case "reject":
			_, err = h.Tenants.RejectTenant(ctx, id, r.PostFormValue("reason"))
			flash = h.T(r, "Sent back.")
		}
		if err != nil {
			code := server.ErrorCode(err)
			if code == wubu.EINTERNAL || code == wubu.ENOTFOUND || code == wubu.EFORBIDDEN {
				h.fail(w, r, err)
				return
			}
			v, verr := h.tenantView(r)
			if verr != nil {
				h.fail(w, r, verr)
				return
			}
			v.Form = r.PostForm
			h.render(w, r, formError(r, &v.Page, err, ""), "tenant", v)
			return
		}
		h.redirect(w, r, fmt.Sprintf("/tenants/%d", id), flash)
	}
}
