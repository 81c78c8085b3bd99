package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestBrowserEventDoor: at the door of a lecture, on a 360-pixel phone, an
// assistant marks a resident with a place as come; the door page counts
// them and the event's page lists them among those who came, without the
// page scrolling sideways.
func TestBrowserEventDoor(t *testing.T) {
	ctx := wubutest.NewBrowserSize(t, 360, 800)
	app := newTestApp(t, sqlstore.SQLite)
	admin := app.adminCtx()
	app.User(t, "menkou", wubu.RoleStaff, wubu.PostService, app.ProjectA)
	org := sqlstore.NewOrgService(app.DB)
	if _, err := org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "5", Units: 1, Floors: 1, PerFloor: 2}); err != nil {
		t.Fatal(err)
	}
	rooms, _, err := org.FindRooms(admin, wubu.RoomFilter{ProjectID: app.ProjectA.ID, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	es := sqlstore.NewEventService(app.DB)
	e := &wubu.Event{ProjectID: app.ProjectA.ID, Kind: wubu.EventLecture, Topic: "renovation", Title: "装修注意事项讲座", Place: "会所", StartsAt: time.Now().Add(time.Hour), Capacity: 10}
	if err := es.PlanEvent(admin, e); err != nil {
		t.Fatal(err)
	}
	if _, err := es.OpenEvent(admin, e.ID); err != nil {
		t.Fatal(err)
	}
	rs := sqlstore.NewResidentService(app.DB)
	for i, name := range []string{"王建国", "李秀兰"} {
		p := &wubu.Person{ProjectID: app.ProjectA.ID, Name: name}
		if err := rs.CreatePersonInRoom(admin, p, &wubu.Household{RoomID: rooms[i].ID, Relation: wubu.RelationOwner}); err != nil {
			t.Fatal(err)
		}
		if _, err := es.SignUp(admin, e.ID, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	door := app.URL + "/events/" + itoa(e.ID) + "/door"
	wubutest.Step(t, ctx, "sign in and open the door page",
		chromedp.Navigate(app.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "menkou"),
		chromedp.SendKeys(chromedp.ID("password"), wubutest.Password),
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.ID("who")),
		chromedp.Navigate(door),
		chromedp.WaitVisible(chromedp.ID("door-list")),
	)
	// The page comes back from the form with the one who came at the end
	// of the list, and the count.
	wubutest.Step(t, ctx, "mark the first as come",
		chromedp.Click(chromedp.CSS(`#door-list form button`)),
		chromedp.WaitVisible(chromedp.CSS(`#door-list li.came`)),
	)
	if got := wubutest.Get(t, ctx, "count", chromedp.Text(chromedp.ID("door-count"))); !strings.Contains(got, "1 / 2") {
		t.Fatalf("door count %q, want 1 / 2", got)
	}
	if wide := wubutest.Get(t, ctx, "overflow", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`)); wide {
		t.Fatal("the door page scrolls sideways")
	}
	wubutest.Screenshot(t, ctx, "event_door")
	wubutest.Step(t, ctx, "open the event's page",
		chromedp.Navigate(app.URL+"/events/"+itoa(e.ID)),
		chromedp.WaitVisible(chromedp.ID("event-came")),
	)
	if got := wubutest.Get(t, ctx, "came", chromedp.Text(chromedp.ID("event-came"))); !strings.Contains(got, "王建国") || strings.Contains(got, "李秀兰") {
		t.Fatalf("who came: %q", got)
	}
	if wide := wubutest.Get(t, ctx, "overflow", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`)); wide {
		t.Fatal("the event's page scrolls sideways")
	}
	wubutest.Screenshot(t, ctx, "event")
}
