package wubu

import (
	"context"
	"slices"
	"time"
)

// Incidents (SPEC S9): gate staff follow the procedure, but an emergency is
// reported to the direct superior at once. If nobody acknowledges it, it
// escalates up the chain — team leader, duty manager, manager — on the
// steps of its clock until someone does. The incident keeps a log of who
// knew what when: the report, each alert, the acknowledgement, notes.

// IncidentKind is what happened.
type IncidentKind string

// Incident kinds.
const (
	IncidentFire      IncidentKind = "fire"      // fire or smoke
	IncidentIntrusion IncidentKind = "intrusion" // intrusion or theft
	IncidentInjury    IncidentKind = "injury"    // someone hurt or ill
	IncidentConflict  IncidentKind = "conflict"  // a fight or a heated dispute
	IncidentFlood     IncidentKind = "flood"     // water leak or flood
	IncidentOther     IncidentKind = "other"
)

// IncidentKinds lists every kind.
var IncidentKinds = []IncidentKind{IncidentFire, IncidentIntrusion, IncidentInjury, IncidentConflict, IncidentFlood, IncidentOther}

// Valid reports whether k is a known kind.
func (k IncidentKind) Valid() bool { return slices.Contains(IncidentKinds, k) }

// IncidentState is where an incident stands.
type IncidentState string

// Incident states: open → acknowledged → closed.
const (
	IncidentOpen         IncidentState = "open"         // reported, nobody has acknowledged it
	IncidentAcknowledged IncidentState = "acknowledged" // someone up the chain has taken it
	IncidentClosed       IncidentState = "closed"       // dealt with
)

// IncidentStates lists every state.
var IncidentStates = []IncidentState{IncidentOpen, IncidentAcknowledged, IncidentClosed}

// The escalation chain of an incident: the superior is alerted at once and
// must acknowledge within IncidentAckWithin; then the team leaders, then the
// duty manager, then the manager are alerted in turn.
const IncidentAckWithin = 5 * time.Minute

// Incident steps.
const (
	IncidentReport      = "report"
	IncidentAcknowledge = "acknowledge"
	IncidentNote        = "note"
	IncidentClose       = "close"
)

// IncidentLifecycle: reported open, the direct superior alerted at once
// (urgent, through the outbox in the report's own transaction) and the
// acknowledgement clock armed; on breach the superior and the security
// team leaders, then the duty manager, then the manager are alerted until
// someone acknowledges; closed once dealt with.
var IncidentLifecycle = declare(&Lifecycle{
	Object: "incident",
	States: []LifecycleState{
		{Name: string(IncidentOpen), Refusal: "Incident %d is not acknowledged yet: acknowledge it before closing it."},
		{Name: string(IncidentAcknowledged), Refusal: "Incident %d was acknowledged already."},
		{Name: string(IncidentClosed), Refusal: "Incident %d was closed already.", Final: true},
	},
	Steps: []StepDecl{
		{Action: IncidentReport, To: string(IncidentOpen), Perm: PermSecurityEdit, Clocks: []ClockEffect{{Op: ClockArm, Kind: "ack"}},
			Notify: []NoticeDecl{{Kind: "incident_reported", To: []Party{PartySuperior}, Urgent: true}}},
		{Action: IncidentAcknowledge, From: []string{string(IncidentOpen)}, To: string(IncidentAcknowledged), Perm: PermPassConfirm,
			Clocks: []ClockEffect{{Op: ClockStop, Kind: "ack"}}},
		{Action: IncidentNote, From: []string{string(IncidentOpen), string(IncidentAcknowledged)}, Perm: PermSecurityEdit},
		{Action: IncidentClose, From: []string{string(IncidentAcknowledged)}, To: string(IncidentClosed), Perm: PermPassConfirm},
	},
	Clocks: []ClockDecl{{Kind: "ack", Within: IncidentAckWithin,
		Breach:     []Party{PartySuperior, PartyLeaders},
		Escalation: []EscalationDecl{{After: 5 * time.Minute, To: PartyDutyManager}, {After: 15 * time.Minute, To: PartyManager}}}},
})

// Incident is an emergency reported at a post.
type Incident struct {
	ID          int64         `json:"id"`
	ProjectID   int64         `json:"project_id"`
	Kind        IncidentKind  `json:"kind"`
	Place       string        `json:"place"`
	Description string        `json:"description"`
	State       IncidentState `json:"state"`

	ReportedBy     int64     `json:"reported_by"`
	ReportedByName string    `json:"reported_by_name"`
	ReportedAt     time.Time `json:"reported_at"`
	// SuperiorID is the direct superior alerted at once; nil when the
	// project's security team leaders were alerted as a role.
	SuperiorID   *int64 `json:"superior_id,omitempty"`
	SuperiorName string `json:"superior_name,omitempty"`

	AcknowledgedBy     *int64     `json:"acknowledged_by,omitempty"`
	AcknowledgedByName string     `json:"acknowledged_by_name,omitempty"`
	AcknowledgedAt     *time.Time `json:"acknowledged_at,omitempty"`
	ClosedBy           *int64     `json:"closed_by,omitempty"`
	ClosedAt           *time.Time `json:"closed_at,omitempty"`

	// Log is who knew what when, oldest first (filled in by
	// FindIncidentByID): the service's entries and the clock's alerts.
	Log []*IncidentLogEntry `json:"log,omitempty"`
	// Deadline is the acknowledgement clock.
	Deadline *Deadline `json:"deadline,omitempty"`
}

// IncidentLogEntry is one line of an incident's log.
type IncidentLogEntry struct {
	At time.Time `json:"at"`
	// Kind is "reported", "notified" (an alert sent), "notify_failed",
	// "breach" or "escalation" (the clock alerted the next person up),
	// "acknowledged", "note" or "closed".
	Kind string `json:"kind"`
	// Notify is whom an alert went to: "user:17" or "role:duty_manager".
	Notify   string `json:"notify,omitempty"`
	Text     string `json:"text,omitempty"`
	UserID   *int64 `json:"user_id,omitempty"`
	UserName string `json:"user_name,omitempty"`
}

// NewIncident is what the post reports.
type NewIncident struct {
	ProjectID   int64        `json:"project_id"`
	Kind        IncidentKind `json:"kind"`
	Place       string       `json:"place"`
	Description string       `json:"description"`
	// BuildingID, when given, makes the building's security leader the
	// direct superior.
	BuildingID *int64 `json:"building_id"`
}

// IncidentFilter selects incidents of a project.
type IncidentFilter struct {
	ProjectID int64
	State     *IncidentState
	Offset    int
	Limit     int
}

// IncidentService records incidents and their escalation. Every method
// answers ENOTFOUND for an incident of a project the caller does not serve.
type IncidentService interface {
	// ReportIncident records an incident, alerts the direct superior at once
	// (urgent) and arms the escalation clock. Requires PermSecurityEdit.
	// EINVALID for a bad kind, place or description.
	ReportIncident(ctx context.Context, ni *NewIncident) (*Incident, error)
	// AcknowledgeIncident records that the caller has taken the incident
	// and stops its escalation. Requires PermPassConfirm (those who lead).
	// ECONFLICT unless open.
	AcknowledgeIncident(ctx context.Context, id int64, note string) (*Incident, error)
	// AddIncidentNote adds a note to the log. Requires PermSecurityEdit.
	AddIncidentNote(ctx context.Context, id int64, text string) (*Incident, error)
	// CloseIncident closes an acknowledged incident. Requires
	// PermPassConfirm. ECONFLICT unless acknowledged.
	CloseIncident(ctx context.Context, id int64, note string) (*Incident, error)
	// FindIncidentByID returns an incident with its log and clock.
	// Requires PermSecurityView.
	FindIncidentByID(ctx context.Context, id int64) (*Incident, error)
	// FindIncidents lists a project's incidents, newest first.
	FindIncidents(ctx context.Context, f IncidentFilter) ([]*Incident, int, error)
}
