package web

import (
	"net/http"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// The residents' portal (issue 15): pages under /my, drawn in the
// residents' shell (portal-layout in layout.html). Every /my route but the
// sign-in's is guarded by wubu.PermPortal: the server's portal guard finds
// the resident of the portal cookie, and the services scope by their
// households.

// portalRoutes are the portal's routes of this file and its siblings.
func (h *Handler) portalRoutes() []server.Route {
	routes := []server.Route{
		{Method: "GET", Path: "/my", Perm: wubu.PermPortal, Handler: h.portalHome},
		{Method: "GET", Path: "/my/homes", Perm: wubu.PermPortal, Handler: h.portalHomes},
		{Method: "GET", Path: "/my/homes/{id}", Perm: wubu.PermPortal, Handler: h.portalHomeShow},
		{Method: "GET", Path: "/my/profile", Perm: wubu.PermPortal, Handler: h.portalProfile},
		{Method: "GET", Path: "/my/devices", Perm: wubu.PermPortal, Handler: h.portalDevices},
		{Method: "POST", Path: "/my/devices/{id}/end", Perm: wubu.PermPortal, Handler: h.portalDeviceEnd},
		{Method: "POST", Path: "/my/devices/end-others", Perm: wubu.PermPortal, Handler: h.portalDevicesEnd},
	}
	routes = append(routes, h.portalLoginRoutes()...)
	routes = append(routes, h.portalRepairRoutes()...)
	routes = append(routes, h.portalPassRoutes()...)
	routes = append(routes, h.portalComplaintRoutes()...)
	routes = append(routes, h.portalChangeRoutes()...)
	routes = append(routes, h.portalStaffRoutes()...)
	routes = append(routes, h.portalCommunityRoutes()...)
	routes = append(routes, h.portalTakePartRoutes()...)
	routes = append(routes, h.portalNoticeRoutes()...)
	routes = append(routes, h.portalServiceRoutes()...)
	routes = append(routes, h.portalSurveyRoutes()...)
	routes = append(routes, h.portalHandbookRoutes()...)
	return routes
}

// isPortalPath reports whether a path is the portal's, drawn in its shell.
func isPortalPath(p string) bool { return p == "/my" || strings.HasPrefix(p, "/my/") }

// portalResident returns the resident signed in to the portal, for the
// handlers of /my routes (the guard has checked the session).
func (h *Handler) portalResident(r *http.Request) (*wubu.PortalIdentity, bool) {
	id := wubu.PortalIdentityFromContext(r.Context())
	return id, id != nil && id.PersonID != 0
}

// portalNav are the portal's menu entries, in order; later features add
// theirs here.
var portalNav = []NavItem{
	{Label: "Start page", Href: "/my"},
	{Label: "Repairs", Href: "/my/repairs"},
	{Label: "Release passes", Href: "/my/passes"},
	{Label: "Complaints", Href: "/my/complaints"},
	{Label: "Me", Href: "/my/profile"},
}

// PortalNav returns the portal's menu with the current entry marked.
func (p *Page) PortalNav() []NavItem {
	out := make([]NavItem, len(portalNav))
	path := p.Path
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	for i, it := range portalNav {
		it.Active = path == it.Href || (it.Href != "/my" && strings.HasPrefix(path, it.Href))
		out[i] = it
	}
	return out
}

type portalHomeView struct {
	Page
	Homes []*wubu.PortalHomeDetail
}

// portalHome is the resident's start page: greeting, homes, what to do.
func (h *Handler) portalHome(w http.ResponseWriter, r *http.Request) {
	homes, err := h.PortalService.Homes(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &portalHomeView{Page: h.newPage(r, "My home"), Homes: homes}
	h.render(w, r, http.StatusOK, "portal_home", v)
}

// portalHomes lists the resident's homes with members, vehicles and cards.
func (h *Handler) portalHomes(w http.ResponseWriter, r *http.Request) {
	homes, err := h.PortalService.Homes(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &portalHomeView{Page: h.newPage(r, "My homes"), Homes: homes}
	h.render(w, r, http.StatusOK, "portal_homes", v)
}

// portalHomeShow shows one household; another's is not found.
func (h *Handler) portalHomeShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	home, err := h.PortalService.Home(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &portalHomeView{Page: h.newPage(r, "My homes"), Homes: []*wubu.PortalHomeDetail{home}}
	h.render(w, r, http.StatusOK, "portal_homes", v)
}

type portalDevicesView struct {
	Page
	Sessions []*wubu.PortalSession
}

// portalDevices lists the phones and browsers signed in as the resident.
func (h *Handler) portalDevices(w http.ResponseWriter, r *http.Request) {
	ss, err := h.Portal.Sessions(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "portal_devices", &portalDevicesView{Page: h.newPage(r, "Signed-in devices"), Sessions: ss})
}

// portalDeviceEnd signs one device out.
func (h *Handler) portalDeviceEnd(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Portal.EndSession(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/my/devices", server.T(r, "The device is signed out."))
}

// portalDevicesEnd signs out every device but this one.
func (h *Handler) portalDevicesEnd(w http.ResponseWriter, r *http.Request) {
	if err := h.Portal.EndSessions(r.Context()); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/my/devices", server.T(r, "Every other device is signed out."))
}
