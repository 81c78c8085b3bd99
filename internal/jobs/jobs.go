// Package jobs is Wubu's durable scheduler: SLA clock stages (and, later,
// reminders and follow-ups) as jobs of River (github.com/riverqueue/river)
// in the application's own database, SQLite or PostgreSQL.
//
// Every `wubu serve` process runs one Scheduler. Jobs live in the database,
// so they survive restarts, and any number of processes may share one
// PostgreSQL database: River hands each job to one of them. A job may still
// run twice (a process dies after a stage's transaction commits but before
// River records the job completed, or the reconciler queued a stage again);
// a stage fires once all the same, because its transaction checks the
// deadline's generation and next stage under a row lock and writes a clock
// event unique per deadline, generation and stage (see
// sqlstore.ClockService.FireStages). Stage jobs that run at the same time
// are fired together, in one transaction per batch (group commit).
//
// Traps of River 0.51 that shape this package:
//
//   - River's scheduler, which turns "scheduled" jobs "available" (only
//     those are fetched), runs on the elected leader only, every 5 seconds,
//     with 5 seconds of lookahead: a job inserted less than 5 seconds before
//     its time could run up to 5 seconds late, and a change of leader delays
//     everything. So stage jobs due within 5 seconds are inserted
//     "available" with their scheduled_at (River fetches them once it has
//     passed), and every process promotes the jobs of the next 5 seconds
//     itself every PromoteInterval, as River's scheduler would. Jobs further
//     ahead stay "scheduled", so each fetch only scans a few seconds' worth
//     of jobs, however many clocks are armed.
//   - River's unique jobs are not used: on PostgreSQL River's scheduler
//     query joins the jobs it moves with the unique jobs, a nested loop that
//     took 3 seconds for 200 jobs on a table without statistics.
//   - Config.Test.Time gives River the controlled clock in tests: it fetches
//     jobs whose scheduled_at is before the clock's now. The system clock is
//     left to River (and to the database's own now() on PostgreSQL), so a
//     stage may be fetched early by the skew between the database server and
//     this one: FireStages refuses to fire early and the job is snoozed.
//   - River's maintenance services (the rescuer of stuck jobs, the
//     cleaners) read the machine's clock, not Config.Test.Time: with a
//     controlled clock the rescuer would take every running job for stuck.
//     It is switched off under a controlled clock.
//   - River's periodic jobs catch up one period at a time: a clock moved
//     forward by days would insert thousands of reconcile jobs. The
//     reconciler's schedule counts from the clock's now.
//   - On SQLite River gets a pool of its own with one connection, as its
//     driver asks, on the same file. The driver sends every query as text
//     and SQLite parses each anew — River's completion statement, once per
//     job, took a third of the processor — so the connection keeps its
//     prepared statements (sqlitecache.go). Stages fire on that same
//     connection, and stage jobs are inserted in the transaction that arms
//     or fires the deadline.
//   - On PostgreSQL River needs pgx, so its pool is its own and stage jobs
//     are inserted right after the commit; a crash in between leaves the
//     stage unqueued, and the reconciler, which runs at start and every
//     ReconcileInterval on the leader, queues it.
//   - River's migrations cannot run in one transaction (one adds an enum
//     value a later one uses); processes starting together take turns with
//     an advisory lock. River's tables go in the schema Wubu's tables are in
//     (the DSN's search_path on PostgreSQL).
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// QueueClocks is the River queue of SLA clock jobs.
const QueueClocks = "clocks"

// Config tunes a Scheduler. Zero fields take the defaults.
type Config struct {
	// Logger receives River's and the scheduler's logs.
	Logger *slog.Logger
	// MaxWorkers is how many jobs one process works at once (default 200).
	// Stage jobs mostly wait for a fire loop, which fires those waiting
	// together: more workers make bigger, cheaper batches under load.
	MaxWorkers int
	// FetchPollInterval is how often each process looks for jobs whose
	// time has come (default 100 ms): a stage fires at most about this
	// late when the queue keeps up.
	FetchPollInterval time.Duration
	// FetchCooldown is the shortest time between two fetches (default
	// 20 ms).
	FetchCooldown time.Duration
	// ReconcileInterval is how often the leader queues stages that are not
	// known to be queued (default 30 s).
	ReconcileInterval time.Duration
	// PromoteInterval is how often each process makes the jobs due within
	// the next 5 seconds fetchable (default 1 s; negative: never). River's
	// scheduler does the same every 5 seconds, but only on the elected
	// leader: promoting on every process keeps stages on time while
	// leadership changes hands.
	PromoteInterval time.Duration
	// FireConcurrency is how many transactions fire stages at once (default
	// 1 on SQLite, which has one writer, 4 on PostgreSQL). Stage jobs that
	// come while they are busy are fired together in the next one.
	FireConcurrency int
	// PoolSize is the size of River's PostgreSQL pool (default 16).
	PoolSize int
	// Rules runs the proactive rules every RulesInterval (default 1
	// minute); nil for none.
	Rules         RulesRunner
	RulesInterval time.Duration
	// Rollups keeps the daily roll-ups every RollupInterval (default 10
	// minutes); nil for none.
	Rollups        RollupRunner
	RollupInterval time.Duration

	// middleware is more River middleware, after Wubu's own: tests use it
	// to hold jobs until a condition holds.
	middleware []rivertype.Middleware
}

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.MaxWorkers <= 0 {
		c.MaxWorkers = 200
	}
	if c.FetchPollInterval <= 0 {
		c.FetchPollInterval = 100 * time.Millisecond
	}
	if c.FetchCooldown <= 0 {
		c.FetchCooldown = 20 * time.Millisecond
	}
	if c.FetchCooldown > c.FetchPollInterval {
		c.FetchCooldown = c.FetchPollInterval
	}
	if c.ReconcileInterval <= 0 {
		c.ReconcileInterval = 30 * time.Second
	}
	if c.PromoteInterval == 0 {
		c.PromoteInterval = time.Second
	}
	if c.PoolSize <= 0 {
		c.PoolSize = 16
	}
	return c
}

// jobTimeout is the longest a clock job may run (a stage waits for its fire
// loop for milliseconds); with the rescue time after it, it bounds how late
// a stage whose job a dead process held fires after a crash.
const jobTimeout = 20 * time.Second

// lookahead is how far ahead jobs are made fetchable: River's scheduler's
// interval and lookahead.
const lookahead = 5 * time.Second

// promoteBatch is the most jobs one promotion statement moves. River's
// scheduler moves up to 10,000 at a time; smaller batches keep each
// statement, which holds SQLite's one connection or locks the rows it moves
// on PostgreSQL, short.
const promoteBatch = 1000

// Scheduler runs the durable jobs of one Wubu process.
type Scheduler struct {
	db     *sqlstore.DB
	clocks *sqlstore.ClockService
	clock  wubu.Clock
	cfg    Config
	queue  backend

	stopPromote context.CancelFunc
	promoted    chan struct{} // closed when the promoter has stopped

	// Group commit: stage jobs hand their stages to fire loops.
	fireCh    chan *fireRequest
	fireCtx   context.Context // done once the fire loops stop
	stopFire  context.CancelFunc
	fireLoops sync.WaitGroup
}

// New opens River on db — its own connection pool, its tables migrated —
// and makes it the queue of clocks. Call Start to work jobs and Close to
// stop.
func New(ctx context.Context, db *sqlstore.DB, clocks *sqlstore.ClockService, cfg Config) (*Scheduler, error) {
	s := &Scheduler{db: db, clocks: clocks, clock: db.Clock, cfg: cfg.withDefaults(), fireCh: make(chan *fireRequest)}
	if s.clock == nil {
		s.clock = wubu.SystemClock{}
	}
	if s.cfg.FireConcurrency <= 0 {
		s.cfg.FireConcurrency = 1
		if db.Dialect == sqlstore.Postgres {
			s.cfg.FireConcurrency = 4
		}
	}
	var err error
	if db.Dialect == sqlstore.Postgres {
		s.queue, err = newPostgresBackend(ctx, s)
	} else {
		s.queue, err = newSQLiteBackend(ctx, s)
	}
	if err != nil {
		return nil, err
	}
	if clocks.Logger == nil {
		clocks.Logger = s.cfg.Logger
	}
	clocks.SetQueue(s)
	return s, nil
}

// Clocks returns the clock service whose stages the scheduler fires.
func (s *Scheduler) Clocks() *sqlstore.ClockService { return s.clocks }

// Start queues any stage left unqueued (by a crash between a commit and
// its job's insertion, or while no scheduler ran) and starts working jobs
// until Close; the end of ctx does not stop them.
func (s *Scheduler) Start(ctx context.Context) error {
	if n, err := s.clocks.Reconcile(ctx, reconcileBatch); err != nil {
		return fmt.Errorf("start scheduler: %w", err)
	} else if n > 0 {
		s.cfg.Logger.Info("clock stages queued at start", "stages", n)
	}
	s.fireCtx, s.stopFire = context.WithCancel(context.WithoutCancel(ctx))
	for range s.cfg.FireConcurrency {
		s.fireLoops.Go(func() { s.fireLoop(s.fireCtx) })
	}
	if err := s.queue.start(context.WithoutCancel(ctx)); err != nil {
		s.stopFire()
		s.fireLoops.Wait()
		return fmt.Errorf("start scheduler: %w", err)
	}
	if s.cfg.PromoteInterval > 0 {
		pctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		s.stopPromote, s.promoted = cancel, make(chan struct{})
		go s.promoteLoop(pctx)
	}
	return nil
}

// promoteLoop makes due jobs fetchable every PromoteInterval.
func (s *Scheduler) promoteLoop(ctx context.Context) {
	defer close(s.promoted)
	tick := time.NewTicker(s.cfg.PromoteInterval)
	defer tick.Stop()
	for {
		until := s.clock.Now().Add(lookahead)
		for {
			n, err := s.queue.promote(ctx, until, promoteBatch)
			if err != nil && ctx.Err() == nil {
				s.cfg.Logger.Warn("promote due jobs", "err", err)
			}
			if err != nil || n < promoteBatch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Close stops working jobs, waiting up to the context's deadline for
// running ones, and closes River's connections. Jobs not yet worked stay in
// the database for the next start or for other processes.
func (s *Scheduler) Close(ctx context.Context) error {
	if s.stopPromote != nil {
		s.stopPromote()
		<-s.promoted
	}
	err := s.queue.stop(ctx)
	if s.stopFire != nil {
		// After River, whose running jobs wait for the fire loops.
		s.stopFire()
		s.fireLoops.Wait()
	}
	s.clocks.SetQueue(nil)
	s.queue.close()
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// Migrate creates or updates River's tables in db's database and schema,
// for `wubu migrate`. New does the same on start.
func Migrate(ctx context.Context, db *sqlstore.DB, logger *slog.Logger) error {
	logger = Config{Logger: logger}.withDefaults().Logger
	if db.Dialect == sqlstore.Postgres {
		pool, err := openPostgresPool(ctx, db.DSN, 3)
		if err != nil {
			return err
		}
		defer pool.Close()
		return migratePostgres(ctx, pool, logger)
	}
	pool, err := openSQLitePool(db.DSN)
	if err != nil {
		return err
	}
	defer pool.Close()
	return migrateSQLite(ctx, pool, logger)
}
