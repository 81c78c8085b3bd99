package sqlstore_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/notify"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// recorder is a sender that records what it sends, failing while fail is
// set.
type recorder struct {
	mu   sync.Mutex
	sent []*notify.Outgoing
	fail error
}

func (r *recorder) Send(_ context.Context, m *notify.Outgoing) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.sent = append(r.sent, m)
	return nil
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sent)
}

func newDispatcher(ob *sqlstore.OutboxService, rec *recorder) *notify.Dispatcher {
	return &notify.Dispatcher{Store: ob, Workers: 4, Senders: map[wubu.Channel]notify.Sender{
		wubu.ChannelSMS: rec, wubu.ChannelEmail: rec, wubu.ChannelWebhook: rec, wubu.ChannelInbox: notify.Inbox}}
}

func outboxPerson(t *testing.T, db *sqlstore.DB, f *wubutest.Fixture, phone string) *wubu.Person {
	t.Helper()
	p := &wubu.Person{ProjectID: f.ProjectA.ID, Name: "王秀英", Phones: []string{phone}}
	if err := sqlstore.NewResidentService(db).CreatePerson(f.Ctx(f.Admin), p); err != nil {
		t.Fatal(err)
	}
	return p
}

func messages(t *testing.T, ob *sqlstore.OutboxService, ctx context.Context, projectID int64, f wubu.MessageFilter) []*wubu.Message {
	t.Helper()
	ms, _, err := ob.FindMessages(ctx, projectID, f)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func TestOutboxDedup(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		ctx := f.Ctx(f.Admin)
		ob := sqlstore.NewOutboxService(db)
		tl1 := f.User(t, "tl1", wubu.RoleTeamLeader, wubu.PostMaintenance, f.ProjectA)
		f.User(t, "tl2", wubu.RoleTeamLeader, wubu.PostService, f.ProjectA)
		f.User(t, "tlb", wubu.RoleTeamLeader, wubu.PostService, f.ProjectB)
		p := outboxPerson(t, db, f, "13800138000")
		n := wubu.Notification{ProjectID: f.ProjectA.ID, Kind: "card_expiry", To: wubu.Recipient{PersonID: p.ID}, DedupKey: "card:1:15", Vars: map[string]string{"name": "王秀英"}}
		role := wubu.Notification{ProjectID: f.ProjectA.ID, Kind: "special_day", To: wubu.Recipient{Role: wubu.RoleTeamLeader}, DedupKey: "sd:1"}
		if err := ob.Notify(ctx, n, n, role); err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Hour)
		if err := ob.Notify(ctx, n, role); err != nil { // again, later: nothing new
			t.Fatal(err)
		}
		if got := messages(t, ob, ctx, f.ProjectA.ID, wubu.MessageFilter{Kind: "card_expiry"}); len(got) != 1 {
			t.Fatalf("card_expiry messages: got %d, want 1", len(got))
		}
		got := messages(t, ob, ctx, f.ProjectA.ID, wubu.MessageFilter{Kind: "special_day"})
		if len(got) != 2 {
			t.Fatalf("role messages: got %d, want 2 (one per team leader of project A)", len(got))
		}
		for _, m := range got {
			if m.Channel != wubu.ChannelInbox || m.Status != wubu.MessageSent {
				t.Errorf("role message: got %s/%s, want inbox/sent", m.Channel, m.Status)
			}
		}
		if n, err := ob.UnreadCount(f.Ctx(tl1)); err != nil || n != 1 {
			t.Errorf("unread of tl1: got %d %v, want 1", n, err)
		}

		t.Run("Invalid", func(t *testing.T) {
			for _, bad := range []wubu.Notification{
				{ProjectID: f.ProjectA.ID, Kind: "no_such_kind", To: wubu.Recipient{PersonID: p.ID}, DedupKey: "x"},
				{ProjectID: f.ProjectA.ID, Kind: "card_expiry", To: wubu.Recipient{PersonID: p.ID}},
				{ProjectID: f.ProjectA.ID, Kind: "card_expiry", DedupKey: "x"},
				{ProjectID: f.ProjectA.ID, Kind: "card_expiry", To: wubu.Recipient{PersonID: p.ID}, Channel: wubu.ChannelInbox, DedupKey: "x"},
				{ProjectID: f.ProjectB.ID, Kind: "card_expiry", To: wubu.Recipient{PersonID: p.ID}, DedupKey: "x"},
				{ProjectID: f.ProjectA.ID, Kind: "card_expiry", To: wubu.Recipient{UserID: 999999}, DedupKey: "x"},
			} {
				if err := ob.Notify(ctx, n, bad); wubu.ErrorCode(err) != wubu.EINVALID {
					t.Errorf("%+v: got %v, want EINVALID", bad, err)
				}
			}
			// Another project's staff cannot notify in A.
			if err := ob.Notify(f.Ctx(tl1), wubu.Notification{ProjectID: f.ProjectB.ID, Kind: "card_expiry", To: wubu.Recipient{PersonID: p.ID}, DedupKey: "y"}); wubu.ErrorCode(err) != wubu.ENOTFOUND {
				t.Errorf("other project: got %v, want ENOTFOUND", err)
			}
		})
	})
}

func TestOutboxQuietHours(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		ctx := f.Ctx(f.Admin)
		ob := sqlstore.NewOutboxService(db)
		rec := &recorder{}
		d := newDispatcher(ob, rec)
		p := outboxPerson(t, db, f, "13800138000")
		// Queued at 20:50 China time, claimed after 21:00: held then.
		clock.Set(time.Date(2026, 11, 27, 12, 50, 0, 0, time.UTC))
		if err := ob.Notify(ctx, wubu.Notification{ProjectID: f.ProjectA.ID, Kind: "card_expiry", To: wubu.Recipient{Address: "13700137000"}, DedupKey: "late"}); err != nil {
			t.Fatal(err)
		}
		// 21:30 China time.
		clock.Set(time.Date(2026, 11, 27, 13, 30, 0, 0, time.UTC))
		if err := ob.Notify(ctx,
			wubu.Notification{ProjectID: f.ProjectA.ID, Kind: "card_expiry", To: wubu.Recipient{PersonID: p.ID}, DedupKey: "quiet"},
			wubu.Notification{ProjectID: f.ProjectA.ID, Kind: "clock_breach", To: wubu.Recipient{Address: "13900139000"}, DedupKey: "urgent", Urgent: true},
		); err != nil {
			t.Fatal(err)
		}
		held := messages(t, ob, ctx, f.ProjectA.ID, wubu.MessageFilter{Status: wubu.MessageHeld})
		if len(held) != 1 || held[0].DedupKey != "quiet" {
			t.Fatalf("held at queueing: got %v, want the quiet one", held)
		}
		eight := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC) // 08:00 China time
		if !held[0].NotBefore.Equal(eight) {
			t.Errorf("held until %v, want %v", held[0].NotBefore, eight)
		}
		if _, err := d.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		if rec.count() != 1 || rec.sent[0].Address != "13900139000" {
			t.Fatalf("sent in quiet hours: got %d, want only the urgent one", rec.count())
		}
		if got := messages(t, ob, ctx, f.ProjectA.ID, wubu.MessageFilter{Status: wubu.MessageHeld}); len(got) != 2 {
			t.Fatalf("held after the claim: got %d, want 2", len(got))
		}
		clock.Set(eight.Add(-time.Second))
		d.Drain(context.Background())
		if rec.count() != 1 {
			t.Fatalf("sent at 07:59:59: got %d, want 1", rec.count())
		}
		clock.Set(eight)
		if _, err := d.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		if rec.count() != 3 {
			t.Fatalf("sent at 08:00: got %d, want 3", rec.count())
		}
		for _, m := range rec.sent[1:] {
			if m.Channel != wubu.ChannelSMS || m.Body == "" || m.MessageID == "" {
				t.Errorf("released message: %+v", m)
			}
		}
		if rec.sent[1].Address != "13800138000" && rec.sent[2].Address != "13800138000" {
			t.Errorf("resident's phone not resolved at send time")
		}
	})
}

func TestOutboxOptOut(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		ctx := f.Ctx(f.Admin)
		ob := sqlstore.NewOutboxService(db)
		rec := &recorder{}
		p := outboxPerson(t, db, f, "13800138000")
		if err := ob.SetOptOut(ctx, p.ID, "festival_greeting", true); err != nil {
			t.Fatal(err)
		}
		if err := ob.SetOptOut(ctx, p.ID, "no_such_kind", true); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Errorf("unknown kind: got %v, want EINVALID", err)
		}
		if kinds, err := ob.OptOuts(ctx, p.ID); err != nil || len(kinds) != 1 || kinds[0] != "festival_greeting" {
			t.Errorf("opt-outs: got %v %v", kinds, err)
		}
		if err := ob.Notify(ctx,
			wubu.Notification{ProjectID: f.ProjectA.ID, Kind: "festival_greeting", To: wubu.Recipient{PersonID: p.ID}, DedupKey: "fest"},
			wubu.Notification{ProjectID: f.ProjectA.ID, Kind: "card_expiry", To: wubu.Recipient{PersonID: p.ID}, DedupKey: "card"},
		); err != nil {
			t.Fatal(err)
		}
		if _, err := newDispatcher(ob, rec).Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		if rec.count() != 1 || rec.sent[0].Kind != "card_expiry" {
			t.Fatalf("sent: got %d, want only the card reminder", rec.count())
		}
		if got := messages(t, ob, ctx, f.ProjectA.ID, wubu.MessageFilter{Status: wubu.MessageSkipped}); len(got) != 1 || got[0].Kind != "festival_greeting" {
			t.Errorf("skipped: got %v", got)
		}
		// The page's recipient filter takes the resident's name.
		if got := messages(t, ob, ctx, f.ProjectA.ID, wubu.MessageFilter{Recipient: "王秀英"}); len(got) != 2 {
			t.Errorf("by name: got %d messages, want 2", len(got))
		}
		if got := messages(t, ob, ctx, f.ProjectA.ID, wubu.MessageFilter{Recipient: "李四"}); len(got) != 0 {
			t.Errorf("by another name: got %d messages, want 0", len(got))
		}
	})
}

func TestOutboxRetry(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		ctx := f.Ctx(f.Admin)
		ob := sqlstore.NewOutboxService(db)
		rec := &recorder{fail: errors.New("provider down")}
		d := newDispatcher(ob, rec)
		if err := ob.Notify(ctx, wubu.Notification{ProjectID: f.ProjectA.ID, Kind: "card_expiry", To: wubu.Recipient{Address: "zhang@example.com"}, DedupKey: "retry"}); err != nil {
			t.Fatal(err)
		}
		get := func() *wubu.Message {
			ms := messages(t, ob, ctx, f.ProjectA.ID, wubu.MessageFilter{})
			if len(ms) != 1 {
				t.Fatalf("messages: got %d, want 1", len(ms))
			}
			return ms[0]
		}
		for i, wait := range []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour} {
			if n, err := d.RunOnce(context.Background()); err != nil || n != 1 {
				t.Fatalf("attempt %d: claimed %d, %v", i+1, n, err)
			}
			m := get()
			if m.Status != wubu.MessageQueued || m.Attempts != i+1 || !m.NotBefore.Equal(clock.Now().UTC().Truncate(time.Microsecond).Add(wait)) {
				t.Fatalf("after attempt %d: got %s, %d attempts, next %v; want queued after %v", i+1, m.Status, m.Attempts, m.NotBefore, wait)
			}
			clock.Add(wait - time.Second)
			if n, _ := d.RunOnce(context.Background()); n != 0 {
				t.Fatalf("retried before its backoff")
			}
			clock.Add(time.Second)
		}
		d.RunOnce(context.Background())
		m := get()
		if m.Status != wubu.MessageFailed || m.Attempts != notify.MaxAttempts || m.LastError == "" {
			t.Fatalf("after %d attempts: got %s, %d, %q", notify.MaxAttempts, m.Status, m.Attempts, m.LastError)
		}

		// Only managers resend, only in their projects, only failed ones.
		tl := f.User(t, "tleader", wubu.RoleTeamLeader, wubu.PostService, f.ProjectA)
		mgrB := f.User(t, "mgrb", wubu.RoleManager, wubu.PostNone, f.ProjectB)
		if _, err := ob.Resend(f.Ctx(tl), m.ID); wubu.ErrorCode(err) != wubu.EFORBIDDEN {
			t.Errorf("team leader resend: got %v, want EFORBIDDEN", err)
		}
		if _, err := ob.Resend(f.Ctx(mgrB), m.ID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Errorf("other project's resend: got %v, want ENOTFOUND", err)
		}
		if _, _, err := ob.FindMessages(f.Ctx(mgrB), f.ProjectA.ID, wubu.MessageFilter{}); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Errorf("other project's outbox: got %v, want ENOTFOUND", err)
		}
		rec.fail = nil
		if _, err := ob.Resend(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := ob.Resend(ctx, m.ID); wubu.ErrorCode(err) != wubu.ECONFLICT {
			t.Errorf("resend of a queued message: got %v, want ECONFLICT", err)
		}
		d.Drain(context.Background())
		if m := get(); m.Status != wubu.MessageSent || rec.count() != 1 {
			t.Fatalf("after resend: got %s, sent %d", m.Status, rec.count())
		}
	})
}

// TestOutboxLease shows the crash window: a message claimed by a sender
// that died is claimed again once its lease runs out, with the same
// message ID for the receiver to drop the copy.
func TestOutboxLease(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		ob := sqlstore.NewOutboxService(db)
		if err := ob.Notify(f.Ctx(f.Admin), wubu.Notification{ProjectID: f.ProjectA.ID, Kind: "card_expiry", To: wubu.Recipient{Address: "13800138000"}, DedupKey: "lease"}); err != nil {
			t.Fatal(err)
		}
		_, first, err := ob.Claim(context.Background(), 10, time.Minute)
		if err != nil || len(first) != 1 {
			t.Fatalf("claim: %v %v", first, err)
		}
		// The sender dies: no Finish. Nobody else takes it within the lease.
		if _, again, _ := ob.Claim(context.Background(), 10, time.Minute); len(again) != 0 {
			t.Fatalf("claimed twice within the lease")
		}
		clock.Add(time.Minute)
		claim, again, err := ob.Claim(context.Background(), 10, time.Minute)
		if err != nil || len(again) != 1 || again[0].MessageID != first[0].MessageID || again[0].Attempt != 2 {
			t.Fatalf("reclaim: got %+v %v, want the same message, attempt 2", again, err)
		}
		if err := ob.Finish(context.Background(), claim, []notify.Result{{ID: again[0].ID, ProjectID: again[0].ProjectID}}); err != nil {
			t.Fatal(err)
		}
		// The first claim's late outcome changes nothing.
		if err := ob.Finish(context.Background(), "stale", []notify.Result{{ID: first[0].ID, Err: errors.New("late")}}); err != nil {
			t.Fatal(err)
		}
		ms := messages(t, ob, f.Ctx(f.Admin), f.ProjectA.ID, wubu.MessageFilter{})
		if ms[0].Status != wubu.MessageSent {
			t.Errorf("status: got %s, want sent", ms[0].Status)
		}
	})
}

// TestOutboxClockStages: a clock's warning reaches the technician's inbox,
// its breach every duty manager of the project, once each.
func TestOutboxClockStages(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		ob := sqlstore.NewOutboxService(db)
		cs := newClocks(t, db)
		tech := f.User(t, "tech", wubu.RoleStaff, wubu.PostMaintenance, f.ProjectA)
		dm := f.User(t, "dutymgr", wubu.RoleDutyManager, wubu.PostNone, f.ProjectA)
		ctx := f.Ctx(tech)
		d, err := cs.Arm(ctx, wubu.ArmRequest{DeadlineKey: wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "order", ObjectID: "42", Kind: "arrival"},
			After: 30 * time.Minute, WarnBefore: 10 * time.Minute, WarnNotify: []string{"user:" + strconv.FormatInt(tech.ID, 10)}, BreachNotify: []string{"role:duty_manager"},
			Escalation: []wubu.EscalationStep{{After: 15 * time.Minute, Notify: "user:" + strconv.FormatInt(dm.ID, 10)}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.WarnNotify) != 1 || len(d.BreachNotify) != 1 {
			t.Fatalf("recipients not kept: %+v", d)
		}
		if _, err := cs.Arm(ctx, wubu.ArmRequest{DeadlineKey: wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "order", ObjectID: "43", Kind: "arrival"},
			After: time.Hour, WarnNotify: []string{"boss"}}); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Errorf("bad recipient: got %v, want EINVALID", err)
		}
		clock.Add(20 * time.Minute)
		if _, err := cs.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		inbox, total, err := ob.Inbox(ctx, true, 0, 10)
		if err != nil || total != 1 || inbox[0].Kind != "clock_warning" || !inbox[0].Urgent {
			t.Fatalf("technician's inbox: got %v (%d) %v, want one clock_warning", inbox, total, err)
		}
		if inbox[0].ObjectType != "order" || inbox[0].ObjectID != "42" || inbox[0].Body == "" {
			t.Errorf("warning: %+v", inbox[0])
		}
		clock.Add(30 * time.Minute) // breach at 30, escalation at 45
		if _, err := cs.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		cs.RunDue(ctx) // running again fires and sends nothing more
		dmInbox, _, err := ob.Inbox(f.Ctx(dm), false, 0, 10)
		if err != nil || len(dmInbox) != 2 {
			t.Fatalf("duty manager's inbox: got %d %v, want breach and escalation", len(dmInbox), err)
		}
		kinds := map[string]bool{dmInbox[0].Kind: true, dmInbox[1].Kind: true}
		if !kinds["clock_breach"] || !kinds["clock_escalation"] {
			t.Errorf("duty manager's kinds: %v", kinds)
		}
		if n, _ := ob.UnreadCount(ctx); n != 1 {
			t.Errorf("technician's unread: got %d, want 1", n)
		}
		if _, err := ob.MarkRead(f.Ctx(dm), inbox[0].ID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Errorf("reading another's message: got %v, want ENOTFOUND", err)
		}
		if m, err := ob.MarkRead(ctx, inbox[0].ID); err != nil || m.ReadAt == nil {
			t.Fatalf("mark read: %v", err)
		}
		if n, _ := ob.UnreadCount(ctx); n != 0 {
			t.Errorf("unread after reading: got %d, want 0", n)
		}
	})
}
