package main

import (
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// The permission matrix of knowing the residents (S1, C1, M1, K2, S6, U1):
// everyone serving residents trains; those who lead plan, write questions
// and open new hires' records; managers name the leads and set the points.
func init() {
	leading := matrixEntry{perm: wubu.PermStaffView}
	with := func(e matrixEntry, body string) matrixEntry { e.body = body; return e }
	training := func(t *testing.T, app *testApp) *sqlstore.TrainingService {
		return sqlstore.NewTrainingService(app.DB, app.Main.Clocks)
	}
	addMatrix(map[string]matrixEntry{
		"GET /training":                         {perm: wubu.PermResidentView},
		"POST /training/quizzes":                {perm: wubu.PermResidentView, body: "project={project}&kind=quiz&count=5"},
		"GET /training/quizzes/{id}":            {perm: wubu.PermResidentView},
		"POST /training/quizzes/{id}":           {perm: wubu.PermResidentView, body: "q1=0"},
		"GET /training/quizzes/{id}/photos/{n}": {perm: wubu.PermResidentView, missingOK: true},
		"POST /training/assessments/{id}/start": {perm: wubu.PermResidentView},
		"GET /training/manage":                  leading,
		"POST /training/leads":                  {perm: wubu.PermStaffEdit, body: "project={project}&kind=training&user_id={user}"},
		"POST /training/settings":               {perm: wubu.PermSettingsEdit, body: "project={project}&first_assessment_days=14&points_phone=2&points_photo=3"},
		"POST /training/plans":                  with(leading, "project={project}&post=security&questions=5&pass_mark=80&time_limit_min=10&retake_hours=24&every_months=1&due_days=7"),
		"POST /training/plans/issue":            with(leading, "project={project}&post=cleaning"),
		"POST /training/questions":              with(leading, "project={project}&text=消防报警电话&right=119&wrong=110%0A120"),
		"POST /training/onboarding":             with(leading, "project={project}&user_id={user}"),
		"GET /training/onboarding/{id}":         {perm: wubu.PermResidentView},
		"POST /training/onboarding/{id}/train":  with(leading, "what=东门岗带岗&day=2026-11-20"),
		// The team leader who gave the training may not sign it off.
		"POST /training/onboarding/{id}/sign":       {perm: wubu.PermStaffView, body: "note=合格", refused: []string{"m_lead"}},
		"GET /training/report":                      {perm: wubu.PermReportView},
		"GET /api/v1/projects/{id}/training/scores": {perm: wubu.PermReportView},
		"GET /api/v1/projects/{id}/training/points": {perm: wubu.PermReportView},
	}, map[string]objectMaker{
		// An admin's quiz of one question of the bank.
		"/training/quizzes/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			ts := training(t, app)
			if err := ts.CreateBankQuestion(app.adminCtx(), &wubu.BankQuestion{ProjectID: p.ID, Text: "火警电话是多少？", Options: []string{"119", "110", "120"}}); err != nil {
				t.Fatal(err)
			}
			q, err := ts.GenerateQuiz(app.adminCtx(), wubu.QuizRequest{ProjectID: p.ID, Count: 4})
			if err != nil {
				t.Fatal(err)
			}
			return q.ID
		},
		// The target's assessment: another's for every caller.
		"/training/assessments/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			ts := training(t, app)
			if _, err := ts.IssueAssessments(app.adminCtx(), p.ID, wubu.PostSecurity); err != nil {
				t.Fatal(err)
			}
			sits, err := ts.FindSittings(app.adminCtx(), p.ID, o.user)
			if err != nil || len(sits) == 0 {
				t.Fatalf("no assessment issued: %v", err)
			}
			return sits[0].ID
		},
		"/training/onboarding/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			ob, err := training(t, app).StartOnboarding(app.adminCtx(), p.ID, o.user)
			if err != nil {
				t.Fatal(err)
			}
			return ob.ID
		},
	})
}
