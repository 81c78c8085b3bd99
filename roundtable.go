package wubu

import (
	"context"
	"time"
)

// Round tables (圆桌会议, A1): the centre publishes slots of one-to-one
// talks with its department heads, business leads and assistants; a
// resident is booked into a slot (by staff now, by the resident on the
// portal later); the talk's notes are recorded when it is held, and its
// follow-ups each have an owner and a due date, a clock that reaches the
// owner and the customer-service team leaders when overdue, and are closed
// with their outcome. Every step of a booked talk is on the resident's
// timeline.

// Round-table slot states.
const (
	RoundTableOpen      = "open"      // published, free
	RoundTableBooked    = "booked"    // a resident is booked
	RoundTableHeld      = "held"      // the talk took place: notes recorded
	RoundTableWithdrawn = "withdrawn" // taken off before anyone was booked
)

// Round-table steps.
const (
	RoundTablePublish  = "publish"
	RoundTableBook     = "book"
	RoundTableCancel   = "cancel" // the booking is cancelled: the slot is free again
	RoundTableHold     = "hold"   // the talk is held and its notes recorded
	RoundTableWithdraw = "withdraw"
)

// RoundTableLifecycle: open → booked → held; a booking cancelled frees the
// slot again; a free slot may be withdrawn. The host hears of each booking
// and cancellation. Booking locks the slot, so one
// slot never holds two residents.
var RoundTableLifecycle = declare(&Lifecycle{
	Object: "round_table",
	Lead:   PermResidentEdit,
	States: []LifecycleState{
		{Name: RoundTableOpen, Refusal: "Slot %d is free: this step is not possible now."},
		{Name: RoundTableBooked, Refusal: "Slot %d is already booked."},
		{Name: RoundTableHeld, Refusal: "The talk of slot %d was held: it cannot change any more.", Final: true},
		{Name: RoundTableWithdrawn, Refusal: "Slot %d was withdrawn.", Final: true},
	},
	Steps: []StepDecl{
		{Action: RoundTablePublish, To: RoundTableOpen, Perm: PermResidentEdit},
		{Action: RoundTableBook, From: []string{RoundTableOpen}, To: RoundTableBooked, Perm: PermResidentEdit, Resident: true,
			Notify: []NoticeDecl{{Kind: "round_table_booked", To: []Party{PartyAssignee}}}},
		// The resident cancels their own booking on the portal too, before the talk.
		{Action: RoundTableCancel, From: []string{RoundTableBooked}, To: RoundTableOpen, Perm: PermResidentEdit, Resident: true,
			Notify: []NoticeDecl{{Kind: "round_table_cancelled", To: []Party{PartyAssignee}}}},
		{Action: RoundTableHold, From: []string{RoundTableBooked}, To: RoundTableHeld, Perm: PermResidentEdit},
		{Action: RoundTableWithdraw, From: []string{RoundTableOpen}, To: RoundTableWithdrawn, Perm: PermResidentEdit},
	},
})

// RoundTableStates lists every state of a slot.
var RoundTableStates = []string{RoundTableOpen, RoundTableBooked, RoundTableHeld, RoundTableWithdrawn}

// Round-table follow-up states and steps.
const (
	TalkFollowUpOpen   = "open"
	TalkFollowUpClosed = "closed"
	TalkFollowUpPlan   = "plan"
	TalkFollowUpClose  = "close" // closed with its outcome
)

// TalkFollowUpLifecycle: open (its clock runs to the due date) → closed
// with the outcome. Overdue, the owner and the customer-service team
// leaders hear of it.
var TalkFollowUpLifecycle = declare(&Lifecycle{
	Object: "talk_followup",
	Lead:   PermResidentEdit,
	States: []LifecycleState{
		{Name: TalkFollowUpOpen, Refusal: "Follow-up %d is open: this step is not possible now."},
		{Name: TalkFollowUpClosed, Refusal: "Follow-up %d is already closed.", Final: true},
	},
	Steps: []StepDecl{
		{Action: TalkFollowUpPlan, To: TalkFollowUpOpen, Perm: PermResidentEdit, Clocks: []ClockEffect{{Op: ClockArm, Kind: "talk_followup"}}},
		{Action: TalkFollowUpClose, From: []string{TalkFollowUpOpen}, To: TalkFollowUpClosed, Perm: PermResidentEdit,
			Clocks: []ClockEffect{{Op: ClockStop, Kind: "talk_followup"}}},
	},
	Clocks: []ClockDecl{{Kind: "talk_followup", Within: 7 * 24 * time.Hour,
		Breach: []Party{PartyAssignee, PartyLeaders}}},
})

// BookedBy says who booked a resident into a slot.
type BookedBy string

// Who books.
const (
	BookedByStaff    BookedBy = "staff"    // at the centre, on the phone
	BookedByResident BookedBy = "resident" // the resident, on the portal
)

// RoundTableSlot is one published slot of a one-to-one talk, with its
// booking and, once held, the talk's notes.
type RoundTableSlot struct {
	ID        int64     `json:"id"`
	ProjectID int64     `json:"project_id"`
	StartsAt  time.Time `json:"starts_at"`
	Minutes   int       `json:"minutes"`
	Place     string    `json:"place"`
	// HostID is the staff member holding the talk: a department head, a
	// business lead or an assistant of the project.
	HostID   int64  `json:"host_id"`
	HostName string `json:"host_name"`
	HostRole Role   `json:"host_role"`
	HostPost Post   `json:"host_post"`
	State    string `json:"state"`
	// PersonID is the resident booked (nil while the slot is free).
	PersonID   *int64     `json:"person_id,omitempty"`
	PersonName string     `json:"person_name,omitempty"`
	BookedBy   BookedBy   `json:"booked_by,omitempty"`
	BookedAt   *time.Time `json:"booked_at,omitempty"`
	Notes      string     `json:"notes,omitempty"`
	HeldAt     *time.Time `json:"held_at,omitempty"`
	CreatedBy  int64      `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	// FollowUps are the talk's follow-ups, when read with the slot.
	FollowUps []*TalkFollowUp `json:"follow_ups,omitempty"`
}

// EndsAt is when the slot ends.
func (s *RoundTableSlot) EndsAt() time.Time {
	return s.StartsAt.Add(time.Duration(s.Minutes) * time.Minute)
}

// RoundTableSeries publishes several slots at once: one day, a series of
// start times, the same length, place and host.
type RoundTableSeries struct {
	ProjectID int64
	// Day is the date (2026-12-12) and Times the start times (09:00,
	// 09:30…), both in China Standard Time.
	Day     string
	Times   []string
	Minutes int
	Place   string
	HostID  int64
}

// TalkFollowUp is one follow-up of a talk, with its owner and due date.
type TalkFollowUp struct {
	ID        int64      `json:"id"`
	ProjectID int64      `json:"project_id"`
	SlotID    int64      `json:"slot_id"`
	Action    string     `json:"action"`
	OwnerID   int64      `json:"owner_id"`
	OwnerName string     `json:"owner_name"`
	DueAt     time.Time  `json:"due_at"`
	State     string     `json:"state"`
	Outcome   string     `json:"outcome,omitempty"`
	ClosedAt  *time.Time `json:"closed_at,omitempty"`
	// Overdue is set when read: open and past DueAt.
	Overdue bool `json:"overdue"`
	// PersonID is the talk's resident (for the timeline), when read.
	PersonID *int64 `json:"person_id,omitempty"`
}

// RoundTableFilter selects a project's slots.
type RoundTableFilter struct {
	// From and Until bound the slots' start (nil: unbounded).
	From, Until *time.Time
	State       string
	HostID      *int64
}

// RoundTableService keeps the round-table slots, their bookings, talks and
// follow-ups.
type RoundTableService interface {
	// PublishRoundTables publishes a day's series of slots. EINVALID
	// (day, times, minutes, place, host_id) publishes none.
	PublishRoundTables(ctx context.Context, s RoundTableSeries) ([]*RoundTableSlot, error)
	// FindRoundTables returns a project's slots by start time.
	FindRoundTables(ctx context.Context, projectID int64, f RoundTableFilter) ([]*RoundTableSlot, error)
	// FindRoundTable returns a slot with its follow-ups; ENOTFOUND when it
	// does not exist or is another project's.
	FindRoundTable(ctx context.Context, id int64) (*RoundTableSlot, error)
	// BookRoundTable books a resident into a free slot, by staff or (on
	// the portal) by the resident; ECONFLICT when the slot is taken,
	// ENOTFOUND (person_id) for a resident not of the project.
	BookRoundTable(ctx context.Context, slotID, residentID int64, by BookedBy) (*RoundTableSlot, error)
	// CancelRoundTable cancels a slot's booking: the slot is free again.
	CancelRoundTable(ctx context.Context, slotID int64, reason string) (*RoundTableSlot, error)
	// HoldRoundTable records the talk as held with its notes.
	HoldRoundTable(ctx context.Context, slotID int64, notes string) (*RoundTableSlot, error)
	// WithdrawRoundTable takes a free slot off.
	WithdrawRoundTable(ctx context.Context, slotID int64) (*RoundTableSlot, error)
	// PlanTalkFollowUp plans a follow-up of a booked or held talk.
	PlanTalkFollowUp(ctx context.Context, f *TalkFollowUp) error
	// CloseTalkFollowUp closes a follow-up with its outcome.
	CloseTalkFollowUp(ctx context.Context, id int64, outcome string) (*TalkFollowUp, error)
	// MyRoundTables returns, for the resident signed in to the portal
	// (PermPortal), the free slots still to come and their own bookings;
	// other residents' bookings are not shown.
	MyRoundTables(ctx context.Context) ([]*RoundTableSlot, error)
	// BookMyRoundTable books the resident signed in to the portal into a
	// free slot of their project. ENOTFOUND for another project's slot.
	BookMyRoundTable(ctx context.Context, slotID int64) (*RoundTableSlot, error)
	// CancelMyRoundTable cancels the signed-in resident's own booking of
	// a slot before the talk; another's slot is ENOTFOUND.
	CancelMyRoundTable(ctx context.Context, slotID int64) (*RoundTableSlot, error)
}
