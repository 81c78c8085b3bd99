package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// newClocks returns a clock service on the embedded business calendar.
func newClocks(t *testing.T, db *sqlstore.DB) *sqlstore.ClockService {
	t.Helper()
	cal, err := calendar.New()
	if err != nil {
		t.Fatal(err)
	}
	return sqlstore.NewClockService(db, calendar.Schedule{Calendar: cal})
}

// stagesOf returns the stages of events, in order.
func stagesOf(evs []*wubu.ClockEvent) []string {
	out := []string{}
	for _, e := range evs {
		out = append(out, fmt.Sprintf("%s@%d", e.Stage, e.Generation))
	}
	return out
}

// countRows counts rows of a query on the database.
func countRows(t *testing.T, db *sqlstore.DB, q string, args ...any) int {
	t.Helper()
	if db.Dialect == sqlstore.Postgres {
		for i := 1; ; i++ {
			j := indexOf(q, "?")
			if j < 0 {
				break
			}
			q = q[:j] + fmt.Sprintf("$%d", i) + q[j+1:]
		}
	}
	var n int
	if err := db.SQL().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestClockArm(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		cs := newClocks(t, db)
		admin := f.Ctx(f.Admin)
		key := wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "order", ObjectID: "1001", Kind: "arrival"}

		t.Run("ErrInvalid", func(t *testing.T) {
			for name, req := range map[string]wubu.ArmRequest{
				"ObjectType":     {DeadlineKey: wubu.DeadlineKey{ProjectID: key.ProjectID, ObjectType: "Order!", ObjectID: "1", Kind: "arrival"}, After: time.Hour},
				"ObjectID":       {DeadlineKey: wubu.DeadlineKey{ProjectID: key.ProjectID, ObjectType: "order", ObjectID: " ", Kind: "arrival"}, After: time.Hour},
				"Kind":           {DeadlineKey: wubu.DeadlineKey{ProjectID: key.ProjectID, ObjectType: "order", ObjectID: "1", Kind: ""}, After: time.Hour},
				"NoDue":          {DeadlineKey: key},
				"TwoWays":        {DeadlineKey: key, After: time.Hour, WorkingDays: 2},
				"NegativeSpan":   {DeadlineKey: key, After: -time.Hour},
				"WorkingNoSpan":  {DeadlineKey: key, WorkingDays: 2, Working: true},
				"TooFar":         {DeadlineKey: key, WorkingDays: 400},
				"NegativeWarn":   {DeadlineKey: key, After: time.Hour, WarnBefore: -time.Minute},
				"StepOrder":      {DeadlineKey: key, After: time.Hour, Escalation: []wubu.EscalationStep{{After: time.Hour, Notify: "user:1"}, {After: time.Hour, Notify: "user:2"}}},
				"StepAtBreach":   {DeadlineKey: key, After: time.Hour, Escalation: []wubu.EscalationStep{{After: 0, Notify: "user:1"}}},
				"StepNotify":     {DeadlineKey: key, After: time.Hour, Escalation: []wubu.EscalationStep{{After: time.Hour, Notify: "role:boss"}}},
				"StepNotifyUser": {DeadlineKey: key, After: time.Hour, Escalation: []wubu.EscalationStep{{After: time.Hour, Notify: "user:01"}}},
			} {
				t.Run(name, func(t *testing.T) {
					_, err := cs.Arm(admin, req)
					wantCode(t, err, wubu.EINVALID)
				})
			}
			if n := countRows(t, db, `SELECT COUNT(*) FROM deadlines`); n != 0 {
				t.Fatalf("got %d deadlines after bad requests, want 0", n)
			}
		})

		t.Run("Calendar", func(t *testing.T) {
			d, err := cs.Arm(admin, wubu.ArmRequest{DeadlineKey: key, After: 30 * time.Minute, WarnBefore: 10 * time.Minute,
				Escalation: []wubu.EscalationStep{{After: 15 * time.Minute, Notify: "role:duty_manager"}, {After: time.Hour, Notify: "user:17"}}})
			if err != nil {
				t.Fatal(err)
			}
			now := wubutest.Start
			warn := now.Add(20 * time.Minute)
			want := &wubu.Deadline{ID: d.ID, DeadlineKey: key, Basis: wubu.BasisCalendar, DueAt: now.Add(30 * time.Minute), WarnAt: &warn,
				Escalation: []wubu.EscalationStep{{After: 15 * time.Minute, Notify: "role:duty_manager"}, {After: time.Hour, Notify: "user:17"}},
				State:      wubu.DeadlineArmed, Generation: 1, ArmedAt: now, NextStage: wubu.StageWarning, NextAt: &warn,
				Remaining: 30 * time.Minute, UpdatedAt: now}
			if diff := cmp.Diff(want, d); diff != "" {
				t.Fatalf("armed deadline (-want +got):\n%s", diff)
			}
			got, err := cs.FindDeadline(admin, key)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("read back (-want +got):\n%s", diff)
			}
			if n := countRows(t, db, `SELECT COUNT(*) FROM audit_log WHERE object_type = 'deadline' AND action = 'create' AND object_id = ?`, fmt.Sprint(d.ID)); n != 1 {
				t.Fatalf("got %d audit entries for arming, want 1", n)
			}
		})

		t.Run("ErrConflict", func(t *testing.T) {
			_, err := cs.Arm(admin, wubu.ArmRequest{DeadlineKey: key, After: time.Hour})
			wantCode(t, err, wubu.ECONFLICT)
		})

		t.Run("ErrScope", func(t *testing.T) {
			guardB := f.User(t, "guardb", wubu.RoleStaff, wubu.PostSecurity, f.ProjectB)
			_, err := cs.Arm(f.Ctx(guardB), wubu.ArmRequest{DeadlineKey: wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "order", ObjectID: "9", Kind: "arrival"}, After: time.Hour})
			wantCode(t, err, wubu.ENOTFOUND)
			_, err = cs.FindDeadline(f.Ctx(guardB), key)
			wantCode(t, err, wubu.ENOTFOUND)
			_, err = cs.Disarm(f.Ctx(guardB), key)
			wantCode(t, err, wubu.ENOTFOUND)
			_, _, err = cs.FindRunning(f.Ctx(guardB), f.ProjectA.ID, wubu.DeadlineFilter{})
			wantCode(t, err, wubu.ENOTFOUND)
			_, err = cs.Arm(context.Background(), wubu.ArmRequest{DeadlineKey: key, After: time.Hour})
			wantCode(t, err, wubu.EUNAUTHORIZED)
			_, err = cs.Arm(admin, wubu.ArmRequest{DeadlineKey: wubu.DeadlineKey{ProjectID: 999, ObjectType: "order", ObjectID: "1", Kind: "arrival"}, After: time.Hour})
			wantCode(t, err, wubu.ENOTFOUND)
			_, err = cs.Disarm(admin, wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "order", ObjectID: "nope", Kind: "arrival"})
			wantCode(t, err, wubu.ENOTFOUND)
			_, err = cs.Rearm(admin, wubu.ArmRequest{DeadlineKey: wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "order", ObjectID: "nope", Kind: "arrival"}, After: time.Hour})
			wantCode(t, err, wubu.ENOTFOUND)
		})

		t.Run("WorkingDays", func(t *testing.T) {
			// A complaint received the afternoon before National Day, to be
			// answered within 2 working days: 1–7 October are off.
			defer clock.Set(wubutest.Start)
			clock.Set(time.Date(2026, 9, 30, 15, 0, 0, 0, calendar.ChinaStandardTime))
			d, err := cs.Arm(admin, wubu.ArmRequest{DeadlineKey: wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "complaint", ObjectID: "7", Kind: "reply"}, WorkingDays: 2})
			if err != nil {
				t.Fatal(err)
			}
			if want := time.Date(2026, 10, 9, 17, 30, 0, 0, calendar.ChinaStandardTime); !d.DueAt.Equal(want) || d.Basis != wubu.BasisWorkingDays {
				t.Fatalf("got due %v (%s), want %v (working_days)", d.DueAt, d.Basis, want)
			}
			// 4 working hours from 16:00 on the Friday before the Spring
			// Festival of 2026 (Saturday 14 February is a working day).
			clock.Set(time.Date(2026, 2, 13, 16, 0, 0, 0, calendar.ChinaStandardTime))
			d, err = cs.Arm(admin, wubu.ArmRequest{DeadlineKey: wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "order", ObjectID: "8", Kind: "completion"}, After: 4 * time.Hour, Working: true})
			if err != nil {
				t.Fatal(err)
			}
			// 16:00–17:30 on Friday, then 08:30–11:00 on Saturday.
			if want := time.Date(2026, 2, 14, 11, 0, 0, 0, calendar.ChinaStandardTime); !d.DueAt.Equal(want) || d.Basis != wubu.BasisWorking {
				t.Fatalf("got due %v (%s), want %v (working)", d.DueAt, d.Basis, want)
			}
		})

		t.Run("FindRunning", func(t *testing.T) {
			ds, total, err := cs.FindRunning(admin, f.ProjectA.ID, wubu.DeadlineFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range ds {
				got = append(got, d.ObjectType+"/"+d.ObjectID+"/"+d.Kind)
			}
			// Soonest due first: order 8 (Feb), order 1001 (Nov 27), complaint 7 (Oct) — but the
			// clock is back at Start, so Feb and Oct are overdue.
			want := []string{"order/8/completion", "complaint/7/reply", "order/1001/arrival"}
			if diff := cmp.Diff(want, got); diff != "" || total != 3 {
				t.Fatalf("running (-want +got):\n%s\ntotal %d", diff, total)
			}
			if ds[0].Remaining >= 0 || ds[2].Remaining != 30*time.Minute {
				t.Fatalf("got remaining %v and %v, want negative and 30m", ds[0].Remaining, ds[2].Remaining)
			}
			ds, total, err = cs.FindRunning(admin, f.ProjectA.ID, wubu.DeadlineFilter{ObjectType: "order", Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) != 1 || total != 2 || ds[0].ObjectID != "8" {
				t.Fatalf("got %d of %d, want order 8 of 2", len(ds), total)
			}
		})
	})
}

// TestClockStages runs the state machine through RunDue, the deterministic
// path without the job queue (internal/jobs tests the queue).
func TestClockStages(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		cs := newClocks(t, db)
		admin := f.Ctx(f.Admin)
		ctx := context.Background()
		runDue := func(t *testing.T, want int) {
			t.Helper()
			n, err := cs.RunDue(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n != want {
				t.Fatalf("got %d stages fired, want %d", n, want)
			}
		}
		events := func(t *testing.T, d *wubu.Deadline) []*wubu.ClockEvent {
			t.Helper()
			evs, err := cs.Events(admin, d.ProjectID, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			return evs
		}
		req := func(id string) wubu.ArmRequest {
			return wubu.ArmRequest{DeadlineKey: wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "order", ObjectID: id, Kind: "arrival"},
				After: 30 * time.Minute, WarnBefore: 10 * time.Minute,
				Escalation: []wubu.EscalationStep{{After: 15 * time.Minute, Notify: "role:duty_manager"}, {After: time.Hour, Notify: "role:manager"}}}
		}

		t.Run("Chain", func(t *testing.T) {
			clock.Set(wubutest.Start)
			d, err := cs.Arm(admin, req("1"))
			if err != nil {
				t.Fatal(err)
			}
			runDue(t, 0)
			clock.Add(19 * time.Minute)
			runDue(t, 0)
			clock.Add(time.Minute + 5*time.Second) // warning, 5 s late
			runDue(t, 1)
			runDue(t, 0)
			clock.Add(25 * time.Minute) // the breach (at 30 min) and the first step (15 min after it)
			runDue(t, 2)
			got, err := cs.FindDeadline(admin, d.DeadlineKey)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != wubu.DeadlineEscalated || got.Level != 1 || got.NextStage != "escalation:2" || !got.NextAt.Equal(d.DueAt.Add(time.Hour)) {
				t.Fatalf("got %s level %d next %s at %v, want escalated level 1 next escalation:2 at due+1h", got.State, got.Level, got.NextStage, got.NextAt)
			}
			clock.Add(time.Hour) // the second step, 1 h after the breach
			runDue(t, 1)
			clock.Add(24 * time.Hour)
			runDue(t, 0)
			evs := events(t, d)
			if diff := cmp.Diff([]string{"warning@1", "breach@1", "escalation:1@1", "escalation:2@1"}, stagesOf(evs)); diff != "" {
				t.Fatalf("events (-want +got):\n%s", diff)
			}
			if evs[0].Lateness != 5*time.Second || !evs[0].DueAt.Equal(*d.WarnAt) {
				t.Fatalf("warning: got due %v lateness %v, want %v and 5s", evs[0].DueAt, evs[0].Lateness, *d.WarnAt)
			}
			if evs[2].Notify != "role:duty_manager" || evs[3].Notify != "role:manager" || evs[1].Notify != "" {
				t.Fatalf("got notify %q %q %q, want '' role:duty_manager role:manager", evs[1].Notify, evs[2].Notify, evs[3].Notify)
			}
			if n := countRows(t, db, `SELECT COUNT(*) FROM audit_log WHERE object_type = 'deadline' AND object_id = ? AND action = 'update' AND login = 'system:clock'`, fmt.Sprint(d.ID)); n != 4 {
				t.Fatalf("got %d audit entries of fired stages, want 4", n)
			}
			// Disarming now: missed.
			got, err = cs.Disarm(admin, d.DeadlineKey)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != wubu.DeadlineMissed || got.Met == nil || *got.Met || got.NextStage != "" {
				t.Fatalf("got %s met %v next %q, want missed, met false, no next stage", got.State, got.Met, got.NextStage)
			}
			_, err = cs.Disarm(admin, d.DeadlineKey)
			wantCode(t, err, wubu.ECONFLICT)
		})

		t.Run("DisarmBeforeDue", func(t *testing.T) {
			clock.Set(wubutest.Start)
			d, err := cs.Arm(admin, req("2"))
			if err != nil {
				t.Fatal(err)
			}
			clock.Add(25 * time.Minute)
			runDue(t, 1) // the warning
			clock.Add(5 * time.Minute)
			got, err := cs.Disarm(admin, d.DeadlineKey) // exactly at the due time: met
			if err != nil {
				t.Fatal(err)
			}
			if got.State != wubu.DeadlineMet || got.Met == nil || !*got.Met || !got.DisarmedAt.Equal(d.DueAt) {
				t.Fatalf("got %s met %v at %v, want met true at %v", got.State, got.Met, got.DisarmedAt, d.DueAt)
			}
			clock.Add(48 * time.Hour)
			runDue(t, 0)
			if diff := cmp.Diff([]string{"warning@1"}, stagesOf(events(t, d))); diff != "" {
				t.Fatalf("events (-want +got):\n%s", diff)
			}
		})

		t.Run("Rearm", func(t *testing.T) {
			clock.Set(wubutest.Start)
			d, err := cs.Arm(admin, req("3"))
			if err != nil {
				t.Fatal(err)
			}
			old := sqlstore.StageJob{ProjectID: d.ProjectID, DeadlineID: d.ID, Generation: 1, Stage: wubu.StageWarning}
			clock.Add(10 * time.Minute)
			// Reopened before anything fired: a new generation, due in 2 h.
			r := req("3")
			r.After = 2 * time.Hour
			d2, err := cs.Rearm(admin, r)
			if err != nil {
				t.Fatal(err)
			}
			if d2.ID != d.ID || d2.Generation != 2 || !d2.DueAt.Equal(clock.Now().Add(2*time.Hour)) {
				t.Fatalf("got id %d generation %d due %v, want id %d generation 2 due now+2h", d2.ID, d2.Generation, d2.DueAt, d.ID)
			}
			// The old generation's warning is due now; its job fires nothing.
			clock.Add(15 * time.Minute)
			if _, fired, err := cs.FireStage(ctx, old); err != nil || fired {
				t.Fatalf("old generation's warning: fired %v, err %v; want nothing", fired, err)
			}
			runDue(t, 0)
			clock.Add(time.Hour + 50*time.Minute) // 2 h 15 min after the first arming
			runDue(t, 2)                          // warning and breach of generation 2
			// Arm on a running deadline conflicts; on a finished one it re-arms.
			_, err = cs.Arm(admin, r)
			wantCode(t, err, wubu.ECONFLICT)
			if _, err := cs.Cancel(admin, d.DeadlineKey); err != nil {
				t.Fatal(err)
			}
			d3, err := cs.Arm(admin, r)
			if err != nil {
				t.Fatal(err)
			}
			if d3.Generation != 3 || d3.State != wubu.DeadlineArmed || d3.Met != nil || d3.DisarmedAt != nil || d3.Level != 0 {
				t.Fatalf("got %+v, want generation 3, armed, no outcome", d3)
			}
			clock.Add(2*time.Hour + 30*time.Minute)
			runDue(t, 3) // warning, breach, escalation:1 (escalation:2 is 1 h after the breach: not yet)
			if diff := cmp.Diff([]string{"warning@2", "breach@2", "warning@3", "breach@3", "escalation:1@3"}, stagesOf(events(t, d))); diff != "" {
				t.Fatalf("events (-want +got):\n%s", diff)
			}
		})

		t.Run("DuplicateDelivery", func(t *testing.T) {
			// The same stage delivered many times at once, as a job run
			// twice after a crash, or by two servers: it fires once.
			clock.Set(wubutest.Start)
			d, err := cs.Arm(admin, wubu.ArmRequest{DeadlineKey: wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "pass", ObjectID: "P1", Kind: "return"}, After: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			clock.Add(time.Minute)
			job := sqlstore.StageJob{ProjectID: d.ProjectID, DeadlineID: d.ID, Generation: 1, Stage: wubu.StageBreach}
			var wg sync.WaitGroup
			var mu sync.Mutex
			fired := 0
			for range 8 {
				wg.Go(func() {
					_, ok, err := cs.FireStage(ctx, job)
					if err != nil {
						t.Error(err)
					}
					if ok {
						mu.Lock()
						fired++
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if fired != 1 {
				t.Fatalf("fired %d times, want 1", fired)
			}
			if n := countRows(t, db, `SELECT COUNT(*) FROM clock_events WHERE deadline_id = ?`, d.ID); n != 1 {
				t.Fatalf("got %d events, want 1", n)
			}
			if n := countRows(t, db, `SELECT COUNT(*) FROM audit_log WHERE object_type = 'deadline' AND object_id = ? AND login = 'system:clock'`, fmt.Sprint(d.ID)); n != 1 {
				t.Fatalf("got %d audit entries, want 1", n)
			}
		})

		t.Run("Batch", func(t *testing.T) {
			// Stage jobs fired together in one transaction: a due stage and
			// a duplicate of it, a stage and the one after it, a stage not
			// due yet, an old generation's stage and a gone deadline.
			clock.Set(wubutest.Start)
			arm := func(id string, after, warn time.Duration) *wubu.Deadline {
				d, err := cs.Arm(admin, wubu.ArmRequest{DeadlineKey: wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "visit", ObjectID: id, Kind: "batch"},
					After: after, WarnBefore: warn, Escalation: []wubu.EscalationStep{{After: time.Minute, Notify: "role:manager"}}})
				if err != nil {
					t.Fatal(err)
				}
				return d
			}
			due, chain, later, rearmed := arm("due", 10*time.Minute, 0), arm("chain", 5*time.Minute, 2*time.Minute), arm("later", time.Hour, 0), arm("rearmed", time.Minute, 0)
			clock.Add(10 * time.Minute)
			r := wubu.ArmRequest{DeadlineKey: rearmed.DeadlineKey, After: time.Minute}
			if _, err := cs.Rearm(admin, r); err != nil {
				t.Fatal(err)
			}
			audits := countRows(t, db, `SELECT COUNT(*) FROM audit_log`)
			job := func(d *wubu.Deadline, gen int, stage string) sqlstore.StageJob {
				return sqlstore.StageJob{ProjectID: d.ProjectID, DeadlineID: d.ID, Generation: gen, Stage: stage}
			}
			jobs := []sqlstore.StageJob{
				job(due, 1, "breach"), job(chain, 1, "breach"), job(due, 1, "breach"), job(later, 1, "breach"),
				job(rearmed, 1, "breach"), job(chain, 1, "warning"), {ProjectID: f.ProjectA.ID, DeadlineID: 999999, Generation: 1, Stage: "breach"},
			}
			res, err := cs.FireStages(ctx, jobs)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range res {
				switch {
				case r.Event != nil:
					got = append(got, r.Event.Stage)
				case r.Err != nil:
					got = append(got, "not due")
				default:
					got = append(got, "-")
				}
			}
			want := []string{"breach", "breach", "-", "not due", "-", "warning", "-"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("results (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"warning@1", "breach@1"}, stagesOf(events(t, chain))); diff != "" {
				t.Fatalf("chain events (-want +got):\n%s", diff)
			}
			for _, d := range []*wubu.Deadline{due, chain} {
				got, err := cs.FindDeadline(admin, d.DeadlineKey)
				if err != nil {
					t.Fatal(err)
				}
				if got.State != wubu.DeadlineBreached || got.NextStage != "escalation:1" || !got.NextAt.Equal(got.DueAt.Add(time.Minute)) {
					t.Fatalf("%s: got %s, next %s at %v; want breached, next escalation:1 a minute after due", d.ObjectID, got.State, got.NextStage, got.NextAt)
				}
			}
			if n := countRows(t, db, `SELECT COUNT(*) FROM audit_log`) - audits; n != 3 {
				t.Fatalf("got %d audit entries, want 3", n)
			}
		})

		t.Run("NotDue", func(t *testing.T) {
			clock.Set(wubutest.Start)
			d, err := cs.Arm(admin, wubu.ArmRequest{DeadlineKey: wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "pass", ObjectID: "P2", Kind: "return"}, After: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			_, fired, err := cs.FireStage(ctx, sqlstore.StageJob{ProjectID: d.ProjectID, DeadlineID: d.ID, Generation: 1, Stage: wubu.StageBreach})
			var nd *sqlstore.StageNotDueError
			if !errors.As(err, &nd) || fired || !nd.At.Equal(d.DueAt) {
				t.Fatalf("got fired %v, err %v; want a StageNotDueError at %v", fired, err, d.DueAt)
			}
		})
	})
}

// fakeQueue records stage jobs; like River on PostgreSQL, it cannot join
// the store's transactions unless inTx is set.
type fakeQueue struct {
	mu   sync.Mutex
	inTx bool
	fail bool
	jobs []sqlstore.StageJob
}

func (q *fakeQueue) EnqueueTx(ctx context.Context, tx *sql.Tx, jobs []sqlstore.StageJob) (bool, error) {
	if !q.inTx {
		return false, nil
	}
	return true, q.Enqueue(ctx, jobs)
}

func (q *fakeQueue) Enqueue(ctx context.Context, jobs []sqlstore.StageJob) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.fail {
		return errors.New("queue down")
	}
	q.jobs = append(q.jobs, jobs...)
	return nil
}

func (q *fakeQueue) take() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := []string{}
	for _, j := range q.jobs {
		out = append(out, fmt.Sprintf("%d/%d/%s@%s", j.DeadlineID, j.Generation, j.Stage, j.At.Format("15:04")))
	}
	q.jobs = nil
	return out
}

func TestClockQueue(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		cs := newClocks(t, db)
		admin := f.Ctx(f.Admin)
		ctx := context.Background()
		for _, inTx := range []bool{true, false} {
			t.Run(fmt.Sprintf("InTx=%v", inTx), func(t *testing.T) {
				clock.Set(wubutest.Start)
				q := &fakeQueue{inTx: inTx}
				cs.SetQueue(q)
				defer cs.SetQueue(nil)
				id := fmt.Sprint(inTx)
				d, err := cs.Arm(admin, wubu.ArmRequest{DeadlineKey: wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "order", ObjectID: id, Kind: "arrival"},
					After: time.Hour, WarnBefore: 15 * time.Minute, Escalation: []wubu.EscalationStep{{After: time.Minute, Notify: "user:1"}}})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff([]string{fmt.Sprintf("%d/1/warning@01:45", d.ID)}, q.take()); diff != "" {
					t.Fatalf("queued on arm (-want +got):\n%s", diff)
				}
				// Each fired stage queues the next.
				clock.Add(time.Hour + time.Minute)
				if _, err := cs.RunDue(ctx); err != nil {
					t.Fatal(err)
				}
				want := []string{fmt.Sprintf("%d/1/breach@02:00", d.ID), fmt.Sprintf("%d/1/escalation:1@02:01", d.ID)}
				if diff := cmp.Diff(want, q.take()); diff != "" {
					t.Fatalf("queued by fired stages (-want +got):\n%s", diff)
				}
				// Everything queued: the reconciler has nothing to do.
				if n, err := cs.Reconcile(ctx, 10); err != nil || n != 0 {
					t.Fatalf("reconcile: got %d, %v; want 0", n, err)
				}
			})
		}

		t.Run("Heal", func(t *testing.T) {
			// Stages armed while the queue fails after the commit (a crash
			// between commit and queuing) or while no queue is set are
			// queued by the reconciler.
			clock.Set(wubutest.Start)
			q := &fakeQueue{fail: true}
			cs.SetQueue(q)
			k1 := wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "visit", ObjectID: "1", Kind: "follow_up"}
			cs.Logger = slog.New(slog.DiscardHandler)
			d1, err := cs.Arm(admin, wubu.ArmRequest{DeadlineKey: k1, After: 2 * time.Hour})
			if err != nil {
				t.Fatalf("arming with a queue that fails after the commit: %v; want the deadline armed, its stage left unqueued", err)
			}
			if n := countRows(t, db, `SELECT COUNT(*) FROM deadlines WHERE id = ? AND next_queued = FALSE`, d1.ID); n != 1 {
				t.Fatal("the stage the queue refused is marked queued")
			}
			cs.SetQueue(nil)
			d2, err := cs.Arm(admin, wubu.ArmRequest{DeadlineKey: wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "visit", ObjectID: "2", Kind: "follow_up"}, After: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			q.fail = false
			cs.SetQueue(q)
			if n, err := cs.Reconcile(ctx, 1); err != nil || n != 0 {
				t.Fatalf("reconcile right away: got %d, %v; want 0 (a deadline changed in the last 10 s is left alone)", n, err)
			}
			clock.Add(11 * time.Second)
			n, err := cs.Reconcile(ctx, 1)
			if err != nil || n != 2 {
				t.Fatalf("reconcile: got %d, %v; want 2", n, err)
			}
			want := []string{fmt.Sprintf("%d/1/breach@02:00", d2.ID), fmt.Sprintf("%d/1/breach@03:00", d1.ID)}
			if diff := cmp.Diff(want, q.take()); diff != "" {
				t.Fatalf("queued by the reconciler (-want +got):\n%s", diff)
			}
			if n, err := cs.Reconcile(ctx, 10); err != nil || n != 0 {
				t.Fatalf("second reconcile: got %d, %v; want 0", n, err)
			}
		})
	})
}
