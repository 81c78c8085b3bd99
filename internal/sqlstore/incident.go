package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/i18n"
)

// IncidentService implements wubu.IncidentService: emergencies reported at
// a post, alerted at once to the direct superior and escalated up the
// chain by their clock until someone acknowledges (S9).
type IncidentService struct {
	// Notifier queues the urgent alert of a report in the report's own
	// transaction; nil for the store's outbox.
	Notifier wubu.Notifier

	db     *DB
	clocks wubu.ClockService
}

var _ wubu.IncidentService = (*IncidentService)(nil)

// NewIncidentService returns an incident service over db; the escalation
// clock is armed on clocks and the first alert sent through notifier (nil
// for none).
func NewIncidentService(db *DB, clocks wubu.ClockService, notifier wubu.Notifier) *IncidentService {
	return &IncidentService{db: db, clocks: clocks, Notifier: notifier}
}

const incidentColumns = `i.id, i.project_id, i.kind, i.place, i.description, i.state, i.reported_by, COALESCE(ur.name, ''), i.reported_at,
	i.superior_id, COALESCE(us.name, ''), i.acknowledged_by, COALESCE(ua.name, ''), i.acknowledged_at, i.closed_by, i.closed_at`

const incidentFrom = ` FROM incidents i LEFT JOIN users ur ON ur.id = i.reported_by LEFT JOIN users us ON us.id = i.superior_id
	LEFT JOIN users ua ON ua.id = i.acknowledged_by`

func scanIncident(s interface{ Scan(...any) error }) (*wubu.Incident, error) {
	i := &wubu.Incident{}
	err := s.Scan(&i.ID, &i.ProjectID, &i.Kind, &i.Place, &i.Description, &i.State, &i.ReportedBy, &i.ReportedByName, &i.ReportedAt,
		&i.SuperiorID, &i.SuperiorName, &i.AcknowledgedBy, &i.AcknowledgedByName, &i.AcknowledgedAt, &i.ClosedBy, &i.ClosedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Incident not found.")
	}
	return i, err
}

func (s *IncidentService) findIncident(ctx context.Context, q rowQuerier, perm wubu.Permission, id int64) (*wubu.Incident, error) {
	if _, err := wubu.Authorize(ctx, perm, 0); err != nil {
		return nil, err
	}
	query := `SELECT ` + incidentColumns + incidentFrom + ` WHERE i.id = ?`
	i, err := scanIncident(q.QueryRowContext(ctx, s.db.rebind(query), id))
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, perm, i.ProjectID); wubu.ErrorCode(err) == wubu.ENOTFOUND {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Incident not found.")
	} else if err != nil {
		return nil, err
	}
	return i, nil
}

// addIncidentLog writes a line of an incident's log.
func addIncidentLog(ctx context.Context, tx *Tx, projectID, incidentID int64, kind, notify, text string) error {
	_, err := tx.exec(ctx, `INSERT INTO incident_log (project_id, incident_id, at, kind, notify, text, user_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		projectID, incidentID, tx.now, kind, notify, text, actorID(wubu.UserFromContext(ctx)))
	return err
}

// incidentSuperior finds whom a report goes to first: the security leader
// of the building when one is named who can acknowledge it (a team leader
// or above), else the one security team leader of the project; nil when
// there is no single one (the team leaders are alerted as a role).
func incidentSuperior(ctx context.Context, tx *Tx, projectID int64, buildingID *int64, reporter *wubu.User) (*int64, error) {
	if buildingID != nil {
		var id int64
		err := tx.queryRow(ctx, `SELECT a.user_id FROM building_assignments a JOIN users u ON u.id = a.user_id
			WHERE a.project_id = ? AND a.building_id = ? AND a.kind = ? AND u.disabled = ? AND u.role <> ? AND a.user_id <> ? ORDER BY a.created_at, a.user_id LIMIT 1`,
			projectID, *buildingID, wubu.AssignSecurityLeader, false, wubu.RoleStaff, reporter.ID).Scan(&id)
		if err == nil {
			return &id, nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
	}
	rows, err := tx.query(ctx, `SELECT u.id FROM users u JOIN user_projects up ON up.user_id = u.id
		WHERE up.project_id = ? AND u.role = ? AND u.post = ? AND u.disabled = ? AND u.id <> ? ORDER BY u.id LIMIT 2`,
		projectID, wubu.RoleTeamLeader, wubu.PostSecurity, false, reporter.ID)
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
	if len(ids) == 1 {
		return &ids[0], rows.Err()
	}
	return nil, rows.Err()
}

// ReportIncident records an incident, alerts the superior and arms the
// escalation clock.
func (s *IncidentService) ReportIncident(ctx context.Context, ni *wubu.NewIncident) (*wubu.Incident, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityEdit, ni.ProjectID); err != nil {
		return nil, err
	}
	if !ni.Kind.Valid() {
		return nil, wubu.FieldErrorf("kind", wubu.EINVALID, "Choose what happened.")
	}
	place := strings.TrimSpace(ni.Place)
	if !wubu.ValidName(place, 64) {
		return nil, wubu.FieldErrorf("place", wubu.EINVALID, "Place is required and must be at most %d characters.", 64)
	}
	desc := strings.TrimSpace(ni.Description)
	if desc == "" || utf8.RuneCountInString(desc) > 2000 {
		return nil, wubu.FieldErrorf("description", wubu.EINVALID, "Describe what happened (at most %d characters).", 2000)
	}
	i := &wubu.Incident{ProjectID: ni.ProjectID, Kind: ni.Kind, Place: place, Description: desc}
	_, err := runCreate(ctx, s.runner(), incidents, ni.ProjectID, wubu.IncidentReport, i, func(ctx context.Context, tx *Tx, i *wubu.Incident, u *wubu.User) (string, error) {
		if ni.BuildingID != nil {
			var one int
			if err := tx.queryRow(ctx, `SELECT 1 FROM buildings WHERE project_id = ? AND id = ?`, ni.ProjectID, *ni.BuildingID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
				return "", wubu.FieldErrorf("building_id", wubu.ENOTFOUND, "Building not found.")
			} else if err != nil {
				return "", err
			}
		}
		superior, err := incidentSuperior(ctx, tx, ni.ProjectID, ni.BuildingID, u)
		if err != nil {
			return "", err
		}
		i.SuperiorID, i.ReportedBy, i.ReportedByName, i.ReportedAt = superior, u.ID, u.Name, tx.now
		return desc, nil
	}, func(ctx context.Context, tx *Tx, i *wubu.Incident, u *wubu.User) (string, error) {
		// Who knew what when: the report, and the alert queued with it.
		if err := addIncidentLog(ctx, tx, i.ProjectID, i.ID, "reported", "", desc); err != nil {
			return "", err
		}
		return "", addIncidentLog(ctx, tx, i.ProjectID, i.ID, "notified", strings.Join(party(wubu.PartySuperior, incidents.facts(i)), ","), "")
	})
	if err != nil {
		return nil, err
	}
	return s.FindIncidentByID(ctx, i.ID)
}

// runner returns the life-cycle runner of the service's steps.
func (s *IncidentService) runner() *runner { return newRunner(s.db, s.clocks, s.Notifier) }

// incidents is how the life-cycle runner reads and writes incidents.
var incidents = &machine[*wubu.Incident]{
	lc: wubu.IncidentLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.Incident, error) {
		q := `SELECT ` + incidentColumns + incidentFrom + ` WHERE i.id = ?`
		if lock {
			q += tx.db.forUpdate("i")
		}
		i, err := scanIncident(tx.queryRow(ctx, q, id))
		if err != nil {
			return nil, err
		}
		return i, nil
	},
	facts: func(i *wubu.Incident) facts {
		return facts{ProjectID: i.ProjectID, ID: i.ID, State: string(i.State), Post: wubu.PostSecurity, SuperiorID: i.SuperiorID, ReporterID: &i.ReportedBy}
	},
	setState: func(i *wubu.Incident, s string) { i.State = wubu.IncidentState(s) },
	insert: func(ctx context.Context, tx *Tx, i *wubu.Incident) (err error) {
		i.ID, err = tx.insert(ctx, `INSERT INTO incidents (project_id, kind, place, description, state, reported_by, reported_at, superior_id, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, i.ProjectID, i.Kind, i.Place, i.Description, i.State, i.ReportedBy, i.ReportedAt, i.SuperiorID, tx.now)
		return err
	},
	save: func(ctx context.Context, tx *Tx, i *wubu.Incident) error {
		_, err := tx.exec(ctx, `UPDATE incidents SET state = ?, acknowledged_by = ?, acknowledged_at = ?, closed_by = ?, closed_at = ?, updated_at = ? WHERE project_id = ? AND id = ?`,
			i.State, i.AcknowledgedBy, i.AcknowledgedAt, i.ClosedBy, i.ClosedAt, tx.now, i.ProjectID, i.ID)
		return err
	},
	clone: func(i *wubu.Incident) *wubu.Incident { c := *i; return &c },
	vars: func(i *wubu.Incident) map[string]string {
		return map[string]string{"kind": string(i.Kind), "kind_zh": i18n.T(i18n.ZH, "incident:"+string(i.Kind)), "kind_en": i18n.T(i18n.EN, "incident:"+string(i.Kind)),
			"place": i.Place, "description": i.Description, "reporter": i.ReportedByName}
	},
}

// incidentStep takes a step on an incident with a note for its log.
func (s *IncidentService) incidentStep(ctx context.Context, id int64, action, note string, required bool, fn func(i *wubu.Incident, u *wubu.User, now time.Time)) (*wubu.Incident, error) {
	note = strings.TrimSpace(note)
	switch {
	case required && note == "":
		return nil, wubu.FieldErrorf("text", wubu.EINVALID, "Write the note (at most %d characters).", 1000)
	case utf8.RuneCountInString(note) > 1000:
		if required {
			return nil, wubu.FieldErrorf("text", wubu.EINVALID, "Write the note (at most %d characters).", 1000)
		}
		return nil, wubu.FieldErrorf("note", wubu.EINVALID, "Note must be at most %d characters.", 1000)
	}
	_, err := runStep(ctx, s.runner(), incidents, id, action, func(ctx context.Context, tx *Tx, i *wubu.Incident, u *wubu.User) (string, error) {
		if fn != nil {
			fn(i, u, tx.now)
		}
		kind := string(i.State)
		if action == wubu.IncidentNote {
			kind = "note"
		}
		return note, addIncidentLog(ctx, tx, i.ProjectID, i.ID, kind, "", note)
	})
	if err != nil {
		return nil, err
	}
	return s.FindIncidentByID(ctx, id)
}

// AcknowledgeIncident records that the caller has taken the incident and
// stops its escalation.
func (s *IncidentService) AcknowledgeIncident(ctx context.Context, id int64, note string) (*wubu.Incident, error) {
	return s.incidentStep(ctx, id, wubu.IncidentAcknowledge, note, false, func(i *wubu.Incident, u *wubu.User, now time.Time) {
		i.AcknowledgedBy, i.AcknowledgedAt = &u.ID, &now
	})
}

// CloseIncident closes an acknowledged incident.
func (s *IncidentService) CloseIncident(ctx context.Context, id int64, note string) (*wubu.Incident, error) {
	return s.incidentStep(ctx, id, wubu.IncidentClose, note, false, func(i *wubu.Incident, u *wubu.User, now time.Time) {
		i.ClosedBy, i.ClosedAt = &u.ID, &now
	})
}

// AddIncidentNote adds a note to the log.
func (s *IncidentService) AddIncidentNote(ctx context.Context, id int64, text string) (*wubu.Incident, error) {
	return s.incidentStep(ctx, id, wubu.IncidentNote, text, true, nil)
}

// FindIncidentByID returns an incident with its log: the service's lines
// and the clock's alerts, oldest first.
func (s *IncidentService) FindIncidentByID(ctx context.Context, id int64) (*wubu.Incident, error) {
	i, err := s.findIncident(ctx, s.db.read, wubu.PermSecurityView, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT l.at, l.kind, l.notify, l.text, l.user_id, COALESCE(u.name, '') FROM incident_log l LEFT JOIN users u ON u.id = l.user_id
		WHERE l.project_id = ? AND l.incident_id = ? ORDER BY l.at, l.id`, i.ProjectID, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		e := &wubu.IncidentLogEntry{}
		if err := rows.Scan(&e.At, &e.Kind, &e.Notify, &e.Text, &e.UserID, &e.UserName); err != nil {
			rows.Close()
			return nil, err
		}
		i.Log = append(i.Log, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	d, err := s.clocks.FindDeadline(ctx, wubu.IncidentLifecycle.ClockKey(i.ProjectID, id, "ack"))
	if wubu.ErrorCode(err) == wubu.ENOTFOUND {
		return i, nil
	} else if err != nil {
		return nil, err
	}
	i.Deadline = d
	events, err := s.clocks.Events(ctx, i.ProjectID, d.ID)
	if err != nil {
		return nil, err
	}
	// The clock's alerts first: one fired at the instant of a line of the
	// log came before it (nothing fires after an acknowledgement).
	var alerts []*wubu.IncidentLogEntry
	for _, ev := range events {
		e := &wubu.IncidentLogEntry{At: ev.FiredAt, Kind: ev.Stage, Notify: ev.Notify}
		switch {
		case ev.Stage == wubu.StageBreach:
			e.Notify = strings.Join(d.BreachNotify, ",")
		case wubu.EscalationLevel(ev.Stage) > 0:
			e.Kind, e.Text = "escalation", strconv.Itoa(wubu.EscalationLevel(ev.Stage))
		}
		alerts = append(alerts, e)
	}
	i.Log = append(alerts, i.Log...)
	slices.SortStableFunc(i.Log, func(a, b *wubu.IncidentLogEntry) int { return a.At.Compare(b.At) })
	return i, nil
}

// FindIncidents lists a project's incidents, newest first.
func (s *IncidentService) FindIncidents(ctx context.Context, f wubu.IncidentFilter) ([]*wubu.Incident, int, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityView, f.ProjectID); err != nil {
		return nil, 0, err
	}
	where, args := []string{"i.project_id = ?"}, []any{f.ProjectID}
	if f.State != nil {
		where, args = append(where, "i.state = ?"), append(args, *f.State)
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	rows, err := s.db.query(ctx, `SELECT `+incidentColumns+`, COUNT(*) OVER()`+incidentFrom+` WHERE `+strings.Join(where, " AND ")+`
		ORDER BY i.reported_at DESC, i.id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out, total := []*wubu.Incident{}, 0
	for rows.Next() {
		i, err := scanIncident(scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &total)...) }))
		if err != nil {
			return nil, 0, err
		}
		out = append(out, i)
	}
	return out, total, rows.Err()
}
