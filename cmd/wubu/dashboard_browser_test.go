package main

import (
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// dashboardOrders opens two urgent orders of the order app, dispatched to
// its technician: the first arrives in 6 minutes (promise kept), the
// second never does (breached and open, 30 minutes on).
func dashboardOrders(t *testing.T, app *orderApp) (kept, open *wubu.Order) {
	t.Helper()
	desk := app.User(t, "frontdesk", wubu.RoleStaff, wubu.PostService, app.ProjectA)
	orders := app.Main.Services().Orders
	dctx, tctx := app.Ctx(desk), app.Ctx(app.tech)
	step := func(o *wubu.Order, e error) *wubu.Order {
		t.Helper()
		if e != nil {
			t.Fatal(e)
		}
		return o
	}
	kept = step(orders.CreateOrder(dctx, &wubu.NewOrder{ProjectID: app.ProjectA.ID, Urgency: wubu.OrderUrgent, PersonID: &app.person.ID, Description: "水管爆裂"}))
	open = step(orders.CreateOrder(dctx, &wubu.NewOrder{ProjectID: app.ProjectA.ID, Urgency: wubu.OrderUrgent, PersonID: &app.person.ID, Description: "停电"}))
	for _, o := range []*wubu.Order{kept, open} {
		step(orders.Dispatch(dctx, o.ID, wubu.DispatchRequest{AssigneeID: &app.tech.ID}))
	}
	step(orders.Accept(tctx, kept.ID))
	app.Clock.Add(6 * time.Minute)
	step(orders.Arrive(tctx, kept.ID))
	app.Clock.Add(24 * time.Minute)
	// The clock's stages fire (the job queue does it in the server): the
	// breach marks the second promise's day for the roll-ups.
	if _, err := app.Main.Clocks.RunDue(app.adminCtx()); err != nil {
		t.Fatal(err)
	}
	return kept, open
}

// TestBrowserDashboard: the manager opens the project dashboard; the
// promises table counts the breached-and-open order as due and not kept;
// the chart of times renders on a canvas with the buckets of the JSON it
// was drawn from; the drill-down from the open promise, from the orders'
// count and from a person's promises kept opens the lists behind them. On a phone, in Chinese.
func TestBrowserDashboard(t *testing.T) {
	ctx := wubutest.NewBrowser(t, true)
	app := newOrderApp(t, sqlstore.SQLite)
	_, open := dashboardOrders(t, app)
	app.User(t, "mgr", wubu.RoleManager, wubu.PostNone, app.ProjectA)
	pid := itoa(app.ProjectA.ID)
	wubutest.Step(t, ctx, "sign in as the manager",
		chromedp.Navigate(app.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "mgr"),
		chromedp.SendKeys(chromedp.ID("password"), wubutest.Password),
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.CSS("nav.main")),
	)
	wubutest.Step(t, ctx, "open the dashboard",
		chromedp.Navigate(app.URL+"/projects/"+pid+"/dashboard"),
		chromedp.WaitVisible(chromedp.ID("promises")),
		chromedp.WaitVisible(chromedp.CSS(`#chart-times[data-ready="1"] canvas`)),
		chromedp.WaitVisible(chromedp.CSS(`#chart-trend[data-ready="1"] canvas`)),
	)
	wubutest.Screenshot(t, ctx, "dashboard")
	row := wubutest.Get(t, ctx, "orders' promises", chromedp.Evaluate[string](`Array.from(document.querySelectorAll('#promises tr[data-object="order"] td')).map(td => td.textContent.trim()).join("|")`))
	if want := "工单|2|1|50.0%|1"; row != want {
		t.Errorf("promises of orders: got %q, want %q", row, want)
	}
	// The chart holds the figures of the JSON it was drawn from.
	src := wubutest.Get(t, ctx, "chart source", chromedp.Evaluate[string](`document.getElementById("chart-times").dataset.src`))
	var answer struct {
		Figures []wubu.Figure `json:"figures"`
	}
	if status := app.apiLogin(t, "mgr").do("GET", html.UnescapeString(src), nil, &answer); status != 200 {
		t.Fatalf("figures %s: got %d", src, status)
	}
	var response []int64
	for _, f := range answer.Figures {
		if f.Metric == "order.response" {
			response = f.Buckets
		}
	}
	if len(response) != len(wubu.DurationBuckets)+1 || response[0] != 1 {
		t.Fatalf("figures of response: got %v, want the one arrival in the first bucket", answer.Figures)
	}
	series := wubutest.Get(t, ctx, "chart series", chromedp.Evaluate[string](`JSON.stringify(window.wubuCharts["chart-times"].getOption().series.map(s => s.data))`))
	var data [][]int64
	if err := json.Unmarshal([]byte(series), &data); err != nil || len(data) == 0 || fmt.Sprint(data[0]) != fmt.Sprint(response) {
		t.Errorf("chart series: got %s, want first %v", series, response)
	}
	// Drill down: the open promise lists the order behind it.
	wubutest.Step(t, ctx, "drill down to the open promise",
		chromedp.Click(chromedp.CSS(`#promises tr[data-object="order"] a.late`)),
		chromedp.WaitVisible(chromedp.ID("promise-list")),
	)
	list := wubutest.Get(t, ctx, "promise list", chromedp.Text(chromedp.ID("promise-list")))
	if !strings.Contains(list, "#"+itoa(open.ID)) || !strings.Contains(list, "已超时仍未完成") || strings.Count(list, "工单 #") != 1 {
		t.Errorf("promise list: got %q, want order #%d breached and open", list, open.ID)
	}
	wubutest.Screenshot(t, ctx, "dashboard-promises")
	wubutest.Step(t, ctx, "drill down to the orders",
		chromedp.Navigate(app.URL+"/projects/"+pid+"/dashboard"),
		chromedp.WaitVisible(chromedp.ID("orders-link")),
		chromedp.Click(chromedp.ID("orders-link")),
		chromedp.WaitVisible(chromedp.ID("orders")),
		chromedp.WaitVisible(chromedp.ID("drill")),
	)
	if n := wubutest.Get(t, ctx, "orders listed", chromedp.Evaluate[int](`document.querySelectorAll("#orders tbody tr").length`)); n != 2 {
		t.Errorf("orders behind the figure: got %d rows, want 2", n)
	}
	// Drill down from the technician's promises kept (1 of 2): the list
	// of their 2 promises.
	wubutest.Step(t, ctx, "drill down to a person's promises",
		chromedp.Navigate(app.URL+"/projects/"+pid+"/dashboard"),
		chromedp.WaitVisible(chromedp.ID("people")),
		chromedp.Click(chromedp.CSS(`#people td.promises-kept a`)),
		chromedp.WaitVisible(chromedp.ID("promise-list")),
	)
	if n := wubutest.Get(t, ctx, "a person's promises", chromedp.Evaluate[int](`document.querySelectorAll("#promise-list tbody tr").length`)); n != 2 {
		t.Errorf("the technician's promises: got %d rows, want 2", n)
	}

	// On a phone: the dashboard fits 360 px, the tables stay readable.
	phone := wubutest.NewBrowserSize(t, 360, 800)
	wubutest.Step(t, phone, "sign in on a phone",
		chromedp.Navigate(app.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "mgr"),
		chromedp.SendKeys(chromedp.ID("password"), wubutest.Password),
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.CSS("nav.main")),
		chromedp.Navigate(app.URL+"/projects/"+pid+"/dashboard"),
		chromedp.WaitVisible(chromedp.CSS(`#chart-times[data-ready="1"] canvas`)),
	)
	if wide := wubutest.Get(t, phone, "overflow", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`)); wide {
		t.Errorf("the dashboard is wider than the phone")
	}
	wubutest.Screenshot(t, phone, "dashboard-phone")
}
