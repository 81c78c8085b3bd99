package sqlstore

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/wubu-oss/wubu"
)

// Reward points (U1) are the contributions already recorded — who added a
// phone, a photo, a plate, a special day — priced by the project's points
// table; the scores (for the scorecard) are the assessments' results.

// monthBounds returns the first instant of a month "2026-12" and of the
// next, in China time.
func monthBounds(month string) (time.Time, time.Time, error) {
	from, err := time.ParseInLocation("2006-01", month, china)
	if err != nil {
		return time.Time{}, time.Time{}, wubu.FieldErrorf("month", wubu.EINVALID, "Month %q is not valid: write it as 2026-11.", month)
	}
	return from.UTC(), from.AddDate(0, 1, 0).UTC(), nil
}

// contributionPoints sums a project's contributions per user and field in
// [from, to) (zero times: all), priced by the points table.
func (s *TrainingService) contributionPoints(ctx context.Context, projectID int64, from, to time.Time, userID int64) (map[int64]*wubu.PointsRow, error) {
	st, err := trainingSettings(ctx, s.db.reader(), s.db, projectID)
	if err != nil {
		return nil, err
	}
	q := `SELECT c.user_id, u.name, u.post, c.field, COUNT(*) FROM contributions c JOIN users u ON u.id = c.user_id WHERE c.project_id = ?`
	args := []any{projectID}
	if !from.IsZero() {
		q += ` AND c.at >= ? AND c.at < ?`
		args = append(args, from, to)
	}
	if userID != 0 {
		q += ` AND c.user_id = ?`
		args = append(args, userID)
	}
	rows, err := s.db.query(ctx, q+` GROUP BY c.user_id, u.name, u.post, c.field`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]*wubu.PointsRow{}
	for rows.Next() {
		var r wubu.PointsRow
		var field string
		var n int
		if err := rows.Scan(&r.UserID, &r.UserName, &r.Post, &field, &n); err != nil {
			return nil, err
		}
		row := out[r.UserID]
		if row == nil {
			row = &r
			out[r.UserID] = row
		}
		row.Items += n
		row.Points += n * st.Points[field]
	}
	return out, rows.Err()
}

// Points returns the month's points of the project's staff, ranked per post.
func (s *TrainingService) Points(ctx context.Context, projectID int64, month string) ([]*wubu.PointsRow, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	from, to, err := monthBounds(month)
	if err != nil {
		return nil, err
	}
	byUser, err := s.contributionPoints(ctx, projectID, from, to, 0)
	if err != nil {
		return nil, err
	}
	var out []*wubu.PointsRow
	for _, r := range byUser {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *wubu.PointsRow) int {
		if c := cmp.Compare(slices.Index(wubu.Posts, a.Post), slices.Index(wubu.Posts, b.Post)); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Points, a.Points); c != 0 {
			return c
		}
		return cmp.Compare(a.UserID, b.UserID)
	})
	for i, r := range out {
		r.Rank = 1
		if i > 0 && out[i-1].Post == r.Post {
			r.Rank = out[i-1].Rank
			if out[i-1].Points != r.Points {
				r.Rank = i + 1 - slices.IndexFunc(out, func(x *wubu.PointsRow) bool { return x.Post == r.Post })
			}
		}
	}
	return out, nil
}

// UserPoints returns a person's points of the month and in all.
func (s *TrainingService) UserPoints(ctx context.Context, projectID, userID int64, month string) (int, int, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return 0, 0, err
	}
	from, to, err := monthBounds(month)
	if err != nil {
		return 0, 0, err
	}
	m, err := s.contributionPoints(ctx, projectID, from, to, userID)
	if err != nil {
		return 0, 0, err
	}
	all, err := s.contributionPoints(ctx, projectID, time.Time{}, time.Time{}, userID)
	if err != nil {
		return 0, 0, err
	}
	var mp, ap int
	if r := m[userID]; r != nil {
		mp = r.Points
	}
	if r := all[userID]; r != nil {
		ap = r.Points
	}
	return mp, ap, nil
}

// Scores returns the assessments' figures per person, per post and for the
// project: the average of the best scores, the share passed and the share
// not taken by the due date.
func (s *TrainingService) Scores(ctx context.Context, projectID int64) ([]*wubu.ScoreRow, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermReportView, projectID); err != nil {
		return nil, err
	}
	now := s.db.now()
	rows, err := s.db.query(ctx, `SELECT s.user_id, u.name, s.post, s.state, s.best_score, s.attempts, s.due_at, s.last_at
		FROM training_sittings s JOIN users u ON u.id = s.user_id WHERE s.project_id = ?`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type sums struct {
		row                    *wubu.ScoreRow
		score, passed, overdue int
	}
	project := &sums{row: &wubu.ScoreRow{Scope: "project"}}
	posts := map[wubu.Post]*sums{}
	people := map[int64]*sums{}
	for rows.Next() {
		var uid int64
		var name string
		var post wubu.Post
		var state wubu.SittingState
		var best, attempts int
		var due time.Time
		var last *time.Time
		if err := rows.Scan(&uid, &name, &post, &state, &best, &attempts, &due, &last); err != nil {
			return nil, err
		}
		if posts[post] == nil {
			posts[post] = &sums{row: &wubu.ScoreRow{Scope: "post", Post: post}}
		}
		if people[uid] == nil {
			people[uid] = &sums{row: &wubu.ScoreRow{Scope: "person", UserID: uid, Name: name, Post: post}}
		}
		late := attempts == 0 && now.After(due) || last != nil && last.After(due)
		for _, x := range []*sums{project, posts[post], people[uid]} {
			x.row.Sittings++
			x.score += best
			if state == wubu.SittingPassed {
				x.passed++
			}
			if late {
				x.overdue++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	finish := func(x *sums) *wubu.ScoreRow {
		if n := float64(x.row.Sittings); n > 0 {
			x.row.AvgScore, x.row.SharePassed, x.row.ShareOverdue = float64(x.score)/n, float64(x.passed)/n, float64(x.overdue)/n
		}
		return x.row
	}
	out := []*wubu.ScoreRow{finish(project)}
	for _, p := range wubu.Posts {
		if x := posts[p]; x != nil {
			out = append(out, finish(x))
		}
	}
	var ps []*wubu.ScoreRow
	for _, x := range people {
		ps = append(ps, finish(x))
	}
	slices.SortFunc(ps, func(a, b *wubu.ScoreRow) int {
		if c := cmp.Compare(slices.Index(wubu.Posts, a.Post), slices.Index(wubu.Posts, b.Post)); c != 0 {
			return c
		}
		return cmp.Compare(a.UserID, b.UserID)
	})
	return append(out, ps...), nil
}

// The training's agenda items: catalogue messages.
const (
	msgAgendaAssessmentDue     = "Assessment due: %d questions"
	msgAgendaAssessmentOverdue = "Assessment overdue: %s"
	msgAgendaNewHire           = "New hire not yet cleared: %s"
	// msgDeadlineTake names the assessment's clock on Today.
	msgDeadlineTake   = "deadline:take"
	msgAgendaPractice = "Daily practice: %d questions to repeat"
)

// TrainingAgenda puts the training on Today: one's own assessments due and
// the practice to repeat; for the team leaders of a post (and those
// above), its staff's overdue assessments and its new hires not yet
// cleared — and the records awaiting the lead's own sign-off.
type TrainingAgenda struct{ db *DB }

// Agenda returns the training source of the agenda.
func (s *TrainingService) Agenda() *TrainingAgenda { return &TrainingAgenda{db: s.db} }

// Agenda implements wubu.AgendaSource.
func (a *TrainingAgenda) Agenda(ctx context.Context, now time.Time) ([]wubu.AgendaItem, error) {
	u := wubu.UserFromContext(ctx)
	if u == nil {
		return nil, nil
	}
	projects, err := agendaProjects(ctx, a.db, u)
	if err != nil {
		return nil, err
	}
	var items []wubu.AgendaItem
	for _, pid := range projects {
		// One's own assessments and the practice.
		rows, err := a.db.query(ctx, `SELECT id, questions, due_at FROM training_sittings WHERE project_id = ? AND user_id = ? AND state = ?`, pid, u.ID, wubu.SittingDue)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var n int
			var due time.Time
			if err := rows.Scan(&id, &n, &due); err != nil {
				rows.Close()
				return nil, err
			}
			items = append(items, wubu.AgendaItem{ProjectID: pid, Kind: "assessment", Title: msgAgendaAssessmentDue, TitleArgs: []any{n}, Urgency: wubu.UrgencyNormal,
				Due: &due, ObjectType: "assessment", ObjectID: itoa(id), Href: "/training?project=" + itoa(pid)})
		}
		rows.Close()
		var again int
		if err := a.db.queryRow(ctx, `SELECT COUNT(*) FROM training_reviews WHERE project_id = ? AND user_id = ? AND due_at <= ?`, pid, u.ID, now).Scan(&again); err != nil {
			return nil, err
		}
		if again > 0 {
			items = append(items, wubu.AgendaItem{ProjectID: pid, Kind: "practice", Title: msgAgendaPractice, TitleArgs: []any{min(again, practiceSize)}, Urgency: wubu.UrgencyLow,
				Href: "/training?project=" + itoa(pid)})
		}
		if !u.Can(wubu.PermStaffView) {
			continue
		}
		// Those one leads: a team leader their post's, the roles above all.
		post, postArgs := "", []any{}
		if u.Role == wubu.RoleTeamLeader {
			post, postArgs = ` AND s.post = ?`, []any{u.Post}
		}
		rows, err = a.db.query(ctx, `SELECT s.id, u.name, s.due_at FROM training_sittings s JOIN users u ON u.id = s.user_id
			WHERE s.project_id = ? AND s.state = ? AND s.due_at < ? AND s.user_id <> ?`+post, append([]any{pid, wubu.SittingDue, now, u.ID}, postArgs...)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var name string
			var due time.Time
			if err := rows.Scan(&id, &name, &due); err != nil {
				rows.Close()
				return nil, err
			}
			items = append(items, wubu.AgendaItem{ProjectID: pid, Kind: "assessment", Title: msgAgendaAssessmentOverdue, TitleArgs: []any{name}, Urgency: wubu.UrgencyCritical,
				Due: &due, Overdue: true, ObjectType: "assessment", ObjectID: itoa(id), Href: "/training/manage?project=" + itoa(pid)})
		}
		rows.Close()
		rows, err = a.db.query(ctx, `SELECT s.id, u.name, s.state FROM training_onboardings s JOIN users u ON u.id = s.user_id
			WHERE s.project_id = ? AND s.state <> ?`+post, append([]any{pid, wubu.OnboardingCleared}, postArgs...)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var name, state string
			if err := rows.Scan(&id, &name, &state); err != nil {
				rows.Close()
				return nil, err
			}
			items = append(items, wubu.AgendaItem{ProjectID: pid, Kind: "onboarding", Title: msgAgendaNewHire, TitleArgs: []any{name},
				Urgency: wubu.UrgencyHigh, ObjectType: "onboarding", ObjectID: itoa(id), Href: "/training/onboarding/" + itoa(id)})
		}
		rows.Close()
	}
	return items, nil
}
