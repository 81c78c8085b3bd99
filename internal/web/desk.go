package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// deskRoutes are the front desk's screens (E2): the desk with its live
// board, the board alone (htmx polls it), the steps of a ticket, the
// desk's rules and standby list, its report, and the kiosk at the desk.
func (h *Handler) deskRoutes() []server.Route {
	steps := stepPage{path: "/desk?ticket=%d", reshow: reshowWith(h, h.deskView, "desk")}
	return []server.Route{
		{Method: "GET", Path: "/desk", Perm: wubu.PermResidentView, Handler: h.deskShow},
		{Method: "GET", Path: "/desk/board", Perm: wubu.PermResidentView, Handler: h.deskBoard},
		{Method: "POST", Path: "/desk/tickets", Perm: wubu.PermResidentEdit, Handler: h.deskTake},
		{Method: "POST", Path: "/desk/tickets/{id}/serve", Perm: wubu.PermResidentEdit, Handler: h.step(steps, "", h.deskStep(wubu.TicketServe))},
		{Method: "POST", Path: "/desk/tickets/{id}/finish", Perm: wubu.PermResidentEdit, Handler: h.step(steps, "", h.deskStep(wubu.TicketFinish))},
		{Method: "POST", Path: "/desk/tickets/{id}/leave", Perm: wubu.PermResidentEdit, Handler: h.step(steps, "", h.deskStep(wubu.TicketLeave))},
		{Method: "GET", Path: "/desk/settings", Perm: wubu.PermSettingsEdit, Handler: h.deskSettingsShow},
		{Method: "POST", Path: "/desk/settings", Perm: wubu.PermSettingsEdit, Handler: h.deskSettingsSave},
		{Method: "POST", Path: "/desk/kiosks", Perm: wubu.PermSettingsEdit, Handler: h.deskKioskCreate},
		{Method: "POST", Path: "/desk/kiosks/{id}/revoke", Perm: wubu.PermSettingsEdit, Handler: h.deskKioskRevoke},
		{Method: "GET", Path: "/desk/report", Perm: wubu.PermReportView, Handler: h.deskReport},
		{Method: "GET", Path: "/kiosk/{token}", Perm: server.Public, Handler: h.kioskShow},
		{Method: "POST", Path: "/kiosk/{token}", Perm: server.Public, Handler: h.kioskTake},
	}
}

type deskView struct {
	securityPage
	Board      *wubu.DeskBoard
	Businesses []wubu.DeskBusiness
	CanTake    bool
	CanSetup   bool
	CanReport  bool
	// Taken is the number just taken, shown large.
	Taken string
}

// Minutes shows how long a ticket has waited or been served.
func (v *deskView) Minutes(t *wubu.DeskTicket) string {
	if t.State == wubu.TicketServing && t.ServeStart != nil {
		return v.T("%d min at the desk", int(v.Now.Sub(*t.ServeStart).Minutes()))
	}
	return v.T("%d min waiting", int(t.Wait(v.Now).Minutes()))
}

// deskView builds the desk of the chosen project.
func (h *Handler) deskView(r *http.Request) (*deskView, error) {
	base, err := h.newSecurityPage(r, "Front desk")
	if err != nil {
		return nil, err
	}
	u := wubu.UserFromContext(r.Context())
	v := &deskView{securityPage: base, Businesses: wubu.DeskBusinesses, CanTake: u.Can(wubu.PermResidentEdit),
		CanSetup: u.Can(wubu.PermSettingsEdit), CanReport: u.Can(wubu.PermReportView), Taken: r.URL.Query().Get("taken")}
	if id, err := strconv.ParseInt(r.URL.Query().Get("ticket"), 10, 64); err == nil {
		// After a step: the ticket's project.
		if t, err := h.Desk.FindTicket(r.Context(), id); err == nil {
			v.ProjectID = t.ProjectID
		}
	}
	if v.ProjectID != 0 {
		if v.Board, err = h.Desk.Board(r.Context(), v.ProjectID); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// deskShow shows the desk: take a number, the live board.
func (h *Handler) deskShow(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.deskView, "desk")
}

// deskBoard answers the board alone, for htmx's polling (the page itself
// without htmx).
func (h *Handler) deskBoard(w http.ResponseWriter, r *http.Request) {
	v, err := h.deskView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderBlock(w, r, "desk", "desk-board", v)
}

// deskTake takes a number for the business chosen.
func (h *Handler) deskTake(w http.ResponseWriter, r *http.Request) {
	pid, _ := strconv.ParseInt(r.PostFormValue("project"), 10, 64)
	t, err := h.Desk.TakeNumber(r.Context(), pid, wubu.DeskBusiness(r.PostFormValue("business")), r.PostFormValue("note"))
	if err != nil {
		answerRefused(h, w, r, err, h.deskView, "desk", "")
		return
	}
	h.redirect(w, r, fmt.Sprintf("/desk?project=%d&taken=%s", pid, t.Label()), h.T(r, "Number %s taken: %s.", t.Label(), h.T(r, "desk_business:"+string(t.Business))))
}

// deskStep takes a ticket's step.
func (h *Handler) deskStep(action string) stepDo {
	return func(r *http.Request, id int64) (string, error) {
		var t *wubu.DeskTicket
		var err error
		switch action {
		case wubu.TicketServe:
			t, err = h.Desk.ServeTicket(r.Context(), id)
		case wubu.TicketFinish:
			t, err = h.Desk.FinishTicket(r.Context(), id)
		default:
			t, err = h.Desk.LeaveTicket(r.Context(), id)
		}
		if err != nil {
			return "", err
		}
		return h.T(r, "Number %s: %s.", t.Label(), h.T(r, "desk_state:"+string(t.State))), nil
	}
}

type deskSettingsView struct {
	securityPage
	Settings *wubu.DeskSettings
	Staff    []*wubu.User
	Kiosks   []*wubu.DeskKiosk
	// KioskLink is a kiosk's link just opened, shown once.
	KioskLink string
}

// OnStandby reports whether a staff member is on the standby list.
func (v *deskSettingsView) OnStandby(id int64) bool {
	for _, d := range v.Settings.Standby {
		if d.UserID == id {
			return true
		}
	}
	return false
}

func (h *Handler) deskSettingsView(r *http.Request) (*deskSettingsView, error) {
	base, err := h.newSecurityPage(r, "Front desk rules")
	if err != nil {
		return nil, err
	}
	v := &deskSettingsView{securityPage: base, Settings: &wubu.DeskSettings{}}
	if v.ProjectID == 0 {
		return v, nil
	}
	ctx := r.Context()
	if v.Settings, err = h.Desk.DeskSettings(ctx, v.ProjectID); err != nil {
		return nil, err
	}
	if v.Staff, _, err = h.Users.FindUsers(ctx, wubu.UserFilter{ProjectID: &v.ProjectID, Limit: 500}); err != nil {
		return nil, err
	}
	if v.Kiosks, err = h.Desk.Kiosks(ctx, v.ProjectID); err != nil {
		return nil, err
	}
	return v, nil
}

// deskSettingsShow shows the desk's rules, standby list and kiosks.
func (h *Handler) deskSettingsShow(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.deskSettingsView, "desk_settings")
}

// deskSettingsSave stores the threshold, the recall minutes and the
// standby list.
func (h *Handler) deskSettingsSave(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	pid, _ := strconv.ParseInt(r.PostFormValue("project"), 10, 64)
	in := wubu.DeskSettings{ProjectID: pid}
	var err error
	if in.WaitThreshold, err = strconv.Atoi(r.PostFormValue("wait_threshold")); err != nil {
		in.WaitThreshold = -1
	}
	if in.RecallMinutes, err = strconv.Atoi(r.PostFormValue("recall_minutes")); err != nil {
		in.RecallMinutes = -1
	}
	for _, s := range r.PostForm["standby"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			in.Standby = append(in.Standby, wubu.DeskStaff{UserID: id})
		}
	}
	if _, err := h.Desk.UpdateDeskSettings(r.Context(), in); err != nil {
		answerRefused(h, w, r, err, h.deskSettingsView, "desk_settings", "")
		return
	}
	h.redirect(w, r, fmt.Sprintf("/desk/settings?project=%d", pid), h.T(r, "Saved."))
}

// deskKioskCreate opens a kiosk and shows its link once.
func (h *Handler) deskKioskCreate(w http.ResponseWriter, r *http.Request) {
	pid, _ := strconv.ParseInt(r.PostFormValue("project"), 10, 64)
	k, err := h.Desk.CreateKiosk(r.Context(), pid, r.PostFormValue("name"))
	if err != nil {
		answerRefused(h, w, r, err, h.deskSettingsView, "desk_settings", "kiosk_")
		return
	}
	v, err := h.deskSettingsView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.KioskLink = "/kiosk/" + k.Token
	h.render(w, r, http.StatusOK, "desk_settings", v)
}

// deskKioskRevoke closes a kiosk's link.
func (h *Handler) deskKioskRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pid, _ := strconv.ParseInt(r.PostFormValue("project"), 10, 64)
	if err := h.Desk.RevokeKiosk(r.Context(), pid, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, fmt.Sprintf("/desk/settings?project=%d", pid), h.T(r, "The kiosk's link no longer works."))
}

type deskReportView struct {
	securityPage
	From, To string
	Stats    []*wubu.DeskStat
}

// deskReport shows the wait and service times per day and business; the
// last 7 days unless from and to say otherwise.
func (h *Handler) deskReport(w http.ResponseWriter, r *http.Request) {
	base, err := h.newSecurityPage(r, "Front desk report")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	today := h.Clock.Now().In(cst)
	v := &deskReportView{securityPage: base, From: q.Get("from"), To: q.Get("to")}
	if v.To == "" {
		v.To = today.Format("2006-01-02")
	}
	if v.From == "" {
		v.From = today.AddDate(0, 0, -6).Format("2006-01-02")
	}
	status := http.StatusOK
	if v.ProjectID != 0 {
		if v.Stats, err = h.Desk.DeskReport(r.Context(), v.ProjectID, v.From, v.To); err != nil {
			if !refusedStep(err) {
				h.fail(w, r, err)
				return
			}
			status = refuse(r, v, r.URL.Query(), err, "")
		}
	}
	h.render(w, r, status, "desk_report", v)
}

// Kiosk: a page at the desk where customers take a number themselves. It
// needs no account: the secret link a manager opened (and may close) is
// the whole of its right, and all it can do is take a number — it shows no
// name and no resident's data. Each number it takes is recorded as taken
// by the kiosk; a link that does not work answers "not found".

// kioskMaxWaiting is the most customers waiting for the kiosk to give
// another number.
const kioskMaxWaiting = 60

type kioskView struct {
	Page
	Kiosk      *wubu.DeskKiosk
	Businesses []wubu.DeskBusiness
	Waiting    int
	Taken      string
	Business   string
	At         time.Time
	// DutyManager is the duty manager on the roster now (nights, rest
	// days and holidays; E1), shown to the customers at the desk.
	DutyManager string
}

// kiosk returns the kiosk of the link and the request acting as it.
func (h *Handler) kiosk(r *http.Request) (*wubu.DeskKiosk, *http.Request, error) {
	k, err := h.Desk.KioskByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return nil, r, err
	}
	return k, r.WithContext(wubu.NewContextWithUser(r.Context(), wubu.KioskUser(k))), nil
}

func (h *Handler) renderKiosk(w http.ResponseWriter, r *http.Request, k *wubu.DeskKiosk, t *wubu.DeskTicket) {
	// The page of nobody signed in: no menu, no inbox.
	v := &kioskView{Page: h.newPage(r.WithContext(wubu.NewContextWithUser(r.Context(), nil)), "Take a number"), Kiosk: k, Businesses: wubu.DeskBusinesses}
	b, err := h.Desk.Board(r.Context(), k.ProjectID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Waiting = len(b.Waiting)
	if h.DutyManagers != nil {
		dm, err := h.DutyManagers.DutyManagerNow(r.Context(), k.ProjectID, h.Clock.Now())
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if dm != nil {
			v.DutyManager = dm.Name
		}
	}
	if t != nil {
		v.Taken, v.Business, v.At = t.Label(), string(t.Business), t.TakenAt
	}
	h.render(w, r, http.StatusOK, "kiosk", v)
}

// kioskShow shows the kiosk's buttons.
func (h *Handler) kioskShow(w http.ResponseWriter, r *http.Request) {
	k, r, err := h.kiosk(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderKiosk(w, r, k, nil)
}

// kioskTake takes a number from the kiosk and shows it.
func (h *Handler) kioskTake(w http.ResponseWriter, r *http.Request) {
	k, r, err := h.kiosk(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// A link that leaked cannot fill the queue: past kioskMaxWaiting the
	// customer is asked to see the desk.
	b, err := h.Desk.Board(r.Context(), k.ProjectID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(b.Waiting) >= kioskMaxWaiting {
		h.fail(w, r, wubu.Errorf(wubu.ECONFLICT, "The queue is full: please see the desk."))
		return
	}
	t, err := h.Desk.TakeNumber(r.Context(), k.ProjectID, wubu.DeskBusiness(r.PostFormValue("business")), "")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderKiosk(w, r, k, t)
}
