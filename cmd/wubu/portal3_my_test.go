package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// TestPortalHomeServicesPages (issue 15, C5 resident side): a resident
// sees the catalogue with the promotion's price, the free slots of a day
// for their home, books one with a note and finds it among their
// bookings with the cleaner's name (no staff phone); a neighbour is told
// the slot is full and keeps what they typed, gets 404 for the booking,
// and books the slot once its resident cancels it.
func TestPortalHomeServicesPages(t *testing.T) {
	app := newTestApp(t, "sqlite")
	ctx := app.adminCtx()
	pid := app.ProjectA.ID
	wang := &wubu.Person{Name: "王秀英", Phones: []string{"13712340001"}}
	li := &wubu.Person{Name: "李建华", Phones: []string{"13712340002"}}
	_, rooms := buildingOf(t, app, "8", wang, li)
	hk := sqlstore.NewHousekeepingService(app.DB)
	svc := &wubu.HomeService{ProjectID: pid, Category: wubu.ServiceCleaning, Name: "深度保洁", Unit: "次", PriceFen: 30000, DurationMin: 120, Active: true}
	if err := hk.SaveService(ctx, svc); err != nil {
		t.Fatal(err)
	}
	if err := hk.CreatePromotion(ctx, &wubu.Promotion{ProjectID: pid, Name: "冬季优惠周", StartsOn: "2026-11-27", EndsOn: "2026-12-03",
		Prices: []wubu.PromotionPrice{{ServiceID: svc.ID, PriceFen: 25000}}}); err != nil {
		t.Fatal(err)
	}
	cleaner := app.User(t, "baojie", wubu.RoleStaff, wubu.PostCleaning, app.ProjectA)
	st := wubu.DefaultHousekeepingSettings(pid)
	st.Cleaners = []int64{cleaner.ID}
	if err := hk.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}

	w := app.residentLogin(t, "13712340001", wang.ID)
	if _, body := w.get("/my"); !strings.Contains(body, `href="/my/services"`) {
		t.Fatal("no home services on the start page")
	}
	if _, body := w.get("/my/services"); !strings.Contains(body, "深度保洁") || !strings.Contains(body, "¥250.00") || !strings.Contains(body, "¥300.00") {
		t.Fatalf("catalogue: %.2000s", body)
	}
	q := "/my/services?service_id=" + itoa(svc.ID) + "&room_id=" + itoa(rooms[0].ID) + "&date=2026-11-28"
	if _, body := w.get(q); !strings.Contains(body, "10:00–12:00") || !strings.Contains(body, `value="2026-11-28 10:00"`) {
		t.Fatalf("free slots: %.3000s", body)
	}
	// Today's slots that have begun are not offered.
	if _, body := w.get("/my/services?service_id=" + itoa(svc.ID) + "&date=2026-11-27"); strings.Contains(body, `value="2026-11-27 08:00"`) || !strings.Contains(body, `value="2026-11-27 10:00"`) {
		t.Fatalf("today's slots: %.3000s", body)
	}
	book := url.Values{"service_id": {itoa(svc.ID)}, "room_id": {itoa(rooms[0].ID)}, "date": {"2026-11-28"}, "slot": {"2026-11-28 10:00"}, "note": {"请带吸尘器"}}
	if resp, body := w.post("/my/services/book", book); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/my/services/bookings" {
		t.Fatalf("book: %d %.500s", resp.StatusCode, body)
	}
	var bookingID int64
	if err := app.DB.SQL().QueryRow(`SELECT MAX(id) FROM hk_bookings`).Scan(&bookingID); err != nil {
		t.Fatal(err)
	}
	if _, body := w.get("/my/services/bookings"); !strings.Contains(body, "深度保洁") || !strings.Contains(body, cleaner.Name) || !strings.Contains(body, "¥250.00") ||
		!strings.Contains(body, "cancel-booking-"+itoa(bookingID)) || cleaner.Phone != "" && strings.Contains(body, cleaner.Phone) {
		t.Fatalf("bookings: %.3000s", body)
	}
	// The neighbour: the slot is full (shown, and the note kept), the
	// booking is not theirs.
	n := app.residentLogin(t, "13712340002", li.ID)
	other := url.Values{"service_id": {itoa(svc.ID)}, "room_id": {itoa(rooms[1].ID)}, "date": {"2026-11-28"}, "slot": {"2026-11-28 10:00"}, "note": {"下午不在家"}}
	if resp, body := n.post("/my/services/book", other); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "已约满") || !strings.Contains(body, "下午不在家") {
		t.Fatalf("full slot: %d %.3000s", resp.StatusCode, body)
	}
	// A booking without its day (not from the page's form): the message is
	// still shown, above the form.
	noDay := url.Values{"service_id": {itoa(svc.ID)}, "room_id": {itoa(rooms[1].ID)}, "slot": {"明天上午"}}
	if resp, body := n.post("/my/services/book", noDay); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="slot-error"`) {
		t.Fatalf("a slot without its day: %d %.3000s", resp.StatusCode, body)
	}
	if _, body := n.get("/my/services?service_id=" + itoa(svc.ID) + "&date=2026-11-28"); strings.Contains(body, `value="2026-11-28 10:00"`) {
		t.Fatal("a full slot is offered")
	}
	if _, body := n.get("/my/services/bookings"); strings.Contains(body, "深度保洁") {
		t.Fatal("the neighbour sees the booking")
	}
	if resp, _ := n.post("/my/services/bookings/"+itoa(bookingID)+"/cancel", nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("the neighbour cancels: %d", resp.StatusCode)
	}
	// Another room of the project is not the neighbour's to book for.
	other.Set("room_id", itoa(rooms[0].ID))
	other.Set("slot", "2026-11-28 12:00")
	if resp, _ := n.post("/my/services/book", other); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("booking for another room: %d", resp.StatusCode)
	}
	// Moving it to another slot: not for the neighbour; the resident picks a free one.
	if resp, _ := n.get("/my/services?move=" + itoa(bookingID)); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("the neighbour moves it: %d", resp.StatusCode)
	}
	if _, body := w.get("/my/services?move=" + itoa(bookingID) + "&date=2026-11-29"); !strings.Contains(body, `action="/my/services/bookings/`+itoa(bookingID)+`/reschedule"`) ||
		!strings.Contains(body, `value="2026-11-29 08:00"`) {
		t.Fatalf("moving: %.3000s", body)
	}
	if resp, body := w.post("/my/services/bookings/"+itoa(bookingID)+"/reschedule", url.Values{"date": {"2026-11-29"}, "slot": {"2026-11-29 08:00"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("move: %d %.1000s", resp.StatusCode, body)
	}
	if resp, body := w.post("/my/services/bookings/"+itoa(bookingID)+"/reschedule", url.Values{"date": {"2026-11-28"}, "slot": {"2026-11-28 10:00"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("move back: %d %.1000s", resp.StatusCode, body)
	}
	if resp, body := w.post("/my/services/bookings/"+itoa(bookingID)+"/cancel", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d %.500s", resp.StatusCode, body)
	}
	other.Set("room_id", itoa(rooms[1].ID))
	other.Set("slot", "2026-11-28 10:00")
	if resp, body := n.post("/my/services/book", other); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the freed slot: %d %.1000s", resp.StatusCode, body)
	}
}

// TestPortalSurveyPages (issue 15): the resident finds their building's
// survey on the portal, a refused answer keeps what they typed, the
// answer is recorded once, and another building's survey is not found.
func TestPortalSurveyPages(t *testing.T) {
	app := newTestApp(t, "sqlite")
	ctx := app.adminCtx()
	pid := app.ProjectA.ID
	wang := &wubu.Person{Name: "王秀英", Phones: []string{"13712340001"}}
	eight, _ := buildingOf(t, app, "8", wang)
	nine, _ := buildingOf(t, app, "9")
	surveys := sqlstore.NewSurveyService(app.DB)
	save := func(title string, building int64) *wubu.SurveyForm {
		f := &wubu.SurveyForm{ProjectID: pid, Purpose: wubu.SurveyCommunity, Title: title, OpensOn: "2026-11-27", ClosesOn: "2026-12-04", BuildingIDs: []int64{building},
			Questions: []*wubu.SurveyQuestion{{Kind: wubu.QuestionSingle, Text: "最想听的讲座", Choices: []string{"居家安全", "理财"}, Required: true},
				{Kind: wubu.QuestionText, Text: "建议"}}}
		if err := surveys.SaveSurveyForm(ctx, f); err != nil {
			t.Fatal(err)
		}
		return f
	}
	mine, theirs := save("8栋讲座需求调查", eight), save("9栋电梯调查", nine)
	w := app.residentLogin(t, "13712340001", wang.ID)
	if _, body := w.get("/my"); !strings.Contains(body, `href="/my/surveys"`) {
		t.Fatal("no surveys on the start page")
	}
	if _, body := w.get("/my/surveys"); !strings.Contains(body, "8栋讲座需求调查") || strings.Contains(body, "9栋电梯调查") {
		t.Fatalf("surveys: %.2000s", body)
	}
	if resp, _ := w.get("/my/surveys/" + itoa(theirs.ID)); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another building's survey: %d", resp.StatusCode)
	}
	path := "/my/surveys/" + itoa(mine.ID)
	text := "q" + itoa(mine.Questions[1].ID)
	if resp, body := w.post(path, url.Values{text: {"希望周末举办"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "希望周末举办") {
		t.Fatalf("refused answer: %d %.2000s", resp.StatusCode, body)
	}
	answer := url.Values{"q" + itoa(mine.Questions[0].ID): {"理财"}, text: {"希望周末举办"}}
	if resp, body := w.post(path, answer); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("answer: %d %.2000s", resp.StatusCode, body)
	}
	if _, body := w.get(path); !strings.Contains(body, `id="survey-answered"`) {
		t.Fatalf("answered: %.2000s", body)
	}
	if resp, _ := w.post(path, answer); resp.StatusCode != http.StatusConflict {
		t.Fatalf("answered twice: %d", resp.StatusCode)
	}
}

// TestPortalHandbookPage (issue 15, H3): the resident reads the project's
// handbook on the portal — the hotline and hours, their own building's
// zone assistant with the published number — and no other staff number.
func TestPortalHandbookPage(t *testing.T) {
	app := newTestApp(t, "sqlite")
	ctx := app.adminCtx()
	pid := app.ProjectA.ID
	users := sqlstore.NewUserService(app.DB)
	wang := &wubu.Person{Name: "王秀英", Phones: []string{"13712340001"}}
	for i, b := range []string{"8", "9"} {
		var building int64
		if i == 0 {
			building, _ = buildingOf(t, app, b, wang)
		} else {
			building, _ = buildingOf(t, app, b)
		}
		asst := app.User(t, "zhuli"+b, wubu.RoleStaff, wubu.PostService, app.ProjectA)
		if _, err := app.DB.SQL().Exec(`UPDATE users SET phone = ? WHERE id = ?`, "1380000000"+itoa(int64(8+i)), asst.ID); err != nil {
			t.Fatal(err)
		}
		if err := users.Assign(ctx, &wubu.Assignment{ProjectID: pid, BuildingID: building, UserID: asst.ID, Kind: wubu.AssignZoneAssistant}); err != nil {
			t.Fatal(err)
		}
	}
	mgr := app.User(t, "jingli", wubu.RoleManager, wubu.PostNone, app.ProjectA)
	if _, err := app.DB.SQL().Exec(`UPDATE users SET phone = '13800000001' WHERE id = ?`, mgr.ID); err != nil {
		t.Fatal(err)
	}
	if err := sqlstore.NewHandbookService(app.DB).SaveCommunityInfo(ctx, &wubu.CommunityInfo{ProjectID: pid, Hotline: "400-800-1234", Hours: "每天 8:00–20:00", Safety: "出门关好燃气"}); err != nil {
		t.Fatal(err)
	}
	w := app.residentLogin(t, "13712340001", wang.ID)
	if _, body := w.get("/my"); !strings.Contains(body, `href="/my/handbook"`) {
		t.Fatal("no handbook on the start page")
	}
	_, body := w.get("/my/handbook")
	for _, want := range []string{"400-800-1234", "每天 8:00–20:00", "出门关好燃气", "13800000008"} {
		if !strings.Contains(body, want) {
			t.Errorf("the handbook lacks %q", want)
		}
	}
	for _, never := range []string{"13800000009", "13800000001"} {
		if strings.Contains(body, never) {
			t.Errorf("the handbook shows %s", never)
		}
	}
}

// buildingOf makes building name in project A with a room per owner given
// (one floor), the owners living there; it returns the building's ID and
// its rooms.
func buildingOf(t *testing.T, app *testApp, name string, owners ...*wubu.Person) (int64, []*wubu.Room) {
	t.Helper()
	ctx := app.adminCtx()
	org := sqlstore.NewOrgService(app.DB)
	res, err := org.GenerateRooms(ctx, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: name, Units: 1, Floors: 1, PerFloor: max(1, len(owners))})
	if err != nil {
		t.Fatal(err)
	}
	rooms, _, err := org.FindRooms(ctx, wubu.RoomFilter{ProjectID: app.ProjectA.ID, BuildingID: &res.Building.ID, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range owners {
		p.ProjectID = app.ProjectA.ID
		if err := sqlstore.NewResidentService(app.DB).CreatePersonInRoom(ctx, p, &wubu.Household{RoomID: rooms[i].ID, Relation: wubu.RelationOwner}); err != nil {
			t.Fatal(err)
		}
	}
	return res.Building.ID, rooms
}
