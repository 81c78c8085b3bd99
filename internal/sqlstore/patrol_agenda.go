package sqlstore

import (
	"context"
	"strconv"
	"time"

	"github.com/wubu-oss/wubu"
)

// PatrolAgenda is the security post's wubu.AgendaSource: hazards assigned
// to the caller (overdue first), rectified hazards awaiting verification and
// patrol runs with missed checkpoints for leaders, due renovation
// inspections, and the alarm reminders due in the buildings the caller
// leads.
type PatrolAgenda struct{ db *DB }

var _ wubu.AgendaSource = (*PatrolAgenda)(nil)

// Agenda titles, catalogue keys.
const (
	msgAgendaRectify    = "Rectify the hazard at %s"
	msgAgendaVerify     = "Verify the rectified hazard at %s"
	msgAgendaMissed     = "Patrol %s: %d checkpoints missed, %d late"
	msgAgendaInspection = "Renovation inspection due: %s"
	msgAgendaAlarm      = "Building %s: remind %d households to switch their alarm on"
)

// NewPatrolAgenda returns the agenda source of patrols, hazards and alarms over db.
func NewPatrolAgenda(db *DB) *PatrolAgenda { return &PatrolAgenda{db: db} }

// userProjects returns the projects a user serves.
func userProjects(ctx context.Context, db *DB, u *wubu.User) ([]int64, error) {
	if !u.AllProjects() {
		return u.ProjectIDs, nil
	}
	rows, err := db.query(ctx, `SELECT id FROM projects ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Agenda returns the caller's security items as of now.
func (a *PatrolAgenda) Agenda(ctx context.Context, now time.Time) ([]wubu.AgendaItem, error) {
	u := wubu.UserFromContext(ctx)
	if u == nil || !u.Can(wubu.PermSecurityView) {
		return nil, nil
	}
	projects, err := userProjects(ctx, a.db, u)
	if err != nil || len(projects) == 0 {
		return nil, err
	}
	in := placeholders(len(projects))
	pargs := make([]any, len(projects))
	for i, p := range projects {
		pargs[i] = p
	}
	var items []wubu.AgendaItem
	add := func(it wubu.AgendaItem) {
		if it.Due != nil {
			it.Remaining = it.Due.Sub(now)
			it.Overdue = it.Remaining < 0
		}
		items = append(items, it)
	}

	// Hazards assigned to me, and for leaders those awaiting verification.
	rows, err := a.db.query(ctx, `SELECT h.project_id, h.id, h.place, h.state, h.due_at, h.rectified_by FROM hazards h
		WHERE h.project_id IN (`+in+`) AND ((h.state = 'assigned' AND h.assignee_id = ?) OR (h.state = 'rectified' AND ?))
		ORDER BY h.due_at`, append(pargs, u.ID, u.Can(wubu.PermSecurityManage))...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var projectID, id int64
		var place string
		var state wubu.HazardState
		var due, rectifiedBy any
		if err := rows.Scan(&projectID, &id, &place, &state, &due, &rectifiedBy); err != nil {
			rows.Close()
			return nil, err
		}
		it := wubu.AgendaItem{ProjectID: projectID, Kind: "hazard", ObjectType: "hazard", ObjectID: strconv.FormatInt(id, 10), Href: "/hazards/" + strconv.FormatInt(id, 10)}
		if state == wubu.HazardAssigned {
			it.Title, it.TitleArgs, it.Urgency = msgAgendaRectify, []any{place}, wubu.UrgencyHigh
			if t, ok := anyTime(due); ok {
				it.Due = &t
				if now.After(t) {
					it.Urgency = wubu.UrgencyCritical
				}
			}
		} else {
			if n, ok := rectifiedBy.(int64); ok && n == u.ID {
				continue // the rectifier cannot verify it
			}
			it.Title, it.TitleArgs, it.Urgency = msgAgendaVerify, []any{place}, wubu.UrgencyNormal
		}
		add(it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	if u.Can(wubu.PermSecurityManage) {
		// Patrol runs with missed or late checkpoints nobody has reviewed.
		rows, err := a.db.query(ctx, `SELECT pr.project_id, pr.id, r.name, pr.missed, pr.late, pr.finished_at FROM patrol_runs pr
			JOIN patrol_routes r ON r.project_id = pr.project_id AND r.id = pr.route_id
			WHERE pr.project_id IN (`+in+`) AND pr.finished_at IS NOT NULL AND (pr.missed > 0 OR pr.late > 0) AND pr.reviewed_at IS NULL
			AND (r.leader_id IS NULL OR r.leader_id = ?) ORDER BY pr.finished_at LIMIT 50`, append(pargs, u.ID)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var projectID, id int64
			var name string
			var missed, late int
			var finished time.Time
			if err := rows.Scan(&projectID, &id, &name, &missed, &late, &finished); err != nil {
				rows.Close()
				return nil, err
			}
			add(wubu.AgendaItem{ProjectID: projectID, Kind: "patrol_missed", Title: msgAgendaMissed, TitleArgs: []any{name, missed, late},
				Urgency: wubu.UrgencyHigh, ObjectType: "patrol_run", ObjectID: strconv.FormatInt(id, 10), Href: "/patrol/runs/" + strconv.FormatInt(id, 10)})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		// Renovation inspections due by the end of the day.
		ps := &PatrolService{db: a.db}
		for _, pid := range projects {
			routes, err := ps.FindRoutes(ctx, pid)
			if err != nil {
				continue // a project the caller may not see patrols of
			}
			for _, r := range routes {
				if r.Kind != wubu.RouteInspection || r.NextDue == nil || !r.Active || r.NextDue.After(now.Add(24*time.Hour)) {
					continue
				}
				due := *r.NextDue
				add(wubu.AgendaItem{ProjectID: pid, Kind: "inspection", Title: msgAgendaInspection, TitleArgs: []any{r.RoomLabel},
					Urgency: wubu.UrgencyNormal, Due: &due, ObjectType: "patrol_route", ObjectID: strconv.FormatInt(r.ID, 10), Href: "/patrol/routes/" + strconv.FormatInt(r.ID, 10)})
			}
		}
	}

	// Alarm reminders due in the buildings I lead.
	ss := &SecurityService{db: a.db}
	buildings, err := ss.MyBuildings(ctx)
	if err != nil {
		return nil, err
	}
	for _, b := range buildings {
		off, err := ss.alarmOff(ctx, b.ProjectID, b.BuildingID)
		if err != nil {
			return nil, err
		}
		due := 0
		for _, h := range off {
			if h.ReminderDue {
				due++
			}
		}
		if due > 0 {
			add(wubu.AgendaItem{ProjectID: b.ProjectID, Kind: "alarm_reminder", Title: msgAgendaAlarm, TitleArgs: []any{b.BuildingName, due},
				Urgency: wubu.UrgencyNormal, ObjectType: "building", ObjectID: strconv.FormatInt(b.BuildingID, 10), Href: "/buildings/" + strconv.FormatInt(b.BuildingID, 10) + "/security"})
		}
	}
	return items, nil
}
