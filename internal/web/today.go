package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/i18n"
	"github.com/wubu-oss/wubu/internal/server"
)

// todayRoutes are the Today page (F9) and the screens of the proactive
// rules: settings, expiring cards, care visits and festival greetings.
func (h *Handler) todayRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/today", Perm: wubu.PermSelf, Handler: h.today},
		{Method: "GET", Path: "/projects/{id}/settings", Perm: wubu.PermOrgView, Handler: h.settingsShow},
		{Method: "POST", Path: "/projects/{id}/settings", Perm: wubu.PermSettingsEdit, Handler: h.settingsUpdate},
		{Method: "GET", Path: "/projects/{id}/cards/expiring", Perm: wubu.PermResidentView, Handler: h.cardsExpiring},
		{Method: "GET", Path: "/projects/{id}/care", Perm: wubu.PermResidentView, Handler: h.careList},
		{Method: "POST", Path: "/residents/{id}/care-visits", Perm: wubu.PermResidentEdit, Handler: h.careVisitAdd},
		{Method: "GET", Path: "/projects/{id}/greetings", Perm: wubu.PermOutboxManage, Handler: h.greetingList},
		{Method: "POST", Path: "/projects/{id}/greetings", Perm: wubu.PermOutboxManage, Handler: h.greetingCreate},
		{Method: "GET", Path: "/projects/{id}/greetings/{greeting}", Perm: wubu.PermOutboxManage, Handler: h.greetingShow},
		{Method: "POST", Path: "/projects/{id}/greetings/{greeting}/cancel", Perm: wubu.PermOutboxManage, Handler: h.greetingCancel},
		{Method: "POST", Path: "/projects/{id}/greetings/{greeting}/send", Perm: wubu.PermOutboxManage, Handler: h.greetingSend},
	}
}

// AgendaText translates an agenda item's title into lang. Arguments that
// are catalogue keys ("day:birthday", "object:order", "deadline:arrival")
// are translated too.
func AgendaText(lang string, it wubu.AgendaItem) string {
	args := make([]any, len(it.TitleArgs))
	for i, a := range it.TitleArgs {
		if s, ok := a.(string); ok && (strings.HasPrefix(s, "day:") || strings.HasPrefix(s, "object:") || strings.HasPrefix(s, "deadline:")) {
			if i18n.Has(s) {
				a = i18n.T(lang, s)
			} else {
				_, a, _ = strings.Cut(s, ":")
			}
		}
		args[i] = a
	}
	return i18n.T(lang, it.Title, args...)
}

// todayItem is an agenda item as the page shows it.
type todayItem struct {
	wubu.AgendaItem
	Project string
	Left    string // "1h 20m left", "overdue by 5m"
	Class   string // urgency class
}

// todayProject is a project of the user, with the rules' screens they may
// open.
type todayProject struct {
	*wubu.Project
	CanSettings, CanGreetings, CanResidents bool
	// DutyManager is the duty manager on the roster now (E1); empty when
	// nobody is (a working day's day duty, or a gap).
	DutyManager string
}

type todayView struct {
	Page
	Today string
	Items []todayItem
	// Low are the low-urgency items (special days, expiring cards), drawn
	// after the tasks as one collapsible line with their count.
	Low       []todayItem
	CanLookup bool
	Projects  []todayProject
	// Guard shows the security post's quick actions (issue 6 item 10): a
	// guard's every action within three taps of the start page.
	Guard     bool
	ProjectID int64 // the one project served, for the actions' links
}

// formatLeft formats a remaining time as the page shows it.
func (p *Page) formatLeft(d time.Duration) string {
	if d > -time.Minute && d < time.Minute {
		return p.T("due now")
	}
	s := p.Duration(d.Round(time.Minute))
	if d < 0 {
		return p.T("overdue by %s", s)
	}
	return p.T("%s left", s)
}

// lowKinds are the agenda's kinds of low urgency: many a day, none
// pressing, so Today gathers them into one line after the tasks.
var lowKinds = map[string]bool{"special_day": true, "card_expiry": true}

// LowSummary is the line of the low-urgency items: how many of each kind.
func (v *todayView) LowSummary() string {
	days, cards := 0, 0
	for _, it := range v.Low {
		if it.Kind == "card_expiry" {
			cards++
		} else {
			days++
		}
	}
	switch {
	case cards == 0:
		return v.T("Special days (%d)", days)
	case days == 0:
		return v.T("Expiring cards (%d)", cards)
	}
	return v.T("Special days and expiring cards (%d)", days+cards)
}

var urgencyClass = map[wubu.Urgency]string{wubu.UrgencyCritical: "critical", wubu.UrgencyHigh: "high", wubu.UrgencyNormal: "normal", wubu.UrgencyLow: "low"}

// today is the first page a staff member sees after signing in: what the
// method asks of them today, most urgent first.
func (h *Handler) today(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := wubu.UserFromContext(ctx)
	v := &todayView{Page: h.newPage(r, "Today")}
	now := h.Clock.Now().In(cst)
	v.Today = v.T("%d-%02d-%02d %s", now.Year(), int(now.Month()), now.Day(), v.T(weekdays[now.Weekday()]))
	projects, err := h.Projects.FindProjects(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Guard = u.Post == wubu.PostSecurity && u.Can(wubu.PermSecurityEdit)
	if len(projects) == 1 {
		v.ProjectID = projects[0].ID
	}
	names := map[int64]string{}
	for _, p := range projects {
		names[p.ID] = p.Name
		tp := todayProject{Project: p, CanSettings: u.Can(wubu.PermOrgView), CanGreetings: u.Can(wubu.PermOutboxManage), CanResidents: u.Can(wubu.PermResidentView)}
		if tp.CanResidents && h.DutyManagers != nil {
			if dm, err := h.DutyManagers.DutyManagerNow(ctx, p.ID, now); err == nil && dm != nil {
				tp.DutyManager = dm.Name
			}
		}
		v.Projects = append(v.Projects, tp)
	}
	if h.Agenda != nil {
		items, err := h.Agenda.Agenda(ctx)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, it := range items {
			it.Text = AgendaText(v.Lang, it)
			ti := todayItem{AgendaItem: it, Project: names[it.ProjectID], Class: urgencyClass[it.Urgency]}
			if it.Due != nil {
				ti.Left = v.formatLeft(it.Remaining)
			}
			if lowKinds[it.Kind] {
				v.Low = append(v.Low, ti)
				continue
			}
			v.Items = append(v.Items, ti)
		}
	}
	v.CanLookup = u.Can(wubu.PermResidentView)
	h.render(w, r, http.StatusOK, "today", v)
}
