package wubu

import (
	"context"
	"slices"
	"time"
)

// Revisits (SPEC U4, S3): a service assistant visits a customer again —
// a key customer above all — at a planned time, and records how it went.
// The security leaders of a key customer's buildings go along: they are
// added to the revisit as participants when it is scheduled (S3's
// "building one-to-one"). A planned revisit is on the agenda of its
// assistant and its participants; past its time it is overdue.

// RevisitStatus is a revisit's state.
type RevisitStatus string

// Revisit states.
const (
	RevisitPlanned RevisitStatus = "planned"
	RevisitDone    RevisitStatus = "done"
)

// VisitKind says why a visit (a revisit) is made (K3, D1, D4). Each kind
// may have a survey form of the project (SurveyPurpose "visit:<kind>").
type VisitKind string

// Visit kinds.
const (
	// VisitRevisit is a planned revisit (U4): after a repair, a key
	// customer's, any other.
	VisitRevisit VisitKind = "revisit"
	// VisitWelcome is the welcome (housewarming) visit to a new household,
	// planned when its move-in is completed in Wubu (K3).
	VisitWelcome VisitKind = "welcome"
	// VisitSatisfaction is a revisit of the monthly satisfaction programme
	// (回访, D1), chosen by rule.
	VisitSatisfaction VisitKind = "satisfaction"
	// VisitSpecialDay is a congratulation visit on a resident's special
	// day (D4).
	VisitSpecialDay VisitKind = "special_day"
)

// VisitKinds lists every kind.
var VisitKinds = []VisitKind{VisitRevisit, VisitWelcome, VisitSatisfaction, VisitSpecialDay}

// Valid reports whether k is a known kind.
func (k VisitKind) Valid() bool { return slices.Contains(VisitKinds, k) }

// NeedsSatisfaction reports whether the outcome of a visit of the kind
// must give the resident's satisfaction: revisits, whose point it is.
func (k VisitKind) NeedsSatisfaction() bool { return k == VisitRevisit || k == VisitSatisfaction }

// Checklist is what the assistant brings and does on a visit of the kind:
// the welcome visit's greeting card, the assistant's card, the handbook,
// a small gift and the household's needs asked (K3). Keys are catalogue
// messages "check:<key>".
func (k VisitKind) Checklist() []string {
	if k == VisitWelcome {
		return []string{"greeting_card", "assistant_card", "handbook", "gift", "needs_asked"}
	}
	return nil
}

// Revisit (visit) steps.
const (
	RevisitPlan   = "plan"
	RevisitRecord = "record"
)

// RevisitLifecycle: planned (the visit's clock runs to its due time) →
// done, its outcome recorded (the clock stops). Overdue, the assistant
// and the customer-service team leaders hear of it.
var RevisitLifecycle = declare(&Lifecycle{
	Object: "revisit",
	Lead:   PermResidentEdit,
	States: []LifecycleState{
		{Name: string(RevisitPlanned), Refusal: "Visit %d is planned: this step is not possible now."},
		{Name: string(RevisitDone), Refusal: "The outcome of visit %d is already recorded.", Final: true},
	},
	Steps: []StepDecl{
		{Action: RevisitPlan, To: string(RevisitPlanned), Perm: PermResidentEdit, Clocks: []ClockEffect{{Op: ClockArm, Kind: "visit"}}},
		{Action: RevisitRecord, From: []string{string(RevisitPlanned)}, To: string(RevisitDone), Perm: PermResidentEdit,
			Clocks: []ClockEffect{{Op: ClockStop, Kind: "visit"}}},
	},
	Clocks: []ClockDecl{{Kind: "visit", Within: 7 * 24 * time.Hour,
		Breach: []Party{PartyAssignee, PartyLeaders}, Escalation: []EscalationDecl{{After: 48 * time.Hour, To: PartyManager}}}},
})

// Revisit is one planned (or recorded) visit to a resident.
type Revisit struct {
	ID         int64  `json:"id"`
	ProjectID  int64  `json:"project_id"`
	PersonID   int64  `json:"person_id"`
	PersonName string `json:"person_name"`
	// Kind says why the visit is made (default VisitRevisit).
	Kind VisitKind `json:"kind"`
	// Room is the resident's first current room, when read.
	Room string `json:"room,omitempty"`
	// Importance is the resident's importance level when read (U4); key
	// customers have KeyCustomerImportance or more.
	Importance int `json:"importance"`
	// DueAt is when the visit is planned.
	DueAt   time.Time `json:"due_at"`
	Purpose string    `json:"purpose"`
	// AssistantID is the service assistant in charge: whoever scheduled it.
	AssistantID   int64  `json:"assistant_id"`
	AssistantName string `json:"assistant_name"`
	// Participants go along: the security leaders of a key customer's
	// buildings, added when it is scheduled.
	Participants []RevisitParticipant `json:"participants"`
	Status       RevisitStatus        `json:"status"`
	// Overdue is set when read: planned and past DueAt.
	Overdue bool `json:"overdue"`
	// The outcome, once recorded.
	DoneAt       *time.Time `json:"done_at,omitempty"`
	DoneByName   string     `json:"done_by_name,omitempty"`
	Notes        string     `json:"notes"`
	Satisfaction int        `json:"satisfaction"` // 1 (very unhappy) … 5 (very happy); 0 before the outcome (or none given)
	// Checks are the kind's checklist items done on the visit.
	Checks []string `json:"checks"`
	// Survey is the answered survey form of the visit, once recorded.
	Survey    *SurveyResponse `json:"survey,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
}

// RevisitParticipant is a staff member going along on a revisit.
type RevisitParticipant struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	// Role says why: "security_leader" (S3).
	Role         string `json:"role"`
	BuildingName string `json:"building_name,omitempty"`
}

// RevisitFilter selects revisits of one project.
type RevisitFilter struct {
	ProjectID int64
	PersonID  *int64
	// Mine keeps those the caller is in charge of or takes part in.
	Mine bool
	// Open keeps planned ones only.
	Open bool
	// Kind keeps visits of one kind.
	Kind VisitKind
}

// VisitOutcome is what a visit's outcome records: the notes, the
// resident's satisfaction (1–5; required of revisits), the checklist items
// done and the answers to the kind's survey form.
type VisitOutcome struct {
	Notes        string         `json:"notes"`
	Satisfaction int            `json:"satisfaction"`
	Checks       []string       `json:"checks"`
	Answers      []SurveyAnswer `json:"answers"`
}

// VisitSettings are a project's settings of visits and move-ins.
type VisitSettings struct {
	ProjectID int64 `json:"project_id"`
	// WelcomeDays: the welcome visit is due within this many days of the
	// move-in's completion.
	WelcomeDays int `json:"welcome_days"`
	// ProgrammePercent is the share of households (percent) the monthly
	// satisfaction programme visits (0, the default: no programme until
	// the project sets its share); ProgrammeGapMonths keeps out households
	// visited within that many months.
	ProgrammePercent   int `json:"programme_percent"`
	ProgrammeGapMonths int `json:"programme_gap_months"`
	// MoveInStallDays: a move-in without progress for this many days is
	// stalled (its clock breaches).
	MoveInStallDays int `json:"move_in_stall_days"`
}

// DefaultVisitSettings are the settings of a project that set none.
func DefaultVisitSettings(projectID int64) VisitSettings {
	return VisitSettings{ProjectID: projectID, WelcomeDays: 7, ProgrammePercent: 0, ProgrammeGapMonths: 6, MoveInStallDays: 3}
}

// Validate checks the settings' ranges.
func (s VisitSettings) Validate() error {
	switch {
	case s.WelcomeDays < 1 || s.WelcomeDays > 60:
		return FieldErrorf("welcome_days", EINVALID, "The welcome visit must be due within 1 to %d days.", 60)
	case s.ProgrammePercent < 0 || s.ProgrammePercent > 100:
		return FieldErrorf("programme_percent", EINVALID, "The share of households must be from 0 to 100 percent.")
	case s.ProgrammeGapMonths < 0 || s.ProgrammeGapMonths > 36:
		return FieldErrorf("programme_gap_months", EINVALID, "The months without a visit must be from 0 to %d.", 36)
	case s.MoveInStallDays < 1 || s.MoveInStallDays > 60:
		return FieldErrorf("move_in_stall_days", EINVALID, "A move-in stalls after 1 to %d days.", 60)
	}
	return nil
}

// ProgrammeRun is what one month's satisfaction programme chose.
type ProgrammeRun struct {
	ProjectID  int64  `json:"project_id"`
	Month      string `json:"month"` // 2026-12
	Households int    `json:"households"`
	Chosen     int    `json:"chosen"`
	// Visits are the planned visits, by building in turn.
	Visits []*Revisit `json:"visits"`
	// Existed reports a month already run: nothing new was planned.
	Existed bool `json:"existed"`
}

// RevisitService schedules revisits and records their outcome. Reading
// needs PermResidentView, scheduling and recording PermResidentEdit in the
// resident's project; another project's revisit answers ENOTFOUND.
type RevisitService interface {
	// ScheduleRevisit plans a revisit of r.PersonID at r.DueAt with
	// r.Purpose; the caller is its assistant and the security leaders of a
	// key customer's buildings become participants. EINVALID (due_at,
	// purpose), ENOTFOUND (resident).
	ScheduleRevisit(ctx context.Context, r *Revisit) error
	// RecordRevisit records the outcome of a planned revisit: notes and the
	// resident's satisfaction (1–5); it lands on the resident's timeline.
	// EINVALID (notes, satisfaction), ECONFLICT (already recorded),
	// ENOTFOUND.
	RecordRevisit(ctx context.Context, id int64, notes string, satisfaction int) (*Revisit, error)
	// FindRevisit returns one revisit with its participants. ENOTFOUND.
	FindRevisit(ctx context.Context, id int64) (*Revisit, error)
	// FindRevisits returns a project's revisits: planned ones first by due
	// time, then recorded ones newest first (at most 200).
	FindRevisits(ctx context.Context, f RevisitFilter) ([]*Revisit, error)
	// RecordVisit records the outcome of a planned visit of any kind: the
	// notes, the satisfaction (required of revisits), the checklist items
	// done and the answers to the kind's survey form, which land on the
	// resident's timeline. EINVALID (a required answer missing, an answer
	// out of range, an unknown checklist item), ECONFLICT, ENOTFOUND.
	RecordVisit(ctx context.Context, id int64, o VisitOutcome) (*Revisit, error)
	// VisitSettings returns a project's visit settings (the defaults when
	// none are set). Needs PermResidentView.
	VisitSettings(ctx context.Context, projectID int64) (VisitSettings, error)
	// UpdateVisitSettings changes them. Needs PermSettingsEdit. EINVALID.
	UpdateVisitSettings(ctx context.Context, s VisitSettings) error
	// RunProgramme plans the satisfaction programme of the month of now
	// (China time) for a project, once a month: ProgrammePercent of the
	// households (rounded up), chosen among those with no visit recorded
	// in the last ProgrammeGapMonths and no visit planned, the longest
	// unvisited first, in turn over the buildings; each visit goes to the
	// building's zone assistant (else the first service assistant), due at
	// the month's end. Needs PermSettingsEdit (the rules run it as the
	// system). A month already run answers Existed; a project without a
	// share (ProgrammePercent 0) plans and records nothing.
	RunProgramme(ctx context.Context, projectID int64) (*ProgrammeRun, error)
}
