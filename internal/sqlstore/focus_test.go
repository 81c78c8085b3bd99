package sqlstore_test

import (
	"slices"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestFocusRegisterRanksByImpact: the register ranks the open issues by
// households × severity (the resolved ones last); an escalation to the
// developer is recorded with its dates and answer; bad input stores
// nothing; another project's issue answers not found.
func TestFocusRegisterRanksByImpact(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newVisitWorld(t, db, clock)
		fs := sqlstore.NewFocusService(db, w.clocks)
		pid := w.f.ProjectA.ID
		as := w.f.Ctx(w.eastAsst)
		t.Run("ErrInvalid", func(t *testing.T) {
			mustCode(t, fs.RecordFocusIssue(as, &wubu.FocusIssue{ProjectID: pid, Title: "", Households: 3, Severity: 2, OwnerID: w.eastAsst.ID}), wubu.EINVALID)
			mustCode(t, fs.RecordFocusIssue(as, &wubu.FocusIssue{ProjectID: pid, Title: "渗水", Households: 0, Severity: 2, OwnerID: w.eastAsst.ID}), wubu.EINVALID)
			mustCode(t, fs.RecordFocusIssue(as, &wubu.FocusIssue{ProjectID: pid, Title: "渗水", Households: 3, Severity: 6, OwnerID: w.eastAsst.ID}), wubu.EINVALID)
			other := w.f.User(t, "b_staff", wubu.RoleStaff, wubu.PostService, w.f.ProjectB)
			mustCode(t, fs.RecordFocusIssue(as, &wubu.FocusIssue{ProjectID: pid, Title: "渗水", Households: 3, Severity: 2, OwnerID: other.ID}), wubu.EINVALID)
			if list, _ := fs.FindFocusIssues(as, pid); len(list) != 0 {
				t.Fatalf("rejected issues stored: %+v", list)
			}
		})
		mk := func(title string, households, severity int) *wubu.FocusIssue {
			i := &wubu.FocusIssue{ProjectID: pid, Title: title, Households: households, Severity: severity, OwnerID: w.eastAsst.ID}
			if err := fs.RecordFocusIssue(as, i); err != nil {
				t.Fatal(err)
			}
			return i
		}
		water := mk("地下车库渗水", 40, 3)   // 120
		lift := mk("电梯等候时间长", 100, 2)  // 200
		cracks := mk("外墙裂缝", 12, 5)    // 60
		gate := mk("小区大门未装门禁", 300, 1) // 300
		if _, err := fs.ResolveFocusIssue(as, gate.ID); err != nil {
			t.Fatal(err)
		}
		list, err := fs.FindFocusIssues(as, pid)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, i := range list {
			got = append(got, i.ID)
		}
		if want := []int64{lift.ID, water.ID, cracks.ID, gate.ID}; !slices.Equal(got, want) {
			t.Fatalf("ranked: %v, want %v", got, want)
		}
		if list[0].Impact != 200 || list[0].Rank != 1 || list[2].Impact != 60 {
			t.Fatalf("impacts: %+v %+v", list[0], list[2])
		}
		// Escalated to the developer, then answered.
		if _, err := fs.EscalateFocusIssue(as, water.ID, " "); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("empty escalation: %v", err)
		}
		e, err := fs.EscalateFocusIssue(as, water.ID, "请地产公司确认防水维修方案与时间")
		if err != nil || e.State != wubu.FocusEscalated || len(e.Escalations) != 1 || e.Escalations[0].AnsweredAt != nil {
			t.Fatalf("escalated: %+v, %v", e, err)
		}
		clock.Add(72 * time.Hour)
		a, err := fs.AnswerFocusIssue(as, water.ID, "12月20日前完成防水施工")
		if err != nil || a.State != wubu.FocusOpen || a.Escalations[0].Answer == "" || a.Escalations[0].AnsweredAt == nil ||
			a.Escalations[0].AnsweredAt.Sub(a.Escalations[0].SentAt) != 72*time.Hour {
			t.Fatalf("answered: %+v, %v", a, err)
		}
		if _, err := fs.AnswerFocusIssue(as, water.ID, "again"); wubu.ErrorCode(err) != wubu.ECONFLICT {
			t.Fatalf("answer without escalation: %v", err)
		}
		other := w.f.User(t, "b_mgr", wubu.RoleManager, wubu.PostNone, w.f.ProjectB)
		if _, err := fs.FindFocusIssue(w.f.Ctx(other), water.ID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("another project's issue: %v", err)
		}
	})
}

// TestFocusFollowUpOverdueReachesOwner: a follow-up's clock runs to its
// due date; past it, the breach reaches the follow-up's owner; a follow-up
// done in time stops its clock.
func TestFocusFollowUpOverdueReachesOwner(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newVisitWorld(t, db, clock)
		fs := sqlstore.NewFocusService(db, w.clocks)
		ob := sqlstore.NewOutboxService(db)
		pid := w.f.ProjectA.ID
		as := w.f.Ctx(w.eastAsst)
		i := &wubu.FocusIssue{ProjectID: pid, Title: "地下车库渗水", Households: 40, Severity: 3, OwnerID: w.eastAsst.ID}
		if err := fs.RecordFocusIssue(as, i); err != nil {
			t.Fatal(err)
		}
		mustCode(t, fs.PlanFocusFollowUp(as, &wubu.FocusFollowUp{IssueID: i.ID, Action: "回访", DueAt: clock.Now().Add(-time.Hour)}), wubu.EINVALID)
		late := &wubu.FocusFollowUp{IssueID: i.ID, Action: "与地产确认施工时间", OwnerID: w.westAsst.ID, DueAt: clock.Now().Add(48 * time.Hour)}
		onTime := &wubu.FocusFollowUp{IssueID: i.ID, Action: "通知受影响业主", DueAt: clock.Now().Add(24 * time.Hour)}
		for _, f := range []*wubu.FocusFollowUp{late, onTime} {
			if err := fs.PlanFocusFollowUp(as, f); err != nil {
				t.Fatal(err)
			}
		}
		if onTime.OwnerID != w.eastAsst.ID {
			t.Fatalf("a follow-up without an owner goes to the issue's: %+v", onTime)
		}
		clock.Add(2 * time.Hour)
		if _, err := fs.RecordFocusFollowUp(as, onTime.ID, "已张贴通知"); err != nil {
			t.Fatal(err)
		}
		sys := w.f.Ctx(w.f.Admin)
		clock.Add(47 * time.Hour)
		if _, err := w.clocks.RunDue(sys); err != nil {
			t.Fatal(err)
		}
		if d := deadlineOf(t, w.clocks, sys, pid, "focus_followup", late.ID, "followup"); d == nil || d.State != wubu.DeadlineBreached {
			t.Fatalf("the late follow-up's deadline: %+v", d)
		}
		if d := deadlineOf(t, w.clocks, sys, pid, "focus_followup", onTime.ID, "followup"); d == nil || d.State != wubu.DeadlineMet {
			t.Fatalf("the follow-up done in time: %+v", d)
		}
		if k := inboxKinds(t, ob, w.f.Ctx(w.westAsst)); !slices.Contains(k, "clock_breach") {
			t.Fatalf("the overdue follow-up's owner: %v, want the breach", k)
		}
		if k := inboxKinds(t, ob, as); slices.Contains(k, "clock_breach") {
			t.Fatalf("the follow-up done in time alerted its owner: %v", k)
		}
		list, err := fs.FindFocusIssues(as, pid)
		if err != nil || len(list[0].FollowUps) != 2 || !list[0].FollowUps[1].Overdue && !list[0].FollowUps[0].Overdue {
			t.Fatalf("follow-ups: %+v, %v", list, err)
		}
	})
}
