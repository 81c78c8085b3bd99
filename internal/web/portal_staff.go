package web

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// portalStaffRoutes are the staff's side of the portal: a resident's
// signed-in phones, which staff may sign out (a lost phone).
func (h *Handler) portalStaffRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/residents/{id}/portal", Perm: wubu.PermResidentView, Handler: h.residentPortalShow},
		{Method: "POST", Path: "/residents/{id}/portal/end", Perm: wubu.PermResidentEdit, Handler: h.residentPortalEnd},
	}
}

type residentPortalView struct {
	Page
	Resident *wubu.Resident
	Sessions []*wubu.PortalSession
	CanEnd   bool
}

// residentPortalShow lists a resident's portal sessions.
func (h *Handler) residentPortalShow(w http.ResponseWriter, r *http.Request) {
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
	ss, err := h.Portal.PersonSessions(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u := wubu.UserFromContext(r.Context())
	v := &residentPortalView{Page: h.newPage(r, "Residents' portal sessions"), Resident: res, Sessions: ss, CanEnd: u.Can(wubu.PermResidentEdit)}
	h.render(w, r, http.StatusOK, "resident_portal", v)
}

// residentPortalEnd signs a resident out of the portal on every device.
func (h *Handler) residentPortalEnd(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Portal.EndPersonSessions(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/residents/"+strconv.FormatInt(id, 10)+"/portal", server.T(r, "The resident is signed out of the portal on every device."))
}
