// Package sqlstore is the one database/sql implementation of Wubu's domain
// services, for SQLite (the embedded default) and PostgreSQL (the server
// database). Dialect differences live in dialect.go.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // driver "sqlite"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/secret"
)

//go:embed migrations
var migrations embed.FS

// Dialects.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DB is the database of a Wubu installation.
type DB struct {
	// read serves queries outside transactions; write serves transactions.
	// On PostgreSQL they are one pool; on SQLite write has one connection,
	// as SQLite has one writer at a time.
	read, write *sql.DB

	// Dialect is SQLite or Postgres.
	Dialect string
	// DSN is the data source the database was opened with.
	DSN string
	// Clock tells the time of every transaction; tests set a controlled one.
	Clock wubu.Clock

	// stmts keeps the read pool's prepared statements (SQLite only).
	stmts *stmtCache
	// sessions caches authenticated sessions (nil: off).
	sessions       *sessionCache[staffSession]
	portalSessions *sessionCache[portalCached]
	figures        *figureCache
	// rollupWake wakes the roll-ups' flusher after a commit that marked
	// days (nil: no flusher; StartRollupFlusher).
	rollupWake chan struct{}
	// KeyDir is where Migrate finds the key file when no keys were set
	// (SetKeys) and WUBU_SECRET_KEY is not set, and makes it on a new
	// database: the data directory ("": beside the SQLite file).
	KeyDir string
	// keys seal residents' ID numbers; keySource says where they came
	// from (sealing.go).
	keys       *secret.Keyring
	keySource  string
	newKeyFile string
}

// Open opens the database named by dsn: a postgres:// or postgresql:// URL
// for PostgreSQL, else the path of an SQLite file (created if missing).
func Open(dsn string) (*DB, error) {
	db := &DB{DSN: dsn, Clock: wubu.SystemClock{}}
	if IsPostgres(dsn) {
		db.Dialect = Postgres
		pool, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		pool.SetMaxOpenConns(32)
		pool.SetMaxIdleConns(16)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		db.read, db.write = pool, pool
	} else {
		db.Dialect = SQLite
		path := SQLitePath(dsn)
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("create data directory: %w", err)
			}
		}
		var err error
		if db.write, err = sql.Open("sqlite", SQLiteDSN(path, true)); err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		db.write.SetMaxOpenConns(1)
		if db.read, err = sql.Open("sqlite", SQLiteDSN(path, false)); err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		// Keep the readers open: database/sql keeps only 2 idle connections
		// by default, and reopening one (its pragmas, its prepared
		// statements) under load costs more than the queries. Queries are
		// work for the processor, so a few readers per core: more only
		// split the page cache into more, colder copies (measured in
		// docs/performance.md, Lookup).
		n := min(max(4*runtime.GOMAXPROCS(0), 4), 32)
		db.read.SetMaxOpenConns(n)
		db.read.SetMaxIdleConns(n)
		db.stmts = &stmtCache{pool: db.read, stmts: map[string]*sql.Stmt{}}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := db.write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", db.Dialect, err)
	}
	return db, nil
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// sqliteSync is SQLite's synchronous setting for the process: FULL syncs
// the WAL on every commit, so a committed transaction survives a power
// loss; NORMAL syncs at checkpoints only, surviving a crash of the process
// but not of the machine. Wubu is a system of record: FULL by default
// (measured in docs/performance.md, "SQLite durability").
var sqliteSync = "FULL"

// SetSQLiteSync sets SQLite's synchronous mode, "full" or "normal", for
// every database opened afterwards in this process (--sqlite-sync).
func SetSQLiteSync(mode string) error {
	switch strings.ToLower(mode) {
	case "full":
		sqliteSync = "FULL"
	case "normal":
		sqliteSync = "NORMAL"
	default:
		return fmt.Errorf("--sqlite-sync %q: say full or normal", mode)
	}
	return nil
}

// SQLiteDSN returns the DSN of an SQLite file with Wubu's pragmas: WAL,
// a busy timeout, foreign keys, the synchronous mode, and immediate write
// transactions.
func SQLiteDSN(path string, write bool) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous("+sqliteSync+")")
	if write {
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
		// Readers: a 16 MiB page cache each, and the file mapped into
		// memory (up to 1 GiB), so that pages come from the operating
		// system's cache without a read call each: a third more lookups
		// per processor second on a million households.
		q.Add("_pragma", "cache_size(-16000)")
		q.Add("_pragma", "mmap_size(1073741824)")
	}
	return "file:" + path + "?" + q.Encode()
}

// Close closes the database.
func (db *DB) Close() error {
	var err error
	if db.stmts != nil {
		db.stmts.close()
	}
	if db.write != nil {
		err = db.write.Close()
	}
	if db.read != nil && db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// SQL returns the write pool, for tools (River, tests) that need a *sql.DB.
func (db *DB) SQL() *sql.DB { return db.write }

// Migrate applies the embedded migrations of the database's dialect, then
// checks the keys of the residents' ID numbers and seals those still in
// clear (sealing.go).
func (db *DB) Migrate(ctx context.Context) error {
	dir, err := fs.Sub(migrations, "migrations/"+db.Dialect)
	if err != nil {
		return err
	}
	dialect := goose.DialectSQLite3
	if db.Dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, db.write, dir)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return db.setupKeys(ctx)
}

// now returns the current time of the database's clock, in UTC and to the
// microsecond (PostgreSQL's precision), so values read back compare equal.
func (db *DB) now() time.Time {
	return db.Clock.Now().UTC().Truncate(time.Microsecond)
}

// Tx is a write transaction that carries the time it started, so every row
// it writes has one "now" from the injectable clock.
type Tx struct {
	*sql.Tx
	db  *DB
	now time.Time
	// flushSessions empties the session cache once the transaction commits
	// (it changed users or ended sessions).
	flushSessions bool
	// markedRollups: the transaction marked days of the roll-ups to
	// recompute (rollup_dirty.go).
	markedRollups bool
	// steps are the life-cycle steps taken in the transaction, whose clock
	// changes the runner makes as it commits (lifecycle.go).
	steps []stepWork
	// ctx is the context the transaction began with, for the work its
	// commit does first: the days of the daily roll-ups its steps marked
	// (objectMarks, rollupMarks; rollup.go) are recomputed.
	ctx         context.Context
	objectMarks map[objectMark]bool
	rollupMarks map[rollupMark]bool
}

// Commit recomputes the days of the roll-ups the transaction changed,
// commits the transaction and then drops what it made stale.
func (tx *Tx) Commit() error {
	if tx.ctx != nil {
		if err := tx.flushRollups(tx.ctx); err != nil {
			tx.Tx.Rollback()
			return fmt.Errorf("daily roll-ups: %w", err)
		}
	}
	err := tx.Tx.Commit()
	if err == nil && tx.markedRollups && tx.db.rollupWake != nil {
		select {
		case tx.db.rollupWake <- struct{}{}:
		default:
		}
	}
	if tx.flushSessions {
		tx.db.sessions.flush()
		tx.db.portalSessions.flush()
	}
	return err
}

// BeginTx starts a write transaction.
func (db *DB) BeginTx(ctx context.Context) (*Tx, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{Tx: tx, db: db, now: db.now(), ctx: ctx}, nil
}

// exec runs a statement written with ? placeholders.
func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.ExecContext(ctx, tx.db.rebind(q), args...)
}

func (tx *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return tx.QueryContext(ctx, tx.db.rebind(q), args...)
}

func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.QueryRowContext(ctx, tx.db.rebind(q), args...)
}

// insert runs an INSERT … RETURNING id and returns the id.
func (tx *Tx) insert(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, q+" RETURNING id", args...).Scan(&id)
	return id, err
}

// query runs a read outside any transaction.
func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.reader().QueryContext(ctx, db.rebind(q), args...)
}

func (db *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return db.reader().QueryRowContext(ctx, db.rebind(q), args...)
}

// reader returns the read pool, through prepared statements kept for the
// next use where that pays (SQLite).
func (db *DB) reader() rowQuerier {
	if db.stmts == nil {
		return db.read
	}
	return cachedReader{db}
}

// stmtCache keeps the prepared statements of a pool by their SQL text:
// preparing a statement (parsing and planning it) costs SQLite more than
// running an indexed query. PostgreSQL's driver (pgx) keeps its own.
type stmtCache struct {
	pool  *sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// Limits of the statement cache: statements beyond them (say, an IN list
// of hundreds of IDs) are prepared for each use, as without a cache.
const (
	maxCachedStmts      = 256
	maxCachedStmtParams = 64
)

// get returns the prepared statement of q, or nil if q is not to be kept.
func (c *stmtCache) get(ctx context.Context, q string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := c.stmts[q]; st != nil {
		return st
	}
	if len(c.stmts) >= maxCachedStmts || strings.Count(q, "?") > maxCachedStmtParams {
		return nil
	}
	st, err := c.pool.PrepareContext(ctx, q)
	if err != nil {
		return nil // the query itself will report the error
	}
	c.stmts[q] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.stmts {
		st.Close()
		delete(c.stmts, q)
	}
}

// cachedReader runs reads of the read pool through its statement cache.
type cachedReader struct{ db *DB }

func (r cachedReader) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := r.db.stmts.get(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return r.db.read.QueryContext(ctx, q, args...)
}

func (r cachedReader) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := r.db.stmts.get(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return r.db.read.QueryRowContext(ctx, q, args...)
}

// audit records a change in the audit log, inside the change's transaction.
// before and after are marshalled to JSON; nil leaves them empty.
func (tx *Tx) audit(ctx context.Context, projectID int64, action, objectType string, objectID any, before, after any) error {
	e, err := auditEntry(projectID, action, objectType, objectID, before, after)
	if err != nil {
		return err
	}
	return tx.writeAudit(ctx, e)
}

// auditEntry makes an audit entry of a change to an object of a project (0:
// none), with the object before and after it as JSON (nil: none).
func auditEntry(projectID int64, action, objectType string, objectID any, before, after any) (*wubu.AuditEntry, error) {
	e := &wubu.AuditEntry{Action: action, ObjectType: objectType, ObjectID: fmt.Sprint(objectID)}
	if projectID != 0 {
		e.ProjectID = &projectID
	}
	for _, v := range []struct {
		src any
		dst *string
	}{{before, &e.Before}, {after, &e.After}} {
		if v.src == nil {
			continue
		}
		b, err := json.Marshal(v.src)
		if err != nil {
			return nil, err
		}
		*v.dst = string(b)
	}
	return e, nil
}

// writeAudit writes one audit entry as the user of ctx.
func (tx *Tx) writeAudit(ctx context.Context, e *wubu.AuditEntry) error {
	return tx.writeAudits(ctx, []*wubu.AuditEntry{e})
}

// writeAudits writes audit entries in one statement, each as the user of
// ctx (unless it names one) and from the request's address, at the
// transaction's time.
func (tx *Tx) writeAudits(ctx context.Context, entries []*wubu.AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	u := wubu.UserFromContext(ctx)
	ip := wubu.RequestInfoFromContext(ctx).IP
	args := make([]any, 0, 11*len(entries))
	for _, e := range entries {
		if u != nil && e.UserID == nil {
			// The command line acts as a system user with no account (ID 0).
			if u.ID != 0 {
				e.UserID = &u.ID
			}
			e.Login = u.Login
		}
		if e.IP == "" {
			e.IP = ip
		}
		e.At = tx.now
		args = append(args, e.At, e.UserID, e.Login, e.ProjectID, e.Action, e.ObjectType, e.ObjectID, e.Field, nullJSON(e.Before), nullJSON(e.After), e.IP)
	}
	_, err := tx.exec(ctx, `INSERT INTO audit_log (at, user_id, login, project_id, action, object_type, object_id, field, before_json, after_json, ip) VALUES `+
		strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", len(entries)-1)+`(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	if err != nil {
		return fmt.Errorf("write audit: %w", err)
	}
	return nil
}

func nullJSON(s string) any {
	if s == "" {
		return nil
	}
	return s
}
