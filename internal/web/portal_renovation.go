package web

import (
	"net/http"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// portalRenovationRoutes are the renovations of the resident's homes on
// the portal: the two-way contact card (issue 18 item 3).
func (h *Handler) portalRenovationRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/my/renovations", Perm: wubu.PermPortal, Handler: h.portalRenovations},
	}
}

type portalRenovationsView struct {
	Page
	Renovations []*wubu.Renovation
}

// portalRenovations shows the contact card of each renovation of the
// resident's homes.
func (h *Handler) portalRenovations(w http.ResponseWriter, r *http.Request) {
	list, err := h.Renovations.MyRenovations(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &portalRenovationsView{Page: h.newPage(r, "My renovations"), Renovations: list}
	h.render(w, r, http.StatusOK, "portal_renovations", v)
}

// renovationCard is what the "renovation-card" snippet draws: a
// renovation's two-way contact card, in the page's language.
type renovationCard struct {
	*Page
	R *wubu.Renovation
}

// RenovationCard gives the "renovation-card" snippet a renovation.
func (p *Page) RenovationCard(r *wubu.Renovation) renovationCard {
	return renovationCard{Page: p, R: r}
}
