package main

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/notify"
	"github.com/wubu-oss/wubu/internal/seed"
)

// readmeTourRow is a row of the README's "Try this first" table: a
// lookup query and the names it finds.
var readmeTourRow = regexp.MustCompile("(?m)^\\s*\\| `([^`]+)`[^|]*\\| ([^|]+)\\|\\s*$")

// TestReadmeTour seeds the demo company as `wubu demo` does and types each
// query of the README's "Try this first" table into the lookup as the
// front desk: each finds the first names its row promises.
func TestReadmeTour(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, tour, ok := strings.Cut(string(readme), "### Try this first")
	if !ok {
		t.Fatal("README has no \"Try this first\" section")
	}
	rows := readmeTourRow.FindAllStringSubmatch(tour, -1)
	if len(rows) < 5 {
		t.Fatalf("README's tour has %d lookup examples, want a room, a plate ending, a name and pinyin", len(rows))
	}
	a := newDemoAppWith(t, seed.DefaultHouseholds, Config{})
	b := a.demoLogin(t, "assistant")
	for _, row := range rows {
		q := row[1]
		_, body := b.get("/lookup?q=" + url.QueryEscape(q))
		body = html.UnescapeString(body)
		// The names the row promises, before "and more".
		names := strings.FieldsFunc(strings.Split(row[2], "and more")[0], func(r rune) bool { return strings.ContainsRune(",，() ", r) })
		for _, name := range names {
			if !isHanName(name) {
				continue
			}
			if !strings.Contains(body, `class="hit-name">`+name+`<`) {
				t.Errorf("README: lookup %q should find %s; it does not", q, name)
			}
		}
	}
	// Step 1 of the tour: the desk's Today has the lookup box, its tasks
	// first and the demo's many birthdays in one line with their count.
	_, today := b.get("/today")
	if !strings.Contains(today, `id="today-lookup"`) {
		t.Error("the desk's Today has no lookup box")
	}
	low := strings.Index(today, `id="agenda-low"`)
	if low < 0 || !strings.Contains(today[low:], "特殊日子与即将到期的卡片（") {
		t.Fatal("Today does not gather the special days into one line")
	}
	if first := strings.Index(today, `data-kind="special_day"`); first < low {
		t.Error("a special day comes before the tasks on Today")
	}
	// Step 3: 侯萍's card lists who else lives in the room.
	_, hits := b.get("/lookup?q=DK71")
	if m := regexp.MustCompile(`href="/residents/(\d+)"`).FindStringSubmatch(hits); m == nil {
		t.Error("DK71: no card to open")
	} else if _, card := b.get("/residents/" + m[1]); !strings.Contains(card, `id="housemates"`) || !strings.Contains(card, "万强") {
		t.Error("侯萍's card does not list 万强, who lives in her room")
	}
	if !strings.Contains(tour, seed.TourRoom) {
		t.Errorf("the tour does not name the room the seed keeps occupied, %s", seed.TourRoom)
	}
}

// isHanName reports whether s is a Chinese name (two to four Han
// characters), not a word of the README's prose such as 业主.
func isHanName(s string) bool {
	n := 0
	for _, r := range s {
		if r < 0x4e00 || r > 0x9fff {
			return false
		}
		n++
	}
	return n >= 2 && n <= 4 && s != "业主" && s != "owner"
}

// TestDemoSink runs the demo's delivery: an SMS to a resident and an
// e-mail are delivered to the demo sink, the outbox shows them sent, and
// the project's sink page lists what they said; another project's sink
// page does not.
func TestDemoSink(t *testing.T) {
	sink := &notify.DemoSink{}
	a := newDemoAppWith(t, 20, Config{Notify: NotifyConfig{DemoSink: sink, Workers: 2}})
	ctx := seed.SystemContext(context.Background())
	ps, err := a.Main.Services().Projects.FindProjects(ctx)
	if err != nil || len(ps) < 2 {
		t.Fatalf("projects: %v %v", ps, err)
	}
	var ljy, hthy *wubu.Project
	for _, p := range ps {
		switch p.Code {
		case "LJY":
			ljy = p
		case "HTHY":
			hthy = p
		}
	}
	for _, n := range []wubu.Notification{
		{ProjectID: ljy.ID, Kind: "test_message", Channel: wubu.ChannelSMS, To: wubu.Recipient{Address: "13800138000"}, Urgent: true, DedupKey: "sink-sms", Vars: map[string]string{"n": "1"}},
		{ProjectID: ljy.ID, Kind: "test_message", Channel: wubu.ChannelEmail, To: wubu.Recipient{Address: "owner@example.com"}, Urgent: true, DedupKey: "sink-mail", Vars: map[string]string{"n": "2"}},
	} {
		if err := a.Main.Outbox.Notify(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	a.Main.StartDelivery(context.Background())
	t.Cleanup(a.Main.stopDelivery)
	deadline := time.Now().Add(30 * time.Second)
	for len(sink.Messages(ljy.ID, "")) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the sink got %d messages, want 2", len(sink.Messages(ljy.ID, "")))
		}
		time.Sleep(20 * time.Millisecond)
	}
	sent := wubu.MessageSent
	for deadline := time.Now().Add(30 * time.Second); ; {
		ms, _, err := a.Main.Outbox.FindMessages(ctx, ljy.ID, wubu.MessageFilter{Status: sent, Kind: "test_message"})
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox: %d messages sent, want 2", len(ms))
		}
		time.Sleep(20 * time.Millisecond)
	}
	b := a.demoLogin(t, "manager")
	resp, body := b.get("/projects/" + itoa(ljy.ID) + "/outbox/demo")
	if resp.StatusCode != 200 {
		t.Fatalf("sink page: status %d\n%s", resp.StatusCode, body)
	}
	for _, want := range []string{"演示短信与邮件", "13800138000", "owner@example.com", "这是一条测试消息（1）"} {
		if !strings.Contains(body, want) {
			t.Errorf("sink page: no %q", want)
		}
	}
	_, body = b.get("/projects/" + itoa(ljy.ID) + "/outbox")
	if !strings.Contains(body, `id="demo-sink"`) {
		t.Error("the outbox does not link to the demo sink")
	}
	if got := sink.Messages(hthy.ID, ""); len(got) != 0 {
		t.Errorf("海棠花园's sink: got %d messages, want none", len(got))
	}
	_, body = b.get("/projects/" + itoa(hthy.ID) + "/outbox/demo")
	if strings.Contains(body, "13800138000") {
		t.Error("another project's sink page shows 丽景苑's SMS")
	}
}

// TestLookupSaysVacant: a room that exists but has nobody is called vacant,
// not "nobody found"; a query that finds nobody is quoted once.
func TestLookupSaysVacant(t *testing.T) {
	app := newTestApp(t, "sqlite")
	admin := app.adminCtx()
	if _, err := app.Main.Services().Org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "7", Units: 1, Floors: 1, PerFloor: 2}); err != nil {
		t.Fatal(err)
	}
	app.User(t, "zhuli", wubu.RoleStaff, wubu.PostService, app.ProjectA)
	b := app.webLogin(t, "zhuli")
	if _, body := b.get("/lookup?q=" + url.QueryEscape("7栋1单元102")); !strings.Contains(body, "房号 7-1-102 现在空置") {
		t.Errorf("a vacant room: no word that it is vacant")
	}
	_, body := b.get("/lookup?q=zzzq")
	if !strings.Contains(body, "没有找到“zzzq”") || strings.Contains(body, "&#34;zzzq") {
		t.Errorf("nobody found: got %s", crawlText(body))
	}
}

// TestGreetingForm: the form offers no 清明, asks about households and
// children, and the preview shows the SMS cost.
func TestGreetingForm(t *testing.T) {
	app := newTestApp(t, "sqlite")
	app.User(t, "jingli", wubu.RoleManager, wubu.PostNone, app.ProjectA)
	b := app.webLogin(t, "jingli")
	pid := itoa(app.ProjectA.ID)
	_, body := b.get("/projects/" + pid + "/greetings")
	if strings.Contains(body, "清明") || !strings.Contains(body, `id="per_household"`) || !strings.Contains(body, `id="include_children"`) {
		t.Errorf("greeting form: 清明 offered, or no household and children choices")
	}
	_, body = b.post("/projects/"+pid+"/greetings", url.Values{"festival": {"christmas/2026"}, "message": {"平安喜乐"}, "per_household": {"1"}})
	if !strings.Contains(body, `id="preview-cost"`) || !strings.Contains(body, "按每条短信 ¥0.045 估算") || !strings.Contains(body, `id="per_household" checked`) {
		t.Errorf("preview: no cost estimate, or the household choice lost: %s", crawlText(body))
	}
}

// TestProjectFlagsSecurityLeader: a security leader who is not a team
// leader, assigned before the rule, is flagged on the project page.
func TestProjectFlagsSecurityLeader(t *testing.T) {
	app := newTestApp(t, "sqlite")
	b := &wubu.Building{ProjectID: app.ProjectA.ID, Name: "5"}
	if err := app.Main.Services().Org.CreateBuilding(app.adminCtx(), b); err != nil {
		t.Fatal(err)
	}
	guard := app.User(t, "baoan", wubu.RoleStaff, wubu.PostSecurity, app.ProjectA)
	if _, err := app.DB.SQL().ExecContext(context.Background(), `INSERT INTO building_assignments (project_id, building_id, user_id, kind, created_at) VALUES (?, ?, ?, ?, ?)`,
		app.ProjectA.ID, b.ID, guard.ID, "security_leader", app.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	app.User(t, "jingli", wubu.RoleManager, wubu.PostNone, app.ProjectA)
	_, body := app.webLogin(t, "jingli").get("/projects/" + itoa(app.ProjectA.ID))
	if !strings.Contains(body, `class="alert error assignment-problem"`) || !strings.Contains(body, "不是班长") {
		t.Errorf("the project page does not flag the guard as security leader")
	}
}

// TestCardAndCallOwner: the customer card lists the household and the
// room's other residents; the pass confirmation shows each owner's phone
// masked with a call button, and calling reveals the number as a call link,
// audited as a read of the phone.
func TestCardAndCallOwner(t *testing.T) {
	a := newDemoApp(t)
	b := a.demoLogin(t, "assistant")
	_, body := b.get("/passes/2")
	m := regexp.MustCompile(`id="call-owner-(\d+)"`).FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, `id="owner-phones"`) || !strings.Contains(body, "****") {
		t.Fatalf("the pass confirmation shows no owner's masked phone with a call button: %s", crawlText(body))
	}
	owner := m[1]
	before := auditCount(t, a.Main.DB)
	resp, body := b.post("/residents/"+owner+"/call", url.Values{"next": {"/passes/2"}})
	if resp.StatusCode != 200 || !strings.Contains(body, `href="tel:1`) || !strings.Contains(body, `href="/passes/2" id="call-back"`) {
		t.Fatalf("call: status %d: %s", resp.StatusCode, crawlText(body))
	}
	if auditCount(t, a.Main.DB) != before+1 {
		t.Errorf("the call was not audited as a reveal")
	}
	// A guard may not reveal: no call button, and the call is refused.
	g := a.demoLogin(t, "guard")
	if resp, _ := g.post("/residents/"+owner+"/call", url.Values{"next": {"/"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a guard's call: status %d, want 403", resp.StatusCode)
	}
	// The owner's card lists who else lives in the room.
	_, card := b.get("/residents/" + owner)
	if !strings.Contains(card, `id="housemates"`) || !strings.Contains(card, "同住 ") {
		t.Errorf("the card lists nobody else in the room: %s", crawlText(card))
	}
}
