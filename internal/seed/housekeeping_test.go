package seed_test

import (
	"context"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/seed"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestSeedHousekeeping checks the demo's home services and inspection
// campaign: a catalogue, a roster, a promotion week, bookings and a
// campaign with visits recorded.
func TestSeedHousekeeping(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		ctx := context.Background()
		res, err := seed.Seed(ctx, db, seed.Options{Households: 200, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		sys := seed.SystemContext(ctx)
		p := res.Projects[0]
		hk, ins := sqlstore.NewHousekeepingService(db), sqlstore.NewInspectionService(db)
		services, err := hk.FindServices(sys, p.ID, false)
		if err != nil || len(services) != 6 {
			t.Fatalf("catalogue: %d %v", len(services), err)
		}
		st, _ := hk.Settings(sys, p.ID)
		promos, _ := hk.FindPromotions(sys, p.ID)
		bookings, total, _ := hk.FindBookings(sys, wubu.BookingFilter{ProjectID: p.ID})
		if len(st.Cleaners) == 0 || len(promos) != 1 || total == 0 || len(bookings) == 0 {
			t.Fatalf("roster %v, %d promotions, %d bookings", st.Cleaners, len(promos), total)
		}
		campaigns, err := ins.FindCampaigns(sys, p.ID)
		if err != nil || len(campaigns) != 1 || campaigns[0].Visits == 0 || campaigns[0].Done != 2 || campaigns[0].Recorded != 3 {
			t.Fatalf("campaigns %+v: %v", campaigns, err)
		}
	})
}
