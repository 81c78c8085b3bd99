package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/wubu-oss/wubu"
)

type orderSettingsView struct {
	orderPage
	Project    *wubu.Project
	Settings   *wubu.OrderSettings
	Prices     []*wubu.PriceItem
	Roster     []*wubu.RosterEntry
	Duty       *wubu.DutyStatus
	OnCall     []*wubu.User
	DutyStaff  []*wubu.User
	Categories []wubu.OrderCategory
	CanEdit    bool
}

// orderSettingsView loads a project's order settings page.
func (h *Handler) orderSettingsView(r *http.Request) (*orderSettingsView, error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := h.Projects.FindProjectByID(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &orderSettingsView{orderPage: h.withClock(h.newPage(r, "Repair settings")), Project: p, Categories: wubu.OrderCategories,
		CanEdit: wubu.UserFromContext(ctx).Can(wubu.PermSettingsEdit)}
	v.Title = p.Name + " · " + v.T("Repair settings")
	if v.Settings, err = h.Orders.Settings(ctx, id); err != nil {
		return nil, err
	}
	if v.Prices, err = h.Orders.PriceList(ctx, id, true); err != nil {
		return nil, err
	}
	if v.Roster, err = h.Orders.Roster(ctx, id); err != nil {
		return nil, err
	}
	if v.Duty, err = h.Orders.Duty(ctx, id, h.Clock.Now()); err != nil {
		return nil, err
	}
	if v.OnCall, err = h.Orders.Technicians(ctx, id, wubu.PostMaintenance); err != nil {
		return nil, err
	}
	for _, post := range []wubu.Post{wubu.PostService, wubu.PostNone, wubu.PostMaintenance} {
		staff, err := h.Orders.Technicians(ctx, id, post)
		if err != nil {
			return nil, err
		}
		v.DutyStaff = append(v.DutyStaff, staff...)
	}
	s := v.Settings
	for k, val := range map[string]string{"urgent_minutes": strconv.Itoa(s.UrgentMinutes), "normal_minutes": strconv.Itoa(s.NormalMinutes),
		"warn_minutes": strconv.Itoa(s.WarnMinutes), "free_minutes": strconv.Itoa(s.FreeMinutes), "follow_up_days": strconv.Itoa(s.FollowUpDays),
		"day_from": s.DayFrom, "day_until": s.DayUntil, "rest_from": s.RestFrom, "rest_until": s.RestUntil} {
		v.Form.Set(k, val)
	}
	if s.DonePhoto {
		v.Form.Set("done_photo", "1")
	}
	return v, nil
}

func (h *Handler) orderSettings(w http.ResponseWriter, r *http.Request) {
	v, err := h.orderSettingsView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "order_settings", v)
}

// settingsForm answers one of the settings page's forms: on success back
// to the page, else the page with the input kept and the error beside its
// field (prefixed by the form's name).
func (h *Handler) settingsForm(w http.ResponseWriter, r *http.Request, prefix string, save func(projectID int64) error) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, wubu.Errorf(wubu.EINVALID, "The form could not be read."))
		return
	}
	if err := save(id); err != nil {
		if code := wubu.ErrorCode(err); code != wubu.EINVALID && code != wubu.ECONFLICT {
			h.fail(w, r, err)
			return
		}
		v, verr := h.orderSettingsView(r)
		if verr != nil {
			h.fail(w, r, verr)
			return
		}
		for k, vals := range r.PostForm {
			v.Form[k] = vals
		}
		h.render(w, r, formError(r, &v.Page, err, prefix), "order_settings", v)
		return
	}
	h.redirect(w, r, fmt.Sprintf("/projects/%d/order-settings", id), h.T(r, "Saved."))
}

func (h *Handler) orderSettingsSave(w http.ResponseWriter, r *http.Request) {
	h.settingsForm(w, r, "", func(id int64) error {
		num := func(k string) int { n, _ := strconv.Atoi(r.PostFormValue(k)); return n }
		return h.Orders.SaveSettings(r.Context(), &wubu.OrderSettings{ProjectID: id, UrgentMinutes: num("urgent_minutes"), NormalMinutes: num("normal_minutes"),
			WarnMinutes: num("warn_minutes"), FreeMinutes: num("free_minutes"), FollowUpDays: num("follow_up_days"),
			DayFrom: r.PostFormValue("day_from"), DayUntil: r.PostFormValue("day_until"), RestFrom: r.PostFormValue("rest_from"), RestUntil: r.PostFormValue("rest_until"),
			DonePhoto: r.PostFormValue("done_photo") == "1"})
	})
}

func (h *Handler) priceSave(w http.ResponseWriter, r *http.Request) {
	h.settingsForm(w, r, "price_", func(id int64) error {
		price, err := parseYuan("price", r.PostFormValue("price_price"))
		if err != nil {
			return err
		}
		it := &wubu.PriceItem{ProjectID: id, Category: wubu.OrderCategory(r.PostFormValue("price_category")), Kind: wubu.PriceKind(r.PostFormValue("price_kind")),
			Name: r.PostFormValue("price_name"), Unit: r.PostFormValue("price_unit"), Price: price, Free: r.PostFormValue("price_free") == "1",
			Active: r.PostFormValue("price_active") != "0"}
		if pid := optionalID(r.PostFormValue("price_id")); pid != nil {
			it.ID = *pid
		}
		return h.Orders.SavePriceItem(r.Context(), it)
	})
}

func (h *Handler) rosterSave(w http.ResponseWriter, r *http.Request) {
	h.settingsForm(w, r, "roster_", func(id int64) error {
		return h.Orders.SaveRosterEntry(r.Context(), &wubu.RosterEntry{ProjectID: id, Day: r.PostFormValue("roster_day"),
			DutyUserID: optionalID(r.PostFormValue("roster_duty")), OnCallUserID: optionalID(r.PostFormValue("roster_oncall"))})
	})
}

type orderReportView struct {
	orderPage
	Project  *wubu.Project
	Report   *wubu.OrderReport
	From, To string
	States   []wubu.OrderState
}

// reportPeriod reads ?from= and ?to= (dates, China time; to inclusive),
// by default the last 30 days.
func (h *Handler) reportPeriod(r *http.Request) (from, to time.Time, fromS, toS string, err error) {
	today := dateIn(h.Clock.Now())
	fromS, toS = r.URL.Query().Get("from"), r.URL.Query().Get("to")
	if toS == "" {
		toS = today.Format(time.DateOnly)
	}
	if fromS == "" {
		fromS = today.AddDate(0, 0, -29).Format(time.DateOnly)
	}
	if from, err = time.ParseInLocation(time.DateOnly, fromS, cst); err != nil {
		return from, to, fromS, toS, wubu.FieldErrorf("from", wubu.EINVALID, "Write the date as 2026-11-27.")
	}
	if to, err = time.ParseInLocation(time.DateOnly, toS, cst); err != nil {
		return from, to, fromS, toS, wubu.FieldErrorf("to", wubu.EINVALID, "Write the date as 2026-11-27.")
	}
	return from, to.AddDate(0, 0, 1), fromS, toS, nil
}

// orderReport shows a project's order figures for a period.
func (h *Handler) orderReport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.Projects.FindProjectByID(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &orderReportView{orderPage: h.withClock(h.newPage(r, "Repair report")), Project: p, States: wubu.OrderStates}
	v.Title = p.Name + " · " + v.T("Repair report")
	from, to, fromS, toS, err := h.reportPeriod(r)
	v.From, v.To = fromS, toS
	v.Form.Set("from", fromS)
	v.Form.Set("to", toS)
	if err == nil {
		v.Report, err = h.Orders.Report(ctx, id, from, to)
	}
	if err != nil {
		if wubu.ErrorCode(err) != wubu.EINVALID {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, formError(r, &v.Page, err, ""), "order_report", v)
		return
	}
	h.render(w, r, http.StatusOK, "order_report", v)
}

// orderReportExport downloads the report as an .xlsx workbook: the
// figures, in the user's language.
func (h *Handler) orderReportExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.Projects.FindProjectByID(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	from, to, fromS, toS, err := h.reportPeriod(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rep, err := h.Orders.Report(ctx, id, from, to)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := h.withClock(h.newPage(r, "Repair report"))
	rows := [][]any{
		{v.T("Project"), p.Name},
		{v.T("From"), fromS},
		{v.T("To"), toS},
		{v.T("Orders"), rep.Orders},
		{v.T("Urgent orders"), rep.Urgent},
		{v.T("Promises judged"), rep.Promised},
		{v.T("Promises kept"), rep.Kept},
		{v.T("Promises breached and still open"), rep.Open},
		{v.T("Promises kept (%)"), fmt.Sprintf("%.1f", rep.KeptPercent)},
		{v.T("Median time to arrival (minutes)"), fmt.Sprintf("%.1f", rep.MedianArrival.Minutes())},
		{v.T("Free jobs"), rep.FreeJobs},
		{v.T("Follow-ups"), rep.FollowUps},
		{v.T("Average satisfaction"), fmt.Sprintf("%.2f", rep.AvgSatisfaction)},
		{v.T("Poor answers"), rep.Poor},
		{v.T("Billed (yuan)"), fmt.Sprintf("%.2f", float64(rep.Revenue)/100)},
	}
	for _, s := range wubu.OrderStates {
		rows = append(rows, []any{v.T("state:" + string(s)), rep.ByState[s]})
	}
	h.writeXLSX(w, r, v.T("Repair report"), p.Code+"-orders-"+fromS+"-"+toS+".xlsx", rows, colWidth{"A", "A", 36}, colWidth{"B", "B", 20})
}
