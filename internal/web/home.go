package web

import (
	"net/http"

	"github.com/wubu-oss/wubu"
)

type homeProject struct {
	Project                 *wubu.Project
	Zones, Buildings, Rooms int
	Mine                    []*wubu.Assignment
}

type homeView struct {
	Page
	Today            string
	Projects         []homeProject
	CanCreateProject bool
	CanLookup        bool
}

var weekdays = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

// home is the start page: the user's projects and the buildings they look
// after.
func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := wubu.UserFromContext(ctx)
	v := &homeView{Page: h.newPage(r, "Start page"), CanCreateProject: u.Can(wubu.PermProjectCreate), CanLookup: u.Can(wubu.PermResidentView)}
	now := h.Clock.Now().In(cst)
	v.Today = v.T("%d-%02d-%02d %s", now.Year(), int(now.Month()), now.Day(), v.T(weekdays[now.Weekday()]))
	projects, err := h.Projects.FindProjects(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, p := range projects {
		hp := homeProject{Project: p}
		zones, err := h.Org.FindZones(ctx, p.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		buildings, err := h.Org.FindBuildings(ctx, p.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		hp.Zones, hp.Buildings = len(zones), len(buildings)
		for _, b := range buildings {
			hp.Rooms += b.Rooms
		}
		assignments, err := h.Users.FindAssignments(ctx, p.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, a := range assignments {
			if a.UserID == u.ID {
				hp.Mine = append(hp.Mine, a)
			}
		}
		v.Projects = append(v.Projects, hp)
	}
	h.render(w, r, http.StatusOK, "home", v)
}
