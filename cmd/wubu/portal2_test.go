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

// TestForumAndPreMoveInPages: the manager creates the general board and
// publishes a group-buy offer; a buyer on the prospect list signs in at
// /pre with the invitation code of their card (a wrong one is refused and
// kept), sees the offer, the move-in steps and the board, and asks a
// question; customer service answers it on the staff's page, and the
// buyer reads the answer under the staff member's name and post; the
// buyer reports it, the manager sees the report and locks the topic, and
// the buyer's page says so; the session is the buyer's only, not the
// staff's pages.
func TestForumAndPreMoveInPages(t *testing.T) {
	app := newTestApp(t, "sqlite")
	ctx := app.adminCtx()
	pid := itoa(app.ProjectA.ID)
	if _, err := sqlstore.NewOrgService(app.DB).GenerateRooms(ctx, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "8", Units: 1, Floors: 1, PerFloor: 2}); err != nil {
		t.Fatal(err)
	}
	mgrUser := app.User(t, "jingli", wubu.RoleManager, wubu.PostNone, app.ProjectA)
	kefu := app.User(t, "kefu", wubu.RoleStaff, wubu.PostService, app.ProjectA)
	m, k := app.webLogin(t, "jingli"), app.webLogin(t, "kefu")
	mctx := wubu.NewContextWithUser(ctx, mgrUser)
	if err := sqlstore.NewProspectService(app.DB).AddProspect(mctx, &wubu.Prospect{ProjectID: app.ProjectA.ID, Name: "赵明远", Address: "北京市海淀区中关村大街27号", Unit: "8-1-101"}); err != nil {
		t.Fatal(err)
	}
	prospects, err := sqlstore.NewProspectService(app.DB).FindProspects(mctx, app.ProjectA.ID)
	if err != nil || len(prospects) != 1 {
		t.Fatalf("prospects: %v, %v", prospects, err)
	}

	// The centre: a board and a group-buy offer; a refused offer keeps what was typed.
	if resp, body := m.post("/forum/boards", url.Values{"project": {pid}, "kind": {"forum"}, "name": {"业主论坛"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create a board: %d %s", resp.StatusCode, body)
	}
	if resp, body := m.post("/projects/"+pid+"/premovein", url.Values{"kind": {"group_buy"}, "title": {"实木地板团购"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="实木地板团购"`) || !strings.Contains(body, "团购信息须写明供应商") {
		t.Fatalf("an offer without its supplier: %d %s", resp.StatusCode, body)
	}
	if resp, body := m.post("/projects/"+pid+"/premovein", url.Values{"kind": {"group_buy"}, "title": {"实木地板团购"}, "supplier": {"森林地板"}, "price": {"198元/㎡"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish an offer: %d %s", resp.StatusCode, body)
	}

	// The buyer signs in with the card's code.
	buyer := app.newBrowser(t)
	if resp, body := buyer.get("/pre"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "邀请码") {
		t.Fatalf("the sign-in: %d %s", resp.StatusCode, body)
	}
	if resp, body := buyer.post("/pre/login", url.Values{"code": {"WRONG123"}}); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `value="WRONG123"`) || !strings.Contains(body, "邀请码不正确") {
		t.Fatalf("a wrong code: %d %s", resp.StatusCode, body)
	}
	if resp, body := buyer.post("/pre/login", url.Values{"code": {strings.ToLower(prospects[0].Code)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the right code: %d %s", resp.StatusCode, body)
	}
	_, home := buyer.get("/pre")
	for _, want := range []string{"赵**", "实木地板团购", "森林地板", "入伙流程", wubu.DefaultMoveInChecklist[0], "业主论坛"} {
		if !strings.Contains(home, want) {
			t.Fatalf("the buyer's page lacks %q: %s", want, home)
		}
	}
	if resp, _ := buyer.get("/forum"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the buyer on the staff's forum page: %d, want the staff sign-in", resp.StatusCode)
	}
	boards, err := sqlstore.NewForumService(app.DB).FindBoards(ctx, app.ProjectA.ID, nil)
	if err != nil || len(boards) != 1 {
		t.Fatalf("boards: %v, %v", boards, err)
	}
	board := "/pre/forum/boards/" + itoa(boards[0].ID)
	if resp, body := buyer.post(board+"/topics", url.Values{"title": {""}, "body": {"交房时间？"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "交房时间？") {
		t.Fatalf("a topic without a title: %d %s", resp.StatusCode, body)
	}
	resp, body := buyer.post(board+"/topics", url.Values{"title": {"交房时间"}, "body": {"请问几月交房？"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("ask: %d %s", resp.StatusCode, body)
	}
	topicPath := resp.Header.Get("Location")
	topicID := strings.TrimPrefix(topicPath, "/pre/forum/topics/")

	// Customer service answers under their name.
	if _, body = k.get("/forum/boards/" + itoa(boards[0].ID)); !strings.Contains(body, "交房时间") || !strings.Contains(body, "准业主") {
		t.Fatalf("the staff's board: %s", body)
	}
	if resp, body = k.post("/forum/topics/"+topicID+"/answer", url.Values{"body": {"预计明年三月交房。"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("answer: %d %s", resp.StatusCode, body)
	}
	if _, body = buyer.get(topicPath); !strings.Contains(body, "预计明年三月交房。") || !strings.Contains(body, kefu.Name+"</strong> · 客户服务") {
		t.Fatalf("the answer under the staff member's name and post: %s", body)
	}

	// Reported, seen by the manager with its count, locked.
	if resp, _ = buyer.post("/pre/forum/posts/"+topicID+"/report", url.Values{"topic": {topicID}, "reason": {"重复"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("report: %d", resp.StatusCode)
	}
	if _, body = m.get("/forum?project=" + pid); !strings.Contains(body, `id="forum-reports"`) || !strings.Contains(body, "重复") {
		t.Fatalf("the reports: %s", body)
	}
	if _, body = k.get("/forum?project=" + pid); strings.Contains(body, `id="forum-reports"`) {
		t.Fatalf("customer service sees the moderators' reports")
	}
	if resp, body = m.post("/forum/topics/"+topicID+"/moderate", url.Values{"action": {"lock"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("lock: %d %s", resp.StatusCode, body)
	}
	if resp, body = m.post("/forum/topics/"+topicID+"/moderate", url.Values{"action": {"lock"}}); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "已锁定") {
		t.Fatalf("lock twice: %d %s", resp.StatusCode, body)
	}
	if _, body = buyer.get(topicPath); !strings.Contains(body, "话题已锁定") || strings.Contains(body, `id="member-reply-form"`) {
		t.Fatalf("the locked topic: %s", body)
	}
	if resp, body = buyer.post(topicPath+"/replies", url.Values{"body": {"还有吗"}}); resp.StatusCode != http.StatusConflict {
		t.Fatalf("a reply to a locked topic: %d %s", resp.StatusCode, body)
	}
	if resp, _ = buyer.post("/pre/logout", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", resp.StatusCode)
	}
	if resp, _ = buyer.get(topicPath); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after signing out: %d, want the sign-in", resp.StatusCode)
	}
}

// TestVisitorCheckPage: a resident's visitor for today is let in from the
// lookup page with the code and the room; a wrong room says which room the
// code was given for, keeping what was typed; the day's list shows the
// entry.
func TestVisitorCheckPage(t *testing.T) {
	app := newTestApp(t, "sqlite")
	ctx := app.adminCtx()
	pid := itoa(app.ProjectA.ID)
	res, err := sqlstore.NewOrgService(app.DB).GenerateRooms(ctx, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "8", Units: 1, Floors: 1, PerFloor: 2})
	if err != nil {
		t.Fatal(err)
	}
	rooms, _, _ := sqlstore.NewOrgService(app.DB).FindRooms(ctx, wubu.RoomFilter{ProjectID: app.ProjectA.ID, BuildingID: &res.Building.ID, Limit: 10})
	p := &wubu.Person{ProjectID: app.ProjectA.ID, Name: "王秀英"}
	if err := sqlstore.NewResidentService(app.DB).CreatePersonInRoom(ctx, p, &wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
		t.Fatal(err)
	}
	v := &wubu.VisitorPass{RoomID: rooms[0].ID, VisitorName: "张小明", VisitorPhone: "13800138000", Date: app.Main.DB.Clock.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")}
	if err := sqlstore.NewVisitorPassService(app.DB).InviteVisitorAs(ctx, app.ProjectA.ID, p.ID, v); err != nil {
		t.Fatal(err)
	}
	app.User(t, "menwei", wubu.RoleStaff, wubu.PostSecurity, app.ProjectA)
	g := app.webLogin(t, "menwei")
	if _, body := g.get("/lookup"); !strings.Contains(body, `id="visitor-check"`) {
		t.Fatalf("the lookup page has no visitor check: %s", body)
	}
	resp, body := g.post("/visitors/check", url.Values{"project": {pid}, "code": {v.Code}, "room": {rooms[1].Label}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "不予放行") || !strings.Contains(body, rooms[0].Label) || !strings.Contains(body, `value="`+rooms[1].Label+`"`) {
		t.Fatalf("the wrong room: %d %s", resp.StatusCode, body)
	}
	if resp, body = g.post("/visitors/check", url.Values{"project": {pid}, "code": {v.Code}, "room": {rooms[0].Label}}); !strings.Contains(body, "放行：张小明") {
		t.Fatalf("allowed: %d %s", resp.StatusCode, body)
	}
	if resp, body = g.post("/visitors/check", url.Values{"project": {pid}, "code": {"12"}, "room": {rooms[0].Label}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "6位通行码") {
		t.Fatalf("a short code: %d %s", resp.StatusCode, body)
	}
	if _, body = g.get("/visitors?project=" + pid); !strings.Contains(body, "张小明") || !strings.Contains(body, "1 次") || strings.Contains(body, "13800138000") {
		t.Fatalf("the day's visitors: %s", body)
	}
}
