package wubu

import (
	"context"
	"slices"
	"time"
)

// Knowing the residents (认识客户, S1, C1, M1, K2, S6, U1), the first of
// the six steps for every post: quizzes generated from the project's own
// data (a guard learns faces, rooms and plates; a cleaner the housekeeping
// customers and their needs; a technician the households' appliances; the
// service desk names, rooms, plates and special days), question banks the
// leaders write for the knowledge base, periodic assessments with a clock,
// a daily practice that brings back what was missed, a round of the
// week's new residents, the new hire's on-site training signed off by the
// post's lead and the training lead, and reward points for the residents'
// information staff collect.

// QuizKind says why a quiz was generated.
type QuizKind string

// Quiz kinds.
const (
	QuizFree         QuizKind = "quiz"          // taken on demand
	QuizPractice     QuizKind = "practice"      // the daily five minutes: missed questions first
	QuizNewResidents QuizKind = "new_residents" // the residents who moved in this week
	QuizAssessment   QuizKind = "assessment"    // an attempt at an assessment
)

// QuizSubject is what a quiz question tests.
type QuizSubject string

// Question kinds: the subject of each is one of the project's own records.
const (
	QuestionPhotoName  QuizSubject = "photo_name"  // a photo → the person's name
	QuestionNameRoom   QuizSubject = "name_room"   // a name → the room
	QuestionPlateOwner QuizSubject = "plate_owner" // a plate → owner and room
	QuestionRoomMember QuizSubject = "room_member" // a room → who lives there
	QuestionHKRoom     QuizSubject = "hk_room"     // a housekeeping customer → the room (C1)
	QuestionHKNeed     QuizSubject = "hk_need"     // a housekeeping customer → the need they mentioned (C1)
	QuestionAppliance  QuizSubject = "appliance"   // a room → an appliance of the household (M1, M2)
	QuestionSpecialDay QuizSubject = "special_day" // a person → the date of their special day (K2)
	QuestionBank       QuizSubject = "bank"        // a leader's question on the knowledge base (S6)
)

// QuizSubjectsOf returns the generated kinds a post learns (S1, C1, M1,
// K2); the service narrows them to what the caller's card shows.
func QuizSubjectsOf(p Post) []QuizSubject {
	switch p {
	case PostSecurity:
		return []QuizSubject{QuestionPhotoName, QuestionNameRoom, QuestionPlateOwner, QuestionRoomMember}
	case PostCleaning:
		return []QuizSubject{QuestionHKRoom, QuestionHKNeed}
	case PostMaintenance:
		return []QuizSubject{QuestionNameRoom, QuestionAppliance, QuestionRoomMember}
	case PostService:
		return []QuizSubject{QuestionNameRoom, QuestionPlateOwner, QuestionSpecialDay, QuestionPhotoName}
	}
	return []QuizSubject{QuestionNameRoom, QuestionPlateOwner, QuestionRoomMember}
}

// CardPartsOf are the parts of the customer card a question kind reveals:
// a question is asked only of those who see them all.
func (k QuizSubject) CardPartsOf() []CardPart {
	switch k {
	case QuestionPhotoName:
		return []CardPart{CardName, CardPhoto}
	case QuestionPlateOwner:
		return []CardPart{CardName, CardRooms, CardPlates}
	case QuestionAppliance:
		return []CardPart{CardRooms, CardAppliances}
	case QuestionSpecialDay:
		return []CardPart{CardName, CardSpecialDays}
	case QuestionBank:
		return nil
	}
	return []CardPart{CardName, CardRooms}
}

// Question is one multiple-choice question of a quiz. Its Prompt is a
// catalogue message taking Subject (and, for a special day, its kind);
// a bank question's Prompt is the leader's own text.
type Question struct {
	Position int         `json:"position"`
	Kind     QuizSubject `json:"kind"`
	// Key names what the question tests ("name_room:17"): spaced
	// repetition brings it back by its key.
	Key     string   `json:"key"`
	Prompt  string   `json:"prompt"`
	Subject string   `json:"subject,omitempty"`
	Detail  string   `json:"detail,omitempty"`
	Photo   bool     `json:"photo,omitempty"`
	Options []string `json:"options"`
	// Answer is the right option; sent only once the quiz is submitted.
	Answer int `json:"-"`
	// Chosen is the option picked (-1: none); Correct once submitted.
	Chosen    int    `json:"chosen"`
	Correct   bool   `json:"correct"`
	ArticleID *int64 `json:"article_id,omitempty"`
	// Right is the right option's text, once submitted.
	Right string `json:"right,omitempty"`
}

// Quiz is a generated quiz and, once submitted, its result.
type Quiz struct {
	ID         int64    `json:"id"`
	ProjectID  int64    `json:"project_id"`
	UserID     int64    `json:"user_id"`
	Kind       QuizKind `json:"kind"`
	BuildingID *int64   `json:"building_id,omitempty"`
	// SittingID is the assessment the quiz is an attempt at.
	SittingID   *int64      `json:"sitting_id,omitempty"`
	StartedAt   time.Time   `json:"started_at"`
	EndsAt      *time.Time  `json:"ends_at,omitempty"` // the time limit of an assessment
	SubmittedAt *time.Time  `json:"submitted_at,omitempty"`
	Correct     int         `json:"correct"`
	Total       int         `json:"total"`
	Score       int         `json:"score"` // percent
	Passed      bool        `json:"passed"`
	Questions   []*Question `json:"questions"`
}

// QuizRequest asks for a quiz: in a project, optionally of one building
// (a guard's gate), of Count questions (default 5, at most 50).
type QuizRequest struct {
	ProjectID  int64    `json:"project_id"`
	BuildingID *int64   `json:"building_id,omitempty"`
	Count      int      `json:"count"`
	Kind       QuizKind `json:"kind"`
}

// BankQuestion is a leader's question on the knowledge base (S6), linked to
// the article it tests, for one post or every post.
type BankQuestion struct {
	ID        int64     `json:"id"`
	ProjectID int64     `json:"project_id"`
	Post      Post      `json:"post"` // PostNone: every post
	ArticleID *int64    `json:"article_id,omitempty"`
	Article   string    `json:"article,omitempty"`
	Text      string    `json:"text"`
	Options   []string  `json:"options"` // the first is the right one; shuffled when asked
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// AssessmentPlan schedules assessments of a post in a project (monthly by
// default): how many questions, the pass mark, the time limit, the delay
// before a retake, and how many days staff have to take it.
type AssessmentPlan struct {
	ID           int64      `json:"id"`
	ProjectID    int64      `json:"project_id"`
	Post         Post       `json:"post"`
	Questions    int        `json:"questions"`
	PassMark     int        `json:"pass_mark"` // percent
	TimeLimitMin int        `json:"time_limit_min"`
	RetakeHours  int        `json:"retake_hours"`
	EveryMonths  int        `json:"every_months"`
	DueDays      int        `json:"due_days"`
	NextIssue    *time.Time `json:"next_issue,omitempty"`
}

// DefaultAssessmentPlan is the plan of a post that sets none: monthly, 20
// questions, 80% to pass, 15 minutes, a retake after a day, a week to take it.
func DefaultAssessmentPlan(projectID int64, post Post) *AssessmentPlan {
	return &AssessmentPlan{ProjectID: projectID, Post: post, Questions: 20, PassMark: 80, TimeLimitMin: 15, RetakeHours: 24, EveryMonths: 1, DueDays: 7}
}

// SittingState is where one person's assessment stands.
type SittingState string

// Sitting states.
const (
	SittingDue    SittingState = "due"
	SittingFailed SittingState = "failed"
	SittingPassed SittingState = "passed"
)

// Assessment steps.
const (
	SittingIssue = "issue"
	SittingPass  = "pass"
	SittingFail  = "fail"
)

// SittingLifecycle: an assessment issued to a member of staff is due by a
// date (the clock runs); an attempt passes it (the clock stops) or fails
// it (taken in time, the clock stops too); a failed assessment may be
// retaken after the plan's delay. Not taken by its due date, it reaches
// the person and the post's team leaders, then the manager.
var SittingLifecycle = declare(&Lifecycle{
	Object: "assessment",
	Lead:   PermStaffView,
	States: []LifecycleState{
		{Name: string(SittingDue), Refusal: "Assessment %d has not been taken yet: this step is not possible now."},
		{Name: string(SittingFailed), Refusal: "Assessment %d was failed: it may be retaken."},
		{Name: string(SittingPassed), Refusal: "Assessment %d is passed: it cannot change any more.", Final: true},
	},
	Steps: []StepDecl{
		{Action: SittingIssue, To: string(SittingDue), Perm: PermStaffView, Clocks: []ClockEffect{{Op: ClockArm, Kind: "take"}}},
		{Action: SittingPass, From: []string{string(SittingDue), string(SittingFailed)}, To: string(SittingPassed), Perm: PermSelf,
			Clocks: []ClockEffect{{Op: ClockStop, Kind: "take"}}},
		{Action: SittingFail, From: []string{string(SittingDue), string(SittingFailed)}, To: string(SittingFailed), Perm: PermSelf,
			Clocks: []ClockEffect{{Op: ClockStop, Kind: "take"}}},
	},
	Clocks: []ClockDecl{{Kind: "take", WarnBefore: 24 * time.Hour,
		Warn:       []Party{PartyAssignee},
		Breach:     []Party{PartyAssignee, PartyLeaders},
		Escalation: []EscalationDecl{{After: 72 * time.Hour, To: PartyManager}}}},
})

// Sitting is one person's assessment.
type Sitting struct {
	ID          int64        `json:"id"`
	ProjectID   int64        `json:"project_id"`
	PlanID      *int64       `json:"plan_id,omitempty"`
	UserID      int64        `json:"user_id"`
	UserName    string       `json:"user_name"`
	Post        Post         `json:"post"`
	State       SittingState `json:"state"`
	Questions   int          `json:"questions"`
	PassMark    int          `json:"pass_mark"`
	TimeLimit   int          `json:"time_limit_min"`
	RetakeHours int          `json:"retake_hours"`
	DueAt       time.Time    `json:"due_at"`
	Attempts    int          `json:"attempts"`
	BestScore   int          `json:"best_score"`
	LastAt      *time.Time   `json:"last_at,omitempty"`
	IssuedBy    int64        `json:"issued_by"`
	IssuedAt    time.Time    `json:"issued_at"`
	// Overdue: not taken by its due date, as of reading.
	Overdue bool `json:"overdue"`
	// RetakeAt is when a failed assessment may be retaken.
	RetakeAt *time.Time `json:"retake_at,omitempty"`
}

// OnboardingState is where a new hire's on-site training stands (S1).
type OnboardingState string

// Onboarding states.
const (
	OnboardingOpen     OnboardingState = "open"     // the hire is on site, not yet trained
	OnboardingTrained  OnboardingState = "trained"  // the team leader recorded the training
	OnboardingVerified OnboardingState = "verified" // the post's lead signed off
	OnboardingCleared  OnboardingState = "cleared"  // the training lead signed off too
)

// Onboarding steps.
const (
	OnboardingStart   = "start"
	OnboardingTrain   = "train"
	OnboardingVerify  = "verify"  // the post's lead (安全负责人…) signs off
	OnboardingApprove = "approve" // the training lead (培训负责人) signs off
)

// OnboardingLifecycle: a new hire's record is opened (the first assessment
// is issued, due within the project's days); their team leader records
// the on-site training (what, when); the post's lead on the project signs
// off the result, then the project's training lead: two different people,
// neither the one who gave the training. Until cleared the hire is on the
// leaders' Today.
var OnboardingLifecycle = declare(&Lifecycle{
	Object: "onboarding",
	Lead:   PermStaffView,
	States: []LifecycleState{
		{Name: string(OnboardingOpen), Refusal: "New hire record %d awaits the on-site training: this step is not possible now."},
		{Name: string(OnboardingTrained), Refusal: "New hire record %d awaits the post lead's sign-off: this step is not possible now."},
		{Name: string(OnboardingVerified), Refusal: "New hire record %d awaits the training lead's sign-off: this step is not possible now."},
		{Name: string(OnboardingCleared), Refusal: "New hire record %d is cleared: it cannot change any more.", Final: true},
	},
	Steps: []StepDecl{
		{Action: OnboardingStart, To: string(OnboardingOpen), Perm: PermStaffView},
		{Action: OnboardingTrain, From: []string{string(OnboardingOpen)}, To: string(OnboardingTrained), Perm: PermStaffView,
			Actor: ActorRule{Leaders: true, Refusal: "Only a team leader of the hire's post records the on-site training of record %d."}},
		{Action: OnboardingVerify, From: []string{string(OnboardingTrained)}, To: string(OnboardingVerified), Perm: PermStaffView,
			Actor: ActorRule{NotBy: []string{OnboardingTrain}, Refusal: "You gave this training, so someone else must sign it off."}},
		{Action: OnboardingApprove, From: []string{string(OnboardingVerified)}, To: string(OnboardingCleared), Perm: PermStaffView,
			Actor: ActorRule{NotBy: []string{OnboardingVerify}, Refusal: "You signed this training off already: the second sign-off must be someone else's."}},
	},
})

// Onboarding is a new hire's on-site training record (S1).
type Onboarding struct {
	ID           int64           `json:"id"`
	ProjectID    int64           `json:"project_id"`
	UserID       int64           `json:"user_id"`
	UserName     string          `json:"user_name"`
	Post         Post            `json:"post"`
	State        OnboardingState `json:"state"`
	OpenedBy     int64           `json:"opened_by"`
	OpenedAt     time.Time       `json:"opened_at"`
	TrainedBy    *int64          `json:"trained_by,omitempty"`
	TrainerName  string          `json:"trainer_name,omitempty"`
	TrainedOn    string          `json:"trained_on,omitempty"` // the day of the training
	What         string          `json:"what,omitempty"`
	LeadBy       *int64          `json:"lead_by,omitempty"`
	LeadName     string          `json:"lead_name,omitempty"`
	LeadAt       *time.Time      `json:"lead_at,omitempty"`
	LeadNote     string          `json:"lead_note,omitempty"`
	TrainingBy   *int64          `json:"training_by,omitempty"`
	TrainingName string          `json:"training_name,omitempty"`
	TrainingAt   *time.Time      `json:"training_at,omitempty"`
	TrainingNote string          `json:"training_note,omitempty"`
	// SittingID is the first assessment, due within the project's days.
	SittingID *int64 `json:"sitting_id,omitempty"`
}

// LeadKind is a per-project assignment of the training: a post's lead
// (安全负责人 for security…) or the training lead (培训负责人).
type LeadKind string

// Lead kinds.
const (
	LeadTraining LeadKind = "training"
)

// PostLead returns the lead kind of a post.
func PostLead(p Post) LeadKind { return LeadKind(p) }

// LeadKinds lists every kind: the four posts' leads and the training lead.
var LeadKinds = []LeadKind{PostLead(PostSecurity), PostLead(PostCleaning), PostLead(PostMaintenance), PostLead(PostService), LeadTraining}

// Valid reports whether k is a known kind.
func (k LeadKind) Valid() bool { return slices.Contains(LeadKinds, k) }

// ProjectLead is who holds a lead of a project.
type ProjectLead struct {
	ProjectID int64    `json:"project_id"`
	Kind      LeadKind `json:"kind"`
	UserID    int64    `json:"user_id"`
	UserName  string   `json:"user_name"`
}

// TrainingSettings are a project's training settings.
type TrainingSettings struct {
	ProjectID int64 `json:"project_id"`
	// ApplianceInventory: the project keeps the households' appliances
	// (the guideline's high-end projects, M2): technicians learn them.
	ApplianceInventory bool `json:"appliance_inventory"`
	// FirstAssessmentDays: a new hire's first assessment is due within them.
	FirstAssessmentDays int `json:"first_assessment_days"`
	// Points are the reward points of each kind of contribution (U1).
	Points map[string]int `json:"points"`
}

// ContributionFields are the kinds of contributions that earn points, in
// the order the points table shows them.
var ContributionFields = []string{"phone", "photo", "plates", "special_days", "birthday", "occupation", "care_flags", "id_number"}

// DefaultTrainingSettings are the settings of a project that sets none.
func DefaultTrainingSettings(projectID int64) *TrainingSettings {
	return &TrainingSettings{ProjectID: projectID, FirstAssessmentDays: 14,
		Points: map[string]int{"phone": 2, "photo": 3, "plates": 2, "special_days": 3, "birthday": 1, "occupation": 1, "care_flags": 2, "id_number": 1}}
}

// PointsRow is a member of staff's reward points in a month (U1), with
// their rank within their post.
type PointsRow struct {
	UserID   int64  `json:"user_id"`
	UserName string `json:"user_name"`
	Post     Post   `json:"post"`
	Items    int    `json:"items"`
	Points   int    `json:"points"`
	Rank     int    `json:"rank"`
}

// ScoreRow is the assessments' figures of a person, a post or the project
// (Scope "person", "post" or "project"), for the scorecard.
type ScoreRow struct {
	Scope        string  `json:"scope"`
	UserID       int64   `json:"user_id,omitempty"`
	Name         string  `json:"name,omitempty"`
	Post         Post    `json:"post,omitempty"`
	Sittings     int     `json:"sittings"`
	AvgScore     float64 `json:"avg_score"`
	SharePassed  float64 `json:"share_passed"`
	ShareOverdue float64 `json:"share_overdue"`
}

// TrainingService runs the training. Taking quizzes needs
// PermResidentView in the project (every post); writing questions, plans,
// issuing assessments and new-hire records need PermStaffView (those who
// lead); the leads and settings PermStaffEdit. Another project's object
// answers ENOTFOUND.
type TrainingService interface {
	// GenerateQuiz generates a quiz for the caller from the project's data
	// (their buildings when they are a building's one-to-one leader or
	// zone assistant, else the building asked, else the project), showing
	// nothing their card does not. EINVALID (count), ENOTFOUND.
	GenerateQuiz(ctx context.Context, req QuizRequest) (*Quiz, error)
	// StartAssessment generates the attempt at one of the caller's
	// assessments. ECONFLICT when passed or a retake is not yet allowed.
	StartAssessment(ctx context.Context, sittingID int64) (*Quiz, error)
	// FindQuiz returns one of the caller's quizzes.
	FindQuiz(ctx context.Context, id int64) (*Quiz, error)
	// SubmitQuiz scores the answers (option index per position; -1 for
	// none), updates the spaced repetition and, for an attempt, the
	// assessment. ECONFLICT when already submitted.
	SubmitQuiz(ctx context.Context, id int64, answers []int) (*Quiz, error)
	// QuizPhoto returns the photo of a question of one of the caller's
	// quizzes, when their post sees photos.
	QuizPhoto(ctx context.Context, quizID int64, position int) (*Photo, error)

	// CreateBankQuestion adds a leader's question. EINVALID.
	CreateBankQuestion(ctx context.Context, q *BankQuestion) error
	// FindBankQuestions lists a project's questions.
	FindBankQuestions(ctx context.Context, projectID int64) ([]*BankQuestion, error)

	// FindPlan returns the plan of a post (the default when none is set).
	FindPlan(ctx context.Context, projectID int64, post Post) (*AssessmentPlan, error)
	// SavePlan sets a post's plan. EINVALID.
	SavePlan(ctx context.Context, p *AssessmentPlan) error
	// IssueAssessments issues the post's assessment to each of its staff in
	// the project who has none open, due after the plan's days; it returns
	// how many it issued.
	IssueAssessments(ctx context.Context, projectID int64, post Post) (int, error)
	// IssueDue issues every plan whose time has come (the monthly run).
	IssueDue(ctx context.Context) (int, error)
	// FindSittings lists a project's assessments; userID 0 for everyone.
	FindSittings(ctx context.Context, projectID, userID int64) ([]*Sitting, error)

	// StartOnboarding opens a new hire's record and issues their first
	// assessment. EINVALID (not front-line staff), ECONFLICT (one open).
	StartOnboarding(ctx context.Context, projectID, userID int64) (*Onboarding, error)
	// RecordTraining records the on-site training (what, the day).
	RecordTraining(ctx context.Context, id int64, what, day string) (*Onboarding, error)
	// SignOnboarding signs the training off: the post's lead first, then
	// the training lead. EFORBIDDEN for anyone else, for the trainer, and
	// for the same person twice.
	SignOnboarding(ctx context.Context, id int64, note string) (*Onboarding, error)
	// FindOnboardings lists a project's records, open first.
	FindOnboardings(ctx context.Context, projectID int64) ([]*Onboarding, error)
	// FindOnboarding returns one record.
	FindOnboarding(ctx context.Context, id int64) (*Onboarding, error)

	// FindLeads returns a project's leads and the kinds still unset.
	FindLeads(ctx context.Context, projectID int64) ([]*ProjectLead, []LeadKind, error)
	// SetLead names a project's lead. EINVALID (kind, not a leader), ENOTFOUND.
	SetLead(ctx context.Context, projectID int64, kind LeadKind, userID int64) error
	// FindTrainingSettings and SaveTrainingSettings read and change a
	// project's settings, the points table among them.
	FindTrainingSettings(ctx context.Context, projectID int64) (*TrainingSettings, error)
	SaveTrainingSettings(ctx context.Context, s *TrainingSettings) error

	// Points returns the month's ("2026-12") reward points of the
	// project's staff, ranked per post.
	Points(ctx context.Context, projectID int64, month string) ([]*PointsRow, error)
	// UserPoints returns a person's points of the month and in all.
	UserPoints(ctx context.Context, projectID, userID int64, month string) (monthPoints, total int, err error)
	// Scores returns the assessments' figures per person, post and project.
	Scores(ctx context.Context, projectID int64) ([]*ScoreRow, error)
}
