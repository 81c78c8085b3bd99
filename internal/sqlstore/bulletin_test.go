package sqlstore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestPestNoticeExactlyNDaysBefore: a recurring pest-control plan's
// advance notice is posted by the rules exactly N days before each date,
// once however often the rules run, with the fixed wording.
func TestPestNoticeExactlyNDaysBefore(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRulesWorld(t, db)
		bs := sqlstore.NewBulletinService(db)
		manager := w.f.Ctx(w.f.User(t, "manager", wubu.RoleManager, wubu.PostNone, w.f.ProjectA))
		// The clock's day in China, then a plan starting ten days later,
		// every 14 days, notices 3 days before.
		start := clock.Now().In(calendar.ChinaStandardTime)
		day0 := time.Date(start.Year(), start.Month(), start.Day(), 9, 0, 0, 0, calendar.ChinaStandardTime)
		first := day0.AddDate(0, 0, 10)
		t.Run("ErrInvalid", func(t *testing.T) {
			for name, p := range map[string]wubu.PestPlan{
				"Areas":  {ProjectID: w.f.ProjectA.ID, FirstDate: first.Format(time.DateOnly)},
				"Date":   {ProjectID: w.f.ProjectA.ID, Areas: "x", FirstDate: "下周"},
				"Notice": {ProjectID: w.f.ProjectA.ID, Areas: "x", FirstDate: first.Format(time.DateOnly), NoticeDays: 90},
			} {
				if err := bs.SavePestPlan(manager, &p); wubu.ErrorCode(err) != wubu.EINVALID {
					t.Errorf("%s: got %v, want invalid", name, err)
				}
			}
			mustCode(t, bs.SavePestPlan(w.f.Ctx(w.assistant), &wubu.PestPlan{ProjectID: w.f.ProjectA.ID, Areas: "x", FirstDate: first.Format(time.DateOnly)}), wubu.EFORBIDDEN)
		})
		plan := &wubu.PestPlan{ProjectID: w.f.ProjectA.ID, Areas: "地下车库、垃圾房、绿化带", FirstDate: first.Format(time.DateOnly), EveryDays: 14, NoticeDays: 3, SendSMS: true}
		if err := bs.SavePestPlan(manager, plan); err != nil {
			t.Fatal(err)
		}
		pest := func() []*wubu.Bulletin {
			t.Helper()
			all, err := bs.FindBulletins(w.admin, w.f.ProjectA.ID)
			if err != nil {
				t.Fatal(err)
			}
			var out []*wubu.Bulletin
			for _, n := range all {
				if n.Kind == wubu.BulletinPestControl {
					out = append(out, n)
				}
			}
			return out
		}
		run := func(at time.Time) {
			t.Helper()
			clock.Set(at)
			if _, err := w.rules.RunRules(w.admin, at); err != nil {
				t.Fatal(err)
			}
		}
		// Four days before the first date: nothing yet.
		run(first.AddDate(0, 0, -4))
		if got := pest(); len(got) != 0 {
			t.Fatalf("4 days before: %d notices, want none", len(got))
		}
		// Three days before: the notice, once however often the rules run.
		run(first.AddDate(0, 0, -3))
		run(first.AddDate(0, 0, -3).Add(10 * time.Minute))
		run(first.AddDate(0, 0, -2))
		got := pest()
		if len(got) != 1 {
			t.Fatalf("3 days before: %d notices, want 1", len(got))
		}
		n := got[0]
		// It went out by SMS too, once to each resident however often the
		// rules ran.
		sms := w.messages(t, "notice")
		if len(sms) == 0 || !n.SendSMS {
			t.Fatalf("SMS of the pest-control notice: %d messages, notice %+v", len(sms), n)
		}
		seen := map[int64]bool{}
		for _, m := range sms {
			if m.PersonID == nil || seen[*m.PersonID] || !strings.Contains(m.Body, wubu.PestNoticeTitle) {
				t.Fatalf("SMS: %+v", m)
			}
			seen[*m.PersonID] = true
		}
		if n.PlanDate != first.Format(time.DateOnly) || n.BoardFrom != first.AddDate(0, 0, -3).Format(time.DateOnly) || n.BoardUntil != n.PlanDate ||
			n.Title != wubu.PestNoticeTitle || !strings.Contains(n.Body, "关好门窗") || !strings.Contains(n.Body, "宠物") || !strings.Contains(n.Body, plan.Areas) {
			t.Fatalf("notice: %+v", n)
		}
		// The next date, 14 days later: again exactly 3 days before.
		second := first.AddDate(0, 0, 14)
		run(second.AddDate(0, 0, -4))
		if got := pest(); len(got) != 1 {
			t.Fatalf("4 days before the second date: %d notices, want 1", len(got))
		}
		run(second.AddDate(0, 0, -3))
		run(second.AddDate(0, 0, -3).Add(time.Hour))
		if got := pest(); len(got) != 2 || got[0].PlanDate != second.Format(time.DateOnly) {
			t.Fatalf("3 days before the second date: %d notices", len(got))
		}
		if got := len(w.messages(t, "notice")); got != 2*len(sms) {
			t.Fatalf("SMS after the second notice: %d, want %d", got, 2*len(sms))
		}
		t.Run("ErrOtherProject", func(t *testing.T) {
			other := w.f.Ctx(w.f.User(t, "kefuB", wubu.RoleStaff, wubu.PostService, w.f.ProjectB))
			_, err := bs.FindBulletin(other, n.ID)
			mustCode(t, err, wubu.ENOTFOUND)
		})
	})
}

// TestNoticeBySMS: a notice to a building, asked to go by SMS, is queued
// in the outbox once for each of the building's residents and for no one
// else (D3: an event's notice goes the same way); without a notifier the
// service refuses to promise it.
func TestNoticeBySMS(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRulesWorld(t, db)
		staff := w.f.Ctx(w.assistant)
		// A resident of another building, who must not get it.
		res, err := sqlstore.NewOrgService(db).GenerateRooms(w.admin, wubu.RoomGeneration{ProjectID: w.f.ProjectA.ID, Building: "9", Units: 1, Floors: 1, PerFloor: 1})
		if err != nil {
			t.Fatal(err)
		}
		rooms, _, err := sqlstore.NewOrgService(db).FindRooms(w.admin, wubu.RoomFilter{ProjectID: w.f.ProjectA.ID, BuildingID: &res.Building.ID, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.residents.CreatePersonInRoom(w.admin, &wubu.Person{ProjectID: w.f.ProjectA.ID, Name: "李四", Phones: []string{"13900139000"}},
			&wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
			t.Fatal(err)
		}
		until := clock.Now().In(calendar.ChinaStandardTime).AddDate(0, 0, 5).Format(time.DateOnly)
		n := &wubu.Bulletin{ProjectID: w.f.ProjectA.ID, Kind: wubu.BulletinEvent, Title: "家庭用电安全讲座", Body: "周六晚七点在会所二楼举办，欢迎报名。",
			BuildingID: &w.building.ID, BoardUntil: until, SendSMS: true}
		t.Run("ErrNoNotifier", func(t *testing.T) {
			m := *n
			mustCode(t, sqlstore.NewBulletinService(db).PostBulletin(staff, &m), wubu.EINVALID)
		})
		bs := sqlstore.NewBulletinService(db).WithNotifier(w.outbox)
		if err := bs.PostBulletin(staff, n); err != nil {
			t.Fatal(err)
		}
		ms := w.messages(t, "notice")
		if n.Sent != 1 || len(ms) != 1 || ms[0].PersonID == nil || *ms[0].PersonID != w.person.ID || !strings.Contains(ms[0].Body, n.Title) {
			t.Fatalf("sent %d, messages %+v", n.Sent, ms)
		}
		got, err := bs.FindBulletin(staff, n.ID)
		if err != nil || !got.SendSMS {
			t.Fatalf("notice: %+v, %v", got, err)
		}
		t.Run("ErrInvalid", func(t *testing.T) {
			for name, b := range map[string]wubu.Bulletin{
				"Title": {ProjectID: w.f.ProjectA.ID, Body: "x", BoardUntil: until},
				"Until": {ProjectID: w.f.ProjectA.ID, Title: "x", Body: "x", BoardUntil: "2000-01-01"},
			} {
				if err := bs.PostBulletin(staff, &b); wubu.ErrorCode(err) != wubu.EINVALID {
					t.Errorf("%s: got %v, want invalid", name, err)
				}
			}
		})
	})
}
