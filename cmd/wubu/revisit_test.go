package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// revisitSetup makes a key customer (importance 5) in building 7 of project
// A, with a care flag; the building's security leader; and a service
// assistant.
func revisitSetup(t *testing.T, app *testApp) (key *wubu.Person, leader, assistant *wubu.User) {
	t.Helper()
	ctx := app.adminCtx()
	org := sqlstore.NewOrgService(app.DB)
	res, err := org.GenerateRooms(ctx, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "7", Units: 1, Floors: 1, PerFloor: 1})
	if err != nil {
		t.Fatal(err)
	}
	rooms, _, _ := org.FindRooms(ctx, wubu.RoomFilter{ProjectID: app.ProjectA.ID, BuildingID: &res.Building.ID})
	rs := sqlstore.NewResidentService(app.DB)
	key = &wubu.Person{ProjectID: app.ProjectA.ID, Name: "王总", Phones: []string{"13600137000"}, CareFlags: []wubu.CareFlag{wubu.CareElderlyAlone}}
	if err := rs.CreatePersonInRoom(ctx, key, &wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
		t.Fatal(err)
	}
	five := 5
	if _, err := rs.UpdatePerson(ctx, key.ID, wubu.PersonUpdate{Importance: &five}); err != nil {
		t.Fatal(err)
	}
	leader = app.User(t, "anquan", wubu.RoleTeamLeader, wubu.PostSecurity, app.ProjectA)
	if err := sqlstore.NewUserService(app.DB).Assign(ctx, &wubu.Assignment{ProjectID: app.ProjectA.ID, BuildingID: res.Building.ID, UserID: leader.ID, Kind: wubu.AssignSecurityLeader}); err != nil {
		t.Fatal(err)
	}
	assistant = app.User(t, "zhuli", wubu.RoleStaff, wubu.PostService, app.ProjectA)
	return key, leader, assistant
}

// TestRevisitPages: the assistant schedules a revisit of a key customer from
// the customer card; the building's security leader is added and sees it on
// Today; a refused form keeps what was typed; past its time it shows
// overdue; the outcome lands on the resident's timeline.
func TestRevisitPages(t *testing.T) {
	app := newTestApp(t, "sqlite")
	key, leader, _ := revisitSetup(t, app)
	b := app.webLogin(t, "zhuli")
	card := "/residents/" + itoa(key.ID)

	if _, body := b.get(card); !strings.Contains(body, `id="schedule-revisit"`) {
		t.Fatalf("the card has no link to schedule a revisit: %s", body)
	}
	resp, body := b.get(card + "/revisits/new")
	if resp.StatusCode != 200 || !strings.Contains(body, `id="companions"`) || !strings.Contains(body, leader.Name) {
		t.Fatalf("new revisit: %d, want the leader named: %s", resp.StatusCode, body)
	}
	// No purpose: refused, the time typed is kept.
	resp, body = b.post(card+"/revisits", url.Values{"due_at": {"2026-11-27T15:30"}, "purpose": {" "}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请填写回访目的") || !strings.Contains(body, `value="2026-11-27T15:30"`) {
		t.Fatalf("no purpose: %d %s", resp.StatusCode, body)
	}
	// A time in the past: refused, the purpose typed is kept.
	resp, body = b.post(card+"/revisits", url.Values{"due_at": {"2026-11-20T15:30"}, "purpose": {"维修后回访"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "回访时间不能早于现在") || !strings.Contains(body, `value="维修后回访"`) {
		t.Fatalf("past: %d %s", resp.StatusCode, body)
	}
	resp, _ = b.post(card+"/revisits", url.Values{"due_at": {"2026-11-27T15:30"}, "purpose": {"维修后回访"}})
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/revisits/") {
		t.Fatalf("schedule: %d %q", resp.StatusCode, loc)
	}
	_, body = b.get(loc)
	if !strings.Contains(body, `id="participants"`) || !strings.Contains(body, leader.Name) || !strings.Contains(body, "维修后回访") {
		t.Fatalf("revisit page: %s", body)
	}

	// The leader sees it on Today and in their list.
	lb := app.webLogin(t, "anquan")
	if _, body := lb.get("/today"); !strings.Contains(body, "回访 王总：维修后回访") || !strings.Contains(body, `href="`+loc+`"`) {
		t.Fatalf("leader's today: %s", body)
	}
	if _, body := lb.get("/projects/" + itoa(app.ProjectA.ID) + "/revisits?mine=1"); !strings.Contains(body, "王总") || !strings.Contains(body, "重点客户") {
		t.Fatalf("leader's revisits: %s", body)
	}

	// Past 15:30 it is overdue.
	app.Clock.Add(7 * time.Hour)
	if _, body := b.get("/today"); !strings.Contains(body, "回访逾期：王总：维修后回访") {
		t.Fatalf("overdue on today: %s", body)
	}
	if _, body := b.get(loc); !strings.Contains(body, `<dd id="revisit-state"><strong class="expiring">`) {
		t.Fatalf("overdue on the page: %s", body)
	}

	// The outcome: no satisfaction is refused and keeps the notes.
	resp, body = b.post(loc+"/outcome", url.Values{"notes": {"业主对维修满意"}, "satisfaction": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请选择业主满意度") || !strings.Contains(body, "业主对维修满意</textarea>") {
		t.Fatalf("no satisfaction: %d %s", resp.StatusCode, body)
	}
	resp, _ = b.post(loc+"/outcome", url.Values{"notes": {"业主对维修满意"}, "satisfaction": {"5"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != card {
		t.Fatalf("outcome: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body := b.get(card); !strings.Contains(body, "回访: 5/5 业主对维修满意") {
		t.Fatalf("timeline without the outcome: %s", body)
	}
	if _, body := b.get("/today"); strings.Contains(body, "王总") {
		t.Fatalf("today still shows the recorded revisit: %s", body)
	}
	resp, body = b.post(loc+"/outcome", url.Values{"notes": {"again"}, "satisfaction": {"4"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "已经记录过了") {
		t.Fatalf("second outcome: %d", resp.StatusCode)
	}

	// The API shows the same revisit; another project's staff do not see it.
	api := app.apiLogin(t, "zhuli")
	var got wubu.Revisit
	if status := api.do("GET", "/api/v1"+loc, nil, &got); status != 200 || got.Status != wubu.RevisitDone || got.Satisfaction != 5 || len(got.Participants) != 1 {
		t.Fatalf("api: %d %+v", status, got)
	}
	app.User(t, "zhuli_b", wubu.RoleStaff, wubu.PostService, app.ProjectB)
	if status := app.apiLogin(t, "zhuli_b").do("GET", "/api/v1"+loc, nil, nil); status != http.StatusNotFound {
		t.Fatalf("other project: status %d", status)
	}
	var created wubu.Revisit
	if status := api.do("POST", "/api/v1/residents/"+itoa(key.ID)+"/revisits", map[string]any{"due_at": app.Clock.Now().Add(48 * time.Hour), "purpose": "节前回访"}, &created); status != 201 || len(created.Participants) != 1 {
		t.Fatalf("api schedule: %d %+v", status, created)
	}
}

// TestResidentCardLinks: the customer card's opt-out boxes and care visit
// form, and the project page's links shown by permission.
func TestResidentCardLinks(t *testing.T) {
	app := newTestApp(t, "sqlite")
	key, _, _ := revisitSetup(t, app)
	b := app.webLogin(t, "zhuli")
	card := "/residents/" + itoa(key.ID)

	// Opt out of festival greetings.
	resp, _ := b.post(card+"/opt-outs", url.Values{"sent": {"1"}, "out": {"festival_greeting"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("opt out: %d", resp.StatusCode)
	}
	_, body := b.get(card)
	if !strings.Contains(body, `value="festival_greeting" checked`) || strings.Contains(body, `value="card_expiry" checked`) {
		t.Fatalf("card after opting out: %s", body)
	}
	kinds, err := app.Main.Outbox.OptOuts(app.adminCtx(), key.ID)
	if err != nil || len(kinds) != 1 || kinds[0] != "festival_greeting" {
		t.Fatalf("stored opt-outs: %v %v", kinds, err)
	}
	// An unknown kind: refused, the boxes ticked are kept, nothing stored.
	resp, body = b.post(card+"/opt-outs", url.Values{"sent": {"1"}, "out": {"card_expiry", "spam"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="card_expiry" checked`) || strings.Contains(body, `value="festival_greeting" checked`) {
		t.Fatalf("unknown kind: %d %s", resp.StatusCode, body)
	}
	if kinds, _ := app.Main.Outbox.OptOuts(app.adminCtx(), key.ID); len(kinds) != 1 || kinds[0] != "festival_greeting" {
		t.Fatalf("opt-outs changed by a refused form: %v", kinds)
	}
	// Withdraw it: no box ticked.
	if resp, _ := b.post(card+"/opt-outs", url.Values{"sent": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", resp.StatusCode)
	}
	if kinds, _ := app.Main.Outbox.OptOuts(app.adminCtx(), key.ID); len(kinds) != 0 {
		t.Fatalf("opt-outs after withdrawing: %v", kinds)
	}

	// A care visit from the card: too long is refused and kept; then recorded.
	if !strings.Contains(body, `id="care-visit-form"`) {
		t.Fatalf("no care visit form on the card of a resident with a care flag")
	}
	long := strings.Repeat("很", 1001)
	resp, body = b.post(card+"/care-visits", url.Values{"from": {"card"}, "notes": {long}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, long+"</textarea>") || !strings.Contains(body, `id="resident-name"`) {
		t.Fatalf("long care notes: %d", resp.StatusCode)
	}
	// The project's care-visit form shows in the card's form: a required
	// question left out refuses the visit and keeps the other answer.
	form := &wubu.SurveyForm{ProjectID: app.ProjectA.ID, Purpose: wubu.SurveyCare, Title: "关爱走访问卷", Questions: []*wubu.SurveyQuestion{
		{Kind: wubu.QuestionScale, Text: "身体状况", Required: true}, {Kind: wubu.QuestionText, Text: "需要的帮助"}}}
	if err := sqlstore.NewSurveyService(app.DB).SaveSurveyForm(app.adminCtx(), form); err != nil {
		t.Fatal(err)
	}
	q0, q1 := "q"+itoa(form.Questions[0].ID), "q"+itoa(form.Questions[1].ID)
	if _, body := b.get(card); !strings.Contains(body, "关爱走访问卷") || !strings.Contains(body, `name="`+q0+`"`) {
		t.Fatalf("no care-visit questions on the card")
	}
	resp, body = b.post(card+"/care-visits", url.Values{"from": {"card"}, "notes": {"老人身体健康"}, q1: {"帮忙买菜"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "帮忙买菜</textarea>") {
		t.Fatalf("care visit without the required answer: %d", resp.StatusCode)
	}
	resp, _ = b.post(card+"/care-visits", url.Values{"from": {"card"}, "notes": {"老人身体健康"}, q0: {"4"}, q1: {"帮忙买菜"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != card {
		t.Fatalf("care visit: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body := b.get(card); !strings.Contains(body, "关爱走访: 老人身体健康") || !strings.Contains(body, "需要的帮助：帮忙买菜") {
		t.Fatalf("timeline without the care visit and its answers: %s", body)
	}
	// Without a care flag there is no form.
	plain := &wubu.Person{ProjectID: app.ProjectA.ID, Name: "李四", Phones: []string{"13600137001"}}
	if err := sqlstore.NewResidentService(app.DB).CreatePerson(app.adminCtx(), plain); err != nil {
		t.Fatal(err)
	}
	if _, body := b.get("/residents/" + itoa(plain.ID)); strings.Contains(body, `id="care-visit-form"`) {
		t.Fatalf("care visit form for a resident without a care flag")
	}

	// The project page: the assistant sees the resident screens only; a
	// manager sees the outbox, settings and greetings too.
	project := "/projects/" + itoa(app.ProjectA.ID)
	_, body = b.get(project)
	for _, id := range []string{"care-link", "cards-link", "revisits-link"} {
		if !strings.Contains(body, `id="`+id+`"`) {
			t.Errorf("assistant's project page lacks %s", id)
		}
	}
	for _, id := range []string{"outbox-link", "settings-link", "greetings-link"} {
		if strings.Contains(body, `id="`+id+`"`) {
			t.Errorf("assistant's project page shows %s", id)
		}
	}
	app.User(t, "jingli", wubu.RoleManager, wubu.PostNone, app.ProjectA)
	mb := app.webLogin(t, "jingli")
	_, body = mb.get(project)
	for _, id := range []string{"care-link", "cards-link", "revisits-link", "outbox-link", "settings-link", "outbox-settings-link", "greetings-link"} {
		if !strings.Contains(body, `id="`+id+`"`) {
			t.Errorf("manager's project page lacks %s", id)
		}
	}
	// Each link opens.
	for _, path := range []string{"/care", "/cards/expiring", "/revisits", "/outbox", "/settings", "/outbox/settings", "/greetings"} {
		if resp, _ := mb.get(project + path); resp.StatusCode != 200 {
			t.Errorf("manager: %s: status %d", path, resp.StatusCode)
		}
	}
}
