package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/jobs"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// cmdCrashLoad is the hidden command of the crash test
// (crash_test.go): on a migrated database it creates a project and a
// technician, arms clocks due over the next seconds whose warnings go to
// the technician's inbox, and queues messages to e-mail addresses and
// mobile numbers to be sent over the same seconds. Stage jobs are queued in
// River's tables as a server would, so `wubu serve` started next fires them.
func cmdCrashLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlags("crashload", "crashload [--db DSN] [--clocks N] [--messages N] [--lead D] [--spread D]", &cfg, stderr)
	clocks := fs.Int("clocks", 1000, "clocks to arm")
	messages := fs.Int("messages", 1000, "messages to queue, half e-mail, half SMS")
	lead := fs.Duration("lead", 4*time.Second, "time before the first clock and message are due")
	spread := fs.Duration("spread", 8*time.Second, "span over which they fall due")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m := &Main{Config: cfg}
	if err := m.Open(ctx); err != nil {
		return err
	}
	defer m.Close()
	sys := systemContext(ctx)
	project := &wubu.Project{Code: "CRASH", Name: "崩溃测试"}
	if err := sqlstore.NewProjectService(m.DB).CreateProject(sys, project); err != nil {
		return err
	}
	tech := &wubu.NewUser{User: wubu.User{Login: "crashtech", Name: "维修员", Role: wubu.RoleStaff, Post: wubu.PostMaintenance, ProjectIDs: []int64{project.ID}},
		Password: "Wubu2026!crash"}
	if err := sqlstore.NewUserService(m.DB).CreateUserUnchecked(sys, tech); err != nil {
		return err
	}
	// The scheduler, not started, is the clocks' queue: stage jobs go into
	// River's tables with the deadlines.
	sched, err := jobs.New(ctx, m.DB, m.Clocks, jobs.Config{Logger: m.Logger})
	if err != nil {
		return err
	}
	defer sched.Close(context.Background())
	start := time.Now()
	at := func(i, n int) time.Time {
		return start.Add(*lead + time.Duration(int64(*spread)*int64(i)/int64(max(n, 1))))
	}
	reqs := make([]wubu.ArmRequest, *clocks)
	for i := range reqs {
		reqs[i] = wubu.ArmRequest{DeadlineKey: wubu.DeadlineKey{ProjectID: project.ID, ObjectType: "crash", ObjectID: strconv.Itoa(i + 1), Kind: "arrival"},
			Due: at(i, *clocks).Add(time.Second), WarnBefore: time.Second, WarnNotify: []string{"user:" + strconv.FormatInt(tech.ID, 10)}}
	}
	for len(reqs) > 0 {
		batch := reqs[:min(len(reqs), 500)]
		reqs = reqs[len(batch):]
		if _, err := m.Clocks.ArmMany(sys, batch); err != nil {
			return err
		}
	}
	ns := make([]wubu.Notification, *messages)
	for i := range ns {
		n := wubu.Notification{ProjectID: project.ID, Kind: "test_message", Urgent: true, DedupKey: "crash:" + strconv.Itoa(i+1),
			Vars: map[string]string{"n": strconv.Itoa(i + 1)}, NotBefore: at(i, *messages)}
		if i%2 == 0 {
			n.To.Address = fmt.Sprintf("r%d@example.com", i+1)
		} else {
			n.To.Address = fmt.Sprintf("139%08d", i+1)
		}
		ns[i] = n
	}
	if err := m.Outbox.Notify(sys, ns...); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Armed %d clocks and queued %d messages in project %d.\n", *clocks, *messages, project.ID)
	return nil
}
