package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// housekeepingRoutes are the pages of inspection campaigns (M3, M9) and
// housekeeping (C2, C5, C7): PermOrderView to see, PermOrderEdit to book
// and record visits, PermOrderDispatch to assign, PermSettingsEdit for the
// catalogue, prices, rules, roster, promotions and campaigns.
func (h *Handler) housekeepingRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/housekeeping", Perm: wubu.PermOrderView, Handler: h.housekeepingHub},
		{Method: "GET", Path: "/projects/{id}/housekeeping", Perm: wubu.PermOrderView, Handler: h.housekeepingShow},
		{Method: "POST", Path: "/projects/{id}/home-services", Perm: wubu.PermSettingsEdit, Handler: h.homeServiceCreate},
		{Method: "POST", Path: "/home-services/{id}", Perm: wubu.PermSettingsEdit, Handler: h.homeServiceUpdate},
		{Method: "POST", Path: "/projects/{id}/housekeeping-settings", Perm: wubu.PermSettingsEdit, Handler: h.hkSettingsSave},
		{Method: "POST", Path: "/projects/{id}/promotions", Perm: wubu.PermSettingsEdit, Handler: h.promotionCreate},

		{Method: "GET", Path: "/projects/{id}/bookings", Perm: wubu.PermOrderView, Handler: h.bookingDay},
		{Method: "POST", Path: "/projects/{id}/bookings", Perm: wubu.PermOrderEdit, Handler: h.bookingCreate},
		{Method: "GET", Path: "/my-bookings", Perm: wubu.PermOrderView, Handler: h.myBookings},
		{Method: "GET", Path: "/bookings/{id}", Perm: wubu.PermOrderView, Handler: h.bookingShow},
		{Method: "POST", Path: "/bookings/{id}/reschedule", Perm: wubu.PermOrderEdit, Handler: h.bookingAction(h.bookingReschedule)},
		{Method: "POST", Path: "/bookings/{id}/reassign", Perm: wubu.PermOrderDispatch, Handler: h.bookingAction(h.bookingReassign)},
		{Method: "POST", Path: "/bookings/{id}/cancel", Perm: wubu.PermOrderEdit, Handler: h.bookingAction(h.bookingCancel)},
		{Method: "POST", Path: "/bookings/{id}/complete", Perm: wubu.PermOrderEdit, Handler: h.bookingAction(h.bookingComplete)},
		{Method: "GET", Path: "/residents/{id}/needs", Perm: wubu.PermOrderView, Handler: h.needsShow},
		{Method: "POST", Path: "/residents/{id}/needs", Perm: wubu.PermOrderEdit, Handler: h.needCreate},

		{Method: "GET", Path: "/projects/{id}/campaigns", Perm: wubu.PermOrderView, Handler: h.campaignList},
		{Method: "POST", Path: "/projects/{id}/campaigns", Perm: wubu.PermSettingsEdit, Handler: h.campaignCreate},
		{Method: "GET", Path: "/campaigns/{id}", Perm: wubu.PermOrderView, Handler: h.campaignShow},
		{Method: "POST", Path: "/campaigns/{id}/assign", Perm: wubu.PermOrderDispatch, Handler: h.campaignAssign},
		{Method: "GET", Path: "/my-visits", Perm: wubu.PermOrderView, Handler: h.myVisits},
		{Method: "GET", Path: "/visits/{id}", Perm: wubu.PermOrderView, Handler: h.visitShow},
		{Method: "POST", Path: "/visits/{id}", Perm: wubu.PermOrderEdit, Handler: h.visitRecord},
		{Method: "GET", Path: "/findings/{id}/photo", Perm: wubu.PermOrderView, Handler: h.findingPhoto},
		{Method: "GET", Path: "/rooms/{id}/findings", Perm: wubu.PermOrderView, Handler: h.roomFindings},
	}
}

// hkView is the base of the housekeeping and inspection pages: money, slots
// and times as they are shown.
type hkView struct{ Page }

// Yuan shows an amount in fen as ¥120.00.
func (v *hkView) Yuan(fen int64) string { return fmt.Sprintf("¥%d.%02d", fen/100, fen%100) }

// YuanInput shows an amount in fen for an input: 120, 120.5.
func (v *hkView) YuanInput(fen int64) string {
	if fen%100 == 0 {
		return strconv.FormatInt(fen/100, 10)
	}
	return fmt.Sprintf("%d.%02d", fen/100, fen%100)
}

// HM shows minutes after midnight as 08:00.
func (v *hkView) HM(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// Clock shows a time of day in China as 10:00.
func (v *hkView) Clock(t time.Time) string { return t.In(cst).Format("15:04") }

// SlotValue is a slot's start as a form value: 2026-11-28 10:00.
func (v *hkView) SlotValue(t time.Time) string { return hkSlotText(t) }

// Day shows a date as 11月28日 周六 in Chinese, 2026-11-28 Sat in English.
func (v *hkView) Day(t time.Time) string {
	t = t.In(cst)
	return v.T("%d-%02d-%02d %s", t.Year(), int(t.Month()), t.Day(), v.T(weekdays[t.Weekday()]))
}

// hkParseYuan reads an amount of yuan ("120", "120.5") as fen.
func hkParseYuan(field, s string) (int64, error) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "¥"))
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 {
		return 0, wubu.FieldErrorf(field, wubu.EINVALID, "Write the price in yuan, such as 120 or 99.50.")
	}
	y, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || y < 0 || y > 100000 {
		return 0, wubu.FieldErrorf(field, wubu.EINVALID, "Write the price in yuan, such as 120 or 99.50.")
	}
	f := int64(0)
	if frac != "" {
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil || f < 0 {
			return 0, wubu.FieldErrorf(field, wubu.EINVALID, "Write the price in yuan, such as 120 or 99.50.")
		}
		if len(frac) == 1 {
			f *= 10
		}
	}
	return y*100 + f, nil
}

// hkParseSlot reads a slot's start, "2026-11-28 10:00" in China time.
func hkParseSlot(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, cst); err == nil {
			return t, nil
		}
	}
	return time.Time{}, wubu.FieldErrorf(field, wubu.EINVALID, "Write the slot as 2026-11-28 10:00.")
}

// hkParseHM reads a time of day, "08:00", as minutes after midnight.
func hkParseHM(field, s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		if strings.TrimSpace(s) == "24:00" {
			return 24 * 60, nil
		}
		return 0, wubu.FieldErrorf(field, wubu.EINVALID, "Write the time as 08:00.")
	}
	return t.Hour()*60 + t.Minute(), nil
}

// hkStaffOf returns the staff of a project for choice lists, when the caller
// may list staff; nil otherwise (the form then takes an ID).
func (h *Handler) hkStaffOf(r *http.Request, projectID int64, post *wubu.Post) []*wubu.User {
	if !wubu.UserFromContext(r.Context()).Can(wubu.PermStaffView) {
		return nil
	}
	users, _, err := h.Users.FindUsers(r.Context(), wubu.UserFilter{ProjectID: &projectID, Post: post, Limit: 500})
	if err != nil {
		return nil
	}
	var out []*wubu.User
	for _, u := range users {
		if !u.Disabled {
			out = append(out, u)
		}
	}
	return out
}

type hubProject struct {
	Project *wubu.Project
	Today   int
}

type hubView struct {
	hkView
	Projects []hubProject
	CanSetup bool
}

// housekeepingHub is the entry to home services and inspections: the
// caller's projects with their bookings today.
func (h *Handler) housekeepingHub(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := wubu.UserFromContext(ctx)
	v := &hubView{hkView: hkView{h.newPage(r, "Home services")}, CanSetup: u.Can(wubu.PermSettingsEdit)}
	projects, err := h.Projects.FindProjects(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	from := dateIn(h.Clock.Now())
	to := from.AddDate(0, 0, 1)
	for _, p := range projects {
		_, n, err := h.Housekeeping.FindBookings(ctx, wubu.BookingFilter{ProjectID: p.ID, From: &from, To: &to, Limit: 1})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.Projects = append(v.Projects, hubProject{Project: p, Today: n})
	}
	h.render(w, r, http.StatusOK, "housekeeping_hub", v)
}

type housekeepingView struct {
	hkView
	Project    *wubu.Project
	Services   []*wubu.HomeService
	Settings   *wubu.HousekeepingSettings
	Promotions []*wubu.Promotion
	Staff      []*wubu.User
	Names      map[int64]string
	Categories []wubu.ServiceCategory
	CanSetup   bool
	// FormFor names the form a refused post came from.
	FormFor string
}

// OnRoster reports whether a user is on the cleaners' roster.
func (v *housekeepingView) OnRoster(id int64) bool { return hkContains(v.Settings.Cleaners, id) }

func hkContains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func (h *Handler) housekeepingView(r *http.Request) (*housekeepingView, error) {
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
	v := &housekeepingView{hkView: hkView{h.newPage(r, "Home services catalogue")}, Project: p, Categories: wubu.ServiceCategories,
		CanSetup: u.Can(wubu.PermSettingsEdit), Names: map[int64]string{}}
	if v.Services, err = h.Housekeeping.FindServices(ctx, id, true); err != nil {
		return nil, err
	}
	if v.Settings, err = h.Housekeeping.Settings(ctx, id); err != nil {
		return nil, err
	}
	if v.Promotions, err = h.Housekeeping.FindPromotions(ctx, id); err != nil {
		return nil, err
	}
	v.Staff = h.hkStaffOf(r, id, nil)
	for _, s := range v.Staff {
		v.Names[s.ID] = s.Name
	}
	return v, nil
}

func (h *Handler) housekeepingShow(w http.ResponseWriter, r *http.Request) {
	v, err := h.housekeepingView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "housekeeping", v)
}

// housekeepingFailed shows the page again with a refused form.
func (h *Handler) housekeepingFailed(w http.ResponseWriter, r *http.Request, form string, err error) {
	v, verr := h.housekeepingView(r)
	if verr != nil {
		h.fail(w, r, verr)
		return
	}
	v.Form, v.FormFor = r.PostForm, form
	h.render(w, r, formError(r, &v.Page, err, ""), "housekeeping", v)
}

// serviceFromForm reads a catalogue entry from a form.
func serviceFromForm(r *http.Request, s *wubu.HomeService) error {
	s.Category = wubu.ServiceCategory(r.PostFormValue("category"))
	s.Name, s.Unit = r.PostFormValue("name"), r.PostFormValue("unit")
	s.Active = r.PostFormValue("active") != "0"
	var err error
	if s.PriceFen, err = hkParseYuan("price", r.PostFormValue("price")); err != nil {
		return err
	}
	if s.DurationMin, err = strconv.Atoi(strings.TrimSpace(r.PostFormValue("duration_min"))); err != nil {
		return wubu.FieldErrorf("duration_min", wubu.EINVALID, "Duration must be between %d and %d minutes.", 10, 480)
	}
	return nil
}

func (h *Handler) homeServiceCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	s := &wubu.HomeService{ProjectID: id}
	err = serviceFromForm(r, s)
	if err == nil {
		err = h.Housekeeping.SaveService(r.Context(), s)
	}
	if err != nil {
		h.housekeepingFailed(w, r, "service", err)
		return
	}
	h.redirect(w, r, fmt.Sprintf("/projects/%d/housekeeping", id), h.T(r, "Saved."))
}

func (h *Handler) homeServiceUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	s, err := h.Housekeeping.FindService(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	err = serviceFromForm(r, s)
	if err == nil {
		err = h.Housekeeping.SaveService(r.Context(), s)
	}
	if err != nil {
		r.SetPathValue("id", strconv.FormatInt(s.ProjectID, 10))
		h.housekeepingFailed(w, r, fmt.Sprint("service-", id), err)
		return
	}
	h.redirect(w, r, fmt.Sprintf("/projects/%d/housekeeping", s.ProjectID), h.T(r, "Saved."))
}

func (h *Handler) hkSettingsSave(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	st := &wubu.HousekeepingSettings{ProjectID: id}
	err = func() error {
		var err error
		if st.SlotMinutes, err = strconv.Atoi(r.PostFormValue("slot_minutes")); err != nil {
			return wubu.FieldErrorf("slot_minutes", wubu.EINVALID, "A slot lasts 30 minutes to 8 hours, in steps of 30 minutes.")
		}
		if st.DayStart, err = hkParseHM("day_start", r.PostFormValue("day_start")); err != nil {
			return err
		}
		if st.DayEnd, err = hkParseHM("day_end", r.PostFormValue("day_end")); err != nil {
			return err
		}
		if st.PerCleaner, err = strconv.Atoi(r.PostFormValue("per_cleaner")); err != nil {
			return wubu.FieldErrorf("per_cleaner", wubu.EINVALID, "Each cleaner takes %d to %d bookings per slot.", 1, 10)
		}
		for _, s := range r.PostForm["cleaners"] {
			for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
				if id := optionalID(f); id != nil {
					st.Cleaners = append(st.Cleaners, *id)
				} else {
					return wubu.FieldErrorf("cleaners", wubu.EINVALID, "Choose a member of staff of this project.")
				}
			}
		}
		return h.Housekeeping.SaveSettings(r.Context(), st)
	}()
	if err != nil {
		h.housekeepingFailed(w, r, "settings", err)
		return
	}
	h.redirect(w, r, fmt.Sprintf("/projects/%d/housekeeping", id), h.T(r, "Saved."))
}

func (h *Handler) promotionCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := &wubu.Promotion{ProjectID: id, Name: r.PostFormValue("name"), StartsOn: strings.TrimSpace(r.PostFormValue("starts_on")), EndsOn: strings.TrimSpace(r.PostFormValue("ends_on"))}
	err = func() error {
		// One price field per service: "price_<service id>", empty for none.
		for k, vals := range r.PostForm {
			sid, ok := strings.CutPrefix(k, "price_")
			if !ok || len(vals) == 0 || strings.TrimSpace(vals[0]) == "" {
				continue
			}
			svc := optionalID(sid)
			if svc == nil {
				continue
			}
			fen, err := hkParseYuan("prices", vals[0])
			if err != nil {
				return err
			}
			p.Prices = append(p.Prices, wubu.PromotionPrice{ServiceID: *svc, PriceFen: fen})
		}
		return h.Housekeeping.CreatePromotion(r.Context(), p)
	}()
	if err != nil {
		h.housekeepingFailed(w, r, "promotion", err)
		return
	}
	h.redirect(w, r, fmt.Sprintf("/projects/%d/housekeeping", id), h.T(r, "Saved."))
}
