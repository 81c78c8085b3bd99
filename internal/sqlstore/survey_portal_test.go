package sqlstore_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestPortalSurveys (issue 15, H4 on the portal): a resident sees the
// surveys of their building, not another building's (404); their answer
// counts as a link answer does — under their building, once per
// household: the tenant of the same room and the household's SMS link
// are refused afterwards, and a household that answered by link is
// refused on the portal; a closed survey is marked and refuses answers.
func TestPortalSurveys(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRulesWorld(t, db)
		rooms, people := twoUnits(t, db, w)
		org := sqlstore.NewOrgService(db)
		six, err := org.GenerateRooms(w.admin, wubu.RoomGeneration{ProjectID: w.f.ProjectA.ID, Building: "6", Units: 1, Floors: 1, PerFloor: 1})
		if err != nil {
			t.Fatal(err)
		}
		sixRooms, _, err := org.FindRooms(w.admin, wubu.RoomFilter{ProjectID: w.f.ProjectA.ID, BuildingID: &six.Building.ID, Limit: 10})
		if err != nil || len(sixRooms) != 1 {
			t.Fatal(sixRooms, err)
		}
		tenant := &wubu.Person{ProjectID: w.f.ProjectA.ID, Name: "租客", Phones: []string{"13700137000"}}
		if err := w.residents.CreatePersonInRoom(w.admin, tenant, &wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationTenant}); err != nil {
			t.Fatal(err)
		}
		other := &wubu.Person{ProjectID: w.f.ProjectA.ID, Name: "孙六", Phones: []string{"13700137006"}}
		if err := w.residents.CreatePersonInRoom(w.admin, other, &wubu.Household{RoomID: sixRooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
			t.Fatal(err)
		}
		resident := func(p *wubu.Person, r *wubu.Room) context.Context {
			return wubu.NewContextWithPortalIdentity(context.Background(), &wubu.PortalIdentity{PersonID: p.ID, ProjectID: w.f.ProjectA.ID, Name: p.Name,
				Homes: []*wubu.PortalHome{{RoomID: r.ID, RoomLabel: r.Label, BuildingID: r.BuildingID, Relation: wubu.RelationOwner}}})
		}
		owner0, owner1, tenant0, sixer := resident(people[0], rooms[0]), resident(people[1], rooms[1]), resident(tenant, rooms[0]), resident(other, sixRooms[0])
		manager := w.f.Ctx(w.f.User(t, "manager", wubu.RoleManager, wubu.PostNone, w.f.ProjectA))
		staff := w.f.Ctx(w.assistant)
		surveys := sqlstore.NewSurveyService(db).WithNotifier(w.outbox)
		today := clock.Now().In(calendar.ChinaStandardTime)
		survey := func(title string, building int64) *wubu.SurveyForm {
			f := &wubu.SurveyForm{ProjectID: w.f.ProjectA.ID, Purpose: wubu.SurveyCommunity, Title: title, OpensOn: today.Format(time.DateOnly),
				ClosesOn: today.AddDate(0, 0, 7).Format(time.DateOnly), BuildingIDs: []int64{building}, Questions: []*wubu.SurveyQuestion{
					{Kind: wubu.QuestionSingle, Text: "最想听的讲座", Choices: []string{"居家安全", "理财"}, Required: true}}}
			if err := surveys.SaveSurveyForm(manager, f); err != nil {
				t.Fatal(err)
			}
			return f
		}
		f, g := survey("讲座需求调查", rooms[0].BuildingID), survey("6栋电梯调查", six.Building.ID)
		answers := []wubu.SurveyAnswer{{QuestionID: f.Questions[0].ID, Choices: []string{"理财"}}}
		// The SMS links go out first.
		if n, err := surveys.SendSurveyLinks(staff, f.ID, "https://x"); err != nil || n != 2 {
			t.Fatalf("links %d, %v", n, err)
		}
		tokens := map[int64]string{}
		for _, m := range w.messages(t, "survey_link") {
			tokens[*m.PersonID] = strings.TrimPrefix(m.Vars["link"], "https://x/s/")
		}

		mine, err := surveys.MySurveys(owner0)
		if err != nil || len(mine) != 1 || mine[0].Form.ID != f.ID || mine[0].Answered || mine[0].Closed {
			t.Fatalf("owner's surveys: %+v, %v", mine, err)
		}
		_, err = surveys.MySurvey(sixer, f.ID)
		mustCode(t, err, wubu.ENOTFOUND)
		mustCode(t, surveys.AnswerMySurvey(sixer, f.ID, []wubu.SurveyAnswer{{QuestionID: f.Questions[0].ID, Choices: []string{"理财"}}}), wubu.ENOTFOUND)
		mustCode(t, surveys.AnswerMySurvey(owner0, f.ID, nil), wubu.EINVALID)
		if err := surveys.AnswerMySurvey(owner0, f.ID, answers); err != nil {
			t.Fatal(err)
		}
		// Once per household: the tenant of the room, and the room's link.
		if m, err := surveys.MySurvey(tenant0, f.ID); err != nil || !m.Answered {
			t.Fatalf("tenant sees %+v, %v", m, err)
		}
		mustCode(t, surveys.AnswerMySurvey(tenant0, f.ID, answers), wubu.ECONFLICT)
		mustCode(t, surveys.AnswerMySurvey(owner0, f.ID, answers), wubu.ECONFLICT)
		_, err = surveys.SurveyLinkForm(t.Context(), tokens[people[0].ID])
		mustCode(t, err, wubu.ECONFLICT)
		// Answered by link: the portal knows.
		if err := surveys.AnswerSurveyLink(t.Context(), tokens[people[1].ID], answers); err != nil {
			t.Fatal(err)
		}
		if m, err := surveys.MySurvey(owner1, f.ID); err != nil || !m.Answered {
			t.Fatalf("answered by link: %+v, %v", m, err)
		}
		mustCode(t, surveys.AnswerMySurvey(owner1, f.ID, answers), wubu.ECONFLICT)
		// Counted as link answers are, under building 5.
		res, err := surveys.SurveyResults(manager, f.ID)
		if err != nil || res.Responses != 2 || len(res.Buildings) != 1 || res.Buildings[0].BuildingID != rooms[0].BuildingID || res.Buildings[0].Responses != 2 {
			t.Fatalf("results %+v, %v", res, err)
		}
		// Two people of one household at once: one answer is recorded.
		h := survey("垃圾分类调查", rooms[0].BuildingID)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i, c := range []context.Context{owner0, tenant0} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = surveys.AnswerMySurvey(c, h.ID, []wubu.SurveyAnswer{{QuestionID: h.Questions[0].ID, Choices: []string{"理财"}}})
			}()
		}
		wg.Wait()
		if ok := (errs[0] == nil) != (errs[1] == nil); !ok || wubu.ErrorCode(errs[0])+wubu.ErrorCode(errs[1]) != wubu.ECONFLICT {
			t.Fatalf("one household at once: %v, %v", errs[0], errs[1])
		}
		// Closed.
		clock.Add(9 * 24 * time.Hour)
		mine, err = surveys.MySurveys(sixer)
		if err != nil || len(mine) != 1 || mine[0].Form.ID != g.ID || !mine[0].Closed {
			t.Fatalf("closed: %+v, %v", mine, err)
		}
		mustCode(t, surveys.AnswerMySurvey(sixer, g.ID, []wubu.SurveyAnswer{{QuestionID: g.Questions[0].ID, Choices: []string{"理财"}}}), wubu.EINVALID)
	})
}
