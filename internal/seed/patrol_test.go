package seed_test

import (
	"context"
	"testing"

	"github.com/wubu-oss/wubu/internal/seed"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestSeedPatrols: the demo has a route with its flagged run, an
// inspection, hazards in two states, a parking problem, alarm reminders,
// a campaign and the knowledge base.
func TestSeedPatrols(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		if _, err := seed.Seed(context.Background(), db, seed.Options{Households: 200, Seed: 7}); err != nil {
			t.Fatal(err)
		}
		for query, want := range map[string]string{
			`SELECT COUNT(*) FROM patrol_routes`:                                   "2",
			`SELECT COUNT(*) FROM patrol_runs WHERE missed = 1`:                    "1",
			`SELECT COUNT(*) FROM hazards WHERE state = 'assigned'`:                "1",
			`SELECT COUNT(*) FROM hazards WHERE state = 'rectified'`:               "1",
			`SELECT COUNT(*) FROM parking_problems`:                                "1",
			`SELECT COUNT(*) FROM security_contacts WHERE kind = 'alarm_reminder'`: "2",
			`SELECT COUNT(*) FROM safety_campaigns`:                                "2",
			`SELECT COUNT(*) FROM kb_entries WHERE category <> 'renovation'`:       "4",
			`SELECT COUNT(*) FROM kb_entries WHERE category = 'renovation'`:        "1",
			`SELECT COUNT(*) FROM events WHERE topic = 'renovation'`:               "1",
		} {
			if got := rows(t, db, query)[0][0]; got != want {
				t.Errorf("%s: got %s, want %s", query, got, want)
			}
		}
	})
}
