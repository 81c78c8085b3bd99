package wubu

import (
	"context"
	"slices"
	"time"
)

// New tenant registration (SPEC S2): the guard records a tenant moving in;
// the registration goes to the guard's direct superior (the security team
// leader of the building, or of the project), who checks it, then to the
// service assistant, who files it into the tenant archive — the resident
// registry, as a person living in the room as a tenant. Each step has a
// clock; a stalled step shows on the agenda of whoever must act next.

// TenantState is where a registration stands.
type TenantState string

// Tenant registration states: submitted → checked → filed, or rejected at
// either step.
const (
	TenantSubmitted TenantState = "submitted" // recorded by the guard, waiting for the superior's check
	TenantChecked   TenantState = "checked"   // checked by the superior, waiting to be filed
	TenantFiled     TenantState = "filed"     // filed into the resident registry
	TenantRejected  TenantState = "rejected"  // sent back with a reason
)

// TenantStates lists every state.
var TenantStates = []TenantState{TenantSubmitted, TenantChecked, TenantFiled, TenantRejected}

// Valid reports whether s is a known state.
func (s TenantState) Valid() bool { return slices.Contains(TenantStates, s) }

// How long each step of a registration may take before its clock breaches.
const (
	TenantCheckWithin = 4 * time.Hour // the superior checks within 4 hours
	TenantFileDays    = 1             // the assistant files within 1 working day
)

// Tenant registration steps.
const (
	TenantRegister = "register" // the guard records a new tenant
	TenantCheck    = "check"    // the superior checks it
	TenantFile     = "file"     // customer service files it into the registry
	TenantReject   = "reject"   // sent back with a reason
)

// TenantLifecycle: registered by the guard → checked by the superior (the
// building's security leader, or the security team leaders) within
// TenantCheckWithin → filed into the registry by customer service within
// TenantFileDays working days; or sent back. A stalled step alerts the
// duty manager, then the manager.
var TenantLifecycle = declare(&Lifecycle{
	Object: "tenant_registration",
	Lead:   PermPassConfirm,
	States: []LifecycleState{
		{Name: string(TenantSubmitted), Refusal: "Registration %d has not been checked by the superior yet."},
		{Name: string(TenantChecked), Refusal: "Registration %d was checked already and waits to be filed."},
		{Name: string(TenantFiled), Refusal: "The tenant of registration %d was filed into the archive already.", Final: true},
		{Name: string(TenantRejected), Refusal: "Registration %d was sent back.", Final: true},
	},
	Steps: []StepDecl{
		{Action: TenantRegister, To: string(TenantSubmitted), Perm: PermSecurityEdit, Clocks: []ClockEffect{{Op: ClockArm, Kind: "check"}}},
		{Action: TenantCheck, From: []string{string(TenantSubmitted)}, To: string(TenantChecked), Perm: PermPassConfirm,
			Actor:  ActorRule{Leaders: true, Refusal: "The guard's superior checks a new tenant: a team leader or above."},
			Clocks: []ClockEffect{{Op: ClockStop, Kind: "check"}, {Op: ClockArm, Kind: "file"}}},
		{Action: TenantFile, From: []string{string(TenantChecked)}, To: string(TenantFiled), Perm: PermPassConfirm,
			Clocks: []ClockEffect{{Op: ClockStop, Kind: "file"}}},
		{Action: TenantReject, From: []string{string(TenantSubmitted), string(TenantChecked)}, To: string(TenantRejected), Perm: PermPassConfirm,
			Clocks: []ClockEffect{{Op: ClockCancel, Kind: "check"}, {Op: ClockCancel, Kind: "file"}}},
	},
	Clocks: []ClockDecl{
		{Kind: "check", Within: TenantCheckWithin, WarnBefore: TenantCheckWithin / 4,
			Warn:       []Party{PartySuperior},
			Breach:     []Party{PartySuperior, PartyDutyManager},
			Escalation: []EscalationDecl{{After: TenantCheckWithin, To: PartyManager}}},
		{Kind: "file", WorkingDays: TenantFileDays,
			Breach:     []Party{PartyDutyManager},
			Escalation: []EscalationDecl{{After: TenantCheckWithin, To: PartyManager}}},
	},
})

// TenantRegistration is a new tenant on the way to the archive.
type TenantRegistration struct {
	ID        int64  `json:"id"`
	ProjectID int64  `json:"project_id"`
	RoomID    int64  `json:"room_id"`
	RoomLabel string `json:"room_label"`
	Name      string `json:"name"`
	// Phone and IDNumber are masked unless the caller may see them.
	Phone    string      `json:"phone"`
	IDNumber string      `json:"id_number,omitempty"`
	MoveIn   Date        `json:"move_in"`
	Note     string      `json:"note,omitempty"`
	State    TenantState `json:"state"`

	ReportedBy     int64     `json:"reported_by"`
	ReportedByName string    `json:"reported_by_name"`
	ReportedAt     time.Time `json:"reported_at"`
	// SuperiorID is the direct superior who checks it: the building's
	// security leader, else nil (any security team leader of the project).
	SuperiorID   *int64 `json:"superior_id,omitempty"`
	SuperiorName string `json:"superior_name,omitempty"`

	CheckedBy     *int64     `json:"checked_by,omitempty"`
	CheckedByName string     `json:"checked_by_name,omitempty"`
	CheckedAt     *time.Time `json:"checked_at,omitempty"`
	FiledBy       *int64     `json:"filed_by,omitempty"`
	FiledByName   string     `json:"filed_by_name,omitempty"`
	FiledAt       *time.Time `json:"filed_at,omitempty"`
	// PersonID is the resident created when it was filed.
	PersonID       *int64     `json:"person_id,omitempty"`
	RejectedBy     *int64     `json:"rejected_by,omitempty"`
	RejectedByName string     `json:"rejected_by_name,omitempty"`
	RejectedAt     *time.Time `json:"rejected_at,omitempty"`
	Reason         string     `json:"reason,omitempty"`

	// Deadline is the running step's clock, when read with it.
	Deadline *Deadline `json:"deadline,omitempty"`
	Masked   bool      `json:"masked"`
}

// NewTenant is what the guard records.
type NewTenant struct {
	ProjectID int64  `json:"project_id"`
	RoomID    int64  `json:"room_id"`
	Room      string `json:"room"` // a label such as "3-2-1201", when RoomID is 0
	Name      string `json:"name"`
	Phone     string `json:"phone"`
	IDNumber  string `json:"id_number"`
	MoveIn    Date   `json:"move_in"`
	Note      string `json:"note"`
}

// TenantFilter selects registrations of a project.
type TenantFilter struct {
	ProjectID int64
	State     *TenantState
	Offset    int
	Limit     int
}

// TenantService carries new tenant registrations to the archive. Every
// method answers ENOTFOUND for a registration of a project the caller does
// not serve.
type TenantService interface {
	// RegisterTenant records a new tenant and arms the superior's clock.
	// Requires PermSecurityEdit. EINVALID for a bad name, phone, ID number,
	// room or date (Field names it).
	RegisterTenant(ctx context.Context, nt *NewTenant) (*TenantRegistration, error)
	// CheckTenant is the superior's check: a team leader or above with
	// PermPassConfirm. ECONFLICT unless submitted; EFORBIDDEN for a staff
	// member.
	CheckTenant(ctx context.Context, id int64) (*TenantRegistration, error)
	// FileTenant files a checked registration into the resident registry:
	// it creates the person and their home as a tenant, in one
	// transaction. Requires PermPassConfirm and PermResidentEdit.
	// ECONFLICT unless checked.
	FileTenant(ctx context.Context, id int64) (*TenantRegistration, error)
	// RejectTenant sends a registration back with a reason at either step.
	// Requires PermPassConfirm. EINVALID without a reason; ECONFLICT when
	// filed or rejected already.
	RejectTenant(ctx context.Context, id int64, reason string) (*TenantRegistration, error)
	// FindTenantByID returns a registration with its clock. Requires
	// PermSecurityView.
	FindTenantByID(ctx context.Context, id int64) (*TenantRegistration, error)
	// FindTenants lists a project's registrations, newest first.
	FindTenants(ctx context.Context, f TenantFilter) ([]*TenantRegistration, int, error)
}
