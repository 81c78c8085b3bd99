package sqlstore_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// renovationWorld is a project with a renovation manager and an
// application for room 3-1-101, approved.
type renovationWorld struct {
	*securityWorld
	reno           *sqlstore.RenovationService
	renoMgr, other *wubu.User
	r              *wubu.Renovation
}

var renoZone = time.FixedZone("CST", 8*3600)

func newRenovationWorld(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock, from, to time.Time) *renovationWorld {
	t.Helper()
	w := &renovationWorld{securityWorld: newSecurityWorld(t, db, clock)}
	w.reno = sqlstore.NewRenovationService(db, w.clocks)
	w.renoMgr = w.f.User(t, "renomgr", wubu.RoleStaff, wubu.PostMaintenance, w.f.ProjectA)
	w.other = w.f.User(t, "tech2", wubu.RoleStaff, wubu.PostMaintenance, w.f.ProjectA)
	admin := w.f.Ctx(w.f.Admin)
	st := ok[*wubu.RenovationSettings](t)(w.reno.RenovationSettings(admin, w.f.ProjectA.ID))
	st.Managers, st.InspectHours, st.Deposit = []int64{w.renoMgr.ID}, 24, 2000
	if err := w.reno.SetRenovationSettings(admin, st); err != nil {
		t.Fatal(err)
	}
	w.r = ok[*wubu.Renovation](t)(w.reno.ApplyRenovation(w.assistantCtx, &wubu.NewRenovation{ProjectID: w.f.ProjectA.ID, RoomID: w.room.ID, PersonID: w.owner.ID,
		Company: "安居装饰", LeadName: "赵工长", LeadPhone: "13912345678", Scope: []string{"walls", "water_electricity"},
		PlannedFrom: from.In(renoZone).Format(time.DateOnly), PlannedTo: to.In(renoZone).Format(time.DateOnly),
		Workers: []wubu.RenovationWorker{{Name: "钱师傅", IDNumber: "11010519491231002X", PassNo: "zx-001"}}}))
	return w
}

// approveAndBrief approves the renovation and completes its briefing.
func (w *renovationWorld) approveAndBrief(t *testing.T) {
	t.Helper()
	ok[*wubu.Renovation](t)(w.reno.ReviewRenovation(w.f.Ctx(w.renoMgr), w.r.ID, wubu.RenovationApprove, ""))
	w.briefApproved(t)
}

// allItems ticks every one of n items.
func allItems(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// briefApproved completes the briefing of the approved renovation.
func (w *renovationWorld) briefApproved(t *testing.T) {
	t.Helper()
	mgr := w.f.Ctx(w.renoMgr)
	all := make([]int, len(w.r.Briefing.Items))
	for i := range all {
		all[i] = i
	}
	w.r = ok[*wubu.Renovation](t)(w.reno.BriefRenovation(mgr, w.r.ID, wubu.BriefingRecord{Ticked: all, ResidentName: "张业主", LeadName: "赵工长"}))
}

// TestRenovationBriefingBeforeWorks: the application is reviewed by the
// project's renovation manager; the works cannot start before the briefing,
// and the briefing needs every item ticked and both acknowledgements. The
// workers' ID numbers are sealed at rest and masked on display.
func TestRenovationBriefingBeforeWorks(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRenovationWorld(t, db, clock, clock.Now(), clock.Now().Add(30*24*time.Hour))
		mgr := w.f.Ctx(w.renoMgr)
		if w.r.State != wubu.RenovationApplied || w.r.ManagerID == nil || *w.r.ManagerID != w.renoMgr.ID || w.r.Deposit != 2000 || len(w.r.Briefing.Items) != len(wubu.DefaultBriefingChecklist) {
			t.Fatalf("got application %+v", w.r)
		}
		if len(w.r.Workers) != 1 || w.r.Workers[0].IDNumber == "11010519491231002X" || !strings.HasSuffix(w.r.Workers[0].IDNumber, "002X") || w.r.Workers[0].PassNo != "ZX-001" {
			t.Fatalf("got workers %+v, want the ID number masked", w.r.Workers[0])
		}
		if n := countRows(t, db, `SELECT COUNT(*) FROM renovation_workers WHERE id_number LIKE '%1949%'`); n != 0 {
			t.Fatal("a worker's ID number is stored in clear")
		}
		if d := deadlineOf(t, w.clocks, w.f.Ctx(w.f.Admin), w.f.ProjectA.ID, "renovation", w.r.ID, "review"); d == nil || d.State != wubu.DeadlineArmed {
			t.Fatalf("review deadline %+v, want armed", d)
		}
		// Only the renovation manager reviews; a refusal needs its reason.
		_, err := w.reno.ReviewRenovation(w.f.Ctx(w.other), w.r.ID, wubu.RenovationApprove, "")
		wantSecCode(t, err, wubu.EFORBIDDEN)
		_, err = w.reno.ReviewRenovation(mgr, w.r.ID, wubu.RenovationAskChanges, " ")
		wantSecCode(t, err, wubu.EINVALID)
		r := ok[*wubu.Renovation](t)(w.reno.ReviewRenovation(mgr, w.r.ID, wubu.RenovationAskChanges, "请补充水电图纸"))
		if r.State != wubu.RenovationChanges || r.ReviewNote != "请补充水电图纸" {
			t.Fatalf("got %s %q", r.State, r.ReviewNote)
		}
		ok[*wubu.Renovation](t)(w.reno.ResubmitRenovation(w.assistantCtx, w.r.ID, "已补充"))
		ok[*wubu.Renovation](t)(w.reno.ReviewRenovation(mgr, w.r.ID, wubu.RenovationApprove, ""))
		if d := deadlineOf(t, w.clocks, w.f.Ctx(w.f.Admin), w.f.ProjectA.ID, "renovation", w.r.ID, "review"); d.State != wubu.DeadlineMet {
			t.Fatalf("review deadline %s, want met", d.State)
		}

		// Works cannot start before the briefing.
		_, err = w.reno.StartWorks(mgr, w.r.ID)
		wantSecCode(t, err, wubu.ECONFLICT)
		all := []int{0, 1, 2, 3, 4, 5}
		// Not every item ticked.
		_, err = w.reno.BriefRenovation(mgr, w.r.ID, wubu.BriefingRecord{Ticked: all[:5], ResidentName: "张业主", LeadName: "赵工长"})
		wantSecCode(t, err, wubu.EINVALID)
		// One acknowledgement only, either way round.
		_, err = w.reno.BriefRenovation(mgr, w.r.ID, wubu.BriefingRecord{Ticked: all, ResidentName: "张业主"})
		wantSecCode(t, err, wubu.EINVALID)
		_, err = w.reno.BriefRenovation(mgr, w.r.ID, wubu.BriefingRecord{Ticked: all, LeadName: "赵工长"})
		wantSecCode(t, err, wubu.EINVALID)
		if r := ok[*wubu.Renovation](t)(w.reno.FindRenovation(mgr, w.r.ID)); r.State != wubu.RenovationApproved || r.Briefing.ResidentAt != nil {
			t.Fatalf("after refused briefings: %s %+v", r.State, r.Briefing)
		}
		_, err = w.reno.StartWorks(mgr, w.r.ID)
		wantSecCode(t, err, wubu.ECONFLICT)
		r = ok[*wubu.Renovation](t)(w.reno.BriefRenovation(mgr, w.r.ID, wubu.BriefingRecord{Ticked: all, ResidentName: "张业主", LeadName: "赵工长",
			ResidentDrawn: &wubu.Photo{Data: testPNG}}))
		if r.State != wubu.RenovationBriefed || !r.Briefing.Complete() || r.Briefing.LeadAt == nil || len(r.Photos) != 1 {
			t.Fatalf("briefed: %s %+v, %d photos", r.State, r.Briefing, len(r.Photos))
		}
		r = ok[*wubu.Renovation](t)(w.reno.StartWorks(mgr, w.r.ID))
		if r.State != wubu.RenovationInWorks || r.StartedAt == nil {
			t.Fatalf("started: %+v", r)
		}
		// Another project's staff do not see it.
		_, err = w.reno.FindRenovation(w.f.Ctx(w.outsider), w.r.ID)
		wantSecCode(t, err, wubu.ENOTFOUND)

		// Acceptance: every item of the final inspection checked, the
		// deposit withheld needs a reason.
		final := allItems(len(r.Final.Items))
		if len(final) != len(wubu.DefaultFinalChecklist) {
			t.Fatalf("final checklist %v", r.Final.Items)
		}
		_, err = w.reno.AcceptRenovation(mgr, w.r.ID, wubu.FinalInspection{Ticked: final[1:]})
		wantSecCode(t, err, wubu.EINVALID)
		_, err = w.reno.AcceptRenovation(mgr, w.r.ID, wubu.FinalInspection{Ticked: final, Withhold: true})
		wantSecCode(t, err, wubu.EINVALID)
		r = ok[*wubu.Renovation](t)(w.reno.AcceptRenovation(mgr, w.r.ID, wubu.FinalInspection{Ticked: final}))
		if r.State != wubu.RenovationClosed || r.DepositState != "returned" || r.ClosedAt == nil || slices.Contains(r.Final.Ticked, false) {
			t.Fatalf("accepted: %+v", r)
		}
		// The workers' ID numbers are purged after the project's days.
		admin := w.f.Ctx(w.f.Admin)
		if n := ok[int](t)(w.reno.PurgeWorkerIDs(admin, w.f.ProjectA.ID)); n != 0 {
			t.Fatalf("purged %d at the close", n)
		}
		clock.Add(31 * 24 * time.Hour)
		if n := ok[int](t)(w.reno.PurgeWorkerIDs(admin, w.f.ProjectA.ID)); n != 1 {
			t.Fatalf("purged %d after 31 days, want 1", n)
		}
	})
}

// TestRenovationInspectionOverdue: an inspection not made at the project's
// frequency reaches the renovation manager; an inspection re-arms it.
func TestRenovationInspectionOverdue(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRenovationWorld(t, db, clock, clock.Now(), clock.Now().Add(30*24*time.Hour))
		w.approveAndBrief(t)
		mgr, admin := w.f.Ctx(w.renoMgr), w.f.Ctx(w.f.Admin)
		ok[*wubu.Renovation](t)(w.reno.StartWorks(mgr, w.r.ID))
		clock.Add(20 * time.Hour)
		r := ok[*wubu.Renovation](t)(w.reno.InspectRenovation(w.f.Ctx(w.other), w.r.ID, "现场正常"))
		if r.Inspections != 1 || r.InspectDue == nil || !r.InspectDue.Equal(clock.Now().UTC().Add(24*time.Hour).Truncate(time.Microsecond)) {
			t.Fatalf("inspected: %d, due %v", r.Inspections, r.InspectDue)
		}
		clock.Add(23 * time.Hour)
		ok[int](t)(w.clocks.RunDue(admin))
		if d := deadlineOf(t, w.clocks, admin, w.f.ProjectA.ID, "renovation", w.r.ID, "inspect"); d.State != wubu.DeadlineArmed {
			t.Fatalf("before the due time: %s", d.State)
		}
		clock.Add(2 * time.Hour)
		ok[int](t)(w.clocks.RunDue(admin))
		d := deadlineOf(t, w.clocks, admin, w.f.ProjectA.ID, "renovation", w.r.ID, "inspect")
		if d.State != wubu.DeadlineBreached || !slices.Contains(d.BreachNotify, "user:"+idStr(w.renoMgr.ID)) {
			t.Fatalf("overdue inspection: %+v, want breached alerting the renovation manager", d)
		}
	})
}

// TestRenovationViolationHazard: a violation endangering the structure
// opens a hazard; the violation's rectification (recorded by the
// renovation manager with a photo) and the hazard's each close only when
// verified by someone else.
func TestRenovationViolationHazard(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRenovationWorld(t, db, clock, clock.Now(), clock.Now().Add(30*24*time.Hour))
		w.approveAndBrief(t)
		mgr, other := w.f.Ctx(w.renoMgr), w.f.Ctx(w.other)
		ok[*wubu.Renovation](t)(w.reno.StartWorks(mgr, w.r.ID))
		minor := ok[*wubu.Violation](t)(w.reno.RecordViolation(other, &wubu.Violation{RenovationID: w.r.ID, Kind: "waste", Description: "建筑垃圾堆放在楼道"}, nil))
		if minor.Endangers || minor.HazardID != nil {
			t.Fatalf("a waste violation opened a hazard: %+v", minor)
		}
		v := ok[*wubu.Violation](t)(w.reno.RecordViolation(other, &wubu.Violation{RenovationID: w.r.ID, Kind: "structure", Description: "拆除承重墙"}, &wubu.Photo{Data: testPNG}))
		if !v.Endangers || v.HazardID == nil {
			t.Fatalf("a structural violation opened no hazard: %+v", v)
		}
		hs := sqlstore.NewHazardService(db, w.clocks)
		h := ok[*wubu.Hazard](t)(hs.FindHazard(w.leaderCtx, *v.HazardID))
		if h.State != wubu.HazardReported || h.Severity != wubu.SeverityHigh || len(h.Photos) != 1 {
			t.Fatalf("got hazard %+v", h)
		}
		// The violation: rectified by the renovation manager with a photo,
		// verified by someone else.
		_, err := w.reno.RectifyViolation(mgr, v.ID, "已恢复", nil)
		wantSecCode(t, err, wubu.EINVALID)
		_, err = w.reno.RectifyViolation(other, v.ID, "已恢复", &wubu.Photo{Data: testPNG})
		wantSecCode(t, err, wubu.EFORBIDDEN)
		ok[*wubu.Violation](t)(w.reno.RectifyViolation(mgr, v.ID, "已恢复", &wubu.Photo{Data: testPNG}))
		_, err = w.reno.VerifyViolation(mgr, v.ID, true, "")
		wantSecCode(t, err, wubu.EFORBIDDEN)
		// Not accepted while a violation is open.
		_, err = w.reno.AcceptRenovation(mgr, w.r.ID, wubu.FinalInspection{Ticked: allItems(len(wubu.DefaultFinalChecklist))})
		wantSecCode(t, err, wubu.ECONFLICT)
		if v = ok[*wubu.Violation](t)(w.reno.VerifyViolation(other, v.ID, true, "已复查")); v.State != wubu.ViolationClosed {
			t.Fatalf("verified: %s", v.State)
		}
		// The hazard: closed only by someone other than its rectifier.
		ok[*wubu.Hazard](t)(hs.AssignHazard(w.leaderCtx, h.ID, wubu.HazardAssignment{AssigneeID: w.guard.ID}))
		ok[*wubu.Hazard](t)(hs.RectifyHazard(w.guardCtx, h.ID, "已加固", &wubu.Photo{Data: testPNG}))
		_, err = hs.VerifyHazard(w.guardCtx, h.ID, true, "")
		wantSecCode(t, err, wubu.EFORBIDDEN)
		if h = ok[*wubu.Hazard](t)(hs.VerifyHazard(w.leaderCtx, h.ID, true, "")); h.State != wubu.HazardClosed {
			t.Fatalf("hazard verified: %s", h.State)
		}
	})
}

// TestRenovationWorkerPass: the guard finds a worker by name or pass
// number; outside the renovation's period, or before its works started, the
// worker is not allowed in.
func TestRenovationWorkerPass(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRenovationWorld(t, db, clock, clock.Now(), clock.Now().Add(3*24*time.Hour))
		check := func(q string, want bool) {
			t.Helper()
			cs := ok[[]*wubu.WorkerPassCheck](t)(w.reno.CheckWorkerPass(w.guardCtx, w.f.ProjectA.ID, q))
			if len(cs) != 1 || cs[0].Allowed != want || cs[0].RoomLabel != "3-1-101" || strings.Contains(cs[0].Worker.IDNumber, "1949") {
				t.Fatalf("look-up %q: %+v, want allowed=%v", q, cs, want)
			}
		}
		check("钱师傅", false) // not yet in works
		w.approveAndBrief(t)
		ok[*wubu.Renovation](t)(w.reno.StartWorks(w.f.Ctx(w.renoMgr), w.r.ID))
		check("zx-001", true)
		check("钱师傅", true)
		clock.Add(5 * 24 * time.Hour) // past the planned period
		check("ZX-001", false)
		if cs := ok[[]*wubu.WorkerPassCheck](t)(w.reno.CheckWorkerPass(w.guardCtx, w.f.ProjectA.ID, "孙师傅")); len(cs) != 0 {
			t.Fatalf("unknown worker: %+v", cs)
		}
		_, err := w.reno.CheckWorkerPass(w.f.Ctx(w.outsider), w.f.ProjectA.ID, "钱师傅")
		wantSecCode(t, err, wubu.ENOTFOUND)
	})
}

// TestRenovationBriefingOnToday: an approved renovation's briefing is on
// its renovation manager's Today until it is done, and on no one else's.
func TestRenovationBriefingOnToday(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRenovationWorld(t, db, clock, clock.Now(), clock.Now().Add(30*24*time.Hour))
		agenda := sqlstore.NewRenovationAgenda(db)
		mgr := w.f.Ctx(w.renoMgr)
		items := func(ctx context.Context) []wubu.AgendaItem {
			t.Helper()
			return ok[[]wubu.AgendaItem](t)(agenda.Agenda(ctx, clock.Now()))
		}
		if got := items(mgr); len(got) != 0 {
			t.Fatalf("before the approval: %+v", got)
		}
		ok[*wubu.Renovation](t)(w.reno.ReviewRenovation(mgr, w.r.ID, wubu.RenovationApprove, ""))
		if got := items(mgr); len(got) != 1 || got[0].Kind != "renovation_briefing" || got[0].Href != "/renovations/"+idStr(w.r.ID) {
			t.Fatalf("approved: %+v, want the briefing", got)
		}
		if got := items(w.f.Ctx(w.other)); len(got) != 0 {
			t.Fatalf("another technician's Today: %+v", got)
		}
		w.r = ok[*wubu.Renovation](t)(w.reno.FindRenovation(mgr, w.r.ID))
		w.briefApproved(t)
		if got := items(mgr); len(got) != 0 {
			t.Fatalf("briefed: %+v, want none", got)
		}
	})
}
