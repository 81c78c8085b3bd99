package wubu

import (
	"context"
	"slices"
	"time"
)

// Renovations (M4, S11; guideline 4.3.3): a resident's renovation from the
// application to the acceptance. The application names the room, the
// resident, the contractor (company, lead and phone, the workers with their
// ID numbers, sealed at rest and purged some days after the close), the
// scope, the planned period and the drawings; the project's renovation
// manager reviews it under a clock; the on-site briefing in the unit is
// ticked item by item and acknowledged by both parties before the works may
// start; during the works inspections are due at the project's frequency
// (a clock), and violations go to a verified close — one that endangers the
// structure or the common areas also opens a security hazard; the final
// inspection accepts the works and returns or withholds the deposit.

// RenovationState is where a renovation stands.
type RenovationState string

// Renovation states, in order.
const (
	RenovationApplied  RenovationState = "applied"
	RenovationChanges  RenovationState = "changes_requested"
	RenovationApproved RenovationState = "approved"
	RenovationBriefed  RenovationState = "briefed"
	RenovationInWorks  RenovationState = "in_works"
	RenovationRefused  RenovationState = "refused"
	RenovationClosed   RenovationState = "closed"
)

// Renovation steps.
const (
	RenovationApply      = "apply"
	RenovationApprove    = "approve"
	RenovationAskChanges = "ask_changes"
	RenovationResubmit   = "resubmit"
	RenovationRefuse     = "refuse"
	RenovationBrief      = "brief"
	RenovationStart      = "start"
	RenovationInspect    = "inspect"
	RenovationAccept     = "accept" // the final inspection: accepted, deposit returned or withheld
)

// RenovationLifecycle: applied → (changes requested → applied)* →
// approved or refused → briefed → in works (inspections) → closed. The
// review is the renovation manager's (the assignee) under the "review"
// clock; the works run under the "inspect" clock, re-armed by each
// inspection.
var RenovationLifecycle = declare(&Lifecycle{
	Object: "renovation",
	Lead:   PermOrderDispatch,
	Messages: LifecycleMessages{
		Unassigned: "Renovation %d has no renovation manager yet.",
		OthersOnly: "Only the renovation manager may take this step.",
	},
	States: []LifecycleState{
		{Name: string(RenovationApplied), Refusal: "Renovation %d awaits its review: this step is not possible now."},
		{Name: string(RenovationChanges), Refusal: "Renovation %d waits for the resident's changes: this step is not possible now."},
		{Name: string(RenovationApproved), Refusal: "Renovation %d is approved but not yet briefed: this step is not possible now."},
		{Name: string(RenovationBriefed), Refusal: "Renovation %d is briefed and the works have not started: this step is not possible now."},
		{Name: string(RenovationInWorks), Refusal: "Renovation %d is in works: this step is not possible now."},
		{Name: string(RenovationRefused), Refusal: "Renovation %d was refused: it cannot change any more.", Final: true},
		{Name: string(RenovationClosed), Refusal: "Renovation %d is closed: it cannot change any more.", Final: true},
	},
	Steps: []StepDecl{
		{Action: RenovationApply, To: string(RenovationApplied), Perm: PermOrderEdit,
			Clocks: []ClockEffect{{Op: ClockArm, Kind: "review"}}},
		{Action: RenovationApprove, From: []string{string(RenovationApplied)}, To: string(RenovationApproved), Perm: PermOrderEdit,
			Actor: ActorRule{Assignee: true}, Clocks: []ClockEffect{{Op: ClockStop, Kind: "review"}}},
		{Action: RenovationAskChanges, From: []string{string(RenovationApplied)}, To: string(RenovationChanges), Perm: PermOrderEdit,
			Actor: ActorRule{Assignee: true}, Clocks: []ClockEffect{{Op: ClockStop, Kind: "review"}}},
		{Action: RenovationResubmit, From: []string{string(RenovationChanges)}, To: string(RenovationApplied), Perm: PermOrderEdit,
			Clocks: []ClockEffect{{Op: ClockRearm, Kind: "review"}}},
		{Action: RenovationRefuse, From: []string{string(RenovationApplied)}, To: string(RenovationRefused), Perm: PermOrderEdit,
			Actor: ActorRule{Assignee: true}, Clocks: []ClockEffect{{Op: ClockStop, Kind: "review"}}},
		{Action: RenovationBrief, From: []string{string(RenovationApproved)}, To: string(RenovationBriefed), Perm: PermOrderEdit,
			Actor: ActorRule{Assignee: true}},
		{Action: RenovationStart, From: []string{string(RenovationBriefed)}, To: string(RenovationInWorks), Perm: PermOrderEdit,
			Clocks: []ClockEffect{{Op: ClockArm, Kind: "inspect"}}},
		{Action: RenovationInspect, From: []string{string(RenovationInWorks)}, Perm: PermOrderEdit,
			Clocks: []ClockEffect{{Op: ClockRearm, Kind: "inspect"}}},
		{Action: RenovationAccept, From: []string{string(RenovationInWorks)}, To: string(RenovationClosed), Perm: PermOrderEdit,
			Actor: ActorRule{Assignee: true}, Clocks: []ClockEffect{{Op: ClockStop, Kind: "inspect"}}},
	},
	// The review and the inspections fall due at the project's settings
	// (the renovation's due times); overdue, they reach the renovation
	// manager and the maintenance team leaders, then the manager.
	Clocks: []ClockDecl{
		{Kind: "review", WarnBefore: 4 * time.Hour, Warn: []Party{PartyAssignee}, Breach: []Party{PartyAssignee, PartyLeaders},
			Escalation: []EscalationDecl{{After: 24 * time.Hour, To: PartyManager}}},
		{Kind: "inspect", Breach: []Party{PartyAssignee, PartyLeaders},
			Escalation: []EscalationDecl{{After: 24 * time.Hour, To: PartyManager}}},
	},
})

// RenovationScopes are the kinds of work an application may cover.
var RenovationScopes = []string{"walls", "water_electricity", "windows", "balcony", "air_conditioning", "floors", "kitchen_bathroom", "other"}

// Renovation is a resident's renovation of a room.
type Renovation struct {
	ID          int64           `json:"id"`
	ProjectID   int64           `json:"project_id"`
	RoomID      int64           `json:"room_id"`
	RoomLabel   string          `json:"room_label"`
	PersonID    int64           `json:"person_id"`
	PersonName  string          `json:"person_name"`
	PersonPhone string          `json:"person_phone,omitempty"`
	Company     string          `json:"company"`
	LeadName    string          `json:"lead_name"`
	LeadPhone   string          `json:"lead_phone"`
	Scope       []string        `json:"scope"`
	Description string          `json:"description,omitempty"`
	PlannedFrom string          `json:"planned_from"` // YYYY-MM-DD, China time
	PlannedTo   string          `json:"planned_to"`
	State       RenovationState `json:"state"`
	// ManagerID is the renovation manager reviewing and following it.
	ManagerID   *int64 `json:"manager_id,omitempty"`
	ManagerName string `json:"manager_name,omitempty"`
	// ManagerPhone is the renovation manager's number, printed on the
	// two-way contact card.
	ManagerPhone string     `json:"manager_phone,omitempty"`
	ReviewNote   string     `json:"review_note,omitempty"`
	ReviewDue    *time.Time `json:"review_due,omitempty"`
	InspectDue   *time.Time `json:"inspect_due,omitempty"`
	Inspections  int        `json:"inspections"`
	StartedAt    *time.Time `json:"started_at,omitempty"`
	Deposit      int        `json:"deposit"`                 // yuan
	DepositState string     `json:"deposit_state,omitempty"` // "returned", "withheld"
	DepositNote  string     `json:"deposit_note,omitempty"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
	AppliedBy    int64      `json:"applied_by"`
	AppliedAt    time.Time  `json:"applied_at"`
	UpdatedAt    time.Time  `json:"updated_at"`

	Briefing Briefing `json:"briefing"`
	// Final is the final inspection's checklist and what was ticked.
	Final   FinalChecklist      `json:"final"`
	Workers []*RenovationWorker `json:"workers,omitempty"`
	Photos  []*Photo            `json:"photos,omitempty"`
}

// Briefing is the on-site briefing in the unit: the project's checklist,
// each item ticked, and both parties' acknowledgement.
type Briefing struct {
	Items  []string `json:"items"`
	Ticked []bool   `json:"ticked"`
	// ResidentName and LeadName acknowledge it, at ResidentAt and LeadAt.
	ResidentName string     `json:"resident_name,omitempty"`
	ResidentAt   *time.Time `json:"resident_at,omitempty"`
	LeadName     string     `json:"lead_name,omitempty"`
	LeadAt       *time.Time `json:"lead_at,omitempty"`
}

// Complete reports whether every item is ticked and both parties
// acknowledged.
func (b Briefing) Complete() bool {
	return len(b.Items) > 0 && len(b.Ticked) == len(b.Items) && !slices.Contains(b.Ticked, false) && b.ResidentAt != nil && b.LeadAt != nil
}

// FinalChecklist is the final inspection's items, each ticked or not.
type FinalChecklist struct {
	Items  []string `json:"items"`
	Ticked []bool   `json:"ticked"`
}

// FinalInspection is the final inspection as done: the checklist's items
// ticked (by index), and the deposit withheld with the reason, or returned.
type FinalInspection struct {
	Ticked   []int  `json:"ticked"`
	Withhold bool   `json:"withhold"`
	Note     string `json:"note"`
}

// RenovationWorker is a worker of the contractor, with a pass for the gate.
// IDNumber is masked unless revealed.
type RenovationWorker struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	IDNumber string `json:"id_number,omitempty"`
	PassNo   string `json:"pass_no"`
}

// WorkerPassCheck is what the guard sees of a worker at the gate.
type WorkerPassCheck struct {
	Worker       RenovationWorker `json:"worker"`
	RenovationID int64            `json:"renovation_id"`
	RoomLabel    string           `json:"room_label"`
	PlannedFrom  string           `json:"planned_from"`
	PlannedTo    string           `json:"planned_to"`
	State        RenovationState  `json:"state"`
	// Allowed: the renovation is in works, today is in its period and now
	// in the permitted working hours; else Reason says why not (one of the
	// Pass* values).
	Allowed bool   `json:"allowed"`
	Reason  string `json:"reason,omitempty"`
	// Hours are today's permitted working hours ("08:00–18:00"; empty: no
	// work today).
	Hours string `json:"hours,omitempty"`
}

// RenovationSettings are a project's renovation rules.
type RenovationSettings struct {
	ProjectID int64 `json:"project_id"`
	// ReviewHours is the time to review an application; InspectHours the
	// time between two inspections during the works.
	ReviewHours  int `json:"review_hours"`
	InspectHours int `json:"inspect_hours"`
	// WorkFrom and WorkTo are the permitted working hours on working days
	// ("08:00"), by the business calendar (adjusted working days count).
	WorkFrom string `json:"work_from"`
	WorkTo   string `json:"work_to"`
	// RestFrom and RestTo are the permitted hours on weekends, and on
	// statutory holidays when HolidayWork allows work on them at all.
	RestFrom    string `json:"rest_from"`
	RestTo      string `json:"rest_to"`
	HolidayWork bool   `json:"holiday_work"`
	// EscalateAfter is the number of violations within one renovation that
	// escalates it (0: never); EscalateTo whom it reaches (parties among
	// EscalationParties).
	EscalateAfter int     `json:"escalate_after"`
	EscalateTo    []Party `json:"escalate_to"`
	// FinalChecklist is the final inspection's items.
	FinalChecklist []string `json:"final_checklist"`
	// Deposit is the deposit taken (yuan; 0: none).
	Deposit int `json:"deposit"`
	// PurgeDays after the close the workers' ID numbers are purged.
	PurgeDays int `json:"purge_days"`
	// Checklist is the on-site briefing's items.
	Checklist []string `json:"checklist"`
	// Managers are the renovation managers (maintenance staff).
	Managers []int64 `json:"managers"`
}

// DefaultBriefingChecklist is the on-site briefing of the guideline.
var DefaultBriefingChecklist = []string{
	"Planning and design of the works explained",
	"Load-bearing walls and the building's structure may not be altered",
	"What to watch: water-proofing, gas, electricity, fire doors",
	"Prohibited acts explained",
	"Renovation waste: bagged and taken to the designated place",
	"Moving materials: lift protection and the permitted hours",
}

// DefaultFinalChecklist is the final inspection of the works.
var DefaultFinalChecklist = []string{
	"Load-bearing walls, columns and beams intact",
	"Water-proofing of kitchen and bathrooms tested (48-hour water test)",
	"Shared pipes, gas, fire installations and fire doors untouched",
	"Facade, windows and balcony as approved",
	"Renovation waste removed, corridor and lift clean and undamaged",
}

// EscalationParties are whom repeated violations may reach: the
// maintenance team leaders, the project's managers, the duty managers and
// the quality department.
var EscalationParties = []Party{PartyLeaders, PartyManager, PartyDutyManager, PartyQuality}

// Work permission at the gate: why a worker may not come in now.
const (
	PassNotInWorks    = "not_in_works"   // the renovation is not in works
	PassOutsidePeriod = "outside_period" // today is outside its planned period
	PassHoliday       = "holiday"        // no work on statutory holidays
	PassOutsideHours  = "outside_hours"  // outside the permitted hours
)

// NewRenovation is an application.
type NewRenovation struct {
	ProjectID   int64              `json:"project_id"`
	RoomID      int64              `json:"room_id"`
	PersonID    int64              `json:"person_id"`
	Company     string             `json:"company"`
	LeadName    string             `json:"lead_name"`
	LeadPhone   string             `json:"lead_phone"`
	Scope       []string           `json:"scope"`
	Description string             `json:"description"`
	PlannedFrom string             `json:"planned_from"`
	PlannedTo   string             `json:"planned_to"`
	Workers     []RenovationWorker `json:"workers"`
	Drawings    []*Photo           `json:"-"`
	// DrawingFiles are the drawings as the API takes them (base64 in
	// JSON): JPEG, PNG or PDF files, at most MaxDrawings.
	DrawingFiles [][]byte `json:"drawings,omitempty"`
}

// BriefingRecord is the briefing as done in the unit: the items ticked (by
// index) and the names of those who acknowledged it, with their drawn
// signatures where the device allowed.
type BriefingRecord struct {
	Ticked        []int  `json:"ticked"`
	ResidentName  string `json:"resident_name"`
	LeadName      string `json:"lead_name"`
	ResidentDrawn *Photo `json:"-"`
	LeadDrawn     *Photo `json:"-"`
}

// ViolationState is where a renovation violation stands.
type ViolationState string

// Violation states and steps.
const (
	ViolationRecorded  ViolationState = "recorded"
	ViolationRectified ViolationState = "rectified"
	ViolationClosed    ViolationState = "closed"

	ViolationRecord  = "record"
	ViolationRectify = "rectify"
	ViolationVerify  = "verify"
	ViolationReject  = "reject"

	// ViolationEscalates is the condition of the escalation notices: this
	// violation reaches the project's threshold within its renovation.
	ViolationEscalates = "escalates"
)

// ViolationKinds are the kinds of violation.
var ViolationKinds = []string{"prohibited_act", "hours", "waste", "structure", "common_area", "other"}

// ViolationLifecycle: recorded by the inspector → rectification recorded by
// the renovation manager with a photo → verified by someone else (closed)
// or sent back.
var ViolationLifecycle = declare(&Lifecycle{
	Object: "renovation_violation",
	Lead:   PermOrderDispatch,
	Messages: LifecycleMessages{
		Unassigned: "Renovation %d has no renovation manager yet.",
		OthersOnly: "Only the renovation manager may take this step.",
	},
	States: []LifecycleState{
		{Name: string(ViolationRecorded), Refusal: "Violation %d is not rectified yet: this step is not possible now."},
		{Name: string(ViolationRectified), Refusal: "Violation %d is rectified and awaits verification: this step is not possible now."},
		{Name: string(ViolationClosed), Refusal: "Violation %d is closed: it cannot change any more.", Final: true},
	},
	Steps: []StepDecl{
		{Action: ViolationRecord, To: string(ViolationRecorded), Perm: PermOrderEdit, Notify: escalationNotices()},
		{Action: ViolationRectify, From: []string{string(ViolationRecorded)}, To: string(ViolationRectified), Perm: PermOrderEdit, Actor: ActorRule{Assignee: true}},
		{Action: ViolationVerify, From: []string{string(ViolationRectified)}, To: string(ViolationClosed), Perm: PermOrderEdit,
			Actor: ActorRule{NotBy: []string{ViolationRectify}, Refusal: "You recorded this rectification, so someone else must verify it."}},
		{Action: ViolationReject, From: []string{string(ViolationRectified)}, To: string(ViolationRecorded), Perm: PermOrderEdit,
			Actor: ActorRule{NotBy: []string{ViolationRectify}, Refusal: "You recorded this rectification, so someone else must verify it."}},
	},
})

// escalationNotices are the notices of repeated violations: one to each
// party of EscalationParties, sent when the project's settings name it
// (condition "escalates:<party>").
func escalationNotices() []NoticeDecl {
	var out []NoticeDecl
	for _, p := range EscalationParties {
		out = append(out, NoticeDecl{Kind: "renovation_escalation", To: []Party{p}, Urgent: true, When: ViolationEscalates + ":" + string(p)})
	}
	return out
}

// Violation is a violation found on a renovation.
type Violation struct {
	ID           int64  `json:"id"`
	ProjectID    int64  `json:"project_id"`
	RenovationID int64  `json:"renovation_id"`
	RoomLabel    string `json:"room_label"`
	Kind         string `json:"kind"`
	Description  string `json:"description"`
	// Endangers: the structure or the common areas; a hazard is opened.
	Endangers   bool           `json:"endangers"`
	HazardID    *int64         `json:"hazard_id,omitempty"`
	State       ViolationState `json:"state"`
	ManagerID   *int64         `json:"manager_id,omitempty"`
	ManagerName string         `json:"manager_name,omitempty"`
	RecordedBy  int64          `json:"recorded_by"`
	RecordedAt  time.Time      `json:"recorded_at"`
	RectifyNote string         `json:"rectify_note,omitempty"`
	VerifyNote  string         `json:"verify_note,omitempty"`
	UpdatedAt   time.Time      `json:"updated_at"`
	// Count is this violation's number within its renovation, and
	// EscalateTo whom it escalates to (when it reaches the threshold), as
	// the step recording it works them out.
	Count      int     `json:"-"`
	EscalateTo []Party `json:"-"`
}

// RenovationService takes renovations from the application to the close.
// Reads and steps need PermOrderView / PermOrderEdit in the project (another
// project's renovation answers ENOTFOUND); settings need PermSettingsEdit.
type RenovationService interface {
	RenovationSettings(ctx context.Context, projectID int64) (*RenovationSettings, error)
	SetRenovationSettings(ctx context.Context, s *RenovationSettings) error
	// ApplyRenovation records an application and arms its review clock.
	ApplyRenovation(ctx context.Context, n *NewRenovation) (*Renovation, error)
	// ReviewRenovation approves (action RenovationApprove), asks for
	// changes or refuses (a reason is required for both).
	ReviewRenovation(ctx context.Context, id int64, action, note string) (*Renovation, error)
	ResubmitRenovation(ctx context.Context, id int64, note string) (*Renovation, error)
	// BriefRenovation records the on-site briefing: every item ticked and
	// both acknowledgements, else EINVALID.
	BriefRenovation(ctx context.Context, id int64, b BriefingRecord) (*Renovation, error)
	// StartWorks starts the works: ECONFLICT before the briefing.
	StartWorks(ctx context.Context, id int64) (*Renovation, error)
	// InspectRenovation records an inspection during the works and re-arms
	// the next one's clock.
	InspectRenovation(ctx context.Context, id int64, note string) (*Renovation, error)
	// AcceptRenovation is the final inspection: every item of the final
	// checklist ticked (else EINVALID), the deposit returned, or withheld
	// with the reason.
	AcceptRenovation(ctx context.Context, id int64, f FinalInspection) (*Renovation, error)
	FindRenovation(ctx context.Context, id int64) (*Renovation, error)
	FindRenovations(ctx context.Context, projectID int64, open bool) ([]*Renovation, error)
	// RoomRenovations lists a room's renovations, newest first: the room's
	// record. ENOTFOUND for a room the caller may not see.
	RoomRenovations(ctx context.Context, roomID int64) ([]*Renovation, error)
	// BuildingRenovations lists the renovations of a building's rooms,
	// newest first. ENOTFOUND for a building the caller may not see.
	BuildingRenovations(ctx context.Context, buildingID int64) ([]*Renovation, error)
	// MyRenovations lists the renovations of the signed-in resident's
	// homes, newest first, for the two-way contact card on the portal
	// (issue 18 item 3): no workers, no notes.
	MyRenovations(ctx context.Context) ([]*Renovation, error)
	// FindRenovationFile returns a drawing or a drawn signature of a
	// renovation with its data; ENOTFOUND unless the caller sees the
	// renovation.
	FindRenovationFile(ctx context.Context, id, fileID int64) (*Photo, error)
	// RecordViolation records a violation; one that endangers the
	// structure or common areas also opens a security hazard. The
	// violation that reaches the project's threshold within its renovation
	// notifies the escalation's recipients, once, in the same transaction.
	RecordViolation(ctx context.Context, v *Violation, photo *Photo) (*Violation, error)
	RectifyViolation(ctx context.Context, id int64, note string, photo *Photo) (*Violation, error)
	VerifyViolation(ctx context.Context, id int64, accepted bool, note string) (*Violation, error)
	FindViolations(ctx context.Context, renovationID int64) ([]*Violation, error)
	// CheckWorkerPass is the guard's look-up by name or pass number.
	CheckWorkerPass(ctx context.Context, projectID int64, q string) ([]*WorkerPassCheck, error)
	// PurgeWorkerIDs blanks the workers' ID numbers of renovations closed
	// more than the project's purge days ago; it returns how many. The
	// rules engine calls it daily for every project.
	PurgeWorkerIDs(ctx context.Context, projectID int64) (int, error)
}

// Photo stages of a renovation.
const (
	PhotoDrawing   = "drawing"   // a drawing attached to the application
	PhotoSignature = "signature" // a signature drawn at the briefing
	PhotoViolation = "violation" // a violation as found
)
