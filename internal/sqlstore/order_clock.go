package sqlstore

import (
	"context"
	"strconv"
	"time"

	"github.com/wubu-oss/wubu"
)

// An order's on-site clock changes in the order's own transaction when the
// clock service is this store's: the order and its deadline are committed
// together (and the first stage's job with them when the job queue can join
// the transaction), or neither is. With another wubu.ClockService the change
// is made just after the commit, and a failure is logged.

// orderClock is the clock change a step asks for.
type orderClock struct {
	// arm arms the deadline of the request; with rearm, as a new generation
	// of the order's deadline (armed afresh if it has none).
	arm   *wubu.ArmRequest
	rearm bool
	// stop disarms the running deadline (cancel: cancels it).
	stop, cancel bool
	// notify are messages the step sends, in its transaction when the
	// notifier is the store's outbox.
	notify []wubu.Notification
}

// txNotifier is a notifier that can write in a transaction of the store
// (the outbox).
type txNotifier interface {
	NotifyTx(ctx context.Context, tx *Tx, ns ...wubu.Notification) error
}

// storeClocks returns the clock service if it is this store's.
func (s *OrderService) storeClocks() *ClockService {
	c, ok := s.clocks.(*ClockService)
	if !ok || c.db != s.db {
		return nil
	}
	return c
}

// applyClockTx makes the clock change c in tx if it can. It returns the
// stage jobs to queue on commit, and the part of c left for after the
// commit (nil when none).
func (s *OrderService) applyClockTx(ctx context.Context, tx *Tx, o *wubu.Order, c *orderClock) ([]StageJob, *orderClock, error) {
	if c == nil {
		return nil, nil, nil
	}
	left := &orderClock{}
	if len(c.notify) > 0 {
		s.mu.RLock()
		n := s.notifier
		s.mu.RUnlock()
		if tn, ok := n.(txNotifier); ok {
			if err := tn.NotifyTx(ctx, tx, c.notify...); err != nil {
				return nil, nil, err
			}
		} else {
			left.notify = c.notify
		}
	}
	clocks := s.storeClocks()
	var jobs []StageJob
	switch {
	case s.clocks == nil:
	case clocks == nil:
		left.arm, left.rearm, left.stop, left.cancel = c.arm, c.rearm, c.stop, c.cancel
	case c.arm != nil:
		_, js, err := clocks.armTx(ctx, tx, []wubu.ArmRequest{*c.arm}, c.rearm)
		if c.rearm && wubu.ErrorCode(err) == wubu.ENOTFOUND {
			_, js, err = clocks.armTx(ctx, tx, []wubu.ArmRequest{*c.arm}, false)
		}
		if err != nil {
			return nil, nil, err
		}
		jobs = js
	case c.stop:
		_, err := clocks.stopTx(ctx, tx, orderKey(o), c.cancel)
		if err != nil && wubu.ErrorCode(err) != wubu.ENOTFOUND && wubu.ErrorCode(err) != wubu.ECONFLICT {
			return nil, nil, err
		}
	}
	if left.arm == nil && !left.stop && len(left.notify) == 0 {
		left = nil
	}
	return jobs, left, nil
}

// commitOrder commits an order's transaction with the jobs of the clock
// stages it armed.
func (s *OrderService) commitOrder(ctx context.Context, tx *Tx, jobs []StageJob) error {
	if c := s.storeClocks(); c != nil {
		return c.commitWithJobs(ctx, tx, jobs)
	}
	return tx.Commit()
}

// applyClockAfter makes, after the commit, the part of a clock change that
// could not be made in the order's transaction. A failure is logged: the
// order's change stands and its promise time is on the order.
func (s *OrderService) applyClockAfter(ctx context.Context, o *wubu.Order, c *orderClock) {
	if c == nil {
		return
	}
	if len(c.notify) > 0 {
		s.notify(ctx, c.notify...)
	}
	if s.clocks == nil {
		return
	}
	var err error
	switch {
	case c.arm != nil && c.rearm:
		_, err = s.clocks.Rearm(ctx, *c.arm)
		if wubu.ErrorCode(err) == wubu.ENOTFOUND {
			_, err = s.clocks.Arm(ctx, *c.arm)
		}
	case c.arm != nil:
		_, err = s.clocks.Arm(ctx, *c.arm)
	case c.stop && c.cancel:
		_, err = s.clocks.Cancel(ctx, orderKey(o))
	case c.stop:
		_, err = s.clocks.Disarm(ctx, orderKey(o))
	}
	if err != nil && (c.arm != nil || wubu.ErrorCode(err) != wubu.ENOTFOUND && wubu.ErrorCode(err) != wubu.ECONFLICT) {
		s.logger().Error("order clock not changed", "order", o.ID, "err", err)
	}
}

// handOver is the clock change of an order whose promise is running when
// it changes hands (reassigned, put up for grabs, grabbed): the deadline is
// armed again for the new assignee with the same due time, so that the
// warning goes to them and the team leaders; escalation and breach stay as
// they were. A promise already broken is not renewed: its deadline stands,
// breached, and the new assignee is told at once that the order is late.
func handOver(o *wubu.Order, set *wubu.OrderSettings, now time.Time) *orderClock {
	if o.PromiseDueAt == nil || o.ArrivedAt != nil {
		return nil
	}
	if now.Before(*o.PromiseDueAt) {
		req := armRequest(o, set, now)
		req.Due, req.After = *o.PromiseDueAt, 0
		return &orderClock{arm: &req, rearm: true}
	}
	if o.AssigneeID == nil {
		return nil
	}
	oid := strconv.FormatInt(o.ID, 10)
	return &orderClock{notify: []wubu.Notification{{ProjectID: o.ProjectID, Kind: "order_overdue_assigned", To: wubu.Recipient{UserID: *o.AssigneeID}, Urgent: true,
		Vars: map[string]string{"order": oid, "room": o.RoomLabel, "item": orderSubject(o), "due": o.PromiseDueAt.In(china).Format("2006-01-02 15:04"),
			"late_min": strconv.Itoa(int(now.Sub(*o.PromiseDueAt).Minutes()))},
		DedupKey:   "order_overdue_assigned:" + oid + ":" + strconv.FormatInt(*o.AssigneeID, 10) + ":" + strconv.FormatInt(now.UnixMilli(), 10),
		ObjectType: "order", ObjectID: oid}}}
}
