package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
)

// OrderService implements wubu.OrderService: work orders, their state
// machine and clocks, price lists, night duty and reports.
type OrderService struct {
	db     *DB
	clocks wubu.ClockService
	cal    *calendar.Calendar

	mu       sync.RWMutex
	notifier wubu.Notifier
	// Logger receives errors that do not fail a call: a clock that could
	// not be armed after the order's transaction committed, a notification
	// that could not be queued. It defaults to slog.Default().
	Logger *slog.Logger
}

var _ wubu.OrderService = (*OrderService)(nil)

// NewOrderService returns the order service over db. Clocks arms the
// orders' on-site promises; n alerts the duty person of an urgent order at
// night and the team leader of a reopened one (nil: nobody but the clock's
// recipients). Weekends and holidays of the night-duty roster follow the
// embedded business calendar.
func NewOrderService(db *DB, clocks wubu.ClockService, n wubu.Notifier) *OrderService {
	s := &OrderService{db: db, clocks: clocks, notifier: n}
	if cal, err := calendar.New(); err == nil {
		s.cal = cal
	}
	return s
}

// SetNotifier sets the notifier of the service's alerts.
func (s *OrderService) SetNotifier(n wubu.Notifier) {
	s.mu.Lock()
	s.notifier = n
	s.mu.Unlock()
}

func (s *OrderService) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// notify sends notifications if a notifier is set; a failure is logged,
// not returned: the order's change stands.
func (s *OrderService) notify(ctx context.Context, ns ...wubu.Notification) {
	s.mu.RLock()
	n := s.notifier
	s.mu.RUnlock()
	if n == nil {
		return
	}
	if err := n.Notify(ctx, ns...); err != nil {
		s.logger().Error("order notification not queued", "kind", ns[0].Kind, "err", err)
	}
}

const orderColumns = `o.id, o.project_id, o.category, o.urgency, o.source, o.state, o.item_id, o.item_name, o.description, o.appointment_at,
	o.person_id, COALESCE(p.name, ''), o.room_id, COALESCE(r.label, ''), o.appliance_id, o.parent_id, o.team, o.assignee_id, COALESCE(u.name, ''),
	o.night, o.duty_user_id, o.called_at, o.promise_due_at, o.promise_kept,
	o.reported_at, o.dispatched_at, o.accepted_at, o.arrived_at, o.quoted_at, o.confirmed_at, o.started_at, o.done_at, o.followed_up_at, o.closed_at, o.cancelled_at,
	o.quote_labour, o.quote_materials, o.confirmed_by, o.confirm_method, o.final_labour, o.final_materials, o.final_reason, o.labour_waived, o.checklist,
	o.follow_up_due, o.works, o.satisfaction, o.follow_up_note, o.reopens, o.cancel_reason, o.created_by, o.updated_at`

const orderFrom = ` FROM orders o
	LEFT JOIN persons p ON p.project_id = o.project_id AND p.id = o.person_id
	LEFT JOIN rooms r ON r.project_id = o.project_id AND r.id = o.room_id
	LEFT JOIN users u ON u.id = o.assignee_id`

func scanOrder(s interface{ Scan(...any) error }) (*wubu.Order, error) {
	o := &wubu.Order{}
	var checklist string
	err := s.Scan(&o.ID, &o.ProjectID, &o.Category, &o.Urgency, &o.Source, &o.State, &o.ItemID, &o.ItemName, &o.Description, &o.AppointmentAt,
		&o.PersonID, &o.PersonName, &o.RoomID, &o.RoomLabel, &o.ApplianceID, &o.ParentID, &o.Team, &o.AssigneeID, &o.AssigneeName,
		&o.Night, &o.DutyUserID, &o.CalledAt, &o.PromiseDueAt, &o.PromiseKept,
		&o.ReportedAt, &o.DispatchedAt, &o.AcceptedAt, &o.ArrivedAt, &o.QuotedAt, &o.ConfirmedAt, &o.StartedAt, &o.DoneAt, &o.FollowedUpAt, &o.ClosedAt, &o.CancelledAt,
		&o.QuoteLabour, &o.QuoteMaterials, &o.ConfirmedBy, &o.ConfirmMethod, &o.FinalLabour, &o.FinalMaterials, &o.FinalReason, &o.LabourWaived, &checklist,
		&o.FollowUpDue, &o.Works, &o.Satisfaction, &o.FollowUpNote, &o.Reopens, &o.CancelReason, &o.CreatedBy, &o.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Order not found.")
	} else if err != nil {
		return nil, err
	}
	if checklist != "" {
		o.Checklist = &wubu.Checklist{}
		if err := json.Unmarshal([]byte(checklist), o.Checklist); err != nil {
			return nil, fmt.Errorf("order %d checklist: %w", o.ID, err)
		}
	}
	for _, t := range []*time.Time{&o.ReportedAt, &o.UpdatedAt} {
		*t = t.UTC()
	}
	return o, nil
}

// withRemaining sets the time left to the on-site promise while the
// technician is not there yet.
func withRemaining(o *wubu.Order, now time.Time) {
	if o.PromiseDueAt != nil && o.ArrivedAt == nil && o.State.Open() {
		d := o.PromiseDueAt.Sub(now)
		o.Remaining = &d
	}
}

// findOrder loads an order in tx; lock takes its row lock on PostgreSQL
// (SQLite's write transaction holds the database).
func (tx *Tx) findOrder(ctx context.Context, id int64, lock bool) (*wubu.Order, error) {
	q := `SELECT ` + orderColumns + orderFrom + ` WHERE o.id = ?`
	if lock && tx.db.Dialect == Postgres {
		q += ` FOR UPDATE OF o`
	}
	return scanOrder(tx.queryRow(ctx, q, id))
}

// authorizeOrder checks the caller's permission on an order's project; an
// order of another project is not found.
func authorizeOrder(ctx context.Context, perm wubu.Permission, o *wubu.Order) error {
	if _, err := wubu.Authorize(ctx, perm, o.ProjectID); err != nil {
		if wubu.ErrorCode(err) == wubu.ENOTFOUND {
			return wubu.Errorf(wubu.ENOTFOUND, "Order not found.")
		}
		return err
	}
	return nil
}

// FindOrder returns an order with its lines.
func (s *OrderService) FindOrder(ctx context.Context, id int64) (*wubu.Order, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, 0); err != nil {
		return nil, err
	}
	o, err := scanOrder(s.db.queryRow(ctx, `SELECT `+orderColumns+orderFrom+` WHERE o.id = ?`, id))
	if err != nil {
		return nil, err
	}
	if err := authorizeOrder(ctx, wubu.PermOrderView, o); err != nil {
		return nil, err
	}
	if o.QuoteLines, err = s.lines(ctx, o, "quote"); err != nil {
		return nil, err
	}
	if o.FinalLines, err = s.lines(ctx, o, "final"); err != nil {
		return nil, err
	}
	if o.PhotoIDs, err = s.photoIDs(ctx, o); err != nil {
		return nil, err
	}
	withRemaining(o, s.db.now())
	return o, nil
}

func (s *OrderService) lines(ctx context.Context, o *wubu.Order, phase string) ([]*wubu.QuoteLine, error) {
	rows, err := s.db.query(ctx, `SELECT price_item_id, kind, name, quantity, unit_price, amount FROM order_lines
		WHERE project_id = ? AND order_id = ? AND phase = ? ORDER BY position`, o.ProjectID, o.ID, phase)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.QuoteLine
	for rows.Next() {
		l := &wubu.QuoteLine{}
		if err := rows.Scan(&l.PriceItemID, &l.Kind, &l.Name, &l.Quantity, &l.UnitPrice, &l.Amount); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// FindOrders lists a project's orders, newest first.
func (s *OrderService) FindOrders(ctx context.Context, f wubu.OrderFilter) ([]*wubu.Order, int, error) {
	if f.ProjectID <= 0 {
		return nil, 0, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, f.ProjectID); err != nil {
		return nil, 0, err
	}
	where := []string{"o.project_id = ?"}
	args := []any{f.ProjectID}
	if f.State != nil {
		where, args = append(where, "o.state = ?"), append(args, *f.State)
	}
	if f.Open {
		where = append(where, "o.state NOT IN ('done', 'followed_up', 'closed', 'cancelled')")
	}
	if f.Category != nil {
		where, args = append(where, "o.category = ?"), append(args, *f.Category)
	}
	if f.AssigneeID != nil {
		where, args = append(where, "o.assignee_id = ?"), append(args, *f.AssigneeID)
	}
	if f.PersonID != nil {
		where, args = append(where, "o.person_id = ?"), append(args, *f.PersonID)
	}
	if f.RoomID != nil {
		where, args = append(where, "o.room_id = ?"), append(args, *f.RoomID)
	}
	if f.ApplianceID != nil {
		where, args = append(where, "o.appliance_id = ?"), append(args, *f.ApplianceID)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		op, pat := s.db.likeOp(), likePattern(q)
		where = append(where, `(o.description `+op+` ? ESCAPE '\' OR o.item_name `+op+` ? ESCAPE '\' OR r.label `+op+` ? ESCAPE '\' OR p.name `+op+` ? ESCAPE '\')`)
		args = append(args, pat, pat, pat, pat)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	args = append(args, f.Limit, max(f.Offset, 0))
	rows, err := s.db.query(ctx, `SELECT `+orderColumns+`, COUNT(*) OVER()`+orderFrom+` WHERE `+strings.Join(where, " AND ")+`
		ORDER BY o.reported_at DESC, o.id DESC LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	now := s.db.now()
	var out []*wubu.Order
	total := 0
	for rows.Next() {
		var o *wubu.Order
		o, err = scanOrder(scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &total)...) }))
		if err != nil {
			return nil, 0, err
		}
		withRemaining(o, now)
		out = append(out, o)
	}
	return out, total, rows.Err()
}

// MyOrders returns the caller's open orders and those up for grabs in
// their team, in the projects they serve, soonest due first.
func (s *OrderService) MyOrders(ctx context.Context) ([]*wubu.Order, error) {
	u, err := wubu.Authorize(ctx, wubu.PermOrderView, 0)
	if err != nil {
		return nil, err
	}
	where := `o.state NOT IN ('done', 'followed_up', 'closed', 'cancelled') AND (o.assignee_id = ? OR (o.state = 'dispatched' AND o.assignee_id IS NULL AND o.team = ?))`
	args := []any{u.ID, u.Post}
	if !u.AllProjects() {
		if len(u.ProjectIDs) == 0 {
			return nil, nil
		}
		where += ` AND o.project_id IN (` + placeholders(len(u.ProjectIDs)) + `)`
		args = append(args, int64Args(u.ProjectIDs)...)
	}
	rows, err := s.db.query(ctx, `SELECT `+orderColumns+orderFrom+` WHERE `+where+` ORDER BY o.reported_at LIMIT 200`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := s.db.now()
	var out []*wubu.Order
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, err
		}
		withRemaining(o, now)
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sortByClock(out)
	return out, nil
}

// sortByClock orders orders by the time left on their promise, those
// without one last (oldest first among them).
func sortByClock(os []*wubu.Order) {
	key := func(o *wubu.Order) (bool, time.Time) {
		if o.PromiseDueAt != nil && o.ArrivedAt == nil {
			return false, *o.PromiseDueAt
		}
		return true, o.ReportedAt
	}
	for i := 1; i < len(os); i++ {
		for j := i; j > 0; j-- {
			an, at := key(os[j-1])
			bn, bt := key(os[j])
			if an && !bn || an == bn && bt.Before(at) {
				os[j-1], os[j] = os[j], os[j-1]
				continue
			}
			break
		}
	}
}

// Events returns an order's transitions, oldest first.
func (s *OrderService) Events(ctx context.Context, id int64) ([]*wubu.OrderEvent, error) {
	o, err := s.FindOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT e.id, e.project_id, e.object_id, e.at, e.user_id, COALESCE(u.name, ''), e.action, e.from_state, e.to_state, e.note
		FROM lifecycle_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.project_id = ? AND e.object_type = 'order' AND e.object_id = ? ORDER BY e.id`, o.ProjectID, o.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.OrderEvent
	for rows.Next() {
		e := &wubu.OrderEvent{}
		if err := rows.Scan(&e.ID, &e.ProjectID, &e.OrderID, &e.At, &e.UserID, &e.UserName, &e.Action, &e.From, &e.To, &e.Note); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CreateOrder opens an order.
func (s *OrderService) CreateOrder(ctx context.Context, n *wubu.NewOrder) (*wubu.Order, error) {
	if n.ProjectID <= 0 {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrderEdit, n.ProjectID); err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	o, err := s.createOrder(ctx, tx, n)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	s.afterCreate(ctx, o)
	return s.FindOrder(ctx, o.ID)
}

// afterCreate alerts the duty person of an urgent order at night (the duty
// managers when the roster names nobody).
func (s *OrderService) afterCreate(ctx context.Context, o *wubu.Order) {
	if !o.Night {
		return
	}
	to := wubu.Recipient{Role: wubu.RoleDutyManager}
	if o.DutyUserID != nil {
		to = wubu.Recipient{UserID: *o.DutyUserID}
	}
	s.notify(ctx, wubu.Notification{ProjectID: o.ProjectID, Kind: "order_night_call", To: to, Urgent: true,
		Vars:     map[string]string{"order": strconv.FormatInt(o.ID, 10), "room": o.RoomLabel, "item": orderSubject(o)},
		DedupKey: "order_night_call:" + strconv.FormatInt(o.ID, 10), ObjectType: "order", ObjectID: strconv.FormatInt(o.ID, 10)})
}

// orderSubject is what an order is about, for timelines and messages.
func orderSubject(o *wubu.Order) string {
	if o.ItemName != "" {
		return o.ItemName
	}
	s := []rune(o.Description)
	if len(s) > 30 {
		return string(s[:30]) + "…"
	}
	return string(s)
}

// createOrder validates and writes a new order in tx.
func (s *OrderService) createOrder(ctx context.Context, tx *Tx, n *wubu.NewOrder) (*wubu.Order, error) {
	o := &wubu.Order{ProjectID: n.ProjectID, Category: n.Category, Urgency: n.Urgency, Source: n.Source, State: wubu.OrderReported,
		ItemID: n.ItemID, Description: strings.TrimSpace(n.Description), AppointmentAt: n.AppointmentAt, PersonID: n.PersonID, RoomID: n.RoomID,
		ApplianceID: n.ApplianceID, ParentID: n.ParentID, ReportedAt: tx.now, UpdatedAt: tx.now}
	if o.Category == "" {
		o.Category = wubu.CategoryRepair
	}
	if o.Source == "" {
		o.Source = wubu.SourceFrontDesk
	}
	switch {
	case !o.Category.Valid():
		return nil, wubu.FieldErrorf("category", wubu.EINVALID, "Choose a category.")
	case !o.Urgency.Valid():
		return nil, wubu.FieldErrorf("urgency", wubu.EINVALID, "Choose how urgent it is.")
	case !o.Source.Valid():
		return nil, wubu.FieldErrorf("source", wubu.EINVALID, "Choose how the order came in.")
	case utf8.RuneCountInString(o.Description) > 1000:
		return nil, wubu.FieldErrorf("description", wubu.EINVALID, "The description is too long (at most %d characters).", 1000)
	case o.Urgency == wubu.OrderPlanned && o.AppointmentAt == nil:
		return nil, wubu.FieldErrorf("appointment_at", wubu.EINVALID, "A planned order needs the appointment time.")
	case o.Urgency == wubu.OrderPlanned && !o.AppointmentAt.After(tx.now):
		return nil, wubu.FieldErrorf("appointment_at", wubu.EINVALID, "The appointment must be in the future.")
	}
	if o.Urgency != wubu.OrderPlanned {
		o.AppointmentAt = nil
	}
	o.Team = o.Category.Team()
	if o.ItemID != nil {
		it, err := tx.findPriceItem(ctx, o.ProjectID, *o.ItemID)
		if err != nil || it.Kind != wubu.PriceLabour || it.Category != o.Category || !it.Active {
			return nil, wubu.FieldErrorf("item_id", wubu.EINVALID, "Choose a repair item of the price list.")
		}
		o.ItemName = it.Name
	}
	if o.ItemID == nil && o.Description == "" {
		return nil, wubu.FieldErrorf("description", wubu.EINVALID, "Say what needs doing: choose an item or describe it.")
	}
	// The resident, the room and the appliance must be the project's, and
	// agree with one another.
	if o.PersonID != nil {
		var one int
		if err := tx.queryRow(ctx, `SELECT 1 FROM persons WHERE project_id = ? AND id = ?`, o.ProjectID, *o.PersonID).Scan(&one); err != nil {
			return nil, wubu.FieldErrorf("person_id", wubu.EINVALID, "The resident is not one of this project's.")
		}
		if o.RoomID == nil {
			var room int64
			if err := tx.queryRow(ctx, `SELECT room_id FROM households WHERE project_id = ? AND person_id = ? ORDER BY id LIMIT 1`, o.ProjectID, *o.PersonID).Scan(&room); err == nil {
				o.RoomID = &room
			}
		}
	}
	if o.ApplianceID != nil {
		var room int64
		if err := tx.queryRow(ctx, `SELECT room_id FROM appliances WHERE project_id = ? AND id = ?`, o.ProjectID, *o.ApplianceID).Scan(&room); err != nil ||
			(o.RoomID != nil && *o.RoomID != room) {
			return nil, wubu.FieldErrorf("appliance_id", wubu.EINVALID, "The appliance is not in this room.")
		}
		o.RoomID = &room
	}
	if o.RoomID != nil {
		if err := tx.queryRow(ctx, `SELECT label FROM rooms WHERE project_id = ? AND id = ?`, o.ProjectID, *o.RoomID).Scan(&o.RoomLabel); err != nil {
			return nil, wubu.FieldErrorf("room_id", wubu.EINVALID, "The room is not one of this project's.")
		}
	}
	if o.PersonID == nil && o.RoomID == nil {
		return nil, wubu.FieldErrorf("room_id", wubu.EINVALID, "Choose the resident or the room.")
	}
	if o.ParentID != nil {
		var one int
		if err := tx.queryRow(ctx, `SELECT 1 FROM orders WHERE project_id = ? AND id = ?`, o.ProjectID, *o.ParentID).Scan(&one); err != nil {
			return nil, wubu.FieldErrorf("parent_id", wubu.EINVALID, "The linked order is not one of this project's.")
		}
	}
	// Night duty (M8): an urgent order after the day duty goes to the duty person.
	if o.Urgency == wubu.OrderUrgent {
		st, err := s.duty(ctx, tx, o.ProjectID, tx.now)
		if err != nil {
			return nil, err
		}
		if st.Night {
			o.Night = true
			if st.Roster != nil {
				o.DutyUserID = st.Roster.DutyUserID
			}
		}
	}
	if u := wubu.UserFromContext(ctx); u != nil && u.ID != 0 {
		o.CreatedBy = &u.ID
	}
	var err error
	o.ID, err = tx.insert(ctx, `INSERT INTO orders (project_id, category, urgency, source, state, item_id, item_name, description, appointment_at,
		person_id, room_id, appliance_id, parent_id, team, night, duty_user_id, reported_at, created_by, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ProjectID, o.Category, o.Urgency, o.Source, o.State, o.ItemID, o.ItemName, o.Description, o.AppointmentAt,
		o.PersonID, o.RoomID, o.ApplianceID, o.ParentID, o.Team, o.Night, o.DutyUserID, o.ReportedAt, o.CreatedBy, o.UpdatedAt)
	if err != nil {
		return nil, fmt.Errorf("insert order: %w", err)
	}
	note := ""
	if o.Night {
		note = "night"
	}
	if err := tx.orderEvent(ctx, o, "open", "", o.State, note); err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, o.ProjectID, wubu.ActionCreate, "order", o.ID, nil, auditOrder(o)); err != nil {
		return nil, err
	}
	return o, nil
}

// auditOrder is the order as the audit log records it.
func auditOrder(o *wubu.Order) map[string]any {
	return map[string]any{"state": o.State, "category": o.Category, "urgency": o.Urgency, "item": o.ItemName, "room": o.RoomLabel,
		"person_id": o.PersonID, "assignee_id": o.AssigneeID, "quote": o.QuoteTotal(), "final": o.FinalTotal()}
}

// orderEvent records a transition, and puts it on the resident's timeline.
func (tx *Tx) orderEvent(ctx context.Context, o *wubu.Order, action wubu.OrderAction, from, to wubu.OrderState, note string) error {
	var uid *int64
	if u := wubu.UserFromContext(ctx); u != nil && u.ID != 0 {
		uid = &u.ID
	}
	if _, err := tx.exec(ctx, `INSERT INTO lifecycle_events (project_id, object_type, object_id, at, user_id, action, from_state, to_state, note) VALUES (?, 'order', ?, ?, ?, ?, ?, ?, ?)`,
		o.ProjectID, o.ID, tx.now, uid, action, from, to, note); err != nil {
		return fmt.Errorf("order event: %w", err)
	}
	if o.PersonID != nil {
		text := "#" + strconv.FormatInt(o.ID, 10) + " " + orderSubject(o)
		if o.RoomLabel != "" {
			text += " · " + o.RoomLabel
		}
		if err := addTimeline(ctx, tx, o.ProjectID, *o.PersonID, "order."+string(to), text); err != nil {
			return fmt.Errorf("order timeline: %w", err)
		}
	}
	return nil
}

// Messages refusing a step the state machine does not allow, by state.
const (
	msgStateReported   = "Order %d has not been dispatched yet: this step is not possible now."
	msgStateDispatched = "Order %d is dispatched and not yet accepted: this step is not possible now."
	msgStateAccepted   = "Order %d is accepted but the technician is not on site yet: this step is not possible now."
	msgStateArrived    = "The technician is on site for order %d but has not quoted yet: this step is not possible now."
	msgStateQuoted     = "Order %d is quoted and awaits the resident's confirmation: this step is not possible now."
	msgStateConfirmed  = "The resident confirmed order %d's quote and work has not started: this step is not possible now."
	msgStateInProgress = "Order %d is in progress: this step is not possible now."
	msgStateDone       = "Order %d is done and awaits its follow-up call: this step is not possible now."
	msgStateFollowedUp = "Order %d has been followed up and awaits closing: this step is not possible now."
	msgStateClosed     = "Order %d is closed: it cannot change any more."
	msgStateCancelled  = "Order %d was cancelled: it cannot change any more."
	msgStateReopened   = "Order %d was reopened and awaits dispatch: this step is not possible now."
)

// stateConflict is the message refusing a step the state machine does not
// allow from a state.
var stateConflict = map[wubu.OrderState]string{
	wubu.OrderReported:   msgStateReported,
	wubu.OrderDispatched: msgStateDispatched,
	wubu.OrderAccepted:   msgStateAccepted,
	wubu.OrderArrived:    msgStateArrived,
	wubu.OrderQuoted:     msgStateQuoted,
	wubu.OrderConfirmed:  msgStateConfirmed,
	wubu.OrderInProgress: msgStateInProgress,
	wubu.OrderDone:       msgStateDone,
	wubu.OrderFollowedUp: msgStateFollowedUp,
	wubu.OrderClosed:     msgStateClosed,
	wubu.OrderCancelled:  msgStateCancelled,
	wubu.OrderReopened:   msgStateReopened,
}

// step is one transition: the permission it needs, whether only the
// assignee (or a leader) may make it, and what it changes.
type step struct {
	action       wubu.OrderAction
	perm         wubu.Permission
	assigneeOnly bool
	// apply checks the step's own conditions and changes o; it may write
	// more rows in tx. It returns the event's note.
	apply func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error)
	// clock, filled in by apply, is the change of the order's clock made
	// with the step (nil: none).
	clock *orderClock
}

// leads reports whether u may act on an order in place of its assignee: a
// leader of its team, a duty manager, a manager or an admin.
func leads(u *wubu.User, o *wubu.Order) bool {
	if u.Role == wubu.RoleStaff || !u.Can(wubu.PermOrderDispatch) {
		return false
	}
	return u.Role != wubu.RoleTeamLeader || u.Post == o.Team
}

// transition makes a step on an order in one transaction: the state
// machine's check, the step's change, the event, the timeline and the
// audit. It returns the order before and after.
func (s *OrderService) transition(ctx context.Context, id int64, st step) (before, after *wubu.Order, err error) {
	u, err := wubu.Authorize(ctx, st.perm, 0)
	if err != nil {
		return nil, nil, err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	o, err := tx.findOrder(ctx, id, true)
	if err != nil {
		return nil, nil, err
	}
	if err := authorizeOrder(ctx, st.perm, o); err != nil {
		return nil, nil, err
	}
	if st.action == wubu.ActGrab && o.AssigneeID != nil && o.State != wubu.OrderReported {
		return nil, nil, wubu.Errorf(wubu.ECONFLICT, "Order %d has already been taken by %s.", o.ID, o.AssigneeName)
	}
	to, ok := o.State.Next(st.action)
	if !ok {
		return nil, nil, wubu.Errorf(wubu.ECONFLICT, stateConflict[o.State], o.ID)
	}
	if st.assigneeOnly && (o.AssigneeID == nil || *o.AssigneeID != u.ID) && !leads(u, o) {
		if o.AssigneeID == nil {
			return nil, nil, wubu.Errorf(wubu.ECONFLICT, "Order %d is not assigned to anyone yet.", o.ID)
		}
		return nil, nil, wubu.Errorf(wubu.ECONFLICT, "Order %d is assigned to %s: only they or a team leader may do this.", o.ID, o.AssigneeName)
	}
	b := *o
	from := o.State
	o.State = to
	note, err := st.apply(ctx, tx, o, u)
	if err != nil {
		return nil, nil, err
	}
	o.UpdatedAt = tx.now
	if err := tx.saveOrder(ctx, o); err != nil {
		return nil, nil, err
	}
	if err := tx.orderEvent(ctx, o, st.action, from, o.State, note); err != nil {
		return nil, nil, err
	}
	if err := tx.audit(ctx, o.ProjectID, wubu.ActionUpdate, "order", o.ID, auditOrder(&b), auditOrder(o)); err != nil {
		return nil, nil, err
	}
	jobs, left, err := s.applyClockTx(ctx, tx, o, st.clock)
	if err != nil {
		return nil, nil, err
	}
	if err := s.commitOrder(ctx, tx, jobs); err != nil {
		return nil, nil, err
	}
	s.applyClockAfter(ctx, o, left)
	return &b, o, nil
}

// saveOrder writes an order's changeable columns.
func (tx *Tx) saveOrder(ctx context.Context, o *wubu.Order) error {
	var checklist string
	if o.Checklist != nil {
		b, err := json.Marshal(o.Checklist)
		if err != nil {
			return err
		}
		checklist = string(b)
	}
	_, err := tx.exec(ctx, `UPDATE orders SET state = ?, assignee_id = ?, called_at = ?, promise_due_at = ?, promise_kept = ?,
		dispatched_at = ?, accepted_at = ?, arrived_at = ?, quoted_at = ?, confirmed_at = ?, started_at = ?, done_at = ?, followed_up_at = ?, closed_at = ?, cancelled_at = ?,
		quote_labour = ?, quote_materials = ?, confirmed_by = ?, confirm_method = ?, final_labour = ?, final_materials = ?, final_reason = ?, labour_waived = ?, checklist = ?,
		follow_up_due = ?, works = ?, satisfaction = ?, follow_up_note = ?, reopens = ?, cancel_reason = ?, updated_at = ?
		WHERE project_id = ? AND id = ?`,
		o.State, o.AssigneeID, o.CalledAt, o.PromiseDueAt, o.PromiseKept,
		o.DispatchedAt, o.AcceptedAt, o.ArrivedAt, o.QuotedAt, o.ConfirmedAt, o.StartedAt, o.DoneAt, o.FollowedUpAt, o.ClosedAt, o.CancelledAt,
		o.QuoteLabour, o.QuoteMaterials, o.ConfirmedBy, o.ConfirmMethod, o.FinalLabour, o.FinalMaterials, o.FinalReason, o.LabourWaived, checklist,
		o.FollowUpDue, o.Works, o.Satisfaction, o.FollowUpNote, o.Reopens, o.CancelReason, o.UpdatedAt, o.ProjectID, o.ID)
	if err != nil {
		return fmt.Errorf("update order: %w", err)
	}
	return nil
}

// at returns a pointer to a copy of t.
func at(t time.Time) *time.Time { return &t }

// orderKey is the key of an order's on-site clock.
func orderKey(o *wubu.Order) wubu.DeadlineKey {
	return wubu.DeadlineKey{ProjectID: o.ProjectID, ObjectType: "order", ObjectID: strconv.FormatInt(o.ID, 10), Kind: "arrival"}
}

// armRequest is the on-site promise of an order from now: the urgent or
// normal minutes of the project's settings, or the appointment.
func armRequest(o *wubu.Order, set *wubu.OrderSettings, now time.Time) wubu.ArmRequest {
	req := wubu.ArmRequest{DeadlineKey: orderKey(o), BreachNotify: []string{"role:duty_manager"}}
	switch {
	case o.Urgency == wubu.OrderPlanned && o.AppointmentAt != nil && o.AppointmentAt.After(now):
		req.Due = *o.AppointmentAt
		req.WarnBefore = 15 * time.Minute
	case o.Urgency == wubu.OrderUrgent:
		req.After = time.Duration(set.UrgentMinutes) * time.Minute
		req.WarnBefore = time.Duration(set.WarnMinutes) * time.Minute
		req.Escalation = []wubu.EscalationStep{{After: 10 * time.Minute, Notify: "role:manager"}}
	default:
		req.After = time.Duration(set.NormalMinutes) * time.Minute
		req.WarnBefore = 15 * time.Minute
	}
	if req.WarnBefore >= req.After && req.After > 0 {
		req.WarnBefore = req.After / 2
	}
	if o.AssigneeID != nil {
		req.WarnNotify = append(req.WarnNotify, "user:"+strconv.FormatInt(*o.AssigneeID, 10))
	}
	req.WarnNotify = append(req.WarnNotify, "role:team_leader")
	return req
}

// promiseDue returns when the promise armed now falls due, as the clock
// service will compute it (elapsed time).
func promiseDue(req wubu.ArmRequest, now time.Time) time.Time {
	if !req.Due.IsZero() {
		return req.Due
	}
	return now.Add(req.After)
}

// Dispatch assigns an order, reassigns it, or puts it up for grabs.
func (s *OrderService) Dispatch(ctx context.Context, id int64, req wubu.DispatchRequest) (*wubu.Order, error) {
	clk := &orderClock{}
	_, o, err := s.transition(ctx, id, step{action: wubu.ActDispatch, perm: wubu.PermOrderDispatch, clock: clk,
		apply: func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error) {
			note := strings.TrimSpace(req.Note)
			if utf8.RuneCountInString(note) > 500 {
				return "", wubu.FieldErrorf("note", wubu.EINVALID, "The note is too long (at most %d characters).", 500)
			}
			if req.AssigneeID != nil {
				name, err := tx.teamMember(ctx, o, *req.AssigneeID)
				if err != nil {
					return "", err
				}
				if o.AssigneeID != nil && *o.AssigneeID == *req.AssigneeID && o.State != wubu.OrderReopened {
					return "", wubu.FieldErrorf("assignee_id", wubu.EINVALID, "Order %d is already assigned to %s.", o.ID, name)
				}
				o.AssigneeName = name
			}
			// At night an urgent order waits for the duty person's call to a
			// named technician; the clock runs from the call (M8).
			if o.Night && o.CalledAt == nil {
				if req.AssigneeID == nil || !req.Call {
					return "", wubu.FieldErrorf("assignee_id", wubu.EINVALID, "At night, call the on-call technician and record the call.")
				}
				o.CalledAt = at(tx.now)
				note = strings.TrimSpace("☎ " + note)
			}
			changed := !sameUser(o.AssigneeID, req.AssigneeID)
			o.AssigneeID = req.AssigneeID
			o.AcceptedAt = nil
			if o.DispatchedAt == nil {
				o.DispatchedAt = at(tx.now)
			}
			set, err := tx.orderSettings(ctx, o.ProjectID)
			if err != nil {
				return "", err
			}
			// The promise starts on the first dispatch (or the call); a
			// reassignment keeps its due time and warns the new assignee.
			switch {
			case o.PromiseDueAt == nil:
				r := armRequest(o, set, tx.now)
				o.PromiseDueAt = at(promiseDue(r, tx.now))
				*clk = orderClock{arm: &r}
			case changed:
				if h := handOver(o, set, tx.now); h != nil {
					*clk = *h
				}
			}
			return note, nil
		}})
	if err != nil {
		return nil, err
	}
	return s.FindOrder(ctx, o.ID)
}

// sameUser reports whether two optional user IDs name the same user.
func sameUser(a, b *int64) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// teamMember checks that a user is an active member of the order's team
// serving its project, and returns their name.
func (tx *Tx) teamMember(ctx context.Context, o *wubu.Order, userID int64) (string, error) {
	var name string
	var post wubu.Post
	var disabled bool
	err := tx.queryRow(ctx, `SELECT u.name, u.post, u.disabled FROM users u JOIN user_projects up ON up.user_id = u.id AND up.project_id = ? WHERE u.id = ?`,
		o.ProjectID, userID).Scan(&name, &post, &disabled)
	if err != nil || disabled {
		return "", wubu.FieldErrorf("assignee_id", wubu.EINVALID, "Choose a technician who serves this project.")
	}
	if post != o.Team {
		return "", wubu.FieldErrorf("assignee_id", wubu.EINVALID, "%s is not in the team that does this order.", name)
	}
	return name, nil
}

// Grab takes an order up for grabs in the caller's team: the first one wins.
func (s *OrderService) Grab(ctx context.Context, id int64) (*wubu.Order, error) {
	clk := &orderClock{}
	_, o, err := s.transition(ctx, id, step{action: wubu.ActGrab, perm: wubu.PermOrderEdit, clock: clk,
		apply: func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error) {
			if o.AssigneeID != nil {
				return "", wubu.Errorf(wubu.ECONFLICT, "Order %d has already been taken by %s.", o.ID, o.AssigneeName)
			}
			if u.Post != o.Team {
				return "", wubu.Errorf(wubu.ECONFLICT, "Only the team that does order %d may grab it.", o.ID)
			}
			// The first grab wins: the row changes only if still unassigned,
			// whatever another transaction did since this one read it.
			res, err := tx.exec(ctx, `UPDATE orders SET assignee_id = ? WHERE project_id = ? AND id = ? AND assignee_id IS NULL AND state = 'dispatched'`,
				u.ID, o.ProjectID, o.ID)
			if err != nil {
				return "", err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return "", wubu.Errorf(wubu.ECONFLICT, "Order %d has already been taken by someone else.", o.ID)
			}
			o.AssigneeID, o.AssigneeName, o.AcceptedAt = &u.ID, u.Name, at(tx.now)
			set, err := tx.orderSettings(ctx, o.ProjectID)
			if err != nil {
				return "", err
			}
			if h := handOver(o, set, tx.now); h != nil {
				*clk = *h
			}
			return "", nil
		}})
	if err != nil {
		return nil, err
	}
	return s.FindOrder(ctx, o.ID)
}

// Accept records that the assignee accepted the order.
func (s *OrderService) Accept(ctx context.Context, id int64) (*wubu.Order, error) {
	_, o, err := s.transition(ctx, id, step{action: wubu.ActAccept, perm: wubu.PermOrderEdit, assigneeOnly: true,
		apply: func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error) {
			o.AcceptedAt = at(tx.now)
			return "", nil
		}})
	if err != nil {
		return nil, err
	}
	return s.FindOrder(ctx, o.ID)
}

// Arrive records that the technician is on site: the promise is judged and
// the clock disarmed.
func (s *OrderService) Arrive(ctx context.Context, id int64) (*wubu.Order, error) {
	_, o, err := s.transition(ctx, id, step{action: wubu.ActArrive, perm: wubu.PermOrderEdit, assigneeOnly: true, clock: &orderClock{stop: true},
		apply: func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error) {
			o.ArrivedAt = at(tx.now)
			if o.PromiseDueAt != nil {
				kept := !tx.now.After(*o.PromiseDueAt)
				o.PromiseKept = &kept
			}
			return "", nil
		}})
	if err != nil {
		return nil, err
	}
	return s.FindOrder(ctx, o.ID)
}

// Start starts work. Paid work needs the resident's confirmation; a rework
// after a reopening starts without a new quote.
func (s *OrderService) Start(ctx context.Context, id int64) (*wubu.Order, error) {
	_, o, err := s.transition(ctx, id, step{action: wubu.ActStart, perm: wubu.PermOrderEdit, assigneeOnly: true,
		apply: func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error) {
			switch {
			case o.QuotedAt == nil && o.Reopens == 0:
				return "", wubu.Errorf(wubu.ECONFLICT, "Quote the price to the resident before work starts.")
			case o.QuotedAt != nil && o.ConfirmedAt == nil && o.QuoteTotal() > 0:
				return "", wubu.Errorf(wubu.ECONFLICT, "The resident has not confirmed the quote: paid work cannot start.")
			}
			o.StartedAt = at(tx.now)
			return "", nil
		}})
	if err != nil {
		return nil, err
	}
	return s.FindOrder(ctx, o.ID)
}

// FollowUp records the resident's answer to the follow-up call; a poor
// answer reopens the order, re-arms its clock and alerts the team leader.
func (s *OrderService) FollowUp(ctx context.Context, id int64, req wubu.FollowUpRequest) (*wubu.Order, error) {
	comment := strings.TrimSpace(req.Comment)
	switch {
	case req.Satisfaction < 1 || req.Satisfaction > 5:
		return nil, wubu.FieldErrorf("satisfaction", wubu.EINVALID, "Satisfaction is from 1 to 5.")
	case utf8.RuneCountInString(comment) > 1000:
		return nil, wubu.FieldErrorf("comment", wubu.EINVALID, "The comment is too long (at most %d characters).", 1000)
	case req.Poor() && comment == "":
		return nil, wubu.FieldErrorf("comment", wubu.EINVALID, "Write what is wrong: the order will be reopened.")
	}
	poor := req.Poor()
	action := wubu.ActFollowUp
	if poor {
		action = wubu.ActReopen
	}
	clk := &orderClock{}
	_, o, err := s.transition(ctx, id, step{action: action, perm: wubu.PermOrderEdit, clock: clk,
		apply: func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error) {
			works := req.Works
			o.Works, o.Satisfaction, o.FollowUpNote, o.FollowedUpAt = &works, req.Satisfaction, comment, at(tx.now)
			if !poor {
				return strconv.Itoa(req.Satisfaction) + "/5", nil
			}
			// Reopened: the technician goes back with a new promise.
			o.Reopens++
			set, err := tx.orderSettings(ctx, o.ProjectID)
			if err != nil {
				return "", err
			}
			o.ArrivedAt, o.AcceptedAt, o.StartedAt, o.DoneAt, o.PromiseKept = nil, nil, nil, nil, nil
			o.DispatchedAt = at(tx.now)
			r := armRequest(o, set, tx.now)
			o.PromiseDueAt = at(promiseDue(r, tx.now))
			*clk = orderClock{arm: &r, rearm: true}
			return strconv.Itoa(req.Satisfaction) + "/5: " + comment, nil
		}})
	if err != nil {
		return nil, err
	}
	if poor {
		oid := strconv.FormatInt(o.ID, 10)
		s.notify(ctx, wubu.Notification{ProjectID: o.ProjectID, Kind: "order_reopened", To: wubu.Recipient{Role: wubu.RoleTeamLeader},
			Vars:     map[string]string{"order": oid, "room": o.RoomLabel, "item": orderSubject(o), "comment": comment, "satisfaction": strconv.Itoa(req.Satisfaction)},
			DedupKey: "order_reopened:" + oid + ":" + strconv.Itoa(o.Reopens), ObjectType: "order", ObjectID: oid})
	}
	return s.FindOrder(ctx, o.ID)
}

// Close closes a followed-up order.
func (s *OrderService) Close(ctx context.Context, id int64) (*wubu.Order, error) {
	_, o, err := s.transition(ctx, id, step{action: wubu.ActClose, perm: wubu.PermOrderEdit,
		apply: func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error) {
			o.ClosedAt = at(tx.now)
			return "", nil
		}})
	if err != nil {
		return nil, err
	}
	return s.FindOrder(ctx, o.ID)
}

// Cancel withdraws an order not yet done; its clock stops unjudged.
func (s *OrderService) Cancel(ctx context.Context, id int64, reason string) (*wubu.Order, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return nil, wubu.FieldErrorf("reason", wubu.EINVALID, "Give the reason for cancelling (at most %d characters).", 500)
	}
	clk := &orderClock{}
	_, o, err := s.transition(ctx, id, step{action: wubu.ActCancel, perm: wubu.PermOrderEdit, clock: clk,
		apply: func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error) {
			o.CancelledAt, o.CancelReason = at(tx.now), reason
			if o.ArrivedAt == nil {
				*clk = orderClock{stop: true, cancel: true}
			}
			return reason, nil
		}})
	if err != nil {
		return nil, err
	}
	return s.FindOrder(ctx, o.ID)
}
