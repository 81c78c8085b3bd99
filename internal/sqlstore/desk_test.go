package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// deskCalls returns the standby calls queued in the outbox, by channel.
func deskCalls(t *testing.T, db *sqlstore.DB, ctx context.Context, projectID int64) map[wubu.Channel]int {
	t.Helper()
	msgs, _, err := sqlstore.NewOutboxService(db).FindMessages(ctx, projectID, wubu.MessageFilter{Kind: "desk_standby_call", Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	out := map[wubu.Channel]int{}
	for _, m := range msgs {
		out[m.Channel]++
	}
	return out
}

// TestDeskStandbyCall: the standby staff are called exactly when the third
// customer waits (threshold 2), in the inbox and by SMS, not before; not
// again while it stays above and the recall minutes have not passed; again
// once they have; and afresh on the next rise after the queue fell back.
// The board shows whom; the steps keep the service times; another project
// sees nothing; bad input changes nothing.
func TestDeskStandbyCall(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		admin := f.Ctx(f.Admin)
		pid := f.ProjectA.ID
		desk := sqlstore.NewDeskService(db)
		assistant := f.User(t, "assistant", wubu.RoleStaff, wubu.PostService, f.ProjectA)
		s1 := f.User(t, "standby1", wubu.RoleStaff, wubu.PostService, f.ProjectA)
		s2 := f.User(t, "standby2", wubu.RoleTeamLeader, wubu.PostService, f.ProjectA)
		outsider := f.User(t, "outsider", wubu.RoleStaff, wubu.PostService, f.ProjectB)
		as := f.Ctx(assistant)

		t.Run("ErrInvalid", func(t *testing.T) {
			_, err := desk.UpdateDeskSettings(admin, wubu.DeskSettings{ProjectID: pid, WaitThreshold: 0, RecallMinutes: 10})
			mustCode(t, err, wubu.EINVALID)
			_, err = desk.UpdateDeskSettings(admin, wubu.DeskSettings{ProjectID: pid, WaitThreshold: 2, RecallMinutes: 10, Standby: []wubu.DeskStaff{{UserID: outsider.ID}}})
			mustCode(t, err, wubu.ENOTFOUND)
			_, err = desk.UpdateDeskSettings(as, wubu.DeskSettings{ProjectID: pid, WaitThreshold: 2, RecallMinutes: 10})
			mustCode(t, err, wubu.EFORBIDDEN)
			_, err = desk.TakeNumber(as, pid, "lottery", "")
			mustCode(t, err, wubu.EINVALID)
			_, err = desk.TakeNumber(f.Ctx(outsider), pid, wubu.DeskPayment, "")
			mustCode(t, err, wubu.ENOTFOUND)
			if b, err := desk.Board(as, pid); err != nil || len(b.Waiting) != 0 {
				t.Fatalf("refused input left tickets: %+v %v", b, err)
			}
		})
		st, err := desk.UpdateDeskSettings(admin, wubu.DeskSettings{ProjectID: pid, WaitThreshold: 2, RecallMinutes: 10, Standby: []wubu.DeskStaff{{UserID: s1.ID}, {UserID: s2.ID}}})
		if err != nil || len(st.Standby) != 2 {
			t.Fatalf("settings: %+v %v", st, err)
		}

		var ts []*wubu.DeskTicket
		take := func(b wubu.DeskBusiness) {
			t.Helper()
			tk, err := desk.TakeNumber(as, pid, b, "")
			if err != nil {
				t.Fatal(err)
			}
			ts = append(ts, tk)
			clock.Add(time.Minute)
		}
		take(wubu.DeskPayment)
		take(wubu.DeskRepair)
		if got := deskCalls(t, db, admin, pid); len(got) != 0 {
			t.Fatalf("two waiting: calls %v, want none", got)
		}
		take(wubu.DeskCard)
		if got := deskCalls(t, db, admin, pid); got[wubu.ChannelInbox] != 2 || got[wubu.ChannelSMS] != 2 {
			t.Fatalf("third customer: calls %v, want 2 inbox and 2 SMS", got)
		}
		if ts[0].Number != 1 || ts[2].Number != 3 || ts[2].Label() != "003" {
			t.Fatalf("numbers: %d %d", ts[0].Number, ts[2].Number)
		}
		b, err := desk.Board(as, pid)
		if err != nil || len(b.Waiting) != 3 || !b.Above || len(b.Calls) != 2 || b.Calls[0].Round != 1 {
			t.Fatalf("board: %+v %v", b, err)
		}
		// The desk assistant's Today shows the queue, urgent; a guard's does not.
		items, err := sqlstore.NewDeskAgenda(db).Agenda(as, clock.Now())
		if err != nil || len(items) != 1 || items[0].Kind != "desk" || items[0].Urgency != wubu.UrgencyHigh || items[0].TitleArgs[0] != 3 {
			t.Fatalf("assistant's agenda: %+v %v", items, err)
		}
		guard := f.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA)
		if items, _ := sqlstore.NewDeskAgenda(db).Agenda(f.Ctx(guard), clock.Now()); len(items) != 0 {
			t.Fatalf("guard's agenda: %+v", items)
		}
		// A fourth while above calls nobody more.
		take(wubu.DeskPass)
		if got := deskCalls(t, db, admin, pid); got[wubu.ChannelInbox] != 2 {
			t.Fatalf("fourth customer: calls %v, want still 2", got)
		}
		// Not again before the recall minutes (10 since the call at 3 min).
		clock.Add(7 * time.Minute)
		if n, err := desk.RecallStandby(context.Background()); err != nil || n != 0 {
			t.Fatalf("recall at 9 min: %d %v, want 0", n, err)
		}
		// At 10 minutes the rules' periodic run calls them again.
		clock.Add(time.Minute)
		if res, err := sqlstore.NewRulesEngine(db, sqlstore.NewOutboxService(db)).RunRules(context.Background(), clock.Now()); err != nil || res.DeskRecalls != 1 {
			t.Fatalf("rules at 10 min: %+v %v, want one desk recalled", res, err)
		}
		if n, _ := desk.RecallStandby(context.Background()); n != 0 {
			t.Fatalf("second recall at once: %d", n)
		}
		if got := deskCalls(t, db, admin, pid); got[wubu.ChannelInbox] != 4 || got[wubu.ChannelSMS] != 4 {
			t.Fatalf("after the recall: calls %v, want 4 and 4", got)
		}
		if b, _ := desk.Board(as, pid); len(b.Calls) != 4 || b.Calls[0].Round != 2 {
			t.Fatalf("board after the recall: %+v", b.Calls)
		}

		// Service: waiting → serving → done; a customer leaves.
		served, err := desk.ServeTicket(as, ts[0].ID)
		if err != nil || served.State != wubu.TicketServing || served.ServeStart == nil || served.ServedBy == nil || *served.ServedBy != assistant.ID {
			t.Fatalf("serve: %+v %v", served, err)
		}
		_, err = desk.FinishTicket(as, ts[1].ID)
		mustCode(t, err, wubu.ECONFLICT)
		_, err = desk.ServeTicket(f.Ctx(outsider), ts[1].ID)
		mustCode(t, err, wubu.ENOTFOUND)
		clock.Add(4 * time.Minute)
		done, err := desk.FinishTicket(as, ts[0].ID)
		if err != nil || done.State != wubu.TicketDone || done.ServeEnd == nil || done.ServeEnd.Sub(*done.ServeStart) != 4*time.Minute {
			t.Fatalf("finish: %+v %v", done, err)
		}
		if _, err := desk.LeaveTicket(as, ts[1].ID); err != nil {
			t.Fatal(err)
		}
		// Two wait now: the rise has ended; no recall however long.
		clock.Add(30 * time.Minute)
		if n, _ := desk.RecallStandby(context.Background()); n != 0 {
			t.Fatalf("recall after the fall: %d", n)
		}
		if b, _ := desk.Board(as, pid); b.Above || len(b.Waiting) != 2 || len(b.Serving) != 0 {
			t.Fatalf("board after the fall: %+v", b)
		}
		// The next rise calls afresh, at once.
		take(wubu.DeskOther)
		if got := deskCalls(t, db, admin, pid); got[wubu.ChannelInbox] != 6 || got[wubu.ChannelSMS] != 6 {
			t.Fatalf("second rise: calls %v, want 6 and 6", got)
		}

		// The report: per day and business.
		day := clock.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
		stats, err := desk.DeskReport(admin, pid, day, day)
		if err != nil || len(stats) != 5 || stats[0].Business != wubu.DeskPayment || stats[0].Served != 1 || stats[0].AvgServiceMin != 4 {
			t.Fatalf("report: %+v %v", stats, err)
		}
		if stats[1].Business != wubu.DeskRepair || stats[1].Left != 1 {
			t.Fatalf("report repair: %+v", stats[1])
		}
	})
}

// TestDeskConcurrentArrivals: customers arriving at once each get their
// own number and the standby staff are called once.
func TestDeskConcurrentArrivals(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		admin := f.Ctx(f.Admin)
		desk := sqlstore.NewDeskService(db)
		s1 := f.User(t, "standby1", wubu.RoleStaff, wubu.PostService, f.ProjectA)
		if _, err := desk.UpdateDeskSettings(admin, wubu.DeskSettings{ProjectID: f.ProjectA.ID, WaitThreshold: 2, RecallMinutes: 5, Standby: []wubu.DeskStaff{{UserID: s1.ID}}}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 6)
		for range 6 {
			wg.Go(func() {
				_, err := desk.TakeNumber(admin, f.ProjectA.ID, wubu.DeskPayment, "")
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		b, err := desk.Board(admin, f.ProjectA.ID)
		if err != nil || len(b.Waiting) != 6 {
			t.Fatalf("board: %+v %v", b, err)
		}
		seen := map[int]bool{}
		for _, tk := range b.Waiting {
			seen[tk.Number] = true
		}
		if len(seen) != 6 {
			t.Fatalf("numbers not distinct: %v", seen)
		}
		if got := deskCalls(t, db, admin, f.ProjectA.ID); got[wubu.ChannelInbox] != 1 || got[wubu.ChannelSMS] != 1 {
			t.Fatalf("calls: %v, want one each", got)
		}
	})
}
