package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/wubu-oss/wubu"
)

const sittingColumns = `s.id, s.project_id, s.user_id, u.name, s.post, s.state, s.questions, s.pass_mark, s.time_limit_min, s.retake_hours,
	s.due_at, s.attempts, s.best_score, s.last_at, s.issued_by, s.issued_at`

const sittingFrom = ` FROM training_sittings s JOIN users u ON u.id = s.user_id`

func scanSitting(row interface{ Scan(...any) error }, now time.Time) (*wubu.Sitting, error) {
	s := &wubu.Sitting{}
	err := row.Scan(&s.ID, &s.ProjectID, &s.UserID, &s.UserName, &s.Post, &s.State, &s.Questions, &s.PassMark, &s.TimeLimit, &s.RetakeHours,
		&s.DueAt, &s.Attempts, &s.BestScore, &s.LastAt, &s.IssuedBy, &s.IssuedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Assessment not found.")
	}
	s.Overdue = s.State == wubu.SittingDue && now.After(s.DueAt)
	if s.State == wubu.SittingFailed && s.LastAt != nil {
		at := s.LastAt.Add(time.Duration(s.RetakeHours) * time.Hour)
		s.RetakeAt = &at
	}
	return s, err
}

// sittings is how the life-cycle runner reads and writes assessments.
var sittings = &machine[*wubu.Sitting]{
	lc: wubu.SittingLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.Sitting, error) {
		q := `SELECT ` + sittingColumns + sittingFrom + ` WHERE s.id = ?`
		if lock {
			q += tx.db.forUpdate("s")
		}
		return scanSitting(tx.queryRow(ctx, q, id), tx.now)
	},
	facts: func(s *wubu.Sitting) facts {
		due := s.DueAt
		return facts{ProjectID: s.ProjectID, ID: s.ID, State: string(s.State), Post: s.Post, AssigneeID: &s.UserID, AssigneeName: s.UserName,
			ReporterID: &s.IssuedBy, Due: &due}
	},
	setState: func(s *wubu.Sitting, st string) { s.State = wubu.SittingState(st) },
	insert: func(ctx context.Context, tx *Tx, s *wubu.Sitting) (err error) {
		s.ID, err = tx.insert(ctx, `INSERT INTO training_sittings (project_id, user_id, post, state, questions, pass_mark, time_limit_min, retake_hours, due_at, issued_by, issued_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.ProjectID, s.UserID, s.Post, s.State, s.Questions, s.PassMark, s.TimeLimit, s.RetakeHours, s.DueAt, s.IssuedBy, s.IssuedAt, tx.now)
		return err
	},
	save: func(ctx context.Context, tx *Tx, s *wubu.Sitting) error {
		_, err := tx.exec(ctx, `UPDATE training_sittings SET state = ?, attempts = ?, best_score = ?, last_at = ?, updated_at = ? WHERE project_id = ? AND id = ?`,
			s.State, s.Attempts, s.BestScore, s.LastAt, tx.now, s.ProjectID, s.ID)
		return err
	},
	clone: func(s *wubu.Sitting) *wubu.Sitting { c := *s; return &c },
	audit: func(s *wubu.Sitting) any {
		return map[string]any{"state": s.State, "user_id": s.UserID, "due_at": s.DueAt, "attempts": s.Attempts, "best_score": s.BestScore}
	},
	vars: func(s *wubu.Sitting) map[string]string {
		return map[string]string{"name": s.UserName, "due": s.DueAt.In(china).Format("2006-01-02 15:04"), "id": strconv.FormatInt(s.ID, 10)}
	},
}

// issueSitting issues an assessment of the plan to a member of staff, due
// at due, in the caller's transaction.
func (s *TrainingService) issueSitting(ctx context.Context, tx *Tx, plan *wubu.AssessmentPlan, userID int64, userName string, due time.Time) (*wubu.Sitting, error) {
	u := wubu.UserFromContext(ctx)
	st := &wubu.Sitting{ProjectID: plan.ProjectID, UserID: userID, UserName: userName, Post: plan.Post, Questions: plan.Questions, PassMark: plan.PassMark,
		TimeLimit: plan.TimeLimitMin, RetakeHours: plan.RetakeHours, DueAt: due, IssuedBy: u.ID, IssuedAt: tx.now}
	return st, createIn(ctx, s.run, tx, sittings, wubu.SittingIssue, st, "")
}

// IssueAssessments issues a post's assessment to each of its staff in the
// project who has none open.
func (s *TrainingService) IssueAssessments(ctx context.Context, projectID int64, post wubu.Post) (int, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermStaffView, projectID); err != nil {
		return 0, err
	}
	if !post.Valid() || post == wubu.PostNone {
		return 0, wubu.FieldErrorf("post", wubu.EINVALID, "Post %q is not valid.", string(post))
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	n, err := s.issuePlan(ctx, tx, projectID, post)
	if isUniqueViolation(err) {
		return 0, wubu.Errorf(wubu.ECONFLICT, "These assessments are being issued by someone else: look again in a moment.")
	} else if err != nil {
		return 0, err
	}
	return n, s.run.commit(ctx, tx)
}

// issuePlan issues the post's plan in tx to its staff and team leaders in
// the project with no assessment open, and sets the plan's next issue.
func (s *TrainingService) issuePlan(ctx context.Context, tx *Tx, projectID int64, post wubu.Post) (int, error) {
	plan, err := findPlan(ctx, tx, s.db, projectID, post)
	if err != nil {
		return 0, err
	}
	rows, err := tx.query(ctx, `SELECT u.id, u.name FROM users u JOIN user_projects up ON up.user_id = u.id
		WHERE up.project_id = ? AND u.post = ? AND u.role IN (?, ?) AND u.disabled = FALSE
		AND NOT EXISTS (SELECT 1 FROM training_sittings s WHERE s.project_id = up.project_id AND s.user_id = u.id AND s.state <> ?)
		ORDER BY u.id`, projectID, post, wubu.RoleStaff, wubu.RoleTeamLeader, wubu.SittingPassed)
	if err != nil {
		return 0, err
	}
	type staff struct {
		id   int64
		name string
	}
	var who []staff
	for rows.Next() {
		var w staff
		if err := rows.Scan(&w.id, &w.name); err != nil {
			rows.Close()
			return 0, err
		}
		who = append(who, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	due := tx.now.Add(time.Duration(plan.DueDays) * 24 * time.Hour)
	for _, w := range who {
		if _, err := s.issueSitting(ctx, tx, plan, w.id, w.name, due); err != nil {
			return 0, err
		}
	}
	next := tx.now.AddDate(0, plan.EveryMonths, 0)
	if _, err := tx.exec(ctx, `UPDATE training_plans SET next_issue = ?, updated_at = ? WHERE project_id = ? AND post = ?`, next, tx.now, projectID, post); err != nil {
		return 0, err
	}
	return len(who), nil
}

// IssueDue issues every plan whose time has come, in the caller's projects.
func (s *TrainingService) IssueDue(ctx context.Context) (int, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermStaffView, 0); err != nil {
		return 0, err
	}
	rows, err := s.db.query(ctx, `SELECT project_id, post FROM training_plans WHERE next_issue <= ?`, s.db.now())
	if err != nil {
		return 0, err
	}
	type plan struct {
		project int64
		post    wubu.Post
	}
	var due []plan
	for rows.Next() {
		var p plan
		if err := rows.Scan(&p.project, &p.post); err != nil {
			rows.Close()
			return 0, err
		}
		due = append(due, p)
	}
	rows.Close()
	total := 0
	for _, p := range due {
		if !wubu.UserFromContext(ctx).Serves(p.project) {
			continue
		}
		n, err := s.IssueAssessments(ctx, p.project, p.post)
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, rows.Err()
}

// FindSittings lists a project's assessments (one person's with userID),
// the open ones first. Staff see their own only.
func (s *TrainingService) FindSittings(ctx context.Context, projectID, userID int64) ([]*wubu.Sitting, error) {
	u, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID)
	if err != nil {
		return nil, err
	}
	if !u.Can(wubu.PermStaffView) {
		userID = u.ID
	}
	q := `SELECT ` + sittingColumns + sittingFrom + ` WHERE s.project_id = ?`
	args := []any{projectID}
	if userID != 0 {
		q += ` AND s.user_id = ?`
		args = append(args, userID)
	}
	rows, err := s.db.query(ctx, q+` ORDER BY CASE WHEN s.state = 'passed' THEN 1 ELSE 0 END, s.due_at DESC, s.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := s.db.now()
	var out []*wubu.Sitting
	for rows.Next() {
		st, err := scanSitting(rows, now)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// StartAssessment generates the attempt at one of the caller's assessments.
func (s *TrainingService) StartAssessment(ctx context.Context, sittingID int64) (*wubu.Quiz, error) {
	u := wubu.UserFromContext(ctx)
	if u == nil {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	now := s.db.now()
	st, err := scanSitting(s.db.queryRow(ctx, `SELECT `+sittingColumns+sittingFrom+` WHERE s.id = ?`, sittingID), now)
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, st.ProjectID); err != nil || st.UserID != u.ID {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Assessment not found.")
	}
	switch {
	case st.State == wubu.SittingPassed:
		return nil, wubu.Errorf(wubu.ECONFLICT, "Assessment %d is passed: it cannot change any more.", st.ID)
	case st.RetakeAt != nil && now.Before(*st.RetakeAt):
		return nil, wubu.Errorf(wubu.ECONFLICT, "You may retake this assessment from %s.", st.RetakeAt.In(china).Format("2006-01-02 15:04"))
	}
	ends := now.Add(time.Duration(st.TimeLimit) * time.Minute)
	return s.generate(ctx, wubu.QuizRequest{ProjectID: st.ProjectID, Count: st.Questions, Kind: wubu.QuizAssessment}, &st.ID, &ends)
}

// recordAttempt takes the assessment's step for a submitted attempt, in
// the submission's transaction.
func (s *TrainingService) recordAttempt(ctx context.Context, tx *Tx, q *wubu.Quiz) error {
	st, err := sittings.load(ctx, tx, *q.SittingID, false)
	if err != nil {
		return err
	}
	late := q.EndsAt != nil && tx.now.After(q.EndsAt.Add(time.Minute))
	q.Passed = !late && q.Score >= st.PassMark
	action := wubu.SittingFail
	if q.Passed {
		action = wubu.SittingPass
	}
	_, err = stepIn(ctx, s.run, tx, sittings, st.ID, action, func(_ context.Context, _ *Tx, o *wubu.Sitting, u *wubu.User) (string, error) {
		if o.UserID != u.ID {
			return "", wubu.Errorf(wubu.EFORBIDDEN, "Only the person assessed may take this assessment.")
		}
		o.Attempts++
		o.BestScore = max(o.BestScore, q.Score)
		at := tx.now
		o.LastAt = &at
		note := strconv.Itoa(q.Score) + "%"
		if late {
			note += " (late)"
		}
		return note, nil
	})
	return err
}
