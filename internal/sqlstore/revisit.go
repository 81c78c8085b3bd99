package sqlstore

import (
	"context"
	"database/sql"
	"errors"
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
}

var _ wubu.RevisitService = (*RevisitService)(nil)

// NewRevisitService returns the revisit service over db; security names
// the security leaders who go along on key customers' revisits.
func NewRevisitService(db *DB, security wubu.SecurityService) *RevisitService {
	return &RevisitService{db: db, security: security}
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

// ScheduleRevisit plans a revisit; see wubu.RevisitService.
func (s *RevisitService) ScheduleRevisit(ctx context.Context, r *wubu.Revisit) error {
	pid, name, u, err := s.revisitPerson(ctx, r.PersonID, wubu.PermResidentEdit)
	if err != nil {
		return err
	}
	r.Purpose = strings.TrimSpace(r.Purpose)
	now := s.db.now()
	switch {
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
	r.ProjectID, r.PersonName, r.Status = pid, name, wubu.RevisitPlanned
	r.AssistantID, r.AssistantName = u.ID, u.Name
	r.DueAt = r.DueAt.UTC().Truncate(time.Microsecond)
	r.CreatedAt = tx.now
	r.DoneAt, r.Notes, r.Satisfaction = nil, "", 0
	if r.ID, err = tx.insert(ctx, `INSERT INTO revisits (project_id, person_id, assistant_id, due_at, purpose, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		pid, r.PersonID, u.ID, r.DueAt, r.Purpose, r.Status, tx.now); err != nil {
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
	if err := addTimeline(ctx, tx, pid, r.PersonID, "revisit.planned", r.Purpose); err != nil {
		return err
	}
	if err := tx.audit(ctx, pid, wubu.ActionCreate, "revisit", r.ID, nil, r); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	r.Overdue = r.DueAt.Before(now)
	return nil
}

// RecordRevisit records a revisit's outcome; see wubu.RevisitService.
func (s *RevisitService) RecordRevisit(ctx context.Context, id int64, notes string, satisfaction int) (*wubu.Revisit, error) {
	old, err := s.find(ctx, id, wubu.PermResidentEdit)
	if err != nil {
		return nil, err
	}
	notes = strings.TrimSpace(notes)
	switch {
	case old.Status != wubu.RevisitPlanned:
		return nil, wubu.Errorf(wubu.ECONFLICT, "The outcome of this revisit is already recorded.")
	case notes == "":
		return nil, wubu.FieldErrorf("notes", wubu.EINVALID, "Write down how the revisit went.")
	case utf8.RuneCountInString(notes) > maxRevisitNotes:
		return nil, wubu.FieldErrorf("notes", wubu.EINVALID, "Notes must be at most %d characters.", maxRevisitNotes)
	case satisfaction < 1 || satisfaction > 5:
		return nil, wubu.FieldErrorf("satisfaction", wubu.EINVALID, "Choose the resident's satisfaction from 1 to 5.")
	}
	u := wubu.UserFromContext(ctx)
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// Only a planned revisit takes an outcome: two recorders, one wins.
	res, err := tx.exec(ctx, `UPDATE revisits SET status = ?, done_at = ?, done_by = ?, notes = ?, satisfaction = ? WHERE project_id = ? AND id = ? AND status = ?`,
		wubu.RevisitDone, tx.now, u.ID, notes, satisfaction, old.ProjectID, id, wubu.RevisitPlanned)
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, err
	} else if n == 0 {
		return nil, wubu.Errorf(wubu.ECONFLICT, "The outcome of this revisit is already recorded.")
	}
	// The timeline reads "timeline:revisit" with the satisfaction and notes.
	text := strconv.Itoa(satisfaction) + "/5 " + notes
	if err := addTimeline(ctx, tx, old.ProjectID, old.PersonID, "revisit", text); err != nil {
		return nil, err
	}
	r := *old
	done := tx.now
	r.Status, r.DoneAt, r.DoneByName, r.Notes, r.Satisfaction, r.Overdue = wubu.RevisitDone, &done, u.Name, notes, satisfaction, false
	if err := tx.audit(ctx, old.ProjectID, wubu.ActionUpdate, "revisit", id, old, &r); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return &r, nil
}

// FindRevisit returns one revisit; see wubu.RevisitService.
func (s *RevisitService) FindRevisit(ctx context.Context, id int64) (*wubu.Revisit, error) {
	return s.find(ctx, id, wubu.PermResidentView)
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
		r.status, r.done_at, COALESCE(d.name, ''), r.notes, r.satisfaction, r.created_at
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
		if err := rows.Scan(&r.ID, &r.ProjectID, &r.PersonID, &r.PersonName, &r.Importance, &r.DueAt, &r.Purpose, &r.AssistantID, &r.AssistantName,
			&r.Status, &done, &r.DoneByName, &r.Notes, &r.Satisfaction, &r.CreatedAt); err != nil {
			rows.Close()
			return nil, err
		}
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
