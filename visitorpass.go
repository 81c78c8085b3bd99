package wubu

import (
	"context"
	"time"
)

// Visitor passes (访客): a resident invites a visitor for a day; the
// visitor receives a six-digit code by SMS (through the outbox); at the
// gate the guard enters the code and the room the visitor names, and the
// lookup answers allowed (valid today for that room) or the reason it is
// not. Every check is logged with the guard and the answer.

// Visitor pass states and steps.
const (
	VisitorInvited   = "invited"
	VisitorCancelled = "cancelled"
	VisitorInvite    = "invite"
	VisitorCancel    = "cancel" // the resident (or staff) calls the visit off
)

// VisitorPassLifecycle: invited → cancelled, before the day of the visit
// is over; a cancelled code lets no one in. Residents invite and cancel
// on the portal.
var VisitorPassLifecycle = declare(&Lifecycle{
	Object: "visitor_pass",
	Lead:   PermResidentEdit,
	States: []LifecycleState{
		{Name: VisitorInvited, Refusal: "Visitor pass %d is valid: this step is not possible now."},
		{Name: VisitorCancelled, Refusal: "Visitor pass %d is cancelled.", Final: true},
	},
	Steps: []StepDecl{
		{Action: VisitorInvite, To: VisitorInvited, Perm: PermResidentEdit, Resident: true},
		{Action: VisitorCancel, From: []string{VisitorInvited}, To: VisitorCancelled, Perm: PermResidentEdit, Resident: true},
	},
})

// VisitorPass is an invitation of a visitor to a room for a day.
type VisitorPass struct {
	ID        int64  `json:"id"`
	ProjectID int64  `json:"project_id"`
	RoomID    int64  `json:"room_id"`
	RoomLabel string `json:"room_label"`
	// PersonID is the resident who invited the visitor.
	PersonID     int64  `json:"person_id"`
	PersonName   string `json:"person_name"`
	VisitorName  string `json:"visitor_name"`
	VisitorPhone string `json:"visitor_phone"`
	Date         Date   `json:"date"`
	// State is invited or cancelled.
	State     string    `json:"state"`
	Code      string    `json:"code,omitempty"`
	CreatedBy *int64    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	// Checks counts the checks at the gate that let the visitor in.
	Checks int `json:"checks"`
}

// VisitorCheck is the answer of a check at the gate, logged.
type VisitorCheck struct {
	ID      int64  `json:"id"`
	Code    string `json:"code"`
	Room    string `json:"room"`
	Allowed bool   `json:"allowed"`
	// Reason is the catalogue key of a refusal, with Args.
	Reason string       `json:"reason,omitempty"`
	Args   []any        `json:"-"`
	Pass   *VisitorPass `json:"pass,omitempty"`
	At     time.Time    `json:"at"`
}

// VisitorPassService keeps visitor passes. Staff read them with
// PermSecurityView and invite on a resident's behalf with PermResidentEdit;
// the guard checks codes with PermSecurityEdit.
type VisitorPassService interface {
	// InviteVisitorAs invites a visitor as the resident personID (the
	// portal established who they are: the resident signed in, or staff
	// with PermResidentEdit) to one of their rooms for a day
	// (today or within 30 days), and queues the code by SMS to the
	// visitor. EINVALID (name, phone, date), ENOTFOUND (a room the
	// resident does not live in).
	InviteVisitorAs(ctx context.Context, projectID, personID int64, v *VisitorPass) error
	// InviteVisitor is the same, by staff for a resident who called.
	InviteVisitor(ctx context.Context, v *VisitorPass) error
	// CancelMyVisitorPass cancels a pass of the resident signed in to the
	// portal before its day is over; another's is ENOTFOUND, a cancelled
	// or past one ECONFLICT.
	CancelMyVisitorPass(ctx context.Context, id int64) (*VisitorPass, error)
	// FindVisitorPassesOf lists a resident's passes from a day on.
	FindVisitorPassesOf(ctx context.Context, projectID, personID int64, from Date) ([]*VisitorPass, error)
	// FindVisitorPasses lists a project's passes of a day, for staff
	// (codes not shown).
	FindVisitorPasses(ctx context.Context, projectID int64, day Date) ([]*VisitorPass, error)
	// CheckVisitor checks a code at the gate for the room the visitor
	// names and logs the check. EINVALID (no code or room); the answer
	// otherwise says allowed or why not.
	CheckVisitor(ctx context.Context, projectID int64, code, room string) (*VisitorCheck, error)
}
