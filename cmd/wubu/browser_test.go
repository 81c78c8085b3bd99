package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestBrowserRoomGenerator is the foundation's screen test in headless
// Chromium: a manager signs in on a phone-sized screen (landing on
// Today), generates a
// building's rooms on the admin screen, sees them listed, and switches the
// interface to English.
func TestBrowserRoomGenerator(t *testing.T) {
	ctx := wubutest.NewBrowser(t, false)
	app := newTestApp(t, sqlstore.SQLite)
	pid := strconv.FormatInt(app.ProjectA.ID, 10)

	wubutest.Step(t, ctx, "sign in",
		chromedp.Navigate(app.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "admin"),
		chromedp.SendKeys(chromedp.ID("password"), wubutest.Password),
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.CSS("nav.main")),
	)
	// Signing in lands on Today (F9), in Chinese.
	if got := wubutest.Get(t, ctx, "start page", chromedp.Text(chromedp.CSS("main h1"))); !strings.Contains(got, "今日") {
		t.Fatalf("got start page heading %q, want 今日 (Today)", got)
	}
	wubutest.Screenshot(t, ctx, "start")

	wubutest.Step(t, ctx, "open the generator",
		chromedp.Navigate(app.URL+"/projects/"+pid),
		chromedp.Click(chromedp.ID("generate-rooms")),
		chromedp.WaitVisible(chromedp.ID("generate-form")),
		chromedp.SendKeys(chromedp.ID("building"), "3"),
		chromedp.SetValue(chromedp.ID("units"), "2"),
		chromedp.SetValue(chromedp.ID("floors"), "33"),
		chromedp.SetValue(chromedp.ID("per_floor"), "4"),
		chromedp.Click(chromedp.ID("generate")),
		chromedp.WaitVisible(chromedp.CSS(".rooms")),
	)
	if got := wubutest.Get(t, ctx, "notice", chromedp.Text(chromedp.CSS(".alert.ok"))); !strings.Contains(got, "已生成 264 个房号：3-1-101 至 3-2-3304") {
		t.Fatalf("got notice %q", got)
	}
	rooms := wubutest.Get(t, ctx, "rooms", chromedp.Text(chromedp.CSS("main")))
	for _, want := range []string{"3-1-101", "3-2-1201", "3-2-3304", "1单元", "2单元"} {
		if !strings.Contains(rooms, want) {
			t.Errorf("building page lacks %s", want)
		}
	}
	wubutest.Screenshot(t, ctx, "building-zh")

	// Back on the project page the building is listed with its counts.
	wubutest.Step(t, ctx, "project page", chromedp.Navigate(app.URL+"/projects/"+pid), chromedp.WaitVisible(chromedp.ID("buildings")))
	if got := wubutest.Get(t, ctx, "buildings", chromedp.Text(chromedp.ID("buildings"))); !strings.Contains(got, "3栋") || !strings.Contains(got, "264") {
		t.Fatalf("got buildings table %q, want building 3 with 264 rooms", got)
	}

	// Switch to English.
	wubutest.Step(t, ctx, "switch to English",
		chromedp.Click(chromedp.ID("lang-switch")),
		// Wait for the new page, not the old one still showing.
		chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] #buildings`)),
	)
	if got := wubutest.Get(t, ctx, "buildings in English", chromedp.Text(chromedp.ID("buildings"))); !strings.Contains(got, "Building 3") {
		t.Fatalf("got %q, want the buildings table in English", got)
	}
	// On a phone the audit log is behind "More": read the whole menu.
	if got := wubutest.Get(t, ctx, "nav", chromedp.Evaluate[string](`document.querySelector("nav.main").textContent`)); !strings.Contains(got, "Projects") || !strings.Contains(got, "Audit log") || !strings.Contains(got, "More") {
		t.Fatalf("got navigation %q, want English", got)
	}
	wubutest.Screenshot(t, ctx, "project-en")
}

// TestBrowserGuardLookup is the lookup's screen test: a guard on a phone
// types the last four characters of a plate, opens the right customer card
// and sees the ID number masked, with no way to reveal it; a customer
// service assistant reveals it with a deliberate click, which is audited.
func TestBrowserGuardLookup(t *testing.T) {
	ctx := wubutest.NewBrowser(t, false)
	app := newTestApp(t, sqlstore.SQLite)
	admin := app.adminCtx()
	org, rs := sqlstore.NewOrgService(app.DB), sqlstore.NewResidentService(app.DB)
	room := func(p *wubu.Project, building, label string) int64 {
		org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: p.ID, Building: building, Units: 2, Floors: 12, PerFloor: 2})
		rooms, _, _ := org.FindRooms(admin, wubu.RoomFilter{ProjectID: p.ID, Label: &label})
		return rooms[0].ID
	}
	resident := func(p *wubu.Project, roomID int64, name, plate, idNumber string) *wubu.Person {
		person := &wubu.Person{ProjectID: p.ID, Name: name, Phones: []string{"13812345678"}, IDNumber: idNumber}
		if err := rs.CreatePersonInRoom(admin, person, &wubu.Household{RoomID: roomID, Relation: wubu.RelationOwner}); err != nil {
			t.Fatal(err)
		}
		if err := rs.AddVehicle(admin, &wubu.Vehicle{PersonID: person.ID, Plate: plate}); err != nil {
			t.Fatal(err)
		}
		return person
	}
	zhang := resident(app.ProjectA, room(app.ProjectA, "3", "3-2-1201"), "张三", "粤B12345", "11010519491231002X")
	resident(app.ProjectA, room(app.ProjectA, "5", "5-1-101"), "李四", "粤B92346", "")
	resident(app.ProjectB, room(app.ProjectB, "1", "1-1-101"), "王五", "粤B72345", "")
	app.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, app.ProjectA)
	app.User(t, "assistant", wubu.RoleStaff, wubu.PostService, app.ProjectA)

	signIn := func(login string) {
		wubutest.Step(t, ctx, "sign in as "+login,
			chromedp.Navigate(app.URL+"/login"),
			chromedp.WaitVisible(chromedp.ID("login")),
			chromedp.SendKeys(chromedp.ID("login"), login),
			chromedp.SendKeys(chromedp.ID("password"), wubutest.Password),
			chromedp.Click(chromedp.ID("submit")),
			chromedp.WaitVisible(chromedp.CSS("nav.main")),
		)
	}
	signIn("guard")
	wubutest.Step(t, ctx, "type the end of the plate",
		chromedp.Navigate(app.URL+"/lookup"),
		chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), "2345"),
		// htmx searches as the guard types; no Enter needed.
		chromedp.WaitVisible(chromedp.CSS("#results a.hit")),
	)
	results := wubutest.Get(t, ctx, "results", chromedp.Text(chromedp.ID("results")))
	if !strings.Contains(results, "张三") || !strings.Contains(results, "3-2-1201") || !strings.Contains(results, "粤B12345") {
		t.Fatalf("got results %q, want 张三 in 3-2-1201 with 粤B12345", results)
	}
	if strings.Contains(results, "王五") || strings.Contains(results, "李四") {
		t.Fatalf("got results %q: another project's resident or another plate", results)
	}
	wubutest.Screenshot(t, ctx, "lookup")
	wubutest.Step(t, ctx, "open the card",
		chromedp.Click(chromedp.CSS("#results a.hit")),
		chromedp.WaitVisible(chromedp.ID("resident-name")),
	)
	if got := wubutest.Get(t, ctx, "name", chromedp.Text(chromedp.ID("resident-name"))); !strings.Contains(got, "张三") {
		t.Fatalf("got card of %q", got)
	}
	// Least privilege by post (issue 12): a guard's card shows name, room,
	// plates and photo; no ID number, phone or birthday, not even masked,
	// and no profile form.
	if n := wubutest.Get(t, ctx, "ID, phones, birthday", chromedp.Evaluate[int](`document.querySelectorAll("#id-number, #phones, #birthday, #reveal-id, #reveal-phones, #edit-profile, #opt-out-form").length`)); n != 0 {
		t.Fatalf("a guard's card shows %d of ID number, phones, birthday, reveal buttons, profile or opt-out forms, want none", n)
	}
	if got := wubutest.Get(t, ctx, "plates", chromedp.Text(chromedp.ID("plates"))); !strings.Contains(got, "粤B12345") {
		t.Fatalf("got plates %q on the guard's card", got)
	}
	wubutest.Screenshot(t, ctx, "card-guard")

	// The assistant may reveal the ID number: one deliberate click, audited.
	wubutest.Step(t, ctx, "sign out", chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login")))
	signIn("assistant")
	wubutest.Step(t, ctx, "reveal the ID number",
		chromedp.Navigate(app.URL+"/residents/"+strconv.FormatInt(zhang.ID, 10)),
		chromedp.WaitVisible(chromedp.ID("reveal-id")),
		chromedp.Click(chromedp.ID("reveal-id")),
		chromedp.WaitNotPresent(chromedp.ID("reveal-id")),
	)
	if got := wubutest.Get(t, ctx, "full ID", chromedp.Text(chromedp.ID("id-number-value"))); got != "11010519491231002X" {
		t.Fatalf("got %q after the click, want the full ID number", got)
	}
	// Beside the masked ID number the birthday showed no year.
	if got := wubutest.Get(t, ctx, "birthday", chromedp.Text(chromedp.ID("birthday"))); got != "12-31" {
		t.Fatalf("got birthday %q, want 12-31", got)
	}
	entries, _, err := sqlstore.NewAuditService(app.DB).FindAuditEntries(admin, wubu.AuditFilter{Action: wubu.ActionRead, Login: "assistant"})
	if err != nil || len(entries) != 1 || entries[0].Field != "id_number" || entries[0].ObjectID != strconv.FormatInt(zhang.ID, 10) {
		t.Fatalf("got audit %+v %v, want the read recorded", entries, err)
	}
}
