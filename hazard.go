package wubu

import (
	"context"
	"slices"
	"time"
)

// Hazards (S11): a safety hazard found on a patrol or an inspection, by any
// staff member, or reported by a resident (joint prevention, 群防群治) is
// recorded with its place, severity and a photo; it is assigned with a
// deadline that escalates when overdue; it is rectified with a photo of the
// result; and it closes only when someone other than the rectifier has
// verified it.

// HazardSource says who found a hazard.
type HazardSource string

// Hazard sources.
const (
	HazardFromPatrol     HazardSource = "patrol"
	HazardFromInspection HazardSource = "inspection"
	HazardFromStaff      HazardSource = "staff"
	HazardFromResident   HazardSource = "resident"
)

// HazardSources lists every source.
var HazardSources = []HazardSource{HazardFromPatrol, HazardFromInspection, HazardFromStaff, HazardFromResident}

// Valid reports whether s is a known source.
func (s HazardSource) Valid() bool { return slices.Contains(HazardSources, s) }

// RectifyWithin is the default time to rectify a hazard of a severity
// (Severity is shared with the inspection findings).
func (s Severity) RectifyWithin() time.Duration {
	switch s {
	case SeverityHigh:
		return 4 * time.Hour
	case SeverityMedium:
		return 24 * time.Hour
	}
	return 72 * time.Hour
}

// HazardState is where a hazard stands.
type HazardState string

// Hazard states, in order.
const (
	HazardReported  HazardState = "reported"
	HazardAssigned  HazardState = "assigned"
	HazardRectified HazardState = "rectified"
	HazardClosed    HazardState = "closed"
)

// HazardStates lists every state.
var HazardStates = []HazardState{HazardReported, HazardAssigned, HazardRectified, HazardClosed}

// Hazard steps.
const (
	HazardReport  = "report"
	HazardAssign  = "assign"  // assign, or reassign before the rectification
	HazardRectify = "rectify" // the assignee's rectification, with a photo
	HazardVerify  = "verify"  // someone else checks it and closes it
	HazardReject  = "reject"  // someone else checks it and sends it back
)

// HazardLifecycle: reported → assigned (the rectification clock runs) →
// rectified (the clock stops) → closed by someone other than the rectifier,
// or sent back to the assignee with a new span.
var HazardLifecycle = declare(&Lifecycle{
	Object: "hazard",
	Lead:   PermSecurityManage,
	Messages: LifecycleMessages{
		Unassigned: "Hazard %d is not assigned to anyone yet.",
		OthersOnly: "Only the assignee or a team leader may record the rectification.",
	},
	States: []LifecycleState{
		{Name: string(HazardReported), Refusal: "Hazard %d is not assigned yet: this step is not possible now."},
		{Name: string(HazardAssigned), Refusal: "Hazard %d is assigned and not yet rectified: this step is not possible now."},
		{Name: string(HazardRectified), Refusal: "Hazard %d is already rectified and awaits verification: this step is not possible now."},
		{Name: string(HazardClosed), Refusal: "Hazard %d is closed: it cannot change any more.", Final: true},
	},
	Steps: []StepDecl{
		// Residents report hazards too (joint prevention, S11).
		{Action: HazardReport, To: string(HazardReported), Perm: PermSecurityEdit, Resident: true},
		{Action: HazardAssign, From: []string{string(HazardReported), string(HazardAssigned)}, To: string(HazardAssigned), Perm: PermSecurityManage,
			Clocks: []ClockEffect{{Op: ClockRearm, Kind: "rectify"}}},
		{Action: HazardRectify, From: []string{string(HazardAssigned)}, To: string(HazardRectified), Perm: PermSecurityEdit,
			Actor: ActorRule{Assignee: true}, Clocks: []ClockEffect{{Op: ClockStop, Kind: "rectify"}}},
		{Action: HazardVerify, From: []string{string(HazardRectified)}, To: string(HazardClosed), Perm: PermSecurityEdit,
			Actor: ActorRule{NotBy: []string{HazardRectify}, Refusal: "You rectified this hazard, so someone else must verify it."}},
		{Action: HazardReject, From: []string{string(HazardRectified)}, To: string(HazardAssigned), Perm: PermSecurityEdit,
			Actor:  ActorRule{NotBy: []string{HazardRectify}, Refusal: "You rectified this hazard, so someone else must verify it."},
			Clocks: []ClockEffect{{Op: ClockRearm, Kind: "rectify"}}},
	},
	// Overdue: the assignee and the security team leaders at the breach,
	// the duty manager two hours later, the manager after a day.
	Clocks: []ClockDecl{{Kind: "rectify", WarnBefore: time.Hour,
		Warn:       []Party{PartyAssignee},
		Breach:     []Party{PartyAssignee, PartyLeaders},
		Escalation: []EscalationDecl{{After: 2 * time.Hour, To: PartyDutyManager}, {After: 24 * time.Hour, To: PartyManager}}}},
})

// Hazard is a safety hazard.
type Hazard struct {
	ID        int64        `json:"id"`
	ProjectID int64        `json:"project_id"`
	Source    HazardSource `json:"source"`
	// RunID is the patrol or inspection run it was found on.
	RunID *int64 `json:"run_id,omitempty"`
	// PersonID is the resident who reported it.
	PersonID      *int64      `json:"person_id,omitempty"`
	PersonName    string      `json:"person_name,omitempty"`
	BuildingID    *int64      `json:"building_id,omitempty"`
	BuildingName  string      `json:"building_name,omitempty"`
	Place         string      `json:"place"`
	Description   string      `json:"description"`
	Severity      Severity    `json:"severity"`
	State         HazardState `json:"state"`
	ReportedBy    int64       `json:"reported_by"`
	ReporterName  string      `json:"reporter_name"`
	ReportedAt    time.Time   `json:"reported_at"`
	AssigneeID    *int64      `json:"assignee_id,omitempty"`
	AssigneeName  string      `json:"assignee_name,omitempty"`
	AssignedAt    *time.Time  `json:"assigned_at,omitempty"`
	DueAt         *time.Time  `json:"due_at,omitempty"`
	RectifiedBy   *int64      `json:"rectified_by,omitempty"`
	RectifierName string      `json:"rectifier_name,omitempty"`
	RectifiedAt   *time.Time  `json:"rectified_at,omitempty"`
	RectifyNote   string      `json:"rectify_note,omitempty"`
	VerifiedBy    *int64      `json:"verified_by,omitempty"`
	VerifierName  string      `json:"verifier_name,omitempty"`
	VerifiedAt    *time.Time  `json:"verified_at,omitempty"`
	VerifyNote    string      `json:"verify_note,omitempty"`
	UpdatedAt     time.Time   `json:"updated_at"`

	Photos []*Photo `json:"photos,omitempty"`
	// Overdue reports an open hazard past its due time, as of reading.
	Overdue bool `json:"overdue"`
}

// HazardFilter selects hazards of a project; zero fields do not filter.
type HazardFilter struct {
	State      HazardState
	Open       bool // not closed
	AssigneeID *int64
	BuildingID *int64
	Severity   Severity
	Overdue    bool
	Offset     int
	Limit      int
}

// HazardAssignment assigns a hazard: to whom and by when (zero Due: the
// severity's default span from now).
type HazardAssignment struct {
	AssigneeID int64     `json:"assignee_id"`
	Due        time.Time `json:"due"`
}

// HazardService records hazards and takes them to a verified close. Reads
// need PermSecurityView; reporting, rectifying and verifying need
// PermSecurityEdit; assigning needs PermSecurityManage (team leaders,
// managers). Another project's hazard answers ENOTFOUND.
type HazardService interface {
	// ReportHazard records a hazard with an optional photo. EINVALID
	// (place, description, severity, source, a resident source without the
	// resident), ENOTFOUND (unknown resident, building or run).
	ReportHazard(ctx context.Context, h *Hazard, photo *Photo) error
	// AssignHazard assigns a hazard and arms its deadline: the assignee and
	// the team leaders are told at the breach, the duty manager and then
	// the manager as it goes on. ECONFLICT once rectified or closed.
	AssignHazard(ctx context.Context, id int64, a HazardAssignment) (*Hazard, error)
	// RectifyHazard records the rectification with its photo (required)
	// and stops the deadline. Only the assignee or a leader may. EINVALID
	// without a photo, ECONFLICT unless assigned.
	RectifyHazard(ctx context.Context, id int64, note string, photo *Photo) (*Hazard, error)
	// VerifyHazard closes a rectified hazard (accepted) or sends it back to
	// its assignee with a new deadline. EFORBIDDEN when the caller
	// rectified it; ECONFLICT unless rectified; EINVALID for a rejection
	// without a note.
	VerifyHazard(ctx context.Context, id int64, accepted bool, note string) (*Hazard, error)
	// FindHazard returns a hazard with its photos (without their data).
	FindHazard(ctx context.Context, id int64) (*Hazard, error)
	// FindHazards lists a project's hazards, newest first, and the total.
	FindHazards(ctx context.Context, projectID int64, f HazardFilter) ([]*Hazard, int, error)
	// FindSecurityPhoto returns a photo of a hazard ("hazard") or parking
	// problem ("parking").
	FindSecurityPhoto(ctx context.Context, objectType string, objectID, photoID int64) (*Photo, error)
}
