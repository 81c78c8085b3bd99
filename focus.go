package wubu

import (
	"context"
	"time"
)

// The anticipated-issue register (焦点问题, K8): issues collected before
// and after move-in (from staff, inspections, complaints), each with the
// households it affects and its severity (1–5), ranked by impact =
// affected × severity, with an owner; follow-ups with due dates run a
// clock that reaches their owner when overdue; escalations to the
// developer (地产) are recorded with the dates they were sent and
// answered and the developer's answer.

// FocusState is where an issue of the register stands.
type FocusState string

// Focus issue states.
const (
	FocusOpen      FocusState = "open"
	FocusEscalated FocusState = "escalated"
	FocusResolved  FocusState = "resolved"
)

// FocusStates lists every state.
var FocusStates = []FocusState{FocusOpen, FocusEscalated, FocusResolved}

// Focus issue steps.
const (
	FocusRecord   = "record"
	FocusEscalate = "escalate" // sent to the developer
	FocusAnswer   = "answer"   // the developer's answer, back on the register
	FocusResolve  = "resolve"
)

// FocusLifecycle: open → escalated to the developer → answered (open
// again) … → resolved.
var FocusLifecycle = declare(&Lifecycle{
	Object: "focus_issue",
	Lead:   PermResidentEdit,
	States: []LifecycleState{
		{Name: string(FocusOpen), Refusal: "Issue %d is open: this step is not possible now."},
		{Name: string(FocusEscalated), Refusal: "Issue %d awaits the developer's answer: this step is not possible now."},
		{Name: string(FocusResolved), Refusal: "Issue %d is resolved: it cannot change any more.", Final: true},
	},
	Steps: []StepDecl{
		{Action: FocusRecord, To: string(FocusOpen), Perm: PermResidentEdit},
		{Action: FocusEscalate, From: []string{string(FocusOpen)}, To: string(FocusEscalated), Perm: PermResidentEdit},
		{Action: FocusAnswer, From: []string{string(FocusEscalated)}, To: string(FocusOpen), Perm: PermResidentEdit},
		{Action: FocusResolve, From: []string{string(FocusOpen), string(FocusEscalated)}, To: string(FocusResolved), Perm: PermResidentEdit},
	},
})

// Follow-up states and steps.
const (
	FollowUpPlanned = "planned"
	FollowUpDone    = "done"
	FollowUpPlan    = "plan"
	FollowUpRecord  = "record"
)

// FocusFollowUpLifecycle: planned (the clock runs to the due date) → done.
// Overdue, its owner and the customer-service team leaders hear of it, the
// manager two days later.
var FocusFollowUpLifecycle = declare(&Lifecycle{
	Object: "focus_followup",
	Lead:   PermResidentEdit,
	States: []LifecycleState{
		{Name: FollowUpPlanned, Refusal: "Follow-up %d is planned: this step is not possible now."},
		{Name: FollowUpDone, Refusal: "Follow-up %d is already done.", Final: true},
	},
	Steps: []StepDecl{
		{Action: FollowUpPlan, To: FollowUpPlanned, Perm: PermResidentEdit, Clocks: []ClockEffect{{Op: ClockArm, Kind: "followup"}}},
		{Action: FollowUpRecord, From: []string{FollowUpPlanned}, To: FollowUpDone, Perm: PermResidentEdit,
			Clocks: []ClockEffect{{Op: ClockStop, Kind: "followup"}}},
	},
	Clocks: []ClockDecl{{Kind: "followup", Within: 7 * 24 * time.Hour,
		Breach: []Party{PartyAssignee, PartyLeaders}, Escalation: []EscalationDecl{{After: 48 * time.Hour, To: PartyManager}}}},
})

// FocusIssue is one issue of the register.
type FocusIssue struct {
	ID          int64  `json:"id"`
	ProjectID   int64  `json:"project_id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	// Source says where it was collected: staff, inspection, complaint.
	Source string `json:"source"`
	// Households is how many households it affects; Severity 1 (minor)
	// to 5 (grave); Impact = Households × Severity.
	Households int        `json:"households"`
	Severity   int        `json:"severity"`
	Impact     int        `json:"impact"`
	OwnerID    int64      `json:"owner_id"`
	OwnerName  string     `json:"owner_name"`
	State      FocusState `json:"state"`
	CreatedBy  int64      `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	// Rank is the place in the project's ranked view (1 first), as read.
	Rank        int               `json:"rank,omitempty"`
	Escalations []FocusEscalation `json:"escalations"`
	FollowUps   []*FocusFollowUp  `json:"follow_ups"`
}

// FocusSources are where issues are collected.
var FocusSources = []string{"staff", "inspection", "complaint"}

// FocusEscalation is one escalation of an issue to the developer.
type FocusEscalation struct {
	ID         int64      `json:"id"`
	Question   string     `json:"question"`
	SentAt     time.Time  `json:"sent_at"`
	Answer     string     `json:"answer,omitempty"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
}

// FocusFollowUp is a follow-up of an issue, due at a date.
type FocusFollowUp struct {
	ID        int64      `json:"id"`
	ProjectID int64      `json:"project_id"`
	IssueID   int64      `json:"issue_id"`
	Action    string     `json:"action"`
	OwnerID   int64      `json:"owner_id"`
	OwnerName string     `json:"owner_name"`
	DueAt     time.Time  `json:"due_at"`
	State     string     `json:"state"`
	Note      string     `json:"note,omitempty"`
	DoneAt    *time.Time `json:"done_at,omitempty"`
	// Overdue is set when read: planned and past DueAt.
	Overdue bool `json:"overdue"`
}

// FocusService keeps the anticipated-issue register.
type FocusService interface {
	// RecordFocusIssue records an issue; EINVALID (title, households,
	// severity, owner_id, source) stores nothing.
	RecordFocusIssue(ctx context.Context, i *FocusIssue) error
	// FindFocusIssues returns a project's issues ranked by impact (the
	// resolved ones last), with their follow-ups and escalations.
	FindFocusIssues(ctx context.Context, projectID int64) ([]*FocusIssue, error)
	FindFocusIssue(ctx context.Context, id int64) (*FocusIssue, error)
	// EscalateFocusIssue records its escalation to the developer.
	EscalateFocusIssue(ctx context.Context, id int64, question string) (*FocusIssue, error)
	// AnswerFocusIssue records the developer's answer.
	AnswerFocusIssue(ctx context.Context, id int64, answer string) (*FocusIssue, error)
	ResolveFocusIssue(ctx context.Context, id int64) (*FocusIssue, error)
	// PlanFocusFollowUp plans a follow-up of f.IssueID due at f.DueAt.
	PlanFocusFollowUp(ctx context.Context, f *FocusFollowUp) error
	// RecordFocusFollowUp records a follow-up as done.
	RecordFocusFollowUp(ctx context.Context, id int64, note string) (*FocusFollowUp, error)
}
