package web

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// The resident's complaints (U4: file, follow, answer the revisit) and
// hazard or suggestion reports (S11: joint prevention).
func (h *Handler) portalComplaintRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/my/complaints", Perm: wubu.PermPortal, Handler: h.portalComplaints},
		{Method: "GET", Path: "/my/complaints/new", Perm: wubu.PermPortal, Handler: h.portalComplaintNew},
		{Method: "POST", Path: "/my/complaints", Perm: wubu.PermPortal, Handler: h.portalComplaintCreate, MaxBody: MaxStepForm},
		{Method: "GET", Path: "/my/complaints/{id}", Perm: wubu.PermPortal, Handler: h.portalComplaintShow},
		{Method: "POST", Path: "/my/complaints/{id}/revisit", Perm: wubu.PermPortal, Handler: h.portalComplaintRevisit},
		{Method: "GET", Path: "/my/hazards", Perm: wubu.PermPortal, Handler: h.portalHazards},
		{Method: "GET", Path: "/my/hazards/new", Perm: wubu.PermPortal, Handler: h.portalHazardNew},
		{Method: "POST", Path: "/my/hazards", Perm: wubu.PermPortal, Handler: h.portalHazardCreate, MaxBody: MaxStepForm},
	}
}

type portalComplaintsView struct {
	orderPage
	Complaints []*wubu.Complaint
	Complaint  *wubu.Complaint
	Categories []wubu.ComplaintCategory
	Hazards    []*wubu.Hazard
}

func (h *Handler) portalComplaints(w http.ResponseWriter, r *http.Request) {
	list, err := h.PortalService.Complaints(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "portal_complaints", &portalComplaintsView{orderPage: h.withClock(h.newPage(r, "Complaints")), Complaints: list})
}

func (h *Handler) newPortalComplaintForm(r *http.Request) *portalComplaintsView {
	return &portalComplaintsView{orderPage: h.withClock(h.newPage(r, "File a complaint")), Categories: wubu.ComplaintCategories}
}

func (h *Handler) portalComplaintNew(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "portal_complaint_new", h.newPortalComplaintForm(r))
}

func (h *Handler) portalComplaintCreate(w http.ResponseWriter, r *http.Request) {
	parseForm(w, r)
	v := h.newPortalComplaintForm(r)
	photos, err := server.ReadPhotos(r, "photo", 6)
	var c *wubu.Complaint
	if err == nil {
		c, err = h.PortalService.FileComplaint(r.Context(), &wubu.PortalComplaint{Category: wubu.ComplaintCategory(r.FormValue("category")),
			Description: r.FormValue("description"), Wish: r.FormValue("wish")}, photos...)
	}
	if err != nil {
		h.render(w, r, refuse(r, v, r.Form, err, ""), "portal_complaint_new", v)
		return
	}
	h.redirect(w, r, "/my/complaints/"+strconv.FormatInt(c.ID, 10), h.T(r, "Your complaint is filed: the service centre answers you."))
}

func (h *Handler) portalComplaintShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderPortalComplaint(w, r, id, http.StatusOK, nil)
}

func (h *Handler) renderPortalComplaint(w http.ResponseWriter, r *http.Request, id int64, status int, v *portalComplaintsView) {
	c, err := h.PortalService.Complaint(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if v == nil {
		v = &portalComplaintsView{orderPage: h.withClock(h.newPage(r, "Complaints"))}
	}
	v.Complaint = c
	h.render(w, r, status, "portal_complaint", v)
}

// portalComplaintRevisit answers the revisit: satisfied or not.
func (h *Handler) portalComplaintRevisit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	r.ParseForm()
	if _, err := h.PortalService.AnswerRevisit(r.Context(), id, r.PostFormValue("satisfied") == "1", r.PostFormValue("note")); err != nil {
		if !refusedStep(err) {
			h.fail(w, r, err)
			return
		}
		v := &portalComplaintsView{orderPage: h.withClock(h.newPage(r, "Complaints"))}
		h.renderPortalComplaint(w, r, id, refuse(r, v, r.PostForm, err, ""), v)
		return
	}
	h.redirect(w, r, "/my/complaints/"+strconv.FormatInt(id, 10), h.T(r, "Thank you for your answer."))
}

func (h *Handler) portalHazards(w http.ResponseWriter, r *http.Request) {
	list, err := h.PortalService.Hazards(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "portal_hazards", &portalComplaintsView{orderPage: h.withClock(h.newPage(r, "Hazards and suggestions")), Hazards: list})
}

func (h *Handler) portalHazardNew(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "portal_hazard_new", &portalComplaintsView{orderPage: h.withClock(h.newPage(r, "Report a hazard or suggestion"))})
}

func (h *Handler) portalHazardCreate(w http.ResponseWriter, r *http.Request) {
	parseForm(w, r)
	v := &portalComplaintsView{orderPage: h.withClock(h.newPage(r, "Report a hazard or suggestion"))}
	photo, err := server.ReadPhoto(r, "photo")
	if err == nil {
		_, err = h.PortalService.ReportHazard(r.Context(), &wubu.PortalHazard{Place: r.FormValue("place"), Description: r.FormValue("description")}, photo)
	}
	if err != nil {
		h.render(w, r, refuse(r, v, r.Form, err, ""), "portal_hazard_new", v)
		return
	}
	h.redirect(w, r, "/my/hazards", h.T(r, "Thank you: the security team looks into it."))
}
