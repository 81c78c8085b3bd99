package sqlstore_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// patrolNotifier keeps the notifications asked for.
type patrolNotifier struct {
	mu   sync.Mutex
	sent []wubu.Notification
}

func (n *patrolNotifier) Notify(ctx context.Context, ns ...wubu.Notification) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, ns...)
	return nil
}

// testPNG is the smallest thing http.DetectContentType takes for a PNG.
var testPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")

func mustCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := wubu.ErrorCode(err); got != code {
		t.Fatalf("got error %v (%s), want %s", err, got, code)
	}
}

// securityOrg makes a building with rooms in project A, a guard, a second
// guard and a team leader of the security post.
type securityOrg struct {
	f                     *wubutest.Fixture
	building              *wubu.Building
	rooms                 []*wubu.Room
	guard, guard2, leader *wubu.User
}

func newSecurityOrg(t *testing.T, db *sqlstore.DB) *securityOrg {
	t.Helper()
	f := wubutest.NewFixture(t, db)
	ctx := f.Ctx(f.Admin)
	res, err := sqlstore.NewOrgService(db).GenerateRooms(ctx, wubu.RoomGeneration{ProjectID: f.ProjectA.ID, Building: "3", Units: 1, FirstFloor: 1, Floors: 4, PerFloor: 2})
	if err != nil {
		t.Fatal(err)
	}
	rooms, _, err := sqlstore.NewOrgService(db).FindRooms(ctx, wubu.RoomFilter{ProjectID: f.ProjectA.ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return &securityOrg{f: f, building: res.Building, rooms: rooms,
		guard:  f.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA),
		guard2: f.User(t, "guard2", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA),
		leader: f.User(t, "leader", wubu.RoleTeamLeader, wubu.PostSecurity, f.ProjectA)}
}

// TestPatrolMissedCheckpoint: a guard walks a route, reaches one checkpoint
// late, visits the key location once instead of twice and skips the last;
// finishing the run flags them and tells the route's leader, whose agenda
// shows the run until they review it.
func TestPatrolMissedCheckpoint(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		notifier := &patrolNotifier{}
		cs := newClocks(t, db)
		ps := sqlstore.NewPatrolService(db, cs, notifier)
		lead, guard := o.f.Ctx(o.leader), o.f.Ctx(o.guard)

		route := &wubu.PatrolRoute{ProjectID: o.f.ProjectA.ID, Name: "夜间一号线", Kind: wubu.RoutePatrol, IntervalMinutes: 10, LeaderID: &o.leader.ID}
		t.Run("ErrForbidden", func(t *testing.T) {
			mustCode(t, ps.CreateRoute(guard, route), wubu.EFORBIDDEN)
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			bad := *route
			bad.IntervalMinutes = 0
			mustCode(t, ps.CreateRoute(lead, &bad), wubu.EINVALID)
			insp := wubu.PatrolRoute{ProjectID: o.f.ProjectA.ID, Name: "装修巡查", Kind: wubu.RouteInspection, IntervalMinutes: 10, EveryDays: 3}
			mustCode(t, ps.CreateRoute(lead, &insp), wubu.EINVALID)
		})
		if err := ps.CreateRoute(lead, route); err != nil {
			t.Fatal(err)
		}
		t.Run("ErrNoCheckpoints", func(t *testing.T) {
			_, err := ps.StartRun(guard, route.ID)
			mustCode(t, err, wubu.EINVALID)
		})
		var cps []*wubu.Checkpoint
		for _, c := range []wubu.Checkpoint{{Name: "北门"}, {Name: "地下车库", Kind: wubu.CheckpointKey}, {Name: "3栋后侧", Kind: wubu.CheckpointBlindSpot, Visits: 1}} {
			c.RouteID = route.ID
			if err := ps.AddCheckpoint(lead, &c); err != nil {
				t.Fatal(err)
			}
			cps = append(cps, &c)
		}
		if !strings.HasPrefix(cps[0].Code, "LJY-") || cps[1].Visits != 2 || cps[2].Visits != 1 {
			t.Fatalf("checkpoints: %+v %+v %+v", cps[0], cps[1], cps[2])
		}

		t.Run("OtherProjectCode", func(t *testing.T) {
			other := o.f.User(t, "guard_b", wubu.RoleStaff, wubu.PostSecurity, o.f.ProjectB)
			_, err := ps.Checkin(o.f.Ctx(other), cps[0].Code, wubu.CheckinScan)
			mustCode(t, err, wubu.ENOTFOUND)
		})
		t.Run("ErrUnknownCode", func(t *testing.T) {
			_, err := ps.Checkin(guard, "LJY-ZZZZZ", wubu.CheckinTyped)
			mustCode(t, err, wubu.ENOTFOUND)
			_, err = ps.Checkin(guard, "  ", wubu.CheckinTyped)
			mustCode(t, err, wubu.EINVALID)
		})

		// The first scan starts the run; a pasted link works like the code.
		clock.Add(5 * time.Minute)
		res, err := ps.Checkin(guard, "https://wubu.example/patrol/checkin?code="+strings.ToLower(cps[0].Code), wubu.CheckinScan)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Started || res.Late || res.Checkpoint.ID != cps[0].ID {
			t.Fatalf("first check-in: %+v", res)
		}
		runID := res.Run.ID
		if _, err := ps.StartRun(guard, route.ID); wubu.ErrorCode(err) != wubu.ECONFLICT {
			t.Fatalf("second run: got %v, want conflict", err)
		}
		// The key location is due 20 minutes after the start: reached at 25.
		clock.Add(20 * time.Minute)
		res, err = ps.Checkin(guard, cps[1].Code, wubu.CheckinTyped)
		if err != nil {
			t.Fatal(err)
		}
		if res.Started || res.Run.ID != runID {
			t.Fatalf("second check-in started another run: %+v", res.Run)
		}
		if st := res.Run.Checkpoints[1].Status; st != wubu.CheckPending {
			t.Fatalf("key location visited once of twice: got %s, want pending", st)
		}

		t.Run("ErrFinishOthersRun", func(t *testing.T) {
			_, err := ps.FinishRun(o.f.Ctx(o.guard2), runID)
			mustCode(t, err, wubu.EFORBIDDEN)
		})
		clock.Add(20 * time.Minute)
		run, err := ps.FinishRun(guard, runID)
		if err != nil {
			t.Fatal(err)
		}
		got := []wubu.CheckStatus{}
		for _, rc := range run.Checkpoints {
			got = append(got, rc.Status)
		}
		if want := []wubu.CheckStatus{wubu.CheckOK, wubu.CheckMissed, wubu.CheckMissed}; !equalStatuses(got, want) {
			t.Fatalf("statuses: got %v, want %v", got, want)
		}
		if run.Missed != 2 || run.Late != 0 {
			t.Fatalf("run flags: missed %d late %d, want 2 and 0", run.Missed, run.Late)
		}
		if _, err := ps.FinishRun(guard, runID); wubu.ErrorCode(err) != wubu.ECONFLICT {
			t.Fatalf("finish twice: got %v, want conflict", err)
		}
		// The run's clock: due an interval after its last checkpoint, met.
		d, err := cs.FindDeadline(lead, wubu.DeadlineKey{ProjectID: o.f.ProjectA.ID, ObjectType: "patrol_run", ObjectID: itoa(runID), Kind: "finish"})
		if err != nil || d.State != wubu.DeadlineMet || !d.DueAt.Equal(run.StartedAt.Add(40*time.Minute)) || d.BreachNotify[0] != "user:"+itoa(o.leader.ID) {
			t.Fatalf("run clock: %+v %v", d, err)
		}

		// The leader is told, once.
		if len(notifier.sent) != 1 {
			t.Fatalf("got %d notifications, want 1", len(notifier.sent))
		}
		n := notifier.sent[0]
		if n.Kind != "patrol_missed" || n.To.UserID != o.leader.ID || n.Vars["missed"] != "2" || !strings.Contains(n.Vars["points"], "地下车库") {
			t.Fatalf("notification: %+v", n)
		}

		// The leader's agenda shows the run until reviewed.
		agenda := sqlstore.NewPatrolAgenda(db)
		items, err := agenda.Agenda(lead, clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if !hasAgendaKind(items, "patrol_missed") {
			t.Fatalf("leader's agenda lacks the missed run: %+v", items)
		}
		if items, _ := agenda.Agenda(guard, clock.Now()); hasAgendaKind(items, "patrol_missed") {
			t.Fatalf("the guard's agenda shows the leader's item")
		}
		if _, err := ps.ReviewRun(guard, runID); wubu.ErrorCode(err) != wubu.EFORBIDDEN {
			t.Fatalf("guard reviews: got %v, want forbidden", err)
		}
		if _, err := ps.ReviewRun(lead, runID); err != nil {
			t.Fatal(err)
		}
		if items, _ := agenda.Agenda(lead, clock.Now()); hasAgendaKind(items, "patrol_missed") {
			t.Fatalf("reviewed run still on the agenda")
		}

		// A second run reaching the first checkpoint late.
		res, err = ps.Checkin(guard, cps[0].Code, wubu.CheckinScan)
		if err != nil {
			t.Fatal(err)
		}
		clock.Add(11 * time.Minute)
		for _, c := range cps[1:] {
			for range c.Visits {
				if _, err := ps.Checkin(guard, c.Code, wubu.CheckinScan); err != nil {
					t.Fatal(err)
				}
			}
		}
		run, err = ps.FinishRun(guard, res.Run.ID)
		if err != nil {
			t.Fatal(err)
		}
		if run.Missed != 0 || run.Late != 0 {
			t.Fatalf("second run: missed %d late %d, want none", run.Missed, run.Late)
		}
		flagged, total, err := ps.FindRuns(lead, o.f.ProjectA.ID, wubu.RunFilter{Flagged: true})
		if err != nil || total != 1 || flagged[0].ID != runID {
			t.Fatalf("flagged runs: %v %d %v", flagged, total, err)
		}
	})
}

func equalStatuses(a, b []wubu.CheckStatus) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func hasAgendaKind(items []wubu.AgendaItem, kind string) bool {
	for _, it := range items {
		if it.Kind == kind {
			return true
		}
	}
	return false
}

// TestPatrolLateCheckpoint: a checkpoint reached after its time is late.
func TestPatrolLateCheckpoint(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		cs := newClocks(t, db)
		ps := sqlstore.NewPatrolService(db, cs, nil)
		lead, guard := o.f.Ctx(o.leader), o.f.Ctx(o.guard)
		// A renovation inspection of a room, every 3 days.
		route := &wubu.PatrolRoute{ProjectID: o.f.ProjectA.ID, Name: "3-1-401装修", Kind: wubu.RouteInspection, RoomID: &o.rooms[6].ID, IntervalMinutes: 5, EveryDays: 3}
		if err := ps.CreateRoute(lead, route); err != nil {
			t.Fatal(err)
		}
		c := &wubu.Checkpoint{RouteID: route.ID, Name: "入户门"}
		if err := ps.AddCheckpoint(lead, c); err != nil {
			t.Fatal(err)
		}
		run, err := ps.StartRun(guard, route.ID)
		if err != nil {
			t.Fatal(err)
		}
		clock.Add(6 * time.Minute)
		res, err := ps.Checkin(guard, c.Code, wubu.CheckinTyped)
		if err != nil || !res.Late {
			t.Fatalf("late check-in: %+v %v", res, err)
		}
		if run, err = ps.FinishRun(guard, run.ID); err != nil || run.Late != 1 {
			t.Fatalf("finish: %+v %v", run, err)
		}
		got, err := ps.FindRoute(guard, route.ID)
		if err != nil {
			t.Fatal(err)
		}

		// A run left unfinished breaches its clock: the team leaders are
		// alerted (no leader named: the security team leaders), then the duty
		// manager.
		abandoned, err := ps.StartRun(guard, route.ID)
		if err != nil {
			t.Fatal(err)
		}
		clock.Add(40 * time.Minute)
		if _, err := cs.RunDue(o.f.Ctx(o.f.Admin)); err != nil {
			t.Fatal(err)
		}
		d, err := cs.FindDeadline(lead, wubu.DeadlineKey{ProjectID: o.f.ProjectA.ID, ObjectType: "patrol_run", ObjectID: itoa(abandoned.ID), Kind: "finish"})
		if err != nil || d.State != wubu.DeadlineEscalated || d.BreachNotify[0] != "role:team_leader:security" {
			t.Fatalf("abandoned run clock: %+v %v", d, err)
		}
		if got.RoomLabel != o.rooms[6].Label || got.NextDue == nil || !got.NextDue.Equal(run.StartedAt.Add(72*time.Hour)) {
			t.Fatalf("inspection route: %+v", got)
		}
	})
}

// TestHazardVerifiedClose: the person who rectified a hazard cannot close
// it; someone else verifies it.
func TestHazardVerifiedClose(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		hs := sqlstore.NewHazardService(db, newClocks(t, db))
		lead, guard, guard2 := o.f.Ctx(o.leader), o.f.Ctx(o.guard), o.f.Ctx(o.guard2)

		t.Run("ErrInvalid", func(t *testing.T) {
			for name, h := range map[string]wubu.Hazard{
				"Place":         {ProjectID: o.f.ProjectA.ID, Description: "x", Severity: wubu.SeverityLow},
				"Severity":      {ProjectID: o.f.ProjectA.ID, Place: "x", Description: "x"},
				"ResidentNoOne": {ProjectID: o.f.ProjectA.ID, Place: "x", Description: "x", Severity: wubu.SeverityLow, Source: wubu.HazardFromResident},
			} {
				if err := hs.ReportHazard(guard, &h, nil); wubu.ErrorCode(err) != wubu.EINVALID {
					t.Errorf("%s: got %v, want invalid", name, err)
				}
			}
			h := wubu.Hazard{ProjectID: o.f.ProjectA.ID, Place: "x", Description: "x", Severity: wubu.SeverityLow}
			if err := hs.ReportHazard(guard, &h, &wubu.Photo{Data: []byte("not a photo")}); wubu.ErrorCode(err) != wubu.EINVALID {
				t.Errorf("photo: got %v, want invalid", err)
			}
		})

		// A resident reports it (joint prevention).
		rs := sqlstore.NewResidentService(db)
		person := &wubu.Person{ProjectID: o.f.ProjectA.ID, Name: "王芳"}
		if err := rs.CreatePersonInRoom(o.f.Ctx(o.f.Admin), person, &wubu.Household{RoomID: o.rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
			t.Fatal(err)
		}
		h := &wubu.Hazard{ProjectID: o.f.ProjectA.ID, Source: wubu.HazardFromResident, PersonID: &person.ID, BuildingID: &o.building.ID,
			Place: "3栋1单元楼道", Description: "楼道堆放纸箱,堵塞消防通道", Severity: wubu.SeverityMedium}
		if err := hs.ReportHazard(guard, h, &wubu.Photo{Data: testPNG}); err != nil {
			t.Fatal(err)
		}
		t.Run("ErrAssignForbidden", func(t *testing.T) {
			_, err := hs.AssignHazard(guard, h.ID, wubu.HazardAssignment{AssigneeID: o.guard.ID})
			mustCode(t, err, wubu.EFORBIDDEN)
		})
		t.Run("ErrRectifyUnassigned", func(t *testing.T) {
			_, err := hs.RectifyHazard(guard, h.ID, "清理", &wubu.Photo{Data: testPNG})
			mustCode(t, err, wubu.ECONFLICT)
		})
		if _, err := hs.AssignHazard(lead, h.ID, wubu.HazardAssignment{AssigneeID: o.guard.ID}); err != nil {
			t.Fatal(err)
		}
		t.Run("ErrRectifyWithoutPhoto", func(t *testing.T) {
			_, err := hs.RectifyHazard(guard, h.ID, "清理", nil)
			mustCode(t, err, wubu.EINVALID)
		})
		t.Run("ErrRectifyNotAssignee", func(t *testing.T) {
			_, err := hs.RectifyHazard(guard2, h.ID, "清理", &wubu.Photo{Data: testPNG})
			mustCode(t, err, wubu.EFORBIDDEN)
		})
		clock.Add(time.Hour)
		got, err := hs.RectifyHazard(guard, h.ID, "已清理纸箱", &wubu.Photo{Data: testPNG})
		if err != nil {
			t.Fatal(err)
		}
		if got.State != wubu.HazardRectified || len(got.Photos) != 2 || got.Photos[1].Stage != wubu.PhotoRectified {
			t.Fatalf("rectified: %+v", got)
		}
		// The clock stopped, met.
		d, err := newClocks(t, db).FindDeadline(lead, wubu.DeadlineKey{ProjectID: h.ProjectID, ObjectType: "hazard", ObjectID: itoa(h.ID), Kind: "rectify"})
		if err != nil || d.State != wubu.DeadlineMet {
			t.Fatalf("deadline: %+v %v", d, err)
		}

		// The rectifier cannot verify it, with a clear message.
		_, err = hs.VerifyHazard(guard, h.ID, true, "")
		mustCode(t, err, wubu.EFORBIDDEN)
		if msg := wubu.ErrorMessage(err); !strings.Contains(msg, "someone else must verify") {
			t.Fatalf("message: %q", msg)
		}
		if got, _ := hs.FindHazard(lead, h.ID); got.State != wubu.HazardRectified {
			t.Fatalf("refused verification changed the state to %s", got.State)
		}
		// Sent back without a reason: refused.
		_, err = hs.VerifyHazard(guard2, h.ID, false, "")
		mustCode(t, err, wubu.EINVALID)
		// Sent back with a reason: assigned again, its clock re-armed.
		if got, err = hs.VerifyHazard(guard2, h.ID, false, "还有两箱未清"); err != nil || got.State != wubu.HazardAssigned {
			t.Fatalf("send back: %+v %v", got, err)
		}
		if _, err := hs.RectifyHazard(guard, h.ID, "全部清理", &wubu.Photo{Data: testPNG}); err != nil {
			t.Fatal(err)
		}
		got, err = hs.VerifyHazard(guard2, h.ID, true, "已复查")
		if err != nil {
			t.Fatal(err)
		}
		if got.State != wubu.HazardClosed || got.VerifiedBy == nil || *got.VerifiedBy != o.guard2.ID || *got.RectifiedBy != o.guard.ID {
			t.Fatalf("closed: %+v", got)
		}
		t.Run("OtherProject", func(t *testing.T) {
			other := o.f.User(t, "lead_b", wubu.RoleTeamLeader, wubu.PostSecurity, o.f.ProjectB)
			_, err := hs.FindHazard(o.f.Ctx(other), h.ID)
			mustCode(t, err, wubu.ENOTFOUND)
		})
		// The resident's timeline records the report.
		tl, err := rs.Timeline(lead, person.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range tl {
			found = found || e.Kind == "hazard.reported"
		}
		if !found {
			t.Fatalf("timeline lacks the hazard: %+v", tl)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestHazardOverdueEscalates: a hazard not rectified in time breaches its
// clock and escalates to the duty manager, then the manager; it is on the
// assignee's agenda as critical.
func TestHazardOverdueEscalates(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		cs := newClocks(t, db)
		hs := sqlstore.NewHazardService(db, cs)
		lead, guard := o.f.Ctx(o.leader), o.f.Ctx(o.guard)
		h := &wubu.Hazard{ProjectID: o.f.ProjectA.ID, Place: "配电房", Description: "门锁损坏", Severity: wubu.SeverityHigh}
		if err := hs.ReportHazard(guard, h, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := hs.AssignHazard(lead, h.ID, wubu.HazardAssignment{AssigneeID: o.guard.ID, Due: clock.Now().Add(-time.Minute)}); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("due in the past: got %v, want invalid", err)
		}
		got, err := hs.AssignHazard(lead, h.ID, wubu.HazardAssignment{AssigneeID: o.guard.ID})
		if err != nil {
			t.Fatal(err)
		}
		if !got.DueAt.Equal(clock.Now().Add(4 * time.Hour)) {
			t.Fatalf("due %v, want 4 hours for a high hazard", got.DueAt)
		}
		ctx := o.f.Ctx(o.f.Admin)
		fire := func() {
			if _, err := cs.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		clock.Add(4*time.Hour + time.Second)
		fire()
		overdue, total, err := hs.FindHazards(lead, o.f.ProjectA.ID, wubu.HazardFilter{Overdue: true})
		if err != nil || total != 1 || !overdue[0].Overdue {
			t.Fatalf("overdue list: %v %d %v", overdue, total, err)
		}
		items, err := sqlstore.NewPatrolAgenda(db).Agenda(guard, clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 1 || items[0].Urgency != wubu.UrgencyCritical || !items[0].Overdue {
			t.Fatalf("assignee's agenda: %+v", items)
		}
		clock.Add(2 * time.Hour)
		fire()
		clock.Add(22 * time.Hour)
		fire()
		key := wubu.DeadlineKey{ProjectID: h.ProjectID, ObjectType: "hazard", ObjectID: itoa(h.ID), Kind: "rectify"}
		d, err := cs.FindDeadline(lead, key)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := cs.Events(lead, h.ProjectID, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Join(stagesOf(evs), " "), "warning@1 breach@1 escalation:1@1 escalation:2@1"; got != want {
			t.Fatalf("stages: got %s, want %s", got, want)
		}
		if d.State != wubu.DeadlineEscalated || d.Level != 2 || evs[2].Notify != "role:duty_manager" || evs[3].Notify != "role:manager" {
			t.Fatalf("deadline: %+v events %+v %+v", d, evs[2], evs[3])
		}
		if d.BreachNotify[0] != "user:"+itoa(o.guard.ID) {
			t.Fatalf("breach notifies %v", d.BreachNotify)
		}
	})
}

// TestParkingFlow: a parking problem goes through the department's steps,
// its plate matched to the resident.
func TestParkingFlow(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		ps := sqlstore.NewParkingService(db)
		lead, guard := o.f.Ctx(o.leader), o.f.Ctx(o.guard)
		rs := sqlstore.NewResidentService(db)
		admin := o.f.Ctx(o.f.Admin)
		person := &wubu.Person{ProjectID: o.f.ProjectA.ID, Name: "李强"}
		if err := rs.CreatePersonInRoom(admin, person, &wubu.Household{RoomID: o.rooms[1].ID, Relation: wubu.RelationOwner}); err != nil {
			t.Fatal(err)
		}
		if err := rs.AddVehicle(admin, &wubu.Vehicle{ProjectID: o.f.ProjectA.ID, PersonID: person.ID, Plate: "粤B12345"}); err != nil {
			t.Fatal(err)
		}
		t.Run("ErrInvalid", func(t *testing.T) {
			for name, p := range map[string]wubu.ParkingProblem{
				"Kind":     {ProjectID: o.f.ProjectA.ID, Place: "B1"},
				"Place":    {ProjectID: o.f.ProjectA.ID, Kind: wubu.ParkingDamage},
				"NoPlate":  {ProjectID: o.f.ProjectA.ID, Kind: wubu.ParkingUnknownVehicle, Place: "B1"},
				"BadPlate": {ProjectID: o.f.ProjectA.ID, Kind: wubu.ParkingDamage, Place: "B1", Plate: "XYZ"},
			} {
				if err := ps.ReportParking(guard, &p); wubu.ErrorCode(err) != wubu.EINVALID {
					t.Errorf("%s: got %v, want invalid", name, err)
				}
			}
		})
		p := &wubu.ParkingProblem{ProjectID: o.f.ProjectA.ID, Kind: wubu.ParkingBlockedExit, Plate: "粤b 12345", Place: "B1 消防出口", BuildingID: &o.building.ID}
		if err := ps.ReportParking(guard, p, &wubu.Photo{Data: testPNG}); err != nil {
			t.Fatal(err)
		}
		if p.Plate != "粤B12345" || p.PersonID == nil || *p.PersonID != person.ID {
			t.Fatalf("plate match: %+v", p)
		}
		if _, err := ps.CloseParking(guard, p.ID); wubu.ErrorCode(err) != wubu.ECONFLICT {
			t.Fatalf("close before handled: got %v", err)
		}
		if _, err := ps.HandleParking(guard, p.ID, "已挪车", nil); wubu.ErrorCode(err) != wubu.ECONFLICT {
			t.Fatalf("handle before assigned: got %v", err)
		}
		if _, err := ps.AssignParking(guard, p.ID, o.guard.ID); wubu.ErrorCode(err) != wubu.EFORBIDDEN {
			t.Fatalf("guard assigns: got %v", err)
		}
		if _, err := ps.AssignParking(lead, p.ID, o.guard.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := ps.HandleParking(guard, p.ID, " ", nil); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("handle without note: got %v", err)
		}
		clock.Add(10 * time.Minute)
		if _, err := ps.HandleParking(guard, p.ID, "联系业主李强挪车", &wubu.Photo{Data: testPNG}); err != nil {
			t.Fatal(err)
		}
		got, err := ps.CloseParking(lead, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != wubu.ParkingClosed || got.PersonName != "李强" || got.PersonRoom != o.rooms[1].Label || len(got.Photos) != 2 || got.HandledAt == nil {
			t.Fatalf("closed: %+v", got)
		}
		list, total, err := ps.FindParkings(guard, o.f.ProjectA.ID, wubu.ParkingFilter{Plate: "12345"})
		if err != nil || total != 1 || list[0].ID != p.ID {
			t.Fatalf("search by plate: %v %d %v", list, total, err)
		}
		if open, _, _ := ps.FindParkings(guard, o.f.ProjectA.ID, wubu.ParkingFilter{Open: true}); len(open) != 0 {
			t.Fatalf("open problems: %v", open)
		}
	})
}

// TestAlarmOffList: households whose alarm is not on, per building; a
// reminder that gets it switched on takes the household off the list;
// advice is recorded on the household. The building's leader sees it all
// on the building's security page and agenda.
func TestAlarmOffList(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		admin := o.f.Ctx(o.f.Admin)
		org := sqlstore.NewOrgService(db)
		res, err := org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: o.f.ProjectA.ID, Building: "5", Units: 1, FirstFloor: 1, Floors: 1, PerFloor: 1})
		if err != nil {
			t.Fatal(err)
		}
		rooms5, _, _ := org.FindRooms(admin, wubu.RoomFilter{ProjectID: o.f.ProjectA.ID, BuildingID: &res.Building.ID})
		rs := sqlstore.NewResidentService(db)
		mk := func(name string, room *wubu.Room, status wubu.AlarmStatus, importance int) *wubu.Person {
			p := &wubu.Person{ProjectID: o.f.ProjectA.ID, Name: name, AlarmStatus: status, Importance: importance}
			if err := rs.CreatePersonInRoom(admin, p, &wubu.Household{RoomID: room.ID, Relation: wubu.RelationOwner}); err != nil {
				t.Fatal(err)
			}
			if _, err := rs.UpdatePerson(admin, p.ID, wubu.PersonUpdate{AlarmStatus: &status, Importance: &importance}); err != nil {
				t.Fatal(err)
			}
			return p
		}
		off := mk("张一", o.rooms[0], wubu.AlarmOff, 5)
		mk("张二", o.rooms[1], wubu.AlarmOn, 0)
		mk("张三", o.rooms[2], wubu.AlarmUnknown, 0)
		mk("赵五", rooms5[0], wubu.AlarmNone, 0)
		ss := sqlstore.NewSecurityService(db)
		guard := o.f.Ctx(o.guard)

		names := func(list []*wubu.AlarmHousehold) string {
			var out []string
			for _, a := range list {
				out = append(out, a.BuildingName+":"+a.PersonName)
			}
			return strings.Join(out, ",")
		}
		all, err := ss.AlarmOff(guard, o.f.ProjectA.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := names(all), "3:张一,3:张三,5:赵五"; got != want {
			t.Fatalf("alarm off: got %s, want %s", got, want)
		}
		b3, _ := ss.AlarmOff(guard, o.f.ProjectA.ID, o.building.ID)
		if got, want := names(b3), "3:张一,3:张三"; got != want || !b3[0].ReminderDue {
			t.Fatalf("building 3: got %s, want %s", got, want)
		}

		t.Run("ErrInvalid", func(t *testing.T) {
			mustCode(t, ss.RecordReminder(guard, &wubu.SecurityContact{PersonID: off.ID, Method: "sms"}), wubu.EINVALID)
			mustCode(t, ss.RecordAdvice(guard, &wubu.SecurityContact{PersonID: off.ID}), wubu.EINVALID)
			mustCode(t, ss.RecordAdvice(guard, &wubu.SecurityContact{PersonID: off.ID, Topics: []wubu.AdviceTopic{"magic"}}), wubu.EINVALID)
		})
		// A reminder by intercom: still off, but reminded.
		if err := ss.RecordReminder(guard, &wubu.SecurityContact{PersonID: off.ID, RoomID: &o.rooms[0].ID, Method: wubu.ReminderIntercom}); err != nil {
			t.Fatal(err)
		}
		b3, _ = ss.AlarmOff(guard, o.f.ProjectA.ID, o.building.ID)
		if b3[0].Reminders != 1 || b3[0].ReminderDue || b3[0].LastReminder == nil {
			t.Fatalf("after a reminder: %+v", b3[0])
		}
		// Face to face, and the owner switches it on.
		clock.Add(24 * time.Hour)
		if err := ss.RecordReminder(guard, &wubu.SecurityContact{PersonID: off.ID, Method: wubu.ReminderFaceToFace, SwitchedOn: true, Note: "当面演示设防"}); err != nil {
			t.Fatal(err)
		}
		if err := ss.RecordAdvice(guard, &wubu.SecurityContact{PersonID: off.ID, Topics: []wubu.AdviceTopic{wubu.AdviceWindowGuards, wubu.AdviceArmAlarm}, Note: "一楼建议加装防盗网"}); err != nil {
			t.Fatal(err)
		}
		b3, _ = ss.AlarmOff(guard, o.f.ProjectA.ID, o.building.ID)
		if got, want := names(b3), "3:张三"; got != want {
			t.Fatalf("after switching on: got %s, want %s", got, want)
		}
		cs, err := ss.Contacts(guard, off.ID)
		if err != nil || len(cs) != 3 || cs[0].Kind != wubu.ContactAdvice || len(cs[0].Topics) != 2 || cs[1].Kind != wubu.ContactAlarmReminder {
			t.Fatalf("contacts: %+v %v", cs, err)
		}
		if p, _ := rs.FindResident(admin, off.ID); p.AlarmStatus != wubu.AlarmOn {
			t.Fatalf("alarm status %s, want on", p.AlarmStatus)
		}

		// The building's security leader.
		leader := o.leader
		if err := sqlstore.NewUserService(db).Assign(admin, &wubu.Assignment{ProjectID: o.f.ProjectA.ID, BuildingID: o.building.ID, UserID: leader.ID, Kind: wubu.AssignSecurityLeader}); err != nil {
			t.Fatal(err)
		}
		lead := o.f.Ctx(leader)
		mine, err := ss.MyBuildings(lead)
		if err != nil || len(mine) != 1 || mine[0].AlarmOff != 1 || mine[0].KeyCustomers != 1 {
			t.Fatalf("my buildings: %+v %v", mine, err)
		}
		items, err := sqlstore.NewPatrolAgenda(db).Agenda(lead, clock.Now())
		if err != nil || !hasAgendaKind(items, "alarm_reminder") {
			t.Fatalf("leader's agenda: %+v %v", items, err)
		}
		if err := ss.AddArchiveNote(lead, &wubu.ArchiveNote{BuildingID: o.building.ID, Kind: "note", Title: ""}); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("empty title: got %v", err)
		}
		if err := ss.AddArchiveNote(lead, &wubu.ArchiveNote{BuildingID: o.building.ID, Kind: "visit", Title: "陪同回访张一", Body: "建议加装防盗网"}); err != nil {
			t.Fatal(err)
		}
		page, err := ss.BuildingSecurity(lead, o.building.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Archive) != 1 || len(page.KeyCustomers) != 1 || page.KeyCustomers[0].PersonID != off.ID || len(page.Leaders) != 1 || len(page.AlarmOff) != 1 {
			t.Fatalf("building security: %+v", page)
		}
		comp, err := ss.RevisitCompanions(lead, off.ID)
		if err != nil || len(comp) != 1 || comp[0].UserID != leader.ID {
			t.Fatalf("revisit companions: %+v %v", comp, err)
		}
		other := o.f.User(t, "guard_b", wubu.RoleStaff, wubu.PostSecurity, o.f.ProjectB)
		if _, err := ss.BuildingSecurity(o.f.Ctx(other), o.building.ID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("other project: got %v", err)
		}
	})
}

// TestKnowledge: campaigns rotate their boards; the knowledge base is read
// by everyone and kept by leaders.
func TestKnowledge(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		ks := sqlstore.NewKnowledgeService(db)
		lead, guard := o.f.Ctx(o.leader), o.f.Ctx(o.guard)
		c := &wubu.SafetyCampaign{ProjectID: o.f.ProjectA.ID, Kind: wubu.SafetyBoard, Theme: "fraud", Title: "防诈骗展板巡展",
			StartsOn: "2026-11-23", EndsOn: "2027-01-31", Places: []string{"东区花园\n西区广场", "3栋大堂"}, WeeksPerStop: 2}
		mustCode(t, ks.CreateSafetyCampaign(guard, c), wubu.EFORBIDDEN)
		bad := *c
		bad.EndsOn = "2026-11-01"
		mustCode(t, ks.CreateSafetyCampaign(lead, &bad), wubu.EINVALID)
		if err := ks.CreateSafetyCampaign(lead, c); err != nil {
			t.Fatal(err)
		}
		for day, want := range map[string]string{"2026-11-27": "东区花园", "2026-12-07": "西区广场", "2026-12-21": "3栋大堂", "2027-01-04": "东区花园", "2027-02-01": ""} {
			if got := c.PlaceOn(day); got != want {
				t.Errorf("%s: got %q, want %q", day, got, want)
			}
		}
		list, err := ks.FindSafetyCampaigns(guard, o.f.ProjectA.ID, "2026-12-08")
		if err != nil || len(list) != 1 || list[0].Where != "西区广场" {
			t.Fatalf("campaigns: %+v %v", list, err)
		}

		e := &wubu.KBEntry{ProjectID: o.f.ProjectA.ID, Category: "numbers", Title: "常用电话", Body: "报警 110\n火警 119\n急救 120"}
		mustCode(t, ks.SaveKBEntry(guard, e), wubu.EFORBIDDEN)
		if err := ks.SaveKBEntry(lead, e); err != nil {
			t.Fatal(err)
		}
		e.Body += "\n燃气抢修 96777"
		if err := ks.SaveKBEntry(lead, e); err != nil {
			t.Fatal(err)
		}
		got, err := ks.FindKB(guard, o.f.ProjectA.ID, "", "燃气")
		if err != nil || len(got) != 1 || got[0].UpdatedByName != "leader" {
			t.Fatalf("search: %+v %v", got, err)
		}
		other := o.f.User(t, "guard_b", wubu.RoleStaff, wubu.PostSecurity, o.f.ProjectB)
		if _, err := ks.FindKBEntry(o.f.Ctx(other), e.ID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("other project: got %v", err)
		}
	})
}
