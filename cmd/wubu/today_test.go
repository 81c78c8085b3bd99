package main

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestTodayAfterLogin checks that signing in lands on Today (F9), which
// shows the staff member's agenda, as GET /api/v1/agenda does.
func TestTodayAfterLogin(t *testing.T) {
	for _, dialect := range wubutest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			app := newTestApp(t, dialect)
			ctx := app.adminCtx()
			org := sqlstore.NewOrgService(app.DB)
			res, err := org.GenerateRooms(ctx, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "5", Units: 1, Floors: 1, PerFloor: 1})
			if err != nil {
				t.Fatal(err)
			}
			app.User(t, "zhuli", wubu.RoleStaff, wubu.PostService, app.ProjectA)
			rooms, _, _ := org.FindRooms(ctx, wubu.RoomFilter{ProjectID: app.ProjectA.ID, BuildingID: &res.Building.ID})
			p := &wubu.Person{ProjectID: app.ProjectA.ID, Name: "赵爷爷", Phones: []string{"13600136000"}, CareFlags: []wubu.CareFlag{wubu.CareElderlyAlone}}
			if err := sqlstore.NewResidentService(app.DB).CreatePersonInRoom(ctx, p, &wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
				t.Fatal(err)
			}
			// Eight days later the visit is overdue.
			app.Clock.Add(8 * 24 * time.Hour)

			b := app.newBrowser(t)
			resp, _ := b.post("/login", url.Values{"login": {"zhuli"}, "password": {wubutest.Password}})
			if loc := resp.Header.Get("Location"); loc != "/today" {
				t.Fatalf("after sign-in: redirected to %q, want /today", loc)
			}
			resp, _ = b.post("/login", url.Values{"login": {"zhuli"}, "password": {wubutest.Password}, "next": {"/lookup?q=1"}})
			if loc := resp.Header.Get("Location"); loc != "/lookup?q=1" {
				t.Fatalf("sign-in on the way to a page: redirected to %q", loc)
			}
			resp, body := b.get("/today")
			if resp.StatusCode != 200 || !strings.Contains(body, "关爱走访逾期：赵爷爷") || !strings.Contains(body, `class="high"`) {
				t.Fatalf("today: %d, want the overdue care visit: %s", resp.StatusCode, body)
			}

			api := app.apiLogin(t, "zhuli")
			var agenda struct {
				Items []wubu.AgendaItem `json:"items"`
			}
			if status := api.do("GET", "/api/v1/agenda", nil, &agenda); status != 200 {
				t.Fatalf("agenda: status %d", status)
			}
			if len(agenda.Items) != 1 || agenda.Items[0].Kind != "care_visit" || agenda.Items[0].Urgency != wubu.UrgencyHigh || !agenda.Items[0].Overdue ||
				!strings.Contains(agenda.Items[0].Text, "赵爷爷") || agenda.Items[0].Href == "" {
				t.Fatalf("agenda: got %+v", agenda.Items)
			}

			// Recording the visit through the API clears it.
			var v wubu.CareVisit
			if status := api.do("POST", "/api/v1/residents/"+itoa(p.ID)+"/care-visits", map[string]string{"notes": "一切安好"}, &v); status != 201 || v.ID == 0 {
				t.Fatalf("care visit: status %d %+v", status, v)
			}
			agenda.Items = nil
			api.do("GET", "/api/v1/agenda", nil, &agenda)
			if len(agenda.Items) != 0 {
				t.Fatalf("agenda after the visit: %+v", agenda.Items)
			}
		})
	}
}

// TestRulesScreens drives the settings and festival greeting screens: a
// refused form keeps what was typed and says why; a campaign is previewed
// with its count and sample, then scheduled.
func TestRulesScreens(t *testing.T) {
	app := newTestApp(t, "sqlite")
	ctx := app.adminCtx()
	org := sqlstore.NewOrgService(app.DB)
	res, err := org.GenerateRooms(ctx, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "2", Units: 1, Floors: 1, PerFloor: 1})
	if err != nil {
		t.Fatal(err)
	}
	rooms, _, _ := org.FindRooms(ctx, wubu.RoomFilter{ProjectID: app.ProjectA.ID, BuildingID: &res.Building.ID})
	p := &wubu.Person{ProjectID: app.ProjectA.ID, Name: "孙阿姨", Phones: []string{"13700137000"}}
	if err := sqlstore.NewResidentService(app.DB).CreatePersonInRoom(ctx, p, &wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
		t.Fatal(err)
	}
	b := app.webLogin(t, "admin")
	pid := itoa(app.ProjectA.ID)

	form := url.Values{"work_start": {"09:00"}, "work_end": {"07:00"}, "card_reminder_days": {"15, 3"}, "special_day_lead_days": {"1"}, "care_visit_days": {"7"}, "care_escalate_days": {"1"}}
	resp, body := b.post("/projects/"+pid+"/settings", form)
	if resp.StatusCode != 422 || !strings.Contains(body, "下班时间须晚于上班时间") || !strings.Contains(body, `value="07:00"`) {
		t.Fatalf("bad hours: %d, want 422 with the message and the typed value: %s", resp.StatusCode, body)
	}
	if st, _ := sqlstore.NewSettingsService(app.DB).FindSettings(ctx, app.ProjectA.ID); !st.Default {
		t.Fatalf("a refused form changed the settings: %+v", st)
	}
	form.Set("work_end", "18:00")
	if resp, _ := b.post("/projects/"+pid+"/settings", form); resp.StatusCode != 303 {
		t.Fatalf("good settings: %d", resp.StatusCode)
	}
	if st, _ := sqlstore.NewSettingsService(app.DB).FindSettings(ctx, app.ProjectA.ID); st.WorkEnd != "18:00" {
		t.Fatalf("settings not saved: %+v", st)
	}

	g := url.Values{"festival": {"christmas/2026"}, "message": {"平安喜乐"}}
	resp, body = b.post("/projects/"+pid+"/greetings", g)
	if resp.StatusCode != 200 || !strings.Contains(body, "将有 1 位住户收到这条问候") || !strings.Contains(body, "孙阿姨，圣诞节快乐") {
		t.Fatalf("preview: %d: %s", resp.StatusCode, body)
	}
	g.Set("confirm", "1")
	resp, _ = b.post("/projects/"+pid+"/greetings", g)
	if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "/greetings/") {
		t.Fatalf("schedule: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body = b.get(resp.Header.Get("Location"))
	if resp.StatusCode != 200 || !strings.Contains(body, "待发送") {
		t.Fatalf("campaign page: %d %s", resp.StatusCode, body)
	}
	if resp, body := b.get("/projects/" + pid + "/cards/expiring"); resp.StatusCode != 200 || !strings.Contains(body, "没有到期的卡片") {
		t.Fatalf("expiring cards: %d %s", resp.StatusCode, body)
	}

	// Care visits: refused for a resident without a care flag, recorded
	// once she has one, and the list shows the last visit.
	resp, body = b.post("/residents/"+itoa(p.ID)+"/care-visits", url.Values{"notes": {"看望"}})
	if resp.StatusCode != 422 || !strings.Contains(body, "没有关爱标记") {
		t.Fatalf("visit without a care flag: %d %s", resp.StatusCode, body)
	}
	flags := []wubu.CareFlag{wubu.CareElderlyAlone}
	if _, err := sqlstore.NewResidentService(app.DB).UpdatePerson(ctx, p.ID, wubu.PersonUpdate{CareFlags: &flags}); err != nil {
		t.Fatal(err)
	}
	if resp, _ := b.post("/residents/"+itoa(p.ID)+"/care-visits", url.Values{"notes": {"看望，一切安好"}}); resp.StatusCode != 303 {
		t.Fatalf("visit: %d", resp.StatusCode)
	}
	if resp, body := b.get("/projects/" + pid + "/care"); resp.StatusCode != 200 || !strings.Contains(body, "上次走访") || !strings.Contains(body, "孙阿姨") {
		t.Fatalf("care list: %d %s", resp.StatusCode, body)
	}
}

// TestTodayGuardQuickActions checks that a guard's start page, Today,
// carries the security post's actions (issue 6 item 10): each form is one
// tap away, so lookup, a pass, a checkpoint, a hazard, an incident or a
// parking problem takes at most three taps from signing in. Other posts do
// not get them.
func TestTodayGuardQuickActions(t *testing.T) {
	app := newTestApp(t, "sqlite")
	app.User(t, "menwei", wubu.RoleStaff, wubu.PostSecurity, app.ProjectA)
	app.User(t, "kefu", wubu.RoleStaff, wubu.PostService, app.ProjectA)
	b := app.newBrowser(t)
	resp, _ := b.post("/login", url.Values{"login": {"menwei"}, "password": {wubutest.Password}})
	if loc := resp.Header.Get("Location"); loc != "/today" {
		t.Fatalf("guard's sign-in: redirected to %q, want /today", loc)
	}
	_, body := b.get("/today")
	if !strings.Contains(body, `id="guard-quick"`) || !strings.Contains(body, `action="/lookup"`) {
		t.Fatalf("today has no guard actions: %s", body)
	}
	project := "?project=" + itoa(app.ProjectA.ID)
	for id, href := range map[string]string{
		"today-start-pass":      "/passes/new" + project,
		"today-checkin":         "/patrol/checkin",
		"today-report-hazard":   "/hazards/new",
		"today-report-incident": "/incidents/new" + project,
		"today-report-parking":  "/parking/new",
	} {
		tile := `id="` + id + `" href="` + href + `"`
		if !strings.Contains(body, tile) {
			t.Errorf("today lacks %s", tile)
			continue
		}
		// Tap two: the form opens.
		if resp, page := b.get(href); resp.StatusCode != 200 || !strings.Contains(page, "<form") {
			t.Errorf("%s: status %d, or no form", href, resp.StatusCode)
		}
	}
	// Tap two of the lookup is its result.
	if resp, _ := b.get("/lookup?q=101"); resp.StatusCode != 200 {
		t.Errorf("lookup: status %d", resp.StatusCode)
	}
	if _, body := app.webLogin(t, "kefu").get("/today"); strings.Contains(body, `id="guard-quick"`) {
		t.Errorf("a service assistant's today shows the guard's actions")
	}
}
