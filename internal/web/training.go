package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// trainingRoutes are the pages of knowing the residents (S1, C1, M1, K2,
// S6, U1): one's own training on the phone, a quiz, and the leaders' page
// of leads, plans, questions, new hires, scores and points.
func (h *Handler) trainingRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/training", Perm: wubu.PermResidentView, Handler: h.trainingHome},
		{Method: "POST", Path: "/training/quizzes", Perm: wubu.PermResidentView, Handler: h.quizCreate},
		{Method: "GET", Path: "/training/quizzes/{id}", Perm: wubu.PermResidentView, Handler: h.quizShow},
		{Method: "POST", Path: "/training/quizzes/{id}", Perm: wubu.PermResidentView, Handler: h.quizSubmit},
		{Method: "GET", Path: "/training/quizzes/{id}/photos/{n}", Perm: wubu.PermResidentView, Handler: h.quizPhoto},
		{Method: "POST", Path: "/training/assessments/{id}/start", Perm: wubu.PermResidentView, Handler: h.assessmentStart},
		{Method: "GET", Path: "/training/manage", Perm: wubu.PermStaffView, Handler: h.trainingManage},
		{Method: "POST", Path: "/training/leads", Perm: wubu.PermStaffEdit, Handler: h.trainingForm(h.leadSet)},
		{Method: "POST", Path: "/training/settings", Perm: wubu.PermSettingsEdit, Handler: h.trainingForm(h.trainingSettingsSave)},
		{Method: "POST", Path: "/training/plans", Perm: wubu.PermStaffView, Handler: h.trainingForm(h.planSave)},
		{Method: "POST", Path: "/training/plans/issue", Perm: wubu.PermStaffView, Handler: h.trainingForm(h.planIssue)},
		{Method: "POST", Path: "/training/questions", Perm: wubu.PermStaffView, Handler: h.trainingForm(h.bankCreate)},
		{Method: "POST", Path: "/training/onboarding", Perm: wubu.PermStaffView, Handler: h.trainingForm(h.onboardingStart)},
		{Method: "GET", Path: "/training/onboarding/{id}", Perm: wubu.PermResidentView, Handler: h.onboardingShow},
		{Method: "POST", Path: "/training/onboarding/{id}/train", Perm: wubu.PermStaffView, Handler: h.step(h.onboardingSteps(), "train_", h.onboardingTrain)},
		{Method: "POST", Path: "/training/onboarding/{id}/sign", Perm: wubu.PermStaffView, Handler: h.step(h.onboardingSteps(), "sign_", h.onboardingSign)},
		{Method: "GET", Path: "/training/report", Perm: wubu.PermReportView, Handler: h.trainingReport},
	}
}

// thisMonth is the month of now in China time, "2026-12".
func (h *Handler) thisMonth() string { return h.Clock.Now().In(cst).Format("2006-01") }

type trainingView struct {
	securityPage
	Buildings   []*wubu.Building
	Sittings    []*wubu.Sitting
	MonthPoints int
	TotalPoints int
	CanLead     bool
}

// trainingHome is one's own training, on the phone: the daily practice,
// the week's new residents, a quiz of a building, one's assessments and
// points.
func (h *Handler) trainingHome(w http.ResponseWriter, r *http.Request) {
	v, err := h.trainingView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "training", v)
}

func (h *Handler) trainingView(r *http.Request) (*trainingView, error) {
	base, err := h.newSecurityPage(r, "Knowing the residents")
	if err != nil {
		return nil, err
	}
	v := &trainingView{securityPage: base, CanLead: base.User.Can(wubu.PermStaffView)}
	if v.ProjectID == 0 {
		return v, nil
	}
	ctx := r.Context()
	if v.Buildings, err = h.Org.FindBuildings(ctx, v.ProjectID); err != nil {
		return nil, err
	}
	if v.Sittings, err = h.Training.FindSittings(ctx, v.ProjectID, v.User.ID); err != nil {
		return nil, err
	}
	v.MonthPoints, v.TotalPoints, err = h.Training.UserPoints(ctx, v.ProjectID, v.User.ID, h.thisMonth())
	return v, err
}

// quizCreate generates a quiz and opens it.
func (h *Handler) quizCreate(w http.ResponseWriter, r *http.Request) {
	req := wubu.QuizRequest{Kind: wubu.QuizKind(r.PostFormValue("kind"))}
	req.ProjectID, _ = strconv.ParseInt(r.PostFormValue("project"), 10, 64)
	req.Count, _ = strconv.Atoi(r.PostFormValue("count"))
	if b, err := strconv.ParseInt(r.PostFormValue("building"), 10, 64); err == nil && b > 0 {
		req.BuildingID = &b
	}
	q, err := h.Training.GenerateQuiz(r.Context(), req)
	if err != nil {
		h.trainingRefused(w, r, err)
		return
	}
	h.redirect(w, r, "/training/quizzes/"+strconv.FormatInt(q.ID, 10), "")
}

// trainingRefused shows one's training page again with a refused form.
func (h *Handler) trainingRefused(w http.ResponseWriter, r *http.Request, err error) {
	reshowForm(h, w, r, err, h.trainingView, r.PostForm, "training", "")
}

// assessmentStart starts an attempt at one's assessment.
func (h *Handler) assessmentStart(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q, err := h.Training.StartAssessment(r.Context(), id)
	if err != nil {
		h.trainingRefused(w, r, err)
		return
	}
	h.redirect(w, r, "/training/quizzes/"+strconv.FormatInt(q.ID, 10), "")
}

type quizView struct {
	Page
	Quiz *wubu.Quiz
}

// Prompt is a question's text in the page's language.
func (v *quizView) Prompt(q *wubu.Question) string {
	switch {
	case q.Kind == wubu.QuestionBank:
		return q.Prompt
	case q.Detail != "":
		return v.T(q.Prompt, q.Subject, v.T(q.Detail))
	case q.Subject != "":
		return v.T(q.Prompt, q.Subject)
	}
	return v.T(q.Prompt)
}

func (h *Handler) quizView(r *http.Request) (*quizView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	v := &quizView{Page: h.newPage(r, "Quiz")}
	v.Quiz, err = h.Training.FindQuiz(r.Context(), id)
	return v, err
}

// quizShow shows a quiz to answer, or its result once submitted.
func (h *Handler) quizShow(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.quizView, "training_quiz")
}

// quizSubmit scores the answers and shows the result.
func (h *Handler) quizSubmit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q, err := h.Training.FindQuiz(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	answers := make([]int, len(q.Questions))
	for i := range answers {
		answers[i] = -1
		if a, err := strconv.Atoi(r.PostFormValue("q" + strconv.Itoa(i+1))); err == nil {
			answers[i] = a
		}
	}
	if q, err = h.Training.SubmitQuiz(r.Context(), id, answers); err != nil {
		reshowForm(h, w, r, err, h.quizView, r.PostForm, "training_quiz", "")
		return
	}
	h.redirect(w, r, "/training/quizzes/"+strconv.FormatInt(id, 10), h.T(r, "Your score: %d%%", q.Score))
}

// quizPhoto is the photo of a question.
func (h *Handler) quizPhoto(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, _ := strconv.Atoi(r.PathValue("n"))
	ph, err := h.Training.QuizPhoto(r.Context(), id, n)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteImage(w, ph.ContentType, ph.Data)
}

type trainingManageView struct {
	securityPage
	Leads       []*wubu.ProjectLead
	Missing     []wubu.LeadKind
	LeadKinds   []wubu.LeadKind
	Staff       []*wubu.User
	Posts       []wubu.Post
	Plans       []*wubu.AssessmentPlan
	Bank        []*wubu.BankQuestion
	Articles    []*wubu.KBEntry
	Onboardings []*wubu.Onboarding
	Settings    *wubu.TrainingSettings
	Fields      []string
	CanLeads    bool
	CanSettings bool
}

// The catalogue keys naming the training's codes on its pages and in the
// audit log (audit_fields.go): the leads, the states of new hires'
// records and of assessments.
const (
	msgLeadSecurity    = "lead:security"
	msgLeadCleaning    = "lead:cleaning"
	msgLeadMaintenance = "lead:maintenance"
	msgLeadService     = "lead:service"
	msgLeadTraining    = "lead:training"

	msgOnboardingOpen     = "onboarding:open"
	msgOnboardingTrained  = "onboarding:trained"
	msgOnboardingVerified = "onboarding:verified"
	msgOnboardingCleared  = "onboarding:cleared"

	msgSittingDue     = "sitting:due"
	msgSittingOverdue = "sitting:overdue"
	msgSittingFailed  = "sitting:failed"
	msgSittingPassed  = "sitting:passed"
)

// LeadName names a lead kind in the page's language.
func (p *Page) LeadName(k wubu.LeadKind) string { return p.T("lead:" + string(k)) }

// OnboardingState names where a new hire's record stands.
func (p *Page) OnboardingState(s wubu.OnboardingState) string { return p.T("onboarding:" + string(s)) }

// SittingState names where an assessment stands.
func (p *Page) SittingState(s *wubu.Sitting) string {
	if s.Overdue {
		return p.T(msgSittingOverdue)
	}
	return p.T("sitting:" + string(s.State))
}

// Pct writes a share as a percentage.
func (p *Page) Pct(f float64) string { return strconv.Itoa(int(f*100+0.5)) + "%" }

func (h *Handler) trainingManageView(r *http.Request) (*trainingManageView, error) {
	base, err := h.newSecurityPage(r, "Training of the residents' knowledge")
	if err != nil {
		return nil, err
	}
	v := &trainingManageView{securityPage: base, LeadKinds: wubu.LeadKinds, Fields: wubu.ContributionFields,
		Posts:    []wubu.Post{wubu.PostSecurity, wubu.PostCleaning, wubu.PostMaintenance, wubu.PostService},
		CanLeads: base.User.Can(wubu.PermStaffEdit), CanSettings: base.User.Can(wubu.PermSettingsEdit)}
	if v.ProjectID == 0 {
		return v, nil
	}
	ctx, pid := r.Context(), v.ProjectID
	if v.Leads, v.Missing, err = h.Training.FindLeads(ctx, pid); err != nil {
		return nil, err
	}
	v.Staff = h.projectStaff(r, pid)
	for _, post := range v.Posts {
		p, err := h.Training.FindPlan(ctx, pid, post)
		if err != nil {
			return nil, err
		}
		v.Plans = append(v.Plans, p)
	}
	if v.Bank, err = h.Training.FindBankQuestions(ctx, pid); err != nil {
		return nil, err
	}
	if base.User.Can(wubu.PermSecurityView) {
		if v.Articles, err = h.Knowledge.FindKB(ctx, pid, "", ""); err != nil {
			return nil, err
		}
	}
	if v.Onboardings, err = h.Training.FindOnboardings(ctx, pid); err != nil {
		return nil, err
	}
	v.Settings, err = h.Training.FindTrainingSettings(ctx, pid)
	return v, err
}

// trainingManage is the leaders' page of the training.
func (h *Handler) trainingManage(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.trainingManageView, "training_manage")
}

// trainingForm handles a form of the leaders' page: done, back to the
// page with do's message; refused, the page again with what was typed.
func (h *Handler) trainingForm(do func(r *http.Request, projectID int64) (string, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		pid, _ := strconv.ParseInt(r.PostFormValue("project"), 10, 64)
		msg, err := do(r, pid)
		if err != nil {
			reshowForm(h, w, r, err, h.trainingManageView, r.PostForm, "training_manage", "")
			return
		}
		h.redirect(w, r, "/training/manage?project="+strconv.FormatInt(pid, 10), msg)
	}
}

func formInt(r *http.Request, name string) int {
	n, _ := strconv.Atoi(r.PostFormValue(name))
	return n
}

func (h *Handler) leadSet(r *http.Request, pid int64) (string, error) {
	uid, _ := strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
	return h.T(r, "Saved."), h.Training.SetLead(r.Context(), pid, wubu.LeadKind(r.PostFormValue("kind")), uid)
}

func (h *Handler) trainingSettingsSave(r *http.Request, pid int64) (string, error) {
	st := &wubu.TrainingSettings{ProjectID: pid, ApplianceInventory: r.PostFormValue("appliance_inventory") != "", FirstAssessmentDays: formInt(r, "first_assessment_days"),
		Points: map[string]int{}}
	for _, f := range wubu.ContributionFields {
		st.Points[f] = formInt(r, "points_"+f)
	}
	return h.T(r, "Saved."), h.Training.SaveTrainingSettings(r.Context(), st)
}

func (h *Handler) planSave(r *http.Request, pid int64) (string, error) {
	p := &wubu.AssessmentPlan{ProjectID: pid, Post: wubu.Post(r.PostFormValue("post")), Questions: formInt(r, "questions"), PassMark: formInt(r, "pass_mark"),
		TimeLimitMin: formInt(r, "time_limit_min"), RetakeHours: formInt(r, "retake_hours"), EveryMonths: formInt(r, "every_months"), DueDays: formInt(r, "due_days")}
	return h.T(r, "Saved."), h.Training.SavePlan(r.Context(), p)
}

func (h *Handler) planIssue(r *http.Request, pid int64) (string, error) {
	n, err := h.Training.IssueAssessments(r.Context(), pid, wubu.Post(r.PostFormValue("post")))
	return h.T(r, "%d assessments issued.", n), err
}

func (h *Handler) bankCreate(r *http.Request, pid int64) (string, error) {
	q := &wubu.BankQuestion{ProjectID: pid, Post: wubu.Post(r.PostFormValue("post")), Text: r.PostFormValue("text"),
		Options: append([]string{r.PostFormValue("right")}, strings.Split(r.PostFormValue("wrong"), "\n")...)}
	if a, err := strconv.ParseInt(r.PostFormValue("article_id"), 10, 64); err == nil && a > 0 {
		q.ArticleID = &a
	}
	return h.T(r, "Question added."), h.Training.CreateBankQuestion(r.Context(), q)
}

func (h *Handler) onboardingStart(r *http.Request, pid int64) (string, error) {
	uid, _ := strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
	o, err := h.Training.StartOnboarding(r.Context(), pid, uid)
	if err != nil {
		return "", err
	}
	return h.T(r, "New hire record opened for %s.", o.UserName), nil
}

type onboardingView struct {
	Page
	Onboarding *wubu.Onboarding
	Today      string
	CanTrain   bool
	CanSign    bool
}

func (h *Handler) onboardingView(r *http.Request) (*onboardingView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	v := &onboardingView{Page: h.newPage(r, "New hire"), Today: h.Clock.Now().In(cst).Format("2006-01-02")}
	if v.Onboarding, err = h.Training.FindOnboarding(r.Context(), id); err != nil {
		return nil, err
	}
	o := v.Onboarding
	v.Title = v.T("New hire") + " · " + o.UserName
	v.CanTrain = o.State == wubu.OnboardingOpen && v.User.Can(wubu.PermStaffView)
	v.CanSign = (o.State == wubu.OnboardingTrained || o.State == wubu.OnboardingVerified) && v.User.Can(wubu.PermStaffView)
	return v, nil
}

func (h *Handler) onboardingShow(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.onboardingView, "training_onboarding")
}

// onboardingSteps are a new hire record's pages for its steps.
func (h *Handler) onboardingSteps() stepPage {
	return stepPage{path: "/training/onboarding/%d", reshow: reshowWith(h, h.onboardingView, "training_onboarding")}
}

func (h *Handler) onboardingTrain(r *http.Request, id int64) (string, error) {
	_, err := h.Training.RecordTraining(r.Context(), id, r.FormValue("what"), r.FormValue("day"))
	return h.T(r, "Training recorded."), err
}

func (h *Handler) onboardingSign(r *http.Request, id int64) (string, error) {
	_, err := h.Training.SignOnboarding(r.Context(), id, r.FormValue("note"))
	return h.T(r, "Signed off."), err
}

type trainingReportView struct {
	securityPage
	Month  string
	Scores []*wubu.ScoreRow
	Points []*wubu.PointsRow
}

func (h *Handler) trainingReportView(r *http.Request) (*trainingReportView, error) {
	base, err := h.newSecurityPage(r, "Training report")
	if err != nil {
		return nil, err
	}
	v := &trainingReportView{securityPage: base, Month: r.URL.Query().Get("month")}
	if v.Month == "" {
		v.Month = h.thisMonth()
	}
	if v.ProjectID == 0 {
		return v, nil
	}
	if v.Scores, err = h.Training.Scores(r.Context(), v.ProjectID); err != nil {
		return nil, err
	}
	v.Points, err = h.Training.Points(r.Context(), v.ProjectID, v.Month)
	return v, err
}

// trainingReport is the scorecard's training figures: the assessments per
// person, post and project, and the month's points ranked per post.
func (h *Handler) trainingReport(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.trainingReportView, "training_report")
}

// When formats an optional time, "—" when unset.
func (p *Page) When(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return p.DateTime(*t)
}

// staffPoints is a person's reward points in one project.
type staffPoints struct {
	Project      string
	Month, Total int
}

// staffPoints returns a person's points in each project of theirs the
// caller serves (U1), for the person's page.
func (h *Handler) staffPoints(r *http.Request, u *wubu.User) ([]staffPoints, error) {
	me := wubu.UserFromContext(r.Context())
	var out []staffPoints
	for _, pid := range u.ProjectIDs {
		if !me.Serves(pid) {
			continue
		}
		p, err := h.Projects.FindProjectByID(r.Context(), pid)
		if err != nil {
			return nil, err
		}
		m, all, err := h.Training.UserPoints(r.Context(), pid, u.ID, h.thisMonth())
		if err != nil {
			return nil, err
		}
		out = append(out, staffPoints{Project: p.Name, Month: m, Total: all})
	}
	return out, nil
}
