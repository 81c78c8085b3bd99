package sqlstore

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/wubu-oss/wubu"
)

// The agenda items' titles: catalogue messages.
const (
	msgAgendaClock         = "%s #%s: %s deadline"
	msgAgendaCareOverdue   = "Care visit overdue: %s (%s)"
	msgAgendaCareEscalated = "Care visit overdue, escalated: %s (%s)"
	msgAgendaDayToday      = "Today: %s of %s (%s)"
	msgAgendaDayTomorrow   = "Tomorrow: %s of %s (%s)"
	msgAgendaCards         = "%d cards expire within %d days"
	msgAgendaInbox         = "%d unread reminders in your inbox"
)

// AgendaService implements wubu.AgendaService: a staff member's agenda for
// today (F9), assembled from sources. Two come with it — the SLA clocks
// (ClockAgenda) and the proactive rules (RulesAgenda: overdue care visits,
// special days, expiring cards) — and every other feature adds its own
// with one argument in cmd/wubu/main.go:
//
//	sqlstore.NewAgendaService(db, clocks, orders.Agenda(), security.Agenda())
//
// A source answers for the signed-in user of the context, in the projects
// they serve, as of now; the service orders every item by urgency (highest
// first), then by due time (soonest first, items of the whole day last).
type AgendaService struct {
	db      *DB
	sources []wubu.AgendaSource
}

var _ wubu.AgendaService = (*AgendaService)(nil)

// NewAgendaService returns the agenda over db: the running clocks of
// clocks (nil: none), the rules' items, and the extra sources.
func NewAgendaService(db *DB, clocks *ClockService, sources ...wubu.AgendaSource) *AgendaService {
	all := []wubu.AgendaSource{&RulesAgenda{db: db}}
	if clocks != nil {
		all = append(all, &ClockAgenda{db: db, clocks: clocks})
	}
	return &AgendaService{db: db, sources: append(all, sources...)}
}

// AddSource adds a source to the agenda.
func (s *AgendaService) AddSource(src wubu.AgendaSource) { s.sources = append(s.sources, src) }

// Agenda returns the signed-in user's items; see wubu.AgendaService.
func (s *AgendaService) Agenda(ctx context.Context) ([]wubu.AgendaItem, error) {
	if wubu.UserFromContext(ctx) == nil {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	now := s.db.now()
	items := []wubu.AgendaItem{}
	for _, src := range s.sources {
		got, err := src.Agenda(ctx, now)
		if err != nil {
			return nil, err
		}
		items = append(items, got...)
	}
	items = dropShadowedClocks(items)
	for i := range items {
		if items[i].Due != nil {
			items[i].Remaining = items[i].Due.Sub(now)
			items[i].Overdue = items[i].Overdue || items[i].Remaining < 0
		}
	}
	SortAgenda(items)
	return items, nil
}

// dropShadowedClocks removes the generic clock items of objects that a
// feature's own source already lists (an order with its room and item, a
// pass with its goods): one line per object, the richer one, keeping the
// higher urgency of the two.
func dropShadowedClocks(items []wubu.AgendaItem) []wubu.AgendaItem {
	type object struct {
		project int64
		typ, id string
	}
	urgency := map[object]wubu.Urgency{}
	for _, it := range items {
		if it.Kind != "clock" && it.ObjectType != "" {
			o := object{it.ProjectID, it.ObjectType, it.ObjectID}
			urgency[o] = max(urgency[o], it.Urgency)
		}
	}
	out := items[:0]
	raise := map[object]wubu.Urgency{}
	for _, it := range items {
		o := object{it.ProjectID, it.ObjectType, it.ObjectID}
		if _, shown := urgency[o]; shown && it.Kind == "clock" {
			raise[o] = max(raise[o], it.Urgency)
			continue
		}
		out = append(out, it)
	}
	for i, it := range out {
		o := object{it.ProjectID, it.ObjectType, it.ObjectID}
		if u, ok := raise[o]; ok && it.Kind != "clock" && u > it.Urgency {
			out[i].Urgency = u
		}
	}
	return out
}

// SortAgenda orders items by urgency (highest first), then due time
// (soonest first; items without one last), then project and title.
func SortAgenda(items []wubu.AgendaItem) {
	slices.SortStableFunc(items, func(a, b wubu.AgendaItem) int {
		if c := cmp.Compare(b.Urgency, a.Urgency); c != 0 {
			return c
		}
		switch {
		case a.Due != nil && b.Due != nil:
			if c := a.Due.Compare(*b.Due); c != 0 {
				return c
			}
		case a.Due != nil:
			return -1
		case b.Due != nil:
			return 1
		}
		return cmp.Compare(a.ProjectID, b.ProjectID)
	})
}

// agendaProjects returns the projects the user serves: every project for an
// admin.
func agendaProjects(ctx context.Context, db *DB, u *wubu.User) ([]int64, error) {
	if u.AllProjects() {
		return rulesProjectIDs(ctx, db)
	}
	return u.ProjectIDs, nil
}

// ClockAgenda puts running SLA clocks on the agenda of those who lead:
// team leaders, duty managers and managers see their projects' deadlines
// due within the next day, with their remaining time; breached ones are
// critical.
type ClockAgenda struct {
	db     *DB
	clocks *ClockService
	// Horizon is how far ahead deadlines are shown (default 24 hours).
	Horizon time.Duration
}

// watchesClocks reports whether a role watches its projects' clocks.
func watchesClocks(r wubu.Role) bool {
	return r == wubu.RoleTeamLeader || r == wubu.RoleDutyManager || r == wubu.RoleManager || r == wubu.RoleAdmin
}

// Agenda implements wubu.AgendaSource.
func (a *ClockAgenda) Agenda(ctx context.Context, now time.Time) ([]wubu.AgendaItem, error) {
	u := wubu.UserFromContext(ctx)
	if u == nil || !watchesClocks(u.Role) {
		return nil, nil
	}
	projects, err := agendaProjects(ctx, a.db, u)
	if err != nil {
		return nil, err
	}
	horizon := a.Horizon
	if horizon <= 0 {
		horizon = 24 * time.Hour
	}
	until := now.Add(horizon)
	var items []wubu.AgendaItem
	for _, pid := range projects {
		ds, _, err := a.clocks.FindRunning(ctx, pid, wubu.DeadlineFilter{DueBefore: &until, Limit: 200})
		if err != nil {
			if wubu.ErrorCode(err) == wubu.ENOTFOUND {
				continue
			}
			return nil, err
		}
		for _, d := range ds {
			due := d.DueAt
			it := wubu.AgendaItem{ProjectID: pid, Kind: "clock", Urgency: wubu.UrgencyHigh, Due: &due,
				Title: msgAgendaClock, TitleArgs: []any{"object:" + d.ObjectType, d.ObjectID, "deadline:" + d.Kind},
				ObjectType: d.ObjectType, ObjectID: d.ObjectID}
			if d.State == wubu.DeadlineBreached || d.State == wubu.DeadlineEscalated || !due.After(now) {
				it.Urgency, it.Overdue = wubu.UrgencyCritical, true
			}
			items = append(items, it)
		}
	}
	return items, nil
}

// RulesAgenda puts the proactive rules' work on the agenda: overdue care
// visits for the residents' assistants (and, once escalated, for the team
// leaders), residents' special days today and tomorrow for their
// assistants, and the cards expiring soon for the front desk (customer
// service).
type RulesAgenda struct{ db *DB }

// NewRulesAgenda returns the rules' agenda source over db.
func NewRulesAgenda(db *DB) *RulesAgenda { return &RulesAgenda{db: db} }

// Agenda implements wubu.AgendaSource.
func (a *RulesAgenda) Agenda(ctx context.Context, now time.Time) ([]wubu.AgendaItem, error) {
	u := wubu.UserFromContext(ctx)
	if u == nil || !u.Can(wubu.PermResidentView) {
		return nil, nil
	}
	projects, err := agendaProjects(ctx, a.db, u)
	if err != nil {
		return nil, err
	}
	var items []wubu.AgendaItem
	for _, pid := range projects {
		st, err := loadProjectSettings(ctx, a.db, a.db.read, pid)
		if err != nil {
			return nil, err
		}
		got, err := a.project(ctx, u, pid, st, now)
		if err != nil {
			return nil, err
		}
		items = append(items, got...)
	}
	return items, nil
}

func (a *RulesAgenda) project(ctx context.Context, u *wubu.User, pid int64, st *wubu.ProjectSettings, now time.Time) ([]wubu.AgendaItem, error) {
	var items []wubu.AgendaItem
	// Care visits and special days are for assistants (staff) and team
	// leaders; managers and the company see the rules' work elsewhere.
	if u.Role == wubu.RoleStaff || u.Role == wubu.RoleTeamLeader {
		got, err := a.residentItems(ctx, u, pid, st, now)
		if err != nil {
			return nil, err
		}
		items = append(items, got...)
	}
	// Expiring cards, for the front desk.
	today := rulesDate(now)
	if u.Post == wubu.PostService || u.Can(wubu.PermSettingsEdit) {
		within := slices.Max(st.CardReminderDays)
		var n int
		if err := a.db.queryRow(ctx, `SELECT COUNT(*) FROM cards WHERE project_id = ? AND expires_on >= ? AND expires_on <= ?`,
			pid, today.Format(time.DateOnly), today.AddDate(0, 0, within).Format(time.DateOnly)).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			items = append(items, wubu.AgendaItem{ProjectID: pid, Kind: "card_expiry", Urgency: wubu.UrgencyNormal,
				Title: msgAgendaCards, TitleArgs: []any{n, within},
				Href: "/projects/" + strconv.FormatInt(pid, 10) + "/cards/expiring"})
		}
	}
	return items, nil
}

// InboxAgenda puts the reminders waiting in the signed-in user's inbox on
// their agenda: one item with the number unread, linking to the inbox.
type InboxAgenda struct{ outbox wubu.OutboxService }

// NewInboxAgenda returns the inbox's agenda source.
func NewInboxAgenda(outbox wubu.OutboxService) *InboxAgenda { return &InboxAgenda{outbox: outbox} }

// Agenda implements wubu.AgendaSource.
func (a *InboxAgenda) Agenda(ctx context.Context, now time.Time) ([]wubu.AgendaItem, error) {
	n, err := a.outbox.UnreadCount(ctx)
	if err != nil || n == 0 {
		return nil, err
	}
	return []wubu.AgendaItem{{Kind: "inbox", Urgency: wubu.UrgencyNormal, Title: msgAgendaInbox, TitleArgs: []any{n}, Href: "/inbox"}}, nil
}

// residentItems are a staff member's overdue care visits (escalated ones
// for team leaders) and the special days of today and tomorrow of the
// residents they look after.
func (a *RulesAgenda) residentItems(ctx context.Context, u *wubu.User, pid int64, st *wubu.ProjectSettings, now time.Time) ([]wubu.AgendaItem, error) {
	var items []wubu.AgendaItem
	dues, resp, err := careDue(ctx, a.db, pid, st, now, true)
	if err != nil {
		return nil, err
	}
	for _, d := range dues {
		due := d.DueAt
		href := "/residents/" + strconv.FormatInt(d.PersonID, 10)
		switch {
		case d.Escalated && slices.Contains(resp.leaders, u.ID):
			items = append(items, wubu.AgendaItem{ProjectID: pid, Kind: "care_visit", Urgency: wubu.UrgencyCritical, Due: &due, Overdue: true,
				Title: msgAgendaCareEscalated, TitleArgs: []any{d.PersonName, d.Room}, ObjectType: "resident", ObjectID: strconv.FormatInt(d.PersonID, 10), Href: href})
		case slices.Contains(d.AssistantIDs, u.ID):
			items = append(items, wubu.AgendaItem{ProjectID: pid, Kind: "care_visit", Urgency: wubu.UrgencyHigh, Due: &due, Overdue: true,
				Title: msgAgendaCareOverdue, TitleArgs: []any{d.PersonName, d.Room}, ObjectType: "resident", ObjectID: strconv.FormatInt(d.PersonID, 10), Href: href})
		}
	}
	// Special days today and tomorrow, for the residents' assistants.
	today := rulesDate(now)
	for i, title := range []string{msgAgendaDayToday, msgAgendaDayTomorrow} {
		days, err := specialDaysOn(ctx, a.db, pid, today.AddDate(0, 0, i))
		if err != nil {
			return nil, err
		}
		if len(days) == 0 {
			continue
		}
		persons := make([]int64, len(days))
		for j, d := range days {
			persons[j] = d.PersonID
		}
		r, err := responsibleStaff(ctx, a.db, pid, persons)
		if err != nil {
			return nil, err
		}
		for _, d := range days {
			if !slices.Contains(r.assistants(d.PersonID), u.ID) {
				continue
			}
			items = append(items, wubu.AgendaItem{ProjectID: pid, Kind: "special_day", Urgency: wubu.UrgencyLow,
				Title: title, TitleArgs: []any{"day:" + string(d.Kind), d.Name, d.Room}, ObjectType: "resident", ObjectID: strconv.FormatInt(d.PersonID, 10),
				Href: "/residents/" + strconv.FormatInt(d.PersonID, 10)})
		}
	}
	return items, nil
}
