package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestBrowserUrgentOrder is the repairs' screen test: the front desk finds
// the resident in the lookup and opens an urgent order from the customer
// card and dispatches it; the technician, in a second browser on a phone,
// taps "accept" and "arrived" on their list; the order shows the promise
// kept on both screens.
func TestBrowserUrgentOrder(t *testing.T) {
	deskCtx := wubutest.NewBrowser(t, true)
	techCtx := wubutest.NewBrowser(t, false)
	app := newOrderApp(t, sqlstore.SQLite)
	signIn := func(ctx context.Context, login string) {
		wubutest.Step(t, ctx, "sign in as "+login,
			chromedp.Navigate(app.URL+"/login"),
			chromedp.WaitVisible(chromedp.ID("login")),
			chromedp.SendKeys(chromedp.ID("login"), login),
			chromedp.SendKeys(chromedp.ID("password"), wubutest.Password),
			chromedp.Click(chromedp.ID("submit")),
			chromedp.WaitVisible(chromedp.CSS("nav.main")),
		)
	}

	// The front desk: lookup, customer card, open an urgent order, dispatch.
	signIn(deskCtx, "desk")
	wubutest.Step(t, deskCtx, "find the resident",
		chromedp.Navigate(app.URL+"/lookup"),
		chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), "3-2-1201"),
		chromedp.WaitVisible(chromedp.CSS("#results a.hit")),
		chromedp.Click(chromedp.CSS("#results a.hit")),
		// The card loads the repair history with its "open an order" button.
		chromedp.WaitVisible(chromedp.CSS("section#repair-history #open-order")),
		chromedp.Click(chromedp.CSS("section#repair-history #open-order")),
		chromedp.WaitVisible(chromedp.ID("order-form")),
	)
	wubutest.Step(t, deskCtx, "open an urgent order",
		chromedp.Click(chromedp.ID("urgency-urgent")),
		chromedp.SetValue(chromedp.ID("item"), strconv.FormatInt(app.faucet.ID, 10)),
		chromedp.SendKeys(chromedp.ID("description"), "厨房水龙头漏水"),
		chromedp.Click(chromedp.CSS("button#open-order")),
		chromedp.WaitVisible(chromedp.ID("dispatch")),
	)
	wubutest.Screenshot(t, deskCtx, "order-opened")
	wubutest.Step(t, deskCtx, "dispatch to the technician",
		chromedp.SetValue(chromedp.ID("assignee_id"), strconv.FormatInt(app.tech.ID, 10)),
		chromedp.Click(chromedp.ID("dispatch-submit")),
		chromedp.WaitVisible(chromedp.ID("clock")),
	)
	orderURL := wubutest.Get(t, deskCtx, "order URL", chromedp.Location())
	if got := wubutest.Get(t, deskCtx, "clock", chromedp.Text(chromedp.ID("clock"))); !strings.Contains(got, "剩余") {
		t.Fatalf("got clock %q, want the time left", got)
	}

	// The technician, on a phone: one tap to accept, one to arrive.
	signIn(techCtx, "tech")
	app.Clock.Add(4 * time.Minute)
	wubutest.Step(t, techCtx, "accept",
		chromedp.Navigate(app.URL+"/my-orders"),
		chromedp.WaitVisible(chromedp.CSS("#my-orders button.accept")),
		chromedp.Click(chromedp.CSS("#my-orders button.accept")),
		chromedp.WaitVisible(chromedp.CSS("#my-orders button.arrive")),
	)
	wubutest.Screenshot(t, techCtx, "my-orders-accepted")
	wubutest.Step(t, techCtx, "arrive",
		chromedp.Click(chromedp.CSS("#my-orders button.arrive")),
		chromedp.WaitVisible(chromedp.CSS("#my-orders .promise")),
	)
	if got := wubutest.Get(t, techCtx, "promise", chromedp.Text(chromedp.CSS("#my-orders .promise"))); got != "按时到场" {
		t.Fatalf("got %q on the technician's card, want the promise kept", got)
	}
	if n := wubutest.Get(t, techCtx, "quote button", chromedp.Evaluate[int](`document.querySelectorAll("#my-orders a.quote").length`)); n != 1 {
		t.Fatalf("got %d quote buttons after arriving, want 1", n)
	}
	wubutest.Screenshot(t, techCtx, "my-orders-arrived")

	// The front desk sees the promise kept.
	wubutest.Step(t, deskCtx, "reload the order", chromedp.Navigate(orderURL), chromedp.WaitVisible(chromedp.ID("promise")))
	if got := wubutest.Get(t, deskCtx, "promise", chromedp.Text(chromedp.ID("promise"))); !strings.Contains(got, "按时到场") {
		t.Fatalf("got %q on the order, want the promise kept", got)
	}
}
