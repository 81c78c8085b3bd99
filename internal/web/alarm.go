package web

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// alarmRoutes are the pages of alarm reminders and security advice and of
// the building one-to-one (S5, S10).
func (h *Handler) alarmRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/alarms", Perm: wubu.PermSecurityView, Handler: h.alarmList},
		{Method: "POST", Path: "/residents/{id}/alarm-reminders", Perm: wubu.PermSecurityEdit, Handler: h.alarmRecord("reminder")},
		{Method: "POST", Path: "/residents/{id}/security-advice", Perm: wubu.PermSecurityEdit, Handler: h.alarmRecord("advice")},
		{Method: "GET", Path: "/security/buildings", Perm: wubu.PermSecurityView, Handler: h.myBuildings},
		{Method: "GET", Path: "/buildings/{id}/security", Perm: wubu.PermSecurityView, Handler: h.buildingSecurity},
		{Method: "POST", Path: "/buildings/{id}/security/archive", Perm: wubu.PermSecurityEdit, Handler: h.archiveAdd},
	}
}

// alarmGroup is a building's households whose alarm is not on.
type alarmGroup struct {
	BuildingID   int64
	BuildingName string
	Households   []*wubu.AlarmHousehold
}

type alarmListView struct {
	securityPage
	BuildingID int64
	Buildings  []*wubu.Building
	Groups     []*alarmGroup
	Total      int
	Topics     []wubu.AdviceTopic
	LowFloor   int
}

// alarmList lists the households whose home alarm is not on, per building,
// with the forms to record a reminder or advice.
func (h *Handler) alarmList(w http.ResponseWriter, r *http.Request) {
	base, err := h.newSecurityPage(r, "Home alarms")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &alarmListView{securityPage: base, Topics: wubu.AdviceTopics, LowFloor: wubu.LowFloor}
	v.BuildingID, _ = strconv.ParseInt(r.URL.Query().Get("building"), 10, 64)
	h.renderAlarmList(w, r, v, http.StatusOK)
}

func (h *Handler) renderAlarmList(w http.ResponseWriter, r *http.Request, v *alarmListView, status int) {
	if v.ProjectID != 0 {
		ctx := r.Context()
		var err error
		if v.Buildings, err = h.Org.FindBuildings(ctx, v.ProjectID); err != nil {
			h.fail(w, r, err)
			return
		}
		list, err := h.Security.AlarmOff(ctx, v.ProjectID, v.BuildingID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.Total = len(list)
		for _, a := range list {
			if n := len(v.Groups); n == 0 || v.Groups[n-1].BuildingID != a.BuildingID {
				v.Groups = append(v.Groups, &alarmGroup{BuildingID: a.BuildingID, BuildingName: a.BuildingName})
			}
			g := v.Groups[len(v.Groups)-1]
			g.Households = append(g.Households, a)
		}
	}
	h.render(w, r, status, "alarms", v)
}

// alarmRecord records an alarm reminder or home security advice given to
// a resident, then returns to the list it came from.
func (h *Handler) alarmRecord(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			h.fail(w, r, err)
			return
		}
		r.ParseForm()
		c := &wubu.SecurityContact{PersonID: id, RoomID: optID(r, "room_id"), Note: r.PostFormValue("note")}
		var msg string
		if kind == "reminder" {
			c.Method, c.SwitchedOn = wubu.ReminderMethod(r.PostFormValue("method")), r.PostFormValue("switched_on") == "1"
			err = h.Security.RecordReminder(r.Context(), c)
			msg = h.T(r, "Reminder recorded.")
		} else {
			for _, t := range r.PostForm["topic"] {
				c.Topics = append(c.Topics, wubu.AdviceTopic(t))
			}
			err = h.Security.RecordAdvice(r.Context(), c)
			msg = h.T(r, "Advice recorded.")
		}
		if err != nil {
			if codeIn(err, wubu.EINTERNAL, wubu.ENOTFOUND) {
				h.fail(w, r, err)
				return
			}
			base, berr := h.newSecurityPage(r, "Home alarms")
			if berr != nil {
				h.fail(w, r, berr)
				return
			}
			base.ProjectID = c.ProjectID
			v := &alarmListView{securityPage: base, Topics: wubu.AdviceTopics, LowFloor: wubu.LowFloor}
			v.BuildingID, _ = strconv.ParseInt(r.PostFormValue("building"), 10, 64)
			status := formError(r, &v.Page, err, "")
			v.Error = server.ErrMessage(r, err)
			h.renderAlarmList(w, r, v, status)
			return
		}
		back := r.PostFormValue("back")
		if back == "" || back[0] != '/' || (len(back) > 1 && (back[1] == '/' || back[1] == '\\')) {
			back = "/alarms?project=" + strconv.FormatInt(c.ProjectID, 10)
		}
		h.redirect(w, r, back, msg)
	}
}

type myBuildingsView struct {
	securityPage
	Buildings []*wubu.BuildingSummary
}

// myBuildings is the building security leader's start: their buildings
// with the open issues of each.
func (h *Handler) myBuildings(w http.ResponseWriter, r *http.Request) {
	base, err := h.newSecurityPage(r, "My buildings")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &myBuildingsView{securityPage: base}
	if v.Buildings, err = h.Security.MyBuildings(r.Context()); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "security_buildings", v)
}

type buildingSecurityView struct {
	securityPage
	S            *wubu.BuildingSecurity
	ArchiveKinds []string
}

func (h *Handler) buildingSecurityView(r *http.Request) (*buildingSecurityView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	base, err := h.newSecurityPage(r, "Building security")
	if err != nil {
		return nil, err
	}
	v := &buildingSecurityView{securityPage: base, ArchiveKinds: wubu.ArchiveKinds}
	if v.S, err = h.Security.BuildingSecurity(r.Context(), id); err != nil {
		return nil, err
	}
	v.ProjectID = v.S.Building.ProjectID
	v.Title = v.T("Building %s", v.S.Building.Name) + " · " + v.T("Building security")
	return v, nil
}

// buildingSecurity is a building's security page: open hazards and
// parking problems, households with the alarm off, key customers and the
// security archive.
func (h *Handler) buildingSecurity(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.buildingSecurityView, "building_security")
}

func (h *Handler) archiveAdd(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n := &wubu.ArchiveNote{BuildingID: id, Kind: r.PostFormValue("kind"), Title: r.PostFormValue("title"), Body: r.PostFormValue("body")}
	if err := h.Security.AddArchiveNote(r.Context(), n); err != nil {
		if codeIn(err, wubu.EINTERNAL, wubu.ENOTFOUND) {
			h.fail(w, r, err)
			return
		}
		reshowForm(h, w, r, err, h.buildingSecurityView, r.PostForm, "building_security", "archive_")
		return
	}
	h.redirect(w, r, "/buildings/"+strconv.FormatInt(id, 10)+"/security", h.T(r, "Added to the security archive."))
}
