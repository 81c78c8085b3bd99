package web

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// prospectRoutes are the screens of the sales office's buyer list (K6):
// the list with its custodian, adding a buyer, the holiday-card mailing
// list as .xlsx and as printable address labels. Only the project's
// custodian and the manager get past the service; every read is audited.
func (h *Handler) prospectRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/projects/{id}/prospects", Perm: wubu.PermResidentView, Handler: h.prospectList},
		{Method: "POST", Path: "/projects/{id}/prospects", Perm: wubu.PermResidentView, Handler: h.prospectCreate},
		{Method: "POST", Path: "/projects/{id}/prospects/custodian", Perm: wubu.PermStaffEdit, Handler: h.prospectCustodian},
		{Method: "GET", Path: "/projects/{id}/prospects/export", Perm: wubu.PermResidentView, Handler: h.prospectExport},
		{Method: "GET", Path: "/projects/{id}/prospects/labels", Perm: wubu.PermResidentView, Handler: h.prospectLabels},
	}
}

type prospectsView struct {
	Page
	Project   *wubu.Project
	Prospects []*wubu.Prospect
	Custodian *wubu.ProspectCustodian
	Staff     []*wubu.User
	// CanMoveIn shows the link that starts an entry's move-in.
	CanMoveIn       bool
	CanSetCustodian bool
}

func (h *Handler) prospectList(w http.ResponseWriter, r *http.Request) {
	h.renderProspects(w, r, http.StatusOK, nil, "prospects")
}

func (h *Handler) prospectLabels(w http.ResponseWriter, r *http.Request) {
	h.renderProspects(w, r, http.StatusOK, nil, "prospect_labels")
}

func (h *Handler) renderProspects(w http.ResponseWriter, r *http.Request, status int, refused error, page string) {
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
	v := &prospectsView{Page: h.newPage(r, "Prospects"), Project: p, CanMoveIn: u.Can(wubu.PermResidentEdit), CanSetCustodian: u.Can(wubu.PermStaffEdit)}
	if v.Prospects, err = h.Prospects.FindProspects(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Custodian, err = h.Prospects.FindProspectCustodian(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.CanSetCustodian {
		if v.Staff, _, err = h.Users.FindUsers(ctx, wubu.UserFilter{ProjectID: &id, Limit: 500}); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if refused != nil {
		v.Form = r.PostForm
		status = formError(r, &v.Page, refused, "")
	}
	h.render(w, r, status, page, v)
}

// prospectCreate adds a buyer to the list.
func (h *Handler) prospectCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := &wubu.Prospect{ProjectID: id, Name: r.PostFormValue("name"), Address: r.PostFormValue("address"), Unit: r.PostFormValue("unit")}
	if err := h.Prospects.AddProspect(r.Context(), p); err != nil {
		if wubu.ErrorCode(err) != wubu.EINVALID {
			h.fail(w, r, err)
			return
		}
		h.renderProspects(w, r, 0, err, "prospects")
		return
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(id, 10)+"/prospects", h.T(r, "Buyer added to the list."))
}

// prospectCustodian names the project's custodian.
func (h *Handler) prospectCustodian(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	userID, _ := strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
	if err := h.Prospects.SetProspectCustodian(r.Context(), id, userID); err != nil {
		if e := wubu.AsError(err); e == nil || e.Field == "" {
			h.fail(w, r, err)
			return
		}
		h.renderProspects(w, r, 0, err, "prospects")
		return
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(id, 10)+"/prospects", h.T(r, "Custodian named."))
}

// prospectExport writes the mailing list as .xlsx: name, address, unit and
// invitation code.
func (h *Handler) prospectExport(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	list, err := h.Prospects.FindProspects(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "Prospects")
	rows := [][]any{{p.T("Name"), p.T("Postal address"), p.T("Unit bought"), p.T("Invitation code")}}
	for _, x := range list {
		rows = append(rows, []any{x.Name, x.Address, x.Unit, x.Code})
	}
	h.writeXLSX(w, r, p.T("Prospects"), "prospects-"+strconv.FormatInt(id, 10)+".xlsx", rows)
}
