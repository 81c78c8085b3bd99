package web

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// Residents' change requests: asked on the portal's "me" page, applied or
// rejected by the desk in its queue.
func (h *Handler) portalChangeRoutes() []server.Route {
	return []server.Route{
		{Method: "POST", Path: "/my/profile/changes", Perm: wubu.PermPortal, Handler: h.portalChangeCreate},
		{Method: "GET", Path: "/portal-changes", Perm: wubu.PermResidentView, Handler: h.portalChangeQueue},
		{Method: "POST", Path: "/portal-changes/{id}/apply", Perm: wubu.PermResidentEdit, Handler: h.portalChangeDecide},
		{Method: "POST", Path: "/portal-changes/{id}/reject", Perm: wubu.PermResidentEdit, Handler: h.portalChangeDecide},
	}
}

type portalProfileView struct {
	Page
	Homes    []*wubu.PortalHomeDetail
	Changes  []*wubu.PortalChange
	Kinds    []wubu.PortalChangeKind
	DayKinds []wubu.SpecialDayKind
}

// portalProfile is the resident's "me" page: who they are, their homes,
// their reports and devices, the way to switch to another person of the
// same number, and the changes to their record they asked for.
func (h *Handler) portalProfile(w http.ResponseWriter, r *http.Request) {
	h.renderPortalProfile(w, r, http.StatusOK, &portalProfileView{Page: h.newPage(r, "Me")})
}

func (h *Handler) renderPortalProfile(w http.ResponseWriter, r *http.Request, status int, v *portalProfileView) {
	var err error
	if v.Homes, err = h.PortalService.Homes(r.Context()); err == nil {
		v.Changes, err = h.PortalService.MyChanges(r.Context())
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Kinds, v.DayKinds = wubu.PortalChangeKinds, wubu.SpecialDayKinds
	h.render(w, r, status, "portal_profile", v)
}

// portalChangeCreate asks for a change; the special day's kind and date
// come in two fields.
func (h *Handler) portalChangeCreate(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	c := &wubu.PortalChange{Kind: wubu.PortalChangeKind(r.PostFormValue("kind")), Note: r.PostFormValue("note")}
	switch c.Kind {
	case wubu.ChangePhone:
		c.Value = r.PostFormValue("phone")
	case wubu.ChangeSpecialDay:
		c.Value = r.PostFormValue("day_kind") + " " + r.PostFormValue("day_date")
	case wubu.ChangeOptOut:
		c.Value = "festival_greeting"
	}
	if err := h.PortalService.RequestChange(r.Context(), c); err != nil {
		v := &portalProfileView{Page: h.newPage(r, "Me")}
		h.renderPortalProfile(w, r, refuse(r, v, r.PostForm, err, ""), v)
		return
	}
	h.redirect(w, r, "/my/profile", h.T(r, "Your request is with the service centre: it confirms the change."))
}

type portalChangeQueueView struct {
	Page
	ProjectID int64
	Changes   []*wubu.PortalChange
	CanEdit   bool
}

// portalChangeQueue is the desk's queue of residents' change requests.
func (h *Handler) portalChangeQueue(w http.ResponseWriter, r *http.Request) {
	u := wubu.UserFromContext(r.Context())
	pid, _ := strconv.ParseInt(r.URL.Query().Get("project"), 10, 64)
	if pid == 0 && len(u.ProjectIDs) > 0 {
		pid = u.ProjectIDs[0]
	}
	v := &portalChangeQueueView{Page: h.newPage(r, "Residents' change requests"), ProjectID: pid, CanEdit: u.Can(wubu.PermResidentEdit)}
	if pid != 0 {
		var err error
		if v.Changes, err = h.PortalService.FindChanges(r.Context(), pid); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.render(w, r, http.StatusOK, "portal_changes", v)
}

// portalChangeDecide applies or rejects a request, as the path says.
func (h *Handler) portalChangeDecide(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	r.ParseForm()
	var c *wubu.PortalChange
	if lastSegment(r.URL.Path) == "apply" {
		c, err = h.PortalService.ApplyChange(r.Context(), id)
	} else {
		c, err = h.PortalService.RejectChange(r.Context(), id, r.PostFormValue("reason"))
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/portal-changes?project="+strconv.FormatInt(c.ProjectID, 10), h.T(r, "Saved."))
}
