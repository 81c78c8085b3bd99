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
)

// RevisitService implements wubu.RevisitService: revisits of residents,
// key customers with the security leaders of their buildings (U4, S3).
type RevisitService struct {
	db       *DB
	security wubu.SecurityService
	run      *runner
}

var _ wubu.RevisitService = (*RevisitService)(nil)

// NewRevisitService returns the revisit service over db; security names
// the security leaders who go along on key customers' revisits.
func NewRevisitService(db *DB, security wubu.SecurityService) *RevisitService {
	return &RevisitService{db: db, security: security, run: newRunner(db, nil, nil)}
}

// WithClocks arms the visits' clocks on clocks (none without): an overdue
// visit alerts its assistant and the customer-service team leaders.
func (s *RevisitService) WithClocks(clocks wubu.ClockService) *RevisitService {
	s.run = newRunner(s.db, clocks, nil)
	return s
}

// Limits of a revisit's text, in characters, and how far ahead one may be
// planned.
const (
	maxRevisitPurpose = 200
	maxRevisitNotes   = 2000
	maxRevisitAhead   = 366 * 24 * time.Hour
)

// revisitPerson returns a resident's project and name, checking perm;
// another project's resident answers ENOTFOUND.
func (s *RevisitService) revisitPerson(ctx context.Context, personID int64, perm wubu.Permission) (int64, string, *wubu.User, error) {
	var pid int64
	var name string
	err := s.db.queryRow(ctx, `SELECT project_id, name FROM persons WHERE id = ?`, personID).Scan(&pid, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil, wubu.Errorf(wubu.ENOTFOUND, "Resident not found.")
	} else if err != nil {
		return 0, "", nil, err
	}
	u, err := wubu.Authorize(ctx, perm, pid)
	if err != nil {
		if wubu.ErrorCode(err) == wubu.ENOTFOUND {
			return 0, "", nil, wubu.Errorf(wubu.ENOTFOUND, "Resident not found.")
		}
		return 0, "", nil, err
	}
	return pid, name, u, nil
}

// revisits is how the life-cycle runner reads and writes visits.
var revisits = &machine[*wubu.Revisit]{
	lc: wubu.RevisitLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.Revisit, error) {
		q := `SELECT r.id, r.project_id, r.person_id, p.name, r.kind, r.due_at, r.purpose, r.assistant_id, r.status, r.notes, r.satisfaction, r.checks, r.created_at
			FROM revisits r JOIN persons p ON p.project_id = r.project_id AND p.id = r.person_id WHERE r.id = ?`
		if lock {
			q += tx.db.forUpdate("r")
		}
		v := &wubu.Revisit{}
		var checks string
		err := tx.queryRow(ctx, q, id).Scan(&v.ID, &v.ProjectID, &v.PersonID, &v.PersonName, &v.Kind, &v.DueAt, &v.Purpose, &v.AssistantID, &v.Status, &v.Notes, &v.Satisfaction, &checks, &v.CreatedAt)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, wubu.Errorf(wubu.ENOTFOUND, "Revisit not found.")
		}
		v.Checks = splitChecks(checks)
		return v, err
	},
	facts: func(v *wubu.Revisit) facts {
		return facts{ProjectID: v.ProjectID, ID: v.ID, State: string(v.Status), Post: wubu.PostService, AssigneeID: &v.AssistantID,
			AssigneeName: v.AssistantName, PersonID: &v.PersonID, Due: &v.DueAt}
	},
	setState: func(v *wubu.Revisit, s string) { v.Status = wubu.RevisitStatus(s) },
	insert: func(ctx context.Context, tx *Tx, v *wubu.Revisit) (err error) {
		v.ID, err = tx.insert(ctx, `INSERT INTO revisits (project_id, person_id, assistant_id, kind, due_at, purpose, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			v.ProjectID, v.PersonID, v.AssistantID, v.Kind, v.DueAt, v.Purpose, v.Status, v.CreatedAt)
		return err
	},
	save: func(ctx context.Context, tx *Tx, v *wubu.Revisit) error {
		var doneBy *int64
		if u := wubu.UserFromContext(ctx); u != nil && u.ID != 0 {
			doneBy = &u.ID
		}
		_, err := tx.exec(ctx, `UPDATE revisits SET status = ?, done_at = ?, done_by = ?, notes = ?, satisfaction = ?, checks = ? WHERE project_id = ? AND id = ?`,
			v.Status, v.DoneAt, doneBy, v.Notes, v.Satisfaction, strings.Join(v.Checks, ","), v.ProjectID, v.ID)
		return err
	},
	clone: func(v *wubu.Revisit) *wubu.Revisit { c := *v; return &c },
	audit: func(v *wubu.Revisit) any {
		return map[string]any{"kind": v.Kind, "status": v.Status, "person_id": v.PersonID, "assistant_id": v.AssistantID, "due_at": v.DueAt,
			"purpose": v.Purpose, "notes": v.Notes, "satisfaction": v.Satisfaction, "checks": v.Checks}
	},
	// The timeline reads "timeline:revisit.planned" with the purpose, then
	// "timeline:revisit" with the satisfaction and notes.
	timeline: func(v *wubu.Revisit, action string) (string, string) {
		if action == wubu.RevisitPlan {
			return "revisit.planned", v.Purpose
		}
		if v.Satisfaction == 0 {
			return "revisit", v.Notes
		}
		return "revisit", strconv.Itoa(v.Satisfaction) + "/5 " + v.Notes
	},
}

// splitChecks reads a visit's checks column.
func splitChecks(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// checkVisitPlan checks a visit to plan: its purpose and due time.
func checkVisitPlan(r *wubu.Revisit, now time.Time) error {
	r.Purpose = strings.TrimSpace(r.Purpose)
	if r.Kind == "" {
		r.Kind = wubu.VisitRevisit
	}
	switch {
	case !r.Kind.Valid():
		return wubu.FieldErrorf("kind", wubu.EINVALID, "Visit kind %q is not valid.", string(r.Kind))
	case r.Purpose == "":
		return wubu.FieldErrorf("purpose", wubu.EINVALID, "Say what the revisit is for.")
	case utf8.RuneCountInString(r.Purpose) > maxRevisitPurpose:
		return wubu.FieldErrorf("purpose", wubu.EINVALID, "The purpose must be at most %d characters.", maxRevisitPurpose)
	case r.DueAt.IsZero():
		return wubu.FieldErrorf("due_at", wubu.EINVALID, "Choose when the revisit takes place.")
	case r.DueAt.Before(now.Add(-time.Hour)):
		return wubu.FieldErrorf("due_at", wubu.EINVALID, "A revisit cannot be planned in the past.")
	case r.DueAt.After(now.Add(maxRevisitAhead)):
		return wubu.FieldErrorf("due_at", wubu.EINVALID, "A revisit must be planned within a year.")
	}
	return nil
}

// planVisit plans a checked visit in the caller's transaction: r names the
// project, the person (and name), the kind, the assistant, the due time
// and the purpose. The caller commits with the runner's commit.
func planVisit(ctx context.Context, run *runner, tx *Tx, r *wubu.Revisit) error {
	r.DueAt = r.DueAt.UTC().Truncate(time.Microsecond)
	r.CreatedAt = tx.now
	r.DoneAt, r.Notes, r.Satisfaction, r.Checks = nil, "", 0, []string{}
	return createIn(ctx, run, tx, revisits, wubu.RevisitPlan, r, "")
}

// ScheduleRevisit plans a revisit; see wubu.RevisitService.
func (s *RevisitService) ScheduleRevisit(ctx context.Context, r *wubu.Revisit) error {
	pid, name, u, err := s.revisitPerson(ctx, r.PersonID, wubu.PermResidentEdit)
	if err != nil {
		return err
	}
	now := s.db.now()
	if err := checkVisitPlan(r, now); err != nil {
		return err
	}
	// The security leaders of a key customer's buildings go along (S3).
	companions, err := s.security.RevisitCompanions(ctx, r.PersonID)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	r.ProjectID, r.PersonName = pid, name
	r.AssistantID, r.AssistantName = u.ID, u.Name
	if err := planVisit(ctx, s.run, tx, r); err != nil {
		return err
	}
	r.Participants = []wubu.RevisitParticipant{}
	seen := map[int64]bool{u.ID: true}
	for _, a := range companions {
		if seen[a.UserID] {
			continue
		}
		seen[a.UserID] = true
		p := wubu.RevisitParticipant{UserID: a.UserID, Name: a.UserName, Role: string(wubu.AssignSecurityLeader), BuildingName: a.BuildingName}
		if _, err := tx.exec(ctx, `INSERT INTO revisit_participants (project_id, revisit_id, user_id, role, building_name) VALUES (?, ?, ?, ?, ?)`,
			pid, r.ID, p.UserID, p.Role, p.BuildingName); err != nil {
			return err
		}
		r.Participants = append(r.Participants, p)
	}
	if err := s.run.commit(ctx, tx); err != nil {
		return err
	}
	r.Overdue = r.DueAt.Before(now)
	return nil
}

// RecordRevisit records a revisit's outcome; see wubu.RevisitService.
func (s *RevisitService) RecordRevisit(ctx context.Context, id int64, notes string, satisfaction int) (*wubu.Revisit, error) {
	return s.RecordVisit(ctx, id, wubu.VisitOutcome{Notes: notes, Satisfaction: satisfaction})
}

// RecordVisit records a visit's outcome with its checklist and survey
// answers; see wubu.RevisitService.
func (s *RevisitService) RecordVisit(ctx context.Context, id int64, o wubu.VisitOutcome) (*wubu.Revisit, error) {
	notes := strings.TrimSpace(o.Notes)
	_, err := runStep(ctx, s.run, revisits, id, wubu.RevisitRecord, func(ctx context.Context, tx *Tx, v *wubu.Revisit, u *wubu.User) (string, error) {
		switch {
		case notes == "":
			return "", wubu.FieldErrorf("notes", wubu.EINVALID, "Write down how the revisit went.")
		case utf8.RuneCountInString(notes) > maxRevisitNotes:
			return "", wubu.FieldErrorf("notes", wubu.EINVALID, "Notes must be at most %d characters.", maxRevisitNotes)
		case (o.Satisfaction != 0 || v.Kind.NeedsSatisfaction()) && (o.Satisfaction < 1 || o.Satisfaction > 5):
			return "", wubu.FieldErrorf("satisfaction", wubu.EINVALID, "Choose the resident's satisfaction from 1 to 5.")
		}
		checks := []string{}
		for _, c := range o.Checks {
			if !slices.Contains(v.Kind.Checklist(), c) {
				return "", wubu.FieldErrorf("checks", wubu.EINVALID, "%q is not on the checklist of this visit.", c)
			}
			if !slices.Contains(checks, c) {
				checks = append(checks, c)
			}
		}
		done := tx.now
		v.DoneAt, v.Notes, v.Satisfaction, v.Checks = &done, notes, o.Satisfaction, checks
		// The answers to the kind's form, on the resident's timeline too.
		if err := answerVisitSurvey(ctx, tx, v, o.Answers); err != nil {
			return "", err
		}
		return notes, nil
	})
	if err != nil {
		return nil, err
	}
	return s.FindRevisit(ctx, id)
}

// FindRevisit returns one revisit; see wubu.RevisitService.
func (s *RevisitService) FindRevisit(ctx context.Context, id int64) (*wubu.Revisit, error) {
	r, err := s.find(ctx, id, wubu.PermResidentView)
	if err != nil {
		return nil, err
	}
	if r.Survey, err = visitResponse(ctx, s.db, r.ProjectID, r.ID); err != nil {
		return nil, err
	}
	return r, nil
}

func (s *RevisitService) find(ctx context.Context, id int64, perm wubu.Permission) (*wubu.Revisit, error) {
	if _, err := wubu.Authorize(ctx, perm, 0); err != nil {
		return nil, err
	}
	list, err := s.list(ctx, `r.id = ?`, []any{id})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Revisit not found.")
	}
	if _, err := wubu.Authorize(ctx, perm, list[0].ProjectID); err != nil {
		if wubu.ErrorCode(err) == wubu.ENOTFOUND {
			return nil, wubu.Errorf(wubu.ENOTFOUND, "Revisit not found.")
		}
		return nil, err
	}
	return list[0], nil
}

// FindRevisits returns a project's revisits; see wubu.RevisitService.
func (s *RevisitService) FindRevisits(ctx context.Context, f wubu.RevisitFilter) ([]*wubu.Revisit, error) {
	u, err := wubu.Authorize(ctx, wubu.PermResidentView, f.ProjectID)
	if err != nil {
		return nil, err
	}
	where, args := `r.project_id = ?`, []any{f.ProjectID}
	if f.PersonID != nil {
		where, args = where+` AND r.person_id = ?`, append(args, *f.PersonID)
	}
	if f.Open {
		where, args = where+` AND r.status = ?`, append(args, wubu.RevisitPlanned)
	}
	if f.Kind != "" {
		where, args = where+` AND r.kind = ?`, append(args, f.Kind)
	}
	if f.Mine {
		where = where + ` AND (r.assistant_id = ? OR EXISTS (SELECT 1 FROM revisit_participants x WHERE x.project_id = r.project_id AND x.revisit_id = r.id AND x.user_id = ?))`
		args = append(args, u.ID, u.ID)
	}
	return s.list(ctx, where, args)
}

// list reads revisits matching where (over r, the revisits) with their
// participants.
func (s *RevisitService) list(ctx context.Context, where string, args []any) ([]*wubu.Revisit, error) {
	rows, err := s.db.query(ctx, `SELECT r.id, r.project_id, r.person_id, p.name, p.importance, r.due_at, r.purpose, r.assistant_id, COALESCE(a.name, ''),
		r.status, r.done_at, COALESCE(d.name, ''), r.notes, r.satisfaction, r.created_at, r.kind, r.checks,
		COALESCE((SELECT MIN(rm.label) FROM households h JOIN rooms rm ON rm.project_id = h.project_id AND rm.id = h.room_id
			WHERE h.project_id = r.project_id AND h.person_id = r.person_id AND h.move_out = ''), '')
		FROM revisits r JOIN persons p ON p.project_id = r.project_id AND p.id = r.person_id
		LEFT JOIN users a ON a.id = r.assistant_id LEFT JOIN users d ON d.id = r.done_by
		WHERE `+where+` ORDER BY CASE WHEN r.status = 'planned' THEN 0 ELSE 1 END,
		CASE WHEN r.status = 'planned' THEN r.due_at END ASC, r.done_at DESC, r.id DESC LIMIT 200`, args...)
	if err != nil {
		return nil, err
	}
	now := s.db.now()
	out := []*wubu.Revisit{}
	byID := map[int64]*wubu.Revisit{}
	for rows.Next() {
		r := &wubu.Revisit{Participants: []wubu.RevisitParticipant{}}
		var done sql.NullTime
		var checks string
		if err := rows.Scan(&r.ID, &r.ProjectID, &r.PersonID, &r.PersonName, &r.Importance, &r.DueAt, &r.Purpose, &r.AssistantID, &r.AssistantName,
			&r.Status, &done, &r.DoneByName, &r.Notes, &r.Satisfaction, &r.CreatedAt, &r.Kind, &checks, &r.Room); err != nil {
			rows.Close()
			return nil, err
		}
		r.Checks = splitChecks(checks)
		if done.Valid {
			t := done.Time
			r.DoneAt = &t
		}
		r.Overdue = r.Status == wubu.RevisitPlanned && r.DueAt.Before(now)
		out = append(out, r)
		byID[r.ID] = r
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, 0, len(out))
	for _, r := range out {
		ids = append(ids, r.ID)
	}
	prow, err := s.db.query(ctx, `SELECT x.revisit_id, x.user_id, u.name, x.role, x.building_name FROM revisit_participants x JOIN users u ON u.id = x.user_id
		WHERE x.project_id = ? AND x.revisit_id IN (`+placeholders(len(ids))+`) ORDER BY u.name`, append([]any{out[0].ProjectID}, int64Args(ids)...)...)
	if err != nil {
		return nil, err
	}
	defer prow.Close()
	for prow.Next() {
		var rid int64
		var p wubu.RevisitParticipant
		if err := prow.Scan(&rid, &p.UserID, &p.Name, &p.Role, &p.BuildingName); err != nil {
			return nil, err
		}
		if r := byID[rid]; r != nil {
			r.Participants = append(r.Participants, p)
		}
	}
	return out, prow.Err()
}

// RevisitAgenda is the revisits' agenda source (F9): planned revisits due
// by the end of today (China time) for their assistant and participants;
// overdue ones are urgent.
type RevisitAgenda struct{ db *DB }

var _ wubu.AgendaSource = (*RevisitAgenda)(nil)

// NewRevisitAgenda returns the revisits' agenda source over db.
func NewRevisitAgenda(db *DB) *RevisitAgenda { return &RevisitAgenda{db: db} }

// Agenda titles.
const (
	msgAgendaRevisit        = "Revisit %s: %s"
	msgAgendaRevisitOverdue = "Revisit overdue: %s: %s"
)

// Agenda returns the signed-in user's revisits due today or overdue.
func (s *RevisitAgenda) Agenda(ctx context.Context, now time.Time) ([]wubu.AgendaItem, error) {
	u := wubu.UserFromContext(ctx)
	if u == nil {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	scope, sargs, ok := securityScope(u, "r.project_id")
	if !ok {
		return nil, nil
	}
	local := now.In(cst)
	endOfDay := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, cst).AddDate(0, 0, 1)
	args := append([]any{wubu.RevisitPlanned, endOfDay.UTC(), u.ID, u.ID}, sargs...)
	rows, err := s.db.query(ctx, `SELECT r.id, r.project_id, r.due_at, p.name, r.purpose FROM revisits r
		JOIN persons p ON p.project_id = r.project_id AND p.id = r.person_id
		WHERE r.status = ? AND r.due_at < ?
		AND (r.assistant_id = ? OR EXISTS (SELECT 1 FROM revisit_participants x WHERE x.project_id = r.project_id AND x.revisit_id = r.id AND x.user_id = ?))
		AND `+scope+` ORDER BY r.due_at LIMIT 200`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []wubu.AgendaItem
	for rows.Next() {
		var id, pid int64
		var due time.Time
		var name, purpose string
		if err := rows.Scan(&id, &pid, &due, &name, &purpose); err != nil {
			return nil, err
		}
		if !u.Can(wubu.PermResidentView) {
			continue
		}
		it := wubu.AgendaItem{ProjectID: pid, Kind: "revisit", Title: msgAgendaRevisit, TitleArgs: []any{name, purpose}, Urgency: wubu.UrgencyNormal,
			Due: &due, ObjectType: "revisit", ObjectID: strconv.FormatInt(id, 10), Href: "/revisits/" + strconv.FormatInt(id, 10)}
		if due.Before(now) {
			it.Title, it.Urgency, it.Overdue = msgAgendaRevisitOverdue, wubu.UrgencyHigh, true
		}
		out = append(out, it)
	}
	return out, rows.Err()
}
