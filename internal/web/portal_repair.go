package web

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// The resident's repairs (M5, M6): report with photos and a preferred
// time, follow the state and the promised arrival live, confirm or refuse
// the quote, rate the done repair.
func (h *Handler) portalRepairRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/my/repairs", Perm: wubu.PermPortal, Handler: h.portalRepairs},
		{Method: "GET", Path: "/my/repairs/new", Perm: wubu.PermPortal, Handler: h.portalRepairNew},
		{Method: "POST", Path: "/my/repairs", Perm: wubu.PermPortal, Handler: h.portalRepairCreate, MaxBody: MaxStepForm},
		{Method: "GET", Path: "/my/repairs/{id}", Perm: wubu.PermPortal, Handler: h.portalRepairShow},
		{Method: "GET", Path: "/my/repairs/{id}/photos/{photo}", Perm: wubu.PermPortal, Handler: h.portalRepairPhoto},
		{Method: "POST", Path: "/my/repairs/{id}/confirm", Perm: wubu.PermPortal, Handler: h.portalRepairStep},
		{Method: "POST", Path: "/my/repairs/{id}/refuse", Perm: wubu.PermPortal, Handler: h.portalRepairStep},
		{Method: "POST", Path: "/my/repairs/{id}/rate", Perm: wubu.PermPortal, Handler: h.portalRepairStep},
	}
}

type portalRepairsView struct {
	orderPage
	Orders []*wubu.Order
	Homes  []*wubu.PortalHome
	Order  *wubu.Order
	// Scores are the ratings offered, 5 first.
	Scores []int
}

// Remaining shows how long until the promised arrival, while it runs.
func (v *portalRepairsView) Remaining(o *wubu.Order) Clock { return v.clockOf(o.Remaining, v.now) }

func (h *Handler) portalRepairs(w http.ResponseWriter, r *http.Request) {
	list, err := h.PortalService.Repairs(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &portalRepairsView{orderPage: h.withClock(h.newPage(r, "My repairs")), Orders: list}
	h.render(w, r, http.StatusOK, "portal_repairs", v)
}

func (h *Handler) newPortalRepairForm(r *http.Request) *portalRepairsView {
	id, _ := h.portalResident(r)
	return &portalRepairsView{orderPage: h.withClock(h.newPage(r, "Report a repair")), Homes: id.Homes}
}

func (h *Handler) portalRepairNew(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "portal_repair_new", h.newPortalRepairForm(r))
}

// portalRepairCreate reports a repair; a refused form is shown again with
// what the resident typed.
func (h *Handler) portalRepairCreate(w http.ResponseWriter, r *http.Request) {
	parseForm(w, r)
	v := h.newPortalRepairForm(r)
	rep := &wubu.PortalRepair{Description: r.FormValue("description"), Urgent: r.FormValue("urgent") == "1"}
	var err error
	if len(v.Homes) == 1 {
		rep.RoomID = v.Homes[0].RoomID
	} else if id := optID(r, "room_id"); id != nil {
		rep.RoomID = *id
	}
	rep.PreferredAt, err = localTime("preferred_at", r.FormValue("preferred_at"))
	var photos []*wubu.Photo
	if err == nil {
		photos, err = server.ReadPhotos(r, "photo", wubu.MaxOrderPhotos)
	}
	var o *wubu.Order
	if err == nil {
		o, err = h.PortalService.ReportRepair(r.Context(), rep, photos...)
	}
	if err != nil {
		h.render(w, r, refuse(r, v, r.Form, err, ""), "portal_repair_new", v)
		return
	}
	h.redirect(w, r, "/my/repairs/"+strconv.FormatInt(o.ID, 10), h.T(r, "Your repair is reported: the service centre sends a technician."))
}

// portalRepairShow shows a repair; with htmx, only its live part.
func (h *Handler) portalRepairShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderPortalRepair(w, r, id, http.StatusOK, nil)
}

func (h *Handler) renderPortalRepair(w http.ResponseWriter, r *http.Request, id int64, status int, v *portalRepairsView) {
	o, err := h.PortalService.Repair(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if v == nil {
		v = &portalRepairsView{orderPage: h.withClock(h.newPage(r, "My repairs"))}
	}
	v.Order, v.Scores = o, []int{5, 4, 3, 2, 1}
	h.render(w, r, status, "portal_repair", v)
}

func (h *Handler) portalRepairPhoto(w http.ResponseWriter, r *http.Request) {
	server.PhotoHandler(h.fail, h.PortalService.RepairPhoto)(w, r)
}

// portalRepairStep takes the resident's step the path names: confirm or
// refuse the quote, rate the repair.
func (h *Handler) portalRepairStep(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	r.ParseForm()
	var flash string
	switch lastSegment(r.URL.Path) {
	case "confirm":
		_, err = h.PortalService.ConfirmQuote(r.Context(), id)
		flash = h.T(r, "You confirmed the quote: the technician starts the work.")
	case "refuse":
		_, err = h.PortalService.RefuseQuote(r.Context(), id, r.PostFormValue("reason"))
		flash = h.T(r, "You refused the quote: the repair is cancelled.")
	default:
		score, _ := strconv.Atoi(r.PostFormValue("satisfaction"))
		_, err = h.PortalService.RateRepair(r.Context(), id, wubu.FollowUpRequest{Works: r.PostFormValue("works") != "0", Satisfaction: score, Comment: r.PostFormValue("comment")})
		flash = h.T(r, "Thank you for your rating.")
	}
	if err != nil {
		if !refusedStep(err) {
			h.fail(w, r, err)
			return
		}
		v := &portalRepairsView{orderPage: h.withClock(h.newPage(r, "My repairs"))}
		h.renderPortalRepair(w, r, id, refuse(r, v, r.PostForm, err, ""), v)
		return
	}
	h.redirect(w, r, "/my/repairs/"+strconv.FormatInt(id, 10), flash)
}

// lastSegment returns the last segment of a path.
func lastSegment(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[i+1:]
		}
	}
	return p
}
