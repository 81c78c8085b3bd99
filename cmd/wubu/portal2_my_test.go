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

// TestPortalCommunityPages: a resident signed in on the portal joins an
// interest group and posts on its board; invites a visitor (the code is
// on the page and in the SMS; a bad number is refused and kept); signs up
// for an event of one place and a neighbour then waits; books a
// round-table slot; and reads the notices of their building, not another
// building's, with the hotline.
func TestPortalCommunityPages(t *testing.T) {
	app := newTestApp(t, "sqlite")
	ctx := app.adminCtx()
	pid := app.ProjectA.ID
	org := sqlstore.NewOrgService(app.DB)
	res, err := org.GenerateRooms(ctx, wubu.RoomGeneration{ProjectID: pid, Building: "8", Units: 1, Floors: 1, PerFloor: 2})
	if err != nil {
		t.Fatal(err)
	}
	other, err := org.GenerateRooms(ctx, wubu.RoomGeneration{ProjectID: pid, Building: "9", Units: 1, Floors: 1, PerFloor: 1})
	if err != nil {
		t.Fatal(err)
	}
	rooms, _, _ := org.FindRooms(ctx, wubu.RoomFilter{ProjectID: pid, BuildingID: &res.Building.ID, Limit: 10})
	rs := sqlstore.NewResidentService(app.DB)
	wang := &wubu.Person{ProjectID: pid, Name: "王秀英", Phones: []string{"13712340001"}}
	li := &wubu.Person{ProjectID: pid, Name: "李建华", Phones: []string{"13712340002"}}
	for i, p := range []*wubu.Person{wang, li} {
		if err := rs.CreatePersonInRoom(ctx, p, &wubu.Household{RoomID: rooms[i].ID, Relation: wubu.RelationOwner}); err != nil {
			t.Fatal(err)
		}
	}
	group := &wubu.ForumBoard{ProjectID: pid, Kind: wubu.BoardGroup, Name: "摄影社"}
	if err := sqlstore.NewForumService(app.DB).CreateBoard(ctx, group); err != nil {
		t.Fatal(err)
	}
	es := sqlstore.NewEventService(app.DB)
	e := &wubu.Event{ProjectID: pid, Kind: wubu.EventLecture, Topic: "home_safety", Title: "家庭用电安全讲座", Place: "会所二楼", StartsAt: app.Main.DB.Clock.Now().Add(72 * time.Hour), Capacity: 1}
	if err := es.PlanEvent(ctx, e); err != nil {
		t.Fatal(err)
	}
	if _, err := es.OpenEvent(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	host := app.User(t, "zhuguan", wubu.RoleManager, wubu.PostNone, app.ProjectA)
	slots, err := sqlstore.NewRoundTableService(app.DB, nil).PublishRoundTables(ctx, wubu.RoundTableSeries{ProjectID: pid,
		Day: app.Main.DB.Clock.Now().AddDate(0, 0, 3).Format("2006-01-02"), Times: []string{"10:00"}, Minutes: 30, Place: "客服中心", HostID: host.ID})
	if err != nil {
		t.Fatal(err)
	}
	today := app.Main.DB.Clock.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	bs := sqlstore.NewBulletinService(app.DB)
	otherRooms, _, err := org.FindRooms(ctx, wubu.RoomFilter{ProjectID: pid, BuildingID: &other.Building.ID, Limit: 10})
	if err != nil || len(otherRooms) == 0 {
		t.Fatal(otherRooms, err)
	}
	for _, n := range []*wubu.Bulletin{
		{ProjectID: pid, Kind: "general", Title: "8栋停水通知", Body: "明天 9:00–12:00 停水", BuildingID: &res.Building.ID, BoardFrom: today, BoardUntil: today},
		{ProjectID: pid, Kind: "general", Title: "9栋电梯检修", Body: "电梯检修", BuildingID: &other.Building.ID, BoardFrom: today, BoardUntil: today},
		// Notices to several buildings and to units: shown by their audience.
		{ProjectID: pid, Kind: "general", Title: "8栋和9栋消防演练", Body: "演练", BuildingIDs: []int64{res.Building.ID, other.Building.ID}, BoardFrom: today, BoardUntil: today},
		{ProjectID: pid, Kind: "general", Title: "9栋1单元管道疏通", Body: "疏通", UnitIDs: []int64{otherRooms[0].UnitID}, BoardFrom: today, BoardUntil: today},
	} {
		if err := bs.PostBulletin(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	if err := sqlstore.NewHandbookService(app.DB).SaveCommunityInfo(ctx, &wubu.CommunityInfo{ProjectID: pid, Hotline: "400-800-1234"}); err != nil {
		t.Fatal(err)
	}

	w := app.residentLogin(t, "13712340001", wang.ID)
	if _, body := w.get("/my"); !strings.Contains(body, `href="/my/forum"`) || !strings.Contains(body, `href="/my/visitors"`) {
		t.Fatalf("the portal's home: %s", body)
	}
	// The group: join, then post.
	if resp, body := w.post("/my/forum/boards/"+itoa(group.ID)+"/join", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("join: %d %s", resp.StatusCode, body)
	}
	if _, body := w.get("/my/forum"); !strings.Contains(body, "退出社团") {
		t.Fatalf("the forum after joining: %s", body)
	}
	if resp, body := w.post("/my/forum/boards/"+itoa(group.ID)+"/topics", url.Values{"title": {"周六外拍"}, "body": {"奥森公园"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("post: %d %s", resp.StatusCode, body)
	}
	if _, body := w.get("/my/forum/boards/" + itoa(group.ID)); !strings.Contains(body, "周六外拍") || !strings.Contains(body, "王**") {
		t.Fatalf("the group's board: %s", body)
	}

	// A visitor.
	if resp, body := w.post("/my/visitors", url.Values{"visitor_name": {"张小明"}, "visitor_phone": {"12345"}, "date": {today}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="张小明"`) {
		t.Fatalf("a bad number: %d %s", resp.StatusCode, body)
	}
	if resp, body := w.post("/my/visitors", url.Values{"visitor_name": {"张小明"}, "visitor_phone": {"13800138000"}, "date": {today}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: %d %s", resp.StatusCode, body)
	}
	passes, err := sqlstore.NewVisitorPassService(app.DB).FindVisitorPassesOf(ctx, pid, wang.ID, today)
	if err != nil || len(passes) != 1 {
		t.Fatalf("passes: %v, %v", passes, err)
	}
	if _, body := w.get("/my/visitors"); !strings.Contains(body, passes[0].Code) {
		t.Fatalf("the visitor's code on the page: %s", body)
	}

	// The event: a place for Wang, the waiting list for Li.
	if resp, body := w.post("/my/events/"+itoa(e.ID)+"/signup", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign up: %d %s", resp.StatusCode, body)
	}
	l := app.residentLogin(t, "13712340002", li.ID)
	if _, body := l.get("/my/events"); !strings.Contains(body, "排队候补") {
		t.Fatalf("a full event: %s", body)
	}
	if resp, _ := l.post("/my/events/"+itoa(e.ID)+"/signup", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("li waits: %d", resp.StatusCode)
	}
	if _, body := l.get("/my/events"); !strings.Contains(body, "候补中") {
		t.Fatalf("li on the waiting list: %s", body)
	}

	// The round table.
	if resp, body := w.post("/my/round-tables/"+itoa(slots[0].ID)+"/book", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("book: %d %s", resp.StatusCode, body)
	}
	if _, body := w.get("/my/round-tables"); !strings.Contains(body, "已为您预约") {
		t.Fatalf("booked: %s", body)
	}
	if _, body := l.get("/my/round-tables"); strings.Contains(body, "slot-"+itoa(slots[0].ID)) {
		t.Fatalf("another resident sees the booked slot: %s", body)
	}

	// Notices of the resident's building only.
	if _, body := w.get("/my/notices"); !strings.Contains(body, "8栋停水通知") || strings.Contains(body, "9栋电梯检修") || !strings.Contains(body, "400-800-1234") ||
		!strings.Contains(body, "8栋和9栋消防演练") || strings.Contains(body, "9栋1单元管道疏通") {
		t.Fatalf("notices: %s", body)
	}
	// Reading them on the portal counts on the staff page: 1 of the
	// building's residents read the water notice.
	board, err := bs.FindBulletins(ctx, pid)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range board {
		if n.Title != "8栋停水通知" {
			continue
		}
		full, err := bs.FindBulletin(ctx, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if full.Reads != 1 {
			t.Fatalf("reads of the water notice = %d of %d, want 1", full.Reads, full.AudienceSize)
		}
	}

	// The two-way contact card of the renovation of Wang's home, with the
	// renovation manager's number (issue 18 item 3); nothing of Li's.
	mgr, reno := renovationManager(t, app, "zhuangxiu", 0)
	phone := "13900001111"
	if _, err := sqlstore.NewUserService(app.DB).UpdateUser(ctx, mgr.ID, wubu.UserUpdate{Phone: &phone}); err != nil {
		t.Fatal(err)
	}
	for i, p := range []*wubu.Person{wang, li} {
		if _, err := reno.ApplyRenovation(ctx, &wubu.NewRenovation{ProjectID: pid, RoomID: rooms[i].ID, PersonID: p.ID, Company: []string{"安居装饰", "美家装修"}[i],
			LeadName: "赵工长", LeadPhone: "13912345678", Scope: []string{"walls"}, PlannedFrom: today, PlannedTo: today,
			Workers: []wubu.RenovationWorker{{Name: "钱师傅", IDNumber: "11010519491231002X", PassNo: "ZX-9" + itoa(int64(i))}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, body := w.get("/my/renovations"); !strings.Contains(body, "安居装饰") || strings.Contains(body, "美家装修") || !strings.Contains(body, "13900001111") ||
		!strings.Contains(body, "13912345678") || strings.Contains(body, "钱师傅") || strings.Contains(body, "1101") {
		t.Fatalf("my renovations: %s", body)
	}
}
