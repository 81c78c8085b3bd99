package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

type campaignListView struct {
	hkView
	Project   *wubu.Project
	Campaigns []*wubu.Campaign
	Buildings []*wubu.Building
	Kinds     []wubu.CampaignKind
	CanSetup  bool
}

// Chosen reports whether a building was ticked in a refused form.
func (v *campaignListView) Chosen(id int64) bool {
	for _, s := range v.Form["building_ids"] {
		if s == strconv.FormatInt(id, 10) {
			return true
		}
	}
	return false
}

func (h *Handler) campaignListView(r *http.Request) (*campaignListView, error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := h.Projects.FindProjectByID(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &campaignListView{hkView: hkView{h.newPage(r, "Inspection campaigns")}, Project: p, Kinds: wubu.CampaignKinds,
		CanSetup: wubu.UserFromContext(ctx).Can(wubu.PermSettingsEdit)}
	if v.Campaigns, err = h.Inspections.FindCampaigns(ctx, id); err != nil {
		return nil, err
	}
	if v.Buildings, err = h.Org.FindBuildings(ctx, id); err != nil {
		return nil, err
	}
	return v, nil
}

// campaignList lists a project's inspection campaigns, with the form that
// starts one.
func (h *Handler) campaignList(w http.ResponseWriter, r *http.Request) {
	v, err := h.campaignListView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "inspection_campaigns", v)
}

func (h *Handler) campaignCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	r.ParseForm()
	c := &wubu.Campaign{ProjectID: id, Kind: wubu.CampaignKind(r.PostFormValue("kind")), Name: r.PostFormValue("name"),
		StartsOn: strings.TrimSpace(r.PostFormValue("starts_on")), EndsOn: strings.TrimSpace(r.PostFormValue("ends_on")), Note: r.PostFormValue("note")}
	for _, s := range r.PostForm["building_ids"] {
		if b := optionalID(s); b != nil {
			c.BuildingIDs = append(c.BuildingIDs, *b)
		}
	}
	if err := h.Inspections.CreateCampaign(r.Context(), c); err != nil {
		v, verr := h.campaignListView(r)
		if verr != nil {
			h.fail(w, r, verr)
			return
		}
		v.Form = r.PostForm
		h.render(w, r, formError(r, &v.Page, err, ""), "inspection_campaigns", v)
		return
	}
	h.redirect(w, r, fmt.Sprintf("/campaigns/%d", c.ID), h.T(r, "The campaign is set up with %d visits.", c.Visits))
}

type campaignView struct {
	hkView
	Campaign  *wubu.Campaign
	Progress  []*wubu.BuildingProgress
	Visits    []*wubu.InspectionVisit
	Pager     PagerView
	Staff     []*wubu.User
	Statuses  []wubu.VisitStatus
	Building  string
	Status    string
	CanAssign bool
}

func (h *Handler) campaignView(r *http.Request) (*campaignView, error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	c, err := h.Inspections.FindCampaign(ctx, id)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	v := &campaignView{hkView: hkView{h.newPage(r, "Inspection campaign")}, Campaign: c, Statuses: wubu.VisitStatuses,
		Building: q.Get("building"), Status: q.Get("status"), CanAssign: wubu.UserFromContext(ctx).Can(wubu.PermOrderDispatch)}
	v.Title = c.Name
	if v.Progress, err = h.Inspections.CampaignProgress(ctx, id); err != nil {
		return nil, err
	}
	page, offset := pageOffset(r)
	f := wubu.VisitFilter{CampaignID: id, BuildingID: optionalID(v.Building), Offset: offset, Limit: pageSize}
	if st := wubu.VisitStatus(v.Status); st.Valid() {
		f.Status = &st
	}
	visits, total, err := h.Inspections.FindVisits(ctx, f)
	if err != nil {
		return nil, err
	}
	v.Visits, v.Pager = visits, newPager(&v.Page, r, page, total)
	if v.CanAssign {
		v.Staff = h.hkStaffOf(r, c.ProjectID, nil)
	}
	return v, nil
}

// campaignShow shows a campaign's progress per building and its visits.
func (h *Handler) campaignShow(w http.ResponseWriter, r *http.Request) {
	v, err := h.campaignView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "inspection_campaign", v)
}

// campaignAssign gives a building's visits to a technician.
func (h *Handler) campaignAssign(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := func() (int, error) {
		u := optionalID(r.PostFormValue("user_id"))
		if u == nil {
			return 0, wubu.FieldErrorf("user_id", wubu.EINVALID, "Choose a member of staff of this project.")
		}
		var visits []int64
		for _, s := range r.PostForm["visit_ids"] {
			if v := optionalID(s); v != nil {
				visits = append(visits, *v)
			}
		}
		return h.Inspections.AssignVisits(r.Context(), id, optionalID(r.PostFormValue("building_id")), visits, *u)
	}()
	if err != nil {
		v, verr := h.campaignView(r)
		if verr != nil {
			h.fail(w, r, verr)
			return
		}
		v.Form = r.PostForm
		h.render(w, r, formError(r, &v.Page, err, ""), "inspection_campaign", v)
		return
	}
	h.redirect(w, r, fmt.Sprintf("/campaigns/%d", id), h.T(r, "%d visits assigned.", n))
}

type myVisitsView struct {
	hkView
	Visits []*wubu.InspectionVisit
}

// myVisits is the technician's phone page: their visits still to make.
func (h *Handler) myVisits(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := &myVisitsView{hkView: hkView{h.newPage(r, "My inspection visits")}}
	projects, err := h.Projects.FindProjects(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, p := range projects {
		vs, err := h.Inspections.MyVisits(ctx, p.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.Visits = append(v.Visits, vs...)
	}
	h.render(w, r, http.StatusOK, "inspection_mine", v)
}

type visitView struct {
	hkView
	Visit      *wubu.InspectionVisit
	Campaign   *wubu.Campaign
	Severities []wubu.Severity
	Rows       []int
	CanRecord  bool
	// CanOpenOrder offers a repair order (the work orders' form) for a
	// finding that needs one.
	CanOpenOrder bool
}

func (h *Handler) visitView(r *http.Request) (*visitView, error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	vis, err := h.Inspections.FindVisit(ctx, id)
	if err != nil {
		return nil, err
	}
	c, err := h.Inspections.FindCampaign(ctx, vis.CampaignID)
	if err != nil {
		return nil, err
	}
	v := &visitView{hkView: hkView{h.newPage(r, "Inspection visit")}, Visit: vis, Campaign: c, Severities: wubu.Severities, Rows: []int{0, 1, 2},
		CanRecord: wubu.UserFromContext(ctx).Can(wubu.PermOrderEdit) && (vis.Status == wubu.VisitPending || vis.Status == wubu.VisitNotHome)}
	v.CanOpenOrder = wubu.UserFromContext(ctx).Can(wubu.PermOrderEdit)
	v.Title = vis.RoomLabel + " · " + c.Name
	return v, nil
}

// Num numbers a finding row from 1.
func (v *visitView) Num(i int) int { return i + 1 }

// FindingField returns a finding row's field as typed in a refused form.
func (v *visitView) FindingField(i int, name string) string {
	return v.Form.Get(fmt.Sprintf("findings.%d.%s", i, name))
}

// FindingError returns the error of a finding row's field.
func (v *visitView) FindingError(i int, name string) string {
	return v.Errors[fmt.Sprintf("findings.%d.%s", i, name)]
}

// visitShow is the door page of a visit: the residents, and the form that
// records how it went and what was found.
func (h *Handler) visitShow(w http.ResponseWriter, r *http.Request) {
	v, err := h.visitView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "inspection_visit", v)
}

// visitRecord records a visit with up to three findings, each with an
// optional photo.
func (h *Handler) visitRecord(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	err = func() error {
		if err := readStepForm(w, r); err != nil {
			return err
		}
		rec := wubu.VisitRecord{Status: wubu.VisitStatus(r.PostFormValue("status")), Note: r.PostFormValue("note")}
		for i := range 3 {
			key := func(name string) string { return fmt.Sprintf("findings.%d.%s", i, name) }
			appliance, problem := strings.TrimSpace(r.PostFormValue(key("appliance"))), strings.TrimSpace(r.PostFormValue(key("problem")))
			if appliance == "" && problem == "" {
				continue
			}
			f := &wubu.Finding{Appliance: appliance, Problem: problem, Severity: wubu.Severity(r.PostFormValue(key("severity"))),
				NeedsRepair: r.PostFormValue(key("needs_repair")) == "1"}
			photo, err := server.ReadPhoto(r, key("photo"))
			if err != nil {
				return err
			}
			if photo != nil {
				f.Photo = photo.Data
			}
			rec.Findings = append(rec.Findings, f)
		}
		_, err := h.Inspections.RecordVisit(r.Context(), id, rec)
		return err
	}()
	if err != nil {
		v, verr := h.visitView(r)
		if verr != nil {
			h.fail(w, r, verr)
			return
		}
		v.Form = r.PostForm
		h.render(w, r, formError(r, &v.Page, err, ""), "inspection_visit", v)
		return
	}
	h.redirect(w, r, fmt.Sprintf("/visits/%d", id), h.T(r, "Saved."))
}

func (h *Handler) findingPhoto(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ct, data, err := h.Inspections.FindingPhoto(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteImage(w, ct, data)
}

type roomFindingsView struct {
	hkView
	Room     string
	Findings []*wubu.Finding
	// Renovations are the room's renovations, archived on its record.
	Renovations []*wubu.Renovation
}

// roomFindings is a room's inspection archive: every finding, newest first.
func (h *Handler) roomFindings(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	fs, err := h.Inspections.RoomFindings(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &roomFindingsView{hkView: hkView{h.newPage(r, "Inspection archive")}, Findings: fs}
	if v.Renovations, err = h.Renovations.RoomRenovations(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	if len(fs) > 0 {
		v.Room = fs[0].RoomLabel
	} else if len(v.Renovations) > 0 {
		v.Room = v.Renovations[0].RoomLabel
	}
	h.render(w, r, http.StatusOK, "inspection_room", v)
}
