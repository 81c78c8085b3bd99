package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// lobbyRoutes are the pages of lobby hours (A2): a month's schedule of the
// assistants' reception hours in the lobbies with the form adding to it,
// the visits received with their count per assistant, and the printable
// notice of a building's hours.
func (h *Handler) lobbyRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/lobby-hours", Perm: wubu.PermResidentView, Handler: h.lobbyHours},
		{Method: "POST", Path: "/lobby-hours", Perm: wubu.PermResidentEdit, Handler: h.lobbyHoursAdd},
		{Method: "POST", Path: "/lobby-hours/{id}/remove", Perm: wubu.PermResidentEdit, Handler: h.lobbyHoursRemove},
		{Method: "POST", Path: "/lobby-visits", Perm: wubu.PermResidentEdit, Handler: h.lobbyVisitLog},
		{Method: "GET", Path: "/buildings/{id}/lobby-hours", Perm: wubu.PermResidentView, Handler: h.lobbyNotice},
	}
}

// Weekdays are the days of a weekly entry, Monday first.
var lobbyWeekdays = []int{1, 2, 3, 4, 5, 6, 7}

type lobbyView struct {
	securityPage
	// Month is the month shown (2026-12); Prev and Next its neighbours.
	Month, Prev, Next string
	Hours             []*wubu.LobbyHours
	Buildings         []*wubu.Building
	Staff             []*wubu.User
	Visits            []*wubu.LobbyVisit
	Counts            []wubu.LobbyVisitCount
	Weekdays          []int
}

// lobbyMonthOf returns the month asked for (?month=), else the current
// one, in China Standard Time.
func lobbyMonthOf(r *http.Request, now time.Time) time.Time {
	if m, err := time.ParseInLocation("2006-01", r.FormValue("month"), cst); err == nil {
		return m
	}
	l := now.In(cst)
	return time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, cst)
}

func (h *Handler) lobbyView(r *http.Request) (*lobbyView, error) {
	base, err := h.newSecurityPage(r, "Lobby hours")
	if err != nil {
		return nil, err
	}
	base.CanEdit = wubu.UserFromContext(r.Context()).Can(wubu.PermResidentEdit)
	m := lobbyMonthOf(r, base.Now)
	v := &lobbyView{securityPage: base, Month: m.Format("2006-01"), Prev: m.AddDate(0, -1, 0).Format("2006-01"), Next: m.AddDate(0, 1, 0).Format("2006-01"), Weekdays: lobbyWeekdays}
	if v.ProjectID == 0 {
		return v, nil
	}
	ctx := r.Context()
	if v.Hours, err = h.Lobby.LobbyHours(ctx, v.ProjectID, 0, v.Month); err != nil {
		return nil, err
	}
	if v.Buildings, err = h.Org.FindBuildings(ctx, v.ProjectID); err != nil {
		return nil, err
	}
	if v.Visits, err = h.Lobby.FindLobbyVisits(ctx, v.ProjectID, v.Month); err != nil {
		return nil, err
	}
	if v.Counts, err = h.Lobby.LobbyVisitCounts(ctx, v.ProjectID, v.Month); err != nil {
		return nil, err
	}
	if v.CanEdit {
		if v.Staff, err = h.focusStaff(r, v.ProjectID); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (h *Handler) lobbyHours(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.lobbyView, "lobby_hours")
}

// lobbyBack is the schedule's page of a project and month.
func lobbyBack(projectID int64, month string) string {
	return "/lobby-hours?project=" + strconv.FormatInt(projectID, 10) + "&month=" + month
}

// lobbyRefused shows the schedule again with a refused form, or fails the
// page for what the user cannot mend.
func (h *Handler) lobbyRefused(w http.ResponseWriter, r *http.Request, v *lobbyView, err error, prefix string) {
	if !refusedStep(err) {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, refuse(r, v, r.Form, err, prefix), "lobby_hours", v)
}

// lobbyHoursAdd adds an entry to the month's schedule.
func (h *Handler) lobbyHoursAdd(w http.ResponseWriter, r *http.Request) {
	parseForm(w, r)
	v, err := h.lobbyView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	e := &wubu.LobbyHours{ProjectID: v.ProjectID, Month: v.Month, Date: r.FormValue("date"), Starts: r.FormValue("starts"), Ends: r.FormValue("ends")}
	e.BuildingID, _ = strconv.ParseInt(r.FormValue("building_id"), 10, 64)
	e.AssistantID, _ = strconv.ParseInt(r.FormValue("assistant_id"), 10, 64)
	e.Weekday, _ = strconv.Atoi(r.FormValue("weekday"))
	if err := h.Lobby.AddLobbyHours(r.Context(), e); err != nil {
		h.lobbyRefused(w, r, v, err, "hours_")
		return
	}
	h.redirect(w, r, lobbyBack(v.ProjectID, v.Month), h.T(r, "Reception hours added."))
}

func (h *Handler) lobbyHoursRemove(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	parseForm(w, r)
	if err := h.Lobby.RemoveLobbyHours(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	p, _ := strconv.ParseInt(r.FormValue("project"), 10, 64)
	h.redirect(w, r, lobbyBack(p, r.FormValue("month")), h.T(r, "Reception hours removed."))
}

// lobbyVisitLog logs a visit received in a lobby; the resident is
// optional, found as at the lookup.
func (h *Handler) lobbyVisitLog(w http.ResponseWriter, r *http.Request) {
	parseForm(w, r)
	v, err := h.lobbyView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lv := &wubu.LobbyVisit{ProjectID: v.ProjectID, Topic: r.FormValue("topic"), Note: r.FormValue("note")}
	lv.BuildingID, _ = strconv.ParseInt(r.FormValue("building_id"), 10, 64)
	lv.AssistantID, _ = strconv.ParseInt(r.FormValue("assistant_id"), 10, 64)
	if q := strings.TrimSpace(r.FormValue("resident")); q != "" && v.ProjectID != 0 {
		hits, err := h.Residents.Lookup(r.Context(), v.ProjectID, q, 2)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if len(hits) != 1 {
			h.lobbyRefused(w, r, v, wubu.FieldErrorf("resident", wubu.EINVALID, "Name one resident: their room, name or phone's last four digits."), "visit_")
			return
		}
		lv.PersonID = &hits[0].PersonID
	}
	if err := h.Lobby.LogLobbyVisit(r.Context(), lv); err != nil {
		h.lobbyRefused(w, r, v, err, "visit_")
		return
	}
	h.redirect(w, r, lobbyBack(v.ProjectID, v.Month), h.T(r, "Visit logged."))
}

type lobbyNoticeView struct {
	Page
	Project  *wubu.Project
	Building *wubu.Building
	Month    string
	Hours    []*wubu.LobbyHours
}

// lobbyNotice is the printable A4 notice of a building's reception hours
// in a month, for the lobby's board.
func (h *Handler) lobbyNotice(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	v := &lobbyNoticeView{Page: h.newPage(r, "Lobby hours"), Month: lobbyMonthOf(r, h.Clock.Now()).Format("2006-01")}
	if v.Building, err = h.Org.FindBuildingByID(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Project, err = h.Projects.FindProjectByID(ctx, v.Building.ProjectID); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Hours, err = h.Lobby.LobbyHours(ctx, v.Building.ProjectID, id, v.Month); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "lobby_notice", v)
}

// MonthTitle is the month as the notice names it: 2026年12月 or
// December 2026.
func (v *lobbyNoticeView) MonthTitle() string {
	m, err := time.Parse("2006-01", v.Month)
	if err != nil {
		return v.Month
	}
	if v.Lang == "en" {
		return m.Format("January 2006")
	}
	return m.Format("2006年1月")
}

// Day is a date of the schedule as the notice shows it: 12月8日.
func (v *lobbyNoticeView) Day(date string) string {
	d, err := time.Parse("2006-01-02", date)
	if err != nil {
		return date
	}
	if v.Lang == "en" {
		return d.Format("Jan 2")
	}
	return d.Format("1月2日")
}
