package wubu

import (
	"context"
	"slices"
	"time"
)

// A resident's change to their verified record asked on the portal (issue
// 15 item 2: "update my phone, special days and opt-outs"): it waits in
// the desk's queue until the desk applies it to the record or rejects it
// with a reason.

// PortalChangeKind is what a change request changes.
type PortalChangeKind string

// Change request kinds.
const (
	ChangePhone      PortalChangeKind = "phone"       // a new mobile number in place of the one signed in with
	ChangeSpecialDay PortalChangeKind = "special_day" // a special day (kind and date) to remember
	ChangeOptOut     PortalChangeKind = "optout"      // no more messages of a kind
)

// PortalChangeKinds lists every kind.
var PortalChangeKinds = []PortalChangeKind{ChangePhone, ChangeSpecialDay, ChangeOptOut}

// Valid reports whether k is a known kind.
func (k PortalChangeKind) Valid() bool { return slices.Contains(PortalChangeKinds, k) }

// Change request states and steps.
const (
	ChangePending  = "pending"
	ChangeApplied  = "applied"
	ChangeRejected = "rejected"

	ChangeRequest = "request"
	ChangeApply   = "apply"
	ChangeReject  = "reject"
)

// PortalChangeLifecycle: asked by the resident (pending) → applied to the
// record or rejected by the desk.
var PortalChangeLifecycle = declare(&Lifecycle{
	Object: "portal_change",
	States: []LifecycleState{
		{Name: ChangePending, Refusal: "Change request %d waits for the desk."},
		{Name: ChangeApplied, Refusal: "Change request %d was applied already.", Final: true},
		{Name: ChangeRejected, Refusal: "Change request %d was rejected.", Final: true},
	},
	Steps: []StepDecl{
		{Action: ChangeRequest, To: ChangePending, Perm: PermResidentEdit, Resident: true},
		{Action: ChangeApply, From: []string{ChangePending}, To: ChangeApplied, Perm: PermResidentEdit},
		{Action: ChangeReject, From: []string{ChangePending}, To: ChangeRejected, Perm: PermResidentEdit},
	},
})

// PortalChange is a change request.
type PortalChange struct {
	ID         int64            `json:"id"`
	ProjectID  int64            `json:"project_id"`
	PersonID   int64            `json:"person_id"`
	PersonName string           `json:"person_name"`
	Kind       PortalChangeKind `json:"kind"`
	// Value is the new phone, "birthday 1980-05-06" style day, or the
	// message kind opted out of; Old is the phone it replaces.
	Value        string     `json:"value"`
	Old          string     `json:"old,omitempty"`
	Note         string     `json:"note,omitempty"`
	State        string     `json:"state"`
	CreatedAt    time.Time  `json:"created_at"`
	DecidedBy    *int64     `json:"decided_by,omitempty"`
	DeciderName  string     `json:"decider_name,omitempty"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"`
	DecisionNote string     `json:"decision_note,omitempty"`
}

// PortalChanges is the desk's queue of residents' change requests.
type PortalChanges interface {
	// RequestChange asks for a change of the signed-in resident's record
	// (PermPortal). EINVALID names the field.
	RequestChange(ctx context.Context, c *PortalChange) error
	// MyChanges lists the resident's requests, newest first (PermPortal).
	MyChanges(ctx context.Context) ([]*PortalChange, error)
	// FindChanges lists a project's requests, pending first
	// (PermResidentView).
	FindChanges(ctx context.Context, projectID int64) ([]*PortalChange, error)
	// ApplyChange writes a pending request into the record; RejectChange
	// refuses it with a reason (PermResidentEdit). ECONFLICT when decided.
	ApplyChange(ctx context.Context, id int64) (*PortalChange, error)
	RejectChange(ctx context.Context, id int64, reason string) (*PortalChange, error)
}
