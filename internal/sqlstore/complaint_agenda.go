package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
)

// ComplaintAgenda is the agenda source of complaints and duty managers
// (U4, E1): the fast lane for the managers and duty managers at once; the
// complaints to acknowledge and revisit for the customer-service post; the
// complaints of a team for that team; a manager's visit for a resident or
// building over the points threshold; a day of the coming week without a
// duty manager on the roster.
type ComplaintAgenda struct{ db *DB }

var _ wubu.AgendaSource = (*ComplaintAgenda)(nil)

// NewComplaintAgenda returns the complaints' agenda source over db.
func NewComplaintAgenda(db *DB) *ComplaintAgenda { return &ComplaintAgenda{db: db} }

// Agenda titles.
const (
	msgAgendaComplaintFast    = "Fast-lane complaint #%d: %s"
	msgAgendaComplaintAck     = "Complaint #%d to acknowledge: %s"
	msgAgendaComplaintAssign  = "Complaint #%d to assign: %s"
	msgAgendaComplaintHandle  = "Complaint #%d to handle: %s"
	msgAgendaComplaintReply   = "Complaint #%d: reply to the resident %s"
	msgAgendaComplaintRevisit = "Complaint #%d: revisit %s"
	msgAgendaComplaintVisit   = "Manager's visit: %s has %s complaint points"
	msgAgendaBuildingVisit    = "Manager's visit: building %s has %s complaint points"
	msgAgendaDutyMissing      = "No duty manager on the roster for %s"
)

// Agenda returns the signed-in user's complaint and roster items.
func (s *ComplaintAgenda) Agenda(ctx context.Context, now time.Time) ([]wubu.AgendaItem, error) {
	u := wubu.UserFromContext(ctx)
	if u == nil {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	if !u.Can(wubu.PermResidentView) || u.AllProjects() {
		return nil, nil
	}
	var out []wubu.AgendaItem
	for _, pid := range u.ProjectIDs {
		items, err := s.project(ctx, u, pid, now)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	return out, nil
}

// above reports whether the user is a manager or duty manager.
func complaintManager(u *wubu.User) bool {
	return u.Role == wubu.RoleManager || u.Role == wubu.RoleDutyManager
}

func (s *ComplaintAgenda) project(ctx context.Context, u *wubu.User, pid int64, now time.Time) ([]wubu.AgendaItem, error) {
	rows, err := s.db.query(ctx, `SELECT c.id, c.state, c.fast, c.team, c.assignee_id, COALESCE(p.name, ''), c.description, d.due_at
		FROM complaints c LEFT JOIN persons p ON p.project_id = c.project_id AND p.id = c.person_id`+complaintDue+`
		WHERE c.project_id = ? AND c.state IN (?, ?, ?, ?, ?) ORDER BY c.received_at LIMIT 200`,
		pid, wubu.ComplaintReceived, wubu.ComplaintAcknowledged, wubu.ComplaintAssigned, wubu.ComplaintHandled, wubu.ComplaintReplied)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	manager := complaintManager(u)
	service := u.Post == wubu.PostService || manager
	var out []wubu.AgendaItem
	for rows.Next() {
		var id int64
		var state wubu.ComplaintState
		var fast bool
		var team wubu.Post
		var assignee *int64
		var name, text string
		var due sql.NullTime
		if err := rows.Scan(&id, &state, &fast, &team, &assignee, &name, &text, &due); err != nil {
			return nil, err
		}
		who := name
		if who == "" {
			who = shorten(text, 20)
		}
		it := wubu.AgendaItem{ProjectID: pid, Kind: "complaint", Urgency: wubu.UrgencyHigh, ObjectType: "complaint", ObjectID: strconv.FormatInt(id, 10),
			Href: fmt.Sprintf("/complaints/%d", id), TitleArgs: []any{id, who}}
		mine := assignee != nil && *assignee == u.ID || assignee == nil && team != "" && u.Post == team
		switch {
		case fast && manager:
			it.Title, it.Urgency = msgAgendaComplaintFast, wubu.UrgencyCritical
		case state == wubu.ComplaintReceived && service && u.Can(wubu.PermOrderDispatch):
			it.Title = msgAgendaComplaintAck
		case state == wubu.ComplaintAcknowledged && service && u.Can(wubu.PermOrderDispatch):
			it.Title = msgAgendaComplaintAssign
		case state == wubu.ComplaintAssigned && mine:
			it.Title = msgAgendaComplaintHandle
		case state == wubu.ComplaintHandled && (service || mine):
			it.Title, it.Urgency = msgAgendaComplaintReply, wubu.UrgencyNormal
		case state == wubu.ComplaintReplied && service:
			it.Title, it.Urgency = msgAgendaComplaintRevisit, wubu.UrgencyNormal
		default:
			continue
		}
		out = append(out, agendaEntry(it, due, now))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !manager {
		return out, nil
	}
	// The manager's visits: residents and buildings over the threshold.
	if u.Role == wubu.RoleManager {
		set, err := readComplaintSettings(ctx, s.db, pid)
		if err != nil {
			return nil, err
		}
		points, err := complaintPoints(ctx, s.db, pid, now, float64(set.VisitPoints))
		if err != nil {
			return nil, err
		}
		for _, p := range points {
			href, title := fmt.Sprintf("/residents/%d", p.ID), msgAgendaComplaintVisit
			if p.Kind == "building" {
				href, title = fmt.Sprintf("/complaints?project=%d&building=%d&state=all", pid, p.ID), msgAgendaBuildingVisit
			}
			out = append(out, wubu.AgendaItem{ProjectID: pid, Kind: "complaint_visit", Title: title,
				TitleArgs: []any{p.Name, strconv.FormatFloat(p.Value, 'f', 1, 64)}, Urgency: wubu.UrgencyNormal,
				ObjectType: p.Kind, ObjectID: strconv.FormatInt(p.ID, 10), Href: href})
		}
	}
	// A day of the coming week without a duty manager.
	week, err := dutyManagerWeek(ctx, s.db, pid, now.Add(24*time.Hour), 7)
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, d := range week {
		if d.Missing {
			missing = append(missing, d.Date[5:])
		}
	}
	if len(missing) > 0 {
		out = append(out, wubu.AgendaItem{ProjectID: pid, Kind: "duty_roster", Title: msgAgendaDutyMissing, TitleArgs: []any{strings.Join(missing, ", ")},
			Urgency: wubu.UrgencyNormal, Href: fmt.Sprintf("/projects/%d/duty-managers", pid)})
	}
	return out, nil
}

// shorten returns s cut to n characters, with an ellipsis when cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
