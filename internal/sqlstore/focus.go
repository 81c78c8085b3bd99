package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
)

// FocusService implements wubu.FocusService: the anticipated-issue
// register (K8), its escalations to the developer and its follow-ups,
// each follow-up with its clock.
type FocusService struct {
	db  *DB
	run *runner
}

var _ wubu.FocusService = (*FocusService)(nil)

// NewFocusService returns the register over db; follow-ups' clocks run on
// clocks.
func NewFocusService(db *DB, clocks wubu.ClockService) *FocusService {
	return &FocusService{db: db, run: newRunner(db, clocks, nil)}
}

const focusColumns = `i.id, i.project_id, i.title, i.description, i.source, i.households, i.severity, i.owner_id, u.name, i.state, COALESCE(i.created_by, 0), i.created_at`

const focusFrom = ` FROM focus_issues i JOIN users u ON u.id = i.owner_id`

func scanFocus(s interface{ Scan(...any) error }) (*wubu.FocusIssue, error) {
	i := &wubu.FocusIssue{Escalations: []wubu.FocusEscalation{}, FollowUps: []*wubu.FocusFollowUp{}}
	err := s.Scan(&i.ID, &i.ProjectID, &i.Title, &i.Description, &i.Source, &i.Households, &i.Severity, &i.OwnerID, &i.OwnerName, &i.State, &i.CreatedBy, &i.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Issue not found.")
	}
	i.Impact = i.Households * i.Severity
	return i, err
}

// focusIssues is how the life-cycle runner reads and writes issues.
var focusIssues = &machine[*wubu.FocusIssue]{
	lc: wubu.FocusLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.FocusIssue, error) {
		q := `SELECT ` + focusColumns + focusFrom + ` WHERE i.id = ?`
		if lock {
			q += tx.db.forUpdate("i")
		}
		return scanFocus(tx.queryRow(ctx, q, id))
	},
	facts: func(i *wubu.FocusIssue) facts {
		return facts{ProjectID: i.ProjectID, ID: i.ID, State: string(i.State), Post: wubu.PostService, AssigneeID: &i.OwnerID, AssigneeName: i.OwnerName, ReporterID: &i.CreatedBy}
	},
	setState: func(i *wubu.FocusIssue, s string) { i.State = wubu.FocusState(s) },
	insert: func(ctx context.Context, tx *Tx, i *wubu.FocusIssue) (err error) {
		i.ID, err = tx.insert(ctx, `INSERT INTO focus_issues (project_id, title, description, source, households, severity, owner_id, state, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, i.ProjectID, i.Title, i.Description, i.Source, i.Households, i.Severity, i.OwnerID, i.State, actorID(wubu.UserFromContext(ctx)), i.CreatedAt, i.CreatedAt)
		return err
	},
	save: func(ctx context.Context, tx *Tx, i *wubu.FocusIssue) error {
		_, err := tx.exec(ctx, `UPDATE focus_issues SET state = ?, updated_at = ? WHERE project_id = ? AND id = ?`, i.State, tx.now, i.ProjectID, i.ID)
		return err
	},
	clone: func(i *wubu.FocusIssue) *wubu.FocusIssue { c := *i; return &c },
	audit: func(i *wubu.FocusIssue) any {
		return map[string]any{"state": i.State, "title": i.Title, "households": i.Households, "severity": i.Severity, "owner_id": i.OwnerID}
	},
}

const followUpColumns = `f.id, f.project_id, f.issue_id, f.action, f.owner_id, u.name, f.due_at, f.state, f.note, f.done_at`

func scanFollowUp(s interface{ Scan(...any) error }, now time.Time) (*wubu.FocusFollowUp, error) {
	f := &wubu.FocusFollowUp{}
	err := s.Scan(&f.ID, &f.ProjectID, &f.IssueID, &f.Action, &f.OwnerID, &f.OwnerName, &f.DueAt, &f.State, &f.Note, &f.DoneAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Follow-up not found.")
	}
	f.Overdue = f.State == wubu.FollowUpPlanned && now.After(f.DueAt)
	return f, err
}

// focusFollowUps is how the life-cycle runner reads and writes follow-ups.
var focusFollowUps = &machine[*wubu.FocusFollowUp]{
	lc: wubu.FocusFollowUpLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.FocusFollowUp, error) {
		q := `SELECT ` + followUpColumns + ` FROM focus_followups f JOIN users u ON u.id = f.owner_id WHERE f.id = ?`
		if lock {
			q += tx.db.forUpdate("f")
		}
		return scanFollowUp(tx.queryRow(ctx, q, id), tx.now)
	},
	facts: func(f *wubu.FocusFollowUp) facts {
		return facts{ProjectID: f.ProjectID, ID: f.ID, State: f.State, Post: wubu.PostService, AssigneeID: &f.OwnerID, AssigneeName: f.OwnerName, Due: &f.DueAt}
	},
	setState: func(f *wubu.FocusFollowUp, s string) { f.State = s },
	insert: func(ctx context.Context, tx *Tx, f *wubu.FocusFollowUp) (err error) {
		f.ID, err = tx.insert(ctx, `INSERT INTO focus_followups (project_id, issue_id, action, owner_id, due_at, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			f.ProjectID, f.IssueID, f.Action, f.OwnerID, f.DueAt, f.State, tx.now)
		return err
	},
	save: func(ctx context.Context, tx *Tx, f *wubu.FocusFollowUp) error {
		_, err := tx.exec(ctx, `UPDATE focus_followups SET state = ?, note = ?, done_at = ? WHERE project_id = ? AND id = ?`, f.State, f.Note, f.DoneAt, f.ProjectID, f.ID)
		return err
	},
	clone: func(f *wubu.FocusFollowUp) *wubu.FocusFollowUp { c := *f; return &c },
	audit: func(f *wubu.FocusFollowUp) any {
		return map[string]any{"state": f.State, "issue_id": f.IssueID, "action": f.Action, "owner_id": f.OwnerID, "due_at": f.DueAt, "note": f.Note}
	},
}

// focusOwner checks that the owner serves the project.
func focusOwner(ctx context.Context, tx *Tx, projectID, ownerID int64) (string, error) {
	o, err := findUser(ctx, tx.db, tx, `id = ?`, ownerID)
	if err != nil || o.Disabled || !slices.Contains(o.ProjectIDs, projectID) {
		return "", wubu.FieldErrorf("owner_id", wubu.EINVALID, "Choose the owner among the project's staff.")
	}
	return o.Name, nil
}

// RecordFocusIssue records an issue on the register.
func (s *FocusService) RecordFocusIssue(ctx context.Context, i *wubu.FocusIssue) error {
	i.Title, i.Description = strings.TrimSpace(i.Title), strings.TrimSpace(i.Description)
	if i.Source == "" {
		i.Source = "staff"
	}
	switch {
	case i.Title == "" || utf8.RuneCountInString(i.Title) > 80:
		return wubu.FieldErrorf("title", wubu.EINVALID, "Name the issue (at most %d characters).", 80)
	case utf8.RuneCountInString(i.Description) > 1000:
		return wubu.FieldErrorf("description", wubu.EINVALID, "The description may be at most %d characters.", 1000)
	case !slices.Contains(wubu.FocusSources, i.Source):
		return wubu.FieldErrorf("source", wubu.EINVALID, "Choose where the issue was collected.")
	case i.Households < 1 || i.Households > 100000:
		return wubu.FieldErrorf("households", wubu.EINVALID, "Households affected: a number from 1 to %d.", 100000)
	case i.Severity < 1 || i.Severity > 5:
		return wubu.FieldErrorf("severity", wubu.EINVALID, "Severity: a number from 1 to %d.", 5)
	}
	_, err := runCreate(ctx, s.run, focusIssues, i.ProjectID, wubu.FocusRecord, i, func(ctx context.Context, tx *Tx, i *wubu.FocusIssue, u *wubu.User) (string, error) {
		name, err := focusOwner(ctx, tx, i.ProjectID, i.OwnerID)
		if err != nil {
			return "", err
		}
		i.OwnerName, i.CreatedBy, i.CreatedAt, i.Impact = name, u.ID, tx.now, i.Households*i.Severity
		return i.Title, nil
	})
	return err
}

// FindFocusIssues returns the project's ranked register.
func (s *FocusService) FindFocusIssues(ctx context.Context, projectID int64) ([]*wubu.FocusIssue, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+focusColumns+focusFrom+` WHERE i.project_id = ?`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []*wubu.FocusIssue{}
	byID := map[int64]*wubu.FocusIssue{}
	for rows.Next() {
		i, err := scanFocus(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, i)
		byID[i.ID] = i
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	// Ranked by impact; the resolved ones after the others.
	sort.SliceStable(list, func(a, b int) bool {
		ra, rb := list[a].State == wubu.FocusResolved, list[b].State == wubu.FocusResolved
		if ra != rb {
			return rb
		}
		if list[a].Impact != list[b].Impact {
			return list[a].Impact > list[b].Impact
		}
		return list[a].ID < list[b].ID
	})
	for n, i := range list {
		i.Rank = n + 1
	}
	if err := s.details(ctx, projectID, byID); err != nil {
		return nil, err
	}
	return list, nil
}

// details reads the escalations and follow-ups of issues.
func (s *FocusService) details(ctx context.Context, projectID int64, byID map[int64]*wubu.FocusIssue) error {
	rows, err := s.db.query(ctx, `SELECT issue_id, id, question, sent_at, answer, answered_at FROM focus_escalations WHERE project_id = ? ORDER BY id`, projectID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var issue int64
		var e wubu.FocusEscalation
		if err := rows.Scan(&issue, &e.ID, &e.Question, &e.SentAt, &e.Answer, &e.AnsweredAt); err != nil {
			return err
		}
		if i := byID[issue]; i != nil {
			i.Escalations = append(i.Escalations, e)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	now := s.db.now()
	frows, err := s.db.query(ctx, `SELECT `+followUpColumns+` FROM focus_followups f JOIN users u ON u.id = f.owner_id WHERE f.project_id = ? ORDER BY f.due_at, f.id`, projectID)
	if err != nil {
		return err
	}
	defer frows.Close()
	for frows.Next() {
		f, err := scanFollowUp(frows, now)
		if err != nil {
			return err
		}
		if i := byID[f.IssueID]; i != nil {
			i.FollowUps = append(i.FollowUps, f)
		}
	}
	return frows.Err()
}

// FindFocusIssue returns one issue with its rank in its project.
func (s *FocusService) FindFocusIssue(ctx context.Context, id int64) (*wubu.FocusIssue, error) {
	i, err := scanFocus(s.db.queryRow(ctx, `SELECT `+focusColumns+focusFrom+` WHERE i.id = ?`, id))
	if err != nil {
		return nil, err
	}
	list, err := s.FindFocusIssues(ctx, i.ProjectID)
	if err != nil {
		return nil, hiddenIssue(err)
	}
	for _, x := range list {
		if x.ID == id {
			return x, nil
		}
	}
	return nil, wubu.Errorf(wubu.ENOTFOUND, "Issue not found.")
}

// EscalateFocusIssue records the issue's escalation to the developer.
func (s *FocusService) EscalateFocusIssue(ctx context.Context, id int64, question string) (*wubu.FocusIssue, error) {
	question = strings.TrimSpace(question)
	if question == "" || utf8.RuneCountInString(question) > 1000 {
		return nil, wubu.FieldErrorf("question", wubu.EINVALID, "Say what the developer is asked (at most %d characters).", 1000)
	}
	_, err := runStep(ctx, s.run, focusIssues, id, wubu.FocusEscalate, func(ctx context.Context, tx *Tx, i *wubu.FocusIssue, u *wubu.User) (string, error) {
		_, err := tx.insert(ctx, `INSERT INTO focus_escalations (project_id, issue_id, question, sent_by, sent_at) VALUES (?, ?, ?, ?, ?)`, i.ProjectID, i.ID, question, actorID(u), tx.now)
		return question, err
	})
	if err != nil {
		return nil, err
	}
	return s.FindFocusIssue(ctx, id)
}

// AnswerFocusIssue records the developer's answer to the last escalation.
func (s *FocusService) AnswerFocusIssue(ctx context.Context, id int64, answer string) (*wubu.FocusIssue, error) {
	answer = strings.TrimSpace(answer)
	if answer == "" || utf8.RuneCountInString(answer) > 1000 {
		return nil, wubu.FieldErrorf("answer", wubu.EINVALID, "Record the developer's answer (at most %d characters).", 1000)
	}
	_, err := runStep(ctx, s.run, focusIssues, id, wubu.FocusAnswer, func(ctx context.Context, tx *Tx, i *wubu.FocusIssue, u *wubu.User) (string, error) {
		_, err := tx.exec(ctx, `UPDATE focus_escalations SET answer = ?, answered_at = ? WHERE project_id = ? AND issue_id = ? AND answered_at IS NULL`, answer, tx.now, i.ProjectID, i.ID)
		return answer, err
	})
	if err != nil {
		return nil, err
	}
	return s.FindFocusIssue(ctx, id)
}

// ResolveFocusIssue takes the issue off the ranked view's head.
func (s *FocusService) ResolveFocusIssue(ctx context.Context, id int64) (*wubu.FocusIssue, error) {
	_, err := runStep(ctx, s.run, focusIssues, id, wubu.FocusResolve, func(context.Context, *Tx, *wubu.FocusIssue, *wubu.User) (string, error) { return "", nil })
	if err != nil {
		return nil, err
	}
	return s.FindFocusIssue(ctx, id)
}

// checkFollowUp checks a follow-up's action (trimmed in place) and due
// time: the anticipated-issue register's and the round tables' follow-ups.
func checkFollowUp(action *string, due, now time.Time) error {
	*action = strings.TrimSpace(*action)
	switch {
	case *action == "" || utf8.RuneCountInString(*action) > 200:
		return wubu.FieldErrorf("action", wubu.EINVALID, "Say what is to be done (at most %d characters).", 200)
	case due.IsZero():
		return wubu.FieldErrorf("due_at", wubu.EINVALID, "Give the follow-up's due date.")
	case !due.After(now):
		return wubu.FieldErrorf("due_at", wubu.EINVALID, "The due date must be in the future.")
	}
	return nil
}

// PlanFocusFollowUp plans a follow-up; its clock runs to its due time.
func (s *FocusService) PlanFocusFollowUp(ctx context.Context, f *wubu.FocusFollowUp) error {
	if err := checkFollowUp(&f.Action, f.DueAt, s.db.now()); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	issue, err := focusIssues.load(ctx, tx, f.IssueID, false)
	if err != nil {
		return err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentEdit, issue.ProjectID); err != nil {
		return hiddenIssue(err)
	}
	if issue.State == wubu.FocusResolved {
		return wubu.Errorf(wubu.ECONFLICT, "Issue %d is resolved: it cannot change any more.", issue.ID)
	}
	f.ProjectID, f.DueAt = issue.ProjectID, f.DueAt.UTC().Truncate(time.Microsecond)
	if f.OwnerID == 0 {
		f.OwnerID = issue.OwnerID
	}
	if f.OwnerName, err = focusOwner(ctx, tx, f.ProjectID, f.OwnerID); err != nil {
		return err
	}
	if err := createIn(ctx, s.run, tx, focusFollowUps, wubu.FollowUpPlan, f, f.Action); err != nil {
		return err
	}
	return s.run.commit(ctx, tx)
}

// RecordFocusFollowUp records a follow-up as done, stopping its clock.
func (s *FocusService) RecordFocusFollowUp(ctx context.Context, id int64, note string) (*wubu.FocusFollowUp, error) {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 1000 {
		return nil, wubu.FieldErrorf("note", wubu.EINVALID, "The note may be at most %d characters.", 1000)
	}
	return runStep(ctx, s.run, focusFollowUps, id, wubu.FollowUpRecord, func(ctx context.Context, tx *Tx, f *wubu.FocusFollowUp, u *wubu.User) (string, error) {
		done := tx.now
		f.Note, f.DoneAt = note, &done
		return note, nil
	})
}

// hiddenIssue answers another project's issue exactly like a missing one.
func hiddenIssue(err error) error {
	if wubu.ErrorCode(err) == wubu.ENOTFOUND {
		return wubu.Errorf(wubu.ENOTFOUND, "Issue not found.")
	}
	return err
}
