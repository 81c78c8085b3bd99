package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/wubu-oss/wubu"
)

// Agenda titles of orders.
const (
	msgAgendaOrderNight = "Urgent order #%d at night (%s): call the on-call technician."
	msgAgendaOrderLate  = "Order #%d is late: %s, %s."
	msgAgendaOrder      = "Order #%d: %s, %s."
	msgAgendaOrderPool  = "Order #%d is up for grabs: %s, %s."
	msgAgendaFollowUp   = "Follow-up call for order #%d: %s, %s."
)

// OrderAgenda is the orders' source of the agenda (wubu.AgendaSource): a
// technician's orders by their clock and the orders up for grabs in their
// team, the follow-up calls due for assistants, the urgent night orders
// awaiting the duty person's call, and the breached promises for leaders.
type OrderAgenda struct{ db *DB }

var _ wubu.AgendaSource = (*OrderAgenda)(nil)

// NewOrderAgenda returns the orders' agenda source over db.
func NewOrderAgenda(db *DB) *OrderAgenda { return &OrderAgenda{db: db} }

// Agenda returns the orders' agenda source over the service's database.
func (s *OrderService) Agenda() *OrderAgenda { return &OrderAgenda{db: s.db} }

// Agenda returns the signed-in user's order items as of now.
func (a *OrderAgenda) Agenda(ctx context.Context, now time.Time) ([]wubu.AgendaItem, error) {
	u := wubu.UserFromContext(ctx)
	if u == nil {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	if !u.Can(wubu.PermOrderView) {
		return nil, nil
	}
	scope, scopeArgs := "", []any{}
	if !u.AllProjects() {
		if len(u.ProjectIDs) == 0 {
			return nil, nil
		}
		scope = ` AND o.project_id IN (` + placeholders(len(u.ProjectIDs)) + `)`
		scopeArgs = int64Args(u.ProjectIDs)
	}
	open := ` AND o.state NOT IN ('done', 'followed_up', 'closed', 'cancelled')`
	var items []wubu.AgendaItem
	seen := map[int64]bool{}
	add := func(where string, args []any, item func(o *wubu.Order) wubu.AgendaItem) error {
		rows, err := a.db.query(ctx, `SELECT `+orderColumns+orderFrom+` WHERE `+where+scope+` ORDER BY o.reported_at LIMIT 100`, append(args, scopeArgs...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			o, err := scanOrder(rows)
			if err != nil {
				return err
			}
			if seen[o.ID] {
				continue
			}
			seen[o.ID] = true
			it := item(o)
			it.ProjectID, it.ObjectType, it.ObjectID = o.ProjectID, "order", strconv.FormatInt(o.ID, 10)
			it.Href = "/orders/" + it.ObjectID
			if it.Due != nil {
				it.Remaining = it.Due.Sub(now)
				it.Overdue = it.Remaining < 0
			}
			it.Text = fmt.Sprintf(it.Title, it.TitleArgs...)
			items = append(items, it)
		}
		return rows.Err()
	}
	promise := func(o *wubu.Order, it wubu.AgendaItem) wubu.AgendaItem {
		it.Urgency = wubu.UrgencyNormal
		if o.PromiseDueAt != nil && o.ArrivedAt == nil {
			it.Due = o.PromiseDueAt
			it.Urgency = wubu.UrgencyHigh
			if o.PromiseDueAt.Before(now) {
				it.Urgency = wubu.UrgencyCritical
			}
		}
		return it
	}
	// The duty person: urgent orders at night awaiting the call.
	// Without a duty person on the roster, the duty managers.
	nightWhere := `o.night = ? AND o.called_at IS NULL AND (o.duty_user_id = ?`
	if u.Role == wubu.RoleDutyManager {
		nightWhere += ` OR o.duty_user_id IS NULL`
	}
	if err := add(nightWhere+`)`+open, []any{true, u.ID}, func(o *wubu.Order) wubu.AgendaItem {
		return wubu.AgendaItem{Kind: "order_night", Title: msgAgendaOrderNight, TitleArgs: []any{o.ID, o.RoomLabel},
			Urgency: wubu.UrgencyCritical, Due: &o.ReportedAt}
	}); err != nil {
		return nil, err
	}
	// Leaders: promises broken, the technician not yet on site.
	if u.Role != wubu.RoleStaff && u.Can(wubu.PermOrderDispatch) {
		where, args := `o.promise_due_at < ? AND o.arrived_at IS NULL`+open, []any{now.UTC()}
		if u.Role == wubu.RoleTeamLeader {
			where, args = where+` AND o.team = ?`, append(args, u.Post)
		}
		if err := add(where, args, func(o *wubu.Order) wubu.AgendaItem {
			return wubu.AgendaItem{Kind: "order_breached", Title: msgAgendaOrderLate, TitleArgs: []any{o.ID, orderSubject(o), o.RoomLabel},
				Urgency: wubu.UrgencyCritical, Due: o.PromiseDueAt}
		}); err != nil {
			return nil, err
		}
	}
	// The technician's own orders, by their clock.
	if err := add(`o.assignee_id = ?`+open, []any{u.ID}, func(o *wubu.Order) wubu.AgendaItem {
		return promise(o, wubu.AgendaItem{Kind: "order", Title: msgAgendaOrder, TitleArgs: []any{o.ID, orderSubject(o), o.RoomLabel}})
	}); err != nil {
		return nil, err
	}
	// Orders up for grabs in the technician's team.
	if u.Post == wubu.PostMaintenance || u.Post == wubu.PostCleaning {
		if err := add(`o.state = 'dispatched' AND o.assignee_id IS NULL AND o.team = ?`, []any{u.Post}, func(o *wubu.Order) wubu.AgendaItem {
			return promise(o, wubu.AgendaItem{Kind: "order_pool", Title: msgAgendaOrderPool, TitleArgs: []any{o.ID, orderSubject(o), o.RoomLabel}})
		}); err != nil {
			return nil, err
		}
	}
	// Assistants: follow-up calls due by the end of today (China time).
	if u.Post == wubu.PostService || u.Role == wubu.RoleManager {
		local := now.In(cst)
		endOfDay := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, cst)
		if err := add(`o.state = 'done' AND o.follow_up_due < ?`, []any{endOfDay.UTC()}, func(o *wubu.Order) wubu.AgendaItem {
			return wubu.AgendaItem{Kind: "follow_up", Title: msgAgendaFollowUp, TitleArgs: []any{o.ID, orderSubject(o), o.RoomLabel},
				Urgency: wubu.UrgencyNormal, Due: o.FollowUpDue}
		}); err != nil {
			return nil, err
		}
	}
	return items, nil
}
