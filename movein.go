package wubu

import (
	"context"
	"time"
)

// Move-in (入伙, K7): each household's move-in is accompanied by the
// assistant of its building's zone, who ticks the project's move-in
// checklist (documents checked, keys handed over, meter readings, access
// and parking cards, the handbook, the renovation rules…). A move-in
// without progress for the project's stall days breaches its clock and
// shows on the assistant's Today. Completing it records the household in
// the registry — the person, the room, the relation, the move-in date —
// and plans the welcome visit. A buyer on the sales office's list comes in
// through the same start (Source "prospect", SourceRef naming the entry).

// MoveInState is where a move-in stands.
type MoveInState string

// Move-in states.
const (
	MoveInOpen      MoveInState = "open"
	MoveInCompleted MoveInState = "completed"
	MoveInCancelled MoveInState = "cancelled"
)

// Move-in steps.
const (
	MoveInStart    = "start"
	MoveInTick     = "check"
	MoveInComplete = "complete"
	MoveInCancel   = "cancel"
)

// MoveInLifecycle: open (the stall clock runs; each ticked item rearms it)
// → completed (the household recorded, the welcome visit planned) or
// cancelled.
var MoveInLifecycle = declare(&Lifecycle{
	Object: "move_in",
	Lead:   PermResidentEdit,
	States: []LifecycleState{
		{Name: string(MoveInOpen), Refusal: "Move-in %d is still open: this step is not possible now."},
		{Name: string(MoveInCompleted), Refusal: "Move-in %d is completed: it cannot change any more.", Final: true},
		{Name: string(MoveInCancelled), Refusal: "Move-in %d is cancelled: it cannot change any more.", Final: true},
	},
	Steps: []StepDecl{
		{Action: MoveInStart, To: string(MoveInOpen), Perm: PermResidentEdit, Clocks: []ClockEffect{{Op: ClockArm, Kind: "stall"}}},
		{Action: MoveInTick, From: []string{string(MoveInOpen)}, Perm: PermResidentEdit, Clocks: []ClockEffect{{Op: ClockRearm, Kind: "stall"}}},
		{Action: MoveInComplete, From: []string{string(MoveInOpen)}, To: string(MoveInCompleted), Perm: PermResidentEdit,
			Clocks: []ClockEffect{{Op: ClockStop, Kind: "stall"}}},
		{Action: MoveInCancel, From: []string{string(MoveInOpen)}, To: string(MoveInCancelled), Perm: PermResidentEdit,
			Clocks: []ClockEffect{{Op: ClockCancel, Kind: "stall"}}},
	},
	Clocks: []ClockDecl{{Kind: "stall", Within: 3 * 24 * time.Hour,
		Breach: []Party{PartyAssignee, PartyLeaders}, Escalation: []EscalationDecl{{After: 48 * time.Hour, To: PartyManager}}}},
})

// MoveInSources.
const (
	MoveInFromDesk     = "desk"
	MoveInFromProspect = "prospect"
)

// MoveInItem is one item of a project's move-in checklist.
type MoveInItem struct {
	ID    int64  `json:"id"`
	Label string `json:"label"`
}

// DefaultMoveInChecklist is the checklist of a project that set none.
var DefaultMoveInChecklist = []string{"查验购房资料与身份证件", "交付钥匙", "抄录水电气表读数", "办理门禁卡", "办理停车卡", "发放业主手册", "讲解装修管理规定", "签署入伙文件"}

// MoveInCheck is a ticked item of a move-in.
type MoveInCheck struct {
	ItemID int64     `json:"item_id"`
	Label  string    `json:"label"`
	Note   string    `json:"note,omitempty"`
	DoneBy string    `json:"done_by"`
	DoneAt time.Time `json:"done_at"`
}

// MoveIn is one household's move-in.
type MoveIn struct {
	ID            int64  `json:"id"`
	ProjectID     int64  `json:"project_id"`
	RoomID        int64  `json:"room_id"`
	Room          string `json:"room"`
	BuildingID    int64  `json:"building_id"`
	ZoneID        *int64 `json:"zone_id,omitempty"`
	ZoneName      string `json:"zone_name,omitempty"`
	AssistantID   *int64 `json:"assistant_id,omitempty"`
	AssistantName string `json:"assistant_name,omitempty"`
	// Name, Phone and Relation are the person who moves in; Members are
	// the names of the household's other persons, recorded as family.
	Name     string   `json:"name"`
	Phone    string   `json:"phone,omitempty"`
	Relation Relation `json:"relation"`
	Members  []string `json:"members,omitempty"`
	// MoveInOn is the move-in date, 2026-12-07.
	MoveInOn  string      `json:"move_in_on"`
	Source    string      `json:"source"`
	SourceRef string      `json:"source_ref,omitempty"`
	State     MoveInState `json:"state"`
	StartedBy int64       `json:"started_by"`
	StartedAt time.Time   `json:"started_at"`
	// DueAt is when the move-in stalls without further progress.
	DueAt       *time.Time `json:"due_at,omitempty"`
	CompletedAt *time.Time `json:"completed_at,omitempty"`
	// PersonID is the resident recorded and VisitID the welcome visit
	// planned on completion.
	PersonID *int64 `json:"person_id,omitempty"`
	VisitID  *int64 `json:"visit_id,omitempty"`
	// Items is the checklist's length and Checks the ticked items.
	Items  int           `json:"items"`
	Checks []MoveInCheck `json:"checks"`
	// Stalled reports an open move-in past its due time, as of reading.
	Stalled bool `json:"stalled"`
}

// MoveInFilter selects a project's move-ins.
type MoveInFilter struct {
	State       MoveInState
	ZoneID      *int64
	AssistantID *int64
	Stalled     bool
}

// ZoneProgress is the move-in progress of one zone (ZoneID nil: buildings
// without a zone).
type ZoneProgress struct {
	ZoneID    *int64 `json:"zone_id,omitempty"`
	ZoneName  string `json:"zone_name"`
	Open      int    `json:"open"`
	Completed int    `json:"completed"`
	Stalled   int    `json:"stalled"`
	// Ticked of Items: the checklist items done over the open and
	// completed move-ins.
	Ticked  int `json:"ticked"`
	Items   int `json:"items"`
	Percent int `json:"percent"`
}

// MoveInService accompanies move-ins. Reading needs PermResidentView,
// the steps PermResidentEdit, the checklist PermSettingsEdit; another
// project's move-in answers ENOTFOUND.
type MoveInService interface {
	// MoveInChecklist returns a project's checklist (the default one when
	// it set none).
	MoveInChecklist(ctx context.Context, projectID int64) ([]MoveInItem, error)
	// SetMoveInChecklist replaces a project's checklist: labels kept keep
	// their item (and ticks), others are added, those left out archived.
	// EINVALID (none, a label empty or too long).
	SetMoveInChecklist(ctx context.Context, projectID int64, labels []string) ([]MoveInItem, error)
	// StartMoveIn starts a household's move-in in a room: its assistant is
	// the zone assistant of the room's building (else the caller), the
	// stall clock runs. EINVALID (name, relation, date, phone), ENOTFOUND
	// (room), ECONFLICT (an open move-in of the room).
	StartMoveIn(ctx context.Context, m *MoveIn) error
	// CheckMoveIn ticks (or, done false, unticks) an item, rearming the
	// stall clock. EINVALID (unknown item), ECONFLICT unless open.
	CheckMoveIn(ctx context.Context, id, itemID int64, done bool, note string) (*MoveIn, error)
	// CompleteMoveIn records the household — the person (and members) in
	// the room with the relation and the move-in date — and plans the
	// welcome visit, due within the project's WelcomeDays, for the
	// assistant. EINVALID when an item is not ticked, ECONFLICT unless open
	// or when the person already lives in the room.
	CompleteMoveIn(ctx context.Context, id int64) (*MoveIn, error)
	// CancelMoveIn cancels an open move-in. EINVALID without a reason.
	CancelMoveIn(ctx context.Context, id int64, reason string) (*MoveIn, error)
	// FindMoveIn returns a move-in with its ticked items.
	FindMoveIn(ctx context.Context, id int64) (*MoveIn, error)
	// FindMoveIns lists a project's move-ins, open ones first.
	FindMoveIns(ctx context.Context, projectID int64, f MoveInFilter) ([]*MoveIn, error)
	// MoveInProgress returns the progress per zone.
	MoveInProgress(ctx context.Context, projectID int64) ([]*ZoneProgress, error)
}
