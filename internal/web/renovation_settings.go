package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// renovationSettingsRoutes are the page of a project's renovation rules:
// the renovation managers, the review and inspection clocks, the permitted
// working hours (working days, rest days, holidays), the deposit, the purge
// of the workers' ID numbers, the escalation of repeated violations and the
// two checklists.
func (h *Handler) renovationSettingsRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/projects/{id}/renovation-settings", Perm: wubu.PermOrderView, Handler: h.renovationSettingsShow},
		{Method: "POST", Path: "/projects/{id}/renovation-settings", Perm: wubu.PermSettingsEdit,
			Handler: h.step(stepPage{path: "/projects/%d/renovation-settings", reshow: reshowWith(h, h.renovationSettingsView, "renovation_settings")}, "", h.renovationSettingsSave)},
	}
}

// renovationSettingsNumbers are the form's whole-number fields.
var renovationSettingsNumbers = []string{"review_hours", "inspect_hours", "deposit", "purge_days", "escalate_after"}

// renovationSettingsClocks are the form's times of day.
var renovationSettingsClocks = []string{"work_from", "work_to", "rest_from", "rest_to"}

type renovationSettingsView struct {
	Page
	Project  *wubu.Project
	Numbers  []string
	Parties  []wubu.Party
	Staff    []*wubu.User
	Settings *wubu.RenovationSettings
	CanEdit  bool
}

// Ticked reports whether the form has value v ticked in field f.
func (v *renovationSettingsView) Ticked(f, val string) bool { return slices.Contains(v.Form[f], val) }

func (h *Handler) renovationSettingsView(r *http.Request) (*renovationSettingsView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := h.Projects.FindProjectByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	st, err := h.Renovations.RenovationSettings(r.Context(), id)
	if err != nil {
		return nil, err
	}
	v := &renovationSettingsView{Page: h.newPage(r, "Renovation settings"), Project: p, Numbers: renovationSettingsNumbers, Parties: wubu.EscalationParties,
		Settings: st, CanEdit: wubu.UserFromContext(r.Context()).Can(wubu.PermSettingsEdit)}
	v.Title = p.Name + " · " + v.T("Renovation settings")
	// The maintenance staff to choose the managers from, for those who
	// may see the staff.
	var users []*wubu.User
	if wubu.UserFromContext(r.Context()).Can(wubu.PermStaffView) {
		if users, _, err = h.Users.FindUsers(r.Context(), wubu.UserFilter{ProjectID: &id, Limit: 500}); err != nil {
			return nil, err
		}
	}
	for _, u := range users {
		if u.Post == wubu.PostMaintenance || slices.Contains(st.Managers, u.ID) {
			v.Staff = append(v.Staff, u)
		}
	}
	for i, n := range []int{st.ReviewHours, st.InspectHours, st.Deposit, st.PurgeDays, st.EscalateAfter} {
		v.Form.Set(renovationSettingsNumbers[i], strconv.Itoa(n))
	}
	for i, c := range []string{st.WorkFrom, st.WorkTo, st.RestFrom, st.RestTo} {
		v.Form.Set(renovationSettingsClocks[i], c)
	}
	if st.HolidayWork {
		v.Form.Set("holiday_work", "1")
	}
	for _, p := range st.EscalateTo {
		v.Form.Add("escalate_to", string(p))
	}
	for _, m := range st.Managers {
		v.Form.Add("managers", strconv.FormatInt(m, 10))
	}
	// The checklists in the page's language: the default items are
	// catalogue keys, a project's own items are shown as written.
	v.Form.Set("checklist", strings.Join(v.translated(st.Checklist), "\n"))
	v.Form.Set("final_checklist", strings.Join(v.translated(st.FinalChecklist), "\n"))
	return v, nil
}

// translated returns items in the page's language.
func (v *renovationSettingsView) translated(items []string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = v.T(it)
	}
	return out
}

func (h *Handler) renovationSettingsShow(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.renovationSettingsView, "renovation_settings")
}

// renovationSettingsSave saves them through the one form handler.
func (h *Handler) renovationSettingsSave(r *http.Request, id int64) (string, error) {
	st := &wubu.RenovationSettings{ProjectID: id, WorkFrom: r.PostFormValue("work_from"), WorkTo: r.PostFormValue("work_to"),
		RestFrom: r.PostFormValue("rest_from"), RestTo: r.PostFormValue("rest_to"), HolidayWork: r.PostFormValue("holiday_work") == "1",
		Checklist: strings.Split(r.PostFormValue("checklist"), "\n"), FinalChecklist: strings.Split(r.PostFormValue("final_checklist"), "\n")}
	dst := []*int{&st.ReviewHours, &st.InspectHours, &st.Deposit, &st.PurgeDays, &st.EscalateAfter}
	for i, f := range renovationSettingsNumbers {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(f)))
		if err != nil {
			return "", wubu.FieldErrorf(f, wubu.EINVALID, "Enter a whole number.")
		}
		*dst[i] = n
	}
	for _, p := range r.PostForm["escalate_to"] {
		st.EscalateTo = append(st.EscalateTo, wubu.Party(p))
	}
	for _, s := range r.PostForm["managers"] {
		if m, err := strconv.ParseInt(s, 10, 64); err == nil {
			st.Managers = append(st.Managers, m)
		}
	}
	return h.T(r, "Settings saved."), h.Renovations.SetRenovationSettings(r.Context(), st)
}
