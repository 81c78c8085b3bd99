package web

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// renovationRoutes are the pages of residents' renovations (M4, S11): the
// list, a renovation with its review, the on-site briefing (on the phone, in
// the unit), the works and the two-way contact card; the guard's look-up
// of a worker's pass.
func (h *Handler) renovationRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/renovations", Perm: wubu.PermOrderView, Handler: h.renovationList},
		{Method: "GET", Path: "/renovations/{id}", Perm: wubu.PermOrderView, Handler: h.renovationShow},
		{Method: "GET", Path: "/renovations/{id}/card", Perm: wubu.PermOrderView, Handler: h.renovationCard},
		{Method: "POST", Path: "/renovations/{id}/review", Perm: wubu.PermOrderEdit, Handler: h.step(h.renovationSteps(), "review_", h.renovationReview)},
		{Method: "POST", Path: "/renovations/{id}/brief", Perm: wubu.PermOrderEdit, Handler: h.step(h.renovationSteps(), "brief_", h.renovationBrief)},
		{Method: "POST", Path: "/renovations/{id}/start", Perm: wubu.PermOrderEdit, Handler: h.step(h.renovationSteps(), "start_", h.renovationStart)},
		{Method: "POST", Path: "/renovations/{id}/inspect", Perm: wubu.PermOrderEdit, Handler: h.step(h.renovationSteps(), "inspect_", h.renovationInspect)},
		{Method: "POST", Path: "/renovations/{id}/violations", Perm: wubu.PermOrderEdit, Handler: h.step(h.renovationSteps(), "violation_", h.renovationViolation)},
		{Method: "POST", Path: "/renovations/{id}/violations/rectify", Perm: wubu.PermOrderEdit, Handler: h.step(h.renovationSteps(), "rectify_", h.renovationRectify)},
		{Method: "POST", Path: "/renovations/{id}/violations/verify", Perm: wubu.PermOrderEdit, Handler: h.step(h.renovationSteps(), "verify_", h.renovationVerify)},
		{Method: "POST", Path: "/renovations/{id}/accept", Perm: wubu.PermOrderEdit, Handler: h.step(h.renovationSteps(), "accept_", h.renovationAccept)},
		{Method: "GET", Path: "/renovation-workers", Perm: wubu.PermSecurityView, Handler: h.renovationWorkers},
	}
}

type renovationListView struct {
	securityPage
	Renovations []*wubu.Renovation
}

func (h *Handler) renovationList(w http.ResponseWriter, r *http.Request) {
	base, err := h.newSecurityPage(r, "Renovations")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &renovationListView{securityPage: base}
	if v.Renovations, err = h.Renovations.FindRenovations(r.Context(), v.ProjectID, r.URL.Query().Get("all") != "1"); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "renovations", v)
}

type renovationView struct {
	securityPage
	Renovation *wubu.Renovation
	Violations []*wubu.Violation
	Kinds      []string
	// CanStep: the user may take the renovation's steps.
	CanStep bool
	// Drawings and Signatures are the renovation's files by stage;
	// FinalItems the final inspection's checklist.
	Drawings, Signatures []*wubu.Photo
	FinalItems           []string
}

// Nth numbers an item of a list from 1.
func (v *renovationView) Nth(i int) int { return i + 1 }

func (h *Handler) renovationView(r *http.Request) (*renovationView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	base, err := h.newSecurityPage(r, "Renovation")
	if err != nil {
		return nil, err
	}
	v := &renovationView{securityPage: base, CanStep: base.User.Can(wubu.PermOrderEdit)}
	if v.Renovation, err = h.Renovations.FindRenovation(r.Context(), id); err != nil {
		return nil, err
	}
	v.Title = v.T("Renovation") + " · " + v.Renovation.RoomLabel
	v.Kinds = wubu.ViolationKinds
	for _, p := range v.Renovation.Photos {
		switch p.Stage {
		case wubu.PhotoDrawing:
			v.Drawings = append(v.Drawings, p)
		case wubu.PhotoSignature:
			v.Signatures = append(v.Signatures, p)
		}
	}
	if v.FinalItems = v.Renovation.Final.Items; len(v.FinalItems) == 0 && v.Renovation.State == wubu.RenovationInWorks {
		st, err := h.Renovations.RenovationSettings(r.Context(), v.Renovation.ProjectID)
		if err != nil {
			return nil, err
		}
		v.FinalItems = st.FinalChecklist
	}
	if v.Violations, err = h.Renovations.FindViolations(r.Context(), id); err != nil {
		return nil, err
	}
	return v, nil
}

func (h *Handler) renovationShow(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.renovationView, "renovation")
}

// renovationCard is the two-way contact card alone, to print and leave in
// the unit.
func (h *Handler) renovationCard(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.renovationView, "renovation_card")
}

func (h *Handler) renovationSteps() stepPage {
	return stepPage{path: "/renovations/%d", reshow: reshowWith(h, h.renovationView, "renovation")}
}

func (h *Handler) renovationReview(r *http.Request, id int64) (string, error) {
	_, err := h.Renovations.ReviewRenovation(r.Context(), id, r.FormValue("action"), r.FormValue("note"))
	return h.T(r, "Review recorded."), err
}

func (h *Handler) renovationBrief(r *http.Request, id int64) (string, error) {
	b := wubu.BriefingRecord{Ticked: formIndexes(r, "ticked"), ResidentName: r.FormValue("resident_name"), LeadName: r.FormValue("lead_name")}
	var err error
	if b.ResidentDrawn, err = drawnSignature(r.FormValue("resident_sig")); err != nil {
		return "", err
	}
	if b.LeadDrawn, err = drawnSignature(r.FormValue("lead_sig")); err != nil {
		return "", err
	}
	_, err = h.Renovations.BriefRenovation(r.Context(), id, b)
	return h.T(r, "Briefing recorded: the works may start."), err
}

// formIndexes reads the indexes of the items ticked in a checklist's field.
func formIndexes(r *http.Request, field string) []int {
	var out []int
	for _, s := range r.Form[field] {
		if i, err := strconv.Atoi(s); err == nil {
			out = append(out, i)
		}
	}
	return out
}

// drawnSignature reads a signature drawn on the page's canvas (a PNG data
// URL; empty when none was drawn).
func drawnSignature(s string) (*wubu.Photo, error) {
	const prefix = "data:image/png;base64,"
	if s == "" {
		return nil, nil
	}
	data, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, prefix))
	if !strings.HasPrefix(s, prefix) || err != nil || len(data) > wubu.MaxPhotoSize {
		return nil, wubu.FieldErrorf("signature", wubu.EINVALID, "The drawn signature could not be read: draw it again.")
	}
	return &wubu.Photo{ContentType: "image/png", Data: data}, nil
}

func (h *Handler) renovationStart(r *http.Request, id int64) (string, error) {
	_, err := h.Renovations.StartWorks(r.Context(), id)
	return h.T(r, "Works started."), err
}

func (h *Handler) renovationInspect(r *http.Request, id int64) (string, error) {
	_, err := h.Renovations.InspectRenovation(r.Context(), id, r.FormValue("note"))
	return h.T(r, "Inspection recorded."), err
}

type renovationWorkersView struct {
	securityPage
	Q      string
	Checks []*wubu.WorkerPassCheck
}

// renovationWorkers is the guard's look-up of a worker at the gate.
func (h *Handler) renovationWorkers(w http.ResponseWriter, r *http.Request) {
	base, err := h.newSecurityPage(r, "Renovation workers")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &renovationWorkersView{securityPage: base, Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	status := http.StatusOK
	if v.Q != "" {
		if v.Checks, err = h.Renovations.CheckWorkerPass(r.Context(), v.ProjectID, v.Q); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.render(w, r, status, "renovation_workers", v)
}

func (h *Handler) renovationViolation(r *http.Request, id int64) (string, error) {
	photo, err := server.ReadPhoto(r, "photo")
	if err == nil {
		_, err = h.Renovations.RecordViolation(r.Context(), &wubu.Violation{RenovationID: id, Kind: r.FormValue("kind"), Description: r.FormValue("description")}, photo)
	}
	return h.T(r, "Violation recorded."), err
}

// violationID is the violation a form names; one not found is refused
// beside the form.
func violationID(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.FormValue("violation_id"), 10, 64)
	return id
}

func violationNotFound(err error) error {
	if server.ErrorCode(err) == wubu.ENOTFOUND {
		return wubu.FieldErrorf("violation_id", wubu.ENOTFOUND, "Not found.")
	}
	return err
}

func (h *Handler) renovationRectify(r *http.Request, id int64) (string, error) {
	photo, err := server.ReadPhoto(r, "photo")
	if err == nil {
		_, err = h.Renovations.RectifyViolation(r.Context(), violationID(r), r.FormValue("note"), photo)
	}
	return h.T(r, "Rectification recorded: someone else now verifies it."), violationNotFound(err)
}

func (h *Handler) renovationVerify(r *http.Request, id int64) (string, error) {
	_, err := h.Renovations.VerifyViolation(r.Context(), violationID(r), r.FormValue("accepted") == "1", r.FormValue("note"))
	return h.T(r, "Verification recorded."), violationNotFound(err)
}

func (h *Handler) renovationAccept(r *http.Request, id int64) (string, error) {
	_, err := h.Renovations.AcceptRenovation(r.Context(), id, wubu.FinalInspection{Ticked: formIndexes(r, "final"), Withhold: r.FormValue("withhold") == "1", Note: r.FormValue("note")})
	return h.T(r, "Renovation accepted and closed."), err
}
