package web

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// The resident's release passes (S8): the passes of their rooms; an owner
// confirms or refuses a pass for their room with a tap, and the guard's
// page turns as when the desk confirms.
func (h *Handler) portalPassRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/my/passes", Perm: wubu.PermPortal, Handler: h.portalPasses},
		{Method: "GET", Path: "/my/passes/{id}", Perm: wubu.PermPortal, Handler: h.portalPassShow},
		{Method: "POST", Path: "/my/passes/{id}/confirm", Perm: wubu.PermPortal, Handler: h.portalPassDecide},
		{Method: "POST", Path: "/my/passes/{id}/refuse", Perm: wubu.PermPortal, Handler: h.portalPassDecide},
	}
}

type portalPassesView struct {
	orderPage
	Passes []*wubu.Pass
	Pass   *wubu.Pass
	// Owner: the resident owns the pass's room and may decide.
	Owner bool
}

func (h *Handler) portalPasses(w http.ResponseWriter, r *http.Request) {
	list, err := h.PortalService.Passes(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "portal_passes", &portalPassesView{orderPage: h.withClock(h.newPage(r, "Release passes")), Passes: list})
}

func (h *Handler) portalPassShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderPortalPass(w, r, id, http.StatusOK, nil)
}

func (h *Handler) renderPortalPass(w http.ResponseWriter, r *http.Request, id int64, status int, v *portalPassesView) {
	p, err := h.PortalService.Pass(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if v == nil {
		v = &portalPassesView{orderPage: h.withClock(h.newPage(r, "Release passes"))}
	}
	me, _ := h.portalResident(r)
	v.Pass, v.Owner = p, me.Owns(p.RoomID)
	h.render(w, r, status, "portal_pass", v)
}

// portalPassDecide confirms or refuses a pass, as the path says.
func (h *Handler) portalPassDecide(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	r.ParseForm()
	confirm := lastSegment(r.URL.Path) == "confirm"
	if _, err := h.PortalService.DecidePass(r.Context(), id, confirm, r.PostFormValue("reason")); err != nil {
		if !refusedStep(err) {
			h.fail(w, r, err)
			return
		}
		v := &portalPassesView{orderPage: h.withClock(h.newPage(r, "Release passes"))}
		h.renderPortalPass(w, r, id, refuse(r, v, r.PostForm, err, ""), v)
		return
	}
	flash := h.T(r, "You refused the pass: the goods stay.")
	if confirm {
		flash = h.T(r, "You confirmed the pass: the guard lets the goods out.")
	}
	h.redirect(w, r, "/my/passes/"+strconv.FormatInt(id, 10), flash)
}
