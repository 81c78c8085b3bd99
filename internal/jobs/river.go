package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
	"modernc.org/sqlite"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// backend is River on one of its drivers, with the transaction type hidden.
type backend interface {
	start(ctx context.Context) error
	stop(ctx context.Context) error
	// insertMany inserts jobs on River's own connections.
	insertMany(ctx context.Context, params []river.InsertManyParams) error
	// insertManyTx inserts jobs in a database/sql transaction of Wubu's, or
	// reports false when the driver cannot.
	insertManyTx(ctx context.Context, tx *sql.Tx, params []river.InsertManyParams) (bool, error)
	// promote makes up to limit scheduled and retryable jobs due by until
	// available, as River's scheduler does, and returns how many it moved.
	promote(ctx context.Context, until time.Time, limit int) (int, error)
	// riverClient returns the River client, for tests.
	riverClient() any
	close()
}

type riverBackend[TTx any] struct {
	client *river.Client[TTx]
	// wrap turns Wubu's transaction into River's, when they are one kind.
	wrap    func(*sql.Tx) (TTx, bool)
	closeFn func()
}

func (b *riverBackend[TTx]) start(ctx context.Context) error { return b.client.Start(ctx) }
func (b *riverBackend[TTx]) stop(ctx context.Context) error  { return b.client.Stop(ctx) }
func (b *riverBackend[TTx]) close()                          { b.closeFn() }
func (b *riverBackend[TTx]) riverClient() any                { return b.client }

func (b *riverBackend[TTx]) promote(ctx context.Context, until time.Time, limit int) (int, error) {
	res, err := b.client.Driver().GetExecutor().JobSchedule(ctx, &riverdriver.JobScheduleParams{Max: limit, Now: &until, Schema: b.client.Schema()})
	return len(res), err
}

func (b *riverBackend[TTx]) insertMany(ctx context.Context, params []river.InsertManyParams) error {
	_, err := b.client.InsertMany(ctx, params)
	return err
}

func (b *riverBackend[TTx]) insertManyTx(ctx context.Context, tx *sql.Tx, params []river.InsertManyParams) (bool, error) {
	rtx, ok := b.wrap(tx)
	if !ok {
		return false, nil
	}
	_, err := b.client.InsertManyTx(ctx, rtx, params)
	return err == nil, err
}

// riverTime gives River a controlled clock (tests), both for its own
// arithmetic and for the "now" of its queries.
type riverTime struct{ clock wubu.Clock }

func (t riverTime) Now() time.Time { return t.clock.Now().UTC() }

func (t riverTime) NowOrNil() *time.Time {
	now := t.Now()
	return &now
}

// riverConfig is the River configuration of a scheduler.
func (s *Scheduler) riverConfig() *river.Config {
	workers := river.NewWorkers()
	river.AddWorker(workers, &stageWorker{s: s})
	river.AddWorker(workers, &reconcileWorker{s: s})
	river.AddWorker(workers, &rulesWorker{s: s})
	river.AddWorker(workers, &rollupWorker{s: s})
	cfg := &river.Config{
		Logger:            s.cfg.Logger,
		Queues:            map[string]river.QueueConfig{QueueClocks: {MaxWorkers: s.cfg.MaxWorkers}},
		Workers:           workers,
		FetchPollInterval: s.cfg.FetchPollInterval,
		FetchCooldown:     s.cfg.FetchCooldown,
		JobTimeout:        jobTimeout,
		Middleware:        append([]rivertype.Middleware{&availableAhead{clock: s.clock}}, s.cfg.middleware...),
		PeriodicJobs: []*river.PeriodicJob{river.NewPeriodicJob(
			clockSchedule{clock: s.clock, every: s.cfg.ReconcileInterval},
			func() (river.JobArgs, *river.InsertOpts) { return ReconcileArgs{}, nil },
			&river.PeriodicJobOpts{ID: "wubu.clock_reconcile", RunOnStart: true},
		), s.rulesPeriodicJob(), s.rollupPeriodicJob()},
	}
	// A job left "running" by a process that died (SIGKILL, power loss) is
	// run again this long after it started, not River's default of an hour
	// past JobTimeout: a clock stage must not wait an hour after a crash.
	cfg.RescueStuckJobsAfter = cfg.JobTimeout + 15*time.Second
	if _, system := s.clock.(wubu.SystemClock); !system {
		// A controlled clock: River must use it too, for "now" in its
		// queries as well. Maintenance services start without their random
		// delay.
		cfg.Test.Time = riverTime{s.clock}
		cfg.TestOnly = true
		// River's rescuer compares a running job's attempted_at (from the
		// controlled clock) with the machine's time: with a clock set in the
		// past it would take every running job for stuck and run it again.
		cfg.RescueStuckJobsAfter = 50 * 365 * 24 * time.Hour
		// River's cleaner, likewise, deletes finished jobs whose
		// finalized_at (from the controlled clock) is a day older than the
		// machine's time: with a clock in the past, every finished job,
		// whenever the leader's cleaner happens to run (at its election,
		// then every 30 s). Keep them: tests count them.
		cfg.CompletedJobRetentionPeriod = -1
		cfg.CancelledJobRetentionPeriod = -1
		cfg.DiscardedJobRetentionPeriod = -1
	}
	return cfg
}

// sqlitePath returns the file of an SQLite DSN as sqlstore.Open reads it.
func sqlitePath(dsn string) string {
	path := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	return path
}

// openSQLitePool opens River's pool on Wubu's SQLite file: one connection
// (SQLite has one writer; River runs much in parallel), with Wubu's pragmas,
// immediate write transactions and a statement cache.
func openSQLitePool(dsn string) (*sql.DB, error) {
	path := sqlitePath(dsn)
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
	}
	conn, err := sqlite.NewConnector(sqlstore.SQLiteDSN(path, true))
	if err != nil {
		return nil, fmt.Errorf("open river sqlite pool: %w", err)
	}
	pool := sql.OpenDB(stmtCacheConnector{conn})
	pool.SetMaxOpenConns(1)
	return pool, nil
}

func migrateSQLite(ctx context.Context, pool *sql.DB, logger *slog.Logger) error {
	m, err := rivermigrate.New(riversqlite.New(pool), &rivermigrate.Config{Logger: logger})
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrate: %w", err)
	}
	return nil
}

func newSQLiteBackend(ctx context.Context, s *Scheduler) (backend, error) {
	pool, err := openSQLitePool(s.db.DSN)
	if err != nil {
		return nil, err
	}
	if err := migrateSQLite(ctx, pool, s.cfg.Logger); err != nil {
		pool.Close()
		return nil, err
	}
	client, err := river.NewClient(riversqlite.New(pool), s.riverConfig())
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("river client: %w", err)
	}
	// Stages fire on River's connection: see sqlstore.ClockService.SetStageDB.
	s.clocks.SetStageDB(pool)
	return &riverBackend[*sql.Tx]{
		client: client,
		wrap:   func(tx *sql.Tx) (*sql.Tx, bool) { return tx, true },
		closeFn: func() {
			s.clocks.SetStageDB(nil)
			pool.Close()
		},
	}, nil
}

// openPostgresPool opens River's pgx pool on Wubu's DSN: its search_path,
// if any, puts River's tables beside Wubu's.
func openPostgresPool(ctx context.Context, dsn string, size int) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("river postgres pool: %w", err)
	}
	pc.MaxConns = int32(size)
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("river postgres pool: %w", err)
	}
	return pool, nil
}

// migrateKey is the advisory lock that keeps two processes starting at once
// from running River's migrations together.
const migrateKey = 0x77756275_52495652 // "wubuRIVR"

func migratePostgres(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) error {
	m, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: logger})
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	// River's migrations cannot share one transaction (one adds an enum
	// value that a later one uses), so a session lock on a connection of its
	// own serializes processes while Migrate runs each in its own.
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("river migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrateKey)); err != nil {
		return fmt.Errorf("river migrate lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(migrateKey))
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrate: %w", err)
	}
	return nil
}

func newPostgresBackend(ctx context.Context, s *Scheduler) (backend, error) {
	pool, err := openPostgresPool(ctx, s.db.DSN, s.cfg.PoolSize)
	if err != nil {
		return nil, err
	}
	if err := migratePostgres(ctx, pool, s.cfg.Logger); err != nil {
		pool.Close()
		return nil, err
	}
	client, err := river.NewClient(riverpgxv5.New(pool), s.riverConfig())
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("river client: %w", err)
	}
	return &riverBackend[pgx.Tx]{
		client:  client,
		wrap:    func(*sql.Tx) (pgx.Tx, bool) { return nil, false },
		closeFn: pool.Close,
	}, nil
}

// Compile-time checks that both drivers fit.
var (
	_ riverdriver.Driver[*sql.Tx] = (*riversqlite.Driver)(nil)
	_ riverdriver.Driver[pgx.Tx]  = (*riverpgxv5.Driver)(nil)
)
