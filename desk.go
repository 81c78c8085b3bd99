package wubu

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// The front-desk queue (E2): the service centre's assistant takes a number
// for each arriving customer, with the business they come for; a live board
// shows who waits and who is being served. When more customers wait than
// the project's threshold (default 2: the third customer), the centre's
// standby staff — a list the manager keeps — are called at once, in the
// inbox and by SMS, once each time the count rises above the threshold and
// again every RecallMinutes while it stays there; the board shows whom.
// A ticket moves waiting → serving → done, or waiting → left.

// DeskBusiness is what a customer comes to the desk for.
type DeskBusiness string

// Businesses at the desk.
const (
	DeskPayment   DeskBusiness = "payment"
	DeskRepair    DeskBusiness = "repair"
	DeskComplaint DeskBusiness = "complaint"
	DeskPass      DeskBusiness = "pass"
	DeskCard      DeskBusiness = "card"
	DeskOther     DeskBusiness = "other"
)

// DeskBusinesses lists every business, in the order of the desk's buttons.
var DeskBusinesses = []DeskBusiness{DeskPayment, DeskRepair, DeskComplaint, DeskPass, DeskCard, DeskOther}

// Valid reports whether b is a known business.
func (b DeskBusiness) Valid() bool { return slices.Contains(DeskBusinesses, b) }

// TicketState is where a customer's ticket stands.
type TicketState string

// Ticket states.
const (
	TicketWaiting TicketState = "waiting"
	TicketServing TicketState = "serving"
	TicketDone    TicketState = "done"
	TicketLeft    TicketState = "left"
)

// TicketStates lists every state.
var TicketStates = []TicketState{TicketWaiting, TicketServing, TicketDone, TicketLeft}

// Ticket steps.
const (
	TicketTake   = "take"
	TicketServe  = "serve"
	TicketFinish = "finish"
	TicketLeave  = "leave"
)

// TicketLifecycle: waiting → serving → done; a waiting customer may leave.
var TicketLifecycle = declare(&Lifecycle{
	Object: "desk_ticket",
	States: []LifecycleState{
		{Name: string(TicketWaiting), Refusal: "Ticket %d is still waiting: call it to the desk first."},
		{Name: string(TicketServing), Refusal: "Ticket %d is being served already."},
		{Name: string(TicketDone), Refusal: "Ticket %d is done.", Final: true},
		{Name: string(TicketLeft), Refusal: "The customer of ticket %d has left.", Final: true},
	},
	Steps: []StepDecl{
		{Action: TicketTake, To: string(TicketWaiting), Perm: PermResidentEdit},
		{Action: TicketServe, From: []string{string(TicketWaiting)}, To: string(TicketServing), Perm: PermResidentEdit},
		{Action: TicketFinish, From: []string{string(TicketServing)}, To: string(TicketDone), Perm: PermResidentEdit},
		{Action: TicketLeave, From: []string{string(TicketWaiting)}, To: string(TicketLeft), Perm: PermResidentEdit},
	},
})

// DeskTicket is one customer's number at the desk.
type DeskTicket struct {
	ID        int64 `json:"id"`
	ProjectID int64 `json:"project_id"`
	// Day is the China date the number was taken (2026-12-07); Number
	// counts from 1 each day.
	Day      string       `json:"day"`
	Number   int          `json:"number"`
	Business DeskBusiness `json:"business"`
	Note     string       `json:"note,omitempty"`
	State    TicketState  `json:"state"`
	// TakenBy is the assistant who took it (nil: the desk's kiosk).
	TakenBy      *int64     `json:"taken_by,omitempty"`
	TakenByName  string     `json:"taken_by_name,omitempty"`
	TakenAt      time.Time  `json:"taken_at"`
	ServedBy     *int64     `json:"served_by,omitempty"`
	ServedByName string     `json:"served_by_name,omitempty"`
	ServeStart   *time.Time `json:"serve_start,omitempty"`
	ServeEnd     *time.Time `json:"serve_end,omitempty"`
	LeftAt       *time.Time `json:"left_at,omitempty"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// Label is the number as the board shows it: "007".
func (t *DeskTicket) Label() string { return fmt.Sprintf("%03d", t.Number) }

// Wait is how long the customer waited (until served, left, or now).
func (t *DeskTicket) Wait(now time.Time) time.Duration {
	switch {
	case t.ServeStart != nil:
		return t.ServeStart.Sub(t.TakenAt)
	case t.LeftAt != nil:
		return t.LeftAt.Sub(t.TakenAt)
	}
	return now.Sub(t.TakenAt)
}

// Default desk settings.
const (
	DefaultWaitThreshold = 2
	DefaultRecallMinutes = 10
)

// DeskSettings are a project's rules of the desk queue.
type DeskSettings struct {
	ProjectID int64 `json:"project_id"`
	// WaitThreshold: when more customers than this wait, the standby staff
	// are called (1–50).
	WaitThreshold int `json:"wait_threshold"`
	// RecallMinutes: while it stays above, they are called again this
	// often (1–240).
	RecallMinutes int `json:"recall_minutes"`
	// Standby are the staff called; none calls the customer-service team
	// leaders.
	Standby []DeskStaff `json:"standby"`
}

// DeskStaff is a staff member on the desk's standby list.
type DeskStaff struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
}

// DeskCall is one standby staff member called to the desk.
type DeskCall struct {
	UserID   int64     `json:"user_id"`
	UserName string    `json:"user_name"`
	Round    int       `json:"round"`
	Waiting  int       `json:"waiting"`
	CalledAt time.Time `json:"called_at"`
}

// DeskBoard is the live board of a project's desk.
type DeskBoard struct {
	ProjectID int64         `json:"project_id"`
	Waiting   []*DeskTicket `json:"waiting"`
	Serving   []*DeskTicket `json:"serving"`
	Threshold int           `json:"threshold"`
	// Above says whether more than the threshold wait; Calls are whom the
	// current (or last) rise above it called, latest first.
	Above bool        `json:"above"`
	Calls []*DeskCall `json:"calls"`
	Now   time.Time   `json:"now"`
}

// DeskStat is the wait and service times of one day and business.
type DeskStat struct {
	Day      string       `json:"day"`
	Business DeskBusiness `json:"business"`
	Tickets  int          `json:"tickets"`
	Served   int          `json:"served"`
	Left     int          `json:"left"`
	// AvgWaitMin and AvgServiceMin are the mean minutes of the served
	// tickets: taken → called, called → done.
	AvgWaitMin    float64 `json:"avg_wait_min"`
	AvgServiceMin float64 `json:"avg_service_min"`
	MaxWaitMin    float64 `json:"max_wait_min"`
}

// DeskKiosk is a desk's kiosk: a page at the desk where customers take a
// number themselves, opened by a secret link and nothing else.
type DeskKiosk struct {
	ID        int64      `json:"id"`
	ProjectID int64      `json:"project_id"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	// Token is the secret of the kiosk's link, given once when created.
	Token string `json:"token,omitempty"`
}

// DeskService runs the front-desk queue. Reads need PermResidentView, the
// steps PermResidentEdit, the settings and kiosks PermSettingsEdit and the
// report PermReportView; another project's ticket answers ENOTFOUND.
type DeskService interface {
	// TakeNumber gives the next number of the day for a business and
	// calls the standby staff when it makes more than the threshold wait.
	// EINVALID (business, note too long).
	TakeNumber(ctx context.Context, projectID int64, business DeskBusiness, note string) (*DeskTicket, error)
	// ServeTicket calls a waiting ticket to the desk (service starts).
	// ECONFLICT unless waiting.
	ServeTicket(ctx context.Context, id int64) (*DeskTicket, error)
	// FinishTicket ends its service. ECONFLICT unless serving.
	FinishTicket(ctx context.Context, id int64) (*DeskTicket, error)
	// LeaveTicket records that a waiting customer left.
	LeaveTicket(ctx context.Context, id int64) (*DeskTicket, error)
	// FindTicket returns a ticket.
	FindTicket(ctx context.Context, id int64) (*DeskTicket, error)
	// Board returns the live board.
	Board(ctx context.Context, projectID int64) (*DeskBoard, error)
	// DeskSettings returns the project's rules (the defaults when none).
	DeskSettings(ctx context.Context, projectID int64) (*DeskSettings, error)
	// UpdateDeskSettings stores the rules and the standby list (by user
	// ID; each must serve the project). EINVALID, ENOTFOUND (staff).
	UpdateDeskSettings(ctx context.Context, s DeskSettings) (*DeskSettings, error)
	// RecallStandby calls the standby staff again in every project where
	// more than the threshold still wait RecallMinutes after the last
	// call; it returns how many projects it called for. The rules' periodic
	// job runs it.
	RecallStandby(ctx context.Context) (int, error)
	// DeskReport returns the wait and service times per day and business
	// of the days from–to (China dates, inclusive; at most 93 days).
	DeskReport(ctx context.Context, projectID int64, from, to string) ([]*DeskStat, error)
	// CreateKiosk opens a kiosk and returns it with its token (shown once).
	CreateKiosk(ctx context.Context, projectID int64, name string) (*DeskKiosk, error)
	// RevokeKiosk closes a kiosk's link.
	RevokeKiosk(ctx context.Context, projectID, id int64) error
	// Kiosks lists a project's kiosks.
	Kiosks(ctx context.Context, projectID int64) ([]*DeskKiosk, error)
	// KioskByToken returns the open kiosk of a token. ENOTFOUND otherwise.
	KioskByToken(ctx context.Context, token string) (*DeskKiosk, error)
}

// KioskUser is whom a kiosk acts as: no account, the one project, the
// front line's permissions (the kiosk's pages use only the queue).
func KioskUser(k *DeskKiosk) *User {
	return &User{Login: fmt.Sprintf("kiosk:%d", k.ID), Name: k.Name, Role: RoleStaff, Post: PostService, ProjectIDs: []int64{k.ProjectID}}
}
