package web

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// visitorRoutes are the visitor passes (访客) on the staff's side: the
// guard checks a visitor's code from the lookup page, and the day's
// passes are listed for the security post and the desk.
func (h *Handler) visitorRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/visitors", Perm: wubu.PermSecurityView, Handler: h.visitorList},
		{Method: "POST", Path: "/visitors/check", Perm: wubu.PermSecurityEdit, Handler: h.visitorCheck},
	}
}

type visitorListView struct {
	securityPage
	Day    string
	Passes []*wubu.VisitorPass
}

func (h *Handler) visitorList(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, func(r *http.Request) (*visitorListView, error) {
		base, err := h.newSecurityPage(r, "Visitors")
		if err != nil {
			return nil, err
		}
		v := &visitorListView{securityPage: base, Day: r.FormValue("day")}
		if v.Day == "" {
			v.Day = base.Now.In(cst).Format("2006-01-02")
		}
		if v.ProjectID != 0 {
			v.Passes, err = h.VisitorPasses.FindVisitorPasses(r.Context(), v.ProjectID, v.Day)
		}
		return v, err
	}, "visitors")
}

// visitorCheck checks a visitor's code for the room they name, from the
// lookup page, and shows the answer there.
func (h *Handler) visitorCheck(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	r.ParseForm()
	v := &lookupView{Page: h.newPage(r, "Lookup")}
	var err error
	if v.Projects, err = h.Projects.FindProjects(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	v.ProjectID, _ = strconv.ParseInt(r.FormValue("project"), 10, 64)
	if v.ProjectID == 0 {
		v.ProjectID = chosenProject(r, v.Projects)
	}
	v.Visitor, err = h.VisitorPasses.CheckVisitor(ctx, v.ProjectID, r.FormValue("code"), r.FormValue("room"))
	status := http.StatusOK
	if err != nil {
		if !refusedStep(err) {
			h.fail(w, r, err)
			return
		}
		v.Form = r.PostForm
		status = formError(r, &v.Page, err, "visitor_")
	} else if !v.Visitor.Allowed {
		// Refused: what the guard typed stays, to correct the room.
		v.Form = r.PostForm
	}
	h.render(w, r, status, "lookup", v)
}
