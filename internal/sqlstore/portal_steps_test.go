package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

var pngPhoto = &wubu.Photo{ContentType: "image/png", Data: []byte("\x89PNG\r\n\x1a\n" + "portal photo")}

// TestPortalRepairs (M5, M6 resident side): the owner reports a repair
// with a photo and a preferred time; the technician quotes; the resident
// confirms on the phone — the order's own confirm step; a second repair's
// quote is refused; the done order rated poorly reopens as a poor
// follow-up call does, a good rating follows it up and takes it off the
// desk's call list.
func TestPortalRepairs(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newPortalWorld(t, db, clock)
		orders := sqlstore.NewOrderService(db, w.clocks, nil)
		tech := w.f.Ctx(w.tech)
		if _, err := w.portal.ReportRepair(w.ownerACtx, &wubu.PortalRepair{RoomID: w.roomB.ID, Description: "漏水"}); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("another's room: %v", err)
		}
		if _, err := w.portal.ReportRepair(w.ownerACtx, &wubu.PortalRepair{RoomID: w.roomA.ID, Description: " "}); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("no description: %v", err)
		}
		preferred := clock.Now().Add(26 * time.Hour)
		o, err := w.portal.ReportRepair(w.ownerACtx, &wubu.PortalRepair{RoomID: w.roomA.ID, Description: "厨房水龙头漏水", PreferredAt: &preferred}, pngPhoto)
		if err != nil {
			t.Fatal(err)
		}
		if o.Source != wubu.SourceResident || o.Urgency != wubu.OrderPlanned || !o.AppointmentAt.Equal(preferred) || len(o.PhotoIDs) != 1 || *o.PersonID != w.ownerA.ID {
			t.Fatalf("reported: %+v", o)
		}
		if _, _, err := w.portal.RepairPhoto(w.ownerACtx, o.ID, o.PhotoIDs[0]); err != nil {
			t.Fatal(err)
		}
		// The technician sees it and quotes.
		must(t)(orders.Dispatch(w.assistantCtx, o.ID, wubu.DispatchRequest{AssigneeID: &w.tech.ID}))
		must(t)(orders.Accept(tech, o.ID))
		must(t)(orders.Arrive(tech, o.ID))
		must(t)(orders.Quote(tech, o.ID, wubu.QuoteRequest{Lines: []wubu.QuoteLineRequest{{Name: "水龙头", Quantity: 1, UnitPrice: 4500}}}))
		if _, err := w.portal.ConfirmQuote(w.ownerBCtx, o.ID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("room B's owner confirms: %v", err)
		}
		o, err = w.portal.ConfirmQuote(w.tenantCtx, o.ID)
		if err != nil || o.State != wubu.OrderConfirmed || o.ConfirmMethod != wubu.ConfirmMethodPortal || o.ConfirmedBy != "李租户" {
			t.Fatalf("confirmed: %+v %v", o, err)
		}
		if _, err := w.portal.ConfirmQuote(w.ownerACtx, o.ID); wubu.ErrorCode(err) != wubu.ECONFLICT {
			t.Fatalf("confirmed twice: %v", err)
		}
		must(t)(orders.Start(tech, o.ID))
		if _, _, err := orders.Done(tech, o.ID, wubu.DoneRequest{Checklist: fullChecklist}); err != nil {
			t.Fatal(err)
		}
		// A poor rating reopens it, a good one follows it up.
		if _, err := w.portal.RateRepair(w.ownerACtx, o.ID, wubu.FollowUpRequest{Works: false, Satisfaction: 2}); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("poor without a comment: %v", err)
		}
		o, err = w.portal.RateRepair(w.ownerACtx, o.ID, wubu.FollowUpRequest{Works: false, Satisfaction: 2, Comment: "还在滴水"})
		if err != nil || o.State != wubu.OrderReopened || o.Reopens != 1 {
			t.Fatalf("poor rating: %+v %v", o, err)
		}
		must(t)(orders.Accept(tech, o.ID))
		must(t)(orders.Arrive(tech, o.ID))
		must(t)(orders.Start(tech, o.ID))
		if _, _, err := orders.Done(tech, o.ID, wubu.DoneRequest{Checklist: fullChecklist}); err != nil {
			t.Fatal(err)
		}
		o, err = w.portal.RateRepair(w.ownerACtx, o.ID, wubu.FollowUpRequest{Works: true, Satisfaction: 5, Comment: "很好"})
		if err != nil || o.State != wubu.OrderFollowedUp || o.Satisfaction != 5 {
			t.Fatalf("good rating: %+v %v", o, err)
		}
		// The desk's call list no longer holds it, even when due.
		clock.Add(10 * 24 * time.Hour)
		agenda, err := sqlstore.NewOrderAgenda(db).Agenda(w.assistantCtx, clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range agenda {
			if it.Kind == "follow_up" && it.ObjectID == idStr(o.ID) {
				t.Fatalf("the rated order is still on the desk's list: %+v", it)
			}
		}
		// A quote refused cancels the order with the reason.
		o2, err := w.portal.ReportRepair(w.ownerACtx, &wubu.PortalRepair{RoomID: w.roomA.ID, Description: "门锁坏了", Urgent: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.portal.RefuseQuote(w.ownerACtx, o2.ID, "太贵"); wubu.ErrorCode(err) != wubu.ECONFLICT {
			t.Fatalf("refusing before any quote: %v", err)
		}
		must(t)(orders.Dispatch(w.assistantCtx, o2.ID, wubu.DispatchRequest{AssigneeID: &w.tech.ID}))
		must(t)(orders.Accept(tech, o2.ID))
		must(t)(orders.Arrive(tech, o2.ID))
		must(t)(orders.Quote(tech, o2.ID, wubu.QuoteRequest{Lines: []wubu.QuoteLineRequest{{Name: "门锁", Quantity: 1, UnitPrice: 30000}}}))
		if _, err := w.portal.RefuseQuote(w.ownerACtx, o2.ID, ""); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("refusing without a reason: %v", err)
		}
		o2, err = w.portal.RefuseQuote(w.ownerACtx, o2.ID, "太贵")
		if err != nil || o2.State != wubu.OrderCancelled || o2.CancelReason != "太贵" {
			t.Fatalf("refused: %+v %v", o2, err)
		}
		// Lists: the room's orders for its owner and tenant, none for B.
		if list, err := w.portal.Repairs(w.tenantCtx); err != nil || len(list) != 2 {
			t.Fatalf("tenant's repairs: %d %v", len(list), err)
		}
		if list, err := w.portal.Repairs(w.ownerBCtx); err != nil || len(list) != 0 {
			t.Fatalf("B's repairs: %d %v", len(list), err)
		}
		// Staff steps stay the staff's: a resident cannot quote.
		if _, err := orders.Quote(w.ownerACtx, o.ID, wubu.QuoteRequest{}); wubu.ErrorCode(err) != wubu.EFORBIDDEN {
			t.Fatalf("a resident quoting: %v", err)
		}
	})
}

// TestPortalScope404 (issue 15 item 3): room A's resident gets 404 for room
// B's order, pass, complaint and household; a tenant sees their room's
// repairs and passes but not the owner's other home's; only an owner
// confirms a pass.
func TestPortalScope404(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newPortalWorld(t, db, clock)
		passes := sqlstore.NewPassService(db, w.clocks)
		orderB, err := w.portal.ReportRepair(w.ownerBCtx, &wubu.PortalRepair{RoomID: w.roomB.ID, Description: "灯不亮"})
		if err != nil {
			t.Fatal(err)
		}
		orderC, err := w.portal.ReportRepair(w.ownerACtx, &wubu.PortalRepair{RoomID: w.roomC.ID, Description: "空房检查"})
		if err != nil {
			t.Fatal(err)
		}
		passB, err := passes.StartPass(w.guardCtx, &wubu.NewPass{ProjectID: w.f.ProjectA.ID, RoomID: w.roomB.ID, PersonID: &w.ownerB.ID, Items: []string{"沙发"}, Gate: "东门"})
		if err != nil {
			t.Fatal(err)
		}
		passA, err := passes.StartPass(w.guardCtx, &wubu.NewPass{ProjectID: w.f.ProjectA.ID, RoomID: w.roomA.ID, PersonID: &w.tenantA.ID, Items: []string{"电脑桌"}, Gate: "东门"})
		if err != nil {
			t.Fatal(err)
		}
		complaintB, err := w.portal.FileComplaint(w.ownerBCtx, &wubu.PortalComplaint{Category: wubu.ComplaintNoise, Description: "楼上装修太吵"})
		if err != nil {
			t.Fatal(err)
		}
		homesB, err := w.portal.Homes(w.ownerBCtx)
		if err != nil {
			t.Fatal(err)
		}
		notFound := func(what string, err error) {
			t.Helper()
			if wubu.ErrorCode(err) != wubu.ENOTFOUND {
				t.Errorf("%s: got %v, want not found", what, err)
			}
		}
		_, err = w.portal.Repair(w.ownerACtx, orderB.ID)
		notFound("room B's order", err)
		_, err = w.portal.Pass(w.ownerACtx, passB.ID)
		notFound("room B's pass", err)
		_, err = w.portal.DecidePass(w.ownerACtx, passB.ID, true, "")
		notFound("confirming room B's pass", err)
		_, err = w.portal.Complaint(w.ownerACtx, complaintB.ID)
		notFound("B's complaint", err)
		_, err = w.portal.AnswerRevisit(w.ownerACtx, complaintB.ID, true, "")
		notFound("answering B's revisit", err)
		_, err = w.portal.Home(w.ownerACtx, homesB[0].HouseholdID)
		notFound("B's household", err)
		// The tenant: the room's order and pass, not the owner's other home.
		_, err = w.portal.Repair(w.tenantCtx, orderC.ID)
		notFound("the owner's other home's order", err)
		if _, err := w.portal.Pass(w.tenantCtx, passA.ID); err != nil {
			t.Fatalf("the tenant's own pass: %v", err)
		}
		if _, err := w.portal.DecidePass(w.tenantCtx, passA.ID, true, ""); wubu.ErrorCode(err) != wubu.EFORBIDDEN {
			t.Fatalf("the tenant confirms their own pass: %v", err)
		}
		if _, err := w.portal.DecidePass(w.f.Ctx(w.assistant), passA.ID, true, ""); wubu.ErrorCode(err) != wubu.EFORBIDDEN {
			t.Fatalf("staff through the portal's service: %v", err)
		}
		// The owner's tap: confirmed through the portal, the guard sees it.
		p, err := w.portal.DecidePass(w.ownerACtx, passA.ID, true, "")
		if err != nil || p.State != wubu.PassConfirmed || p.ConfirmMethod != wubu.PassOwnerPortal || p.OwnerPersonID == nil || *p.OwnerPersonID != w.ownerA.ID {
			t.Fatalf("owner's confirmation: %+v %v", p, err)
		}
		gp, err := passes.FindPassByID(w.guardCtx, passA.ID)
		if err != nil || gp.State != wubu.PassConfirmed || gp.DecidedByName == "" {
			t.Fatalf("the guard's view: %+v %v", gp, err)
		}
		if _, err := passes.ReleasePass(w.guardCtx, passA.ID, ""); err != nil {
			t.Fatal(err)
		}
		// A refusal needs its reason.
		passA2, err := passes.StartPass(w.guardCtx, &wubu.NewPass{ProjectID: w.f.ProjectA.ID, RoomID: w.roomA.ID, PersonID: &w.tenantA.ID, Items: []string{"冰箱"}, Gate: "东门"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.portal.DecidePass(w.ownerACtx, passA2.ID, false, " "); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("refusal without reason: %v", err)
		}
		if p, err := w.portal.DecidePass(w.ownerACtx, passA2.ID, false, "冰箱是房东的"); err != nil || p.State != wubu.PassRefused {
			t.Fatalf("refused: %+v %v", p, err)
		}
		if list, err := w.portal.Passes(w.tenantCtx); err != nil || len(list) != 2 {
			t.Fatalf("tenant's passes: %d %v", len(list), err)
		}
	})
}

// TestPortalComplaintsAndHazards (U4, S11 resident side): a complaint filed
// on the portal goes through the desk; the resident answers the revisit —
// not satisfied reopens it, satisfied revisits it; a hazard is reported
// with a photo and a place and lands on the security post's list.
func TestPortalComplaintsAndHazards(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newPortalWorld(t, db, clock)
		cs := sqlstore.NewComplaintService(db, w.clocks)
		if _, err := w.portal.FileComplaint(w.ownerACtx, &wubu.PortalComplaint{Category: "nonsense", Description: "x"}); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("bad category: %v", err)
		}
		c, err := w.portal.FileComplaint(w.ownerACtx, &wubu.PortalComplaint{Category: wubu.ComplaintHygiene, Description: "垃圾桶没人清理", Wish: "每天清理"}, pngPhoto)
		if err != nil || c.Channel != wubu.ComplaintOnPortal || c.State != wubu.ComplaintReceived || len(c.Photos) != 1 {
			t.Fatalf("filed: %+v %v", c, err)
		}
		lead := w.f.User(t, "svclead", wubu.RoleTeamLeader, wubu.PostService, w.f.ProjectA)
		cleaner := w.f.User(t, "cleaner", wubu.RoleStaff, wubu.PostCleaning, w.f.ProjectA)
		lctx := w.f.Ctx(lead)
		step := func(c *wubu.Complaint, err error) *wubu.Complaint {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		step(cs.AcknowledgeComplaint(lctx, c.ID, ""))
		step(cs.AssignComplaint(lctx, c.ID, wubu.PostCleaning, &cleaner.ID))
		step(cs.HandleComplaint(w.f.Ctx(cleaner), c.ID, "已清理"))
		step(cs.ReplyComplaint(w.assistantCtx, c.ID, "已电话告知"))
		if _, err := w.portal.AnswerRevisit(w.ownerACtx, c.ID, false, ""); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("not satisfied without saying why: %v", err)
		}
		c = step(w.portal.AnswerRevisit(w.ownerACtx, c.ID, false, "第二天又满了"))
		if c.State != wubu.ComplaintAssigned || c.Reopens != 1 {
			t.Fatalf("reopened: %+v", c)
		}
		step(cs.HandleComplaint(w.f.Ctx(cleaner), c.ID, "每天两次"))
		step(cs.ReplyComplaint(w.assistantCtx, c.ID, "已告知"))
		c = step(w.portal.AnswerRevisit(w.ownerACtx, c.ID, true, "满意"))
		if c.State != wubu.ComplaintRevisited {
			t.Fatalf("revisited: %+v", c)
		}
		if list, err := w.portal.Complaints(w.ownerACtx); err != nil || len(list) != 1 {
			t.Fatalf("own complaints: %v %v", list, err)
		}
		if list, err := w.portal.Complaints(w.wifeCtx(t)); err != nil || len(list) != 0 {
			t.Fatalf("the wife's complaints: %v %v", list, err)
		}
		// A hazard with a photo and its place.
		if _, err := w.portal.ReportHazard(w.tenantCtx, &wubu.PortalHazard{Place: "", Description: "灭火器过期"}, pngPhoto); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("no place: %v", err)
		}
		h, err := w.portal.ReportHazard(w.tenantCtx, &wubu.PortalHazard{Place: "3栋1楼消防通道", Description: "灭火器过期"}, pngPhoto)
		if err != nil || h.State != wubu.HazardReported || h.Source != wubu.HazardFromResident {
			t.Fatalf("hazard: %+v %v", h, err)
		}
		hs := sqlstore.NewHazardService(db, w.clocks)
		got, err := hs.FindHazard(w.guardCtx, h.ID)
		if err != nil || got.PersonID == nil || *got.PersonID != w.tenantA.ID || len(got.Photos) != 1 {
			t.Fatalf("on the security post: %+v %v", got, err)
		}
		if list, err := w.portal.Hazards(w.tenantCtx); err != nil || len(list) != 1 {
			t.Fatalf("own hazards: %v %v", list, err)
		}
	})
}

// wifeCtx signs in the owner's wife, who shares his number.
func (w *portalWorld) wifeCtx(t *testing.T) context.Context {
	t.Helper()
	w.clock.Add(2 * time.Hour)
	return w.signIn(t, w.ownerAPhone, w.wifeA.ID)
}
