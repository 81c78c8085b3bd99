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

// RoundTableService implements wubu.RoundTableService: the round-table
// slots (A1), their bookings, the talks' notes and follow-ups, each
// follow-up with its clock.
type RoundTableService struct {
	db  *DB
	run *runner
}

var _ wubu.RoundTableService = (*RoundTableService)(nil)

// NewRoundTableService returns the round tables over db; follow-ups'
// clocks run on clocks.
func NewRoundTableService(db *DB, clocks wubu.ClockService) *RoundTableService {
	return &RoundTableService{db: db, run: newRunner(db, clocks, nil)}
}

// The most slots one series publishes, and the longest talk.
const (
	maxRoundTableSeries  = 24
	maxRoundTableMinutes = 240
)

const roundTableColumns = `t.id, t.project_id, t.starts_at, t.minutes, t.place, t.host_id, u.name, u.role, u.post, t.state,
	t.person_id, COALESCE(p.name, ''), t.booked_by, t.booked_at, t.notes, t.held_at, t.created_by, t.created_at`

const roundTableFrom = ` FROM round_tables t JOIN users u ON u.id = t.host_id
	LEFT JOIN persons p ON p.project_id = t.project_id AND p.id = t.person_id`

func scanRoundTable(s interface{ Scan(...any) error }) (*wubu.RoundTableSlot, error) {
	t := &wubu.RoundTableSlot{}
	err := s.Scan(&t.ID, &t.ProjectID, &t.StartsAt, &t.Minutes, &t.Place, &t.HostID, &t.HostName, &t.HostRole, &t.HostPost, &t.State,
		&t.PersonID, &t.PersonName, &t.BookedBy, &t.BookedAt, &t.Notes, &t.HeldAt, &t.CreatedBy, &t.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Slot not found.")
	}
	return t, err
}

// roundTables is how the life-cycle runner reads and writes slots; each
// step of a booked slot is on its resident's timeline.
var roundTables = &machine[*wubu.RoundTableSlot]{
	lc: wubu.RoundTableLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.RoundTableSlot, error) {
		q := `SELECT ` + roundTableColumns + roundTableFrom + ` WHERE t.id = ?`
		if lock {
			q += tx.db.forUpdate("t")
		}
		return scanRoundTable(tx.queryRow(ctx, q, id))
	},
	facts: func(t *wubu.RoundTableSlot) facts {
		return facts{ProjectID: t.ProjectID, ID: t.ID, State: t.State, Post: wubu.PostService, AssigneeID: &t.HostID, AssigneeName: t.HostName,
			ReporterID: &t.CreatedBy, PersonID: t.PersonID}
	},
	setState: func(t *wubu.RoundTableSlot, s string) { t.State = s },
	insert: func(ctx context.Context, tx *Tx, t *wubu.RoundTableSlot) (err error) {
		t.ID, err = tx.insert(ctx, `INSERT INTO round_tables (project_id, starts_at, minutes, place, host_id, state, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.ProjectID, t.StartsAt, t.Minutes, t.Place, t.HostID, t.State, t.CreatedBy, t.CreatedAt, t.CreatedAt)
		return err
	},
	save: func(ctx context.Context, tx *Tx, t *wubu.RoundTableSlot) error {
		_, err := tx.exec(ctx, `UPDATE round_tables SET state = ?, person_id = ?, booked_by = ?, booked_at = ?, notes = ?, held_at = ?, updated_at = ?
			WHERE project_id = ? AND id = ?`, t.State, t.PersonID, t.BookedBy, t.BookedAt, t.Notes, t.HeldAt, tx.now, t.ProjectID, t.ID)
		return err
	},
	clone: func(t *wubu.RoundTableSlot) *wubu.RoundTableSlot { c := *t; return &c },
	audit: func(t *wubu.RoundTableSlot) any {
		return map[string]any{"state": t.State, "starts_at": t.StartsAt, "place": t.Place, "host_id": t.HostID, "person_id": t.PersonID, "booked_by": t.BookedBy}
	},
	timeline: func(t *wubu.RoundTableSlot, _ string) (string, string) { return "", roundTableLine(t) },
	// The host's notices of a booking and a cancellation.
	vars: func(t *wubu.RoundTableSlot) map[string]string {
		return map[string]string{"slot": strconv.FormatInt(t.ID, 10), "when": t.StartsAt.In(cst).Format("01-02 15:04"), "place": t.Place, "person": t.PersonName}
	},
}

// roundTableLine is a talk as the resident's timeline names it: when, with
// whom.
func roundTableLine(t *wubu.RoundTableSlot) string {
	return t.StartsAt.In(cst).Format("2006-01-02 15:04") + " " + t.HostName
}

const talkFollowUpColumns = `f.id, f.project_id, f.slot_id, f.action, f.owner_id, u.name, f.due_at, f.state, f.outcome, f.closed_at, t.person_id`

const talkFollowUpFrom = ` FROM talk_followups f JOIN users u ON u.id = f.owner_id
	JOIN round_tables t ON t.project_id = f.project_id AND t.id = f.slot_id`

func scanTalkFollowUp(s interface{ Scan(...any) error }, now time.Time) (*wubu.TalkFollowUp, error) {
	f := &wubu.TalkFollowUp{}
	err := s.Scan(&f.ID, &f.ProjectID, &f.SlotID, &f.Action, &f.OwnerID, &f.OwnerName, &f.DueAt, &f.State, &f.Outcome, &f.ClosedAt, &f.PersonID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Follow-up not found.")
	}
	f.Overdue = f.State == wubu.TalkFollowUpOpen && now.After(f.DueAt)
	return f, err
}

// talkFollowUps is how the life-cycle runner reads and writes the talks'
// follow-ups: the owner is the assignee the clock reaches.
var talkFollowUps = &machine[*wubu.TalkFollowUp]{
	lc: wubu.TalkFollowUpLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.TalkFollowUp, error) {
		q := `SELECT ` + talkFollowUpColumns + talkFollowUpFrom + ` WHERE f.id = ?`
		if lock {
			q += tx.db.forUpdate("f")
		}
		return scanTalkFollowUp(tx.queryRow(ctx, q, id), tx.now)
	},
	facts: func(f *wubu.TalkFollowUp) facts {
		return facts{ProjectID: f.ProjectID, ID: f.ID, State: f.State, Post: wubu.PostService, AssigneeID: &f.OwnerID, AssigneeName: f.OwnerName,
			Due: &f.DueAt, PersonID: f.PersonID}
	},
	setState: func(f *wubu.TalkFollowUp, s string) { f.State = s },
	insert: func(ctx context.Context, tx *Tx, f *wubu.TalkFollowUp) (err error) {
		f.ID, err = tx.insert(ctx, `INSERT INTO talk_followups (project_id, slot_id, action, owner_id, due_at, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			f.ProjectID, f.SlotID, f.Action, f.OwnerID, f.DueAt, f.State, tx.now)
		return err
	},
	save: func(ctx context.Context, tx *Tx, f *wubu.TalkFollowUp) error {
		_, err := tx.exec(ctx, `UPDATE talk_followups SET state = ?, outcome = ?, closed_at = ? WHERE project_id = ? AND id = ?`,
			f.State, f.Outcome, f.ClosedAt, f.ProjectID, f.ID)
		return err
	},
	clone: func(f *wubu.TalkFollowUp) *wubu.TalkFollowUp { c := *f; return &c },
	audit: func(f *wubu.TalkFollowUp) any {
		return map[string]any{"state": f.State, "slot_id": f.SlotID, "action": f.Action, "owner_id": f.OwnerID, "due_at": f.DueAt, "outcome": f.Outcome}
	},
	// The follow-up closed is on the resident's timeline, with its outcome.
	timeline: func(f *wubu.TalkFollowUp, action string) (string, string) {
		if action != wubu.TalkFollowUpClose {
			return "", ""
		}
		return "", f.Action + ": " + f.Outcome
	},
}

// servingStaff returns the staff member id if they serve the project and
// are not disabled; otherwise the field's refusal.
func servingStaff(ctx context.Context, tx *Tx, projectID, id int64, field string) (*wubu.User, error) {
	u, err := findUser(ctx, tx.db, tx, `id = ?`, id)
	if err != nil && wubu.ErrorCode(err) != wubu.ENOTFOUND {
		return nil, err
	}
	if err != nil || u.Disabled || !slices.Contains(u.ProjectIDs, projectID) {
		return nil, wubu.FieldErrorf(field, wubu.EINVALID, "Choose a staff member of the project.")
	}
	return u, nil
}

// roundTableTimes reads a series' start times, in order, each once.
func roundTableTimes(day string, times []string) ([]time.Time, error) {
	d, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(day), cst)
	if err != nil {
		return nil, wubu.FieldErrorf("day", wubu.EINVALID, "Write the date as 2026-11-27.")
	}
	var out []time.Time
	for _, s := range times {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		hm, err := time.Parse("15:04", s)
		if err != nil {
			return nil, wubu.FieldErrorf("times", wubu.EINVALID, "Write each start time as 09:30, separated by commas.")
		}
		t := d.Add(time.Duration(hm.Hour())*time.Hour + time.Duration(hm.Minute())*time.Minute).UTC()
		if !slices.ContainsFunc(out, t.Equal) {
			out = append(out, t)
		}
	}
	if len(out) == 0 || len(out) > maxRoundTableSeries {
		return nil, wubu.FieldErrorf("times", wubu.EINVALID, "Give from 1 to %d start times.", maxRoundTableSeries)
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out, nil
}

// PublishRoundTables publishes a day's series of slots in one transaction:
// all of them, or none.
func (s *RoundTableService) PublishRoundTables(ctx context.Context, in wubu.RoundTableSeries) ([]*wubu.RoundTableSlot, error) {
	u, err := wubu.Authorize(ctx, wubu.PermResidentEdit, in.ProjectID)
	if err != nil {
		return nil, err
	}
	in.Place = strings.TrimSpace(in.Place)
	starts, err := roundTableTimes(in.Day, in.Times)
	if err != nil {
		return nil, err
	}
	now := s.db.now()
	switch {
	case !starts[0].After(now):
		return nil, wubu.FieldErrorf("day", wubu.EINVALID, "The slots must be in the future.")
	case in.Minutes < 10 || in.Minutes > maxRoundTableMinutes:
		return nil, wubu.FieldErrorf("minutes", wubu.EINVALID, "A talk lasts from 10 to %d minutes.", maxRoundTableMinutes)
	case in.Place == "" || utf8.RuneCountInString(in.Place) > 80:
		return nil, wubu.FieldErrorf("place", wubu.EINVALID, "Say where the talks take place (at most %d characters).", 80)
	}
	for i := 1; i < len(starts); i++ {
		if starts[i].Sub(starts[i-1]) < time.Duration(in.Minutes)*time.Minute {
			return nil, wubu.FieldErrorf("times", wubu.EINVALID, "The slots overlap: start them at least %d minutes apart.", in.Minutes)
		}
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	host, err := servingStaff(ctx, tx, in.ProjectID, in.HostID, "host_id")
	if err != nil {
		return nil, err
	}
	// The host holds no other slot at the same time.
	if err := s.hostFree(ctx, tx, in.ProjectID, host, starts, in.Minutes); err != nil {
		return nil, err
	}
	var out []*wubu.RoundTableSlot
	for _, at := range starts {
		t := &wubu.RoundTableSlot{ProjectID: in.ProjectID, StartsAt: at, Minutes: in.Minutes, Place: in.Place, HostID: host.ID, HostName: host.Name,
			HostRole: host.Role, HostPost: host.Post, CreatedBy: u.ID, CreatedAt: tx.now}
		if err := createIn(ctx, s.run, tx, roundTables, wubu.RoundTablePublish, t, ""); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if err := s.run.commit(ctx, tx); err != nil {
		return nil, err
	}
	return out, nil
}

// hostFree refuses slots overlapping the host's live slots.
func (s *RoundTableService) hostFree(ctx context.Context, tx *Tx, projectID int64, host *wubu.User, starts []time.Time, minutes int) error {
	rows, err := tx.query(ctx, `SELECT starts_at, minutes FROM round_tables WHERE project_id = ? AND host_id = ? AND state IN (?, ?)`,
		projectID, host.ID, wubu.RoundTableOpen, wubu.RoundTableBooked)
	if err != nil {
		return err
	}
	defer rows.Close()
	span := time.Duration(minutes) * time.Minute
	for rows.Next() {
		var at time.Time
		var m int
		if err := rows.Scan(&at, &m); err != nil {
			return err
		}
		for _, st := range starts {
			if st.Before(at.Add(time.Duration(m)*time.Minute)) && at.Before(st.Add(span)) {
				return wubu.FieldErrorf("times", wubu.EINVALID, "%s already holds a slot at %s.", host.Name, at.In(cst).Format("2006-01-02 15:04"))
			}
		}
	}
	return rows.Err()
}

// FindRoundTables returns a project's slots by start time.
func (s *RoundTableService) FindRoundTables(ctx context.Context, projectID int64, f wubu.RoundTableFilter) ([]*wubu.RoundTableSlot, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	where, args := []string{"t.project_id = ?"}, []any{projectID}
	if f.From != nil {
		where, args = append(where, "t.starts_at >= ?"), append(args, f.From.UTC())
	}
	if f.Until != nil {
		where, args = append(where, "t.starts_at < ?"), append(args, f.Until.UTC())
	}
	if f.State != "" {
		where, args = append(where, "t.state = ?"), append(args, f.State)
	}
	if f.HostID != nil {
		where, args = append(where, "t.host_id = ?"), append(args, *f.HostID)
	}
	rows, err := s.db.query(ctx, `SELECT `+roundTableColumns+roundTableFrom+` WHERE `+strings.Join(where, " AND ")+` ORDER BY t.starts_at, t.id LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []*wubu.RoundTableSlot{}
	for rows.Next() {
		t, err := scanRoundTable(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, t)
	}
	return list, rows.Err()
}

// FindRoundTable returns a slot with its follow-ups.
func (s *RoundTableService) FindRoundTable(ctx context.Context, id int64) (*wubu.RoundTableSlot, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, 0); err != nil {
		return nil, err
	}
	t, err := scanRoundTable(s.db.queryRow(ctx, `SELECT `+roundTableColumns+roundTableFrom+` WHERE t.id = ?`, id))
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, t.ProjectID); err != nil {
		if wubu.ErrorCode(err) == wubu.ENOTFOUND {
			return nil, wubu.Errorf(wubu.ENOTFOUND, "Slot not found.")
		}
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+talkFollowUpColumns+talkFollowUpFrom+` WHERE f.project_id = ? AND f.slot_id = ? ORDER BY f.due_at, f.id`, t.ProjectID, t.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := s.db.now()
	for rows.Next() {
		f, err := scanTalkFollowUp(rows, now)
		if err != nil {
			return nil, err
		}
		t.FollowUps = append(t.FollowUps, f)
	}
	return t, rows.Err()
}

// BookRoundTable books a resident into a free slot. The runner locks the
// slot's row (PostgreSQL) in an immediate transaction (SQLite) and checks
// its state after the lock: of two bookings at once, the second finds the
// slot booked.
func (s *RoundTableService) BookRoundTable(ctx context.Context, slotID, residentID int64, by wubu.BookedBy) (*wubu.RoundTableSlot, error) {
	if by != wubu.BookedByStaff && by != wubu.BookedByResident {
		return nil, wubu.FieldErrorf("booked_by", wubu.EINVALID, "Say who books the talk.")
	}
	return runStep(ctx, s.run, roundTables, slotID, wubu.RoundTableBook, func(ctx context.Context, tx *Tx, t *wubu.RoundTableSlot, u *wubu.User) (string, error) {
		if !t.StartsAt.After(tx.now) {
			return "", wubu.Errorf(wubu.ECONFLICT, "Slot %d has begun: it can no longer be booked.", t.ID)
		}
		// A resident on the portal books only themselves.
		if id := wubu.PortalIdentityFromContext(ctx); u.Role == wubu.RoleResident && (id == nil || id.PersonID != residentID) {
			return "", wubu.Errorf(wubu.ENOTFOUND, "Not found.")
		}
		var name string
		err := tx.queryRow(ctx, `SELECT name FROM persons WHERE project_id = ? AND id = ?`, t.ProjectID, residentID).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return "", wubu.FieldErrorf("person_id", wubu.ENOTFOUND, "Not found.")
		} else if err != nil {
			return "", err
		}
		// One resident, one talk at a time.
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM round_tables WHERE project_id = ? AND person_id = ? AND state = ? AND starts_at = ?`,
			t.ProjectID, residentID, wubu.RoundTableBooked, t.StartsAt).Scan(&n); err != nil {
			return "", err
		} else if n > 0 {
			return "", wubu.FieldErrorf("person_id", wubu.ECONFLICT, "%s is already booked for another talk at that time.", name)
		}
		at := tx.now
		t.PersonID, t.PersonName, t.BookedBy, t.BookedAt = &residentID, name, by, &at
		return string(by), nil
	})
}

// CancelRoundTable cancels the booking: the slot is free again, and the
// resident's timeline says the talk was cancelled.
func (s *RoundTableService) CancelRoundTable(ctx context.Context, slotID int64, reason string) (*wubu.RoundTableSlot, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > 200 {
		return nil, wubu.FieldErrorf("reason", wubu.EINVALID, "The reason may be at most %d characters.", 200)
	}
	return runStep(ctx, s.run, roundTables, slotID, wubu.RoundTableCancel, func(ctx context.Context, tx *Tx, t *wubu.RoundTableSlot, u *wubu.User) (string, error) {
		// A resident on the portal cancels only their own talk, before it begins.
		if u.Role == wubu.RoleResident {
			if id := wubu.PortalIdentityFromContext(ctx); id == nil || t.PersonID == nil || *t.PersonID != id.PersonID {
				return "", wubu.Errorf(wubu.ENOTFOUND, "Slot not found.")
			}
			if !t.StartsAt.After(tx.now) {
				return "", wubu.Errorf(wubu.ECONFLICT, "Slot %d has begun: it can no longer be cancelled.", t.ID)
			}
		}
		if t.PersonID != nil {
			if err := addTimeline(ctx, tx, t.ProjectID, *t.PersonID, "round_table.cancelled", roundTableLine(t)); err != nil {
				return "", err
			}
		}
		// The name stays for the host's notice; the slot is free.
		t.PersonID, t.BookedBy, t.BookedAt = nil, "", nil
		return reason, nil
	})
}

// HoldRoundTable records the talk as held with its notes.
func (s *RoundTableService) HoldRoundTable(ctx context.Context, slotID int64, notes string) (*wubu.RoundTableSlot, error) {
	notes = strings.TrimSpace(notes)
	if notes == "" || utf8.RuneCountInString(notes) > 4000 {
		return nil, wubu.FieldErrorf("notes", wubu.EINVALID, "Record the talk's notes (at most %d characters).", 4000)
	}
	return runStep(ctx, s.run, roundTables, slotID, wubu.RoundTableHold, func(ctx context.Context, tx *Tx, t *wubu.RoundTableSlot, _ *wubu.User) (string, error) {
		at := tx.now
		t.Notes, t.HeldAt = notes, &at
		return "", nil
	})
}

// WithdrawRoundTable takes a free slot off.
func (s *RoundTableService) WithdrawRoundTable(ctx context.Context, slotID int64) (*wubu.RoundTableSlot, error) {
	return runStep(ctx, s.run, roundTables, slotID, wubu.RoundTableWithdraw, func(context.Context, *Tx, *wubu.RoundTableSlot, *wubu.User) (string, error) { return "", nil })
}

// PlanTalkFollowUp plans a follow-up of a booked or held talk; its clock
// runs to its due time. Without an owner, the talk's host owns it.
func (s *RoundTableService) PlanTalkFollowUp(ctx context.Context, f *wubu.TalkFollowUp) error {
	if err := checkFollowUp(&f.Action, f.DueAt, s.db.now()); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	t, err := roundTables.load(ctx, tx, f.SlotID, false)
	if err != nil {
		return err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentEdit, t.ProjectID); err != nil {
		if wubu.ErrorCode(err) == wubu.ENOTFOUND {
			return wubu.Errorf(wubu.ENOTFOUND, "Slot not found.")
		}
		return err
	}
	if t.State != wubu.RoundTableBooked && t.State != wubu.RoundTableHeld {
		return wubu.Errorf(wubu.ECONFLICT, "Slot %d has no talk: follow-ups belong to booked or held talks.", t.ID)
	}
	if f.OwnerID == 0 {
		f.OwnerID = t.HostID
	}
	owner, err := servingStaff(ctx, tx, t.ProjectID, f.OwnerID, "owner_id")
	if err != nil {
		return err
	}
	f.ProjectID, f.OwnerName, f.PersonID, f.DueAt = t.ProjectID, owner.Name, t.PersonID, f.DueAt.UTC().Truncate(time.Microsecond)
	if err := createIn(ctx, s.run, tx, talkFollowUps, wubu.TalkFollowUpPlan, f, f.Action); err != nil {
		return err
	}
	return s.run.commit(ctx, tx)
}

// CloseTalkFollowUp closes a follow-up with its outcome, stopping its
// clock (met, or missed when past its due time).
func (s *RoundTableService) CloseTalkFollowUp(ctx context.Context, id int64, outcome string) (*wubu.TalkFollowUp, error) {
	outcome = strings.TrimSpace(outcome)
	if outcome == "" || utf8.RuneCountInString(outcome) > 1000 {
		return nil, wubu.FieldErrorf("outcome", wubu.EINVALID, "Record the outcome (at most %d characters).", 1000)
	}
	return runStep(ctx, s.run, talkFollowUps, id, wubu.TalkFollowUpClose, func(ctx context.Context, tx *Tx, f *wubu.TalkFollowUp, _ *wubu.User) (string, error) {
		at := tx.now
		f.Outcome, f.ClosedAt, f.Overdue = outcome, &at, false
		return outcome, nil
	})
}
