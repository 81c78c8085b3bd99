package sqlstore_test

import (
	"context"
	"maps"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/i18n"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestLifecycleDeclarations: every declared life cycle is consistent, and
// every message it declares has its Chinese.
func TestLifecycleDeclarations(t *testing.T) {
	if len(wubu.Lifecycles) == 0 {
		t.Fatal("no life cycle is declared")
	}
	for _, lc := range append(wubu.Lifecycles, sqlstore.ToyLifecycle) {
		if err := lc.Check(); err != nil {
			t.Error(err)
		}
		if lc == sqlstore.ToyLifecycle {
			continue
		}
		msgs := []string{lc.Messages.Unassigned, lc.Messages.OthersOnly}
		for _, s := range lc.States {
			msgs = append(msgs, s.Refusal)
		}
		for _, st := range lc.Steps {
			msgs = append(msgs, st.Actor.Refusal)
		}
		for _, m := range msgs {
			if m != "" && !i18n.Has(m) {
				t.Errorf("%s: message %q has no Chinese in the catalogue", lc.Object, m)
			}
		}
	}
	bad := &wubu.Lifecycle{Object: "bad", States: []wubu.LifecycleState{{Name: "a", Refusal: "%d"}, {Name: "z", Final: true}},
		Steps: []wubu.StepDecl{{Action: "go", From: []string{"z"}, To: "a", Perm: wubu.PermSecurityEdit}}}
	if bad.Check() == nil {
		t.Error("a step out of a final state passed the check")
	}
}

// TestLifecycleRunner: a toy life cycle through the runner. Every refusal
// (another project, the state, the assignee rule, the four-eyes rule, the
// permission, the step's own check, a notice that cannot be queued) writes
// nothing in any table; a step writes its event, audit entry, clock and
// notices — to the team leaders of the object's post only — together.
func TestLifecycleRunner(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		ctx := context.Background()
		f := wubutest.NewFixture(t, db)
		guard := f.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA)
		guard2 := f.User(t, "guard2", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA)
		leader := f.User(t, "leader", wubu.RoleTeamLeader, wubu.PostSecurity, f.ProjectA)
		f.User(t, "techlead", wubu.RoleTeamLeader, wubu.PostMaintenance, f.ProjectA)
		outsider := f.User(t, "outsider", wubu.RoleStaff, wubu.PostSecurity, f.ProjectB)
		clocks := newClocks(t, db)
		if err := sqlstore.CreateToys(ctx, db); err != nil {
			t.Fatal(err)
		}
		toy, err := sqlstore.MakeToy(f.Ctx(guard), db, clocks, &sqlstore.Toy{ProjectID: f.ProjectA.ID, AssigneeID: &guard.ID, Note: "球"}, nil)
		if err != nil || toy.State != "new" {
			t.Fatalf("make: %+v, %v", toy, err)
		}
		counts := func() map[string]int {
			t.Helper()
			c, err := sqlstore.TableCounts(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		before := counts()
		refused := func(name string, err error, code string) {
			t.Helper()
			if wubu.ErrorCode(err) != code {
				t.Fatalf("%s: got %v, want %s", name, err, code)
			}
			if after := counts(); !maps.Equal(before, after) {
				t.Fatalf("%s wrote rows: before %v, after %v", name, before, after)
			}
		}
		_, err = sqlstore.ToyStep(f.Ctx(outsider), db, clocks, toy.ID, "take", nil)
		refused("another project", err, wubu.ENOTFOUND)
		_, err = sqlstore.ToyStep(f.Ctx(guard2), db, clocks, toy.ID, "take", nil)
		refused("not the assignee", err, wubu.EFORBIDDEN)
		_, err = sqlstore.ToyStep(f.Ctx(guard), db, clocks, toy.ID, "check", nil)
		refused("state", err, wubu.ECONFLICT)
		if msg := wubu.ErrorMessage(err); msg != "Toy "+strconv.FormatInt(toy.ID, 10)+" is new." {
			t.Fatalf("state refusal says %q", msg)
		}
		_, err = sqlstore.ToyStep(f.Ctx(guard), db, clocks, toy.ID, "take", func(t *sqlstore.Toy) error {
			t.Note = "changed"
			return wubu.FieldErrorf("note", wubu.EINVALID, "no")
		})
		refused("the step's own check", err, wubu.EINVALID)
		_, err = sqlstore.ToyStep(f.Ctx(guard), db, clocks, toy.ID, "drop", nil)
		refused("permission", err, wubu.EFORBIDDEN)
		_, err = sqlstore.ToyStep(f.Ctx(leader), db, clocks, toy.ID, "drop", nil)
		refused("a notice that cannot be queued", err, wubu.EINVALID)
		if _, err = sqlstore.ToyStep(f.Ctx(guard), db, clocks, toy.ID, "nonsense", nil); err == nil {
			t.Fatal("an undeclared step was taken")
		}
		refused("undeclared step", wubu.Errorf(wubu.EINVALID, "x"), wubu.EINVALID)
		_, err = sqlstore.MakeToy(f.Ctx(guard), db, clocks, &sqlstore.Toy{ProjectID: f.ProjectA.ID}, func(*sqlstore.Toy) error {
			return wubu.Errorf(wubu.EINVALID, "no")
		})
		refused("a refused creation", err, wubu.EINVALID)

		// The step, with all it writes.
		toy, err = sqlstore.ToyStep(f.Ctx(guard), db, clocks, toy.ID, "take", nil)
		if err != nil || toy.State != "taken" {
			t.Fatalf("take: %+v, %v", toy, err)
		}
		after := counts()
		for table, n := range map[string]int{"lifecycle_events": 1, "audit_log": 2, "deadlines": 1, "outbox": 1} {
			if after[table]-before[table] != n {
				t.Errorf("take wrote %d rows in %s, want %d (the audit log: the step and its clock)", after[table]-before[table], table, n)
			}
		}
		d, err := clocks.FindDeadline(f.Ctx(f.Admin), sqlstore.ToyLifecycle.ClockKey(f.ProjectA.ID, toy.ID, "fix"))
		if err != nil || d.State != wubu.DeadlineArmed || !d.DueAt.Equal(clock.Now().Add(time.Hour)) {
			t.Fatalf("clock: %+v, %v", d, err)
		}
		msgs, _, err := sqlstore.NewOutboxService(db).FindMessages(f.Ctx(f.Admin), f.ProjectA.ID, wubu.MessageFilter{Kind: "test_message"})
		if err != nil || len(msgs) != 1 || msgs[0].UserID == nil || *msgs[0].UserID != leader.ID {
			t.Fatalf("the notice reached %+v (%v), want the security team leader only", msgs, err)
		}
		before = after
		_, err = sqlstore.ToyStep(f.Ctx(guard), db, clocks, toy.ID, "check", nil)
		refused("four eyes", err, wubu.EFORBIDDEN)
		if msg := wubu.ErrorMessage(err); msg != "You took toy "+strconv.FormatInt(toy.ID, 10)+"." {
			t.Fatalf("four-eyes refusal says %q", msg)
		}
		toy, err = sqlstore.ToyStep(f.Ctx(guard2), db, clocks, toy.ID, "check", nil)
		if err != nil || toy.State != "checked" {
			t.Fatalf("check: %+v, %v", toy, err)
		}
		d, _ = clocks.FindDeadline(f.Ctx(f.Admin), sqlstore.ToyLifecycle.ClockKey(f.ProjectA.ID, toy.ID, "fix"))
		if d.State != wubu.DeadlineMet {
			t.Fatalf("clock after check: %+v", d)
		}
		before = counts()
		_, err = sqlstore.ToyStep(f.Ctx(leader), db, clocks, toy.ID, "note", nil)
		refused("final state", err, wubu.ECONFLICT)
	})
}

// raceSteps runs two steps on one object at once, deterministically: the
// first is paused right after it has read its object until the second has
// either read it too (its row was not locked) or waits for the lock. It
// returns both errors.
func raceSteps(t *testing.T, db *sqlstore.DB, object string, first, second func() error) (error, error) {
	t.Helper()
	ctx := context.Background()
	waiters, err := sqlstore.LockWaiters(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	calls := 0
	paused, release, secondRead := make(chan struct{}), make(chan struct{}), make(chan struct{})
	sqlstore.SetStepHook(func(obj string, id int64) {
		if obj != object {
			return
		}
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		switch n {
		case 1:
			close(paused)
			<-release
		case 2:
			close(secondRead)
		}
	})
	defer sqlstore.SetStepHook(nil)
	var errs [2]error
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); errs[0] = first() }()
	select {
	case <-paused:
	case <-time.After(time.Minute):
		t.Fatal("the first step never read its object")
	}
	go func() { defer wg.Done(); errs[1] = second() }()
	deadline := time.Now().Add(time.Minute)
	for waiting := false; !waiting; {
		select {
		case <-secondRead:
			waiting = true
			continue
		default:
		}
		n, err := sqlstore.LockWaiters(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if db.Dialect == sqlstore.SQLite && n > waiters || db.Dialect == sqlstore.Postgres && n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the second step neither read the object nor waited for it")
		}
		time.Sleep(2 * time.Millisecond)
	}
	close(release)
	wg.Wait()
	return errs[0], errs[1]
}

// oneWins checks that exactly one of two racing steps succeeded and the
// other got the conflict.
func oneWins(t *testing.T, a, b error) {
	t.Helper()
	if (a == nil) == (b == nil) {
		t.Fatalf("want exactly one step to win, got %v and %v", a, b)
	}
	lost := a
	if lost == nil {
		lost = b
	}
	if wubu.ErrorCode(lost) != wubu.ECONFLICT {
		t.Fatalf("the losing step got %v, want a conflict", lost)
	}
}

// stepEvents counts the events of an action on an object.
func stepEvents(t *testing.T, db *sqlstore.DB, objectType string, id int64, action string) int {
	t.Helper()
	n, err := sqlstore.CountEvents(context.Background(), db, objectType, id, action)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestHazardConcurrentVerify: two people verify one rectified hazard at
// once: one closes it, the other is told it is closed, one event.
func TestHazardConcurrentVerify(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		guard, lead := o.f.Ctx(o.guard), o.f.Ctx(o.leader)
		hs := sqlstore.NewHazardService(db, newClocks(t, db))
		h := &wubu.Hazard{ProjectID: o.f.ProjectA.ID, Place: "地库", Description: "消防通道堆物", Severity: wubu.SeverityMedium}
		if err := hs.ReportHazard(guard, h, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := hs.AssignHazard(lead, h.ID, wubu.HazardAssignment{AssigneeID: o.guard.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := hs.RectifyHazard(guard, h.ID, "已清理", &wubu.Photo{Data: testPNG}); err != nil {
			t.Fatal(err)
		}
		a, b := raceSteps(t, db, "hazard", func() error {
			_, err := hs.VerifyHazard(o.f.Ctx(o.guard2), h.ID, true, "")
			return err
		}, func() error {
			_, err := hs.VerifyHazard(lead, h.ID, false, "还有杂物")
			return err
		})
		oneWins(t, a, b)
		if n := stepEvents(t, db, "hazard", h.ID, wubu.HazardVerify) + stepEvents(t, db, "hazard", h.ID, wubu.HazardReject); n != 1 {
			t.Fatalf("got %d verification events, want 1", n)
		}
	})
}

// TestParkingConcurrentClose: two guards close one handled parking
// problem at once: one closes it, the other is told it is closed.
func TestParkingConcurrentClose(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		guard := o.f.Ctx(o.guard)
		ps := sqlstore.NewParkingService(db)
		pp := &wubu.ParkingProblem{ProjectID: o.f.ProjectA.ID, Kind: wubu.ParkingBlockedExit, Place: "B1 出口"}
		if err := ps.ReportParking(guard, pp); err != nil {
			t.Fatal(err)
		}
		if _, err := ps.AssignParking(o.f.Ctx(o.leader), pp.ID, o.guard.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := ps.HandleParking(guard, pp.ID, "已联系车主挪车", nil); err != nil {
			t.Fatal(err)
		}
		a, b := raceSteps(t, db, "parking_problem", func() error {
			_, err := ps.CloseParking(guard, pp.ID)
			return err
		}, func() error {
			_, err := ps.CloseParking(o.f.Ctx(o.guard2), pp.ID)
			return err
		})
		oneWins(t, a, b)
		if n := stepEvents(t, db, "parking_problem", pp.ID, wubu.ParkingClose); n != 1 {
			t.Fatalf("got %d close events, want 1", n)
		}
	})
}

// TestOrderConcurrentSteps: the technician and the team leader record the
// arrival at once; two people cancel an order at once. Each time one wins,
// the other is refused, and one event is written.
func TestOrderConcurrentSteps(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newOrderFixture(t, db, clock)
		o := f.open(t, wubu.OrderNormal, f.faucet)
		must(t)(f.orders.Dispatch(f.ctx(f.desk), o.ID, wubu.DispatchRequest{AssigneeID: &f.tech.ID}))
		must(t)(f.orders.Accept(f.ctx(f.tech), o.ID))
		a, b := raceSteps(t, db, "order", func() error {
			_, err := f.orders.Arrive(f.ctx(f.tech), o.ID)
			return err
		}, func() error {
			_, err := f.orders.Arrive(f.ctx(f.leader), o.ID)
			return err
		})
		oneWins(t, a, b)
		if n := stepEvents(t, db, "order", o.ID, string(wubu.ActArrive)); n != 1 {
			t.Fatalf("got %d arrival events, want 1", n)
		}
		o2 := f.open(t, wubu.OrderNormal, f.faucet)
		must(t)(f.orders.Dispatch(f.ctx(f.desk), o2.ID, wubu.DispatchRequest{}))
		a, b = raceSteps(t, db, "order", func() error {
			_, err := f.orders.Cancel(f.ctx(f.desk), o2.ID, "重复报修")
			return err
		}, func() error {
			_, err := f.orders.Cancel(f.ctx(f.leader), o2.ID, "重复报修")
			return err
		})
		oneWins(t, a, b)
		if n := stepEvents(t, db, "order", o2.ID, string(wubu.ActCancel)); n != 1 {
			t.Fatalf("got %d cancel events, want 1", n)
		}
	})
}

// TestPassConcurrentDecision: two people decide one pass at once.
func TestPassConcurrentDecision(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newSecurityWorld(t, db, clock)
		p, err := w.passes.StartPass(w.guardCtx, &wubu.NewPass{ProjectID: w.f.ProjectA.ID, RoomID: w.room.ID, PersonID: &w.owner.ID, Items: []string{"沙发"}, Gate: "东门"})
		if err != nil {
			t.Fatal(err)
		}
		a, b := raceSteps(t, db, "pass", func() error {
			_, err := w.passes.ConfirmPass(w.assistantCtx, p.ID, wubu.PassConfirmation{Method: wubu.PassOwnerPresent})
			return err
		}, func() error {
			_, err := w.passes.RefusePass(w.dutyCtx, p.ID, "业主不同意")
			return err
		})
		oneWins(t, a, b)
		if n := stepEvents(t, db, "pass", p.ID, wubu.PassConfirm) + stepEvents(t, db, "pass", p.ID, wubu.PassRefuse); n != 1 {
			t.Fatalf("got %d decisions, want 1", n)
		}
	})
}

// TestTenantAndIncidentConcurrentSteps: the leader and the duty manager
// check one registration at once; they acknowledge one incident at once.
func TestTenantAndIncidentConcurrentSteps(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newSecurityWorld(t, db, clock)
		reg, err := w.tenants.RegisterTenant(w.guardCtx, &wubu.NewTenant{ProjectID: w.f.ProjectA.ID, RoomID: w.room.ID, Name: "赵租户", Phone: "13900001111", MoveIn: "2026-12-01"})
		if err != nil {
			t.Fatal(err)
		}
		a, b := raceSteps(t, db, "tenant_registration", func() error {
			_, err := w.tenants.CheckTenant(w.leaderCtx, reg.ID)
			return err
		}, func() error {
			_, err := w.tenants.CheckTenant(w.dutyCtx, reg.ID)
			return err
		})
		oneWins(t, a, b)
		if n := stepEvents(t, db, "tenant_registration", reg.ID, wubu.TenantCheck); n != 1 {
			t.Fatalf("got %d checks, want 1", n)
		}
		i, err := w.incidents.ReportIncident(w.guardCtx, &wubu.NewIncident{ProjectID: w.f.ProjectA.ID, Kind: wubu.IncidentFire, Place: "3栋地下车库", Description: "B2 有烟"})
		if err != nil {
			t.Fatal(err)
		}
		a, b = raceSteps(t, db, "incident", func() error {
			_, err := w.incidents.AcknowledgeIncident(w.leaderCtx, i.ID, "")
			return err
		}, func() error {
			_, err := w.incidents.AcknowledgeIncident(w.dutyCtx, i.ID, "")
			return err
		})
		oneWins(t, a, b)
		if n := stepEvents(t, db, "incident", i.ID, wubu.IncidentAcknowledge); n != 1 {
			t.Fatalf("got %d acknowledgements, want 1", n)
		}
	})
}

// TestPatrolConcurrentFinish: the guard and the team leader finish one run
// at once: one finishes it, the other is told it is finished, one event and
// one report to the route's leader.
func TestPatrolConcurrentFinish(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		guard, lead := o.f.Ctx(o.guard), o.f.Ctx(o.leader)
		ps := sqlstore.NewPatrolService(db, newClocks(t, db), nil)
		route := &wubu.PatrolRoute{ProjectID: o.f.ProjectA.ID, Name: "夜间一号线", Kind: wubu.RoutePatrol, IntervalMinutes: 10, LeaderID: &o.leader.ID}
		if err := ps.CreateRoute(lead, route); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"北门", "地库"} {
			if err := ps.AddCheckpoint(lead, &wubu.Checkpoint{ProjectID: o.f.ProjectA.ID, RouteID: route.ID, Name: name, Visits: 1}); err != nil {
				t.Fatal(err)
			}
		}
		run, err := ps.StartRun(guard, route.ID)
		if err != nil {
			t.Fatal(err)
		}
		a, b := raceSteps(t, db, "patrol_run", func() error {
			_, err := ps.FinishRun(guard, run.ID)
			return err
		}, func() error {
			_, err := ps.FinishRun(lead, run.ID)
			return err
		})
		oneWins(t, a, b)
		if n := stepEvents(t, db, "patrol_run", run.ID, wubu.RunFinish); n != 1 {
			t.Fatalf("got %d finish events, want 1", n)
		}
		msgs, _, err := sqlstore.NewOutboxService(db).FindMessages(o.f.Ctx(o.f.Admin), o.f.ProjectA.ID, wubu.MessageFilter{Kind: "patrol_missed"})
		if err != nil || len(msgs) != 1 || !msgs[0].Urgent {
			t.Fatalf("reports of the missed checkpoints: %d (%v), want 1 urgent", len(msgs), err)
		}
	})
}

// TestOrderWarningReachesItsTeam: an urgent repair's warning reaches its
// technician and the maintenance team leaders, not the team leaders of the
// other posts (issue 19, defect 14).
func TestOrderWarningReachesItsTeam(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newOrderFixture(t, db, clock)
		others := []*wubu.User{
			f.User(t, "seclead", wubu.RoleTeamLeader, wubu.PostSecurity, f.ProjectA),
			f.User(t, "cleanlead", wubu.RoleTeamLeader, wubu.PostCleaning, f.ProjectA),
			f.User(t, "servlead", wubu.RoleTeamLeader, wubu.PostService, f.ProjectA),
		}
		o := f.open(t, wubu.OrderUrgent, f.faucet)
		must(t)(f.orders.Dispatch(f.ctx(f.desk), o.ID, wubu.DispatchRequest{AssigneeID: &f.tech.ID}))
		clock.Add(7 * time.Minute)
		if _, err := f.clocks.RunDue(f.Ctx(f.Admin)); err != nil {
			t.Fatal(err)
		}
		msgs, _, err := sqlstore.NewOutboxService(db).FindMessages(f.Ctx(f.Admin), f.ProjectA.ID, wubu.MessageFilter{Kind: "clock_warning"})
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]bool{}
		for _, m := range msgs {
			if m.UserID != nil {
				got[*m.UserID] = true
			}
		}
		if len(got) != 2 || !got[f.tech.ID] || !got[f.leader.ID] {
			t.Fatalf("the warning reached %v, want the technician %d and the maintenance leader %d", got, f.tech.ID, f.leader.ID)
		}
		for _, u := range others {
			if got[u.ID] {
				t.Fatalf("the warning reached %s, a team leader of another post", u.Login)
			}
		}
	})
}

// TestTenantNeverWaitsForAGuard: a building whose security leader was
// assigned before the rule that it be a team leader is a guard; a tenant
// registered there does not wait for someone who cannot check it: the
// check's clock and Today go to the security team leaders at once (issue
// 19, defect 13).
func TestTenantNeverWaitsForAGuard(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newSecurityWorld(t, db, clock)
		// An assignment from before the rule: written as it was then.
		if err := sqlstore.AssignUnchecked(context.Background(), db, w.f.ProjectA.ID, w.building.ID, w.guard.ID, wubu.AssignSecurityLeader); err != nil {
			t.Fatal(err)
		}
		reg, err := w.tenants.RegisterTenant(w.guardCtx, &wubu.NewTenant{ProjectID: w.f.ProjectA.ID, RoomID: w.room.ID, Name: "赵租户", Phone: "13900001111", MoveIn: "2026-12-01"})
		if err != nil {
			t.Fatal(err)
		}
		if reg.SuperiorID != nil {
			t.Fatalf("the guard became the superior of the registration")
		}
		d := reg.Deadline
		if d == nil || len(d.WarnNotify) != 1 || d.WarnNotify[0] != "role:team_leader:security" {
			t.Fatalf("the check's clock warns %+v, want the security team leaders", d)
		}
		if _, err := w.tenants.CheckTenant(w.leaderCtx, reg.ID); err != nil {
			t.Fatalf("the security team leader cannot check: %v", err)
		}
	})
}
