package wubu

import (
	"context"
	"slices"
	"time"
)

// Patrols and renovation inspections (S11): a route is an ordered list of
// checkpoints, each with a code printed as a QR code on site. A guard starts
// a run of the route and checks in at each checkpoint by scanning its QR code
// (a link to /patrol/checkin?code=…) or typing the code. Checkpoint i of a
// run is due i × the route's interval after the run started; when the run is
// finished, checkpoints checked in after their time are late, those not
// visited as often as they require are missed, and the route's leader is
// told. A renovation inspection is a route bound to a room under renovation,
// run every few days.

// RouteKind says whether a route is a patrol or a renovation inspection.
type RouteKind string

// Route kinds.
const (
	RoutePatrol     RouteKind = "patrol"
	RouteInspection RouteKind = "inspection"
)

// RouteKinds lists every kind.
var RouteKinds = []RouteKind{RoutePatrol, RouteInspection}

// Valid reports whether k is a known kind.
func (k RouteKind) Valid() bool { return slices.Contains(RouteKinds, k) }

// CheckpointKind marks the places that need more attention.
type CheckpointKind string

// Checkpoint kinds. Blind spots and key locations need more visits per run.
const (
	CheckpointNormal    CheckpointKind = "normal"
	CheckpointBlindSpot CheckpointKind = "blind_spot"
	CheckpointKey       CheckpointKind = "key"
)

// CheckpointKinds lists every kind.
var CheckpointKinds = []CheckpointKind{CheckpointNormal, CheckpointBlindSpot, CheckpointKey}

// Valid reports whether k is a known kind.
func (k CheckpointKind) Valid() bool { return slices.Contains(CheckpointKinds, k) }

// Limits of routes.
const (
	MaxCheckpoints      = 100
	MaxCheckpointVisits = 10
	MaxRouteInterval    = 24 * 60 // minutes
)

// PatrolRoute is a patrol route, or the inspection route of a room under
// renovation.
type PatrolRoute struct {
	ID        int64     `json:"id"`
	ProjectID int64     `json:"project_id"`
	Name      string    `json:"name"`
	Kind      RouteKind `json:"kind"`
	// RoomID is the room under renovation of an inspection route.
	RoomID    *int64 `json:"room_id,omitempty"`
	RoomLabel string `json:"room_label,omitempty"`
	// IntervalMinutes is the time expected between checkpoints: checkpoint i
	// of a run is due i × IntervalMinutes after the run started.
	IntervalMinutes int `json:"interval_minutes"`
	// EveryDays is an inspection's schedule: one run every so many days
	// (0: no schedule).
	EveryDays int `json:"every_days"`
	// LeaderID is told of missed and late checkpoints; with none, the
	// project's team leaders are.
	LeaderID   *int64    `json:"leader_id,omitempty"`
	LeaderName string    `json:"leader_name,omitempty"`
	Active     bool      `json:"active"`
	CreatedAt  time.Time `json:"created_at"`

	Checkpoints []*Checkpoint `json:"checkpoints,omitempty"`
	// LastRunAt is when the route was last run; NextDue when an
	// inspection is next due (filled in when listed).
	LastRunAt *time.Time `json:"last_run_at,omitempty"`
	NextDue   *time.Time `json:"next_due,omitempty"`
}

// Checkpoint is a place on a route, with the code on its QR label.
type Checkpoint struct {
	ID        int64          `json:"id"`
	ProjectID int64          `json:"project_id"`
	RouteID   int64          `json:"route_id"`
	Position  int            `json:"position"`
	Name      string         `json:"name"`
	Place     string         `json:"place,omitempty"`
	Code      string         `json:"code"`
	Kind      CheckpointKind `json:"kind"`
	// Visits is how many check-ins a run needs here (blind spots and key
	// locations more than one).
	Visits int `json:"visits"`

	RouteName string `json:"route_name,omitempty"`
}

// CheckStatus is how a checkpoint of a run went.
type CheckStatus string

// Check statuses.
const (
	CheckPending CheckStatus = "pending" // the run is going on, not yet visited enough
	CheckOK      CheckStatus = "ok"
	CheckLate    CheckStatus = "late"
	CheckMissed  CheckStatus = "missed"
)

// CheckStatuses lists every status.
var CheckStatuses = []CheckStatus{CheckPending, CheckOK, CheckLate, CheckMissed}

// RunCheckpoint is one checkpoint of a run with its check-ins.
type RunCheckpoint struct {
	Checkpoint
	DueAt    time.Time   `json:"due_at"`
	Checkins int         `json:"checkins"`
	FirstAt  *time.Time  `json:"first_at,omitempty"`
	Status   CheckStatus `json:"status"`
}

// PatrolRun is one walk of a route by a guard.
type PatrolRun struct {
	ID         int64      `json:"id"`
	ProjectID  int64      `json:"project_id"`
	RouteID    int64      `json:"route_id"`
	RouteName  string     `json:"route_name"`
	RouteKind  RouteKind  `json:"route_kind"`
	GuardID    int64      `json:"guard_id"`
	GuardName  string     `json:"guard_name"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	// Missed and Late count the checkpoints so flagged when the run ended.
	Missed     int        `json:"missed"`
	Late       int        `json:"late"`
	ReviewedBy *int64     `json:"reviewed_by,omitempty"`
	ReviewedAt *time.Time `json:"reviewed_at,omitempty"`
	// LeaderID is the route's leader, told of the run's problems.
	LeaderID *int64 `json:"leader_id,omitempty"`

	Checkpoints []*RunCheckpoint `json:"checkpoints,omitempty"`
}

// Finished reports whether the run has ended.
func (r *PatrolRun) Finished() bool { return r.FinishedAt != nil }

// State is where the run stands in its life cycle: running, finished,
// reviewed.
func (r *PatrolRun) State() string {
	switch {
	case r.ReviewedAt != nil:
		return RunReviewed
	case r.FinishedAt != nil:
		return RunFinished
	}
	return RunRunning
}

// Patrol run states and steps.
const (
	RunRunning  = "running"
	RunFinished = "finished"
	RunReviewed = "reviewed"

	RunStart   = "start"
	RunCheckin = "checkin"
	RunFinish  = "finish"
	RunReview  = "review"
)

// RunLifecycle: a run starts with the guard's first check-in (or by hand),
// is due one interval after its last checkpoint's time, and is finished by
// its guard (or a team leader): missed and late checkpoints are flagged
// and the route's leader (else the security team leaders) told — urgently
// when a checkpoint was missed — then reviewed by a leader. A run not
// finished in time alerts the route's leader, then the duty manager.
var RunLifecycle = declare(&Lifecycle{
	Object: "patrol_run",
	Lead:   PermSecurityManage,
	Messages: LifecycleMessages{
		Unassigned: "Patrol run %d has no guard.",
		OthersOnly: "Only the guard on the run or a team leader may finish it.",
	},
	States: []LifecycleState{
		{Name: RunRunning, Refusal: "Patrol run %d is not finished yet."},
		{Name: RunFinished, Refusal: "Patrol run %d is already finished."},
		{Name: RunReviewed, Refusal: "Patrol run %d is already finished and reviewed.", Final: true},
	},
	Steps: []StepDecl{
		{Action: RunStart, To: RunRunning, Perm: PermSecurityEdit, Clocks: []ClockEffect{{Op: ClockArm, Kind: "finish"}}},
		{Action: RunCheckin, From: []string{RunRunning}, Perm: PermSecurityEdit},
		{Action: RunFinish, From: []string{RunRunning}, To: RunFinished, Perm: PermSecurityEdit, Actor: ActorRule{Assignee: true},
			Clocks: []ClockEffect{{Op: ClockStop, Kind: "finish"}},
			Notify: []NoticeDecl{
				{Kind: "patrol_missed", To: []Party{PartySuperior}, Urgent: true, When: "missed"},
				{Kind: "patrol_missed", To: []Party{PartySuperior}, When: "late_only"},
			}},
		{Action: RunReview, From: []string{RunFinished}, To: RunReviewed, Perm: PermSecurityManage},
	},
	Clocks: []ClockDecl{{Kind: "finish",
		Breach:     []Party{PartySuperior},
		Escalation: []EscalationDecl{{After: 30 * time.Minute, To: PartyDutyManager}}}},
})

// CheckinMethod says how a guard checked in.
type CheckinMethod string

// Check-in methods.
const (
	CheckinScan  CheckinMethod = "scan"
	CheckinTyped CheckinMethod = "typed"
)

// CheckinResult is what a check-in did.
type CheckinResult struct {
	Run        *PatrolRun  `json:"run"`
	Checkpoint *Checkpoint `json:"checkpoint"`
	// Started reports that the check-in started the run.
	Started bool `json:"started"`
	// Late reports that the checkpoint was reached after its time.
	Late bool `json:"late"`
}

// RunFilter selects runs of a project.
type RunFilter struct {
	RouteID *int64
	GuardID *int64
	// Open keeps runs not finished; Flagged keeps finished runs with missed
	// or late checkpoints; Unreviewed keeps runs not reviewed by a leader.
	Open       bool
	Flagged    bool
	Unreviewed bool
	Offset     int
	Limit      int
}

// PatrolService manages routes, checkpoints and runs. Reads need
// PermSecurityView, check-ins and runs PermSecurityEdit, routes and
// checkpoints PermSecurityManage. Objects of a project the caller does not
// serve answer ENOTFOUND.
type PatrolService interface {
	// FindRoutes returns a project's routes with their checkpoints.
	FindRoutes(ctx context.Context, projectID int64) ([]*PatrolRoute, error)
	// FindRoute returns a route with its checkpoints. ENOTFOUND.
	FindRoute(ctx context.Context, id int64) (*PatrolRoute, error)
	// CreateRoute creates a route. EINVALID (name, kind, interval, room of
	// an inspection), ECONFLICT (name taken).
	CreateRoute(ctx context.Context, r *PatrolRoute) error
	// AddCheckpoint adds a checkpoint at the end of a route, with a new
	// code. EINVALID, ENOTFOUND.
	AddCheckpoint(ctx context.Context, c *Checkpoint) error
	// FindCheckpoint returns the checkpoint of a code among the caller's
	// projects. ENOTFOUND for an unknown code.
	FindCheckpoint(ctx context.Context, code string) (*Checkpoint, error)

	// StartRun starts a run of a route by the caller. ECONFLICT if the
	// caller already has a run of it going.
	StartRun(ctx context.Context, routeID int64) (*PatrolRun, error)
	// Checkin checks the caller in at the checkpoint of the code, in their
	// run of its route, starting one if none is going. EINVALID for an
	// empty code, ENOTFOUND for an unknown one.
	Checkin(ctx context.Context, code string, method CheckinMethod) (*CheckinResult, error)
	// FinishRun ends a run: flags its missed and late checkpoints and tells
	// the route's leader of them. Only the guard of the run or someone with
	// PermSecurityManage may finish it. ECONFLICT if already finished.
	FinishRun(ctx context.Context, id int64) (*PatrolRun, error)
	// ReviewRun records that a leader has seen a flagged run.
	// PermSecurityManage. ECONFLICT if not finished.
	ReviewRun(ctx context.Context, id int64) (*PatrolRun, error)
	// FindRun returns a run with its checkpoints. ENOTFOUND.
	FindRun(ctx context.Context, id int64) (*PatrolRun, error)
	// FindRuns lists runs, newest first, and the total matching.
	FindRuns(ctx context.Context, projectID int64, f RunFilter) ([]*PatrolRun, int, error)
	// MyRuns returns the caller's runs going on, in every project.
	MyRuns(ctx context.Context) ([]*PatrolRun, error)
}
