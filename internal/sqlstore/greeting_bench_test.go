package sqlstore_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// TestGreetingCampaignScale measures building and queuing a festival
// campaign to every owner of a database made by `wubu seed --households N`
// (1,000,000 households: 1,000,000 owners in 50 projects): one campaign per
// project, sent at once. It runs only when WUBU_BENCH_CAMPAIGN_DB names
// such a database, which it changes (copy it first):
//
//	cp /tmp/bench1m/wubu.db /tmp/campaign.db
//	WUBU_BENCH_CAMPAIGN_DB=/tmp/campaign.db go test ./internal/sqlstore -run TestGreetingCampaignScale -v -timeout 30m
func TestGreetingCampaignScale(t *testing.T) {
	dsn := os.Getenv("WUBU_BENCH_CAMPAIGN_DB")
	if dsn == "" {
		t.Skip("set WUBU_BENCH_CAMPAIGN_DB to a seeded database to measure a campaign to all its owners")
	}
	ctx := context.Background()
	db, err := sqlstore.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	admin := wubu.NewContextWithUser(ctx, &wubu.User{Login: "bench", Role: wubu.RoleAdmin, Post: wubu.PostNone})
	projects, err := sqlstore.NewProjectService(db).FindProjects(admin)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := strconv.Atoi(os.Getenv("WUBU_BENCH_CAMPAIGN_PROJECTS")); n > 0 && n < len(projects) {
		projects = projects[:n] // a part of the company, for profiles
	}
	gs := sqlstore.NewGreetingService(db, sqlstore.NewOutboxService(db))
	var cs []*wubu.GreetingCampaign
	count := 0
	start := time.Now()
	for _, p := range projects {
		c := &wubu.GreetingCampaign{ProjectID: p.ID, Festival: "spring_festival", Message: "新春快乐，阖家幸福。",
			Audience: wubu.GreetingAudience{Relations: []wubu.Relation{wubu.RelationOwner}}}
		pv, err := gs.PreviewGreeting(admin, c)
		if err != nil {
			t.Fatal(err)
		}
		count += pv.Count
		if err := gs.CreateGreeting(admin, c); err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	previewed := time.Since(start)
	start = time.Now()
	queued := 0
	for _, c := range cs {
		got, err := gs.SendGreetingNow(admin, c.ProjectID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		queued += got.Queued
	}
	took := time.Since(start)
	t.Logf("%s: %d projects, previewed and counted %d owners in %v; built and queued %d messages in %v (%.0f messages/s)",
		db.Dialect, len(cs), count, previewed.Round(time.Millisecond), queued, took.Round(time.Millisecond), float64(queued)/took.Seconds())
	if queued != count {
		t.Errorf("queued %d, counted %d", queued, count)
	}
}

// TestRulesScale measures one run of the rules engine over every project of
// a seeded database (the first run sends the card reminders due; the second
// finds everything sent) and the agenda of an admin (every project) and of
// a customer-service assistant. It runs only when WUBU_BENCH_RULES_DB names
// such a database, which it changes (copy it first).
func TestRulesScale(t *testing.T) {
	dsn := os.Getenv("WUBU_BENCH_RULES_DB")
	if dsn == "" {
		t.Skip("set WUBU_BENCH_RULES_DB to a seeded database to measure the rules on it")
	}
	ctx := context.Background()
	db, err := sqlstore.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	outbox := sqlstore.NewOutboxService(db)
	rules := sqlstore.NewRulesEngine(db, outbox)
	for i := range 2 {
		start := time.Now()
		res, err := rules.RunRules(ctx, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: rules run %d over every project: %v, %+v", db.Dialect, i+1, time.Since(start).Round(time.Millisecond), res)
	}
	admin := &wubu.User{Login: "bench", Role: wubu.RoleAdmin, Post: wubu.PostNone}
	actx := wubu.NewContextWithUser(ctx, admin)
	projects, _ := sqlstore.NewProjectService(db).FindProjects(actx)
	assistant := &wubu.NewUser{User: wubu.User{Login: "bench_assistant_" + strconv.FormatInt(time.Now().UnixNano(), 36), Name: "助理", Role: wubu.RoleStaff, Post: wubu.PostService,
		ProjectIDs: []int64{projects[0].ID}}, Password: "Wubu2026!bench"}
	if err := sqlstore.NewUserService(db).CreateUserUnchecked(ctx, assistant); err != nil {
		t.Fatal(err)
	}
	agenda := sqlstore.NewAgendaService(db, nil, sqlstore.NewInboxAgenda(outbox))
	for _, u := range []*wubu.User{admin, &assistant.User} {
		start := time.Now()
		items, err := agenda.Agenda(wubu.NewContextWithUser(ctx, u))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("agenda of %s (%s): %d items in %v", u.Login, u.Role, len(items), time.Since(start).Round(time.Millisecond))
	}
}
