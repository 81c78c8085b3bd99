package seed_test

import (
	"context"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/seed"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestSeedOrders checks the demo's repairs: a price list with a free list,
// the night-duty roster, and orders in the states a demo shows, the first
// with its labour waived and its promise kept.
func TestSeedOrders(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		ctx := context.Background()
		res, err := seed.Seed(ctx, db, seed.Options{Households: 200, Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		if !db.Clock.Now().Equal(clock.Now()) {
			t.Fatal("the seed left the database on another clock")
		}
		sys := seed.SystemContext(ctx)
		p := res.Projects[0]
		orders := sqlstore.NewOrderService(db, nil, nil)
		prices, err := orders.PriceList(sys, p.ID, false)
		if err != nil || len(prices) != 12 {
			t.Fatalf("price list: %d %v", len(prices), err)
		}
		roster, err := orders.Roster(sys, p.ID)
		if err != nil || len(roster) != 2 {
			t.Fatalf("roster: %+v %v", roster, err)
		}
		list, total, err := orders.FindOrders(sys, wubu.OrderFilter{ProjectID: p.ID})
		if err != nil || total != 5 {
			t.Fatalf("orders: %d %v", total, err)
		}
		states := map[wubu.OrderState]int{}
		for _, o := range list {
			states[o.State]++
			if o.State == wubu.OrderClosed && (!o.LabourWaived || o.PromiseKept == nil || !*o.PromiseKept || o.Satisfaction != 5) {
				t.Errorf("the closed order: waived %v kept %v satisfaction %d", o.LabourWaived, o.PromiseKept, o.Satisfaction)
			}
		}
		if states[wubu.OrderClosed] != 1 || states[wubu.OrderDone] != 1 || states[wubu.OrderDispatched] != 2 || states[wubu.OrderReported] != 1 {
			t.Fatalf("got states %v", states)
		}
	})
}
