package sqlstore_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestSurveyLinks: a survey to building 5 sends its link by SMS to one
// resident of each household there (the owner) and to nobody else, once;
// each link opens the survey without signing in, answers it once as its
// resident — counted in the results under their building — and refuses a
// second answer (also two at once), a token that does not exist, and any
// answer after the survey closed.
func TestSurveyLinks(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRulesWorld(t, db)
		rooms, people := twoUnits(t, db, w)
		// A tenant living with the owner of 5-1-101: the household gets one
		// link, the owner's.
		tenant := &wubu.Person{ProjectID: w.f.ProjectA.ID, Name: "租客", Phones: []string{"13700137000"}}
		if err := w.residents.CreatePersonInRoom(w.admin, tenant, &wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationTenant}); err != nil {
			t.Fatal(err)
		}
		manager := w.f.Ctx(w.f.User(t, "manager", wubu.RoleManager, wubu.PostNone, w.f.ProjectA))
		staff := w.f.Ctx(w.assistant)
		surveys := sqlstore.NewSurveyService(db).WithNotifier(w.outbox)
		today := clock.Now().In(calendar.ChinaStandardTime)
		f := &wubu.SurveyForm{ProjectID: w.f.ProjectA.ID, Purpose: wubu.SurveyCommunity, Title: "讲座需求调查", OpensOn: today.Format(time.DateOnly),
			ClosesOn: today.AddDate(0, 0, 7).Format(time.DateOnly), BuildingIDs: []int64{rooms[0].BuildingID}, Questions: []*wubu.SurveyQuestion{
				{Kind: wubu.QuestionSingle, Text: "最想听的讲座", Choices: []string{"居家安全", "理财", "园艺"}, Required: true},
				{Kind: wubu.QuestionScale, Text: "满意度"},
				{Kind: wubu.QuestionText, Text: "建议"}}}
		if err := surveys.SaveSurveyForm(manager, f); err != nil {
			t.Fatal(err)
		}
		if got, err := surveys.FindSurveyForm(staff, f.ID); err != nil || len(got.BuildingIDs) != 1 || got.BuildingIDs[0] != rooms[0].BuildingID {
			t.Fatalf("audience %v, %v", got, err)
		}
		n, err := surveys.SendSurveyLinks(staff, f.ID, "https://wubu.example.com/")
		if err != nil || n != 2 {
			t.Fatalf("sent %d, %v; want 2", n, err)
		}
		if n, err := surveys.SendSurveyLinks(staff, f.ID, "https://wubu.example.com"); err != nil || n != 0 {
			t.Fatalf("sent again %d, %v; want 0", n, err)
		}
		tokens := map[int64]string{}
		for _, m := range w.messages(t, "survey_link") {
			link := m.Vars["link"]
			if m.Channel != wubu.ChannelSMS || m.PersonID == nil || !strings.HasPrefix(link, "https://wubu.example.com/s/") || !strings.Contains(m.Body, link) {
				t.Fatalf("message %+v", m)
			}
			tokens[*m.PersonID] = strings.TrimPrefix(link, "https://wubu.example.com/s/")
		}
		if len(tokens) != 2 || tokens[people[0].ID] == "" || tokens[people[1].ID] == "" || len(tokens[people[0].ID]) < 22 {
			t.Fatalf("links to %v, want the two owners of building 5", tokens)
		}
		// No sign-in: a context without a user.
		anon := t.Context()
		got, err := surveys.SurveyLinkForm(anon, tokens[people[0].ID])
		if err != nil || got.ID != f.ID || len(got.Questions) != 3 {
			t.Fatalf("form %+v, %v", got, err)
		}
		four := 4
		answers := []wubu.SurveyAnswer{{QuestionID: f.Questions[0].ID, Choices: []string{"理财"}}, {QuestionID: f.Questions[1].ID, Score: &four}, {QuestionID: f.Questions[2].ID, Text: "希望周末举办"}}
		t.Run("ErrAnswers", func(t *testing.T) {
			mustCode(t, surveys.AnswerSurveyLink(anon, tokens[people[0].ID], []wubu.SurveyAnswer{{QuestionID: f.Questions[1].ID, Score: &four}}), wubu.EINVALID)
		})
		if err := surveys.AnswerSurveyLink(anon, tokens[people[0].ID], answers); err != nil {
			t.Fatal(err)
		}
		t.Run("ErrAnsweredTwice", func(t *testing.T) {
			mustCode(t, surveys.AnswerSurveyLink(anon, tokens[people[0].ID], answers), wubu.ECONFLICT)
			_, err := surveys.SurveyLinkForm(anon, tokens[people[0].ID])
			mustCode(t, err, wubu.ECONFLICT)
		})
		t.Run("ErrBadToken", func(t *testing.T) {
			_, err := surveys.SurveyLinkForm(anon, "not-a-token")
			mustCode(t, err, wubu.ENOTFOUND)
			mustCode(t, surveys.AnswerSurveyLink(anon, tokens[people[0].ID][:20], answers), wubu.ENOTFOUND)
		})
		// The answer is the owner's, counted under building 5.
		res, err := surveys.SurveyResults(manager, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Responses != 1 || len(res.Buildings) != 1 || res.Buildings[0].BuildingID != rooms[0].BuildingID || res.Questions[0].Answered != 1 {
			t.Fatalf("results %+v", res)
		}
		// Two submissions of the second link at once: one is recorded.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = surveys.AnswerSurveyLink(anon, tokens[people[1].ID], answers)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch wubu.ErrorCode(err) {
			case "":
				ok++
			case wubu.ECONFLICT:
			default:
				t.Fatalf("concurrent answer: %v", err)
			}
		}
		if res, err = surveys.SurveyResults(manager, f.ID); err != nil || ok != 1 || res.Responses != 2 {
			t.Fatalf("%d answers recorded, %d responses, %v; want 1 and 2", ok, res.Responses, err)
		}
		t.Run("ErrClosed", func(t *testing.T) {
			f2 := &wubu.SurveyForm{ProjectID: w.f.ProjectA.ID, Purpose: wubu.SurveyCommunity, Title: "停车需求", OpensOn: f.OpensOn, ClosesOn: f.OpensOn,
				Questions: []*wubu.SurveyQuestion{{Kind: wubu.QuestionYesNo, Text: "需要车位吗"}}}
			if err := surveys.SaveSurveyForm(manager, f2); err != nil {
				t.Fatal(err)
			}
			if n, err := surveys.SendSurveyLinks(staff, f2.ID, "http://x"); err != nil || n != 3 {
				t.Fatalf("sent %d, %v; want 3 (the project's households with a phone)", n, err)
			}
			var token string
			for _, m := range w.messages(t, "survey_link") {
				if m.ObjectID == itoa(f2.ID) && *m.PersonID == people[0].ID {
					token = strings.TrimPrefix(m.Vars["link"], "http://x/s/")
				}
			}
			clock.Set(today.AddDate(0, 0, 1))
			_, err := surveys.SurveyLinkForm(anon, token)
			mustCode(t, err, wubu.EINVALID)
			yes := 1
			mustCode(t, surveys.AnswerSurveyLink(anon, token, []wubu.SurveyAnswer{{QuestionID: f2.Questions[0].ID, Score: &yes}}), wubu.EINVALID)
			_, err = surveys.SendSurveyLinks(staff, f2.ID, "http://x")
			mustCode(t, err, wubu.EINVALID)
		})
	})
}
