package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestRenovationWorkingHours: the guard's look-up says "not allowed now"
// outside the project's permitted hours, by the business calendar:
// working-day hours on a Friday, rest-day hours on a Saturday, no work on
// New Year's Day unless the project allows work on holidays.
func TestRenovationWorkingHours(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		at := func(s string) time.Time {
			t.Helper()
			d, err := time.ParseInLocation("2006-01-02 15:04", s, renoZone)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		clock.Set(at("2026-11-27 09:00")) // a Friday
		w := newRenovationWorld(t, db, clock, clock.Now(), at("2027-01-10 00:00"))
		w.approveAndBrief(t)
		ok[*wubu.Renovation](t)(w.reno.StartWorks(w.f.Ctx(w.renoMgr), w.r.ID))
		check := func(when, wantReason, wantHours string) {
			t.Helper()
			clock.Set(at(when))
			cs := ok[[]*wubu.WorkerPassCheck](t)(w.reno.CheckWorkerPass(w.guardCtx, w.f.ProjectA.ID, "ZX-001"))
			if len(cs) != 1 || cs[0].Reason != wantReason || cs[0].Allowed != (wantReason == "") || cs[0].Hours != wantHours {
				t.Fatalf("at %s: %+v, want reason %q, hours %q", when, cs, wantReason, wantHours)
			}
		}
		check("2026-11-27 09:00", "", "08:00–18:00")
		check("2026-11-27 18:00", wubu.PassOutsideHours, "08:00–18:00")
		check("2026-11-27 07:59", wubu.PassOutsideHours, "08:00–18:00")
		check("2026-11-28 08:30", wubu.PassOutsideHours, "09:00–17:00") // Saturday
		check("2026-11-28 10:00", "", "09:00–17:00")
		check("2027-01-01 10:00", wubu.PassHoliday, "") // New Year's Day
		check("2027-01-11 10:00", wubu.PassOutsidePeriod, "08:00–18:00")

		admin := w.f.Ctx(w.f.Admin)
		st := ok[*wubu.RenovationSettings](t)(w.reno.RenovationSettings(admin, w.f.ProjectA.ID))
		st.HolidayWork, st.RestFrom, st.RestTo = true, "10:00", "16:00"
		if err := w.reno.SetRenovationSettings(admin, st); err != nil {
			t.Fatal(err)
		}
		check("2027-01-01 10:00", "", "10:00–16:00")
		check("2027-01-01 16:30", wubu.PassOutsideHours, "10:00–16:00")
		st.RestFrom = "18:00"
		wantSecCode(t, w.reno.SetRenovationSettings(admin, st), wubu.EINVALID)
	})
}

// TestRenovationViolationsEscalate: the violation that reaches the
// project's threshold within a renovation notifies the recipients the
// settings name, once, through the outbox in the step's transaction; the
// next violation does not notify again.
func TestRenovationViolationsEscalate(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRenovationWorld(t, db, clock, clock.Now(), clock.Now().Add(30*24*time.Hour))
		admin := w.f.Ctx(w.f.Admin)
		leader := w.f.User(t, "weixiuzhang", wubu.RoleTeamLeader, wubu.PostMaintenance, w.f.ProjectA)
		manager := w.f.User(t, "jingli", wubu.RoleManager, wubu.PostNone, w.f.ProjectA)
		st := ok[*wubu.RenovationSettings](t)(w.reno.RenovationSettings(admin, w.f.ProjectA.ID))
		if st.EscalateAfter != 3 || len(st.EscalateTo) != 1 || st.EscalateTo[0] != wubu.PartyManager {
			t.Fatalf("default escalation %d %v, want 3 to the manager", st.EscalateAfter, st.EscalateTo)
		}
		st.EscalateAfter, st.EscalateTo = 2, []wubu.Party{wubu.PartyLeaders}
		if err := w.reno.SetRenovationSettings(admin, st); err != nil {
			t.Fatal(err)
		}
		st.EscalateTo = []wubu.Party{"resident"}
		wantSecCode(t, w.reno.SetRenovationSettings(admin, st), wubu.EINVALID)

		w.approveAndBrief(t)
		ok[*wubu.Renovation](t)(w.reno.StartWorks(w.f.Ctx(w.renoMgr), w.r.ID))
		escalations := func(u *wubu.User) int {
			t.Helper()
			return countRows(t, db, `SELECT COUNT(*) FROM outbox WHERE kind = 'renovation_escalation' AND user_id = ?`, u.ID)
		}
		record := func(kind, what string) {
			t.Helper()
			ok[*wubu.Violation](t)(w.reno.RecordViolation(w.f.Ctx(w.other), &wubu.Violation{RenovationID: w.r.ID, Kind: kind, Description: what}, nil))
		}
		record("hours", "晚上九点仍在电钻施工")
		if n := escalations(leader); n != 0 {
			t.Fatalf("after one violation: %d escalations", n)
		}
		record("waste", "建筑垃圾堆放在楼道")
		if n, m := escalations(leader), escalations(manager); n != 1 || m != 0 {
			t.Fatalf("at the threshold: the team leader %d, the manager %d; want 1 and 0", n, m)
		}
		if n := countRows(t, db, `SELECT COUNT(*) FROM outbox WHERE kind = 'renovation_escalation' AND vars LIKE ? AND vars LIKE ?`, "%3-1-101%", `%"count":"2"%`); n != 1 {
			t.Fatalf("the notice names the room and the count: %d", n)
		}
		record("hours", "中午噪音施工")
		if n := escalations(leader); n != 1 {
			t.Fatalf("after the threshold: %d escalations, want still 1", n)
		}
	})
}

// TestRenovationPurgeByRules: the rules job purges, once a day, the
// workers' ID numbers of renovations closed more than the project's purge
// days ago: not before, and at the first daily run after.
func TestRenovationPurgeByRules(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRenovationWorld(t, db, clock, clock.Now(), clock.Now().Add(30*24*time.Hour))
		admin, mgr := w.f.Ctx(w.f.Admin), w.f.Ctx(w.renoMgr)
		st := ok[*wubu.RenovationSettings](t)(w.reno.RenovationSettings(admin, w.f.ProjectA.ID))
		st.PurgeDays = 10
		if err := w.reno.SetRenovationSettings(admin, st); err != nil {
			t.Fatal(err)
		}
		w.approveAndBrief(t)
		ok[*wubu.Renovation](t)(w.reno.StartWorks(mgr, w.r.ID))
		ok[*wubu.Renovation](t)(w.reno.AcceptRenovation(mgr, w.r.ID, wubu.FinalInspection{Ticked: allItems(len(w.r.Final.Items))}))
		rules := sqlstore.NewRulesEngine(db, sqlstore.NewOutboxService(db))
		sealed := func() int {
			t.Helper()
			return countRows(t, db, `SELECT COUNT(*) FROM renovation_workers WHERE renovation_id = ? AND id_number <> ''`, w.r.ID)
		}
		run := func(after time.Duration) int {
			t.Helper()
			clock.Add(after)
			res, err := rules.RunDue(context.Background(), clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			return res.WorkerIDsPurged
		}
		// Closed on 11月27日 at 09:00: the day's run on 12月7日 at 08:00 is
		// too early, and the rules purge once a day.
		if n := run(9*24*time.Hour + 23*time.Hour); n != 0 || sealed() != 1 {
			t.Fatalf("9 days 23 hours after the close: purged %d, %d left", n, sealed())
		}
		if n := run(2 * time.Hour); n != 0 || sealed() != 1 {
			t.Fatalf("the same day again: purged %d, %d left", n, sealed())
		}
		if n := run(14*time.Hour + 5*time.Minute); n != 1 || sealed() != 0 {
			t.Fatalf("the next day's run: purged %d, %d left", n, sealed())
		}
		r := ok[*wubu.Renovation](t)(w.reno.FindRenovation(mgr, w.r.ID))
		if len(r.Workers) != 1 || r.Workers[0].IDNumber != "" || r.Workers[0].PassNo != "ZX-001" {
			t.Fatalf("after the purge: %+v", r.Workers[0])
		}
	})
}

// TestRenovationRoomRecord: a room's renovations and its building's are
// listed for the project's staff (the room's record) and answer ENOTFOUND
// to another project's; a drawing is found only through its renovation.
func TestRenovationRoomRecord(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRenovationWorld(t, db, clock, clock.Now(), clock.Now().Add(30*24*time.Hour))
		mgr := w.f.Ctx(w.renoMgr)
		if rs := ok[[]*wubu.Renovation](t)(w.reno.RoomRenovations(mgr, w.room.ID)); len(rs) != 1 || rs[0].ID != w.r.ID {
			t.Fatalf("the room's renovations: %+v", rs)
		}
		if rs := ok[[]*wubu.Renovation](t)(w.reno.BuildingRenovations(mgr, w.building.ID)); len(rs) != 1 || rs[0].RoomLabel != "3-1-101" {
			t.Fatalf("the building's renovations: %+v", rs)
		}
		_, err := w.reno.RoomRenovations(w.f.Ctx(w.outsider), w.room.ID)
		wantSecCode(t, err, wubu.ENOTFOUND)
		_, err = w.reno.BuildingRenovations(w.f.Ctx(w.outsider), w.building.ID)
		wantSecCode(t, err, wubu.ENOTFOUND)
		_, err = w.reno.FindRenovationFile(mgr, w.r.ID, 1)
		wantSecCode(t, err, wubu.ENOTFOUND)
	})
}
