package sqlstore_test

import (
	"math"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestSurveyResultsAddUp: a lecture-needs survey (H4) answered by staff for
// residents of two buildings: each question's counts per building add up
// to the project's, a single choice's percentages to 100, a scale's
// average is the mean of its answers, and every response is counted once.
func TestSurveyResultsAddUp(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newVisitWorld(t, db, clock)
		pid := w.f.ProjectA.ID
		today := clock.Now().In(time.FixedZone("CST", 8*3600))
		f := &wubu.SurveyForm{ProjectID: pid, Purpose: wubu.SurveyCommunity, Title: "讲座需求调查", OpensOn: today.Format(time.DateOnly),
			ClosesOn: today.AddDate(0, 0, 10).Format(time.DateOnly), Questions: []*wubu.SurveyQuestion{
				{Kind: wubu.QuestionSingle, Text: "最想听的讲座", Choices: []string{"居家安全", "美容", "理财", "园艺", "装修"}, Required: true},
				{Kind: wubu.QuestionScale, Text: "对往期讲座的满意度", Required: true},
				{Kind: wubu.QuestionYesNo, Text: "愿意周末参加吗"}}}
		if err := w.surveys.SaveSurveyForm(w.f.Ctx(w.manager), f); err != nil {
			t.Fatal(err)
		}
		as := w.f.Ctx(w.eastAsst)
		choices := []string{"居家安全", "理财", "理财", "园艺", "装修", "理财", "居家安全"}
		scores := []int{5, 4, 3, 5, 2, 4, 4}
		rooms := append(append([]*wubu.Room{}, w.rooms1...), w.rooms2...)
		if len(rooms) < len(choices) {
			t.Fatalf("%d rooms", len(rooms))
		}
		for i := range choices {
			p := &wubu.Person{ProjectID: pid, Name: "答卷" + itoa(int64(i))}
			if err := w.rs.CreatePersonInRoom(w.f.Ctx(w.f.Admin), p, &wubu.Household{RoomID: rooms[len(rooms)-1-i].ID, Relation: wubu.RelationOwner}); err != nil {
				t.Fatal(err)
			}
			yes := i % 2
			answers := []wubu.SurveyAnswer{{QuestionID: f.Questions[0].ID, Choices: []string{choices[i]}}, {QuestionID: f.Questions[1].ID, Score: &scores[i]}}
			if i < 5 {
				answers = append(answers, wubu.SurveyAnswer{QuestionID: f.Questions[2].ID, Score: &yes})
			}
			if err := w.surveys.AnswerSurvey(as, &wubu.SurveyResponse{FormID: f.ID, PersonID: &p.ID, Answers: answers}); err != nil {
				t.Fatal(err)
			}
		}
		res, err := w.surveys.SurveyResults(w.f.Ctx(w.manager), f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Responses != len(choices) {
			t.Fatalf("%d responses, want %d", res.Responses, len(choices))
		}
		byBuilding := 0
		for _, b := range res.Buildings {
			byBuilding += b.Responses
		}
		if byBuilding != res.Responses || len(res.Buildings) != 2 {
			t.Fatalf("buildings' responses add up to %d in %d buildings, want %d in 2", byBuilding, len(res.Buildings), res.Responses)
		}
		for qi, q := range res.Questions {
			// The buildings' counts add up to the project's, label by label.
			sum := map[string]int{}
			answered := 0
			for _, b := range res.Buildings {
				answered += b.Questions[qi].Answered
				for _, c := range b.Questions[qi].Counts {
					sum[c.Label] += c.Count
				}
			}
			if answered != q.Answered {
				t.Errorf("%s: buildings answered %d, project %d", q.Text, answered, q.Answered)
			}
			total, percent := 0, 0.0
			for _, c := range q.Counts {
				if sum[c.Label] != c.Count {
					t.Errorf("%s %s: buildings %d, project %d", q.Text, c.Label, sum[c.Label], c.Count)
				}
				total += c.Count
				percent += c.Percent
			}
			if q.Kind != wubu.QuestionMulti && (total != q.Answered || math.Abs(percent-100) > 0.2) {
				t.Errorf("%s: counts add up to %d of %d answered, percentages to %.1f", q.Text, total, q.Answered, percent)
			}
		}
		if q := res.Questions[0]; q.Answered != 7 || q.Counts[2].Label != "理财" || q.Counts[2].Count != 3 {
			t.Errorf("choice: %+v", q.Counts)
		}
		if q := res.Questions[1]; math.Abs(q.Average-27.0/7) > 0.01 {
			t.Errorf("scale average %.3f, want %.3f", q.Average, 27.0/7)
		}
		if q := res.Questions[2]; q.Answered != 5 {
			t.Errorf("yes/no answered %d, want 5", q.Answered)
		}
	})
}
