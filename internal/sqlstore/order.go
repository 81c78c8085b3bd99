package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
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

	mu sync.RWMutex
	// notifier queues the steps' notices; nil for the store's outbox, in
	// the step's own transaction.
	notifier wubu.Notifier
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
	if lock {
		q += tx.db.forUpdate("o")
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
	return s.withDetails(ctx, o)
}

// withDetails reads an order's lines and photos (its reader authorized).
func (s *OrderService) withDetails(ctx context.Context, o *wubu.Order) (*wubu.Order, error) {
	var err error
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
	if f.BuildingID != nil {
		where, args = append(where, "r.building_id = ?"), append(args, *f.BuildingID)
	}
	if f.ReportedFrom != nil {
		where, args = append(where, "o.reported_at >= ?"), append(args, f.ReportedFrom.UTC())
	}
	if f.ReportedTo != nil {
		where, args = append(where, "o.reported_at < ?"), append(args, f.ReportedTo.UTC())
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
	out, err := readOrders(ctx, s.db, `SELECT `+orderColumns+orderFrom+` WHERE `+where+` ORDER BY o.reported_at LIMIT 200`, args...)
	if err != nil {
		return nil, err
	}
	sortByClock(out)
	return out, nil
}

// readOrders runs a query of orders (orderColumns from orderFrom) and
// returns them with the time left of their promise.
func readOrders(ctx context.Context, db *DB, q string, args ...any) ([]*wubu.Order, error) {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := db.now()
	var out []*wubu.Order
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, err
		}
		withRemaining(o, now)
		out = append(out, o)
	}
	return out, rows.Err()
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
	if err := s.runner().commit(ctx, tx); err != nil {
		return nil, err
	}
	return s.FindOrder(ctx, o.ID)
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
	action, note := wubu.ActOpen, ""
	if o.Night {
		// The duty person is called at once (M8).
		action, note = wubu.ActOpenNight, "night"
	}
	if err := createIn(ctx, s.runner(), tx, orders, string(action), o, note); err != nil {
		return nil, err
	}
	return o, nil
}

// runner returns the life-cycle runner of the service's steps: its clocks,
// and its notifier (nil: the store's outbox).
func (s *OrderService) runner() *runner {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return newRunner(s.db, s.clocks, s.notifier)
}

// orders is how the life-cycle runner reads and writes orders.
var orders = &machine[*wubu.Order]{
	lc: wubu.OrderLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.Order, error) {
		return tx.findOrder(ctx, id, lock)
	},
	facts: func(o *wubu.Order) facts {
		f := facts{ProjectID: o.ProjectID, ID: o.ID, State: string(o.State), Post: o.Team, AssigneeID: o.AssigneeID, AssigneeName: o.AssigneeName,
			ReporterID: o.CreatedBy, OnDutyID: o.DutyUserID, PersonID: o.PersonID}
		// The promise is to be on site: it runs until the arrival.
		if o.ArrivedAt == nil {
			f.Due = o.PromiseDueAt
		}
		return f
	},
	setState: func(o *wubu.Order, s string) { o.State = wubu.OrderState(s) },
	insert: func(ctx context.Context, tx *Tx, o *wubu.Order) (err error) {
		o.ID, err = tx.insert(ctx, `INSERT INTO orders (project_id, category, urgency, source, state, item_id, item_name, description, appointment_at,
			person_id, room_id, appliance_id, parent_id, team, night, duty_user_id, reported_at, created_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.ProjectID, o.Category, o.Urgency, o.Source, o.State, o.ItemID, o.ItemName, o.Description, o.AppointmentAt,
			o.PersonID, o.RoomID, o.ApplianceID, o.ParentID, o.Team, o.Night, o.DutyUserID, o.ReportedAt, o.CreatedBy, o.UpdatedAt)
		if err != nil {
			return fmt.Errorf("insert order: %w", err)
		}
		return nil
	},
	save: func(ctx context.Context, tx *Tx, o *wubu.Order) error {
		o.UpdatedAt = tx.now
		return tx.saveOrder(ctx, o)
	},
	clone: func(o *wubu.Order) *wubu.Order { c := *o; return &c },
	audit: func(o *wubu.Order) any { return auditOrder(o) },
	timeline: func(o *wubu.Order, _ string) (string, string) {
		text := "#" + strconv.FormatInt(o.ID, 10) + " " + orderSubject(o)
		if o.RoomLabel != "" {
			text += " · " + o.RoomLabel
		}
		return "", text
	},
	vars: func(o *wubu.Order) map[string]string {
		v := map[string]string{"order": strconv.FormatInt(o.ID, 10), "room": o.RoomLabel, "item": orderSubject(o)}
		if o.FollowedUpAt != nil {
			v["comment"], v["satisfaction"] = o.FollowUpNote, strconv.Itoa(o.Satisfaction)
		}
		return v
	},
	// The warning's lead and the escalation follow the urgency.
	tune: func(ctx context.Context, tx *Tx, o *wubu.Order, req *wubu.ArmRequest) error {
		warn := 15 * time.Minute
		if o.Urgency == wubu.OrderUrgent && !(o.AppointmentAt != nil && o.AppointmentAt.After(tx.now)) {
			set, err := tx.orderSettings(ctx, o.ProjectID)
			if err != nil {
				return err
			}
			warn = time.Duration(set.WarnMinutes) * time.Minute
		} else {
			req.Escalation = nil
		}
		if span := req.Due.Sub(tx.now); warn >= span && span > 0 {
			warn = span / 2
		}
		req.WarnBefore = warn
		return nil
	},
}

// auditOrder is the order as the audit log records it.
func auditOrder(o *wubu.Order) map[string]any {
	return map[string]any{"state": o.State, "category": o.Category, "urgency": o.Urgency, "item": o.ItemName, "room": o.RoomLabel,
		"person_id": o.PersonID, "assignee_id": o.AssigneeID, "quote": o.QuoteTotal(), "final": o.FinalTotal()}
}

// orderStep takes a step on an order; fn applies the step's own changes.
func (s *OrderService) orderStep(ctx context.Context, id int64, action wubu.OrderAction, fn stepFunc[*wubu.Order]) (*wubu.Order, error) {
	if _, err := runStep(ctx, s.runner(), orders, id, string(action), fn); err != nil {
		return nil, err
	}
	return s.FindOrder(ctx, id)
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

// promise returns when an order's on-site promise made now falls due: the
// urgent or normal minutes of the project's settings, or the appointment.
func promise(o *wubu.Order, set *wubu.OrderSettings, now time.Time) *time.Time {
	switch {
	case o.Urgency == wubu.OrderPlanned && o.AppointmentAt != nil && o.AppointmentAt.After(now):
		return at(*o.AppointmentAt)
	case o.Urgency == wubu.OrderUrgent:
		return at(now.Add(time.Duration(set.UrgentMinutes) * time.Minute))
	}
	return at(now.Add(time.Duration(set.NormalMinutes) * time.Minute))
}

// Dispatch assigns an order, reassigns it, or puts it up for grabs.
func (s *OrderService) Dispatch(ctx context.Context, id int64, req wubu.DispatchRequest) (*wubu.Order, error) {
	return s.orderStep(ctx, id, wubu.ActDispatch, func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error) {
		note := strings.TrimSpace(req.Note)
		if utf8.RuneCountInString(note) > 500 {
			return "", wubu.FieldErrorf("note", wubu.EINVALID, "The note is too long (at most %d characters).", 500)
		}
		if req.AssigneeID != nil {
			name, err := tx.teamMember(ctx, o, *req.AssigneeID)
			if err != nil {
				return "", err
			}
			if o.AssigneeID != nil && *o.AssigneeID == *req.AssigneeID {
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
		o.AssigneeID = req.AssigneeID
		o.AcceptedAt = nil
		if o.DispatchedAt == nil {
			o.DispatchedAt = at(tx.now)
		}
		// The promise starts on the first dispatch (or the call); a
		// reassignment keeps its due time (the runner hands it over).
		if o.PromiseDueAt == nil {
			set, err := tx.orderSettings(ctx, o.ProjectID)
			if err != nil {
				return "", err
			}
			o.PromiseDueAt = promise(o, set, tx.now)
		}
		return note, nil
	})
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
	return s.orderStep(ctx, id, wubu.ActGrab, func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error) {
		if o.AssigneeID != nil {
			return "", wubu.Errorf(wubu.ECONFLICT, "Order %d has already been taken by %s.", o.ID, o.AssigneeName)
		}
		if u.Post != o.Team {
			return "", wubu.Errorf(wubu.ECONFLICT, "Only the team that does order %d may grab it.", o.ID)
		}
		o.AssigneeID, o.AssigneeName, o.AcceptedAt = &u.ID, u.Name, at(tx.now)
		return "", nil
	})
}

// Accept records that the assignee accepted the order.
func (s *OrderService) Accept(ctx context.Context, id int64) (*wubu.Order, error) {
	return s.orderStep(ctx, id, wubu.ActAccept, func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error) {
		o.AcceptedAt = at(tx.now)
		return "", nil
	})
}

// Arrive records that the technician is on site: the promise is judged and
// the clock disarmed.
func (s *OrderService) Arrive(ctx context.Context, id int64) (*wubu.Order, error) {
	return s.orderStep(ctx, id, wubu.ActArrive, func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error) {
		o.ArrivedAt = at(tx.now)
		if o.PromiseDueAt != nil {
			kept := !tx.now.After(*o.PromiseDueAt)
			o.PromiseKept = &kept
		}
		return "", nil
	})
}

// Start starts work. Paid work needs the resident's confirmation; a rework
// after a reopening starts without a new quote.
func (s *OrderService) Start(ctx context.Context, id int64) (*wubu.Order, error) {
	return s.orderStep(ctx, id, wubu.ActStart, func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error) {
		switch {
		case o.QuotedAt == nil && o.Reopens == 0:
			return "", wubu.Errorf(wubu.ECONFLICT, "Quote the price to the resident before work starts.")
		case o.QuotedAt != nil && o.ConfirmedAt == nil && o.QuoteTotal() > 0:
			return "", wubu.Errorf(wubu.ECONFLICT, "The resident has not confirmed the quote: paid work cannot start.")
		}
		o.StartedAt = at(tx.now)
		return "", nil
	})
}

// FollowUp records the resident's answer to the follow-up call; a poor
// answer reopens the order, re-arms its clock and alerts the team leaders.
func (s *OrderService) FollowUp(ctx context.Context, id int64, req wubu.FollowUpRequest) (*wubu.Order, error) {
	action, fn, err := followUpStep(req)
	if err != nil {
		return nil, err
	}
	return s.orderStep(ctx, id, action, fn)
}

// followUpStep checks a follow-up answer and returns its step: followed
// up, or reopened when poor (the technician goes back with a new promise).
func followUpStep(req wubu.FollowUpRequest) (wubu.OrderAction, stepFunc[*wubu.Order], error) {
	comment := strings.TrimSpace(req.Comment)
	switch {
	case req.Satisfaction < 1 || req.Satisfaction > 5:
		return "", nil, wubu.FieldErrorf("satisfaction", wubu.EINVALID, "Satisfaction is from 1 to 5.")
	case utf8.RuneCountInString(comment) > 1000:
		return "", nil, wubu.FieldErrorf("comment", wubu.EINVALID, "The comment is too long (at most %d characters).", 1000)
	case req.Poor() && comment == "":
		return "", nil, wubu.FieldErrorf("comment", wubu.EINVALID, "Write what is wrong: the order will be reopened.")
	}
	poor := req.Poor()
	action := wubu.ActFollowUp
	if poor {
		action = wubu.ActReopen
	}
	return action, func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error) {
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
		o.PromiseDueAt = promise(o, set, tx.now)
		return strconv.Itoa(req.Satisfaction) + "/5: " + comment, nil
	}, nil
}

// Close closes a followed-up order.
func (s *OrderService) Close(ctx context.Context, id int64) (*wubu.Order, error) {
	return s.orderStep(ctx, id, wubu.ActClose, func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error) {
		o.ClosedAt = at(tx.now)
		return "", nil
	})
}

// Cancel withdraws an order not yet done; its clock stops unjudged (a
// promise already judged on arrival stays judged).
func (s *OrderService) Cancel(ctx context.Context, id int64, reason string) (*wubu.Order, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return nil, wubu.FieldErrorf("reason", wubu.EINVALID, "Give the reason for cancelling (at most %d characters).", 500)
	}
	return s.orderStep(ctx, id, wubu.ActCancel, func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error) {
		o.CancelledAt, o.CancelReason = at(tx.now), reason
		return reason, nil
	})
}
