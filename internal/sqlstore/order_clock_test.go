package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// inboxKinds returns the kinds of the messages in a user's inbox.
func inboxKinds(t *testing.T, ob *sqlstore.OutboxService, ctx context.Context) []string {
	t.Helper()
	msgs, _, err := ob.Inbox(ctx, false, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range msgs {
		out = append(out, m.Kind)
	}
	return out
}

func orderDeadlineKey(f *orderFixture, o *wubu.Order) wubu.DeadlineKey {
	return wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "order", ObjectID: strconv.FormatInt(o.ID, 10), Kind: "arrival"}
}

// TestOrderReassignWarnsNewTechnician: an urgent order reassigned before
// its warning keeps its due time, and the warning goes to the new
// technician, not the one it was taken from; an order grabbed from the pool
// warns the one who grabbed it.
func TestOrderReassignWarnsNewTechnician(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newOrderFixture(t, db, clock)
		ob := sqlstore.NewOutboxService(db)
		sys := f.Ctx(f.Admin)

		o := f.open(t, wubu.OrderUrgent, f.faucet)
		o = must(t)(f.orders.Dispatch(f.ctx(f.desk), o.ID, wubu.DispatchRequest{AssigneeID: &f.tech.ID}))
		due := *o.PromiseDueAt
		clock.Add(2 * time.Minute)
		o = must(t)(f.orders.Dispatch(f.ctx(f.leader), o.ID, wubu.DispatchRequest{AssigneeID: &f.tech2.ID}))
		if !o.PromiseDueAt.Equal(due) {
			t.Fatalf("reassigned: promise due %v, want it kept at %v", o.PromiseDueAt, due)
		}
		d, err := f.clocks.FindDeadline(sys, orderDeadlineKey(f, o))
		if err != nil || !d.DueAt.Equal(due) || d.State != wubu.DeadlineArmed {
			t.Fatalf("reassigned: got deadline %+v, %v; want armed, due %v", d, err, due)
		}
		// The warning, 3 minutes before the due time.
		clock.Add(5 * time.Minute)
		if _, err := f.clocks.RunDue(sys); err != nil {
			t.Fatal(err)
		}
		if d, _ := f.clocks.FindDeadline(sys, orderDeadlineKey(f, o)); d.State != wubu.DeadlineWarned {
			t.Fatalf("7 minutes: got %s, want warned", d.State)
		}
		if k := inboxKinds(t, ob, f.ctx(f.tech2)); len(k) != 1 || k[0] != "clock_warning" {
			t.Fatalf("new technician's inbox: got %v, want the warning", k)
		}
		if k := inboxKinds(t, ob, f.ctx(f.tech)); len(k) != 0 {
			t.Fatalf("former technician's inbox: got %v, want nothing", k)
		}
		if k := inboxKinds(t, ob, f.ctx(f.leader)); len(k) != 1 || k[0] != "clock_warning" {
			t.Fatalf("team leader's inbox: got %v, want the warning", k)
		}
		// The breach comes at the first due time, to the duty manager.
		clock.Add(3*time.Minute + time.Second)
		if _, err := f.clocks.RunDue(sys); err != nil {
			t.Fatal(err)
		}
		if d, _ := f.clocks.FindDeadline(sys, orderDeadlineKey(f, o)); d.State != wubu.DeadlineBreached || !d.DueAt.Equal(due) {
			t.Fatalf("10 minutes: got %s due %v, want breached at %v", d.State, d.DueAt, due)
		}

		// Up for grabs, grabbed a minute later: the grabber is warned.
		g := f.open(t, wubu.OrderUrgent, f.faucet)
		g = must(t)(f.orders.Dispatch(f.ctx(f.desk), g.ID, wubu.DispatchRequest{}))
		gdue := *g.PromiseDueAt
		clock.Add(time.Minute)
		g = must(t)(f.orders.Grab(f.ctx(f.tech), g.ID))
		if d, err := f.clocks.FindDeadline(sys, orderDeadlineKey(f, g)); err != nil || !d.DueAt.Equal(gdue) {
			t.Fatalf("grabbed: got deadline %+v, %v; want due %v", d, err, gdue)
		}
		clock.Add(6 * time.Minute)
		if _, err := f.clocks.RunDue(sys); err != nil {
			t.Fatal(err)
		}
		if k := inboxKinds(t, ob, f.ctx(f.tech)); len(k) != 1 || k[0] != "clock_warning" {
			t.Fatalf("grabber's inbox: got %v, want the warning", k)
		}
	})
}

// TestOrderReassignLateKeepsBreach: an order reassigned after its promise
// broke gets no fresh promise: its deadline stays breached, with its due
// time, and the new technician is told at once that the order is late.
func TestOrderReassignLateKeepsBreach(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newOrderFixture(t, db, clock)
		ob := sqlstore.NewOutboxService(db)
		f.orders.SetNotifier(ob)
		sys := f.Ctx(f.Admin)
		o := f.open(t, wubu.OrderUrgent, f.faucet)
		o = must(t)(f.orders.Dispatch(f.ctx(f.desk), o.ID, wubu.DispatchRequest{AssigneeID: &f.tech.ID}))
		due := *o.PromiseDueAt
		clock.Add(11 * time.Minute)
		if _, err := f.clocks.RunDue(sys); err != nil {
			t.Fatal(err)
		}
		before, err := f.clocks.FindDeadline(sys, orderDeadlineKey(f, o))
		if err != nil || before.State != wubu.DeadlineBreached {
			t.Fatalf("got %+v, %v; want breached", before, err)
		}
		o = must(t)(f.orders.Dispatch(f.ctx(f.leader), o.ID, wubu.DispatchRequest{AssigneeID: &f.tech2.ID}))
		after, err := f.clocks.FindDeadline(sys, orderDeadlineKey(f, o))
		if err != nil || after.State != wubu.DeadlineBreached || after.Generation != before.Generation || !after.DueAt.Equal(due) || !o.PromiseDueAt.Equal(due) {
			t.Fatalf("reassigned late: got %+v, %v; want the breached deadline unchanged", after, err)
		}
		if k := inboxKinds(t, ob, f.ctx(f.tech2)); len(k) != 1 || k[0] != "order_overdue_assigned" {
			t.Fatalf("new technician's inbox: got %v, want the late order", k)
		}
		msgs, _, _ := ob.Inbox(f.ctx(f.tech2), false, 0, 1)
		if !msgs[0].Urgent || msgs[0].ObjectID != strconv.FormatInt(o.ID, 10) {
			t.Fatalf("got message %+v", msgs[0])
		}
		must(t)(f.orders.Accept(f.ctx(f.tech2), o.ID))
		o = must(t)(f.orders.Arrive(f.ctx(f.tech2), o.ID))
		if o.PromiseKept == nil || *o.PromiseKept {
			t.Fatalf("got promise kept %v, want false", o.PromiseKept)
		}
		if d, _ := f.clocks.FindDeadline(sys, orderDeadlineKey(f, o)); d.State != wubu.DeadlineMissed {
			t.Fatalf("got %s, want missed", d.State)
		}
	})
}

// failingQueue fails to queue stage jobs in the arming transaction.
type failingQueue struct{}

func (failingQueue) EnqueueTx(ctx context.Context, tx *sql.Tx, jobs []sqlstore.StageJob) (bool, error) {
	return false, errors.New("queue down")
}

func (failingQueue) Enqueue(ctx context.Context, jobs []sqlstore.StageJob) error { return nil }

// TestOrderClockArmedWithOrder: the dispatch and its clock are committed
// together: when the clock cannot be armed, the dispatch fails and the
// order stays as it was (never dispatched without a clock); once it can,
// the order and its deadline agree. A cancel stops the clock in the same
// transaction.
func TestOrderClockArmedWithOrder(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newOrderFixture(t, db, clock)
		sys := f.Ctx(f.Admin)
		o := f.open(t, wubu.OrderUrgent, f.faucet)
		f.clocks.SetQueue(failingQueue{})
		if _, err := f.orders.Dispatch(f.ctx(f.desk), o.ID, wubu.DispatchRequest{AssigneeID: &f.tech.ID}); err == nil {
			t.Fatal("dispatched although the clock could not be armed")
		}
		if got, err := f.orders.FindOrder(f.ctx(f.desk), o.ID); err != nil || got.State != wubu.OrderReported || got.PromiseDueAt != nil || got.AssigneeID != nil {
			t.Fatalf("after the failed dispatch: got %+v, %v; want it unchanged", got, err)
		}
		if _, err := f.clocks.FindDeadline(sys, orderDeadlineKey(f, o)); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("got deadline error %v, want none", err)
		}
		f.clocks.SetQueue(nil)
		o = must(t)(f.orders.Dispatch(f.ctx(f.desk), o.ID, wubu.DispatchRequest{AssigneeID: &f.tech.ID}))
		d, err := f.clocks.FindDeadline(sys, orderDeadlineKey(f, o))
		if err != nil || d.State != wubu.DeadlineArmed || o.PromiseDueAt == nil || !d.DueAt.Equal(*o.PromiseDueAt) {
			t.Fatalf("got deadline %+v, %v for order due %v", d, err, o.PromiseDueAt)
		}
		clock.Add(time.Minute)
		must(t)(f.orders.Cancel(f.ctx(f.desk), o.ID, "住户已自行修好"))
		if d, _ := f.clocks.FindDeadline(sys, orderDeadlineKey(f, o)); d.State != wubu.DeadlineCancelled {
			t.Fatalf("cancelled order: got deadline %s, want cancelled", d.State)
		}
	})
}
