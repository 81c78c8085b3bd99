package sqlstore_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// orderFixture is a project with a price list, a resident in a room, and
// the staff of the maintenance method: the front desk, two technicians, a
// team leader, a duty manager.
type orderFixture struct {
	*wubutest.Fixture
	clock  *wubutest.Clock
	clocks *sqlstore.ClockService
	orders *sqlstore.OrderService
	sent   *recordingNotifier

	desk, tech, tech2, leader, dutyMgr *wubu.User
	person                             *wubu.Person
	room                               int64
	faucet, unblock, washer            *wubu.PriceItem
}

// recordingNotifier keeps the notifications asked for.
type recordingNotifier struct {
	mu sync.Mutex
	ns []wubu.Notification
}

func (r *recordingNotifier) Notify(ctx context.Context, ns ...wubu.Notification) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ns = append(r.ns, ns...)
	return nil
}

func (r *recordingNotifier) kinds() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, n := range r.ns {
		out = append(out, n.Kind)
	}
	return out
}

func newOrderFixture(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) *orderFixture {
	t.Helper()
	f := &orderFixture{Fixture: wubutest.NewFixture(t, db), clock: clock, sent: &recordingNotifier{}}
	cal, err := calendar.New()
	if err != nil {
		t.Fatal(err)
	}
	f.clocks = sqlstore.NewClockService(db, calendar.Schedule{Calendar: cal})
	f.orders = sqlstore.NewOrderService(db, f.clocks, f.sent)
	admin := f.Ctx(f.Admin)
	org := sqlstore.NewOrgService(db)
	if _, err := org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: f.ProjectA.ID, Building: "3", Units: 1, Floors: 2, PerFloor: 2}); err != nil {
		t.Fatal(err)
	}
	rooms, _, err := org.FindRooms(admin, wubu.RoomFilter{ProjectID: f.ProjectA.ID, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	f.room = rooms[0].ID
	f.person = &wubu.Person{ProjectID: f.ProjectA.ID, Name: "王芳", Phones: []string{"13800138000"}}
	if err := sqlstore.NewResidentService(db).CreatePersonInRoom(admin, f.person, &wubu.Household{RoomID: f.room, Relation: wubu.RelationOwner}); err != nil {
		t.Fatal(err)
	}
	f.desk = f.User(t, "desk", wubu.RoleStaff, wubu.PostService, f.ProjectA)
	f.tech = f.User(t, "tech", wubu.RoleStaff, wubu.PostMaintenance, f.ProjectA)
	f.tech2 = f.User(t, "tech2", wubu.RoleStaff, wubu.PostMaintenance, f.ProjectA)
	f.leader = f.User(t, "leader", wubu.RoleTeamLeader, wubu.PostMaintenance, f.ProjectA)
	f.dutyMgr = f.User(t, "dutymgr", wubu.RoleDutyManager, wubu.PostNone, f.ProjectA)
	f.faucet = &wubu.PriceItem{ProjectID: f.ProjectA.ID, Category: wubu.CategoryRepair, Kind: wubu.PriceLabour, Name: "更换水龙头", Unit: "个", Price: 3000, Free: true}
	f.unblock = &wubu.PriceItem{ProjectID: f.ProjectA.ID, Category: wubu.CategoryRepair, Kind: wubu.PriceLabour, Name: "疏通下水道", Unit: "次", Price: 8000}
	f.washer = &wubu.PriceItem{ProjectID: f.ProjectA.ID, Category: wubu.CategoryRepair, Kind: wubu.PriceMaterial, Name: "水龙头垫片", Unit: "个", Price: 500}
	for _, it := range []*wubu.PriceItem{f.faucet, f.unblock, f.washer} {
		if err := f.orders.SavePriceItem(admin, it); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *orderFixture) ctx(u *wubu.User) context.Context { return f.Ctx(u) }

// open opens an order for the fixture's resident.
func (f *orderFixture) open(t *testing.T, urgency wubu.OrderUrgency, item *wubu.PriceItem) *wubu.Order {
	t.Helper()
	n := &wubu.NewOrder{ProjectID: f.ProjectA.ID, Urgency: urgency, PersonID: &f.person.ID, Description: "厨房水龙头漏水"}
	if item != nil {
		n.ItemID = &item.ID
	}
	o, err := f.orders.CreateOrder(f.ctx(f.desk), n)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// toArrived opens an urgent order and brings it to the technician on site.
func (f *orderFixture) toArrived(t *testing.T, item *wubu.PriceItem) *wubu.Order {
	t.Helper()
	o := f.open(t, wubu.OrderUrgent, item)
	must(t)(f.orders.Dispatch(f.ctx(f.desk), o.ID, wubu.DispatchRequest{AssigneeID: &f.tech.ID}))
	must(t)(f.orders.Accept(f.ctx(f.tech), o.ID))
	f.clock.Add(4 * time.Minute)
	return must(t)(f.orders.Arrive(f.ctx(f.tech), o.ID))
}

var fullChecklist = wubu.Checklist{SiteCleaned: true, TicketFilled: true, CodeFollowed: true, AskedOther: true, Tools: true, FloorMat: true, Cloth: true, ShoeCovers: true}

func must(t *testing.T) func(*wubu.Order, error) *wubu.Order {
	return func(o *wubu.Order, err error) *wubu.Order {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
}

// TestOrderLifecycle walks an urgent repair through every state: the
// promise kept, the quote confirmed at the door, the 1234 checklist, the
// follow-up and the close; each step on the timeline and in the events.
func TestOrderLifecycle(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newOrderFixture(t, db, clock)
		o := f.open(t, wubu.OrderUrgent, f.faucet)
		if o.State != wubu.OrderReported || o.Night || o.RoomLabel != "3-1-101" || o.ItemName != "更换水龙头" || o.Team != wubu.PostMaintenance {
			t.Fatalf("got %+v", o)
		}
		o = must(t)(f.orders.Dispatch(f.ctx(f.desk), o.ID, wubu.DispatchRequest{AssigneeID: &f.tech.ID}))
		if o.PromiseDueAt == nil || !o.PromiseDueAt.Equal(clock.Now().Add(10*time.Minute)) {
			t.Fatalf("got promise %v, want 10 minutes from dispatch", o.PromiseDueAt)
		}
		d, err := f.clocks.FindDeadline(f.ctx(f.desk), wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "order", ObjectID: strconv.FormatInt(o.ID, 10), Kind: "arrival"})
		if err != nil || d.State != wubu.DeadlineArmed || !d.DueAt.Equal(*o.PromiseDueAt) {
			t.Fatalf("got deadline %+v, %v", d, err)
		}
		// Only the assignee (or a leader) accepts.
		_, err = f.orders.Accept(f.ctx(f.tech2), o.ID)
		wantCode(t, err, wubu.ECONFLICT)
		must(t)(f.orders.Accept(f.ctx(f.tech), o.ID))
		clock.Add(6 * time.Minute)
		o = must(t)(f.orders.Arrive(f.ctx(f.tech), o.ID))
		if o.PromiseKept == nil || !*o.PromiseKept || o.Remaining != nil {
			t.Fatalf("got promise kept %v, want true", o.PromiseKept)
		}
		if d, _ := f.clocks.FindDeadline(f.ctx(f.desk), wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "order", ObjectID: strconv.FormatInt(o.ID, 10), Kind: "arrival"}); d.State != wubu.DeadlineMet {
			t.Fatalf("got deadline state %s, want met", d.State)
		}
		// Quote, then no paid work before the resident confirms.
		o = must(t)(f.orders.Quote(f.ctx(f.tech), o.ID, wubu.QuoteRequest{Lines: []wubu.QuoteLineRequest{
			{PriceItemID: &f.faucet.ID, Quantity: 1}, {PriceItemID: &f.washer.ID, Quantity: 2}}}))
		if o.QuoteLabour != 3000 || o.QuoteMaterials != 1000 || len(o.QuoteLines) != 2 {
			t.Fatalf("got quote %d + %d, %d lines", o.QuoteLabour, o.QuoteMaterials, len(o.QuoteLines))
		}
		_, err = f.orders.Start(f.ctx(f.tech), o.ID)
		wantCode(t, err, wubu.ECONFLICT)
		_, err = f.orders.Confirm(f.ctx(f.tech), o.ID, wubu.ConfirmRequest{By: "", Method: "signature"})
		wantCode(t, err, wubu.EINVALID)
		o = must(t)(f.orders.Confirm(f.ctx(f.tech), o.ID, wubu.ConfirmRequest{By: "王芳", Method: "signature"}))
		if o.ConfirmedBy != "王芳" || o.ConfirmMethod != "signature" || o.ConfirmedAt == nil {
			t.Fatalf("got confirmation %q %q", o.ConfirmedBy, o.ConfirmMethod)
		}
		must(t)(f.orders.Start(f.ctx(f.tech), o.ID))
		// The checklist is required, item by item.
		partial := fullChecklist
		partial.ShoeCovers = false
		_, _, err = f.orders.Done(f.ctx(f.tech), o.ID, wubu.DoneRequest{Checklist: partial})
		wantCode(t, err, wubu.EINVALID)
		clock.Add(3 * time.Minute)
		o, others, err := f.orders.Done(f.ctx(f.tech), o.ID, wubu.DoneRequest{Checklist: fullChecklist,
			Others: []wubu.NewOrder{{Description: "卫生间灯不亮"}}})
		if err != nil {
			t.Fatal(err)
		}
		if !o.LabourWaived || o.FinalLabour != 0 || o.FinalMaterials != 1000 || !o.Checklist.OnTime {
			t.Fatalf("got waived %v labour %d materials %d on time %v", o.LabourWaived, o.FinalLabour, o.FinalMaterials, o.Checklist.OnTime)
		}
		if len(others) != 1 || others[0].ParentID == nil || *others[0].ParentID != o.ID || others[0].Source != wubu.SourceLinked || others[0].RoomLabel != "3-1-101" {
			t.Fatalf("got linked orders %+v", others)
		}
		if o.FollowUpDue == nil || !o.FollowUpDue.Equal(clock.Now().AddDate(0, 0, 3)) {
			t.Fatalf("got follow-up due %v, want in 3 days", o.FollowUpDue)
		}
		// Closing before the follow-up is refused.
		_, err = f.orders.Close(f.ctx(f.desk), o.ID)
		wantCode(t, err, wubu.ECONFLICT)
		o = must(t)(f.orders.FollowUp(f.ctx(f.desk), o.ID, wubu.FollowUpRequest{Works: true, Satisfaction: 5, Comment: "很满意"}))
		if o.State != wubu.OrderFollowedUp {
			t.Fatalf("got %s, want followed_up", o.State)
		}
		o = must(t)(f.orders.Close(f.ctx(f.desk), o.ID))
		if o.State != wubu.OrderClosed || o.ClosedAt == nil {
			t.Fatalf("got %s", o.State)
		}
		events, err := f.orders.Events(f.ctx(f.desk), o.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range events {
			actions = append(actions, string(e.Action))
			if e.UserID == nil || e.UserName == "" {
				t.Errorf("event %s has no user", e.Action)
			}
		}
		want := "open dispatch accept arrive quote confirm start done follow_up close"
		if got := joinWords(actions); got != want {
			t.Fatalf("got events %q, want %q", got, want)
		}
		tl, err := sqlstore.NewResidentService(db).Timeline(f.ctx(f.desk), f.person.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range tl {
			if len(e.Kind) > 6 && e.Kind[:6] == "order." {
				n++
			}
		}
		if n != 11 { // ten of this order, one of the linked one
			t.Fatalf("got %d order entries on the timeline, want 11", n)
		}
	})
}

func joinWords(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += " "
		}
		out += s
	}
	return out
}

// TestOrderFreeWithinTenMinutes is the 1234 rule's "one free": done 9:59
// after arrival, the free-listed item's labour is waived; 10:01, it is not;
// an item not on the free list is never free.
func TestOrderFreeWithinTenMinutes(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newOrderFixture(t, db, clock)
		for _, tc := range []struct {
			name   string
			item   *wubu.PriceItem
			after  time.Duration
			waived bool
		}{
			{"9m59s", f.faucet, 9*time.Minute + 59*time.Second, true},
			{"10m01s", f.faucet, 10*time.Minute + time.Second, false},
			{"NotOnFreeList", f.unblock, 5 * time.Minute, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				o := f.toArrived(t, tc.item)
				must(t)(f.orders.Quote(f.ctx(f.tech), o.ID, wubu.QuoteRequest{Lines: []wubu.QuoteLineRequest{{PriceItemID: &tc.item.ID, Quantity: 1}}}))
				must(t)(f.orders.Confirm(f.ctx(f.tech), o.ID, wubu.ConfirmRequest{By: "王芳", Method: "verbal"}))
				must(t)(f.orders.Start(f.ctx(f.tech), o.ID))
				clock.Set(o.ArrivedAt.Add(tc.after))
				done, _, err := f.orders.Done(f.ctx(f.tech), o.ID, wubu.DoneRequest{Checklist: fullChecklist})
				if err != nil {
					t.Fatal(err)
				}
				wantLabour := tc.item.Price
				if tc.waived {
					wantLabour = 0
				}
				if done.LabourWaived != tc.waived || done.FinalLabour != wantLabour {
					t.Fatalf("got waived %v labour %d, want %v %d", done.LabourWaived, done.FinalLabour, tc.waived, wantLabour)
				}
			})
		}
	})
}

// TestOrderFinalBillNeedsReason: a bill different from the quote is
// refused without a reason, and nothing changes; with one it stands.
func TestOrderFinalBillNeedsReason(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newOrderFixture(t, db, clock)
		o := f.toArrived(t, f.unblock)
		must(t)(f.orders.Quote(f.ctx(f.tech), o.ID, wubu.QuoteRequest{Lines: []wubu.QuoteLineRequest{{PriceItemID: &f.unblock.ID, Quantity: 1}}}))
		must(t)(f.orders.Confirm(f.ctx(f.tech), o.ID, wubu.ConfirmRequest{By: "王芳", Method: "signature"}))
		must(t)(f.orders.Start(f.ctx(f.tech), o.ID))
		clock.Add(30 * time.Minute)
		bigger := &wubu.QuoteRequest{Lines: []wubu.QuoteLineRequest{{PriceItemID: &f.unblock.ID, Quantity: 1}, {Name: "弯头", UnitPrice: 1200, Quantity: 1}}}
		_, _, err := f.orders.Done(f.ctx(f.tech), o.ID, wubu.DoneRequest{Checklist: fullChecklist, Final: bigger})
		wantCode(t, err, wubu.EINVALID)
		if e := wubu.AsError(err); e.Field != "reason" {
			t.Fatalf("got field %q, want reason", e.Field)
		}
		if got := must(t)(f.orders.FindOrder(f.ctx(f.tech), o.ID)); got.State != wubu.OrderInProgress || len(got.FinalLines) != 0 {
			t.Fatalf("a refused completion changed the order: %s, %d final lines", got.State, len(got.FinalLines))
		}
		done, _, err := f.orders.Done(f.ctx(f.tech), o.ID, wubu.DoneRequest{Checklist: fullChecklist, Final: bigger, Reason: "弯头老化，住户同意更换"})
		if err != nil {
			t.Fatal(err)
		}
		if done.FinalTotal() != 9200 || done.FinalReason == "" || done.QuoteTotal() != 8000 {
			t.Fatalf("got final %d (%q), quote %d", done.FinalTotal(), done.FinalReason, done.QuoteTotal())
		}
	})
}

// TestOrderIllegalTransitions: the state machine refuses steps out of
// order with ECONFLICT, and a refused step writes nothing.
func TestOrderIllegalTransitions(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newOrderFixture(t, db, clock)
		o := f.open(t, wubu.OrderNormal, f.faucet)
		_, err := f.orders.Arrive(f.ctx(f.leader), o.ID)
		wantCode(t, err, wubu.ECONFLICT)
		if msg := wubu.ErrorMessage(err); msg != "Order "+strconv.FormatInt(o.ID, 10)+" has not been dispatched yet: this step is not possible now." {
			t.Fatalf("got message %q", msg)
		}
		_, _, err = f.orders.Done(f.ctx(f.leader), o.ID, wubu.DoneRequest{Checklist: fullChecklist})
		wantCode(t, err, wubu.ECONFLICT)
		_, err = f.orders.FollowUp(f.ctx(f.desk), o.ID, wubu.FollowUpRequest{Works: true, Satisfaction: 4})
		wantCode(t, err, wubu.ECONFLICT)
		// A technician may not dispatch; a cleaner may not be assigned a repair.
		_, err = f.orders.Dispatch(f.ctx(f.tech), o.ID, wubu.DispatchRequest{AssigneeID: &f.tech.ID})
		wantCode(t, err, wubu.EFORBIDDEN)
		cleaner := f.User(t, "cleaner", wubu.RoleStaff, wubu.PostCleaning, f.ProjectA)
		_, err = f.orders.Dispatch(f.ctx(f.desk), o.ID, wubu.DispatchRequest{AssigneeID: &cleaner.ID})
		wantCode(t, err, wubu.EINVALID)
		events, _ := f.orders.Events(f.ctx(f.desk), o.ID)
		if len(events) != 1 {
			t.Fatalf("got %d events, want only the opening", len(events))
		}
		// Cancelled is final.
		must(t)(f.orders.Cancel(f.ctx(f.desk), o.ID, "住户自行修好"))
		_, err = f.orders.Dispatch(f.ctx(f.desk), o.ID, wubu.DispatchRequest{AssigneeID: &f.tech.ID})
		wantCode(t, err, wubu.ECONFLICT)
		// Another project's staff do not see the order.
		other := f.User(t, "otherdesk", wubu.RoleStaff, wubu.PostService, f.ProjectB)
		_, err = f.orders.FindOrder(f.ctx(other), o.ID)
		wantCode(t, err, wubu.ENOTFOUND)
		_, err = f.orders.Cancel(f.ctx(other), o.ID, "x")
		wantCode(t, err, wubu.ENOTFOUND)
	})
}

// TestOrderPoorFollowUpReopens: a poor answer reopens the order, re-arms
// its clock and alerts the team leader; the rework is free.
func TestOrderPoorFollowUpReopens(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newOrderFixture(t, db, clock)
		o := f.toArrived(t, f.unblock)
		must(t)(f.orders.Quote(f.ctx(f.tech), o.ID, wubu.QuoteRequest{Lines: []wubu.QuoteLineRequest{{PriceItemID: &f.unblock.ID, Quantity: 1}}}))
		must(t)(f.orders.Confirm(f.ctx(f.tech), o.ID, wubu.ConfirmRequest{By: "王芳", Method: "signature"}))
		must(t)(f.orders.Start(f.ctx(f.tech), o.ID))
		clock.Add(20 * time.Minute)
		if _, _, err := f.orders.Done(f.ctx(f.tech), o.ID, wubu.DoneRequest{Checklist: fullChecklist}); err != nil {
			t.Fatal(err)
		}
		clock.Add(72 * time.Hour)
		// A poor answer needs the comment.
		_, err := f.orders.FollowUp(f.ctx(f.desk), o.ID, wubu.FollowUpRequest{Works: true, Satisfaction: 2})
		wantCode(t, err, wubu.EINVALID)
		o = must(t)(f.orders.FollowUp(f.ctx(f.desk), o.ID, wubu.FollowUpRequest{Works: false, Satisfaction: 3, Comment: "又堵了"}))
		if o.State != wubu.OrderReopened || o.Reopens != 1 || o.ArrivedAt != nil || o.PromiseDueAt == nil {
			t.Fatalf("got %s reopens %d arrived %v", o.State, o.Reopens, o.ArrivedAt)
		}
		d, err := f.clocks.FindDeadline(f.ctx(f.desk), wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "order", ObjectID: strconv.FormatInt(o.ID, 10), Kind: "arrival"})
		if err != nil || d.Generation != 2 || !d.State.Running() || !d.DueAt.Equal(*o.PromiseDueAt) {
			t.Fatalf("got deadline %+v, %v; want the second generation running", d, err)
		}
		kinds := f.sent.kinds()
		if len(kinds) != 1 || kinds[0] != "order_reopened" || f.sent.ns[0].To.Role != wubu.RoleTeamLeader {
			t.Fatalf("got notifications %v", f.sent.ns)
		}
		// The assignee goes back: accept, arrive, start without a new quote, done.
		must(t)(f.orders.Accept(f.ctx(f.tech), o.ID))
		clock.Add(5 * time.Minute)
		o = must(t)(f.orders.Arrive(f.ctx(f.tech), o.ID))
		if o.PromiseKept == nil || !*o.PromiseKept {
			t.Fatalf("got promise kept %v on the rework", o.PromiseKept)
		}
		must(t)(f.orders.Start(f.ctx(f.tech), o.ID))
		done, _, err := f.orders.Done(f.ctx(f.tech), o.ID, wubu.DoneRequest{Checklist: fullChecklist})
		if err != nil {
			t.Fatal(err)
		}
		if done.FinalTotal() != 8000 {
			t.Fatalf("got the rework billed %d, want the first bill unchanged", done.FinalTotal())
		}
		// A good answer then.
		o = must(t)(f.orders.FollowUp(f.ctx(f.desk), o.ID, wubu.FollowUpRequest{Works: true, Satisfaction: 4}))
		if o.State != wubu.OrderFollowedUp {
			t.Fatalf("got %s", o.State)
		}
	})
}

// TestOrderNightDuty: the 22:30 boundary. At 22:29:59 an urgent order is a
// day order; at 22:30 it goes to the duty person, dispatch needs the call
// to the on-call technician, and the 10-minute clock runs from the call.
// Weekends and holidays follow the business calendar and their own hours.
func TestOrderNightDuty(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newOrderFixture(t, db, clock)
		admin := f.Ctx(f.Admin)
		night := f.User(t, "nightdesk", wubu.RoleStaff, wubu.PostService, f.ProjectA)
		for _, e := range []*wubu.RosterEntry{
			{ProjectID: f.ProjectA.ID, Day: "workday", DutyUserID: &night.ID, OnCallUserID: &f.tech2.ID},
			{ProjectID: f.ProjectA.ID, Day: "restday", DutyUserID: &f.desk.ID, OnCallUserID: &f.tech.ID},
		} {
			if err := f.orders.SaveRosterEntry(admin, e); err != nil {
				t.Fatal(err)
			}
		}
		err := f.orders.SaveRosterEntry(admin, &wubu.RosterEntry{ProjectID: f.ProjectA.ID, Day: "workday", OnCallUserID: &f.desk.ID})
		wantCode(t, err, wubu.EINVALID)

		cst := time.FixedZone("CST", 8*3600)
		clock.Set(time.Date(2026, 11, 27, 22, 29, 59, 0, cst)) // a Friday
		day := f.open(t, wubu.OrderUrgent, f.faucet)
		if day.Night || day.DutyUserID != nil {
			t.Fatalf("22:29:59: got night %v, want a day order", day.Night)
		}
		clock.Set(time.Date(2026, 11, 27, 22, 30, 0, 0, cst))
		o := f.open(t, wubu.OrderUrgent, f.faucet)
		if !o.Night || o.DutyUserID == nil || *o.DutyUserID != night.ID {
			t.Fatalf("22:30: got night %v duty %v, want the duty person", o.Night, o.DutyUserID)
		}
		if k := f.sent.kinds(); len(k) != 1 || k[0] != "order_night_call" || f.sent.ns[0].To.UserID != night.ID {
			t.Fatalf("got notifications %v", f.sent.ns)
		}
		// A normal order at night is not a night call.
		if n := f.open(t, wubu.OrderNormal, f.unblock); n.Night {
			t.Fatal("a normal order was treated as a night call")
		}
		// The duty person's agenda shows it.
		items, err := f.orders.Agenda().Agenda(f.ctx(night), clock.Now())
		if err != nil || len(items) != 1 || items[0].Kind != "order_night" || items[0].Urgency != wubu.UrgencyCritical {
			t.Fatalf("got agenda %+v, %v", items, err)
		}
		// Dispatch without the call is refused; with it the clock runs from the call.
		_, err = f.orders.Dispatch(f.ctx(night), o.ID, wubu.DispatchRequest{AssigneeID: &f.tech2.ID})
		wantCode(t, err, wubu.EINVALID)
		_, err = f.orders.Dispatch(f.ctx(night), o.ID, wubu.DispatchRequest{})
		wantCode(t, err, wubu.EINVALID)
		clock.Add(3 * time.Minute)
		o = must(t)(f.orders.Dispatch(f.ctx(night), o.ID, wubu.DispatchRequest{AssigneeID: &f.tech2.ID, Call: true, Note: "电话已接通"}))
		if o.CalledAt == nil || !o.CalledAt.Equal(clock.Now()) || !o.PromiseDueAt.Equal(clock.Now().Add(10*time.Minute)) {
			t.Fatalf("got call %v promise %v, want the promise 10 minutes from the call", o.CalledAt, o.PromiseDueAt)
		}
		events, _ := f.orders.Events(f.ctx(night), o.ID)
		if last := events[len(events)-1]; last.Note != "☎ 电话已接通" || last.UserID == nil || *last.UserID != night.ID {
			t.Fatalf("got the call recorded as %+v", last)
		}
		// The small hours belong to the night before.
		st, err := f.orders.Duty(admin, f.ProjectA.ID, time.Date(2026, 11, 28, 2, 0, 0, 0, cst))
		if err != nil || !st.Night || st.Date != "2026-11-27" || st.RestDay || st.Roster.DutyUserID == nil || *st.Roster.DutyUserID != night.ID {
			t.Fatalf("got %+v, %v", st, err)
		}
		// Weekends follow the rest-day hours and roster.
		set := wubu.DefaultOrderSettings(f.ProjectA.ID)
		set.RestUntil = "20:00"
		if err := f.orders.SaveSettings(admin, set); err != nil {
			t.Fatal(err)
		}
		st, err = f.orders.Duty(admin, f.ProjectA.ID, time.Date(2026, 11, 28, 20, 30, 0, 0, cst)) // Saturday
		if err != nil || !st.Night || !st.RestDay || *st.Roster.DutyUserID != f.desk.ID {
			t.Fatalf("Saturday 20:30: got %+v, %v", st, err)
		}
		if st, _ := f.orders.Duty(admin, f.ProjectA.ID, time.Date(2026, 11, 30, 20, 30, 0, 0, cst)); st.Night { // Monday
			t.Fatal("Monday 20:30 counted as night")
		}
		// New Year's Day 2027 is a Friday and a statutory holiday.
		if st, _ := f.orders.Duty(admin, f.ProjectA.ID, time.Date(2027, 1, 1, 21, 0, 0, 0, cst)); !st.Night || !st.RestDay {
			t.Fatalf("New Year's Day 21:00: got %+v, want a rest-day night", st)
		}
		// A dated entry overrides the kind of day.
		if err := f.orders.SaveRosterEntry(admin, &wubu.RosterEntry{ProjectID: f.ProjectA.ID, Day: "2027-01-01", DutyUserID: &night.ID}); err != nil {
			t.Fatal(err)
		}
		if st, _ := f.orders.Duty(admin, f.ProjectA.ID, time.Date(2027, 1, 1, 21, 0, 0, 0, cst)); *st.Roster.DutyUserID != night.ID {
			t.Fatalf("got %+v, want the dated entry", st.Roster)
		}
		// Bad settings are refused and change nothing.
		bad := wubu.DefaultOrderSettings(f.ProjectA.ID)
		bad.DayUntil = "25:00"
		wantCode(t, f.orders.SaveSettings(admin, bad), wubu.EINVALID)
		if got, _ := f.orders.Settings(admin, f.ProjectA.ID); got.DayUntil != "22:30" || got.RestUntil != "20:00" {
			t.Fatalf("got %+v", got)
		}
	})
}

// TestOrderGrabRace: an order put up for grabs in the team; two
// technicians grab it at once; exactly one wins.
func TestOrderGrabRace(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newOrderFixture(t, db, clock)
		for round := 0; round < 5; round++ {
			o := f.open(t, wubu.OrderUrgent, f.faucet)
			o = must(t)(f.orders.Dispatch(f.ctx(f.desk), o.ID, wubu.DispatchRequest{}))
			if o.State != wubu.OrderDispatched || o.AssigneeID != nil {
				t.Fatalf("got %s assignee %v", o.State, o.AssigneeID)
			}
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, u := range []*wubu.User{f.tech, f.tech2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = f.orders.Grab(f.ctx(u), o.ID)
				}()
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				switch wubu.ErrorCode(err) {
				case "":
					won++
				case wubu.ECONFLICT:
				default:
					t.Fatalf("grab: %v", err)
				}
			}
			if won != 1 {
				t.Fatalf("round %d: %d technicians won the grab (%v)", round, won, errs)
			}
			got := must(t)(f.orders.FindOrder(f.ctx(f.desk), o.ID))
			if got.State != wubu.OrderAccepted || got.AssigneeID == nil {
				t.Fatalf("got %s assignee %v", got.State, got.AssigneeID)
			}
			events, _ := f.orders.Events(f.ctx(f.desk), o.ID)
			if len(events) != 3 {
				t.Fatalf("got %d events, want open, dispatch, grab", len(events))
			}
		}
		// Someone outside the team cannot grab.
		o := f.open(t, wubu.OrderNormal, nil)
		must(t)(f.orders.Dispatch(f.ctx(f.desk), o.ID, wubu.DispatchRequest{}))
		_, err := f.orders.Grab(f.ctx(f.desk), o.ID)
		wantCode(t, err, wubu.ECONFLICT)
	})
}

// TestOrderUrgentBreachEscalates: the technician not on site in time, the
// warning fires at 7 minutes, the breach at 10 (to the duty manager), the
// leader's agenda shows the late order, and arriving records the promise
// broken.
func TestOrderUrgentBreachEscalates(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newOrderFixture(t, db, clock)
		o := f.open(t, wubu.OrderUrgent, f.faucet)
		o = must(t)(f.orders.Dispatch(f.ctx(f.desk), o.ID, wubu.DispatchRequest{AssigneeID: &f.tech.ID}))
		key := wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "order", ObjectID: strconv.FormatInt(o.ID, 10), Kind: "arrival"}
		sys := f.Ctx(f.Admin)
		clock.Add(7 * time.Minute)
		if _, err := f.clocks.RunDue(sys); err != nil {
			t.Fatal(err)
		}
		if d, _ := f.clocks.FindDeadline(sys, key); d.State != wubu.DeadlineWarned {
			t.Fatalf("7 minutes: got %s, want warned", d.State)
		}
		items, _ := f.orders.Agenda().Agenda(f.ctx(f.tech), clock.Now())
		if len(items) != 1 || items[0].Urgency != wubu.UrgencyHigh || items[0].Remaining != 3*time.Minute {
			t.Fatalf("got the technician's agenda %+v", items)
		}
		clock.Add(3*time.Minute + time.Second)
		if _, err := f.clocks.RunDue(sys); err != nil {
			t.Fatal(err)
		}
		d, _ := f.clocks.FindDeadline(sys, key)
		if d.State != wubu.DeadlineBreached {
			t.Fatalf("10 minutes: got %s, want breached", d.State)
		}
		events, err := f.clocks.Events(sys, f.ProjectA.ID, d.ID)
		if err != nil || len(events) != 2 || events[1].Stage != wubu.StageBreach {
			t.Fatalf("got clock events %+v, %v", events, err)
		}
		for _, u := range []*wubu.User{f.leader, f.dutyMgr} {
			items, err := f.orders.Agenda().Agenda(f.ctx(u), clock.Now())
			if err != nil || len(items) != 1 || items[0].Kind != "order_breached" || items[0].Urgency != wubu.UrgencyCritical || !items[0].Overdue {
				t.Fatalf("%s: got agenda %+v, %v", u.Login, items, err)
			}
		}
		// The escalation step to the manager, 10 minutes after the breach.
		clock.Add(10 * time.Minute)
		if _, err := f.clocks.RunDue(sys); err != nil {
			t.Fatal(err)
		}
		if d, _ := f.clocks.FindDeadline(sys, key); d.State != wubu.DeadlineEscalated || d.Level != 1 {
			t.Fatalf("got %s level %d, want escalated", d.State, d.Level)
		}
		must(t)(f.orders.Accept(f.ctx(f.tech), o.ID))
		o = must(t)(f.orders.Arrive(f.ctx(f.tech), o.ID))
		if o.PromiseKept == nil || *o.PromiseKept {
			t.Fatalf("got promise kept %v, want false", o.PromiseKept)
		}
		if d, _ := f.clocks.FindDeadline(sys, key); d.State != wubu.DeadlineMissed {
			t.Fatalf("got %s, want missed", d.State)
		}
	})
}

// TestOrderHistoryAndReport: the repair history of a room and an
// appliance, the follow-ups on the assistant's agenda, and the report's
// figures.
func TestOrderHistoryAndReport(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newOrderFixture(t, db, clock)
		admin := f.Ctx(f.Admin)
		ac := &wubu.Appliance{ProjectID: f.ProjectA.ID, RoomID: f.room, Type: "空调", Brand: "格力"}
		if err := sqlstore.NewResidentService(db).AddAppliance(admin, ac); err != nil {
			t.Fatal(err)
		}
		// Two orders done: one on time and free, one late; one cancelled.
		a := f.toArrived(t, f.faucet)
		must(t)(f.orders.Quote(f.ctx(f.tech), a.ID, wubu.QuoteRequest{Lines: []wubu.QuoteLineRequest{{PriceItemID: &f.faucet.ID, Quantity: 1}}}))
		must(t)(f.orders.Confirm(f.ctx(f.tech), a.ID, wubu.ConfirmRequest{By: "王芳", Method: "verbal"}))
		must(t)(f.orders.Start(f.ctx(f.tech), a.ID))
		if _, _, err := f.orders.Done(f.ctx(f.tech), a.ID, wubu.DoneRequest{Checklist: fullChecklist}); err != nil {
			t.Fatal(err)
		}
		b, err := f.orders.CreateOrder(f.ctx(f.desk), &wubu.NewOrder{ProjectID: f.ProjectA.ID, Urgency: wubu.OrderUrgent, ApplianceID: &ac.ID, Description: "空调不制冷"})
		if err != nil {
			t.Fatal(err)
		}
		if b.RoomID == nil || *b.RoomID != f.room {
			t.Fatalf("got room %v, want the appliance's", b.RoomID)
		}
		must(t)(f.orders.Dispatch(f.ctx(f.desk), b.ID, wubu.DispatchRequest{AssigneeID: &f.tech.ID}))
		must(t)(f.orders.Accept(f.ctx(f.tech), b.ID))
		clock.Add(12 * time.Minute)
		must(t)(f.orders.Arrive(f.ctx(f.tech), b.ID))
		c := f.open(t, wubu.OrderNormal, nil)
		must(t)(f.orders.Cancel(f.ctx(f.desk), c.ID, "重复报修"))

		byRoom, total, err := f.orders.FindOrders(f.ctx(f.desk), wubu.OrderFilter{ProjectID: f.ProjectA.ID, RoomID: &f.room})
		if err != nil || total != 3 || len(byRoom) != 3 {
			t.Fatalf("room history: got %d (%d), %v", len(byRoom), total, err)
		}
		byAppliance, total, err := f.orders.FindOrders(f.ctx(f.desk), wubu.OrderFilter{ProjectID: f.ProjectA.ID, ApplianceID: &ac.ID})
		if err != nil || total != 1 || byAppliance[0].ID != b.ID {
			t.Fatalf("appliance history: got %d, %v", total, err)
		}
		// Three days on, the follow-up is on the assistant's agenda.
		clock.Add(72 * time.Hour)
		items, err := f.orders.Agenda().Agenda(f.ctx(f.desk), clock.Now())
		if err != nil || len(items) != 1 || items[0].Kind != "follow_up" || items[0].ObjectID != strconv.FormatInt(a.ID, 10) {
			t.Fatalf("got the assistant's agenda %+v, %v", items, err)
		}
		must(t)(f.orders.FollowUp(f.ctx(f.desk), a.ID, wubu.FollowUpRequest{Works: true, Satisfaction: 4}))

		rep, err := f.orders.Report(admin, f.ProjectA.ID, wubutest.Start.Add(-time.Hour), clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if rep.Orders != 3 || rep.Promised != 2 || rep.Kept != 1 || rep.KeptPercent != 50 || rep.FreeJobs != 1 || rep.FollowUps != 1 || rep.AvgSatisfaction != 4 {
			t.Fatalf("got report %+v", rep)
		}
		// Median of 4 and 12 minutes.
		if rep.MedianArrival != 8*time.Minute {
			t.Fatalf("got median arrival %v, want 8m", rep.MedianArrival)
		}
		_, err = f.orders.Report(f.ctx(f.tech), f.ProjectA.ID, wubutest.Start, clock.Now())
		wantCode(t, err, wubu.EFORBIDDEN)
	})
}

// TestOrderDonePhoto: a project that asks for a photo of the finished work
// refuses a completion without one (nothing written) and takes it sent
// with the completion, or taken since work started (issue 19 item 12).
func TestOrderDonePhoto(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newOrderFixture(t, db, clock)
		set, err := f.orders.Settings(f.Ctx(f.Admin), f.ProjectA.ID)
		if err != nil {
			t.Fatal(err)
		}
		set.DonePhoto = true
		if err := f.orders.SaveSettings(f.Ctx(f.Admin), set); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.orders.Settings(f.Ctx(f.Admin), f.ProjectA.ID); !got.DonePhoto {
			t.Fatal("the setting was not kept")
		}
		started := func() *wubu.Order {
			o := f.toArrived(t, f.faucet)
			must(t)(f.orders.Quote(f.ctx(f.tech), o.ID, wubu.QuoteRequest{Lines: []wubu.QuoteLineRequest{{PriceItemID: &f.faucet.ID, Quantity: 1}}}))
			must(t)(f.orders.Confirm(f.ctx(f.tech), o.ID, wubu.ConfirmRequest{By: "王芳", Method: wubu.ConfirmMethods[0]}))
			return must(t)(f.orders.Start(f.ctx(f.tech), o.ID))
		}
		o := started()
		_, _, err = f.orders.Done(f.ctx(f.tech), o.ID, wubu.DoneRequest{Checklist: fullChecklist})
		if e := wubu.AsError(err); e == nil || e.Code != wubu.EINVALID || e.Field != "done_photo" {
			t.Fatalf("done without a photo: got %v", err)
		}
		if got := must(t)(f.orders.FindOrder(f.ctx(f.tech), o.ID)); got.State != wubu.OrderInProgress {
			t.Fatalf("the refused completion moved the order to %s", got.State)
		}
		done, _, err := f.orders.Done(f.ctx(f.tech), o.ID, wubu.DoneRequest{Checklist: fullChecklist, Photo: &wubu.Photo{Data: testPNG}})
		if err != nil || done.State != wubu.OrderDone || len(done.PhotoIDs) != 1 {
			t.Fatalf("done with a photo: %+v, %v", done, err)
		}
		// A photo taken during the work does as well.
		o = started()
		if _, err := f.orders.AddPhoto(f.ctx(f.tech), o.ID, "image/png", testPNG); err != nil {
			t.Fatal(err)
		}
		if done, _, err := f.orders.Done(f.ctx(f.tech), o.ID, wubu.DoneRequest{Checklist: fullChecklist}); err != nil || done.State != wubu.OrderDone {
			t.Fatalf("done after a photo of the work: %v", err)
		}
	})
}
