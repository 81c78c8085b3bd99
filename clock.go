package wubu

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SLA clocks: every promise made to a resident has a deadline. A Deadline is
// armed for one object (a work order, a complaint, a release pass…) and one
// kind of promise ("arrival", "reply"…). It fires a warning at a set lead
// time before it is due, a breach when it is due, and then the steps of its
// escalation chain, each alerting the next person if nobody has acted.
// Disarming it when the promise is kept records whether it was met; reopening
// the object re-arms it.
//
// Each stage fires exactly once, at its time, whatever happens to the servers
// in between: stages are durable jobs in the database (internal/jobs), and a
// fired stage is a unique row (ClockEvent) written in the same transaction as
// its effects.

// DeadlineState is where a deadline stands.
type DeadlineState string

// Deadline states. The first four are running; the last three are final
// until the deadline is re-armed.
const (
	DeadlineArmed     DeadlineState = "armed"     // armed, nothing fired yet
	DeadlineWarned    DeadlineState = "warned"    // the pre-breach warning fired
	DeadlineBreached  DeadlineState = "breached"  // due and not disarmed: the promise is broken
	DeadlineEscalated DeadlineState = "escalated" // at least one escalation step fired
	DeadlineMet       DeadlineState = "met"       // disarmed at or before the due time
	DeadlineMissed    DeadlineState = "missed"    // disarmed after the due time
	DeadlineCancelled DeadlineState = "cancelled" // stopped without judgement (the object was withdrawn)
)

// RunningDeadlineStates lists the states of a deadline that is still running.
var RunningDeadlineStates = []DeadlineState{DeadlineArmed, DeadlineWarned, DeadlineBreached, DeadlineEscalated}

// Running reports whether a deadline in state s is still running: its stages
// may still fire and it may be disarmed.
func (s DeadlineState) Running() bool { return slices.Contains(RunningDeadlineStates, s) }

// Clock stages. Escalation steps are named by EscalationStage.
const (
	StageWarning = "warning"
	StageBreach  = "breach"
)

// EscalationStage returns the name of escalation step level (1-based):
// "escalation:1", "escalation:2", ….
func EscalationStage(level int) string { return "escalation:" + strconv.Itoa(level) }

// EscalationLevel returns the step number of an escalation stage, or 0 for
// any other stage.
func EscalationLevel(stage string) int {
	s, ok := strings.CutPrefix(stage, "escalation:")
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// DeadlineBasis says how a deadline's due time was set.
type DeadlineBasis string

// Deadline bases, one for each way of giving an ArmRequest's due time.
const (
	BasisAt          DeadlineBasis = "at"           // a due time given outright
	BasisCalendar    DeadlineBasis = "calendar"     // a span of elapsed time ("within 30 minutes")
	BasisWorking     DeadlineBasis = "working"      // a span of working time ("within 4 working hours")
	BasisWorkingDays DeadlineBasis = "working_days" // "within n working days", due at the close of the n-th
)

// MaxEscalationSteps is the longest escalation chain a deadline may have.
const MaxEscalationSteps = 10

// EscalationStep is one link of an escalation chain: if the deadline is still
// running After its due time, Notify is alerted.
//
// After is cumulative, counted from the due time (the breach) in elapsed
// time, whatever the deadline's basis: steps of 15 and 60 minutes alert the
// first person a quarter of an hour after the breach and the second one
// hour after it. Each step's After must be longer than the one before.
type EscalationStep struct {
	After time.Duration `json:"after"`
	// Notify is whom to alert: "user:17" (a staff member by ID) or
	// "role:duty_manager" (everyone of that role serving the project).
	Notify string `json:"notify"`
}

// ValidNotify reports whether s names a staff member ("user:17"), a role
// ("role:duty_manager") or a role of one post ("role:team_leader:maintenance").
func ValidNotify(s string) bool {
	if id, ok := strings.CutPrefix(s, "user:"); ok {
		n, err := strconv.ParseInt(id, 10, 64)
		return err == nil && n > 0 && strconv.FormatInt(n, 10) == id
	}
	if r, ok := strings.CutPrefix(s, "role:"); ok {
		r, post, scoped := strings.Cut(r, ":")
		return Role(r).Valid() && (!scoped || Post(post).Valid())
	}
	return false
}

// NotifyRole returns the notify string of a role, narrowed to a post unless
// post is empty or PostNone.
func NotifyRole(role Role, post Post) string {
	if post == "" || post == PostNone {
		return "role:" + string(role)
	}
	return "role:" + string(role) + ":" + string(post)
}

// DeadlineKey names a deadline: one promise of one kind about one object of
// a project. At most one deadline exists per key.
type DeadlineKey struct {
	ProjectID int64 `json:"project_id"`
	// ObjectType is what the promise is about: "order", "complaint", "pass",
	// "hazard", "visit"… (1–32 lower-case letters, digits or underscores).
	ObjectType string `json:"object_type"`
	// ObjectID identifies the object within its type and project (1–64
	// printable characters; an int64 ID in decimal).
	ObjectID string `json:"object_id"`
	// Kind is the kind of promise: "arrival", "reply", "completion"… (same
	// form as ObjectType).
	Kind string `json:"kind"`
}

// Deadline is an SLA clock: a promise about an object, due at DueAt.
type Deadline struct {
	ID int64 `json:"id"`
	DeadlineKey

	// Basis says how DueAt was set.
	Basis DeadlineBasis `json:"basis"`
	// DueAt is when the promise falls due: the breach.
	DueAt time.Time `json:"due_at"`
	// WarnAt is when the pre-breach warning fires; nil for none.
	WarnAt *time.Time `json:"warn_at,omitempty"`
	// Escalation is the chain alerted after the breach, in order.
	Escalation []EscalationStep `json:"escalation"`
	// WarnNotify and BreachNotify are whom the warning and the breach alert.
	WarnNotify   []string `json:"warn_notify,omitempty"`
	BreachNotify []string `json:"breach_notify,omitempty"`

	State DeadlineState `json:"state"`
	// Level is the number of escalation steps that have fired.
	Level int `json:"level"`
	// Generation counts the arming of this deadline: 1 when first armed, one
	// more on each re-arm. Stages of an earlier generation never fire.
	Generation int `json:"generation"`

	// ArmedAt is when the current generation was armed.
	ArmedAt time.Time `json:"armed_at"`
	// DisarmedAt is when it was disarmed or cancelled; nil while running.
	DisarmedAt *time.Time `json:"disarmed_at,omitempty"`
	// Met is set on disarm: true if disarmed at or before DueAt.
	Met *bool `json:"met,omitempty"`

	// NextStage is the stage that fires next, at NextAt; empty when none is
	// left (a final state, or the escalation chain is exhausted).
	NextStage string     `json:"next_stage,omitempty"`
	NextAt    *time.Time `json:"next_at,omitempty"`

	// Remaining is DueAt minus the time the deadline was read: negative when
	// overdue. It is not stored.
	Remaining time.Duration `json:"remaining"`

	UpdatedAt time.Time `json:"updated_at"`
}

// ArmRequest arms a deadline. Exactly one of Due, After or WorkingDays gives
// the due time:
//
//   - Due: a time given outright (the resident chose a slot).
//   - After: a span from now, in elapsed time (urgent repairs: "within 30
//     minutes"), or in working time when Working is set ("within 4 working
//     hours" — the project's working hours on working days, skipping
//     weekends and statutory holidays, counting adjusted working days).
//   - WorkingDays: "within n working days" (n ≥ 1): the close of the n-th
//     working day after today, never counting today (see
//     calendar.Schedule.AddWorkingDays).
type ArmRequest struct {
	DeadlineKey

	Due         time.Time     `json:"due"`
	After       time.Duration `json:"after"`
	Working     bool          `json:"working"`
	WorkingDays int           `json:"working_days"`

	// WarnBefore is the lead time of the pre-breach warning, in elapsed
	// time; 0 for no warning. A warning whose time has already come when the
	// deadline is armed fires at once.
	WarnBefore time.Duration `json:"warn_before"`
	// Escalation is the chain alerted after the breach (see EscalationStep).
	Escalation []EscalationStep `json:"escalation"`
	// WarnNotify is whom the pre-breach warning alerts and BreachNotify
	// whom the breach alerts, each "user:17" or "role:team_leader" (see
	// ValidNotify): the technician and their team leader before an urgent
	// repair is late, the duty manager when it is.
	WarnNotify   []string `json:"warn_notify,omitempty"`
	BreachNotify []string `json:"breach_notify,omitempty"`
}

// ClockEvent is one fired stage of a deadline. There is at most one per
// deadline, generation and stage.
type ClockEvent struct {
	ID         int64  `json:"id"`
	ProjectID  int64  `json:"project_id"`
	DeadlineID int64  `json:"deadline_id"`
	Generation int    `json:"generation"`
	Stage      string `json:"stage"`
	// Notify is whom an escalation step alerts; empty for other stages.
	Notify string `json:"notify,omitempty"`
	// DueAt is when the stage was to fire; FiredAt when it did.
	DueAt   time.Time `json:"due_at"`
	FiredAt time.Time `json:"fired_at"`
	// Lateness is FiredAt minus DueAt.
	Lateness time.Duration `json:"lateness"`
}

// DeadlineFilter selects running deadlines of a project; zero fields do not
// filter.
type DeadlineFilter struct {
	ObjectType string
	Kind       string
	State      DeadlineState
	// DueBefore keeps deadlines due before the time (the agenda's horizon).
	DueBefore *time.Time
	Offset    int
	Limit     int
}

// ClockService arms, disarms and lists SLA clocks.
//
// Arm, Rearm, Disarm and Cancel are called by the services that own the
// objects (work orders, complaints, passes…), after those services have
// checked that the user may perform the action that starts or ends the
// promise. So they need no permission of their own: they require a signed-in
// user in the context (EUNAUTHORIZED otherwise) who serves the project
// (ENOTFOUND otherwise, as for any object of another project), and they
// audit the change as that user. Reads require PermResidentView, which every
// role has, within the project.
type ClockService interface {
	// Arm arms a deadline for the request's object and kind and schedules its
	// stages. Returns EINVALID for a bad request (Field names the input),
	// ECONFLICT if a deadline for the same key is running. A key whose
	// deadline has ended (met, missed, cancelled) is armed again as a new
	// generation, as Rearm does.
	Arm(ctx context.Context, req ArmRequest) (*Deadline, error)
	// Rearm arms the deadline of the key again as a new generation — when an
	// object is reopened, or its promise is renewed — whether or not it is
	// running: stages still pending from the earlier generation never fire.
	// Returns ENOTFOUND if the key has no deadline, EINVALID for a bad
	// request.
	Rearm(ctx context.Context, req ArmRequest) (*Deadline, error)
	// Disarm stops a running deadline because its promise was kept: it
	// records whether it was met (disarmed at or before its due time) or
	// missed, and no pending stage fires. Returns ENOTFOUND if the key has no
	// deadline, ECONFLICT if it is not running.
	Disarm(ctx context.Context, key DeadlineKey) (*Deadline, error)
	// Cancel stops a running deadline without judging it, as when the
	// object is withdrawn; no pending stage fires. Returns ENOTFOUND if the
	// key has no deadline, ECONFLICT if it is not running.
	Cancel(ctx context.Context, key DeadlineKey) (*Deadline, error)

	// FindDeadline returns the deadline of the key with its remaining time.
	// Returns ENOTFOUND if there is none or the caller does not serve the
	// project.
	FindDeadline(ctx context.Context, key DeadlineKey) (*Deadline, error)
	// FindRunning returns a project's running deadlines, soonest due first,
	// with their remaining time, and the total matching: the agenda.
	// Returns ENOTFOUND if the caller does not serve the project.
	FindRunning(ctx context.Context, projectID int64, f DeadlineFilter) ([]*Deadline, int, error)
	// Events returns the fired stages of a deadline, all generations, in the
	// order they fired. Returns ENOTFOUND if the deadline does not exist or
	// the caller does not serve the project.
	Events(ctx context.Context, projectID, deadlineID int64) ([]*ClockEvent, error)
}
