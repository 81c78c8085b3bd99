package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestBrowserRoundTableBooking: on a 360-pixel phone, an assistant books
// a resident into a free slot by name from the talk's page; the page then
// names the resident as booked, and neither it nor the lobby's schedule
// scrolls sideways.
func TestBrowserRoundTableBooking(t *testing.T) {
	ctx := wubutest.NewBrowserSize(t, 360, 800)
	app := newTestApp(t, sqlstore.SQLite)
	admin := app.adminCtx()
	asst := app.User(t, "yuanzhuo", wubu.RoleStaff, wubu.PostService, app.ProjectA)
	org := sqlstore.NewOrgService(app.DB)
	res, err := org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "7", Units: 1, Floors: 1, PerFloor: 2})
	if err != nil {
		t.Fatal(err)
	}
	rooms, _, err := org.FindRooms(admin, wubu.RoomFilter{ProjectID: app.ProjectA.ID, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := sqlstore.NewResidentService(app.DB).CreatePersonInRoom(admin, &wubu.Person{ProjectID: app.ProjectA.ID, Name: "司马光明"}, &wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
		t.Fatal(err)
	}
	slots, err := sqlstore.NewRoundTableService(app.DB, app.Main.Clocks).PublishRoundTables(admin, wubu.RoundTableSeries{ProjectID: app.ProjectA.ID,
		Day: "2026-11-30", Times: []string{"09:00"}, Minutes: 30, Place: "服务中心二楼会客室", HostID: asst.ID})
	if err != nil {
		t.Fatal(err)
	}
	month := app.Clock.Now().Format("2006-01")
	if err := sqlstore.NewLobbyService(app.DB).AddLobbyHours(admin, &wubu.LobbyHours{ProjectID: app.ProjectA.ID, BuildingID: res.Building.ID, Month: month,
		Weekday: 2, Starts: "19:00", Ends: "21:00", AssistantID: asst.ID}); err != nil {
		t.Fatal(err)
	}
	wubutest.Step(t, ctx, "book",
		chromedp.Navigate(app.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "yuanzhuo"),
		chromedp.SendKeys(chromedp.ID("password"), wubutest.Password),
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.ID("who")),
		chromedp.Navigate(app.URL+"/round-tables/"+itoa(slots[0].ID)),
		chromedp.WaitVisible(chromedp.ID("round-table-book")),
		chromedp.SendKeys(chromedp.CSS(`#round-table-book input[name=resident]`), "司马光明"),
		chromedp.Click(chromedp.ID("round-table-book-submit")),
		chromedp.WaitVisible(chromedp.ID("round-table-resident")),
	)
	if got := wubutest.Get(t, ctx, "resident", chromedp.Text(chromedp.ID("round-table-resident"))); !strings.Contains(got, "司马光明") {
		t.Fatalf("booked: %q", got)
	}
	if got := wubutest.Get(t, ctx, "state", chromedp.Text(chromedp.ID("round-table-state"))); got != "已预约" {
		t.Fatalf("state: %q", got)
	}
	overflow := chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`)
	if wubutest.Get(t, ctx, "overflow", overflow) {
		t.Error("the talk's page scrolls sideways at 360 px")
	}
	wubutest.Screenshot(t, ctx, "round_table")
	wubutest.Step(t, ctx, "lobby",
		chromedp.Navigate(app.URL+"/lobby-hours?project="+itoa(app.ProjectA.ID)),
		chromedp.WaitVisible(chromedp.ID("lobby-hours")),
	)
	if got := wubutest.Get(t, ctx, "hours", chromedp.Text(chromedp.ID("lobby-hours"))); !strings.Contains(got, "周二") || !strings.Contains(got, "19:00–21:00") {
		t.Fatalf("lobby hours: %q", got)
	}
	if wubutest.Get(t, ctx, "overflow", overflow) {
		t.Error("the lobby's schedule scrolls sideways at 360 px")
	}
	wubutest.Screenshot(t, ctx, "lobby_hours")
	wubutest.Step(t, ctx, "notice",
		chromedp.Navigate(app.URL+"/buildings/"+itoa(res.Building.ID)+"/lobby-hours?month="+month),
		chromedp.WaitVisible(chromedp.ID("lobby-notice-hours")),
	)
	wubutest.Screenshot(t, ctx, "lobby_notice")
}
