package wubu

import (
	"context"
	"slices"
	"time"
)

// Work orders (SPEC M5–M8, M3, C2): repairs and home services, from the
// front desk, a phone call, staff who found a problem or the resident.
// An order moves through a fixed state machine; every transition is
// timestamped with who made it, audited and written on the resident's
// timeline. Urgent repairs carry the "on site within 10 minutes" clock
// (M7 三要), armed on dispatch — or, at night, from the duty person's call
// to the on-call technician (M8) — and disarmed on arrival. Prices are quoted
// up front and confirmed by the resident (M5); the 1234 checklist completes
// the order (M7); a follow-up call closes it or reopens it (M6).

// OrderState is where a work order stands.
type OrderState string

// Order states, in the order of a normal life cycle, then the two others.
const (
	OrderReported   OrderState = "reported"    // 报修: opened, not yet dispatched
	OrderDispatched OrderState = "dispatched"  // 派单: assigned, or put up for grabs in the team
	OrderAccepted   OrderState = "accepted"    // 接单: the technician took it
	OrderArrived    OrderState = "arrived"     // 到场
	OrderQuoted     OrderState = "quoted"      // 报价: the breakdown shown to the resident
	OrderConfirmed  OrderState = "confirmed"   // 确认: the resident agreed to the price
	OrderInProgress OrderState = "in_progress" // 维修中
	OrderDone       OrderState = "done"        // 完工: checklist recorded
	OrderFollowedUp OrderState = "followed_up" // 已回访
	OrderClosed     OrderState = "closed"      // 关闭
	OrderCancelled  OrderState = "cancelled"   // 取消
	OrderReopened   OrderState = "reopened"    // 返修: a poor follow-up answer
)

// OrderStates lists every state.
var OrderStates = []OrderState{OrderReported, OrderDispatched, OrderAccepted, OrderArrived, OrderQuoted, OrderConfirmed, OrderInProgress,
	OrderDone, OrderFollowedUp, OrderClosed, OrderCancelled, OrderReopened}

// Valid reports whether s is a known state.
func (s OrderState) Valid() bool { return slices.Contains(OrderStates, s) }

// Final reports whether nothing more happens to an order in state s.
func (s OrderState) Final() bool { return s == OrderClosed || s == OrderCancelled }

// Open reports whether the order still awaits the technician's work: it
// lies on someone's list of orders to do.
func (s OrderState) Open() bool {
	return !s.Final() && s != OrderDone && s != OrderFollowedUp
}

// OrderAction is a transition of the state machine.
type OrderAction string

// Order actions.
const (
	ActDispatch OrderAction = "dispatch" // assign to a technician or put up for grabs; reassign
	ActGrab     OrderAction = "grab"     // a technician of the team takes an order up for grabs
	ActAccept   OrderAction = "accept"   // the assignee accepts
	ActArrive   OrderAction = "arrive"   // the assignee is on site
	ActQuote    OrderAction = "quote"    // the price breakdown (again, while unconfirmed)
	ActConfirm  OrderAction = "confirm"  // the resident agrees to the quote
	ActStart    OrderAction = "start"    // work starts
	ActDone     OrderAction = "done"     // finished, with the 1234 checklist
	ActFollowUp OrderAction = "follow_up"
	ActClose    OrderAction = "close"
	ActCancel   OrderAction = "cancel"
	ActReopen   OrderAction = "reopen"
)

// OrderActions lists every action.
var OrderActions = []OrderAction{ActDispatch, ActGrab, ActAccept, ActArrive, ActQuote, ActConfirm, ActStart, ActDone, ActFollowUp, ActClose, ActCancel, ActReopen}

// The creating steps of an order: an urgent order after the day duty
// (M8) is opened at night, and the duty person is called at once.
const (
	ActOpen      OrderAction = "open"
	ActOpenNight OrderAction = "open_night"
)

// ActPhoto adds a photo of the job, at any step before the order ends.
const ActPhoto OrderAction = "photo"

// OrderLifecycle is the state machine of work orders: from each state, the
// steps allowed, who may take them, the on-site promise ("arrival") they
// arm, hand over or stop, and whom they alert. Some steps carry further
// conditions checked by the service (a free quote may start without
// confirmation; a rework starts without a quote).
var OrderLifecycle = declare(&Lifecycle{
	Object: "order",
	Lead:   PermOrderDispatch,
	Messages: LifecycleMessages{
		Unassigned:   "Order %d is not assigned to anyone yet.",
		OthersOnly:   "Order %d is assigned to %s: only they or a team leader may do this.",
		AssigneeCode: ECONFLICT,
	},
	States: []LifecycleState{
		{Name: string(OrderReported), Refusal: "Order %d has not been dispatched yet: this step is not possible now."},
		{Name: string(OrderDispatched), Refusal: "Order %d is dispatched and not yet accepted: this step is not possible now."},
		{Name: string(OrderAccepted), Refusal: "Order %d is accepted but the technician is not on site yet: this step is not possible now."},
		{Name: string(OrderArrived), Refusal: "The technician is on site for order %d but has not quoted yet: this step is not possible now."},
		{Name: string(OrderQuoted), Refusal: "Order %d is quoted and awaits the resident's confirmation: this step is not possible now."},
		{Name: string(OrderConfirmed), Refusal: "The resident confirmed order %d's quote and work has not started: this step is not possible now."},
		{Name: string(OrderInProgress), Refusal: "Order %d is in progress: this step is not possible now."},
		{Name: string(OrderDone), Refusal: "Order %d is done and awaits its follow-up call: this step is not possible now."},
		{Name: string(OrderFollowedUp), Refusal: "Order %d has been followed up and awaits closing: this step is not possible now."},
		{Name: string(OrderReopened), Refusal: "Order %d was reopened and awaits dispatch: this step is not possible now."},
		{Name: string(OrderClosed), Refusal: "Order %d is closed: it cannot change any more.", Final: true},
		{Name: string(OrderCancelled), Refusal: "Order %d was cancelled: it cannot change any more.", Final: true},
	},
	Steps: []StepDecl{
		// Residents report their repairs through the portal too.
		{Action: string(ActOpen), To: string(OrderReported), Perm: PermOrderEdit, Resident: true},
		{Action: string(ActOpenNight), To: string(OrderReported), Perm: PermOrderEdit, Resident: true,
			Notify: []NoticeDecl{{Kind: "order_night_call", To: []Party{PartyOnDuty}, Urgent: true}}},
		// The promise starts on the first dispatch (or, at night, the call);
		// a reassignment hands it to the new assignee with its due time.
		{Action: string(ActDispatch), From: states(OrderReported, OrderDispatched, OrderAccepted, OrderReopened), To: string(OrderDispatched),
			Perm: PermOrderDispatch, Clocks: []ClockEffect{{Op: ClockHandOver, Kind: "arrival"}}},
		{Action: string(ActGrab), From: states(OrderDispatched), To: string(OrderAccepted), Perm: PermOrderEdit,
			Clocks: []ClockEffect{{Op: ClockHandOver, Kind: "arrival"}}},
		{Action: string(ActAccept), From: states(OrderDispatched, OrderReopened), To: string(OrderAccepted), Perm: PermOrderEdit, Actor: ActorRule{Assignee: true}},
		{Action: string(ActArrive), From: states(OrderAccepted), To: string(OrderArrived), Perm: PermOrderEdit, Actor: ActorRule{Assignee: true},
			Clocks: []ClockEffect{{Op: ClockStop, Kind: "arrival"}}},
		{Action: string(ActQuote), From: states(OrderArrived, OrderQuoted), To: string(OrderQuoted), Perm: PermOrderEdit, Actor: ActorRule{Assignee: true}},
		// The resident confirms at the door (the technician records it) or
		// on the phone through the portal.
		{Action: string(ActConfirm), From: states(OrderQuoted), To: string(OrderConfirmed), Perm: PermOrderEdit, Actor: ActorRule{Assignee: true}, Resident: true},
		{Action: string(ActStart), From: states(OrderArrived, OrderQuoted, OrderConfirmed), To: string(OrderInProgress), Perm: PermOrderEdit, Actor: ActorRule{Assignee: true}},
		{Action: string(ActDone), From: states(OrderInProgress), To: string(OrderDone), Perm: PermOrderEdit, Actor: ActorRule{Assignee: true}},
		// The follow-up call (M6) is an independent check: never made by
		// whoever did the work. The resident's own rating on the portal is
		// the follow-up as well.
		{Action: string(ActFollowUp), From: states(OrderDone), To: string(OrderFollowedUp), Perm: PermOrderEdit, Actor: followUpActor, Resident: true},
		// A poor answer reopens the order: a new promise, and the team's
		// leaders hear of it.
		{Action: string(ActReopen), From: states(OrderDone), To: string(OrderReopened), Perm: PermOrderEdit, Actor: followUpActor, Resident: true,
			Clocks: []ClockEffect{{Op: ClockRearm, Kind: "arrival"}},
			Notify: []NoticeDecl{{Kind: "order_reopened", To: []Party{PartyLeaders}}}},
		{Action: string(ActClose), From: states(OrderFollowedUp), To: string(OrderClosed), Perm: PermOrderEdit},
		{Action: string(ActPhoto), From: states(OrderReported, OrderDispatched, OrderAccepted, OrderArrived, OrderQuoted, OrderConfirmed, OrderInProgress,
			OrderDone, OrderFollowedUp, OrderReopened), Perm: PermOrderEdit},
		{Action: string(ActCancel), From: states(OrderReported, OrderDispatched, OrderAccepted, OrderArrived, OrderQuoted, OrderReopened), To: string(OrderCancelled),
			Perm: PermOrderEdit, Resident: true, Clocks: []ClockEffect{{Op: ClockCancel, Kind: "arrival"}}},
	},
	// On site in time (M7 三要): the assignee and the team's leaders are
	// warned before the promise breaks, the duty manager hears of the
	// breach, the manager 10 minutes later (urgent orders; the warning's
	// lead and the escalation depend on the urgency: the store tunes them).
	Clocks: []ClockDecl{{Kind: "arrival", WarnBefore: 15 * time.Minute,
		Warn:       []Party{PartyAssignee, PartyLeaders},
		Breach:     []Party{PartyDutyManager},
		Escalation: []EscalationDecl{{After: 10 * time.Minute, To: PartyManager}}}},
})

// followUpActor: the follow-up call is made by someone other than whoever
// arrived, worked on or completed the order.
var followUpActor = ActorRule{NotBy: []string{string(ActArrive), string(ActStart), string(ActDone)},
	Refusal: "You worked on order %d, so someone else must make its follow-up call."}

// states returns order states as a life cycle's state names.
func states[S ~string](ss ...S) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// Next returns the state the action leads to from s, and whether the state
// machine allows it.
func (s OrderState) Next(a OrderAction) (OrderState, bool) {
	to, ok := OrderLifecycle.Next(string(s), string(a))
	return OrderState(to), ok
}

// Actions returns the actions the state machine allows from s.
func (s OrderState) Actions() []OrderAction {
	var out []OrderAction
	for _, a := range OrderLifecycle.Actions(string(s)) {
		out = append(out, OrderAction(a))
	}
	return out
}

// OrderCategory is what kind of job an order is; it names the team that
// does it.
type OrderCategory string

// Order categories.
const (
	CategoryRepair   OrderCategory = "repair"   // 维修: the maintenance team
	CategoryCleaning OrderCategory = "cleaning" // 家政保洁: the cleaning team
)

// OrderCategories lists every category.
var OrderCategories = []OrderCategory{CategoryRepair, CategoryCleaning}

// Valid reports whether c is a known category.
func (c OrderCategory) Valid() bool { return slices.Contains(OrderCategories, c) }

// Team returns the post whose staff do orders of the category.
func (c OrderCategory) Team() Post {
	if c == CategoryCleaning {
		return PostCleaning
	}
	return PostMaintenance
}

// OrderUrgency is how soon an order must be attended to.
type OrderUrgency string

// Urgencies of orders.
const (
	OrderUrgent  OrderUrgency = "urgent"  // 急修: on site within the urgent minutes (10)
	OrderNormal  OrderUrgency = "normal"  // 一般: on site within the normal minutes
	OrderPlanned OrderUrgency = "planned" // 预约: on site at the appointment
)

// OrderUrgencies lists every urgency.
var OrderUrgencies = []OrderUrgency{OrderUrgent, OrderNormal, OrderPlanned}

// Valid reports whether u is a known urgency.
func (u OrderUrgency) Valid() bool { return slices.Contains(OrderUrgencies, u) }

// OrderSource is how an order came in.
type OrderSource string

// Order sources.
const (
	SourceFrontDesk OrderSource = "front_desk" // at the service centre's desk
	SourcePhone     OrderSource = "phone"      // a phone call
	SourceStaff     OrderSource = "staff"      // staff who found a problem
	SourceResident  OrderSource = "resident"   // the resident, on their own
	SourceLinked    OrderSource = "linked"     // "anything else?" during another order
)

// OrderSources lists every source.
var OrderSources = []OrderSource{SourceFrontDesk, SourcePhone, SourceStaff, SourceResident, SourceLinked}

// Valid reports whether s is a known source.
func (s OrderSource) Valid() bool { return slices.Contains(OrderSources, s) }

// Checklist is the 1234 rule recorded on completion (M7). OnTime is not
// ticked by the technician: it comes from the order's clock.
type Checklist struct {
	SiteCleaned  bool `json:"site_cleaned"`  // 二洁: the site cleaned
	TicketFilled bool `json:"ticket_filled"` // 二洁: the ticket filled in neatly
	OnTime       bool `json:"on_time"`       // 三要: on time (from the clock)
	CodeFollowed bool `json:"code_followed"` // 三要: the staff code followed
	AskedOther   bool `json:"asked_other"`   // 三要: asked about other repairs
	Tools        bool `json:"tools"`         // 四带
	FloorMat     bool `json:"floor_mat"`     // 四带
	Cloth        bool `json:"cloth"`         // 四带
	ShoeCovers   bool `json:"shoe_covers"`   // 四带
}

// ChecklistItems names the items the technician ticks, in order; "on_time"
// is filled in from the clock.
var ChecklistItems = []string{"site_cleaned", "ticket_filled", "code_followed", "asked_other", "tools", "floor_mat", "cloth", "shoe_covers"}

// Ticked returns the value of a ticked item by its name.
func (c *Checklist) Ticked(item string) *bool {
	switch item {
	case "site_cleaned":
		return &c.SiteCleaned
	case "ticket_filled":
		return &c.TicketFilled
	case "code_followed":
		return &c.CodeFollowed
	case "asked_other":
		return &c.AskedOther
	case "tools":
		return &c.Tools
	case "floor_mat":
		return &c.FloorMat
	case "cloth":
		return &c.Cloth
	case "shoe_covers":
		return &c.ShoeCovers
	}
	return nil
}

// PriceKind says whether a price list entry is labour or material.
type PriceKind string

// Price kinds.
const (
	PriceLabour   PriceKind = "labour"   // 人工费, by repair item
	PriceMaterial PriceKind = "material" // 材料费
)

// Valid reports whether k is a known kind.
func (k PriceKind) Valid() bool { return k == PriceLabour || k == PriceMaterial }

// PriceItem is one entry of a project's price list (M5). Labour entries
// are the repair items orders are opened for. Amounts are in fen (0.01
// yuan).
type PriceItem struct {
	ID        int64         `json:"id"`
	ProjectID int64         `json:"project_id"`
	Category  OrderCategory `json:"category"`
	Kind      PriceKind     `json:"kind"`
	Name      string        `json:"name"`
	Unit      string        `json:"unit"`
	Price     int64         `json:"price"`
	// Free puts a labour item on the project's free list: its labour is
	// waived when the job is done within the free minutes of arrival (一免;
	// not promised to residents).
	Free   bool `json:"free"`
	Active bool `json:"active"`
}

// QuoteLine is one line of a quote or a final bill.
type QuoteLine struct {
	PriceItemID *int64    `json:"price_item_id,omitempty"`
	Kind        PriceKind `json:"kind"`
	Name        string    `json:"name"`
	Quantity    float64   `json:"quantity"`
	UnitPrice   int64     `json:"unit_price"` // fen
	Amount      int64     `json:"amount"`     // fen: quantity × unit price, rounded
}

// Order is a work order.
type Order struct {
	ID          int64         `json:"id"`
	ProjectID   int64         `json:"project_id"`
	Category    OrderCategory `json:"category"`
	Urgency     OrderUrgency  `json:"urgency"`
	Source      OrderSource   `json:"source"`
	State       OrderState    `json:"state"`
	ItemID      *int64        `json:"item_id,omitempty"` // the labour item of the price list
	ItemName    string        `json:"item_name,omitempty"`
	Description string        `json:"description"`
	// AppointmentAt is when a planned order is due on site.
	AppointmentAt *time.Time `json:"appointment_at,omitempty"`

	PersonID    *int64 `json:"person_id,omitempty"`
	PersonName  string `json:"person_name,omitempty"`
	RoomID      *int64 `json:"room_id,omitempty"`
	RoomLabel   string `json:"room_label,omitempty"`
	ApplianceID *int64 `json:"appliance_id,omitempty"`
	// ParentID links an order opened with "anything else?" to the order
	// during which it came up.
	ParentID *int64 `json:"parent_id,omitempty"`

	// Team is the post whose staff do the order; AssigneeID is the
	// technician (nil while up for grabs).
	Team         Post   `json:"team"`
	AssigneeID   *int64 `json:"assignee_id,omitempty"`
	AssigneeName string `json:"assignee_name,omitempty"`

	// Night marks an urgent order opened after the day duty ended: it goes
	// to the duty person (DutyUserID), whose call to the on-call technician
	// (CalledAt) starts the clock.
	Night      bool       `json:"night"`
	DutyUserID *int64     `json:"duty_user_id,omitempty"`
	CalledAt   *time.Time `json:"called_at,omitempty"`

	// PromiseDueAt is when the technician must be on site; PromiseKept is
	// set on arrival.
	PromiseDueAt *time.Time `json:"promise_due_at,omitempty"`
	PromiseKept  *bool      `json:"promise_kept,omitempty"`

	ReportedAt   time.Time  `json:"reported_at"`
	DispatchedAt *time.Time `json:"dispatched_at,omitempty"`
	AcceptedAt   *time.Time `json:"accepted_at,omitempty"`
	ArrivedAt    *time.Time `json:"arrived_at,omitempty"`
	QuotedAt     *time.Time `json:"quoted_at,omitempty"`
	ConfirmedAt  *time.Time `json:"confirmed_at,omitempty"`
	StartedAt    *time.Time `json:"started_at,omitempty"`
	DoneAt       *time.Time `json:"done_at,omitempty"`
	FollowedUpAt *time.Time `json:"followed_up_at,omitempty"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
	CancelledAt  *time.Time `json:"cancelled_at,omitempty"`

	// The quote (M5), in fen, and the resident's confirmation.
	QuoteLabour    int64  `json:"quote_labour"`
	QuoteMaterials int64  `json:"quote_materials"`
	ConfirmedBy    string `json:"confirmed_by,omitempty"` // who confirmed at the door
	ConfirmMethod  string `json:"confirm_method,omitempty"`

	// The final bill, in fen; FinalReason explains a difference from the
	// quote. LabourWaived records the 1234 rule's "one free".
	FinalLabour    int64  `json:"final_labour"`
	FinalMaterials int64  `json:"final_materials"`
	FinalReason    string `json:"final_reason,omitempty"`
	LabourWaived   bool   `json:"labour_waived"`

	Checklist *Checklist `json:"checklist,omitempty"`

	// Follow-up (M6).
	FollowUpDue  *time.Time `json:"follow_up_due,omitempty"`
	Works        *bool      `json:"works,omitempty"`
	Satisfaction int        `json:"satisfaction,omitempty"` // 1–5
	FollowUpNote string     `json:"follow_up_note,omitempty"`
	Reopens      int        `json:"reopens"`

	CancelReason string    `json:"cancel_reason,omitempty"`
	CreatedBy    *int64    `json:"created_by,omitempty"`
	UpdatedAt    time.Time `json:"updated_at"`

	// PhotoIDs are the order's photos, when loaded.
	PhotoIDs []int64 `json:"photo_ids,omitempty"`
	// Lines are the quote's and the final bill's lines, when loaded.
	QuoteLines []*QuoteLine `json:"quote_lines,omitempty"`
	FinalLines []*QuoteLine `json:"final_lines,omitempty"`
	// Remaining is PromiseDueAt minus the time of reading, while the
	// technician is not yet on site; not stored.
	Remaining *time.Duration `json:"remaining,omitempty"`
}

// QuoteTotal returns the quoted total in fen.
func (o *Order) QuoteTotal() int64 { return o.QuoteLabour + o.QuoteMaterials }

// FinalTotal returns the billed total in fen.
func (o *Order) FinalTotal() int64 { return o.FinalLabour + o.FinalMaterials }

// MaxOrderPhotos is how many photos an order may have.
const MaxOrderPhotos = 6

// OrderEvent is one transition of an order, with who made it.
type OrderEvent struct {
	ID        int64       `json:"id"`
	ProjectID int64       `json:"project_id"`
	OrderID   int64       `json:"order_id"`
	At        time.Time   `json:"at"`
	UserID    *int64      `json:"user_id,omitempty"`
	UserName  string      `json:"user_name,omitempty"`
	Action    OrderAction `json:"action"`
	From      OrderState  `json:"from"`
	To        OrderState  `json:"to"`
	Note      string      `json:"note,omitempty"`
}

// NewOrder is an order to open.
type NewOrder struct {
	ProjectID     int64         `json:"project_id"`
	Category      OrderCategory `json:"category"`
	Urgency       OrderUrgency  `json:"urgency"`
	Source        OrderSource   `json:"source"`
	ItemID        *int64        `json:"item_id"`
	Description   string        `json:"description"`
	AppointmentAt *time.Time    `json:"appointment_at"`
	PersonID      *int64        `json:"person_id"`
	RoomID        *int64        `json:"room_id"`
	ApplianceID   *int64        `json:"appliance_id"`
	ParentID      *int64        `json:"parent_id"`
}

// DispatchRequest assigns an order to a technician of its team, or with
// AssigneeID nil puts it up for grabs in the team (抢单). At night an urgent
// order is dispatched by the duty person's call to the on-call technician:
// Call records it, and the clock runs from it.
type DispatchRequest struct {
	AssigneeID *int64 `json:"assignee_id"`
	Call       bool   `json:"call"`
	Note       string `json:"note"`
}

// QuoteRequest is the breakdown shown to the resident before work starts,
// or the final bill on completion.
type QuoteRequest struct {
	Lines []QuoteLineRequest `json:"lines"`
}

// QuoteLineRequest is one line: an entry of the price list with a
// quantity, or a material named on the spot with its unit price (fen).
type QuoteLineRequest struct {
	PriceItemID *int64    `json:"price_item_id"`
	Kind        PriceKind `json:"kind"`
	Name        string    `json:"name"`
	Quantity    float64   `json:"quantity"`
	UnitPrice   int64     `json:"unit_price"`
}

// ConfirmRequest records the resident's agreement to the quote: who
// confirmed and how.
type ConfirmRequest struct {
	By     string `json:"by"`
	Method string `json:"method"` // "signature", "verbal" or "phone"
}

// ConfirmMethods lists the ways a resident confirms a quote.
var ConfirmMethods = []string{"signature", "verbal", "phone"}

// DoneRequest completes an order: the 1234 checklist, the final bill when
// it differs from the quote (with the reason), and "anything else?" — new
// orders opened on the spot, linked to this one.
type DoneRequest struct {
	Checklist Checklist `json:"checklist"`
	// Final replaces the quote's lines as the bill; nil bills the quote.
	Final  *QuoteRequest `json:"final"`
	Reason string        `json:"reason"`
	// Others are the further jobs the resident asked for.
	Others []NewOrder `json:"others"`
	// Photo is a photo of the finished work, sent with the completion
	// (the form's; over the API, add it to the order's photos first).
	Photo *Photo `json:"-"`
}

// FollowUpRequest is the resident's answer to the follow-up call (M6).
type FollowUpRequest struct {
	Works        bool   `json:"works"`
	Satisfaction int    `json:"satisfaction"` // 1–5
	Comment      string `json:"comment"`
}

// Poor reports whether the answer reopens the order.
func (f FollowUpRequest) Poor() bool { return !f.Works || f.Satisfaction <= 2 }

// OrderFilter selects orders of a project; nil fields do not filter.
type OrderFilter struct {
	ProjectID   int64
	State       *OrderState
	Open        bool // only orders still to be worked on
	Category    *OrderCategory
	AssigneeID  *int64
	PersonID    *int64
	RoomID      *int64
	ApplianceID *int64
	Query       string // description, item or room contains
	// BuildingID keeps the orders of a building's rooms; ReportedFrom and
	// ReportedTo those reported in [from, to): the lists behind the
	// dashboard's figures.
	BuildingID               *int64
	ReportedFrom, ReportedTo *time.Time
	Offset                   int
	Limit                    int
}

// OrderSettings are a project's rules for orders.
type OrderSettings struct {
	ProjectID int64 `json:"project_id"`
	// UrgentMinutes is the on-site promise of urgent orders (10); NormalMinutes
	// that of normal ones. WarnMinutes is the lead time of the warning before
	// an urgent order's breach.
	UrgentMinutes int `json:"urgent_minutes"`
	NormalMinutes int `json:"normal_minutes"`
	WarnMinutes   int `json:"warn_minutes"`
	// FreeMinutes is the 1234 rule's "done within" span from arrival (10).
	FreeMinutes int `json:"free_minutes"`
	// FollowUpDays is when the follow-up call is due after completion (3).
	FollowUpDays int `json:"follow_up_days"`
	// Day duty hours, "HH:MM", on working days and on weekends and
	// holidays: outside them urgent orders go to the duty person (M8).
	DayFrom   string `json:"day_from"`
	DayUntil  string `json:"day_until"`
	RestFrom  string `json:"rest_from"`
	RestUntil string `json:"rest_until"`
	// DonePhoto asks for a photo of the finished work to complete an
	// order: one taken since work started, or sent with the completion.
	DonePhoto bool      `json:"done_photo"`
	UpdatedAt time.Time `json:"updated_at"`
}

// DefaultOrderSettings are the settings of a project that has set none.
func DefaultOrderSettings(projectID int64) *OrderSettings {
	return &OrderSettings{ProjectID: projectID, UrgentMinutes: 10, NormalMinutes: 120, WarnMinutes: 3, FreeMinutes: 10, FollowUpDays: 3,
		DayFrom: "08:00", DayUntil: "22:30", RestFrom: "08:00", RestUntil: "22:30"}
}

// RosterDay names a night-duty roster entry: "workday", "restday" (weekends
// and holidays, by the business calendar) or a date "2026-12-31" that
// overrides them.
type RosterDay = string

// RosterEntry is who is on duty: the centre's night-duty person and the
// on-call technician, and the duty manager of the nights, weekends and
// holidays (E1; see DutyManagerService).
type RosterEntry struct {
	ProjectID    int64     `json:"project_id"`
	Day          RosterDay `json:"day"`
	DutyUserID   *int64    `json:"duty_user_id,omitempty"`
	DutyName     string    `json:"duty_name,omitempty"`
	OnCallUserID *int64    `json:"oncall_user_id,omitempty"`
	OnCallName   string    `json:"oncall_name,omitempty"`
	// ManagerUserID is the duty manager; SaveRosterEntry keeps it as it is.
	ManagerUserID *int64 `json:"manager_user_id,omitempty"`
	ManagerName   string `json:"manager_name,omitempty"`
}

// DutyStatus is the duty situation of a project at a time.
type DutyStatus struct {
	// Night is set outside the day duty hours.
	Night bool `json:"night"`
	// Date is the duty date (the night of 27 November runs into the 28th's
	// small hours) and RestDay whether it is a weekend or holiday.
	Date    string `json:"date"`
	RestDay bool   `json:"rest_day"`
	// DayUntil is when the day duty of Date ends, "22:30".
	DayUntil string `json:"day_until"`
	// Roster is the entry in force (nil if none is set).
	Roster *RosterEntry `json:"roster,omitempty"`
}

// OrderReport is the figures of a project's orders over a period (by
// reporting time).
type OrderReport struct {
	ProjectID int64              `json:"project_id"`
	From      time.Time          `json:"from"`
	To        time.Time          `json:"to"`
	Orders    int                `json:"orders"`
	ByState   map[OrderState]int `json:"by_state"`
	Urgent    int                `json:"urgent"`
	// Promised counts the arrival promises due in the period (by their due
	// time, up to now): kept on time (Kept), kept late, and those breached
	// and still open (Open) — every promise that fell due, not only the
	// orders whose technician arrived. Cancelled orders' promises are left
	// out.
	Promised    int     `json:"promised"`
	Kept        int     `json:"kept"`
	Open        int     `json:"open"`
	KeptPercent float64 `json:"kept_percent"`
	// MedianArrival is the median time from dispatch (or the night call) to
	// arrival.
	MedianArrival time.Duration `json:"median_arrival"`
	FreeJobs      int           `json:"free_jobs"`
	// Follow-ups answered, their average satisfaction and the poor ones.
	FollowUps       int     `json:"follow_ups"`
	AvgSatisfaction float64 `json:"avg_satisfaction"`
	Poor            int     `json:"poor"`
	Revenue         int64   `json:"revenue"` // fen, billed on done orders
}

// OrderService manages work orders, price lists, night duty and reports.
// Every method answers ENOTFOUND for an object of a project the caller does
// not serve, as for a missing one. Illegal transitions answer ECONFLICT
// naming the state; actions reserved to the assignee answer ECONFLICT for
// anyone else but a team leader.
type OrderService interface {
	// CreateOrder opens an order (PermOrderEdit). An urgent order opened at
	// night goes to the duty person. EINVALID names the field.
	CreateOrder(ctx context.Context, n *NewOrder) (*Order, error)
	// FindOrder returns an order with its lines (PermOrderView).
	FindOrder(ctx context.Context, id int64) (*Order, error)
	// FindOrders lists orders and the total matching (PermOrderView).
	FindOrders(ctx context.Context, f OrderFilter) ([]*Order, int, error)
	// MyOrders returns the caller's open orders and those up for grabs in
	// their team, soonest due first (PermOrderView).
	MyOrders(ctx context.Context) ([]*Order, error)
	// Events returns an order's transitions, oldest first.
	Events(ctx context.Context, id int64) ([]*OrderEvent, error)
	// Room returns a room of the project, for an order form opened for a
	// room (PermOrderView). ENOTFOUND if it is not the project's.
	Room(ctx context.Context, projectID, roomID int64) (*Room, error)
	// AddPhoto adds a JPEG or PNG photo (at most 2 MiB, 6 an order) to an
	// order not closed or cancelled (PermOrderEdit); EINVALID otherwise.
	AddPhoto(ctx context.Context, id int64, contentType string, data []byte) (int64, error)
	// Photo returns a photo of an order (PermOrderView).
	Photo(ctx context.Context, id, photoID int64) (contentType string, data []byte, err error)
	// Technicians returns the active staff of a team (a post) serving the
	// project, to dispatch to (PermOrderView).
	Technicians(ctx context.Context, projectID int64, team Post) ([]*User, error)

	// Dispatch assigns or reassigns an order, or puts it up for grabs
	// (PermOrderDispatch); at night an urgent order needs the call.
	Dispatch(ctx context.Context, id int64, req DispatchRequest) (*Order, error)
	// Grab takes an order up for grabs: the first technician of the team
	// wins; the others get ECONFLICT.
	Grab(ctx context.Context, id int64) (*Order, error)
	// Accept, Arrive, Start: the assignee (or a team leader).
	Accept(ctx context.Context, id int64) (*Order, error)
	Arrive(ctx context.Context, id int64) (*Order, error)
	// Quote records the price breakdown before work.
	Quote(ctx context.Context, id int64, req QuoteRequest) (*Order, error)
	// Confirm records the resident's agreement at the door.
	Confirm(ctx context.Context, id int64, req ConfirmRequest) (*Order, error)
	// Start starts work: refused while a quote with a price is unconfirmed.
	Start(ctx context.Context, id int64) (*Order, error)
	// Done completes the order with the checklist; a final bill different
	// from the quote needs a reason. Returns the order and the linked
	// orders opened.
	Done(ctx context.Context, id int64, req DoneRequest) (*Order, []*Order, error)
	// FollowUp records the callback's answer; a poor one reopens the order
	// and alerts the team leader.
	FollowUp(ctx context.Context, id int64, req FollowUpRequest) (*Order, error)
	// Close closes a followed-up order.
	Close(ctx context.Context, id int64) (*Order, error)
	// Cancel withdraws an order not yet done, with the reason.
	Cancel(ctx context.Context, id int64, reason string) (*Order, error)

	// PriceList returns a project's price list (PermOrderView).
	PriceList(ctx context.Context, projectID int64, all bool) ([]*PriceItem, error)
	// SavePriceItem creates (ID 0) or changes an entry (PermSettingsEdit).
	SavePriceItem(ctx context.Context, it *PriceItem) error
	// Settings returns a project's order settings (PermOrderView).
	Settings(ctx context.Context, projectID int64) (*OrderSettings, error)
	// SaveSettings changes them (PermSettingsEdit).
	SaveSettings(ctx context.Context, s *OrderSettings) error
	// Roster returns a project's night-duty roster (PermOrderView).
	Roster(ctx context.Context, projectID int64) ([]*RosterEntry, error)
	// SaveRosterEntry sets an entry (PermSettingsEdit); both users empty
	// removes it.
	SaveRosterEntry(ctx context.Context, e *RosterEntry) error
	// Duty returns the duty situation of a project at a time.
	Duty(ctx context.Context, projectID int64, at time.Time) (*DutyStatus, error)

	// Report returns a project's figures for orders reported in [from, to)
	// (PermReportView).
	Report(ctx context.Context, projectID int64, from, to time.Time) (*OrderReport, error)
}
