package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/notify"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestBrowserPortalRepairAndPass (issue 15): on a 360 px phone, in
// Chinese, the owner signs in to the residents' portal with the code the
// local SMS sink received, reports a repair with a photo; the technician
// (a second browser) sees it and quotes; the owner confirms the quote on
// the phone; then the owner confirms the tenant's release pass with a tap
// and the guard's page (a third browser) shows it ready to release.
func TestBrowserPortalRepairAndPass(t *testing.T) {
	phone := wubutest.NewBrowserSize(t, 360, 800)
	wubutest.Step(t, phone, "phone size", chromedp.EmulateViewport(360, 800))
	app := newTestApp(t, sqlstore.SQLite)
	admin := app.adminCtx()
	org, rs := sqlstore.NewOrgService(app.DB), sqlstore.NewResidentService(app.DB)
	if _, err := org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "8", Units: 1, FirstFloor: 1, Floors: 2, PerFloor: 2}); err != nil {
		t.Fatal(err)
	}
	label := "8-1-101"
	rooms, _, _ := org.FindRooms(admin, wubu.RoomFilter{ProjectID: app.ProjectA.ID, Label: &label})
	owner := &wubu.Person{ProjectID: app.ProjectA.ID, Name: "王业主", Phones: []string{"13612340001"}}
	tenant := &wubu.Person{ProjectID: app.ProjectA.ID, Name: "赵租户", Phones: []string{"13612340002"}}
	for _, p := range []struct {
		p   *wubu.Person
		rel wubu.Relation
	}{{owner, wubu.RelationOwner}, {tenant, wubu.RelationTenant}} {
		if err := rs.CreatePersonInRoom(admin, p.p, &wubu.Household{RoomID: rooms[0].ID, Relation: p.rel}); err != nil {
			t.Fatal(err)
		}
	}
	tech := app.User(t, "weixiu", wubu.RoleStaff, wubu.PostMaintenance, app.ProjectA)
	desk := app.User(t, "qiantai", wubu.RoleStaff, wubu.PostService, app.ProjectA)
	guard := app.User(t, "baoan", wubu.RoleStaff, wubu.PostSecurity, app.ProjectA)

	// The local SMS provider: the outbox delivers into the sink.
	sink := &notify.DemoSink{}
	delivery := &notify.Dispatcher{Store: app.Main.Outbox, Senders: map[wubu.Channel]notify.Sender{wubu.ChannelSMS: sink, wubu.ChannelInbox: notify.Inbox}}
	codeRE := regexp.MustCompile(`\d{6}`)
	smsCode := func() string {
		t.Helper()
		if _, err := delivery.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, m := range sink.MessagesOfKind("portal_code") {
			if m.Address == owner.Phones[0] {
				return codeRE.FindString(m.Body)
			}
		}
		t.Fatal("no code in the SMS sink")
		return ""
	}

	// The owner signs in on the phone.
	wubutest.Step(t, phone, "ask for a code",
		chromedp.Navigate(app.URL+"/my"),
		chromedp.WaitVisible(chromedp.ID("phone")),
		chromedp.SendKeys(chromedp.ID("phone"), owner.Phones[0]),
		chromedp.Click(chromedp.ID("send-code")),
		chromedp.WaitVisible(chromedp.ID("code")),
	)
	wubutest.Screenshot(t, phone, "portal-code")
	wubutest.Step(t, phone, "sign in with the code",
		chromedp.SendKeys(chromedp.ID("code"), smsCode()),
		chromedp.Click(chromedp.ID("verify-code")),
		chromedp.WaitVisible(chromedp.ID("portal-hello")),
	)
	if got := wubutest.Get(t, phone, "greeting", chromedp.Evaluate[string](`document.getElementById("portal-hello").textContent`)); !strings.Contains(got, "王业主") || !strings.Contains(got, "您好") {
		t.Fatalf("greeting %q, want the owner greeted in Chinese", got)
	}
	noSideways := func(ctx context.Context, what string) {
		t.Helper()
		if w := wubutest.Get(t, ctx, what+" width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 360 {
			t.Errorf("%s scrolls sideways on a 360 px phone: %d px wide", what, w)
		}
	}
	noSideways(phone, "the portal's start page")
	wubutest.Screenshot(t, phone, "portal-home")

	// A repair with a photo.
	photo := filepath.Join(t.TempDir(), "leak.png")
	if err := os.WriteFile(photo, testPNG(t), 0o600); err != nil {
		t.Fatal(err)
	}
	wubutest.Step(t, phone, "report a repair with a photo",
		chromedp.Click(chromedp.ID("tile-repair")),
		chromedp.WaitVisible(chromedp.ID("repair-form")),
		chromedp.SendKeys(chromedp.ID("description"), "卫生间水龙头漏水"),
		chromedp.SetUploadFiles(chromedp.ID("photo"), []string{photo}),
		chromedp.Click(chromedp.ID("submit-repair")),
		chromedp.WaitVisible(chromedp.ID("repair-state")),
	)
	noSideways(phone, "the repair")
	orders, _, err := app.Main.Services().Orders.FindOrders(admin, wubu.OrderFilter{ProjectID: app.ProjectA.ID, PersonID: &owner.ID})
	if err != nil || len(orders) != 1 || orders[0].Source != wubu.SourceResident {
		t.Fatalf("the reported order: %+v %v", orders, err)
	}
	o := orders[0]
	if o, err = app.Main.Services().Orders.FindOrder(admin, o.ID); err != nil || len(o.PhotoIDs) != 1 {
		t.Fatalf("the order's photo: %+v %v", o, err)
	}
	// The desk dispatches it to the technician.
	if _, err := app.Main.Services().Orders.Dispatch(wubu.NewContextWithUser(context.Background(), desk), o.ID, wubu.DispatchRequest{AssigneeID: &tech.ID}); err != nil {
		t.Fatal(err)
	}

	// The technician, in a second browser, sees it and quotes.
	techB, cancel := chromedp.NewContext(phone, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(techB); err != nil {
		t.Fatal(err)
	}
	staffSignIn := func(ctx context.Context, login string) {
		t.Helper()
		wubutest.Step(t, ctx, "sign in as "+login,
			chromedp.EmulateViewport(360, 800),
			chromedp.Navigate(app.URL+"/login"),
			chromedp.WaitVisible(chromedp.ID("login")),
			chromedp.SendKeys(chromedp.ID("login"), login),
			chromedp.SendKeys(chromedp.ID("password"), wubutest.Password),
			chromedp.Click(chromedp.ID("submit")),
			chromedp.WaitVisible(chromedp.CSS("nav.main")),
		)
	}
	staffSignIn(techB, "weixiu")
	orderURL := fmt.Sprintf("%s/orders/%d", app.URL, o.ID)
	wubutest.Step(t, techB, "the technician sees the resident's repair",
		chromedp.Navigate(app.URL+"/my-orders"),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`a[href="/orders/%d"]`, o.ID))),
		chromedp.Navigate(orderURL),
		chromedp.WaitVisible(chromedp.ID("accept")),
		chromedp.Click(chromedp.ID("accept")),
		chromedp.WaitVisible(chromedp.ID("arrive")),
		chromedp.Click(chromedp.ID("arrive")),
		chromedp.WaitVisible(chromedp.ID("quote-submit")),
		chromedp.SendKeys(chromedp.CSS(`input[name="mname_1"]`), "水龙头阀芯"),
		chromedp.SendKeys(chromedp.CSS(`input[name="mprice_1"]`), "45"),
		chromedp.Click(chromedp.ID("quote-submit")),
		chromedp.WaitVisible(chromedp.ID("quote-total")),
	)

	// The owner confirms the quote on the phone.
	wubutest.Step(t, phone, "confirm the quote",
		chromedp.Navigate(fmt.Sprintf("%s/my/repairs/%d", app.URL, o.ID)),
		chromedp.WaitVisible(chromedp.ID("confirm-quote")),
	)
	if got := wubutest.Get(t, phone, "quote", chromedp.Evaluate[string](`document.getElementById("quote-total").textContent`)); got != "¥45.00" {
		t.Fatalf("the quote shows %q, want ¥45.00", got)
	}
	wubutest.Screenshot(t, phone, "portal-quote")
	wubutest.Step(t, phone, "tap confirm",
		chromedp.Click(chromedp.ID("confirm-quote")),
		// The page after the confirmation: no more confirm button.
		chromedp.WaitNotPresent(chromedp.ID("confirm-quote")),
		chromedp.WaitVisible(chromedp.ID("repair-state")),
	)
	if got := wubutest.Get(t, phone, "state", chromedp.Evaluate[string](`document.getElementById("repair-state").textContent`)); got != "已确认报价" {
		t.Errorf("after confirming, the state shows %q", got)
	}
	if o, err = app.Main.Services().Orders.FindOrder(admin, o.ID); err != nil || o.State != wubu.OrderConfirmed || o.ConfirmMethod != wubu.ConfirmMethodPortal {
		t.Fatalf("the order after the resident's confirmation: %+v %v", o, err)
	}

	// The tenant's pass waits for the owner's tap; the guard's page turns.
	pass, err := app.Main.Services().Passes.StartPass(wubu.NewContextWithUser(context.Background(), guard), &wubu.NewPass{ProjectID: app.ProjectA.ID, RoomID: rooms[0].ID,
		PersonID: &tenant.ID, Items: []string{"电脑桌 1 张"}, Gate: "东门"})
	if err != nil {
		t.Fatal(err)
	}
	guardB, cancelGuard := chromedp.NewContext(phone, chromedp.WithNewBrowserContext())
	t.Cleanup(cancelGuard)
	if err := chromedp.Do(guardB); err != nil {
		t.Fatal(err)
	}
	staffSignIn(guardB, "baoan")
	passLink := fmt.Sprintf(`#gate-passes a[href="/passes/%d"]`, pass.ID)
	wubutest.Step(t, guardB, "the guard's page", chromedp.Navigate(app.URL+"/guard"), chromedp.WaitVisible(chromedp.CSS(passLink)))
	wubutest.Step(t, phone, "the owner confirms the tenant's pass",
		chromedp.Navigate(app.URL+"/my/passes"),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`a[href="/my/passes/%d"]`, pass.ID))),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="/my/passes/%d"]`, pass.ID))),
		chromedp.WaitVisible(chromedp.ID("confirm-pass")),
		chromedp.Click(chromedp.ID("confirm-pass")),
		chromedp.WaitNotPresent(chromedp.ID("confirm-pass")),
	)
	noSideways(phone, "the pass")
	wubutest.Screenshot(t, phone, "portal-pass")
	// The guard's page refreshes itself (htmx, every 3 s): the pass moves
	// to "ready to release".
	ready := fmt.Sprintf(`#gate-passes a[href="/passes/%d"] .state-confirmed`, pass.ID)
	wubutest.Step(t, guardB, "the guard's page turns", chromedp.WaitVisible(chromedp.CSS(ready)))
	wubutest.Screenshot(t, guardB, "guard-pass-confirmed")
}

// testPNG draws a small photo.
func testPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for x := range 32 {
		for y := range 24 {
			img.Set(x, y, color.RGBA{uint8(x * 8), uint8(y * 10), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
