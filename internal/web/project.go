package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
)

type projectListView struct {
	Page
	Projects  []*wubu.Project
	CanCreate bool
}

func (h *Handler) projectListView(r *http.Request) (*projectListView, error) {
	u := wubu.UserFromContext(r.Context())
	v := &projectListView{Page: h.newPage(r, "Projects"), CanCreate: u.Can(wubu.PermProjectCreate)}
	var err error
	v.Projects, err = h.Projects.FindProjects(r.Context())
	return v, err
}

func (h *Handler) projectList(w http.ResponseWriter, r *http.Request) {
	v, err := h.projectListView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "projects", v)
}

func (h *Handler) projectCreate(w http.ResponseWriter, r *http.Request) {
	p := &wubu.Project{Code: r.PostFormValue("code"), Name: r.PostFormValue("name")}
	if err := h.Projects.CreateProject(r.Context(), p); err != nil {
		v, lerr := h.projectListView(r)
		if lerr != nil {
			h.fail(w, r, lerr)
			return
		}
		v.Form = r.PostForm
		h.render(w, r, formError(r, &v.Page, err, ""), "projects", v)
		return
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(p.ID, 10), h.T(r, "Project %s created.", p.Name))
}

type projectView struct {
	Page
	Project                       *wubu.Project
	Zones                         []*wubu.Zone
	Buildings                     []*wubu.Building
	Assignments                   []*wubu.Assignment
	Staff                         []*wubu.User
	CanEdit, CanRename, CanAssign bool
	// MissingLeads are the training's leads not yet named (issue 16).
	MissingLeads []wubu.LeadKind
}

// projectView loads the project page: its buildings, zones and building
// assignments.
func (h *Handler) projectView(r *http.Request) (*projectView, error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := h.Projects.FindProjectByID(ctx, id)
	if err != nil {
		return nil, err
	}
	u := wubu.UserFromContext(ctx)
	v := &projectView{Page: h.newPage(r, p.Name), Project: p,
		CanEdit: u.Can(wubu.PermOrgEdit), CanRename: u.Can(wubu.PermProjectCreate), CanAssign: u.Can(wubu.PermStaffEdit)}
	if v.Zones, err = h.Org.FindZones(ctx, id); err != nil {
		return nil, err
	}
	if v.Buildings, err = h.Org.FindBuildings(ctx, id); err != nil {
		return nil, err
	}
	if v.Assignments, err = h.Users.FindAssignments(ctx, id); err != nil {
		return nil, err
	}
	if v.CanAssign {
		if v.Staff, _, err = h.Users.FindUsers(ctx, wubu.UserFilter{ProjectID: &id, Limit: 500}); err != nil {
			return nil, err
		}
	}
	if h.Training != nil {
		if _, v.MissingLeads, err = h.Training.FindLeads(ctx, id); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (h *Handler) projectShow(w http.ResponseWriter, r *http.Request) {
	v, err := h.projectView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "project", v)
}

// projectFormFailed shows the project page again with a refused form's
// input and error; prefix tells which of its forms.
func (h *Handler) projectFormFailed(w http.ResponseWriter, r *http.Request, err error, prefix string) {
	v, verr := h.projectView(r)
	if verr != nil {
		h.fail(w, r, verr)
		return
	}
	for k, vals := range r.PostForm {
		v.Form[prefix+k] = vals
	}
	status := formError(r, &v.Page, err, prefix)
	if e := wubu.AsError(err); e != nil && e.Field != "" && prefix == "" {
		v.Errors["assignment"] = v.Errors[e.Field]
	}
	h.render(w, r, status, "project", v)
}

func (h *Handler) projectRename(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	name := r.PostFormValue("name")
	if _, err := h.Projects.UpdateProject(r.Context(), id, wubu.ProjectUpdate{Name: &name}); err != nil {
		h.projectFormFailed(w, r, err, "project_")
		return
	}
	h.redirect(w, r, r.URL.Path[:strings.LastIndex(r.URL.Path, "/")], h.T(r, "Saved."))
}

func (h *Handler) zoneCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	z := &wubu.Zone{ProjectID: id, Name: r.PostFormValue("name")}
	if err := h.Org.CreateZone(r.Context(), z); err != nil {
		h.projectFormFailed(w, r, err, "zone_")
		return
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(id, 10), h.T(r, "Zone %s created.", z.Name))
}

func (h *Handler) zoneRename(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	zid, err := pathID(r, "zone")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.Org.RenameZone(r.Context(), id, zid, r.PostFormValue("name")); err != nil {
		h.projectFormFailed(w, r, err, "zone_")
		return
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(id, 10), h.T(r, "Saved."))
}

func (h *Handler) buildingCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	b := &wubu.Building{ProjectID: id, Name: r.PostFormValue("name"), ZoneID: optionalID(r.PostFormValue("zone_id"))}
	if err := h.Org.CreateBuilding(r.Context(), b); err != nil {
		h.projectFormFailed(w, r, err, "building_")
		return
	}
	h.redirect(w, r, "/buildings/"+strconv.FormatInt(b.ID, 10), h.T(r, "Building %s created.", b.Name))
}

func (h *Handler) assignmentCreate(w http.ResponseWriter, r *http.Request) {
	a, err := assignmentFromForm(r)
	if err == nil {
		err = h.Users.Assign(r.Context(), a)
	}
	if err != nil {
		h.projectFormFailed(w, r, err, "")
		return
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(a.ProjectID, 10), h.T(r, "Saved."))
}

func (h *Handler) assignmentRemove(w http.ResponseWriter, r *http.Request) {
	a, err := assignmentFromForm(r)
	if err == nil {
		err = h.Users.Unassign(r.Context(), *a)
	}
	if err != nil {
		h.projectFormFailed(w, r, err, "")
		return
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(a.ProjectID, 10), h.T(r, "Saved."))
}

func assignmentFromForm(r *http.Request) (*wubu.Assignment, error) {
	pid, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	a := &wubu.Assignment{ProjectID: pid, Kind: wubu.AssignmentKind(r.PostFormValue("kind"))}
	a.BuildingID, _ = strconv.ParseInt(r.PostFormValue("building_id"), 10, 64)
	a.UserID, _ = strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
	return a, nil
}

// optionalID parses an optional ID from a form: empty or malformed is nil.
func optionalID(s string) *int64 {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id <= 0 {
		return nil
	}
	return &id
}
