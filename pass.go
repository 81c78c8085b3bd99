package wubu

import (
	"context"
	"slices"
	"time"
)

// Goods release passes 放行条 (SPEC S8): when a resident moves goods out, the
// guard at the gate starts a pass (who, from which room, what, photos); the
// service centre confirms it — the person is an owner of the room, or an
// owner confirms by phone or through the portal — or refuses it with a
// reason; the guard sees the answer on the phone at once and releases the
// goods. The resident never walks between gate and office. A tenant moving
// out without the owner's word is the case that matters: such a pass cannot
// be confirmed on the tenant's say-so.

// PassState is where a pass stands.
type PassState string

// Pass states: pending → confirmed → released, or pending → refused.
const (
	PassPending   PassState = "pending"   // started at the gate, waiting for the service centre
	PassConfirmed PassState = "confirmed" // the service centre confirmed: the goods may leave
	PassRefused   PassState = "refused"   // the service centre refused, with a reason
	PassReleased  PassState = "released"  // the guard let the goods out
)

// PassStates lists every state.
var PassStates = []PassState{PassPending, PassConfirmed, PassRefused, PassReleased}

// Valid reports whether s is a known state.
func (s PassState) Valid() bool { return slices.Contains(PassStates, s) }

// Final reports whether nothing more happens to a pass in state s.
func (s PassState) Final() bool { return s == PassRefused || s == PassReleased }

// PassConfirmMethod is how the owner's permission was established.
type PassConfirmMethod string

// Confirm methods.
const (
	PassOwnerPresent PassConfirmMethod = "owner_present" // the person moving the goods is an owner of the room
	PassOwnerPhone   PassConfirmMethod = "owner_phone"   // an owner confirmed by phone
	PassOwnerPortal  PassConfirmMethod = "owner_portal"  // an owner confirmed through the residents' portal
)

// PassConfirmMethods lists every method.
var PassConfirmMethods = []PassConfirmMethod{PassOwnerPresent, PassOwnerPhone, PassOwnerPortal}

// Valid reports whether m is a known method.
func (m PassConfirmMethod) Valid() bool { return slices.Contains(PassConfirmMethods, m) }

// Limits of a pass.
const (
	MaxPassItems  = 30
	MaxPassPhotos = 4
)

// Pass steps.
const (
	PassStart   = "start"   // the guard starts a pass at the gate
	PassPhoto   = "photo"   // a photo of the goods, while it waits
	PassConfirm = "confirm" // the service centre confirms, with the owner's word
	PassRefuse  = "refuse"  // the service centre refuses, with a reason
	PassRelease = "release" // the guard lets the goods out
)

// PassLifecycle: started at the gate → confirmed or refused by the service
// centre within PassConfirmWithin (its team leaders warned 5 minutes
// before, the duty manager at the breach, the manager after another 15) →
// the confirmed goods released at the gate.
var PassLifecycle = declare(&Lifecycle{
	Object: "pass",
	States: []LifecycleState{
		{Name: string(PassPending), Refusal: "Pass %d is waiting for the service centre's confirmation: the goods may not leave yet."},
		{Name: string(PassConfirmed), Refusal: "Pass %d was confirmed already."},
		{Name: string(PassRefused), Refusal: "Pass %d was refused: the goods may not leave.", Final: true},
		{Name: string(PassReleased), Refusal: "The goods of pass %d were released already.", Final: true},
	},
	Steps: []StepDecl{
		{Action: PassStart, To: string(PassPending), Perm: PermSecurityEdit, Clocks: []ClockEffect{{Op: ClockArm, Kind: "confirm"}}},
		{Action: PassPhoto, From: []string{string(PassPending)}, Perm: PermSecurityEdit},
		// The service centre decides, or an owner of the room with a tap on
		// the portal.
		{Action: PassConfirm, From: []string{string(PassPending)}, To: string(PassConfirmed), Perm: PermPassConfirm, Resident: true, Clocks: []ClockEffect{{Op: ClockStop, Kind: "confirm"}}},
		{Action: PassRefuse, From: []string{string(PassPending)}, To: string(PassRefused), Perm: PermPassConfirm, Resident: true, Clocks: []ClockEffect{{Op: ClockStop, Kind: "confirm"}}},
		{Action: PassRelease, From: []string{string(PassConfirmed)}, To: string(PassReleased), Perm: PermSecurityEdit},
	},
	Clocks: []ClockDecl{{Kind: "confirm", Within: PassConfirmWithin, WarnBefore: PassConfirmWithin / 3,
		Warn:       []Party{PartyLeaders},
		Breach:     []Party{PartyDutyManager},
		Escalation: []EscalationDecl{{After: PassConfirmWithin, To: PartyManager}}}},
})

// PassConfirmWithin is how long the service centre has to answer a pass
// before its clock breaches: the resident is waiting at the gate.
const PassConfirmWithin = 15 * time.Minute

// Pass is a goods release pass.
type Pass struct {
	ID        int64  `json:"id"`
	ProjectID int64  `json:"project_id"`
	RoomID    int64  `json:"room_id"`
	RoomLabel string `json:"room_label"`
	// PersonID is the resident moving the goods, when found by the lookup;
	// PersonName is always set.
	PersonID   *int64 `json:"person_id,omitempty"`
	PersonName string `json:"person_name"`
	// Relation is the person's relation to the room when the pass was
	// started; empty for someone not in the registry.
	Relation Relation  `json:"relation,omitempty"`
	Items    []string  `json:"items"`
	Gate     string    `json:"gate"`
	Note     string    `json:"note,omitempty"`
	State    PassState `json:"state"`
	Photos   int       `json:"photos"`

	StartedBy     int64     `json:"started_by"`
	StartedByName string    `json:"started_by_name"`
	StartedAt     time.Time `json:"started_at"`

	// DecidedBy and DecidedAt are who confirmed or refused it, and when.
	DecidedBy     *int64     `json:"decided_by,omitempty"`
	DecidedByName string     `json:"decided_by_name,omitempty"`
	DecidedAt     *time.Time `json:"decided_at,omitempty"`
	// PassConfirmMethod and OwnerPersonID record how the owner's permission
	// was established, and which owner gave it.
	ConfirmMethod PassConfirmMethod `json:"confirm_method,omitempty"`
	OwnerPersonID *int64            `json:"owner_person_id,omitempty"`
	OwnerName     string            `json:"owner_name,omitempty"`
	// DecisionNote is the confirmation's note or the refusal's reason.
	DecisionNote string `json:"decision_note,omitempty"`

	ReleasedBy     *int64     `json:"released_by,omitempty"`
	ReleasedByName string     `json:"released_by_name,omitempty"`
	ReleasedAt     *time.Time `json:"released_at,omitempty"`
	ReleaseGate    string     `json:"release_gate,omitempty"`

	// Owners are the room's current owners, who may confirm (filled in by
	// FindPassByID).
	Owners []*PassOwner `json:"owners,omitempty"`
	// Deadline is the confirmation clock, when read with the pass.
	Deadline *Deadline `json:"deadline,omitempty"`
}

// NeedsOwner reports whether the pass needs an owner's confirmation by
// phone or portal: the person moving the goods is not an owner of the room.
func (p *Pass) NeedsOwner() bool { return p.Relation != RelationOwner }

// PassOwner is an owner of a pass's room.
type PassOwner struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
}

// NewPass is a pass the guard starts.
type NewPass struct {
	ProjectID int64 `json:"project_id"`
	// RoomID or Room (a label such as "3-2-1201") names the room.
	RoomID     int64    `json:"room_id"`
	Room       string   `json:"room"`
	PersonID   *int64   `json:"person_id"`
	PersonName string   `json:"person_name"`
	Items      []string `json:"items"`
	Gate       string   `json:"gate"`
	Note       string   `json:"note"`
}

// PassConfirmation is the service centre's confirmation.
type PassConfirmation struct {
	Method PassConfirmMethod `json:"method"`
	// OwnerPersonID is the owner who confirmed by phone or portal.
	OwnerPersonID *int64 `json:"owner_person_id"`
	Note          string `json:"note"`
}

// PassFilter selects passes of a project.
type PassFilter struct {
	ProjectID int64
	State     *PassState
	PersonID  *int64
	Offset    int
	Limit     int
}

// PassService keeps release passes. Every method answers ENOTFOUND for a
// pass of a project the caller does not serve, as for a missing one.
type PassService interface {
	// StartPass starts a pending pass at the gate and arms its confirmation
	// clock. Requires PermSecurityEdit. EINVALID (Field names the input)
	// for a missing room, person or items.
	StartPass(ctx context.Context, np *NewPass) (*Pass, error)
	// AddPassPhoto adds a photo of the goods (JPEG or PNG, at most 2 MiB,
	// at most MaxPassPhotos) to a pending pass. Requires PermSecurityEdit.
	AddPassPhoto(ctx context.Context, id int64, contentType string, data []byte) error
	// PassPhoto returns the n-th photo (0-based). Requires PermSecurityView.
	PassPhoto(ctx context.Context, id int64, n int) (contentType string, data []byte, err error)
	// ConfirmPass confirms a pending pass. Requires PermPassConfirm.
	// EINVALID when the person is not an owner and no owner confirmed by
	// phone or portal, or the owner named is not an owner of the room;
	// ECONFLICT when the pass is not pending.
	ConfirmPass(ctx context.Context, id int64, c PassConfirmation) (*Pass, error)
	// RefusePass refuses a pending pass with a reason. Requires
	// PermPassConfirm. EINVALID without a reason; ECONFLICT when not pending.
	RefusePass(ctx context.Context, id int64, reason string) (*Pass, error)
	// ReleasePass records that the guard let the goods out at the gate
	// (the pass's gate when empty). Requires PermSecurityEdit. ECONFLICT
	// unless the pass is confirmed.
	ReleasePass(ctx context.Context, id int64, gate string) (*Pass, error)
	// FindPassByID returns a pass with its room's owners and its clock.
	// Requires PermSecurityView.
	FindPassByID(ctx context.Context, id int64) (*Pass, error)
	// FindPasses lists a project's passes, newest first, and the total.
	// Requires PermSecurityView.
	FindPasses(ctx context.Context, f PassFilter) ([]*Pass, int, error)
}
