package web

import (
	"net/http"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// dutyManagerRoutes are the pages of the duty managers' roster (E1).
func (h *Handler) dutyManagerRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/projects/{id}/duty-managers", Perm: wubu.PermResidentView, Handler: h.dutyManagerShow},
		{Method: "POST", Path: "/projects/{id}/duty-managers", Perm: wubu.PermSettingsEdit,
			Handler: h.step(stepPage{path: "/projects/%d/duty-managers", reshow: reshowWith(h, h.dutyManagerView, "duty_managers")}, "", h.dutyManagerSave)},
	}
}

type dutyManagerView struct {
	Page
	Project  *wubu.Project
	Now      *wubu.User
	Days     []wubu.DutyManagerDay
	Roster   []*wubu.RosterEntry
	Managers []*wubu.User
	CanEdit  bool
}

// dutyManagerView is the roster: who is on duty now, the coming two weeks
// (a day without anyone flagged), the entries, and the form.
func (h *Handler) dutyManagerView(r *http.Request) (*dutyManagerView, error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := h.Projects.FindProjectByID(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &dutyManagerView{Page: h.newPage(r, "Duty managers"), Project: p, CanEdit: wubu.UserFromContext(ctx).Can(wubu.PermSettingsEdit)}
	v.Title = p.Name + " · " + v.T("Duty managers")
	now := h.Clock.Now()
	if v.Now, err = h.DutyManagers.DutyManagerNow(ctx, id, now); err != nil {
		return nil, err
	}
	if v.Days, err = h.DutyManagers.DutyManagerWeek(ctx, id, now, 14); err != nil {
		return nil, err
	}
	if v.CanEdit {
		if v.Roster, err = h.Orders.Roster(ctx, id); err != nil {
			return nil, err
		}
		users, _, err := h.Users.FindUsers(ctx, wubu.UserFilter{ProjectID: &id, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if !u.Disabled && (u.Role == wubu.RoleDutyManager || u.Role == wubu.RoleManager) {
				v.Managers = append(v.Managers, u)
			}
		}
	}
	return v, nil
}

// dutyManagerShow is the roster's page, or, for htmx (the project page),
// the roster alone.
func (h *Handler) dutyManagerShow(w http.ResponseWriter, r *http.Request) {
	showPart(h, w, r, h.dutyManagerView, "duty_managers", "duty-roster")
}

// dutyManagerSave sets a roster day's duty manager through the one form
// handler.
func (h *Handler) dutyManagerSave(r *http.Request, id int64) (string, error) {
	err := h.DutyManagers.SaveDutyManager(r.Context(), id, r.FormValue("day"), optID(r, "manager_user_id"))
	return h.T(r, "Duty manager roster saved."), err
}
