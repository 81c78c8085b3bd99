package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestBrowserSurveyLink: a resident opens the survey link of their SMS on
// a 360 px phone, without signing in: the questions show in Chinese
// without sideways scrolling; a required question left blank is refused
// with the answers typed kept; the answers go in once and count in the
// results under the resident's building; the link then says it was
// answered, and a wrong link says it is not valid.
func TestBrowserSurveyLink(t *testing.T) {
	ctx := wubutest.NewBrowserSize(t, 360, 800)
	app := newTestApp(t, sqlstore.SQLite)
	admin := app.adminCtx()
	org := sqlstore.NewOrgService(app.DB)
	res, err := org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "5", Units: 1, Floors: 1, PerFloor: 1})
	if err != nil {
		t.Fatal(err)
	}
	rooms, _, err := org.FindRooms(admin, wubu.RoomFilter{ProjectID: app.ProjectA.ID, BuildingID: &res.Building.ID, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := &wubu.Person{ProjectID: app.ProjectA.ID, Name: "王建国", Phones: []string{"13800138001"}}
	if err := sqlstore.NewResidentService(app.DB).CreatePersonInRoom(admin, p, &wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
		t.Fatal(err)
	}
	surveys := sqlstore.NewSurveyService(app.DB).WithNotifier(app.Main.Outbox)
	today := app.Clock.Now().In(calendar.ChinaStandardTime)
	f := &wubu.SurveyForm{ProjectID: app.ProjectA.ID, Purpose: wubu.SurveyCommunity, Title: "社区讲座需求调查", OpensOn: today.Format(time.DateOnly),
		ClosesOn: today.AddDate(0, 0, 7).Format(time.DateOnly), BuildingIDs: []int64{res.Building.ID}, Questions: []*wubu.SurveyQuestion{
			{Kind: wubu.QuestionSingle, Text: "您最想听哪类讲座？", Choices: []string{"居家安全", "理财", "园艺"}, Required: true},
			{Kind: wubu.QuestionScale, Text: "您对往期活动的满意度"},
			{Kind: wubu.QuestionText, Text: "其他建议"}}}
	if err := surveys.SaveSurveyForm(admin, f); err != nil {
		t.Fatal(err)
	}
	if n, err := surveys.SendSurveyLinks(admin, f.ID, app.URL); err != nil || n != 1 {
		t.Fatalf("sent %d, %v", n, err)
	}
	ms, _, err := app.Main.Outbox.FindMessages(admin, app.ProjectA.ID, wubu.MessageFilter{Kind: "survey_link"})
	if err != nil || len(ms) != 1 {
		t.Fatalf("messages %v, %v", ms, err)
	}
	link := ms[0].Vars["link"]
	if !strings.HasPrefix(link, app.URL+"/s/") || !strings.Contains(ms[0].Body, link) {
		t.Fatalf("SMS %q", ms[0].Body)
	}

	wubutest.Step(t, ctx, "open the link",
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.ID("survey-link-form")),
	)
	if got := wubutest.Get(t, ctx, "title", chromedp.Text(chromedp.CSS("#survey-link h1"))); got != f.Title {
		t.Fatalf("title %q", got)
	}
	if got := wubutest.Get(t, ctx, "period", chromedp.Text(chromedp.CSS("#survey-link .muted"))); !strings.Contains(got, "每户限答一次") {
		t.Fatalf("the page is not in Chinese: %q", got)
	}
	if bad := wubutest.Get(t, ctx, "phone layout", chromedp.Evaluate[[]string](phoneCheck)); len(bad) > 0 {
		t.Fatalf("on a phone: %v", bad)
	}
	wubutest.Screenshot(t, ctx, "survey_link")
	q := func(i int) string { return "q" + itoa(f.Questions[i].ID) }
	// The required choice left blank: refused, the suggestion kept.
	wubutest.Step(t, ctx, "send without the required answer",
		chromedp.SendKeys(chromedp.CSS(`textarea[name="`+q(2)+`"]`), "希望周末举办"),
		chromedp.Click(chromedp.ID("survey-link-submit")),
		chromedp.WaitVisible(chromedp.CSS(".field-error")),
	)
	if got := wubutest.Get(t, ctx, "error", chromedp.Text(chromedp.CSS(".field-error"))); !strings.Contains(got, "第1题") && !strings.Contains(got, "1") {
		t.Fatalf("error %q", got)
	}
	if got := wubutest.Get(t, ctx, "kept", chromedp.Value(chromedp.CSS(`textarea[name="`+q(2)+`"]`))); got != "希望周末举办" {
		t.Fatalf("the suggestion typed is %q after the refusal", got)
	}
	wubutest.Step(t, ctx, "answer",
		chromedp.Click(chromedp.CSS(`input[name="`+q(0)+`"][value="理财"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name="`+q(1)+`"]`), "5"),
		chromedp.Click(chromedp.ID("survey-link-submit")),
		chromedp.WaitVisible(chromedp.ID("survey-link-thanks")),
	)
	results, err := surveys.SurveyResults(admin, f.ID)
	if err != nil || results.Responses != 1 || len(results.Buildings) != 1 || results.Buildings[0].BuildingID != res.Building.ID {
		t.Fatalf("results %+v, %v", results, err)
	}
	wubutest.Step(t, ctx, "open the link again",
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.ID("survey-link-closed")),
	)
	if got := wubutest.Get(t, ctx, "answered", chromedp.Text(chromedp.ID("survey-link-closed"))); !strings.Contains(got, "已经提交过") {
		t.Fatalf("answered link says %q", got)
	}
	wubutest.Step(t, ctx, "open a wrong link",
		chromedp.Navigate(app.URL+"/s/abcdefghijklmnopqrstuv"),
		chromedp.WaitVisible(chromedp.ID("survey-link-closed")),
	)
	if got := wubutest.Get(t, ctx, "wrong", chromedp.Text(chromedp.ID("survey-link-closed"))); !strings.Contains(got, "链接无效") {
		t.Fatalf("wrong link says %q", got)
	}
}
