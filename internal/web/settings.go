package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
)

type settingsView struct {
	Page
	Project  *wubu.Project
	Settings *wubu.ProjectSettings
	CanEdit  bool
}

func (h *Handler) settingsView(r *http.Request) (*settingsView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := h.Projects.FindProjectByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	st, err := h.Settings.FindSettings(r.Context(), id)
	if err != nil {
		return nil, err
	}
	v := &settingsView{Page: h.newPage(r, "Rules and working hours"), Project: p, Settings: st,
		CanEdit: wubu.UserFromContext(r.Context()).Can(wubu.PermSettingsEdit)}
	days := make([]string, len(st.CardReminderDays))
	for i, d := range st.CardReminderDays {
		days[i] = strconv.Itoa(d)
	}
	v.Form.Set("work_start", st.WorkStart)
	v.Form.Set("work_end", st.WorkEnd)
	v.Form.Set("card_reminder_days", strings.Join(days, ", "))
	v.Form.Set("special_day_lead_days", strconv.Itoa(st.SpecialDayLeadDays))
	v.Form.Set("care_visit_days", strconv.Itoa(st.CareVisitDays))
	v.Form.Set("care_escalate_days", strconv.Itoa(st.CareEscalateDays))
	return v, nil
}

// settingsShow shows a project's working hours and rule settings.
func (h *Handler) settingsShow(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.settingsView, "settings")
}

// settingsUpdate saves them; a refused form keeps what was typed.
func (h *Handler) settingsUpdate(w http.ResponseWriter, r *http.Request) {
	v, err := h.settingsView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	refuse := func(err error) {
		v.Form = r.PostForm
		h.render(w, r, formError(r, &v.Page, err, ""), "settings", v)
	}
	st := &wubu.ProjectSettings{ProjectID: v.Project.ID, WorkStart: r.PostFormValue("work_start"), WorkEnd: r.PostFormValue("work_end")}
	days, ok := wubu.ParseDays(r.PostFormValue("card_reminder_days"))
	if !ok {
		refuse(wubu.FieldErrorf("card_reminder_days", wubu.EINVALID, "Give whole numbers of days, such as 15, 3."))
		return
	}
	st.CardReminderDays = days
	for _, f := range []struct {
		field string
		dst   *int
	}{{"special_day_lead_days", &st.SpecialDayLeadDays}, {"care_visit_days", &st.CareVisitDays}, {"care_escalate_days", &st.CareEscalateDays}} {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(f.field)))
		if err != nil {
			refuse(wubu.FieldErrorf(f.field, wubu.EINVALID, "Enter a whole number."))
			return
		}
		*f.dst = n
	}
	if _, err := h.Settings.UpdateSettings(r.Context(), st); err != nil {
		refuse(err)
		return
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(v.Project.ID, 10)+"/settings", h.T(r, "Settings saved."))
}
