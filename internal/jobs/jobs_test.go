package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// waitTimeout bounds every wait for River: stages fire within
// FetchPollInterval of the controlled clock reaching them, but a loaded
// machine may take far longer. It is a bound for failing, never a
// condition of passing.
const waitTimeout = 60 * time.Second

// testLogger shows River's warnings and errors on stderr.
func testLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// failures counts the stage jobs that failed (and River retries: under a
// controlled clock standing still, not before the test moves it).
type failures struct {
	slog.Handler
	n *atomic.Int64
}

func (h failures) Handle(ctx context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, "clock stage not fired") {
		h.n.Add(1)
	}
	return h.Handler.Handle(ctx, r)
}

func (h failures) WithAttrs(attrs []slog.Attr) slog.Handler {
	return failures{h.Handler.WithAttrs(attrs), h.n}
}

func (h failures) WithGroup(name string) slog.Handler {
	return failures{h.Handler.WithGroup(name), h.n}
}

func newClocks(t testing.TB, db *sqlstore.DB) *sqlstore.ClockService {
	t.Helper()
	cal, err := calendar.New()
	if err != nil {
		t.Fatal(err)
	}
	return sqlstore.NewClockService(db, calendar.Schedule{Calendar: cal})
}

// testConfig polls and promotes due jobs every few milliseconds of real
// time, so that a stage fires promptly once the controlled clock reaches it.
func testConfig() Config {
	return Config{Logger: testLogger(), FetchPollInterval: 20 * time.Millisecond, FetchCooldown: 5 * time.Millisecond, PromoteInterval: 10 * time.Millisecond}
}

// startScheduler starts a scheduler on db with testConfig, closed when the
// test ends.
func startScheduler(t testing.TB, db *sqlstore.DB) *Scheduler {
	t.Helper()
	return startSchedulerConfig(t, db, testConfig())
}

// startSchedulerConfig starts a scheduler with cfg, closed when the test
// ends; the test fails if a stage job failed meanwhile.
func startSchedulerConfig(t testing.TB, db *sqlstore.DB, cfg Config) *Scheduler {
	t.Helper()
	ctx := context.Background()
	failed := new(atomic.Int64)
	cfg.Logger = slog.New(failures{cfg.Logger.Handler(), failed})
	s, err := New(ctx, db, newClocks(t, db), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		closeScheduler(t, s)
		if n := failed.Load(); n > 0 {
			t.Errorf("%d stage jobs failed (see the log)", n)
		}
	})
	return s
}

func closeScheduler(t testing.TB, s *Scheduler) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Close(ctx); err != nil {
		t.Errorf("close scheduler: %v", err)
	}
}

// waitFor polls cond until it holds, failing the test after waitTimeout.
func waitFor(t testing.TB, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s; now %s", waitTimeout, what, state)
		}
		<-tick.C
	}
}

// rebind writes ? placeholders as PostgreSQL wants them.
func rebind(db *sqlstore.DB, q string) string {
	if db.Dialect != sqlstore.Postgres {
		return q
	}
	for i := 1; strings.Contains(q, "?"); i++ {
		q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
	}
	return q
}

func count(t testing.TB, db *sqlstore.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(rebind(db, q), args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// firedStages returns "stage@generation" of a deadline's events in order.
func firedStages(t testing.TB, db *sqlstore.DB, id int64) []string {
	t.Helper()
	rows, err := db.SQL().Query(rebind(db, `SELECT stage, generation FROM clock_events WHERE deadline_id = ? ORDER BY id`), id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var st string
		var g int
		if err := rows.Scan(&st, &g); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s@%d", st, g))
	}
	return out
}

// waitStages waits until the deadline's events are want, failing at once if
// they go beyond it.
func waitStages(t testing.TB, db *sqlstore.DB, id int64, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	waitFor(t, fmt.Sprintf("stages %v of deadline %d", want, id), func() (bool, string) {
		got := firedStages(t, db, id)
		if len(got) > len(want) || !slices.Equal(got, want[:len(got)]) {
			t.Fatalf("deadline %d: got stages %v, want %v", id, got, want)
		}
		return slices.Equal(got, want), fmt.Sprint(got)
	})
}

// dueJobs counts River jobs that are due by the clock and not finished.
func dueJobs[TTx any](ctx context.Context, c *river.Client[TTx], now time.Time) (int, error) {
	res, err := c.JobList(ctx, river.NewJobListParams().
		States(rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled).First(10000))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, j := range res.Jobs {
		if j.State == rivertype.JobStateRunning || !j.ScheduledAt.After(now) {
			n++
		}
	}
	return n, nil
}

// settle waits until River has worked every job due by the clock: after it,
// whatever was going to fire has fired.
func settle(t testing.TB, s *Scheduler) {
	t.Helper()
	ctx := context.Background()
	waitFor(t, "River to work the due jobs", func() (bool, string) {
		var n int
		var err error
		switch c := s.queue.riverClient().(type) {
		case *river.Client[*sql.Tx]:
			n, err = dueJobs(ctx, c, s.clock.Now())
		case *river.Client[pgx.Tx]:
			n, err = dueJobs(ctx, c, s.clock.Now())
		}
		if err != nil {
			t.Fatal(err)
		}
		return n == 0, fmt.Sprintf("%d due jobs", n)
	})
}

// jump moves the clock to t once the schedulers have worked every job due
// before it, so that each step of a test starts from a quiet queue.
func jump(t testing.TB, clock *wubutest.Clock, to time.Time, ss ...*Scheduler) {
	t.Helper()
	for _, s := range ss {
		settle(t, s)
	}
	clock.Set(to)
}

// chain is an arm request with a warning, a breach and two escalation
// steps: warning at +20 min, breach at +30 min, steps at +45 min and +90 min.
func chain(projectID int64, objectID string) wubu.ArmRequest {
	return wubu.ArmRequest{
		DeadlineKey: wubu.DeadlineKey{ProjectID: projectID, ObjectType: "order", ObjectID: objectID, Kind: "arrival"},
		After:       30 * time.Minute, WarnBefore: 10 * time.Minute,
		Escalation: []wubu.EscalationStep{{After: 15 * time.Minute, Notify: "role:duty_manager"}, {After: time.Hour, Notify: "role:manager"}},
	}
}

func TestClockChain(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		s := startScheduler(t, db)
		admin := f.Ctx(f.Admin)
		d, err := s.Clocks().Arm(admin, chain(f.ProjectA.ID, "1"))
		if err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			to    time.Duration // clock offset from arming
			stage string
		}{{20 * time.Minute, "warning@1"}, {30 * time.Minute, "breach@1"}, {45 * time.Minute, "escalation:1@1"}, {90 * time.Minute, "escalation:2@1"}}
		var want []string
		for _, st := range steps {
			clock.Set(wubutest.Start.Add(st.to - time.Second))
			settle(t, s)
			waitStages(t, db, d.ID, want...) // nothing new a second early
			clock.Set(wubutest.Start.Add(st.to))
			want = append(want, st.stage)
			waitStages(t, db, d.ID, want...)
		}
		jump(t, clock, clock.Now().Add(48*time.Hour), s)
		settle(t, s)
		waitStages(t, db, d.ID, want...)

		evs, err := s.Clocks().Events(admin, d.ProjectID, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range evs {
			if !e.DueAt.Equal(wubutest.Start.Add(steps[i].to)) || e.Lateness != 0 {
				t.Errorf("%s: due %v lateness %v, want due %v lateness 0 (the controlled clock stood still)", e.Stage, e.DueAt, e.Lateness, wubutest.Start.Add(steps[i].to))
			}
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE object_type = 'deadline' AND object_id = ? AND login = 'system:clock'`, fmt.Sprint(d.ID)); n != 4 {
			t.Fatalf("got %d audit entries of fired stages, want 4", n)
		}
		got, err := s.Clocks().Disarm(admin, d.DeadlineKey)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != wubu.DeadlineMissed || got.Met == nil || *got.Met {
			t.Fatalf("disarmed after the breach: got %s met %v, want missed", got.State, got.Met)
		}
	})
}

func TestClockDisarm(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		s := startScheduler(t, db)
		admin := f.Ctx(f.Admin)
		cs := s.Clocks()

		// Disarmed before it is due: met, and nothing fires afterwards.
		d1, err := cs.Arm(admin, chain(f.ProjectA.ID, "1"))
		if err != nil {
			t.Fatal(err)
		}
		// Disarmed after the breach, before the first step: missed, and the
		// chain stops.
		d2, err := cs.Arm(admin, chain(f.ProjectA.ID, "2"))
		if err != nil {
			t.Fatal(err)
		}
		clock.Add(20 * time.Minute)
		waitStages(t, db, d1.ID, "warning@1")
		waitStages(t, db, d2.ID, "warning@1")
		clock.Add(5 * time.Minute)
		got, err := cs.Disarm(admin, d1.DeadlineKey)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != wubu.DeadlineMet || got.Met == nil || !*got.Met {
			t.Fatalf("disarmed 5 min early: got %s met %v, want met", got.State, got.Met)
		}
		clock.Add(10 * time.Minute) // +35 min: d2 breached
		waitStages(t, db, d2.ID, "warning@1", "breach@1")
		got, err = cs.Disarm(admin, d2.DeadlineKey)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != wubu.DeadlineMissed || got.Met == nil || *got.Met {
			t.Fatalf("disarmed after the breach: got %s met %v, want missed", got.State, got.Met)
		}
		for _, to := range []time.Duration{45 * time.Minute, 90 * time.Minute, 48 * time.Hour} {
			jump(t, clock, wubutest.Start.Add(to), s)
			settle(t, s)
		}
		waitStages(t, db, d1.ID, "warning@1")
		waitStages(t, db, d2.ID, "warning@1", "breach@1")
	})
}

func TestClockRearm(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		s := startScheduler(t, db)
		admin := f.Ctx(f.Admin)
		cs := s.Clocks()
		d, err := cs.Arm(admin, chain(f.ProjectA.ID, "1"))
		if err != nil {
			t.Fatal(err)
		}
		clock.Add(35 * time.Minute)
		waitStages(t, db, d.ID, "warning@1", "breach@1")
		// Completed, then reopened: the old generation's escalation steps
		// (at +45 and +90 min) must never fire; the new generation's stages
		// (warning +55, breach +65, steps +80 and +125 min) do.
		if _, err := cs.Disarm(admin, d.DeadlineKey); err != nil {
			t.Fatal(err)
		}
		d2, err := cs.Rearm(admin, chain(f.ProjectA.ID, "1"))
		if err != nil {
			t.Fatal(err)
		}
		if d2.Generation != 2 {
			t.Fatalf("got generation %d, want 2", d2.Generation)
		}
		want := []string{"warning@1", "breach@1"}
		for _, st := range []struct {
			to    time.Duration
			stage string
		}{{45 * time.Minute, ""}, {55 * time.Minute, "warning@2"}, {65 * time.Minute, "breach@2"}, {80 * time.Minute, "escalation:1@2"},
			{90 * time.Minute, ""}, {125 * time.Minute, "escalation:2@2"}, {72 * time.Hour, ""}} {
			jump(t, clock, wubutest.Start.Add(st.to), s)
			if st.stage != "" {
				want = append(want, st.stage)
			}
			settle(t, s)
			waitStages(t, db, d.ID, want...)
		}
	})
}

func TestClockWorkingDays(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		// A complaint received the afternoon before National Day, to be
		// answered within 2 working days: due 9 October at 17:30.
		received := time.Date(2026, 9, 30, 15, 0, 0, 0, calendar.ChinaStandardTime)
		clock.Set(received)
		f := wubutest.NewFixture(t, db)
		s := startScheduler(t, db)
		admin := f.Ctx(f.Admin)
		d, err := s.Clocks().Arm(admin, wubu.ArmRequest{DeadlineKey: wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "complaint", ObjectID: "C-1", Kind: "reply"},
			WorkingDays: 2, WarnBefore: 2 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		due := time.Date(2026, 10, 9, 17, 30, 0, 0, calendar.ChinaStandardTime)
		if !d.DueAt.Equal(due) {
			t.Fatalf("got due %v, want %v", d.DueAt, due)
		}
		jump(t, clock, time.Date(2026, 10, 8, 17, 30, 0, 0, calendar.ChinaStandardTime), s) // one working day later
		settle(t, s)
		waitStages(t, db, d.ID)
		jump(t, clock, due.Add(-2*time.Hour), s)
		waitStages(t, db, d.ID, "warning@1")
		jump(t, clock, due.Add(-time.Millisecond), s)
		settle(t, s)
		waitStages(t, db, d.ID, "warning@1")
		clock.Set(due)
		waitStages(t, db, d.ID, "warning@1", "breach@1")
	})
}

func TestClockRestart(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		admin := f.Ctx(f.Admin)
		ctx := context.Background()

		// A server arms clocks and stops.
		s1, err := New(ctx, db, newClocks(t, db), testConfig())
		if err != nil {
			t.Fatal(err)
		}
		if err := s1.Start(ctx); err != nil {
			t.Fatal(err)
		}
		d, err := s1.Clocks().Arm(admin, chain(f.ProjectA.ID, "1"))
		if err != nil {
			t.Fatal(err)
		}
		closeScheduler(t, s1)

		// A clock armed while no scheduler runs at all (as after a crash
		// between a commit and the job's insertion): its stage is not
		// queued.
		d2, err := newClocks(t, db).Arm(admin, chain(f.ProjectA.ID, "2"))
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM deadlines WHERE id = ? AND next_queued = FALSE`, d2.ID); n != 1 {
			t.Fatal("the stage of a deadline armed without a scheduler is marked queued")
		}

		// Time passes while the server is down; a new one starts. It
		// leaves promoting due jobs to River's own scheduler (on the leader,
		// every 5 s): this test waits for it.
		clock.Add(35 * time.Minute)
		cfg := testConfig()
		cfg.PromoteInterval = -1
		s2, err := New(ctx, db, newClocks(t, db), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := s2.Start(ctx); err != nil {
			t.Fatal(err)
		}
		waitStages(t, db, d.ID, "warning@1", "breach@1")
		waitStages(t, db, d2.ID, "warning@1", "breach@1")
		settle(t, s2)
		closeScheduler(t, s2)

		// And once more, two hours later.
		clock.Add(2 * time.Hour)
		s3 := startScheduler(t, db)
		waitStages(t, db, d.ID, "warning@1", "breach@1", "escalation:1@1", "escalation:2@1")
		waitStages(t, db, d2.ID, "warning@1", "breach@1", "escalation:1@1", "escalation:2@1")
		settle(t, s3)
		evs, err := s3.Clocks().Events(admin, d.ProjectID, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The warning was due at +20 min and fired at +35 min, when the new
		// server started.
		if evs[0].Lateness != 15*time.Minute {
			t.Fatalf("got warning lateness %v, want 15m", evs[0].Lateness)
		}
	})
}

// insertDuplicates inserts, through a River client of its own, n more jobs
// for each stage: as if every job were delivered n+1 times.
func insertDuplicates(t testing.TB, s *Scheduler, jobs []sqlstore.StageJob, n int) {
	t.Helper()
	ctx := context.Background()
	cfg := &river.Config{Logger: testLogger(), Middleware: []rivertype.Middleware{&availableAhead{clock: s.clock}}}
	cfg.Test.Time = riverTime{s.clock}
	var params []river.InsertManyParams
	for range n {
		params = append(params, stageParams(jobs)...)
	}
	if s.db.Dialect == sqlstore.Postgres {
		pool, err := openPostgresPool(ctx, s.db.DSN, 2)
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		c, err := river.NewClient(riverpgxv5.New(pool), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.InsertMany(ctx, params); err != nil {
			t.Fatal(err)
		}
		return
	}
	pool, err := openSQLitePool(s.db.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	c, err := river.NewClient(riversqlite.New(pool), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.InsertMany(ctx, params); err != nil {
		t.Fatal(err)
	}
}

// TestClockDuplicateJobs delivers every stage job three times at once: each
// stage fires once, with one event and one audit entry.
func TestClockDuplicateJobs(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		s := startScheduler(t, db)
		admin := f.Ctx(f.Admin)
		const n = 20
		var ids []int64
		for i := range n {
			d, err := s.Clocks().Arm(admin, wubu.ArmRequest{DeadlineKey: wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "pass", ObjectID: fmt.Sprint(i), Kind: "return"},
				After: time.Hour, Escalation: []wubu.EscalationStep{{After: time.Minute, Notify: "role:manager"}}})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, d.ID)
			insertDuplicates(t, s, []sqlstore.StageJob{{ProjectID: d.ProjectID, DeadlineID: d.ID, Generation: 1, Stage: wubu.StageBreach, At: d.DueAt}}, 2)
		}
		jump(t, clock, clock.Now().Add(time.Hour), s)
		for _, id := range ids {
			waitStages(t, db, id, "breach@1")
		}
		settle(t, s)
		if got := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE object_type = 'deadline' AND login = 'system:clock'`); got != n {
			t.Fatalf("got %d audit entries of fired stages, want %d", got, n)
		}
		clock.Add(time.Minute)
		for _, id := range ids {
			waitStages(t, db, id, "breach@1", "escalation:1@1")
		}
	})
}

// TestClockTwoServers runs two schedulers, with separate pools as two
// `wubu serve` processes would have, on one PostgreSQL database: each stage
// fires once, and both servers do some of the work.
func TestClockTwoServers(t *testing.T) {
	if wubutest.PostgresDSN() == "" {
		if wubutest.Required() {
			t.Fatal("WUBU_REQUIRE_ALL=1 but WUBU_TEST_POSTGRES is not set")
		}
		t.Skip("WUBU_TEST_POSTGRES is not set")
	}
	db1, clock := wubutest.MustOpenDB(t, sqlstore.Postgres)
	db2, err := sqlstore.Open(db1.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db2.Close() })
	db2.Clock = clock
	f := wubutest.NewFixture(t, db1)
	// Both servers must work stage jobs, whatever the machine's load: each
	// server takes at most 50 jobs at once, fewer than a stage's 200, and
	// holds its first ones until the other has taken one too.
	hold := &holdUntilBoth{both: make(chan struct{})}
	servers := [2]*Scheduler{}
	for i, db := range []*sqlstore.DB{db1, db2} {
		cfg := testConfig()
		cfg.MaxWorkers = 50
		cfg.middleware = []rivertype.Middleware{&serverHold{all: hold, server: i}}
		servers[i] = startSchedulerConfig(t, db, cfg)
	}
	s1, s2 := servers[0], servers[1]
	admin := f.Ctx(f.Admin)

	// Half the clocks armed through each server, every stage job also
	// delivered a second time.
	const n = 100
	var ids []int64
	for i := range n {
		s := s1
		if i%2 == 1 {
			s = s2
		}
		d, err := s.Clocks().Arm(admin, chain(f.ProjectA.ID, fmt.Sprint(i)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
		var dups []sqlstore.StageJob
		for _, st := range []struct {
			stage string
			at    time.Duration
		}{{"warning", 20 * time.Minute}, {"breach", 30 * time.Minute}, {"escalation:1", 45 * time.Minute}, {"escalation:2", 90 * time.Minute}} {
			dups = append(dups, sqlstore.StageJob{ProjectID: d.ProjectID, DeadlineID: d.ID, Generation: 1, Stage: st.stage, At: wubutest.Start.Add(st.at)})
		}
		insertDuplicates(t, s, dups, 1)
	}
	want := []string{}
	for _, st := range []struct {
		to    time.Duration
		stage string
	}{{20 * time.Minute, "warning@1"}, {30 * time.Minute, "breach@1"}, {45 * time.Minute, "escalation:1@1"}, {90 * time.Minute, "escalation:2@1"}} {
		jump(t, clock, wubutest.Start.Add(st.to), s1, s2)
		want = append(want, st.stage)
		for _, id := range ids {
			waitStages(t, db1, id, want...)
		}
	}
	jump(t, clock, clock.Now().Add(24*time.Hour), s1, s2)
	settle(t, s1)
	settle(t, s2)
	if got := count(t, db1, `SELECT COUNT(*) FROM clock_events`); got != 4*n {
		t.Fatalf("got %d events, want %d", got, 4*n)
	}
	if got := count(t, db1, `SELECT COUNT(*) FROM audit_log WHERE object_type = 'deadline' AND login = 'system:clock'`); got != 4*n {
		t.Fatalf("got %d audit entries of fired stages, want %d", got, 4*n)
	}
	// Both servers worked stage jobs.
	c := s1.queue.riverClient().(*river.Client[pgx.Tx])
	res, err := c.JobList(context.Background(), river.NewJobListParams().Kinds(ClockStageArgs{}.Kind()).States(rivertype.JobStateCompleted).First(10000))
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]int{}
	for _, j := range res.Jobs {
		if len(j.AttemptedBy) > 0 {
			by[j.AttemptedBy[len(j.AttemptedBy)-1]]++
		}
	}
	// 8 jobs a clock: each stage delivered twice (the reconciler may have
	// added a few more, which fired nothing).
	if len(by) != 2 || len(res.Jobs) < 8*n {
		t.Fatalf("got %d completed stage jobs worked by %v, want %d or more by both servers", len(res.Jobs), by, 8*n)
	}
	t.Logf("stage jobs worked per server: %v", by)
}

// holdUntilBoth holds the stage jobs of two servers until each server has
// taken one.
type holdUntilBoth struct {
	took [2]atomic.Bool
	once sync.Once
	both chan struct{} // closed once both servers took a stage job
}

// serverHold is the River worker middleware of one server of holdUntilBoth.
type serverHold struct {
	river.MiddlewareDefaults
	all    *holdUntilBoth
	server int
}

func (h *serverHold) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	if job.Kind == (ClockStageArgs{}).Kind() {
		h.all.took[h.server].Store(true)
		if h.all.took[0].Load() && h.all.took[1].Load() {
			h.all.once.Do(func() { close(h.all.both) })
		}
		select {
		case <-h.all.both:
		case <-ctx.Done():
			return fmt.Errorf("server %d held a stage job, but the other server took none: %w", h.server+1, ctx.Err())
		}
	}
	return doInner(ctx)
}

// TestClockSchedule checks that the reconciler's schedule does not catch up
// one period at a time after the clock jumps.
func TestClockSchedule(t *testing.T) {
	clock := wubutest.NewClock()
	s := clockSchedule{clock: clock, every: 30 * time.Second}
	prev := wubutest.Start.Add(-72 * time.Hour)
	if got, want := s.Next(prev), wubutest.Start.Add(30*time.Second); !got.Equal(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got, want := s.Next(wubutest.Start.Add(time.Minute)), wubutest.Start.Add(90*time.Second); !got.Equal(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}
