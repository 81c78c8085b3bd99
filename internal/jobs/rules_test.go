package jobs

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestRulesJob checks that the scheduler runs the rules engine as a
// periodic job: a card expiring in 15 days gets its reminder queued in the
// outbox once the scheduler is up.
func TestRulesJob(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		ctx := f.Ctx(f.Admin)
		org := sqlstore.NewOrgService(db)
		if _, err := org.GenerateRooms(ctx, wubu.RoomGeneration{ProjectID: f.ProjectA.ID, Building: "1", Units: 1, Floors: 1, PerFloor: 1}); err != nil {
			t.Fatal(err)
		}
		rooms, _, _ := org.FindRooms(ctx, wubu.RoomFilter{ProjectID: f.ProjectA.ID, Limit: 1})
		rs := sqlstore.NewResidentService(db)
		p := &wubu.Person{ProjectID: f.ProjectA.ID, Name: "钱先生", Phones: []string{"13500135000"}}
		if err := rs.CreatePersonInRoom(ctx, p, &wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
			t.Fatal(err)
		}
		// Today is 2026-11-27: 15 days before the expiry.
		if err := rs.AddCard(ctx, &wubu.Card{ProjectID: f.ProjectA.ID, PersonID: p.ID, Kind: wubu.CardParking, Number: "P9", ExpiresOn: "2026-12-12"}); err != nil {
			t.Fatal(err)
		}
		outbox := sqlstore.NewOutboxService(db)
		cfg := testConfig()
		cfg.Rules = sqlstore.NewRulesEngine(db, outbox)
		startSchedulerConfig(t, db, cfg)
		waitFor(t, "the card reminder", func() (bool, string) {
			ms, n, err := outbox.FindMessages(ctx, f.ProjectA.ID, wubu.MessageFilter{Kind: "card_expiry"})
			if err != nil {
				return false, err.Error()
			}
			if n != 1 || len(ms) != 1 || ms[0].PersonID == nil || *ms[0].PersonID != p.ID {
				return false, fmt.Sprintf("%d messages", n)
			}
			// The reminder is recorded as sent in a transaction after the
			// message's: wait for that too (with synchronous=FULL the gap
			// between the two commits is long enough to see).
			var marked int
			db.SQL().QueryRow(`SELECT COUNT(*) FROM rule_reminders WHERE rule = 'card_expiry'`).Scan(&marked)
			return marked == 1, fmt.Sprintf("%d reminders recorded", marked)
		})
		// Running the rules again sends nothing more.
		if res, err := cfg.Rules.RunDue(context.Background(), clock.Now().Add(time.Hour)); err != nil || res.CardReminders != 0 {
			t.Fatalf("again: %+v %v", res, err)
		}
	})
}
