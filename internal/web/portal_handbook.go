package web

import (
	"net/http"
	"slices"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// The convenience handbook on the residents' portal (issue 15, H3): the
// project's current handbook, read-only, with the zone contacts of the
// resident's own buildings (the numbers the contact cards publish).

// portalHandbookRoutes are the resident's handbook.
func (h *Handler) portalHandbookRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/my/handbook", Perm: wubu.PermPortal, Handler: h.portalHandbook},
	}
}

type portalHandbookView struct {
	hkView
	Handbook *wubu.Handbook
}

// portalHandbook shows the project's handbook.
func (h *Handler) portalHandbook(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, func(r *http.Request) (*portalHandbookView, error) {
		id, ok := h.portalResident(r)
		if !ok {
			return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
		}
		hb, err := h.Handbook.Handbook(r.Context(), id.ProjectID)
		if err != nil {
			return nil, err
		}
		hb.Cards = slices.DeleteFunc(hb.Cards, func(c *wubu.ContactCard) bool {
			return !slices.ContainsFunc(id.Homes, func(x *wubu.PortalHome) bool { return x.BuildingID == c.BuildingID })
		})
		return &portalHandbookView{hkView: hkView{h.newPage(r, "Convenience handbook")}, Handbook: hb}, nil
	}, "portal_handbook")
}
