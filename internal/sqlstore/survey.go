package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
)

// SurveyService implements wubu.SurveyService: survey forms and their
// results, the one questionnaire machinery of visits and community
// surveys.
type SurveyService struct {
	db       *DB
	notifier wubu.Notifier
}

var _ wubu.SurveyService = (*SurveyService)(nil)

// NewSurveyService returns the survey service over db.
func NewSurveyService(db *DB) *SurveyService { return &SurveyService{db: db} }

// Limits of a form's text, in characters.
const (
	maxSurveyTitle     = 80
	maxSurveyQuestion  = 200
	maxSurveyChoice    = 40
	maxSurveyChoices   = 20
	maxSurveyQuestions = 40
	maxSurveyText      = 1000
)

// choiceSep separates a question's choices, and a multiple choice's
// answers, in their column.
const choiceSep = "\n"

func splitChoices(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, choiceSep)
}

// FindSurveyForms returns a project's forms with their questions.
func (s *SurveyService) FindSurveyForms(ctx context.Context, projectID int64) ([]*wubu.SurveyForm, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT id FROM survey_forms WHERE project_id = ? ORDER BY purpose, id`, projectID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	out := []*wubu.SurveyForm{}
	for _, id := range ids {
		f, err := readForm(ctx, s.db, projectID, id)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// dbOrTx is the store or one of its transactions.
type dbOrTx interface {
	query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	queryRow(ctx context.Context, q string, args ...any) *sql.Row
}

// readForm reads a form of a project with its questions (archived ones
// left out).
func readForm(ctx context.Context, q dbOrTx, projectID, id int64) (*wubu.SurveyForm, error) {
	f := &wubu.SurveyForm{Questions: []*wubu.SurveyQuestion{}}
	err := q.queryRow(ctx, `SELECT id, project_id, purpose, title, opens_on, closes_on, updated_at, segment_id FROM survey_forms WHERE project_id = ? AND id = ?`, projectID, id).
		Scan(&f.ID, &f.ProjectID, &f.Purpose, &f.Title, &f.OpensOn, &f.ClosesOn, &f.UpdatedAt, &f.SegmentID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Survey form not found.")
	} else if err != nil {
		return nil, err
	}
	rows, err := q.query(ctx, `SELECT id, kind, text, choices, required FROM survey_questions WHERE project_id = ? AND form_id = ? AND archived = ? ORDER BY position, id`, projectID, id, false)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		qu := &wubu.SurveyQuestion{}
		var choices string
		if err := rows.Scan(&qu.ID, &qu.Kind, &qu.Text, &choices, &qu.Required); err != nil {
			return nil, err
		}
		qu.Choices = splitChoices(choices)
		f.Questions = append(f.Questions, qu)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return f, readSurveyBuildings(ctx, q, f)
}

// FindSurveyForm returns a form with its questions.
func (s *SurveyService) FindSurveyForm(ctx context.Context, id int64) (*wubu.SurveyForm, error) {
	return s.form(ctx, id, wubu.PermResidentView)
}

// form reads a form the caller may use with perm: another project's form
// answers as a missing one.
func (s *SurveyService) form(ctx context.Context, id int64, perm wubu.Permission) (*wubu.SurveyForm, error) {
	if _, err := wubu.Authorize(ctx, perm, 0); err != nil {
		return nil, err
	}
	var pid int64
	err := s.db.queryRow(ctx, `SELECT project_id FROM survey_forms WHERE id = ?`, id).Scan(&pid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Survey form not found.")
	} else if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, perm, pid); err != nil {
		if wubu.ErrorCode(err) == wubu.ENOTFOUND {
			return nil, wubu.Errorf(wubu.ENOTFOUND, "Survey form not found.")
		}
		return nil, err
	}
	return readForm(ctx, s.db, pid, id)
}

// FormFor returns the form of a purpose in a project.
func (s *SurveyService) FormFor(ctx context.Context, projectID int64, purpose wubu.SurveyPurpose) (*wubu.SurveyForm, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	return formFor(ctx, s.db, projectID, purpose)
}

func formFor(ctx context.Context, q dbOrTx, projectID int64, purpose wubu.SurveyPurpose) (*wubu.SurveyForm, error) {
	var id int64
	err := q.queryRow(ctx, `SELECT id FROM survey_forms WHERE project_id = ? AND purpose = ? ORDER BY id LIMIT 1`, projectID, purpose).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Survey form not found.")
	} else if err != nil {
		return nil, err
	}
	return readForm(ctx, q, projectID, id)
}

// checkForm checks and tidies a form to save.
func checkForm(f *wubu.SurveyForm) error {
	f.Title = strings.TrimSpace(f.Title)
	switch {
	case !f.Purpose.Valid():
		return wubu.FieldErrorf("purpose", wubu.EINVALID, "Survey purpose %q is not valid.", string(f.Purpose))
	case f.Title == "" || utf8.RuneCountInString(f.Title) > maxSurveyTitle:
		return wubu.FieldErrorf("title", wubu.EINVALID, "Give the form a title (at most %d characters).", maxSurveyTitle)
	case len(f.Questions) == 0 || len(f.Questions) > maxSurveyQuestions:
		return wubu.FieldErrorf("questions", wubu.EINVALID, "A form needs 1 to %d questions.", maxSurveyQuestions)
	}
	for _, d := range []struct{ field, v string }{{"opens_on", f.OpensOn}, {"closes_on", f.ClosesOn}} {
		if err := validDate(d.field, d.v); err != nil {
			return err
		}
	}
	if f.OpensOn != "" && f.ClosesOn != "" && f.ClosesOn < f.OpensOn {
		return wubu.FieldErrorf("closes_on", wubu.EINVALID, "The survey cannot close before it opens.")
	}
	for i, q := range f.Questions {
		q.Text = strings.TrimSpace(q.Text)
		n := i + 1
		if !q.Kind.Valid() {
			return wubu.FieldErrorf("questions", wubu.EINVALID, "Question %d: choose how it is answered.", n)
		}
		if q.Text == "" || utf8.RuneCountInString(q.Text) > maxSurveyQuestion {
			return wubu.FieldErrorf("questions", wubu.EINVALID, "Question %d: write the question (at most %d characters).", n, maxSurveyQuestion)
		}
		var choices []string
		for _, c := range q.Choices {
			if c = strings.TrimSpace(c); c != "" && !slices.Contains(choices, c) {
				choices = append(choices, c)
			}
		}
		q.Choices = nil
		if !q.Kind.HasChoices() {
			continue
		}
		if len(choices) < 2 || len(choices) > maxSurveyChoices {
			return wubu.FieldErrorf("questions", wubu.EINVALID, "Question %d: give 2 to %d choices.", n, maxSurveyChoices)
		}
		for _, c := range choices {
			if utf8.RuneCountInString(c) > maxSurveyChoice {
				return wubu.FieldErrorf("questions", wubu.EINVALID, "Question %d: a choice may be at most %d characters.", n, maxSurveyChoice)
			}
		}
		q.Choices = choices
	}
	return nil
}

// SaveSurveyForm creates or replaces a form.
func (s *SurveyService) SaveSurveyForm(ctx context.Context, f *wubu.SurveyForm) error {
	if f.ID != 0 {
		old, err := s.form(ctx, f.ID, wubu.PermSettingsEdit)
		if err != nil {
			return err
		}
		f.ProjectID, f.Purpose = old.ProjectID, old.Purpose
	}
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, f.ProjectID); err != nil {
		return err
	}
	if err := checkForm(f); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if f.SegmentID != nil {
		if _, _, err := s.db.segmentAudience(ctx, tx, f.ProjectID, *f.SegmentID); err != nil || f.Purpose != wubu.SurveyCommunity {
			return wubu.FieldErrorf("segment_id", wubu.EINVALID, "Choose a saved segment of this project.")
		}
	}
	var before *wubu.SurveyForm
	if f.ID == 0 {
		// A visit kind has one form.
		if f.Purpose != wubu.SurveyCommunity {
			if _, err := formFor(ctx, tx, f.ProjectID, f.Purpose); err == nil {
				return wubu.FieldErrorf("purpose", wubu.ECONFLICT, "This visit kind has a form already: change that one.")
			} else if wubu.ErrorCode(err) != wubu.ENOTFOUND {
				return err
			}
		}
		if f.ID, err = tx.insert(ctx, `INSERT INTO survey_forms (project_id, purpose, title, opens_on, closes_on, created_at, updated_at, segment_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			f.ProjectID, f.Purpose, f.Title, f.OpensOn, f.ClosesOn, tx.now, tx.now, f.SegmentID); err != nil {
			return err
		}
	} else {
		if before, err = readForm(ctx, tx, f.ProjectID, f.ID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE survey_forms SET title = ?, opens_on = ?, closes_on = ?, updated_at = ?, segment_id = ? WHERE project_id = ? AND id = ?`,
			f.Title, f.OpensOn, f.ClosesOn, tx.now, f.SegmentID, f.ProjectID, f.ID); err != nil {
			return err
		}
	}
	if err := saveQuestions(ctx, tx, f, before); err != nil {
		return err
	}
	if err := saveSurveyBuildings(ctx, tx, f); err != nil {
		return err
	}
	f.UpdatedAt = tx.now
	action := wubu.ActionCreate
	var b any
	if before != nil {
		action, b = wubu.ActionUpdate, before
	}
	if err := tx.audit(ctx, f.ProjectID, action, "survey_form", f.ID, b, f); err != nil {
		return err
	}
	return tx.Commit()
}

// saveQuestions writes a form's questions: changed in place, added, the
// others archived.
func saveQuestions(ctx context.Context, tx *Tx, f *wubu.SurveyForm, before *wubu.SurveyForm) error {
	old := map[int64]*wubu.SurveyQuestion{}
	if before != nil {
		for _, q := range before.Questions {
			old[q.ID] = q
		}
	}
	kept := map[int64]bool{}
	for i, q := range f.Questions {
		if q.ID == 0 {
			id, err := tx.insert(ctx, `INSERT INTO survey_questions (project_id, form_id, position, kind, text, choices, required, archived) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				f.ProjectID, f.ID, i, q.Kind, q.Text, strings.Join(q.Choices, choiceSep), q.Required, false)
			if err != nil {
				return err
			}
			q.ID = id
			continue
		}
		o, ok := old[q.ID]
		if !ok {
			return wubu.FieldErrorf("questions", wubu.ENOTFOUND, "Question %d is not on this form.", i+1)
		}
		if o.Kind != q.Kind {
			var n int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM survey_answers WHERE project_id = ? AND question_id = ?`, f.ProjectID, q.ID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return wubu.FieldErrorf("questions", wubu.ECONFLICT, "Question %d has answers: its kind cannot change. Add a new question instead.", i+1)
			}
		}
		kept[q.ID] = true
		if _, err := tx.exec(ctx, `UPDATE survey_questions SET position = ?, kind = ?, text = ?, choices = ?, required = ? WHERE project_id = ? AND id = ?`,
			i, q.Kind, q.Text, strings.Join(q.Choices, choiceSep), q.Required, f.ProjectID, q.ID); err != nil {
			return err
		}
	}
	for id := range old {
		if !kept[id] {
			if _, err := tx.exec(ctx, `UPDATE survey_questions SET archived = ? WHERE project_id = ? AND id = ?`, true, f.ProjectID, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkAnswers checks answers against a form's questions and returns them
// in the form's order: required questions answered, scores in range,
// choices among the question's.
func checkAnswers(f *wubu.SurveyForm, answers []wubu.SurveyAnswer) ([]wubu.SurveyAnswer, error) {
	byQ := map[int64]wubu.SurveyAnswer{}
	for _, a := range answers {
		byQ[a.QuestionID] = a
	}
	var out []wubu.SurveyAnswer
	for i, q := range f.Questions {
		a, ok := byQ[q.ID]
		delete(byQ, q.ID)
		a.Text = strings.TrimSpace(a.Text)
		var cs []string
		for _, c := range a.Choices {
			if c = strings.TrimSpace(c); c != "" && !slices.Contains(cs, c) {
				cs = append(cs, c)
			}
		}
		a.Choices = cs
		empty := !ok || (a.Score == nil && len(a.Choices) == 0 && a.Text == "")
		field := "q" + strconv.FormatInt(q.ID, 10)
		if empty {
			if q.Required {
				return nil, wubu.FieldErrorf(field, wubu.EINVALID, "Question %d must be answered.", i+1)
			}
			continue
		}
		a.QuestionID = q.ID
		switch q.Kind {
		case wubu.QuestionScale:
			if a.Score == nil || *a.Score < 1 || *a.Score > 5 {
				return nil, wubu.FieldErrorf(field, wubu.EINVALID, "Question %d: choose from 1 to 5.", i+1)
			}
			a.Choices, a.Text = nil, ""
		case wubu.QuestionYesNo:
			if a.Score == nil || *a.Score < 0 || *a.Score > 1 {
				return nil, wubu.FieldErrorf(field, wubu.EINVALID, "Question %d: answer yes or no.", i+1)
			}
			a.Choices, a.Text = nil, ""
		case wubu.QuestionSingle, wubu.QuestionMulti:
			if len(a.Choices) == 0 || (q.Kind == wubu.QuestionSingle && len(a.Choices) > 1) {
				return nil, wubu.FieldErrorf(field, wubu.EINVALID, "Question %d: choose among its answers.", i+1)
			}
			for _, c := range a.Choices {
				if !slices.Contains(q.Choices, c) {
					return nil, wubu.FieldErrorf(field, wubu.EINVALID, "Question %d: %q is not one of its answers.", i+1, c)
				}
			}
			a.Score, a.Text = nil, ""
		case wubu.QuestionText:
			if utf8.RuneCountInString(a.Text) > maxSurveyText {
				return nil, wubu.FieldErrorf(field, wubu.EINVALID, "Question %d: at most %d characters.", i+1, maxSurveyText)
			}
			a.Score, a.Choices = nil, nil
		}
		out = append(out, a)
	}
	if len(byQ) > 0 {
		return nil, wubu.FieldErrorf("answers", wubu.EINVALID, "An answer is to a question not on this form.")
	}
	return out, nil
}

// saveResponse writes a response and its answers; r names the project's
// form, the person, the building and the visit.
func saveResponse(ctx context.Context, tx *Tx, projectID int64, r *wubu.SurveyResponse) error {
	var by *int64
	if u := wubu.UserFromContext(ctx); u != nil && u.ID != 0 {
		by = &u.ID
	}
	r.AnsweredAt = tx.now
	var err error
	if r.ID, err = tx.insert(ctx, `INSERT INTO survey_responses (project_id, form_id, person_id, building_id, visit_id, care_visit_id, answered_by, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		projectID, r.FormID, r.PersonID, r.BuildingID, r.VisitID, r.CareVisitID, by, tx.now); err != nil {
		return err
	}
	// The day's "survey.satisfaction" figure (rollup_metrics.go).
	tx.markDay(projectID, "survey.satisfaction", dayOf(tx.now))
	for _, a := range r.Answers {
		if _, err := tx.exec(ctx, `INSERT INTO survey_answers (project_id, response_id, question_id, score, choices, text) VALUES (?, ?, ?, ?, ?, ?)`,
			projectID, r.ID, a.QuestionID, a.Score, strings.Join(a.Choices, choiceSep), a.Text); err != nil {
			return err
		}
	}
	return nil
}

// answerText is an answer as the timeline shows it: "4/5", "是", the
// choices, the text.
func answerText(q *wubu.SurveyQuestion, a wubu.SurveyAnswer) string {
	switch q.Kind {
	case wubu.QuestionScale:
		return strconv.Itoa(*a.Score) + "/5"
	case wubu.QuestionYesNo:
		if *a.Score == 1 {
			return "是"
		}
		return "否"
	case wubu.QuestionSingle, wubu.QuestionMulti:
		return strings.Join(a.Choices, "、")
	}
	return a.Text
}

// AnswerSurvey records a resident's answers to a community survey.
func (s *SurveyService) AnswerSurvey(ctx context.Context, r *wubu.SurveyResponse) error {
	f, err := s.form(ctx, r.FormID, wubu.PermResidentEdit)
	if err != nil {
		return err
	}
	today := s.db.now().In(cst).Format(time.DateOnly)
	switch {
	case f.Purpose != wubu.SurveyCommunity:
		return wubu.FieldErrorf("form_id", wubu.EINVALID, "This form is answered with its visit's outcome.")
	case r.PersonID == nil:
		return wubu.FieldErrorf("person_id", wubu.EINVALID, "Choose the resident who answers.")
	case f.OpensOn != "" && today < f.OpensOn || f.ClosesOn != "" && today > f.ClosesOn:
		return wubu.Errorf(wubu.EINVALID, "The survey is open from %s to %s.", f.OpensOn, f.ClosesOn)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := answerCommunity(ctx, tx, f, r); err != nil {
		return err
	}
	return tx.Commit()
}

// answerCommunity records a resident's checked answers to a community
// survey in tx, once per resident, with its audit entry.
func answerCommunity(ctx context.Context, tx *Tx, f *wubu.SurveyForm, r *wubu.SurveyResponse) error {
	checked, err := checkAnswers(f, r.Answers)
	if err != nil {
		return err
	}
	if len(checked) == 0 {
		return wubu.FieldErrorf("answers", wubu.EINVALID, "Answer at least one question.")
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM persons WHERE project_id = ? AND id = ?`, f.ProjectID, *r.PersonID).Scan(&n); err != nil {
		return err
	} else if n == 0 {
		return wubu.FieldErrorf("person_id", wubu.ENOTFOUND, "Resident not found.")
	}
	if f.SegmentID != nil {
		// The survey's audience is a segment: its residents answer.
		seg, sargs, err := tx.db.segmentAudience(ctx, tx, f.ProjectID, *f.SegmentID)
		if err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM persons WHERE project_id = ? AND id = ? AND id IN (`+seg+`)`, append([]any{f.ProjectID, *r.PersonID}, sargs...)...).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			return wubu.FieldErrorf("person_id", wubu.EINVALID, "This survey asks the residents of a segment, and this resident is not one of them.")
		}
	}
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM survey_responses WHERE project_id = ? AND form_id = ? AND person_id = ?`, f.ProjectID, f.ID, *r.PersonID).Scan(&n); err != nil {
		return err
	} else if n > 0 {
		return wubu.Errorf(wubu.ECONFLICT, "This resident has answered the survey already.")
	}
	r.Answers, r.VisitID = checked, nil
	if err := respond(ctx, tx, f, r); err != nil {
		return err
	}
	return tx.audit(ctx, f.ProjectID, wubu.ActionCreate, "survey_response", r.ID, nil, r)
}

// respond writes a checked response of a resident: their building, the
// answers, and the summary on their timeline ("timeline:survey").
func respond(ctx context.Context, tx *Tx, f *wubu.SurveyForm, r *wubu.SurveyResponse) error {
	var b sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT MIN(rm.building_id) FROM households h JOIN rooms rm ON rm.project_id = h.project_id AND rm.id = h.room_id
		WHERE h.project_id = ? AND h.person_id = ? AND h.move_out = ''`, f.ProjectID, *r.PersonID).Scan(&b); err != nil {
		return err
	}
	if b.Valid {
		r.BuildingID = &b.Int64
	}
	r.FormID = f.ID
	if err := saveResponse(ctx, tx, f.ProjectID, r); err != nil {
		return err
	}
	var parts []string
	for _, a := range r.Answers {
		for _, q := range f.Questions {
			if q.ID == a.QuestionID {
				parts = append(parts, q.Text+"："+answerText(q, a))
			}
		}
	}
	return addTimeline(ctx, tx, f.ProjectID, *r.PersonID, "survey", f.Title+" — "+strings.Join(parts, "；"))
}

// answerVisitSurvey records the answers to the form of a visit's kind, if
// the project has one, in the visit's transaction: the response names the
// visit, the resident and their building, and a summary of the answers
// lands on the resident's timeline ("timeline:survey").
func answerVisitSurvey(ctx context.Context, tx *Tx, v *wubu.Revisit, answers []wubu.SurveyAnswer) error {
	r, err := answerFormOf(ctx, tx, v.ProjectID, wubu.VisitSurvey(v.Kind), &wubu.SurveyResponse{PersonID: &v.PersonID, VisitID: &v.ID}, answers)
	v.Survey = r
	return err
}

// answerFormOf records answers to the project's form of a purpose, if it
// has one, in the caller's transaction, and returns the response (nil
// when there is no form or nothing was answered). Answers without a form
// are refused.
func answerFormOf(ctx context.Context, tx *Tx, projectID int64, purpose wubu.SurveyPurpose, r *wubu.SurveyResponse, answers []wubu.SurveyAnswer) (*wubu.SurveyResponse, error) {
	f, err := formFor(ctx, tx, projectID, purpose)
	if wubu.ErrorCode(err) == wubu.ENOTFOUND {
		if len(answers) > 0 {
			return nil, wubu.FieldErrorf("answers", wubu.EINVALID, "An answer is to a question not on this form.")
		}
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	checked, err := checkAnswers(f, answers)
	if err != nil || len(checked) == 0 {
		return nil, err
	}
	r.Answers = checked
	return r, respond(ctx, tx, f, r)
}

// visitResponse returns the response of a visit, nil when none.
func visitResponse(ctx context.Context, db *DB, projectID, visitID int64) (*wubu.SurveyResponse, error) {
	r := &wubu.SurveyResponse{VisitID: &visitID, Answers: []wubu.SurveyAnswer{}}
	err := db.queryRow(ctx, `SELECT id, form_id, person_id, building_id, answered_at FROM survey_responses WHERE project_id = ? AND visit_id = ?`, projectID, visitID).
		Scan(&r.ID, &r.FormID, &r.PersonID, &r.BuildingID, &r.AnsweredAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, `SELECT question_id, score, choices, text FROM survey_answers WHERE project_id = ? AND response_id = ? ORDER BY question_id`, projectID, r.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a wubu.SurveyAnswer
		var score sql.NullInt64
		var choices string
		if err := rows.Scan(&a.QuestionID, &score, &choices, &a.Text); err != nil {
			return nil, err
		}
		if score.Valid {
			n := int(score.Int64)
			a.Score = &n
		}
		a.Choices = splitChoices(choices)
		r.Answers = append(r.Answers, a)
	}
	return r, rows.Err()
}

// SurveyResults counts a form's answers per question and per building.
func (s *SurveyService) SurveyResults(ctx context.Context, formID int64) (*wubu.SurveyResults, error) {
	f, err := s.form(ctx, formID, wubu.PermReportView)
	if err != nil {
		return nil, err
	}
	// Every question ever on the form, archived ones included: answers to
	// them still count.
	qrows, err := s.db.query(ctx, `SELECT id, kind, text, choices FROM survey_questions WHERE project_id = ? AND form_id = ? ORDER BY archived, position, id`, f.ProjectID, f.ID)
	if err != nil {
		return nil, err
	}
	var questions []*wubu.SurveyQuestion
	for qrows.Next() {
		q := &wubu.SurveyQuestion{}
		var choices string
		if err := qrows.Scan(&q.ID, &q.Kind, &q.Text, &choices); err != nil {
			qrows.Close()
			return nil, err
		}
		q.Choices = splitChoices(choices)
		questions = append(questions, q)
	}
	if err := qrows.Close(); err != nil {
		return nil, err
	}
	res := &wubu.SurveyResults{Form: f}
	total := newTally(questions)
	byBuilding := map[int64]*tally{}
	var buildings []*wubu.BuildingResult
	rows, err := s.db.query(ctx, `SELECT r.id, COALESCE(r.building_id, 0), COALESCE(b.name, ''), a.question_id, a.score, a.choices, a.text
		FROM survey_responses r
		LEFT JOIN buildings b ON b.project_id = r.project_id AND b.id = r.building_id
		LEFT JOIN survey_answers a ON a.project_id = r.project_id AND a.response_id = r.id
		WHERE r.project_id = ? AND r.form_id = ? ORDER BY r.answered_at DESC, r.id DESC`, f.ProjectID, f.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var rid, bid int64
		var bname string
		var qid, score sql.NullInt64
		var choices, text sql.NullString
		if err := rows.Scan(&rid, &bid, &bname, &qid, &score, &choices, &text); err != nil {
			return nil, err
		}
		bt := byBuilding[bid]
		if bt == nil {
			bt = newTally(questions)
			byBuilding[bid] = bt
			buildings = append(buildings, &wubu.BuildingResult{BuildingID: bid, BuildingName: bname})
		}
		for _, t := range []*tally{total, bt} {
			t.response(rid)
			if qid.Valid {
				t.add(qid.Int64, score, choices.String, text.String)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	res.Responses, res.Questions = total.result()
	slices.SortFunc(buildings, func(a, b *wubu.BuildingResult) int { return compareNatural(a.BuildingName, b.BuildingName) })
	for _, b := range buildings {
		b.Responses, b.Questions = byBuilding[b.BuildingID].result()
	}
	res.Buildings = buildings
	return res, nil
}

// tally counts the answers of one set of responses.
type tally struct {
	questions []*wubu.SurveyQuestion
	responses map[int64]bool
	answered  map[int64]int
	sum       map[int64]int
	counts    map[int64]map[string]int
	texts     map[int64][]string
}

func newTally(qs []*wubu.SurveyQuestion) *tally {
	return &tally{questions: qs, responses: map[int64]bool{}, answered: map[int64]int{}, sum: map[int64]int{},
		counts: map[int64]map[string]int{}, texts: map[int64][]string{}}
}

func (t *tally) response(id int64) { t.responses[id] = true }

// add counts one answer.
func (t *tally) add(qid int64, score sql.NullInt64, choices, text string) {
	var q *wubu.SurveyQuestion
	for _, x := range t.questions {
		if x.ID == qid {
			q = x
		}
	}
	if q == nil {
		return
	}
	t.answered[qid]++
	if t.counts[qid] == nil {
		t.counts[qid] = map[string]int{}
	}
	switch q.Kind {
	case wubu.QuestionScale:
		t.sum[qid] += int(score.Int64)
		t.counts[qid][strconv.FormatInt(score.Int64, 10)]++
	case wubu.QuestionYesNo:
		label := "no"
		if score.Int64 == 1 {
			label = "yes"
		}
		t.counts[qid][label]++
	case wubu.QuestionSingle, wubu.QuestionMulti:
		for _, c := range splitChoices(choices) {
			t.counts[qid][c]++
		}
	case wubu.QuestionText:
		if len(t.texts[qid]) < 50 {
			t.texts[qid] = append(t.texts[qid], text)
		}
	}
}

// result returns the responses counted and each question's result.
func (t *tally) result() (int, []*wubu.QuestionResult) {
	out := []*wubu.QuestionResult{}
	pct := func(n, of int) float64 {
		if of == 0 {
			return 0
		}
		return math.Round(float64(n)*1000/float64(of)) / 10
	}
	for _, q := range t.questions {
		n := t.answered[q.ID]
		r := &wubu.QuestionResult{QuestionID: q.ID, Kind: q.Kind, Text: q.Text, Answered: n}
		var labels []string
		switch q.Kind {
		case wubu.QuestionScale:
			labels = []string{"5", "4", "3", "2", "1"}
			if n > 0 {
				r.Average = math.Round(float64(t.sum[q.ID])*100/float64(n)) / 100
			}
		case wubu.QuestionYesNo:
			labels = []string{"yes", "no"}
		case wubu.QuestionSingle, wubu.QuestionMulti:
			labels = q.Choices
		case wubu.QuestionText:
			r.Texts = t.texts[q.ID]
		}
		for _, l := range labels {
			c := t.counts[q.ID][l]
			r.Counts = append(r.Counts, wubu.ChoiceCount{Label: l, Count: c, Percent: pct(c, n)})
		}
		out = append(out, r)
	}
	return len(t.responses), out
}
