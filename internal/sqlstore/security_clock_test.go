package sqlstore_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// deadlineOf returns the deadline of an object's clock, nil when it has none.
func deadlineOf(t *testing.T, cs *sqlstore.ClockService, ctx context.Context, projectID int64, objectType string, id int64, kind string) *wubu.Deadline {
	t.Helper()
	d, err := cs.FindDeadline(ctx, wubu.DeadlineKey{ProjectID: projectID, ObjectType: objectType, ObjectID: strconv.FormatInt(id, 10), Kind: kind})
	if wubu.ErrorCode(err) == wubu.ENOTFOUND {
		return nil
	} else if err != nil {
		t.Fatal(err)
	}
	return d
}

// ok returns v, failing the test on err.
func ok[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// TestSecurityClockCommittedWithStep: each step of a security object that
// arms a clock is committed with it: when the clock's first stage cannot be
// queued, the step is refused and nothing changes (no object, no state
// moved, no other clock stopped, no alert sent); once it can, the object
// and its deadline agree.
func TestSecurityClockCommittedWithStep(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newSecurityWorld(t, db, clock)
		pid := w.f.ProjectA.ID
		admin := w.f.Ctx(w.f.Admin)
		down := func() { w.clocks.SetQueue(failingQueue{}) }
		up := func() { w.clocks.SetQueue(nil) }

		t.Run("Pass", func(t *testing.T) {
			np := &wubu.NewPass{ProjectID: pid, RoomID: w.room.ID, PersonID: &w.owner.ID, Items: []string{"沙发"}, Gate: "东门"}
			down()
			if _, err := w.passes.StartPass(w.guardCtx, np); err == nil {
				t.Fatal("pass started although its clock could not be armed")
			}
			if _, n, err := w.passes.FindPasses(w.guardCtx, wubu.PassFilter{ProjectID: pid}); err != nil || n != 0 {
				t.Fatalf("after the failed start: %d passes, %v; want none", n, err)
			}
			up()
			p := ok[*wubu.Pass](t)(w.passes.StartPass(w.guardCtx, np))
			d := deadlineOf(t, w.clocks, admin, pid, "pass", p.ID, "confirm")
			if d == nil || d.State != wubu.DeadlineArmed || p.Deadline == nil || p.Deadline.ID != d.ID {
				t.Fatalf("got deadline %+v on pass %+v", d, p.Deadline)
			}
			p = ok[*wubu.Pass](t)(w.passes.ConfirmPass(w.assistantCtx, p.ID, wubu.PassConfirmation{Method: wubu.PassOwnerPresent}))
			if d := deadlineOf(t, w.clocks, admin, pid, "pass", p.ID, "confirm"); d.State != wubu.DeadlineMet || p.Deadline == nil || p.Deadline.State != wubu.DeadlineMet {
				t.Fatalf("confirmed: got deadline %s, on the pass %+v; want met", d.State, p.Deadline)
			}
		})

		t.Run("Tenant", func(t *testing.T) {
			nt := &wubu.NewTenant{ProjectID: pid, Room: "3-1-102", Name: "王租户", Phone: "13900003333", MoveIn: "2026-11-27"}
			down()
			if _, err := w.tenants.RegisterTenant(w.guardCtx, nt); err == nil {
				t.Fatal("tenant registered although the check's clock could not be armed")
			}
			if _, n, err := w.tenants.FindTenants(w.leaderCtx, wubu.TenantFilter{ProjectID: pid}); err != nil || n != 0 {
				t.Fatalf("after the failed registration: %d registrations, %v; want none", n, err)
			}
			up()
			reg := ok[*wubu.TenantRegistration](t)(w.tenants.RegisterTenant(w.guardCtx, nt))
			if d := deadlineOf(t, w.clocks, admin, pid, "tenant_registration", reg.ID, "check"); d == nil || d.State != wubu.DeadlineArmed {
				t.Fatalf("got check deadline %+v, want armed", d)
			}
			// The check stops one clock and arms the next: both or neither.
			down()
			if _, err := w.tenants.CheckTenant(w.leaderCtx, reg.ID); err == nil {
				t.Fatal("checked although the filing clock could not be armed")
			}
			if got := ok[*wubu.TenantRegistration](t)(w.tenants.FindTenantByID(w.leaderCtx, reg.ID)); got.State != wubu.TenantSubmitted {
				t.Fatalf("after the failed check: got %s, want submitted", got.State)
			}
			if d := deadlineOf(t, w.clocks, admin, pid, "tenant_registration", reg.ID, "check"); d.State != wubu.DeadlineArmed {
				t.Fatalf("after the failed check: check deadline %s, want still armed", d.State)
			}
			if d := deadlineOf(t, w.clocks, admin, pid, "tenant_registration", reg.ID, "file"); d != nil {
				t.Fatalf("after the failed check: got filing deadline %+v", d)
			}
			up()
			reg = ok[*wubu.TenantRegistration](t)(w.tenants.CheckTenant(w.leaderCtx, reg.ID))
			if d := deadlineOf(t, w.clocks, admin, pid, "tenant_registration", reg.ID, "check"); d.State != wubu.DeadlineMet {
				t.Fatalf("checked: check deadline %s, want met", d.State)
			}
			file := deadlineOf(t, w.clocks, admin, pid, "tenant_registration", reg.ID, "file")
			if file == nil || file.State != wubu.DeadlineArmed || reg.Deadline == nil || reg.Deadline.ID != file.ID {
				t.Fatalf("checked: got filing deadline %+v, on the registration %+v", file, reg.Deadline)
			}
			reg = ok[*wubu.TenantRegistration](t)(w.tenants.RejectTenant(w.leaderCtx, reg.ID, "身份证号待补"))
			if d := deadlineOf(t, w.clocks, admin, pid, "tenant_registration", reg.ID, "file"); d.State != wubu.DeadlineCancelled {
				t.Fatalf("rejected: filing deadline %s, want cancelled", d.State)
			}
		})

		t.Run("Incident", func(t *testing.T) {
			ni := &wubu.NewIncident{ProjectID: pid, Kind: wubu.IncidentFire, Place: "3栋地下车库", Description: "B2 有烟"}
			sent := len(w.notifier.sent)
			down()
			if _, err := w.incidents.ReportIncident(w.guardCtx, ni); err == nil {
				t.Fatal("incident reported although its escalation clock could not be armed")
			}
			if _, n, err := w.incidents.FindIncidents(w.leaderCtx, wubu.IncidentFilter{ProjectID: pid}); err != nil || n != 0 {
				t.Fatalf("after the failed report: %d incidents, %v; want none", n, err)
			}
			if len(w.notifier.sent) != sent {
				t.Fatalf("after the failed report: alerts %+v, want none", w.notifier.sent[sent:])
			}
			up()
			i := ok[*wubu.Incident](t)(w.incidents.ReportIncident(w.guardCtx, ni))
			d := deadlineOf(t, w.clocks, admin, pid, "incident", i.ID, "ack")
			if d == nil || d.State != wubu.DeadlineArmed || i.Deadline == nil || i.Deadline.ID != d.ID || len(w.notifier.sent) != sent+1 {
				t.Fatalf("got deadline %+v on incident %+v, alerts %d", d, i.Deadline, len(w.notifier.sent)-sent)
			}
			ok[*wubu.Incident](t)(w.incidents.AcknowledgeIncident(w.leaderCtx, i.ID, "已到场"))
			if d := deadlineOf(t, w.clocks, admin, pid, "incident", i.ID, "ack"); d.State != wubu.DeadlineMet {
				t.Fatalf("acknowledged: got deadline %s, want met", d.State)
			}
		})

		t.Run("Hazard", func(t *testing.T) {
			hs := sqlstore.NewHazardService(db, w.clocks)
			h := &wubu.Hazard{ProjectID: pid, Place: "配电房", Description: "门锁损坏", Severity: wubu.SeverityHigh}
			if err := hs.ReportHazard(w.guardCtx, h, nil); err != nil {
				t.Fatal(err)
			}
			down()
			if _, err := hs.AssignHazard(w.leaderCtx, h.ID, wubu.HazardAssignment{AssigneeID: w.guard.ID}); err == nil {
				t.Fatal("hazard assigned although its clock could not be armed")
			}
			if got := ok[*wubu.Hazard](t)(hs.FindHazard(w.leaderCtx, h.ID)); got.State != wubu.HazardReported || got.AssigneeID != nil {
				t.Fatalf("after the failed assignment: got %s, assignee %v; want it unchanged", got.State, got.AssigneeID)
			}
			if d := deadlineOf(t, w.clocks, admin, pid, "hazard", h.ID, "rectify"); d != nil {
				t.Fatalf("after the failed assignment: got deadline %+v", d)
			}
			up()
			got := ok[*wubu.Hazard](t)(hs.AssignHazard(w.leaderCtx, h.ID, wubu.HazardAssignment{AssigneeID: w.guard.ID}))
			d := deadlineOf(t, w.clocks, admin, pid, "hazard", h.ID, "rectify")
			if d == nil || d.State != wubu.DeadlineArmed || got.DueAt == nil || !d.DueAt.Equal(*got.DueAt) {
				t.Fatalf("got deadline %+v for the hazard due %v", d, got.DueAt)
			}
			ok[*wubu.Hazard](t)(hs.RectifyHazard(w.guardCtx, h.ID, "已换锁", &wubu.Photo{Data: testPNG}))
			if d := deadlineOf(t, w.clocks, admin, pid, "hazard", h.ID, "rectify"); d.State != wubu.DeadlineMet {
				t.Fatalf("rectified: got deadline %s, want met", d.State)
			}
			// Sent back: the hazard and its fresh clock together.
			down()
			if _, err := hs.VerifyHazard(w.leaderCtx, h.ID, false, "锁芯仍松动"); err == nil {
				t.Fatal("hazard sent back although its clock could not be re-armed")
			}
			if got := ok[*wubu.Hazard](t)(hs.FindHazard(w.leaderCtx, h.ID)); got.State != wubu.HazardRectified {
				t.Fatalf("after the failed verification: got %s, want rectified", got.State)
			}
			if d := deadlineOf(t, w.clocks, admin, pid, "hazard", h.ID, "rectify"); d.State != wubu.DeadlineMet {
				t.Fatalf("after the failed verification: got deadline %s, want met", d.State)
			}
			up()
			got = ok[*wubu.Hazard](t)(hs.VerifyHazard(w.leaderCtx, h.ID, false, "锁芯仍松动"))
			if d := deadlineOf(t, w.clocks, admin, pid, "hazard", h.ID, "rectify"); d.State != wubu.DeadlineArmed || got.DueAt == nil || !d.DueAt.Equal(*got.DueAt) {
				t.Fatalf("sent back: got deadline %s due %v for the hazard due %v", d.State, d.DueAt, got.DueAt)
			}
		})

		t.Run("PatrolRun", func(t *testing.T) {
			ps := sqlstore.NewPatrolService(db, w.clocks, nil)
			route := &wubu.PatrolRoute{ProjectID: pid, Name: "夜间一号线", Kind: wubu.RoutePatrol, IntervalMinutes: 10, LeaderID: &w.leader.ID}
			if err := ps.CreateRoute(w.leaderCtx, route); err != nil {
				t.Fatal(err)
			}
			var cps []*wubu.Checkpoint
			for _, name := range []string{"北门", "地下车库"} {
				c := &wubu.Checkpoint{RouteID: route.ID, Name: name}
				if err := ps.AddCheckpoint(w.leaderCtx, c); err != nil {
					t.Fatal(err)
				}
				cps = append(cps, c)
			}
			noRuns := func(when string) {
				t.Helper()
				if _, n, err := ps.FindRuns(w.leaderCtx, pid, wubu.RunFilter{RouteID: &route.ID}); err != nil || n != 0 {
					t.Fatalf("%s: %d runs, %v; want none", when, n, err)
				}
			}
			down()
			if _, err := ps.StartRun(w.guardCtx, route.ID); err == nil {
				t.Fatal("run started although its clock could not be armed")
			}
			noRuns("after the failed start")
			if _, err := ps.Checkin(w.guardCtx, cps[0].Code, wubu.CheckinScan); err == nil {
				t.Fatal("a check-in started a run although its clock could not be armed")
			}
			noRuns("after the failed check-in")
			up()
			res := ok[*wubu.CheckinResult](t)(ps.Checkin(w.guardCtx, cps[0].Code, wubu.CheckinScan))
			d := deadlineOf(t, w.clocks, admin, pid, "patrol_run", res.Run.ID, "finish")
			if !res.Started || d == nil || d.State != wubu.DeadlineArmed || !d.DueAt.Equal(res.Run.StartedAt.Add(30*time.Minute)) {
				t.Fatalf("got deadline %+v for run %+v", d, res.Run)
			}
			ok[*wubu.PatrolRun](t)(ps.FinishRun(w.guardCtx, res.Run.ID))
			if d := deadlineOf(t, w.clocks, admin, pid, "patrol_run", res.Run.ID, "finish"); d.State != wubu.DeadlineMet {
				t.Fatalf("finished: got deadline %s, want met", d.State)
			}
			down()
			run, err := ps.StartRun(w.guardCtx, route.ID)
			if err == nil || run != nil {
				t.Fatalf("got run %+v, %v; want it refused", run, err)
			}
			up()
			run = ok[*wubu.PatrolRun](t)(ps.StartRun(w.guardCtx, route.ID))
			if d := deadlineOf(t, w.clocks, admin, pid, "patrol_run", run.ID, "finish"); d == nil || d.State != wubu.DeadlineArmed {
				t.Fatalf("got deadline %+v for the started run", d)
			}
		})
	})
}
