package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
)

// TrainingService implements wubu.TrainingService: knowing the residents
// (S1, C1, M1, K2, S6, U1). Quizzes are in training_quiz.go, assessments
// in training_sitting.go, new hires in training_onboarding.go, points and
// scores in training_points.go.
type TrainingService struct {
	db  *DB
	run *runner
}

var _ wubu.TrainingService = (*TrainingService)(nil)

// NewTrainingService returns the training over db; assessments' clocks are
// armed on clocks.
func NewTrainingService(db *DB, clocks wubu.ClockService) *TrainingService {
	return &TrainingService{db: db, run: newRunner(db, clocks, nil)}
}

// originImport marks a household brought in by an import: it is no move-in,
// and no "new residents" round shows it.
const originImport = "import"

// FindLeads returns a project's leads and the kinds still unset.
func (s *TrainingService) FindLeads(ctx context.Context, projectID int64) ([]*wubu.ProjectLead, []wubu.LeadKind, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrgView, projectID); err != nil {
		return nil, nil, err
	}
	rows, err := s.db.query(ctx, `SELECT l.kind, l.user_id, u.name FROM training_leads l JOIN users u ON u.id = l.user_id WHERE l.project_id = ?`, projectID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []*wubu.ProjectLead
	for rows.Next() {
		l := &wubu.ProjectLead{ProjectID: projectID}
		if err := rows.Scan(&l.Kind, &l.UserID, &l.UserName); err != nil {
			return nil, nil, err
		}
		out = append(out, l)
	}
	var missing []wubu.LeadKind
	for _, k := range wubu.LeadKinds {
		if !slices.ContainsFunc(out, func(l *wubu.ProjectLead) bool { return l.Kind == k }) {
			missing = append(missing, k)
		}
	}
	slices.SortFunc(out, func(a, b *wubu.ProjectLead) int {
		return slices.Index(wubu.LeadKinds, a.Kind) - slices.Index(wubu.LeadKinds, b.Kind)
	})
	return out, missing, rows.Err()
}

// SetLead names a project's lead: a team leader (of the post, for a post's
// lead) or a role above team leaders, serving the project.
func (s *TrainingService) SetLead(ctx context.Context, projectID int64, kind wubu.LeadKind, userID int64) error {
	if _, err := wubu.Authorize(ctx, wubu.PermStaffEdit, projectID); err != nil {
		return err
	}
	if !kind.Valid() {
		return wubu.FieldErrorf("kind", wubu.EINVALID, "Lead kind %q is not valid.", string(kind))
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	u, err := findUser(ctx, s.db, tx, `id = ?`, userID)
	if err != nil || !slices.Contains(u.ProjectIDs, projectID) && !u.AllProjects() {
		return wubu.FieldErrorf("user_id", wubu.ENOTFOUND, "Staff member not found in this project.")
	}
	if u.Role == wubu.RoleStaff || u.Disabled || u.Role == wubu.RoleTeamLeader && kind != wubu.LeadTraining && wubu.PostLead(u.Post) != kind {
		return wubu.FieldErrorf("user_id", wubu.EINVALID, "%s cannot hold this lead: it needs a team leader of the post or a manager.", u.Name)
	}
	var before *int64
	var old int64
	if err := tx.queryRow(ctx, `SELECT user_id FROM training_leads WHERE project_id = ? AND kind = ?`, projectID, kind).Scan(&old); err == nil {
		before = &old
	} else if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	setBy := wubu.UserFromContext(ctx).ID
	if _, err := tx.exec(ctx, `DELETE FROM training_leads WHERE project_id = ? AND kind = ?`, projectID, kind); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO training_leads (project_id, kind, user_id, set_by, set_at) VALUES (?, ?, ?, ?, ?)`, projectID, kind, userID, setBy, tx.now); err != nil {
		return err
	}
	if err := tx.audit(ctx, projectID, wubu.ActionUpdate, "training_lead", projectID, map[string]any{"kind": kind, "user_id": before}, map[string]any{"kind": kind, "user_id": userID}); err != nil {
		return err
	}
	return tx.Commit()
}

// leadOf returns the user holding a lead of a project, 0 if none.
func leadOf(ctx context.Context, tx *Tx, projectID int64, kind wubu.LeadKind) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `SELECT user_id FROM training_leads WHERE project_id = ? AND kind = ?`, projectID, kind).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// FindTrainingSettings returns a project's settings, the defaults if none.
func (s *TrainingService) FindTrainingSettings(ctx context.Context, projectID int64) (*wubu.TrainingSettings, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	return trainingSettings(ctx, s.db.reader(), s.db, projectID)
}

func trainingSettings(ctx context.Context, q rowQuerier, db *DB, projectID int64) (*wubu.TrainingSettings, error) {
	st := wubu.DefaultTrainingSettings(projectID)
	var inv int
	var points string
	err := q.QueryRowContext(ctx, db.rebind(`SELECT appliance_inventory, first_days, points FROM training_settings WHERE project_id = ?`), projectID).Scan(&inv, &st.FirstAssessmentDays, &points)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	} else if err != nil {
		return nil, err
	}
	st.ApplianceInventory = inv != 0
	if err := json.Unmarshal([]byte(points), &st.Points); err != nil {
		return nil, err
	}
	return st, nil
}

// SaveTrainingSettings changes a project's settings (PermSettingsEdit).
func (s *TrainingService) SaveTrainingSettings(ctx context.Context, st *wubu.TrainingSettings) error {
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, st.ProjectID); err != nil {
		return err
	}
	if st.FirstAssessmentDays < 1 || st.FirstAssessmentDays > 90 {
		return wubu.FieldErrorf("first_assessment_days", wubu.EINVALID, "The first assessment must be due within 1 to %d days.", 90)
	}
	for f, p := range st.Points {
		if !slices.Contains(wubu.ContributionFields, f) {
			return wubu.FieldErrorf("points", wubu.EINVALID, "Contribution %q is not known.", f)
		}
		if p < 0 || p > 100 {
			return wubu.FieldErrorf("points_"+f, wubu.EINVALID, "Points must be between 0 and %d.", 100)
		}
	}
	points, err := json.Marshal(st.Points)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.exec(ctx, `DELETE FROM training_settings WHERE project_id = ?`, st.ProjectID); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO training_settings (project_id, appliance_inventory, first_days, points, updated_at) VALUES (?, ?, ?, ?, ?)`,
		st.ProjectID, boolInt(st.ApplianceInventory), st.FirstAssessmentDays, string(points), tx.now); err != nil {
		return err
	}
	if err := tx.audit(ctx, st.ProjectID, wubu.ActionUpdate, "training_settings", st.ProjectID, nil, st); err != nil {
		return err
	}
	return tx.Commit()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CreateBankQuestion adds a leader's question on the knowledge base (S6).
func (s *TrainingService) CreateBankQuestion(ctx context.Context, q *wubu.BankQuestion) error {
	u, err := wubu.Authorize(ctx, wubu.PermStaffView, q.ProjectID)
	if err != nil {
		return err
	}
	q.Text = strings.TrimSpace(q.Text)
	var opts []string
	for _, o := range q.Options {
		if o = strings.TrimSpace(o); o != "" {
			opts = append(opts, o)
		}
	}
	q.Options = opts
	if q.Post == "" {
		q.Post = wubu.PostNone
	}
	switch {
	case !q.Post.Valid():
		return wubu.FieldErrorf("post", wubu.EINVALID, "Post %q is not valid.", string(q.Post))
	case q.Text == "" || len([]rune(q.Text)) > 300:
		return wubu.FieldErrorf("text", wubu.EINVALID, "Write the question (at most %d characters).", 300)
	case len(q.Options) < 2 || len(q.Options) > 6:
		return wubu.FieldErrorf("options", wubu.EINVALID, "Give the right answer and one to five wrong ones.")
	}
	for i, o := range q.Options {
		if len([]rune(o)) > 120 || slices.Contains(q.Options[:i], o) {
			return wubu.FieldErrorf("options", wubu.EINVALID, "Each answer must be different and at most %d characters.", 120)
		}
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if q.ArticleID != nil {
		if err := tx.queryRow(ctx, `SELECT title FROM kb_entries WHERE project_id = ? AND id = ?`, q.ProjectID, *q.ArticleID).Scan(&q.Article); errors.Is(err, sql.ErrNoRows) {
			return wubu.FieldErrorf("article_id", wubu.ENOTFOUND, "Knowledge base entry not found.")
		} else if err != nil {
			return err
		}
	}
	opts2, _ := json.Marshal(q.Options)
	q.CreatedBy, q.CreatedAt = u.ID, tx.now
	if q.ID, err = tx.insert(ctx, `INSERT INTO training_bank (project_id, post, article_id, text, options, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		q.ProjectID, q.Post, q.ArticleID, q.Text, string(opts2), q.CreatedBy, q.CreatedAt); err != nil {
		return err
	}
	if err := tx.audit(ctx, q.ProjectID, wubu.ActionCreate, "training_question", q.ID, nil, q); err != nil {
		return err
	}
	return tx.Commit()
}

// FindBankQuestions lists a project's questions, newest first.
func (s *TrainingService) FindBankQuestions(ctx context.Context, projectID int64) ([]*wubu.BankQuestion, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermStaffView, projectID); err != nil {
		return nil, err
	}
	return bankQuestions(ctx, s.db, projectID, "")
}

// bankQuestions returns a project's questions for a post ("" for all).
func bankQuestions(ctx context.Context, db *DB, projectID int64, post wubu.Post) ([]*wubu.BankQuestion, error) {
	q := `SELECT b.id, b.post, b.article_id, COALESCE(k.title, ''), b.text, b.options, b.created_by, b.created_at
		FROM training_bank b LEFT JOIN kb_entries k ON k.project_id = b.project_id AND k.id = b.article_id WHERE b.project_id = ?`
	args := []any{projectID}
	if post != "" {
		q += ` AND b.post IN (?, ?)`
		args = append(args, post, wubu.PostNone)
	}
	rows, err := db.query(ctx, q+` ORDER BY b.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.BankQuestion
	for rows.Next() {
		b := &wubu.BankQuestion{ProjectID: projectID}
		var opts string
		if err := rows.Scan(&b.ID, &b.Post, &b.ArticleID, &b.Article, &b.Text, &opts, &b.CreatedBy, &b.CreatedAt); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(opts), &b.Options); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// FindPlan returns the plan of a post, the default when none is set.
func (s *TrainingService) FindPlan(ctx context.Context, projectID int64, post wubu.Post) (*wubu.AssessmentPlan, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermStaffView, projectID); err != nil {
		return nil, err
	}
	return findPlan(ctx, s.db.reader(), s.db, projectID, post)
}

func findPlan(ctx context.Context, q rowQuerier, db *DB, projectID int64, post wubu.Post) (*wubu.AssessmentPlan, error) {
	p := wubu.DefaultAssessmentPlan(projectID, post)
	err := q.QueryRowContext(ctx, db.rebind(`SELECT questions, pass_mark, time_limit_min, retake_hours, every_months, due_days, next_issue FROM training_plans WHERE project_id = ? AND post = ?`),
		projectID, post).Scan(&p.Questions, &p.PassMark, &p.TimeLimitMin, &p.RetakeHours, &p.EveryMonths, &p.DueDays, &p.NextIssue)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	return p, nil
}

// SavePlan sets a post's plan; its first issue is the next day unless set.
func (s *TrainingService) SavePlan(ctx context.Context, p *wubu.AssessmentPlan) error {
	if _, err := wubu.Authorize(ctx, wubu.PermStaffView, p.ProjectID); err != nil {
		return err
	}
	switch {
	case !p.Post.Valid() || p.Post == wubu.PostNone:
		return wubu.FieldErrorf("post", wubu.EINVALID, "Post %q is not valid.", string(p.Post))
	case p.Questions < 5 || p.Questions > 50:
		return wubu.FieldErrorf("questions", wubu.EINVALID, "An assessment has %d to %d questions.", 5, 50)
	case p.PassMark < 1 || p.PassMark > 100:
		return wubu.FieldErrorf("pass_mark", wubu.EINVALID, "The pass mark is a percentage from 1 to 100.")
	case p.TimeLimitMin < 1 || p.TimeLimitMin > 120:
		return wubu.FieldErrorf("time_limit_min", wubu.EINVALID, "The time limit is %d to %d minutes.", 1, 120)
	case p.RetakeHours < 0 || p.RetakeHours > 24*30:
		return wubu.FieldErrorf("retake_hours", wubu.EINVALID, "A retake waits 0 to %d hours.", 24*30)
	case p.EveryMonths < 1 || p.EveryMonths > 12:
		return wubu.FieldErrorf("every_months", wubu.EINVALID, "Assessments come every 1 to %d months.", 12)
	case p.DueDays < 1 || p.DueDays > 60:
		return wubu.FieldErrorf("due_days", wubu.EINVALID, "Staff have 1 to %d days to take an assessment.", 60)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if p.NextIssue == nil {
		next := tx.now.Add(24 * time.Hour)
		p.NextIssue = &next
	}
	if _, err := tx.exec(ctx, `DELETE FROM training_plans WHERE project_id = ? AND post = ?`, p.ProjectID, p.Post); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO training_plans (project_id, post, questions, pass_mark, time_limit_min, retake_hours, every_months, due_days, next_issue, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ProjectID, p.Post, p.Questions, p.PassMark, p.TimeLimitMin, p.RetakeHours, p.EveryMonths, p.DueDays, p.NextIssue, tx.now); err != nil {
		return err
	}
	if err := tx.audit(ctx, p.ProjectID, wubu.ActionUpdate, "training_plan", p.ProjectID, nil, p); err != nil {
		return err
	}
	return tx.Commit()
}
