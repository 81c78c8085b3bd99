// Package wubutest provides test helpers: databases on SQLite and, when
// WUBU_TEST_POSTGRES holds a DSN, on PostgreSQL; a controlled clock; and
// fixtures of projects and staff.
package wubutest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/secret"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// Clock is a controlled clock for tests. Its zero time is 2026-11-27 09:00
// in China Standard Time.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Start is the time a new Clock shows.
var Start = time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)

// NewClock returns a clock at Start.
func NewClock() *Clock { return &Clock{now: Start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Add moves the clock forward by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Set sets the clock.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Required reports whether tests must not skip for lack of PostgreSQL or
// Chromium: CI sets WUBU_REQUIRE_ALL=1 after starting both.
func Required() bool { return os.Getenv("WUBU_REQUIRE_ALL") == "1" }

// PostgresDSN returns the DSN of the test PostgreSQL server, or "".
func PostgresDSN() string { return os.Getenv("WUBU_TEST_POSTGRES") }

// Dialects returns the dialects to run store tests on: SQLite always,
// PostgreSQL when WUBU_TEST_POSTGRES is set.
func Dialects(t testing.TB) []string {
	if PostgresDSN() != "" {
		return []string{sqlstore.SQLite, sqlstore.Postgres}
	}
	if Required() {
		t.Fatal("WUBU_REQUIRE_ALL=1 but WUBU_TEST_POSTGRES is not set: the PostgreSQL tests would be skipped")
	}
	t.Log("WUBU_TEST_POSTGRES is not set: running on SQLite only (set it to a PostgreSQL DSN to run these tests there too)")
	return []string{sqlstore.SQLite}
}

// EachDB runs fn as a subtest named after each dialect, on a new, migrated,
// empty database with a controlled clock.
func EachDB(t *testing.T, fn func(t *testing.T, db *sqlstore.DB, clock *Clock)) {
	for _, d := range Dialects(t) {
		t.Run(d, func(t *testing.T) {
			db, clock := MustOpenDB(t, d)
			fn(t, db, clock)
		})
	}
}

// MustOpenDB opens a new, migrated, empty database of the dialect, closed
// and removed when the test ends.
func MustOpenDB(t testing.TB, dialect string) (*sqlstore.DB, *Clock) {
	t.Helper()
	dsn := NewDSN(t, dialect)
	if mode := os.Getenv("WUBU_SQLITE_SYNC"); mode != "" { // measure both: docs/performance.md
		if err := sqlstore.SetSQLiteSync(mode); err != nil {
			t.Fatal(err)
		}
	}
	db, err := sqlstore.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := NewClock()
	db.Clock = clock
	db.SetKeys(secret.ForTests(), "the test key")
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db, clock
}

// NewDSN returns the DSN of a new empty database: an SQLite file in a
// temporary directory, or a fresh schema on the test PostgreSQL server
// (dropped when the test ends).
func NewDSN(t testing.TB, dialect string) string {
	t.Helper()
	if dialect == sqlstore.SQLite {
		return filepath.Join(t.TempDir(), "wubu.db")
	}
	base := PostgresDSN()
	if base == "" {
		t.Fatal("WUBU_TEST_POSTGRES is not set")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Fixture holds a small organisation: two projects and staff in them.
type Fixture struct {
	DB       *sqlstore.DB
	Admin    *wubu.User
	ProjectA *wubu.Project
	ProjectB *wubu.Project
}

// Password is the password of every fixture account.
const Password = "Wubu2026!"

// NewFixture creates an admin and two projects, "A" and "B".
func NewFixture(t testing.TB, db *sqlstore.DB) *Fixture {
	t.Helper()
	ctx := context.Background()
	admin := &wubu.NewUser{User: wubu.User{Login: "admin", Name: "管理员", Role: wubu.RoleAdmin, Post: wubu.PostNone}, Password: Password}
	if err := sqlstore.NewUserService(db).CreateUserUnchecked(ctx, admin); err != nil {
		t.Fatal(err)
	}
	f := &Fixture{DB: db, Admin: &admin.User}
	actx := f.Ctx(f.Admin)
	ps := sqlstore.NewProjectService(db)
	f.ProjectA = &wubu.Project{Code: "LJY", Name: "丽景苑"}
	f.ProjectB = &wubu.Project{Code: "HTHY", Name: "海棠花园"}
	for _, p := range []*wubu.Project{f.ProjectA, f.ProjectB} {
		if err := ps.CreateProject(actx, p); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// Ctx returns a context signed in as u.
func (f *Fixture) Ctx(u *wubu.User) context.Context {
	return wubu.NewContextWithUser(context.Background(), u)
}

// User creates a staff account in the projects and returns it.
func (f *Fixture) User(t testing.TB, login string, role wubu.Role, post wubu.Post, projects ...*wubu.Project) *wubu.User {
	t.Helper()
	nu := &wubu.NewUser{User: wubu.User{Login: login, Name: login, Role: role, Post: post}, Password: Password}
	for _, p := range projects {
		nu.ProjectIDs = append(nu.ProjectIDs, p.ID)
	}
	if err := sqlstore.NewUserService(f.DB).CreateUser(f.Ctx(f.Admin), nu); err != nil {
		t.Fatal(err)
	}
	return &nu.User
}

// TextCells returns every text value of every table, but those of the
// tables skipped, as "table.column: value".
func TextCells(t *testing.T, db *sqlstore.DB, skip func(table string) bool) []string {
	t.Helper()
	q := `SELECT m.name, p.name FROM sqlite_master AS m, pragma_table_info(m.name) AS p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`
	if db.Dialect == sqlstore.Postgres {
		q = `SELECT c.table_name, c.column_name FROM information_schema.columns c JOIN information_schema.tables t
			ON t.table_schema = c.table_schema AND t.table_name = c.table_name
			WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'`
	}
	rows, err := db.SQL().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	type col struct{ table, name string }
	var cols []col
	for rows.Next() {
		var c col
		rows.Scan(&c.table, &c.name)
		if !skip(c.table) {
			cols = append(cols, c)
		}
	}
	rows.Close()
	var out []string
	for _, c := range cols {
		// Every column read as text: numbers, JSON and blobs too.
		expr := `CAST("` + c.name + `" AS TEXT)`
		rows, err := db.SQL().Query(`SELECT ` + expr + ` FROM "` + c.table + `" WHERE "` + c.name + `" IS NOT NULL`)
		if err != nil {
			t.Fatalf("%s.%s: %v", c.table, c.name, err)
		}
		for rows.Next() {
			var v string
			rows.Scan(&v)
			out = append(out, c.table+"."+c.name+": "+v)
		}
		rows.Close()
	}
	return out
}

// NoClearIDs fails if any text value of any table, or on SQLite the bytes
// of the database file and its WAL, holds one of the ID numbers in clear
// (with either case of X).
func NoClearIDs(t *testing.T, db *sqlstore.DB, ids ...string) {
	t.Helper()
	var needles []string
	for _, id := range ids {
		needles = append(needles, id, strings.ToLower(id))
	}
	for _, cell := range TextCells(t, db, func(string) bool { return false }) {
		for _, n := range needles {
			if strings.Contains(cell, n) {
				t.Error("ID number " + n + " in clear: " + cell)
			}
		}
	}
	if db.Dialect != sqlstore.SQLite {
		return
	}
	path := sqlstore.SQLitePath(db.DSN)
	for _, file := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(file)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, n := range needles {
			if strings.Contains(string(b), n) {
				t.Error("ID number " + n + " in clear in the bytes of " + file)
			}
		}
	}
}
