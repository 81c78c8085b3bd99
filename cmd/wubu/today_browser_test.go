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

// TestBrowserToday signs an assistant in on a phone: the first page is
// Today, with the overdue care visit on top, one column without sideways
// scrolling, and a tap opens the resident.
func TestBrowserToday(t *testing.T) {
	ctx := wubutest.NewBrowser(t, false)
	app := newTestApp(t, sqlstore.SQLite)
	admin := app.adminCtx()
	org := sqlstore.NewOrgService(app.DB)
	res, err := org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "7", Units: 1, Floors: 1, PerFloor: 2})
	if err != nil {
		t.Fatal(err)
	}
	rooms, _, _ := org.FindRooms(admin, wubu.RoomFilter{ProjectID: app.ProjectA.ID, BuildingID: &res.Building.ID})
	rs := sqlstore.NewResidentService(app.DB)
	p := &wubu.Person{ProjectID: app.ProjectA.ID, Name: "周奶奶", Phones: []string{"13300133000"}, CareFlags: []wubu.CareFlag{wubu.CareElderlyAlone}}
	if err := rs.CreatePersonInRoom(admin, p, &wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
		t.Fatal(err)
	}
	// A birthday tomorrow too: a lower item.
	tomorrow := app.Clock.Now().Add(8*24*time.Hour + 24*time.Hour).In(calendar.ChinaStandardTime).Format("2006-01-02")
	if err := rs.AddSpecialDay(admin, &wubu.SpecialDay{ProjectID: app.ProjectA.ID, PersonID: p.ID, Kind: wubu.DayBirthday, Date: "1940" + tomorrow[4:], Yearly: true}); err != nil {
		t.Fatal(err)
	}
	app.User(t, "zhuli", wubu.RoleStaff, wubu.PostService, app.ProjectA)
	app.Clock.Add(8 * 24 * time.Hour)

	wubutest.Step(t, ctx, "sign in",
		chromedp.Navigate(app.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "zhuli"),
		chromedp.SendKeys(chromedp.ID("password"), wubutest.Password),
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.ID("agenda")),
	)
	if loc := wubutest.Get(t, ctx, "location", chromedp.Location()); !strings.HasSuffix(loc, "/today") {
		t.Fatalf("after sign-in: at %s, want /today", loc)
	}
	kinds := wubutest.Get(t, ctx, "items", chromedp.Evaluate[[]string](`[...document.querySelectorAll("#agenda li")].map(li => li.dataset.kind)`))
	if strings.Join(kinds, ",") != "care_visit,special_day" {
		t.Fatalf("agenda: got %v, want the care visit first, then the birthday", kinds)
	}
	if wide := wubutest.Get(t, ctx, "overflow", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`)); wide {
		t.Fatal("Today scrolls sideways on a phone")
	}
	if h := wubutest.Get(t, ctx, "tap target", chromedp.Evaluate[float64](`document.querySelector("#agenda li a").getBoundingClientRect().height`)); h < 44 {
		t.Fatalf("an agenda item is %.0f px high, want at least 44", h)
	}
	wubutest.Screenshot(t, ctx, "today")
	wubutest.Step(t, ctx, "open the resident",
		chromedp.Click(chromedp.CSS(`#agenda li[data-kind="care_visit"] a`)),
		chromedp.WaitVisible(chromedp.ID("resident-name")),
	)
	if got := wubutest.Get(t, ctx, "name", chromedp.Text(chromedp.ID("resident-name"))); !strings.Contains(got, "周奶奶") {
		t.Fatalf("opened %q", got)
	}
}
