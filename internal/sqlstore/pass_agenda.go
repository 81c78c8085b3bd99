package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/wubu-oss/wubu"
)

// SecurityAgenda is the agenda source of the security post's flows (F9):
// passes waiting for the service centre, new tenant registrations waiting
// for the next person's step (stalled ones also go one step up), and
// incidents nobody has acknowledged.
type SecurityAgenda struct{ db *DB }

var _ wubu.AgendaSource = (*SecurityAgenda)(nil)

// NewSecurityAgenda returns the security post's agenda source over db.
func NewSecurityAgenda(db *DB) *SecurityAgenda { return &SecurityAgenda{db: db} }

// Agenda titles.
const (
	msgAgendaPass          = "Pass #%d: %s (%s) waits for the service centre"
	msgAgendaTenantCheck   = "New tenant %s (%s) waits for the superior's check"
	msgAgendaTenantFile    = "New tenant %s (%s) waits to be filed"
	msgAgendaIncident      = "Incident at %s not acknowledged"
	msgAgendaIncidentTaken = "Incident at %s: acknowledged, still open"
)

// projectScope returns the SQL condition that keeps rows of the user's
// projects (col names the project column), or false when the user serves
// none.
func securityScope(u *wubu.User, col string) (string, []any, bool) {
	if u.AllProjects() {
		return "1 = 1", nil, true
	}
	if len(u.ProjectIDs) == 0 {
		return "", nil, false
	}
	return col + " IN (" + placeholders(len(u.ProjectIDs)) + ")", int64Args(u.ProjectIDs), true
}

// leads reports whether the user is above the front line.
func securityLeads(u *wubu.User) bool {
	return u.Role == wubu.RoleTeamLeader || u.Role == wubu.RoleDutyManager || u.Role == wubu.RoleManager || u.Role == wubu.RoleAdmin
}

// Agenda returns the signed-in user's security items.
func (s *SecurityAgenda) Agenda(ctx context.Context, now time.Time) ([]wubu.AgendaItem, error) {
	u := wubu.UserFromContext(ctx)
	if u == nil {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	var out []wubu.AgendaItem
	for _, add := range []func(context.Context, *wubu.User, time.Time) ([]wubu.AgendaItem, error){s.passes, s.tenants, s.incidents} {
		items, err := add(ctx, u, now)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	return out, nil
}

// securityDeadlineJoin joins, as d, an object's running deadline of a kind.
func securityDeadlineJoin(d, alias, objectType, kind string) string {
	return fmt.Sprintf(` LEFT JOIN deadlines %[4]s ON %[4]s.project_id = %[1]s.project_id AND %[4]s.object_type = '%[2]s' AND %[4]s.object_id = CAST(%[1]s.id AS TEXT)
		AND %[4]s.kind = '%[3]s' AND %[4]s.state IN ('armed', 'warned', 'breached', 'escalated')`, alias, objectType, kind, d)
}

// agendaEntry fills in the timing of an agenda item from its due time.
func agendaEntry(it wubu.AgendaItem, due sql.NullTime, now time.Time) wubu.AgendaItem {
	if due.Valid {
		d := due.Time
		it.Due = &d
		it.Remaining = d.Sub(now)
		it.Overdue = it.Remaining < 0
		if it.Overdue && it.Urgency < wubu.UrgencyCritical {
			it.Urgency = wubu.UrgencyCritical
		}
	}
	return it
}

func (s *SecurityAgenda) passes(ctx context.Context, u *wubu.User, now time.Time) ([]wubu.AgendaItem, error) {
	if !u.Can(wubu.PermPassConfirm) {
		return nil, nil
	}
	scope, args, ok := securityScope(u, "p.project_id")
	if !ok {
		return nil, nil
	}
	rows, err := s.db.query(ctx, `SELECT p.project_id, p.id, p.person_name, r.label, d.due_at FROM passes p JOIN rooms r ON r.project_id = p.project_id AND r.id = p.room_id`+
		securityDeadlineJoin("d", "p", "pass", "confirm")+` WHERE `+scope+` AND p.state = ? ORDER BY p.started_at LIMIT 100`, append(args, wubu.PassPending)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []wubu.AgendaItem
	for rows.Next() {
		var pid, id int64
		var name, label string
		var due sql.NullTime
		if err := rows.Scan(&pid, &id, &name, &label, &due); err != nil {
			return nil, err
		}
		out = append(out, agendaEntry(wubu.AgendaItem{ProjectID: pid, Kind: "pass", Title: msgAgendaPass, TitleArgs: []any{id, name, label},
			Urgency: wubu.UrgencyHigh, ObjectType: "pass", ObjectID: strconv.FormatInt(id, 10), Href: fmt.Sprintf("/passes/%d", id)}, due, now))
	}
	return out, rows.Err()
}

func (s *SecurityAgenda) tenants(ctx context.Context, u *wubu.User, now time.Time) ([]wubu.AgendaItem, error) {
	if !u.Can(wubu.PermPassConfirm) {
		return nil, nil
	}
	scope, args, ok := securityScope(u, "t.project_id")
	if !ok {
		return nil, nil
	}
	rows, err := s.db.query(ctx, `SELECT t.project_id, t.id, t.name, r.label, t.state, t.superior_id, dc.due_at, df.due_at
		FROM tenant_registrations t JOIN rooms r ON r.project_id = t.project_id AND r.id = t.room_id`+
		securityDeadlineJoin("dc", "t", "tenant_registration", "check")+
		securityDeadlineJoin("df", "t", "tenant_registration", "file")+
		` WHERE `+scope+` AND t.state IN (?, ?) ORDER BY t.reported_at LIMIT 100`, append(args, wubu.TenantSubmitted, wubu.TenantChecked)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []wubu.AgendaItem
	for rows.Next() {
		var pid, id int64
		var name, label string
		var state wubu.TenantState
		var superior *int64
		var due, fileDue sql.NullTime
		if err := rows.Scan(&pid, &id, &name, &label, &state, &superior, &due, &fileDue); err != nil {
			return nil, err
		}
		if state == wubu.TenantChecked {
			due = fileDue
		}
		stalled := due.Valid && due.Time.Before(now)
		// The next person's step; a stalled one also goes up to the duty
		// manager and the manager.
		above := stalled && (u.Role == wubu.RoleDutyManager || u.Role == wubu.RoleManager)
		var mine bool
		title := msgAgendaTenantCheck
		switch state {
		case wubu.TenantSubmitted:
			mine = superior != nil && *superior == u.ID || superior == nil && u.Role == wubu.RoleTeamLeader && u.Post == wubu.PostSecurity
		case wubu.TenantChecked:
			title = msgAgendaTenantFile
			mine = u.Post == wubu.PostService && u.Can(wubu.PermResidentEdit)
		}
		if !mine && !above {
			continue
		}
		out = append(out, agendaEntry(wubu.AgendaItem{ProjectID: pid, Kind: "tenant_registration", Title: title, TitleArgs: []any{name, label},
			Urgency: wubu.UrgencyNormal, ObjectType: "tenant_registration", ObjectID: strconv.FormatInt(id, 10), Href: fmt.Sprintf("/tenants/%d", id)}, due, now))
	}
	return out, rows.Err()
}

func (s *SecurityAgenda) incidents(ctx context.Context, u *wubu.User, now time.Time) ([]wubu.AgendaItem, error) {
	if !securityLeads(u) && !u.Can(wubu.PermPassConfirm) {
		return nil, nil
	}
	scope, args, ok := securityScope(u, "i.project_id")
	if !ok {
		return nil, nil
	}
	rows, err := s.db.query(ctx, `SELECT i.project_id, i.id, i.place, i.state, i.superior_id, i.acknowledged_by, d.due_at FROM incidents i`+
		securityDeadlineJoin("d", "i", "incident", "ack")+` WHERE `+scope+` AND i.state IN (?, ?) ORDER BY i.reported_at LIMIT 100`,
		append(args, wubu.IncidentOpen, wubu.IncidentAcknowledged)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []wubu.AgendaItem
	for rows.Next() {
		var pid, id int64
		var place string
		var state wubu.IncidentState
		var superior, ackBy *int64
		var due sql.NullTime
		if err := rows.Scan(&pid, &id, &place, &state, &superior, &ackBy, &due); err != nil {
			return nil, err
		}
		it := wubu.AgendaItem{ProjectID: pid, Kind: "incident", Title: msgAgendaIncident, TitleArgs: []any{place}, Urgency: wubu.UrgencyCritical,
			ObjectType: "incident", ObjectID: strconv.FormatInt(id, 10), Href: fmt.Sprintf("/incidents/%d", id)}
		if state == wubu.IncidentAcknowledged {
			// Whoever took it keeps it on their agenda until it is closed.
			if ackBy == nil || *ackBy != u.ID {
				continue
			}
			it.Title, it.Urgency = msgAgendaIncidentTaken, wubu.UrgencyHigh
			out = append(out, it)
			continue
		}
		// Open: the superior and everyone who leads sees it.
		if !securityLeads(u) && (superior == nil || *superior != u.ID) {
			continue
		}
		out = append(out, agendaEntry(it, due, now))
	}
	return out, rows.Err()
}
