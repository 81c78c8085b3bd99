package wubu

import (
	"context"
	"slices"
	"time"
)

// Complaints (投诉, U4): taken at the desk, by phone, by staff or from the
// resident portal; acknowledged, assigned to a post's team, handled,
// replied to the resident, revisited by someone other than the handler
// (回访) and closed — or reopened when the resident is not satisfied. Each
// complaint has its clocks (acknowledge, handle) per project setting; the
// complaint of an important customer, or one the desk marks important,
// takes the fast lane (重要投诉快速解决通道): shorter deadlines, the project
// manager told at once, and on breach the duty manager on the roster and
// the quality department. Complaint points measure dissatisfaction per
// resident and building; they never put a complaint into the fast lane.

// ComplaintChannel is how a complaint came in.
type ComplaintChannel string

// Complaint channels.
const (
	ComplaintAtDesk   ComplaintChannel = "desk"
	ComplaintByPhone  ComplaintChannel = "phone"
	ComplaintByStaff  ComplaintChannel = "staff"
	ComplaintOnPortal ComplaintChannel = "portal"
)

// ComplaintChannels lists every channel.
var ComplaintChannels = []ComplaintChannel{ComplaintAtDesk, ComplaintByPhone, ComplaintByStaff, ComplaintOnPortal}

// Valid reports whether c is a known channel.
func (c ComplaintChannel) Valid() bool { return slices.Contains(ComplaintChannels, c) }

// ComplaintCategory is what a complaint is about.
type ComplaintCategory string

// Complaint categories.
const (
	ComplaintAttitude   ComplaintCategory = "attitude"   // 服务态度
	ComplaintRepair     ComplaintCategory = "repair"     // 维修质量
	ComplaintNoise      ComplaintCategory = "noise"      // 噪音
	ComplaintParking    ComplaintCategory = "parking"    // 停车
	ComplaintHygiene    ComplaintCategory = "hygiene"    // 环境卫生
	ComplaintSecurity   ComplaintCategory = "security"   // 安全
	ComplaintFees       ComplaintCategory = "fees"       // 收费
	ComplaintNeighbours ComplaintCategory = "neighbours" // 邻里
	ComplaintOther      ComplaintCategory = "other"      // 其他
)

// ComplaintCategories lists every category.
var ComplaintCategories = []ComplaintCategory{ComplaintAttitude, ComplaintRepair, ComplaintNoise, ComplaintParking, ComplaintHygiene,
	ComplaintSecurity, ComplaintFees, ComplaintNeighbours, ComplaintOther}

// Valid reports whether c is a known category.
func (c ComplaintCategory) Valid() bool { return slices.Contains(ComplaintCategories, c) }

// Points returns the complaint points of a complaint of the category and
// severity: the category's weight times the severity (1, 2, 3).
func (c ComplaintCategory) Points(s Severity) int {
	base := 2
	switch c {
	case ComplaintAttitude, ComplaintRepair, ComplaintSecurity, ComplaintFees:
		base = 3
	case ComplaintNeighbours, ComplaintOther:
		base = 1
	}
	switch s {
	case SeverityHigh:
		return base * 3
	case SeverityMedium:
		return base * 2
	}
	return base
}

// ComplaintState is where a complaint stands.
type ComplaintState string

// Complaint states, in order.
const (
	ComplaintReceived     ComplaintState = "received"
	ComplaintAcknowledged ComplaintState = "acknowledged"
	ComplaintAssigned     ComplaintState = "assigned"
	ComplaintHandled      ComplaintState = "handled"
	ComplaintReplied      ComplaintState = "replied"
	ComplaintRevisited    ComplaintState = "revisited"
	ComplaintClosed       ComplaintState = "closed"
)

// ComplaintStates lists every state.
var ComplaintStates = []ComplaintState{ComplaintReceived, ComplaintAcknowledged, ComplaintAssigned, ComplaintHandled, ComplaintReplied, ComplaintRevisited, ComplaintClosed}

// Complaint steps.
const (
	ComplaintReceive     = "receive"
	ComplaintAcknowledge = "acknowledge"
	ComplaintAssign      = "assign"
	ComplaintHandle      = "handle"
	ComplaintReply       = "reply"
	ComplaintRevisit     = "revisit" // the resident is satisfied
	ComplaintReopen      = "reopen"  // the resident is not: back to the team
	ComplaintClose       = "close"
)

// The conditions of the complaint's clocks and notices.
const (
	ComplaintFastLane = "fast"     // the complaint is in the fast lane
	ComplaintOrdinary = "ordinary" // it is not
)

// ComplaintLifecycle: received → acknowledged → assigned → handled →
// replied → revisited → closed; a revisit that finds the resident not
// satisfied reopens it (assigned again, a new handling clock). The revisit
// is never made by the handler. Each lane has its own clocks: the
// ordinary lane alerts the customer-service team leaders, then the
// manager; the fast lane alerts the manager, the duty manager on the
// roster and the quality department at the breach.
var ComplaintLifecycle = declare(&Lifecycle{
	Object: "complaint",
	Lead:   PermOrderDispatch,
	States: []LifecycleState{
		{Name: string(ComplaintReceived), Refusal: "Complaint %d is not acknowledged yet: this step is not possible now."},
		{Name: string(ComplaintAcknowledged), Refusal: "Complaint %d is not assigned yet: this step is not possible now."},
		{Name: string(ComplaintAssigned), Refusal: "Complaint %d is with its team and not yet handled: this step is not possible now."},
		{Name: string(ComplaintHandled), Refusal: "Complaint %d is handled and awaits the reply to the resident: this step is not possible now."},
		{Name: string(ComplaintReplied), Refusal: "Complaint %d awaits its revisit: this step is not possible now."},
		{Name: string(ComplaintRevisited), Refusal: "Complaint %d is revisited and awaits closing: this step is not possible now."},
		{Name: string(ComplaintClosed), Refusal: "Complaint %d is closed: it cannot change any more.", Final: true},
	},
	Steps: []StepDecl{
		{Action: ComplaintReceive, To: string(ComplaintReceived), Perm: PermResidentEdit, Resident: true,
			Clocks: []ClockEffect{{Op: ClockArm, Kind: "acknowledge", When: ComplaintOrdinary}, {Op: ClockArm, Kind: "acknowledge_fast", When: ComplaintFastLane}},
			Notify: []NoticeDecl{{Kind: "complaint_fast", To: []Party{PartyManager}, Urgent: true, When: ComplaintFastLane}}},
		{Action: ComplaintAcknowledge, From: []string{string(ComplaintReceived)}, To: string(ComplaintAcknowledged), Perm: PermOrderDispatch,
			Clocks: []ClockEffect{{Op: ClockStop, Kind: "acknowledge"}, {Op: ClockStop, Kind: "acknowledge_fast"}}},
		{Action: ComplaintAssign, From: []string{string(ComplaintAcknowledged)}, To: string(ComplaintAssigned), Perm: PermOrderDispatch,
			Clocks: []ClockEffect{{Op: ClockRearm, Kind: "handle", When: ComplaintOrdinary}, {Op: ClockRearm, Kind: "handle_fast", When: ComplaintFastLane}}},
		{Action: ComplaintHandle, From: []string{string(ComplaintAssigned)}, To: string(ComplaintHandled), Perm: PermResidentEdit,
			Clocks: []ClockEffect{{Op: ClockStop, Kind: "handle"}, {Op: ClockStop, Kind: "handle_fast"}}},
		{Action: ComplaintReply, From: []string{string(ComplaintHandled)}, To: string(ComplaintReplied), Perm: PermResidentEdit},
		// The resident answers the revisit on the portal too.
		{Action: ComplaintRevisit, From: []string{string(ComplaintReplied)}, To: string(ComplaintRevisited), Perm: PermResidentEdit, Resident: true,
			Actor: ActorRule{NotBy: []string{ComplaintHandle}, Refusal: "You handled this complaint, so someone else must make the revisit."}},
		{Action: ComplaintReopen, From: []string{string(ComplaintReplied)}, To: string(ComplaintAssigned), Perm: PermResidentEdit, Resident: true,
			Actor:  ActorRule{NotBy: []string{ComplaintHandle}, Refusal: "You handled this complaint, so someone else must make the revisit."},
			Clocks: []ClockEffect{{Op: ClockRearm, Kind: "handle", When: ComplaintOrdinary}, {Op: ClockRearm, Kind: "handle_fast", When: ComplaintFastLane}},
			Notify: []NoticeDecl{{Kind: "complaint_reopened", To: []Party{PartyLeaders, PartyAssignee}}}},
		{Action: ComplaintClose, From: []string{string(ComplaintRevisited)}, To: string(ComplaintClosed), Perm: PermResidentEdit},
	},
	// The spans are the project's settings (ComplaintSettings); these are
	// the defaults.
	Clocks: []ClockDecl{
		{Kind: "acknowledge", Within: 30 * time.Minute, WarnBefore: 10 * time.Minute, Warn: []Party{PartyLeaders}, Breach: []Party{PartyLeaders},
			Escalation: []EscalationDecl{{After: time.Hour, To: PartyManager}}},
		{Kind: "handle", Within: 24 * time.Hour, WarnBefore: 2 * time.Hour, Warn: []Party{PartyAssignee, PartyLeaders}, Breach: []Party{PartyAssignee, PartyLeaders},
			Escalation: []EscalationDecl{{After: 4 * time.Hour, To: PartyManager}}},
		{Kind: "acknowledge_fast", Within: 10 * time.Minute, Breach: []Party{PartyManager, PartyDutyManager, PartyQuality}},
		{Kind: "handle_fast", Within: 4 * time.Hour, WarnBefore: time.Hour, Warn: []Party{PartyAssignee, PartyManager},
			Breach: []Party{PartyAssignee, PartyManager, PartyDutyManager, PartyQuality}},
	},
})

// Complaint is a resident's complaint.
type Complaint struct {
	ID           int64             `json:"id"`
	ProjectID    int64             `json:"project_id"`
	Channel      ComplaintChannel  `json:"channel"`
	Category     ComplaintCategory `json:"category"`
	Severity     Severity          `json:"severity"`
	PersonID     *int64            `json:"person_id,omitempty"`
	PersonName   string            `json:"person_name,omitempty"`
	BuildingID   *int64            `json:"building_id,omitempty"`
	BuildingName string            `json:"building_name,omitempty"`
	Description  string            `json:"description"`
	// Wish is what the resident wants done.
	Wish string `json:"wish,omitempty"`
	// Marked: the desk marked it important; Fast: it is in the fast lane
	// (marked, or the resident's importance at or above the setting).
	Marked bool `json:"marked"`
	Fast   bool `json:"fast"`
	// Points are the complaint points it adds (category × severity).
	Points         int            `json:"points"`
	State          ComplaintState `json:"state"`
	ReceivedBy     int64          `json:"received_by"`
	ReceiverName   string         `json:"receiver_name"`
	ReceivedAt     time.Time      `json:"received_at"`
	AcknowledgedBy *int64         `json:"acknowledged_by,omitempty"`
	AcknowledgedAt *time.Time     `json:"acknowledged_at,omitempty"`
	// Team is the post whose team handles it; AssigneeID the member named.
	Team         Post       `json:"team,omitempty"`
	AssigneeID   *int64     `json:"assignee_id,omitempty"`
	AssigneeName string     `json:"assignee_name,omitempty"`
	AssignedAt   *time.Time `json:"assigned_at,omitempty"`
	HandledBy    *int64     `json:"handled_by,omitempty"`
	HandlerName  string     `json:"handler_name,omitempty"`
	HandledAt    *time.Time `json:"handled_at,omitempty"`
	HandleNote   string     `json:"handle_note,omitempty"`
	RepliedAt    *time.Time `json:"replied_at,omitempty"`
	ReplyNote    string     `json:"reply_note,omitempty"`
	RevisitedBy  *int64     `json:"revisited_by,omitempty"`
	RevisitedAt  *time.Time `json:"revisited_at,omitempty"`
	RevisitNote  string     `json:"revisit_note,omitempty"`
	Reopens      int        `json:"reopens"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
	UpdatedAt    time.Time  `json:"updated_at"`

	// DueAt is when its running clock falls due (nil: none); Overdue, past
	// it as of reading.
	DueAt   *time.Time `json:"due_at,omitempty"`
	Overdue bool       `json:"overdue"`

	Photos []*Photo         `json:"photos,omitempty"`
	Links  []*ComplaintLink `json:"links,omitempty"`
}

// ComplaintLink links a complaint to the work order, hazard or parking
// problem it caused.
type ComplaintLink struct {
	ObjectType string `json:"object_type"` // "order", "hazard", "parking_problem"
	ObjectID   int64  `json:"object_id"`
}

// ComplaintLinkTypes lists what a complaint may be linked to.
var ComplaintLinkTypes = []string{"order", "hazard", "parking_problem"}

// ComplaintFilter selects complaints of a project; zero fields do not
// filter.
type ComplaintFilter struct {
	State      ComplaintState
	Open       bool // not closed
	Category   ComplaintCategory
	Fast       *bool
	BuildingID *int64
	PersonID   *int64
	Overdue    bool
	Offset     int
	Limit      int
}

// ComplaintSettings are a project's complaint rules.
type ComplaintSettings struct {
	ProjectID int64 `json:"project_id"`
	// The clocks, in minutes: acknowledge and handle, ordinary and fast.
	AckMinutes        int `json:"ack_minutes"`
	HandleMinutes     int `json:"handle_minutes"`
	FastAckMinutes    int `json:"fast_ack_minutes"`
	FastHandleMinutes int `json:"fast_handle_minutes"`
	// WorkingCategories count their clocks in working time; the others in
	// calendar time.
	WorkingCategories []ComplaintCategory `json:"working_categories"`
	// A resident of importance level or index at or above these takes
	// the fast lane (0: that measure does not).
	ImportanceLevel int `json:"importance_level"`
	ImportanceIndex int `json:"importance_index"`
	// DecayDays is how long complaint points last, fading linearly.
	DecayDays int `json:"decay_days"`
	// VisitPoints: a resident or building with at least these points gets
	// a manager's visit on Today.
	VisitPoints int       `json:"visit_points"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// DefaultComplaintSettings are the settings of a project that set none.
func DefaultComplaintSettings(projectID int64) *ComplaintSettings {
	return &ComplaintSettings{ProjectID: projectID, AckMinutes: 30, HandleMinutes: 24 * 60, FastAckMinutes: 10, FastHandleMinutes: 4 * 60,
		WorkingCategories: []ComplaintCategory{ComplaintFees}, ImportanceLevel: KeyCustomerImportance, ImportanceIndex: 80, DecayDays: 180, VisitPoints: 12}
}

// ComplaintPoints are the complaint points of a resident or a building as
// of now, faded by age.
type ComplaintPoints struct {
	Kind  string  `json:"kind"` // "person" or "building"
	ID    int64   `json:"id"`
	Name  string  `json:"name"`
	Value float64 `json:"points"`
}

// ComplaintRate is a month's complaints per 100 households.
type ComplaintRate struct {
	Month      string  `json:"month"` // 2026-11
	Complaints int     `json:"complaints"`
	Households int     `json:"households"`
	Per100     float64 `json:"per_100"`
}

// ComplaintService takes complaints through their life cycle. Reading
// needs PermResidentView; receiving, handling, replying, revisiting and
// closing need PermResidentEdit; acknowledging and assigning need
// PermOrderDispatch (the customer-service post, leaders, managers);
// settings need PermSettingsEdit. Another project's complaint answers
// ENOTFOUND.
type ComplaintService interface {
	// ReceiveComplaint records a complaint with its photos, decides its
	// lane and arms its acknowledgement clock. EINVALID (channel,
	// category, severity, description), ENOTFOUND (resident, building).
	ReceiveComplaint(ctx context.Context, c *Complaint, photos ...*Photo) error
	// AcknowledgeComplaint stops the acknowledgement clock.
	AcknowledgeComplaint(ctx context.Context, id int64, note string) (*Complaint, error)
	// AssignComplaint gives it to a post's team (and optionally one member)
	// and arms the handling clock. EINVALID (post, member not of it).
	AssignComplaint(ctx context.Context, id int64, team Post, assigneeID *int64) (*Complaint, error)
	// HandleComplaint records how it was handled (note required). Only the
	// team's members or those who lead may; EFORBIDDEN otherwise.
	HandleComplaint(ctx context.Context, id int64, note string) (*Complaint, error)
	// ReplyComplaint records the reply given to the resident.
	ReplyComplaint(ctx context.Context, id int64, note string) (*Complaint, error)
	// RevisitComplaint records the revisit: satisfied, it is revisited;
	// not, it is reopened to its team. EFORBIDDEN for the handler.
	RevisitComplaint(ctx context.Context, id int64, satisfied bool, note string) (*Complaint, error)
	// CloseComplaint closes a revisited complaint.
	CloseComplaint(ctx context.Context, id int64) (*Complaint, error)
	// LinkComplaint links it to an order, hazard or parking problem of
	// its project. EINVALID (type), ENOTFOUND (object).
	LinkComplaint(ctx context.Context, id int64, l ComplaintLink) (*Complaint, error)
	// FindComplaint returns a complaint with its photos and links.
	FindComplaint(ctx context.Context, id int64) (*Complaint, error)
	// FindComplaints lists a project's complaints, newest first, and the
	// total.
	FindComplaints(ctx context.Context, projectID int64, f ComplaintFilter) ([]*Complaint, int, error)
	// FindComplaintPhoto returns a photo of a complaint.
	FindComplaintPhoto(ctx context.Context, id, photoID int64) (*Photo, error)
	// Points returns the residents' and buildings' complaint points as of
	// now, highest first (at least min).
	Points(ctx context.Context, projectID int64, min float64) ([]ComplaintPoints, error)
	// Rates returns the complaints per 100 households of the last months.
	Rates(ctx context.Context, projectID int64, months int) ([]ComplaintRate, error)
	// ComplaintSettings returns a project's settings (the defaults if none).
	ComplaintSettings(ctx context.Context, projectID int64) (*ComplaintSettings, error)
	// SaveComplaintSettings changes them. EINVALID out of range.
	SaveComplaintSettings(ctx context.Context, s *ComplaintSettings) error
}
