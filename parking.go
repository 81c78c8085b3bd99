package wubu

import (
	"context"
	"slices"
	"time"
)

// Parking problems (S4): blocked exits, unknown vehicles, damage… reported
// with photos at the car park and handled through the department's steps:
// reported → assigned → handled → closed. A plate is matched to the resident
// who owns the vehicle when it is known.

// ParkingKind is the kind of a parking problem.
type ParkingKind string

// Parking problem kinds.
const (
	ParkingBlockedExit    ParkingKind = "blocked_exit"
	ParkingUnknownVehicle ParkingKind = "unknown_vehicle"
	ParkingDamage         ParkingKind = "damage"
	ParkingOther          ParkingKind = "other"
)

// ParkingKinds lists every kind.
var ParkingKinds = []ParkingKind{ParkingBlockedExit, ParkingUnknownVehicle, ParkingDamage, ParkingOther}

// Valid reports whether k is a known kind.
func (k ParkingKind) Valid() bool { return slices.Contains(ParkingKinds, k) }

// ParkingState is a step of the handling of a parking problem.
type ParkingState string

// Parking problem states, in order.
const (
	ParkingReported ParkingState = "reported"
	ParkingAssigned ParkingState = "assigned"
	ParkingHandled  ParkingState = "handled"
	ParkingClosed   ParkingState = "closed"
)

// ParkingStates lists every state.
var ParkingStates = []ParkingState{ParkingReported, ParkingAssigned, ParkingHandled, ParkingClosed}

// Parking problem steps.
const (
	ParkingReport = "report"
	ParkingAssign = "assign" // assign, or reassign before it is handled
	ParkingHandle = "handle"
	ParkingClose  = "close"
)

// ParkingLifecycle: reported → assigned → handled → closed.
var ParkingLifecycle = declare(&Lifecycle{
	Object: "parking_problem",
	States: []LifecycleState{
		{Name: string(ParkingReported), Refusal: "Parking problem %d is not assigned yet: assign it before recording how it was handled."},
		{Name: string(ParkingAssigned), Refusal: "Parking problem %d is assigned and not yet handled: this step is not possible now."},
		{Name: string(ParkingHandled), Refusal: "Parking problem %d is already handled: this step is not possible now."},
		{Name: string(ParkingClosed), Refusal: "Parking problem %d is closed: it cannot change any more.", Final: true},
	},
	Steps: []StepDecl{
		{Action: ParkingReport, To: string(ParkingReported), Perm: PermSecurityEdit},
		{Action: ParkingAssign, From: []string{string(ParkingReported), string(ParkingAssigned)}, To: string(ParkingAssigned), Perm: PermSecurityManage},
		{Action: ParkingHandle, From: []string{string(ParkingAssigned)}, To: string(ParkingHandled), Perm: PermSecurityEdit},
		{Action: ParkingClose, From: []string{string(ParkingHandled)}, To: string(ParkingClosed), Perm: PermSecurityEdit},
	},
})

// ParkingProblem is a problem at the car park.
type ParkingProblem struct {
	ID        int64       `json:"id"`
	ProjectID int64       `json:"project_id"`
	Kind      ParkingKind `json:"kind"`
	// Plate is the normalised plate, if any; PersonID the resident it
	// belongs to, when known.
	Plate        string       `json:"plate,omitempty"`
	PersonID     *int64       `json:"person_id,omitempty"`
	PersonName   string       `json:"person_name,omitempty"`
	PersonRoom   string       `json:"person_room,omitempty"`
	BuildingID   *int64       `json:"building_id,omitempty"`
	BuildingName string       `json:"building_name,omitempty"`
	Place        string       `json:"place"`
	Description  string       `json:"description,omitempty"`
	State        ParkingState `json:"state"`
	ReportedBy   int64        `json:"reported_by"`
	ReporterName string       `json:"reporter_name"`
	ReportedAt   time.Time    `json:"reported_at"`
	AssigneeID   *int64       `json:"assignee_id,omitempty"`
	AssigneeName string       `json:"assignee_name,omitempty"`
	AssignedAt   *time.Time   `json:"assigned_at,omitempty"`
	HandledBy    *int64       `json:"handled_by,omitempty"`
	HandledAt    *time.Time   `json:"handled_at,omitempty"`
	HandleNote   string       `json:"handle_note,omitempty"`
	ClosedBy     *int64       `json:"closed_by,omitempty"`
	ClosedAt     *time.Time   `json:"closed_at,omitempty"`
	UpdatedAt    time.Time    `json:"updated_at"`

	Photos []*Photo `json:"photos,omitempty"`
}

// ParkingFilter selects parking problems of a project.
type ParkingFilter struct {
	State  ParkingState
	Open   bool // not closed
	Plate  string
	Offset int
	Limit  int
}

// ParkingService handles parking problems. Reads need PermSecurityView,
// every step PermSecurityEdit; assigning needs PermSecurityManage. Another project's problem answers ENOTFOUND.
type ParkingService interface {
	// ReportParking records a problem with optional photos, matching its
	// plate to a resident. EINVALID (kind, place, malformed plate; an
	// unknown vehicle needs its plate), ENOTFOUND (building).
	ReportParking(ctx context.Context, p *ParkingProblem, photos ...*Photo) error
	// AssignParking assigns a reported problem to a staff member of the
	// project. ECONFLICT once handled.
	AssignParking(ctx context.Context, id, assigneeID int64) (*ParkingProblem, error)
	// HandleParking records how it was handled (note required, photo
	// optional). ECONFLICT unless assigned.
	HandleParking(ctx context.Context, id int64, note string, photo *Photo) (*ParkingProblem, error)
	// CloseParking closes a handled problem. ECONFLICT unless handled.
	CloseParking(ctx context.Context, id int64) (*ParkingProblem, error)
	// FindParking returns a problem with its photos (without data).
	FindParking(ctx context.Context, id int64) (*ParkingProblem, error)
	// FindParkings lists a project's problems, newest first, and the total.
	FindParkings(ctx context.Context, projectID int64, f ParkingFilter) ([]*ParkingProblem, int, error)
}
