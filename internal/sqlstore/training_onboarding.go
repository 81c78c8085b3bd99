package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
)

const onboardingColumns = `o.id, o.project_id, o.user_id, u.name, o.post, o.state, o.opened_by, o.opened_at, o.trained_by, COALESCE(t.name, ''), o.trained_on, o.what,
	o.lead_by, COALESCE(l.name, ''), o.lead_at, o.lead_note, o.training_by, COALESCE(g.name, ''), o.training_at, o.training_note, o.sitting_id`

const onboardingFrom = ` FROM training_onboardings o JOIN users u ON u.id = o.user_id
	LEFT JOIN users t ON t.id = o.trained_by LEFT JOIN users l ON l.id = o.lead_by LEFT JOIN users g ON g.id = o.training_by`

func scanOnboarding(row interface{ Scan(...any) error }) (*wubu.Onboarding, error) {
	o := &wubu.Onboarding{}
	err := row.Scan(&o.ID, &o.ProjectID, &o.UserID, &o.UserName, &o.Post, &o.State, &o.OpenedBy, &o.OpenedAt, &o.TrainedBy, &o.TrainerName, &o.TrainedOn, &o.What,
		&o.LeadBy, &o.LeadName, &o.LeadAt, &o.LeadNote, &o.TrainingBy, &o.TrainingName, &o.TrainingAt, &o.TrainingNote, &o.SittingID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "New hire record not found.")
	}
	return o, err
}

// onboardings is how the life-cycle runner reads and writes new hires'
// records.
var onboardings = &machine[*wubu.Onboarding]{
	lc: wubu.OnboardingLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.Onboarding, error) {
		q := `SELECT ` + onboardingColumns + onboardingFrom + ` WHERE o.id = ?`
		if lock {
			q += tx.db.forUpdate("o")
		}
		return scanOnboarding(tx.queryRow(ctx, q, id))
	},
	facts: func(o *wubu.Onboarding) facts {
		return facts{ProjectID: o.ProjectID, ID: o.ID, State: string(o.State), Post: o.Post, AssigneeID: &o.UserID, AssigneeName: o.UserName, ReporterID: &o.OpenedBy}
	},
	setState: func(o *wubu.Onboarding, s string) { o.State = wubu.OnboardingState(s) },
	insert: func(ctx context.Context, tx *Tx, o *wubu.Onboarding) (err error) {
		o.ID, err = tx.insert(ctx, `INSERT INTO training_onboardings (project_id, user_id, post, state, opened_by, opened_at, sitting_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			o.ProjectID, o.UserID, o.Post, o.State, o.OpenedBy, o.OpenedAt, o.SittingID, tx.now)
		return err
	},
	save: func(ctx context.Context, tx *Tx, o *wubu.Onboarding) error {
		_, err := tx.exec(ctx, `UPDATE training_onboardings SET state = ?, trained_by = ?, trained_on = ?, what = ?, lead_by = ?, lead_at = ?, lead_note = ?,
			training_by = ?, training_at = ?, training_note = ?, updated_at = ? WHERE project_id = ? AND id = ?`,
			o.State, o.TrainedBy, o.TrainedOn, o.What, o.LeadBy, o.LeadAt, o.LeadNote, o.TrainingBy, o.TrainingAt, o.TrainingNote, tx.now, o.ProjectID, o.ID)
		return err
	},
	clone: func(o *wubu.Onboarding) *wubu.Onboarding { c := *o; return &c },
	audit: func(o *wubu.Onboarding) any {
		return map[string]any{"state": o.State, "user_id": o.UserID, "trained_by": o.TrainedBy, "trained_on": o.TrainedOn, "what": o.What,
			"lead_by": o.LeadBy, "lead_note": o.LeadNote, "training_by": o.TrainingBy, "training_note": o.TrainingNote}
	},
}

// StartOnboarding opens a new hire's record and issues their first
// assessment, due within the project's days.
func (s *TrainingService) StartOnboarding(ctx context.Context, projectID, userID int64) (*wubu.Onboarding, error) {
	o := &wubu.Onboarding{ProjectID: projectID, UserID: userID}
	return runCreate(ctx, s.run, onboardings, projectID, wubu.OnboardingStart, o, func(ctx context.Context, tx *Tx, o *wubu.Onboarding, u *wubu.User) (string, error) {
		hire, err := findUser(ctx, s.db, tx, `id = ?`, userID)
		if err != nil || !hire.Serves(projectID) || hire.AllProjects() {
			return "", wubu.FieldErrorf("user_id", wubu.ENOTFOUND, "Staff member not found in this project.")
		}
		if hire.Role != wubu.RoleStaff && hire.Role != wubu.RoleTeamLeader || hire.Post == wubu.PostNone {
			return "", wubu.FieldErrorf("user_id", wubu.EINVALID, "%s is not front-line staff of a post.", hire.Name)
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM training_onboardings WHERE project_id = ? AND user_id = ? AND state <> ?`,
			projectID, userID, wubu.OnboardingCleared).Scan(&n); err != nil {
			return "", err
		} else if n > 0 {
			return "", wubu.Errorf(wubu.ECONFLICT, "%s already has an open new hire record.", hire.Name)
		}
		st, err := trainingSettings(ctx, tx, s.db, projectID)
		if err != nil {
			return "", err
		}
		plan, err := findPlan(ctx, tx, s.db, projectID, hire.Post)
		if err != nil {
			return "", err
		}
		// The first assessment: the one open already, else a new one.
		var first int64
		if err := tx.queryRow(ctx, `SELECT id FROM training_sittings WHERE project_id = ? AND user_id = ? AND state <> ?`, projectID, hire.ID, wubu.SittingPassed).Scan(&first); errors.Is(err, sql.ErrNoRows) {
			sitting, err := s.issueSitting(ctx, tx, plan, hire.ID, hire.Name, tx.now.Add(time.Duration(st.FirstAssessmentDays)*24*time.Hour))
			if err != nil {
				return "", err
			}
			first = sitting.ID
		} else if err != nil {
			return "", err
		}
		o.UserName, o.Post, o.OpenedBy, o.OpenedAt, o.SittingID = hire.Name, hire.Post, u.ID, tx.now, &first
		return "", nil
	})
}

// RecordTraining records the on-site training given by the caller, a team
// leader of the hire's post.
func (s *TrainingService) RecordTraining(ctx context.Context, id int64, what, day string) (*wubu.Onboarding, error) {
	return runStep(ctx, s.run, onboardings, id, wubu.OnboardingTrain, func(_ context.Context, tx *Tx, o *wubu.Onboarding, u *wubu.User) (string, error) {
		what, day = strings.TrimSpace(what), strings.TrimSpace(day)
		if what == "" || len([]rune(what)) > 500 {
			return "", wubu.FieldErrorf("what", wubu.EINVALID, "Say what the training covered (at most %d characters).", 500)
		}
		d, err := parseDate(day)
		if err != nil || d.After(tx.now.In(china)) {
			return "", wubu.FieldErrorf("day", wubu.EINVALID, "Give the day of the training, not after today (2026-11-27).")
		}
		o.TrainedBy, o.TrainedOn, o.What, o.TrainerName = &u.ID, d.Format("2006-01-02"), what, u.Name
		return what, nil
	})
}

// SignOnboarding signs the training off: the post's lead when it is
// trained, then the training lead. The four-eyes rules of the declaration
// refuse the trainer for the first and the first signer for the second;
// the second refuses the trainer too.
func (s *TrainingService) SignOnboarding(ctx context.Context, id int64, note string) (*wubu.Onboarding, error) {
	o, err := s.FindOnboarding(ctx, id)
	if err != nil {
		return nil, err
	}
	action := wubu.OnboardingVerify
	if o.State == wubu.OnboardingVerified {
		action = wubu.OnboardingApprove
	}
	return runStep(ctx, s.run, onboardings, id, action, func(ctx context.Context, tx *Tx, o *wubu.Onboarding, u *wubu.User) (string, error) {
		note = strings.TrimSpace(note)
		if len([]rune(note)) > 500 {
			return "", wubu.FieldErrorf("note", wubu.EINVALID, "The note is at most %d characters.", 500)
		}
		kind := wubu.PostLead(o.Post)
		if action == wubu.OnboardingApprove {
			kind = wubu.LeadTraining
		}
		lead, err := leadOf(ctx, tx, o.ProjectID, kind)
		if err != nil {
			return "", err
		}
		switch {
		case lead == 0 && kind == wubu.LeadTraining:
			return "", wubu.Errorf(wubu.ECONFLICT, "The project has no training lead yet: the manager names one on the project page.")
		case lead == 0:
			return "", wubu.Errorf(wubu.ECONFLICT, "The project has no lead of this post yet: the manager names one on the project page.")
		case lead != u.ID:
			return "", wubu.Errorf(wubu.EFORBIDDEN, "Only the project's lead named for this sign-off may give it.")
		case o.TrainedBy != nil && *o.TrainedBy == u.ID:
			return "", wubu.Errorf(wubu.EFORBIDDEN, "You gave this training, so someone else must sign it off.")
		}
		at := tx.now
		if action == wubu.OnboardingVerify {
			o.LeadBy, o.LeadAt, o.LeadNote, o.LeadName = &u.ID, &at, note, u.Name
		} else {
			o.TrainingBy, o.TrainingAt, o.TrainingNote, o.TrainingName = &u.ID, &at, note, u.Name
		}
		return note, nil
	})
}

// FindOnboarding returns one record; staff see their own only.
func (s *TrainingService) FindOnboarding(ctx context.Context, id int64) (*wubu.Onboarding, error) {
	o, err := scanOnboarding(s.db.queryRow(ctx, `SELECT `+onboardingColumns+onboardingFrom+` WHERE o.id = ?`, id))
	if err != nil {
		return nil, err
	}
	u, err := wubu.Authorize(ctx, wubu.PermResidentView, o.ProjectID)
	if err != nil {
		return nil, err
	}
	if !u.Can(wubu.PermStaffView) && u.ID != o.UserID {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "New hire record not found.")
	}
	return o, nil
}

// FindOnboardings lists a project's records, open first, newest first.
func (s *TrainingService) FindOnboardings(ctx context.Context, projectID int64) ([]*wubu.Onboarding, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermStaffView, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+onboardingColumns+onboardingFrom+` WHERE o.project_id = ?
		ORDER BY CASE WHEN o.state = 'cleared' THEN 1 ELSE 0 END, o.opened_at DESC, o.id DESC LIMIT 200`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.Onboarding
	for rows.Next() {
		o, err := scanOnboarding(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
