package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// segmentFixture: project A's buildings 1 and 2 with five residents in four
// homes, and one resident in project B. Today (wubutest.Start) is
// 2026-11-27 in China.
//
//	张一 owner  1-1-101  1950-03-01 (76) elderly_alone 教师 importance 3, phone, birthday 03-01 (2 of 5 pieces)
//	张二 family 1-1-101  2015-06-01 (11)                                                    (0 of 5)
//	李三 tenant 1-1-102  1990-11-27 (36 today) 软件工程师, phone, plate                     (2 of 5)
//	王四 owner  2-1-101  1960-12-01 (65) mobility importance 5, phone, wedding 12-01         (2 of 5)
//	赵五 owner  2-1-102  no birthday, hardship 教师, phone                                   (1 of 5)
type segmentFixture struct {
	*wubutest.Fixture
	ss                    *sqlstore.SegmentService
	admin                 context.Context
	b1, b2                int64
	manager, assistant    context.Context
	guard, managerB       context.Context
	zhang1, zhang2, wang4 *wubu.Person
}

func newSegmentFixture(t *testing.T, db *sqlstore.DB) *segmentFixture {
	t.Helper()
	f := &segmentFixture{Fixture: wubutest.NewFixture(t, db), ss: sqlstore.NewSegmentService(db)}
	f.admin = f.Ctx(f.Admin)
	org, rs := sqlstore.NewOrgService(db), sqlstore.NewResidentService(db)
	for _, g := range []wubu.RoomGeneration{
		{ProjectID: f.ProjectA.ID, Building: "1", Units: 1, Floors: 1, PerFloor: 2},
		{ProjectID: f.ProjectA.ID, Building: "2", Units: 1, Floors: 1, PerFloor: 2},
		{ProjectID: f.ProjectB.ID, Building: "1", Units: 1, Floors: 1, PerFloor: 2},
	} {
		if _, err := org.GenerateRooms(f.admin, g); err != nil {
			t.Fatal(err)
		}
	}
	room := func(p *wubu.Project, label string) *wubu.Room {
		rooms, _, err := org.FindRooms(f.admin, wubu.RoomFilter{ProjectID: p.ID, Label: &label})
		if err != nil || len(rooms) != 1 {
			t.Fatalf("room %s: %v", label, err)
		}
		return rooms[0]
	}
	f.b1, f.b2 = room(f.ProjectA, "1-1-101").BuildingID, room(f.ProjectA, "2-1-101").BuildingID
	add := func(p *wubu.Project, label string, rel wubu.Relation, person *wubu.Person) *wubu.Person {
		t.Helper()
		person.ProjectID = p.ID
		if err := rs.CreatePerson(f.admin, person); err != nil {
			t.Fatal(err)
		}
		if err := rs.AddHousehold(f.admin, &wubu.Household{PersonID: person.ID, RoomID: room(p, label).ID, Relation: rel}); err != nil {
			t.Fatal(err)
		}
		return person
	}
	f.zhang1 = add(f.ProjectA, "1-1-101", wubu.RelationOwner, &wubu.Person{Name: "张一", Birthday: "1950-03-01", Phones: []string{"13800000001"},
		CareFlags: []wubu.CareFlag{wubu.CareElderlyAlone}, Occupation: "中学教师", Importance: 3})
	f.zhang2 = add(f.ProjectA, "1-1-101", wubu.RelationFamily, &wubu.Person{Name: "张二", Birthday: "2015-06-01"})
	li3 := add(f.ProjectA, "1-1-102", wubu.RelationTenant, &wubu.Person{Name: "李三", Birthday: "1990-11-27", Phones: []string{"13800000003"}, Occupation: "软件工程师"})
	f.wang4 = add(f.ProjectA, "2-1-101", wubu.RelationOwner, &wubu.Person{Name: "王四", Birthday: "1960-12-01", Phones: []string{"13800000004"},
		CareFlags: []wubu.CareFlag{wubu.CareMobility}, Importance: 5})
	add(f.ProjectA, "2-1-102", wubu.RelationOwner, &wubu.Person{Name: "赵五", Phones: []string{"13800000005"}, CareFlags: []wubu.CareFlag{wubu.CareHardship}, Occupation: "小学教师"})
	add(f.ProjectB, "1-1-101", wubu.RelationOwner, &wubu.Person{Name: "钱六", Birthday: "1950-01-01", Phones: []string{"13800000006"}, Occupation: "教师"})
	if err := rs.AddVehicle(f.admin, &wubu.Vehicle{PersonID: li3.ID, Plate: "粤B12345"}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []*wubu.SpecialDay{
		{PersonID: f.zhang1.ID, Kind: wubu.DayBirthday, Date: "1950-03-01", Yearly: true},
		{PersonID: f.wang4.ID, Kind: wubu.DayWedding, Date: "1985-12-01", Yearly: true},
	} {
		if err := rs.AddSpecialDay(f.admin, d); err != nil {
			t.Fatal(err)
		}
	}
	f.manager = f.Ctx(f.User(t, "manager", wubu.RoleManager, wubu.PostNone, f.ProjectA))
	f.assistant = f.Ctx(f.User(t, "assistant", wubu.RoleStaff, wubu.PostService, f.ProjectA))
	f.guard = f.Ctx(f.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA))
	f.managerB = f.Ctx(f.User(t, "managerb", wubu.RoleManager, wubu.PostNone, f.ProjectB))
	return f
}

func intp(n int) *int { return &n }

// TestSegmentCounts: every criterion of a segment query (U2) counts the
// fixture's residents as counted by hand; members are masked for the
// caller; bad input is refused naming the field.
func TestSegmentCounts(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newSegmentFixture(t, db)
		pa := f.ProjectA.ID
		for _, c := range []struct {
			name  string
			q     wubu.SegmentQuery
			want  int
			names string
		}{
			{"All", wubu.SegmentQuery{}, 5, "张一 张二 李三 王四 赵五"},
			{"Building", wubu.SegmentQuery{BuildingIDs: []int64{f.b2}}, 2, "王四 赵五"},
			{"Relation", wubu.SegmentQuery{Relations: []wubu.Relation{wubu.RelationOwner}}, 3, "张一 王四 赵五"},
			{"AgeBand", wubu.SegmentQuery{AgeMin: intp(60), AgeMax: intp(80)}, 2, "张一 王四"},
			{"AgeBirthdayToday", wubu.SegmentQuery{AgeMin: intp(36), AgeMax: intp(36)}, 1, "李三"},
			{"AgeChild", wubu.SegmentQuery{AgeMax: intp(11)}, 1, "张二"},
			{"AgeNoneUnder10", wubu.SegmentQuery{AgeMax: intp(10)}, 0, ""},
			{"Occupation", wubu.SegmentQuery{Occupation: "教师"}, 2, "张一 赵五"},
			{"CareFlags", wubu.SegmentQuery{CareFlags: []wubu.CareFlag{wubu.CareElderlyAlone, wubu.CareMobility}}, 2, "张一 王四"},
			{"Importance", wubu.SegmentQuery{ImportanceMin: 3}, 2, "张一 王四"},
			{"SpecialDayKind", wubu.SegmentQuery{SpecialDay: wubu.DayBirthday}, 1, "张一"},
			{"SpecialDayMonth", wubu.SegmentQuery{SpecialMonth: 12}, 1, "王四"},
			{"CompletenessNone", wubu.SegmentQuery{CompleteMax: intp(0)}, 1, "张二"},
			{"CompletenessAtMostOne", wubu.SegmentQuery{CompleteMax: intp(1)}, 2, "张二 赵五"},
			{"Combined", wubu.SegmentQuery{BuildingIDs: []int64{f.b1}, AgeMin: intp(18)}, 2, "张一 李三"},
		} {
			t.Run(c.name, func(t *testing.T) {
				res, err := f.ss.QuerySegment(f.assistant, pa, c.q, 0, 50)
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, m := range res.Members {
					names = append(names, m.Person.Name)
				}
				if res.Counts.Persons != c.want || strings.Join(names, " ") != c.names {
					t.Fatalf("got %d %v, want %d %s", res.Counts.Persons, names, c.want, c.names)
				}
			})
		}
		t.Run("Counts", func(t *testing.T) {
			res, err := f.ss.QuerySegment(f.manager, pa, wubu.SegmentQuery{}, 0, 2)
			if err != nil {
				t.Fatal(err)
			}
			c := res.Counts
			if c.Persons != 5 || c.Homes != 4 || c.AgeUnknown != 1 || len(res.Members) != 2 {
				t.Fatalf("got %+v and %d members", c, len(res.Members))
			}
			if len(c.Buildings) != 2 || c.Buildings[0].BuildingName != "1" || c.Buildings[0].Persons != 3 || c.Buildings[1].Persons != 2 {
				t.Fatalf("buildings %+v %+v", c.Buildings[0], c.Buildings[len(c.Buildings)-1])
			}
			if c.Relations[wubu.RelationOwner] != 3 || c.Relations[wubu.RelationFamily] != 1 || c.Relations[wubu.RelationTenant] != 1 {
				t.Fatalf("relations %v", c.Relations)
			}
			m := res.Members[0]
			if m.Person.Name != "张一" || m.RoomLabel != "1-1-101" || m.Age == nil || *m.Age != 76 || m.Complete != 2 ||
				len(m.Person.Phones) != 1 || m.Person.Phones[0] != "138****0001" {
				t.Fatalf("member %+v %+v", m, m.Person)
			}
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			for field, q := range map[string]wubu.SegmentQuery{
				"age_max":       {AgeMin: intp(50), AgeMax: intp(40)},
				"care_flags":    {CareFlags: []wubu.CareFlag{"rich"}},
				"special_month": {SpecialMonth: 13},
				"complete_max":  {CompleteMax: intp(9)},
			} {
				_, err := f.ss.QuerySegment(f.assistant, pa, q, 0, 10)
				if wubu.ErrorCode(err) != wubu.EINVALID || fieldOf(err) != field {
					t.Errorf("%s: got %v", field, err)
				}
			}
		})
	})
}

// TestSegmentAccess: a guard cannot query segments; a manager of another
// project sees none of A's (its segment answers as a missing one); saved
// segments count their residents; an export is masked for an assistant,
// in full for the manager, and audited.
func TestSegmentAccess(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newSegmentFixture(t, db)
		pa := f.ProjectA.ID
		t.Run("ErrGuard", func(t *testing.T) {
			if _, err := f.ss.QuerySegment(f.guard, pa, wubu.SegmentQuery{}, 0, 10); wubu.ErrorCode(err) != wubu.EFORBIDDEN {
				t.Fatalf("guard: got %v, want forbidden", err)
			}
			if _, err := f.ss.FindSegments(f.guard, pa); wubu.ErrorCode(err) != wubu.EFORBIDDEN {
				t.Fatalf("guard: got %v, want forbidden", err)
			}
		})
		sg := &wubu.Segment{ProjectID: pa, Name: "独居老人和行动不便", Query: wubu.SegmentQuery{CareFlags: []wubu.CareFlag{wubu.CareElderlyAlone, wubu.CareMobility}}}
		if err := f.ss.SaveSegment(f.assistant, sg); err != nil {
			t.Fatal(err)
		}
		t.Run("Saved", func(t *testing.T) {
			list, err := f.ss.FindSegments(f.manager, pa)
			if err != nil || len(list) != 1 || list[0].Persons != 2 || list[0].Name != sg.Name || len(list[0].Query.CareFlags) != 2 {
				t.Fatalf("got %+v %v", list, err)
			}
			dup := &wubu.Segment{ProjectID: pa, Name: sg.Name}
			if err := f.ss.SaveSegment(f.manager, dup); wubu.ErrorCode(err) != wubu.ECONFLICT {
				t.Fatalf("same name: got %v", err)
			}
			if err := f.ss.SaveSegment(f.manager, &wubu.Segment{ProjectID: pa, Name: " "}); fieldOf(err) != "name" {
				t.Fatalf("no name: got %v", err)
			}
		})
		t.Run("ErrOtherProject", func(t *testing.T) {
			_, missing := f.ss.FindSegment(f.managerB, sg.ID+1000)
			_, other := f.ss.FindSegment(f.managerB, sg.ID)
			if wubu.ErrorCode(other) != wubu.ENOTFOUND || other.Error() != missing.Error() {
				t.Fatalf("another project's segment: %v; a missing one: %v", other, missing)
			}
			if _, err := f.ss.QuerySegment(f.managerB, pa, wubu.SegmentQuery{}, 0, 10); wubu.ErrorCode(err) != wubu.ENOTFOUND && wubu.ErrorCode(err) != wubu.EFORBIDDEN {
				t.Fatalf("another project's residents: %v", err)
			}
			if err := f.ss.DeleteSegment(f.managerB, sg.ID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
				t.Fatalf("delete another project's segment: %v", err)
			}
			res, err := f.ss.QuerySegment(f.managerB, f.ProjectB.ID, wubu.SegmentQuery{Occupation: "教师"}, 0, 10)
			if err != nil || res.Counts.Persons != 1 || res.Members[0].Person.Name != "钱六" {
				t.Fatalf("project B: %+v %v", res, err)
			}
		})
		t.Run("Export", func(t *testing.T) {
			masked, err := f.ss.ExportSegment(f.assistant, pa, sg.Query)
			if err != nil || len(masked) != 2 || masked[0].Person.Phones[0] != "138****0001" {
				t.Fatalf("assistant's export: %v %v", masked, err)
			}
			full, err := f.ss.ExportSegment(f.manager, pa, sg.Query)
			if err != nil || len(full) != 2 || full[0].Person.Phones[0] != "13800000001" || full[1].Person.Phones[0] != "13800000004" {
				t.Fatalf("manager's export: %v %v", full, err)
			}
			entries, _, err := sqlstore.NewAuditService(db).FindAuditEntries(f.admin, wubu.AuditFilter{ObjectType: "segment_export"})
			if err != nil || len(entries) != 2 {
				t.Fatalf("audit: %d entries, %v", len(entries), err)
			}
			if _, err := f.ss.ExportSegment(f.guard, pa, sg.Query); wubu.ErrorCode(err) != wubu.EFORBIDDEN {
				t.Fatalf("guard's export: %v", err)
			}
		})
		t.Run("Delete", func(t *testing.T) {
			if err := f.ss.DeleteSegment(f.manager, sg.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := f.ss.FindSegment(f.manager, sg.ID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
				t.Fatalf("deleted: %v", err)
			}
		})
	})
}

// fieldOf returns the input field an error concerns.
func fieldOf(err error) string {
	if e := wubu.AsError(err); e != nil {
		return e.Field
	}
	return ""
}

// TestSegmentAudiences: a saved segment is the audience of a notice sent
// by SMS, of a festival greeting and of a community survey (U2); another
// project's segment is refused naming the field.
func TestSegmentAudiences(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newSegmentFixture(t, db)
		pa := f.ProjectA.ID
		care := &wubu.Segment{ProjectID: pa, Name: "关爱对象", Query: wubu.SegmentQuery{CareFlags: []wubu.CareFlag{wubu.CareElderlyAlone, wubu.CareMobility}}}
		if err := f.ss.SaveSegment(f.manager, care); err != nil {
			t.Fatal(err)
		}
		other := &wubu.Segment{ProjectID: f.ProjectB.ID, Name: "B 的分群"}
		if err := f.ss.SaveSegment(f.managerB, other); err != nil {
			t.Fatal(err)
		}
		outbox := sqlstore.NewOutboxService(db)
		t.Run("Bulletin", func(t *testing.T) {
			bs := sqlstore.NewBulletinService(db).WithNotifier(outbox)
			until := clock.Now().AddDate(0, 0, 3).In(calendar.ChinaStandardTime).Format("2006-01-02")
			n := &wubu.Bulletin{ProjectID: pa, Title: "冬季防滑提示", Body: "雨雪天气请注意防滑，需要帮助请致电服务中心。", BoardUntil: until, SendSMS: true, SegmentID: &care.ID}
			if err := bs.PostBulletin(f.manager, n); err != nil {
				t.Fatal(err)
			}
			if n.Sent != 2 {
				t.Fatalf("sent %d, want 2 (张一, 王四)", n.Sent)
			}
			got, err := bs.FindBulletin(f.manager, n.ID)
			if err != nil || got.SegmentID == nil || *got.SegmentID != care.ID || got.SegmentName != care.Name {
				t.Fatalf("notice %+v %v", got, err)
			}
			bad := &wubu.Bulletin{ProjectID: pa, Title: "x", Body: "x", BoardUntil: until, SegmentID: &other.ID}
			if err := bs.PostBulletin(f.manager, bad); fieldOf(err) != "segment_id" {
				t.Fatalf("another project's segment: %v", err)
			}
			if err := f.ss.DeleteSegment(f.manager, care.ID); wubu.ErrorCode(err) != wubu.ECONFLICT {
				t.Fatalf("deleting a notice's segment: %v", err)
			}
		})
		t.Run("Greeting", func(t *testing.T) {
			gs := sqlstore.NewGreetingService(db, outbox)
			c := &wubu.GreetingCampaign{ProjectID: pa, Festival: "christmas", Message: "平安喜乐。", Audience: wubu.GreetingAudience{SegmentID: &care.ID}}
			pv, err := gs.PreviewGreeting(f.manager, c)
			if err != nil || pv.Count != 2 {
				t.Fatalf("preview %+v %v, want 2", pv, err)
			}
			all, err := gs.PreviewGreeting(f.manager, &wubu.GreetingCampaign{ProjectID: pa, Festival: "christmas", Message: "平安喜乐。"})
			if err != nil || all.Count != 4 {
				t.Fatalf("everyone with a phone: %+v %v, want 4", all, err)
			}
			c.Audience.SegmentID = &other.ID
			if _, err := gs.PreviewGreeting(f.manager, c); fieldOf(err) != "segment_id" {
				t.Fatalf("another project's segment: %v", err)
			}
		})
		t.Run("Survey", func(t *testing.T) {
			ss := sqlstore.NewSurveyService(db)
			form := &wubu.SurveyForm{ProjectID: pa, Purpose: wubu.SurveyCommunity, Title: "关爱服务满意度", SegmentID: &care.ID,
				Questions: []*wubu.SurveyQuestion{{Kind: wubu.QuestionScale, Text: "您对上门关爱服务满意吗？", Required: true}}}
			if err := ss.SaveSurveyForm(f.manager, form); err != nil {
				t.Fatal(err)
			}
			answer := func(p int64) error {
				score := 5
				return ss.AnswerSurvey(f.assistant, &wubu.SurveyResponse{FormID: form.ID, PersonID: &p,
					Answers: []wubu.SurveyAnswer{{QuestionID: form.Questions[0].ID, Score: &score}}})
			}
			if err := answer(f.zhang1.ID); err != nil {
				t.Fatal(err)
			}
			if err := answer(f.zhang2.ID); fieldOf(err) != "person_id" || wubu.ErrorCode(err) != wubu.EINVALID {
				t.Fatalf("a resident outside the segment: %v", err)
			}
			got, err := ss.FindSurveyForm(f.manager, form.ID)
			if err != nil || got.SegmentID == nil || *got.SegmentID != care.ID {
				t.Fatalf("form %+v %v", got, err)
			}
		})
	})
}
