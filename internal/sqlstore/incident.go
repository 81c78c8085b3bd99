package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/i18n"
)

// IncidentService implements wubu.IncidentService: emergencies reported at
// a post, alerted at once to the direct superior and escalated up the
// chain by their clock until someone acknowledges (S9).
type IncidentService struct {
	// Notifier sends the urgent alert of a report; nil sends none (the
	// clock's stages are still logged).
	Notifier wubu.Notifier
	// Logger receives alerts that could not be queued.
	Logger *slog.Logger

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

// incidentKey is the deadline key of an incident's acknowledgement clock.
func incidentKey(projectID, id int64) wubu.DeadlineKey {
	return wubu.DeadlineKey{ProjectID: projectID, ObjectType: "incident", ObjectID: strconv.FormatInt(id, 10), Kind: "ack"}
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

func (s *IncidentService) findIncident(ctx context.Context, q rowQuerier, perm wubu.Permission, id int64, lock bool) (*wubu.Incident, error) {
	if _, err := wubu.Authorize(ctx, perm, 0); err != nil {
		return nil, err
	}
	query := `SELECT ` + incidentColumns + incidentFrom + ` WHERE i.id = ?`
	if lock && s.db.Dialect == Postgres {
		query += ` FOR UPDATE OF i`
	}
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

// directSuperior finds whom a report goes to first: the security leader of
// the building when one is named, else the one security team leader of the
// project; nil when there is no single one (the team leaders are alerted as
// a role).
func incidentSuperior(ctx context.Context, tx *Tx, projectID int64, buildingID *int64, reporter *wubu.User) (*int64, error) {
	if buildingID != nil {
		var id int64
		err := tx.queryRow(ctx, `SELECT a.user_id FROM building_assignments a JOIN users u ON u.id = a.user_id
			WHERE a.project_id = ? AND a.building_id = ? AND a.kind = ? AND u.disabled = ? AND a.user_id <> ? ORDER BY a.created_at, a.user_id LIMIT 1`,
			projectID, *buildingID, wubu.AssignSecurityLeader, false, reporter.ID).Scan(&id)
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
	u, err := wubu.Authorize(ctx, wubu.PermSecurityEdit, ni.ProjectID)
	if err != nil {
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
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if ni.BuildingID != nil {
		var one int
		if err := tx.queryRow(ctx, `SELECT 1 FROM buildings WHERE project_id = ? AND id = ?`, ni.ProjectID, *ni.BuildingID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return nil, wubu.FieldErrorf("building_id", wubu.ENOTFOUND, "Building not found.")
		} else if err != nil {
			return nil, err
		}
	}
	superior, err := incidentSuperior(ctx, tx, ni.ProjectID, ni.BuildingID, u)
	if err != nil {
		return nil, err
	}
	id, err := tx.insert(ctx, `INSERT INTO incidents (project_id, kind, place, description, state, reported_by, reported_at, superior_id, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, ni.ProjectID, ni.Kind, place, desc, wubu.IncidentOpen, u.ID, tx.now, superior, tx.now)
	if err != nil {
		return nil, err
	}
	if err := addIncidentLog(ctx, tx, ni.ProjectID, id, "reported", "", desc); err != nil {
		return nil, err
	}
	i, err := s.findIncident(ctx, tx, wubu.PermSecurityEdit, id, false)
	if err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, ni.ProjectID, wubu.ActionCreate, "incident", id, nil, i); err != nil {
		return nil, err
	}
	// The clock, committed with the incident: acknowledged within 5
	// minutes, or the team leaders, the duty manager and the manager are
	// alerted in turn.
	who := securityNotifyTarget(superior)
	breach := []string{who}
	if team := "role:" + string(wubu.RoleTeamLeader); who != team {
		breach = append(breach, team)
	}
	ds, err := commitClocks(ctx, tx, s.clocks, armClock(wubu.ArmRequest{DeadlineKey: incidentKey(i.ProjectID, id), After: wubu.IncidentAckWithin,
		BreachNotify: breach, Escalation: wubu.IncidentEscalation}))
	if err != nil {
		return nil, err
	}
	i.Deadline = ds[0]

	// The direct superior hears of it at once, quiet hours or not.
	s.alert(ctx, i, who)
	return i, nil
}

// alert sends the urgent first alert and logs that it was sent, or that it
// could not be.
func (s *IncidentService) alert(ctx context.Context, i *wubu.Incident, who string) {
	kind, text := "notified", ""
	if s.Notifier == nil {
		kind, text = "notify_failed", "no notifier"
	} else {
		to := wubu.Recipient{}
		if id, ok := strings.CutPrefix(who, "user:"); ok {
			to.UserID, _ = strconv.ParseInt(id, 10, 64)
		} else {
			to.Role = wubu.Role(strings.TrimPrefix(who, "role:"))
		}
		err := s.Notifier.Notify(ctx, wubu.Notification{ProjectID: i.ProjectID, Kind: "incident_reported", To: to, Urgent: true,
			Vars: map[string]string{"kind": string(i.Kind), "kind_zh": i18n.T(i18n.ZH, "incident:"+string(i.Kind)), "kind_en": i18n.T(i18n.EN, "incident:"+string(i.Kind)),
				"place": i.Place, "description": i.Description, "reporter": i.ReportedByName},
			DedupKey: fmt.Sprintf("incident:%d:reported", i.ID), ObjectType: "incident", ObjectID: strconv.FormatInt(i.ID, 10)})
		if err != nil {
			kind, text = "notify_failed", wubu.ErrorMessage(err)
			s.logger().Error("incident alert", "incident", i.ID, "err", err)
		}
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		s.logger().Error("incident log", "incident", i.ID, "err", err)
		return
	}
	defer tx.Rollback()
	if err := addIncidentLog(ctx, tx, i.ProjectID, i.ID, kind, who, text); err == nil {
		tx.Commit()
	}
}

func (s *IncidentService) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// AcknowledgeIncident records that the caller has taken the incident and
// stops its escalation.
func (s *IncidentService) AcknowledgeIncident(ctx context.Context, id int64, note string) (*wubu.Incident, error) {
	return s.transition(ctx, id, wubu.PermPassConfirm, note, func(i *wubu.Incident) (string, error) {
		if i.State != wubu.IncidentOpen {
			return "", wubu.Errorf(wubu.ECONFLICT, "This incident was acknowledged already.")
		}
		return `UPDATE incidents SET state = 'acknowledged', acknowledged_by = ?, acknowledged_at = ?, updated_at = ? WHERE project_id = ? AND id = ?`, nil
	}, "acknowledged")
}

// CloseIncident closes an acknowledged incident.
func (s *IncidentService) CloseIncident(ctx context.Context, id int64, note string) (*wubu.Incident, error) {
	return s.transition(ctx, id, wubu.PermPassConfirm, note, func(i *wubu.Incident) (string, error) {
		switch i.State {
		case wubu.IncidentOpen:
			return "", wubu.Errorf(wubu.ECONFLICT, "Acknowledge the incident before closing it.")
		case wubu.IncidentClosed:
			return "", wubu.Errorf(wubu.ECONFLICT, "This incident was closed already.")
		}
		return `UPDATE incidents SET state = 'closed', closed_by = ?, closed_at = ?, updated_at = ? WHERE project_id = ? AND id = ?`, nil
	}, "closed")
}

// transition moves an incident on: step checks its state and returns the
// update (taking user, now, now, project, id); the log gets kind and note.
func (s *IncidentService) transition(ctx context.Context, id int64, perm wubu.Permission, note string, step func(*wubu.Incident) (string, error), kind string) (*wubu.Incident, error) {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 1000 {
		return nil, wubu.FieldErrorf("note", wubu.EINVALID, "Note must be at most %d characters.", 1000)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	i, err := s.findIncident(ctx, tx, perm, id, true)
	if err != nil {
		return nil, err
	}
	q, err := step(i)
	if err != nil {
		return nil, err
	}
	u := wubu.UserFromContext(ctx)
	if _, err := tx.exec(ctx, q, actorID(u), tx.now, tx.now, i.ProjectID, id); err != nil {
		return nil, err
	}
	if err := addIncidentLog(ctx, tx, i.ProjectID, id, kind, "", note); err != nil {
		return nil, err
	}
	after, err := s.findIncident(ctx, tx, perm, id, false)
	if err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, i.ProjectID, wubu.ActionUpdate, "incident", id, i, after); err != nil {
		return nil, err
	}
	// Acknowledged: the escalation stops with the step.
	var clock []clockChange
	if kind == "acknowledged" {
		clock = append(clock, stopClock(incidentKey(i.ProjectID, id)))
	}
	if _, err := commitClocks(ctx, tx, s.clocks, clock...); err != nil {
		return nil, err
	}
	return s.FindIncidentByID(ctx, id)
}

// AddIncidentNote adds a note to the log.
func (s *IncidentService) AddIncidentNote(ctx context.Context, id int64, text string) (*wubu.Incident, error) {
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > 1000 {
		return nil, wubu.FieldErrorf("text", wubu.EINVALID, "Write the note (at most %d characters).", 1000)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	i, err := s.findIncident(ctx, tx, wubu.PermSecurityEdit, id, true)
	if err != nil {
		return nil, err
	}
	if err := addIncidentLog(ctx, tx, i.ProjectID, id, "note", "", text); err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, i.ProjectID, wubu.ActionUpdate, "incident.note", id, nil, map[string]string{"text": text}); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return s.FindIncidentByID(ctx, id)
}

// FindIncidentByID returns an incident with its log: the service's lines
// and the clock's alerts, oldest first.
func (s *IncidentService) FindIncidentByID(ctx context.Context, id int64) (*wubu.Incident, error) {
	i, err := s.findIncident(ctx, s.db.read, wubu.PermSecurityView, id, false)
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
	d, err := s.clocks.FindDeadline(ctx, incidentKey(i.ProjectID, id))
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
