package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// securityPage is the base of the security pages (the guard's post,
// passes, tenants, incidents, patrols, hazards, parking, alarms, campaigns
// and the knowledge base): the projects the user serves, the one chosen,
// what the user may do, and the time of the request.
type securityPage struct {
	Page
	Projects   []*wubu.Project
	ProjectID  int64
	CanEdit    bool // start passes, register tenants, report, check in, rectify, verify, record
	CanConfirm bool // confirm passes, check and file tenants, acknowledge incidents
	CanManage  bool // routes, assignments, campaigns, knowledge base
	Now        time.Time
}

func (h *Handler) newSecurityPage(r *http.Request, title string) (securityPage, error) {
	u := wubu.UserFromContext(r.Context())
	projects, err := h.Projects.FindProjects(r.Context())
	v := securityPage{Page: h.newPage(r, title), Projects: projects, CanEdit: u.Can(wubu.PermSecurityEdit),
		CanConfirm: u.Can(wubu.PermPassConfirm), CanManage: u.Can(wubu.PermSecurityManage), Now: h.Clock.Now()}
	v.ProjectID = chosenProject(r, projects)
	return v, err
}

// chosenProject returns the project chosen by ?project= (or the form),
// else the user's first, else 0.
func chosenProject(r *http.Request, projects []*wubu.Project) int64 {
	id, _ := strconv.ParseInt(r.FormValue("project"), 10, 64)
	for _, p := range projects {
		if p.ID == id {
			return id
		}
	}
	if len(projects) > 0 {
		return projects[0].ID
	}
	return 0
}

// reshowForm shows an object's page again after one of its forms was
// refused: the page as build makes it, what the user typed, and the
// error's message beside its field (under prefix) or above the page.
func reshowForm[V view](h *Handler, w http.ResponseWriter, r *http.Request, err error, build func(*http.Request) (V, error), form url.Values, tmpl, prefix string) {
	v, verr := build(r)
	if verr != nil {
		h.fail(w, r, verr)
		return
	}
	h.render(w, r, refuse(r, v, form, err, prefix), tmpl, v)
}

// refuse puts a refused form on its page: what the user typed, and the
// error's message beside its field (under prefix) or above the page. It
// returns the status to answer with.
func refuse(r *http.Request, v view, form url.Values, err error, prefix string) int {
	p := v.page()
	p.Form = form
	return formError(r, p, err, prefix)
}

// listPage fetches the page of a list the request asks for (?page=) in the
// chosen project, nothing when the user serves no project, and its pager.
// find gets the offset to query.
func listPage[T any](r *http.Request, v *securityPage, find func(offset int) ([]T, int, error)) ([]T, PagerView, error) {
	page, offset := pageOffset(r)
	var items []T
	var total int
	if v.ProjectID != 0 {
		var err error
		if items, total, err = find(offset); err != nil {
			return nil, PagerView{}, err
		}
	}
	return items, newPager(&v.Page, r, page, total), nil
}

// openOrState reads a list's state filter: "" is every open one, "all"
// every one, anything else that state.
func openOrState(state string) (open bool, only string) {
	switch state {
	case "":
		return true, ""
	case "all":
		return false, ""
	}
	return false, state
}

// showPage answers a page that build makes from the request, or fails.
func showPage[V view](h *Handler, w http.ResponseWriter, r *http.Request, build func(*http.Request) (V, error), tmpl string) {
	v, err := build(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, tmpl, v)
}

// codeIn tells whether err's code is one of codes: such errors fail the
// page instead of showing the refused form again.
func codeIn(err error, codes ...string) bool {
	return slices.Contains(codes, server.ErrorCode(err))
}

// chosenBuildings lists the buildings of the chosen project, for the
// forms' choice of building; none when the user serves no project.
func (h *Handler) chosenBuildings(r *http.Request, v *securityPage) ([]*wubu.Building, error) {
	if v.ProjectID == 0 {
		return nil, nil
	}
	return h.Org.FindBuildings(r.Context(), v.ProjectID)
}
