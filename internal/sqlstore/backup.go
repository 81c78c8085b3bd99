package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/wubu-oss/wubu/internal/secret"
)

// Backups (issue 12). SQLite: VACUUM INTO writes a consistent copy from one
// read transaction while the server keeps writing (WAL), and the copy is
// checked before it counts. PostgreSQL: pg_dump in its custom format, read
// back by pg_restore. A restore goes only into an empty target.

// ErrNoPgDump is returned when pg_dump or pg_restore is not installed.
var ErrNoPgDump = errors.New("pg_dump and pg_restore are needed for PostgreSQL backups: install the PostgreSQL client of the server's version (Debian: apt-get install postgresql-client)")

// Backup writes a consistent copy of the database to path, which must not
// exist yet.
func (db *DB) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup %s: the file exists already; choose a new name", path)
	}
	if db.Dialect == Postgres {
		dsn, schema, err := libpqDSN(db.DSN)
		if err != nil {
			return err
		}
		args := []string{"--format=custom", "--no-owner", "--file", path}
		if schema != "" {
			args = append(args, "--schema", schema)
		}
		return runPgTool(ctx, "pg_dump", append(args, dsn)...)
	}
	tmp := path + ".part"
	os.Remove(tmp)
	if _, err := db.write.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup: %w", err)
	}
	if err := CheckSQLiteFile(ctx, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup: the copy does not check out: %w", err)
	}
	return os.Rename(tmp, path)
}

// CheckSQLiteFile runs SQLite's integrity and foreign key checks on a
// database file.
func CheckSQLiteFile(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)")
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("integrity check: %s", res)
	}
	rows, err := db.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		var table string
		var rowid sql.NullInt64
		var parent string
		var fk int
		rows.Scan(&table, &rowid, &parent, &fk)
		return fmt.Errorf("foreign key check: a row of %s points to a missing row of %s", table, parent)
	}
	return rows.Err()
}

// Restore fills the empty database named by dsn from the backup at path.
// It refuses a target that holds anything, and a backup whose residents'
// ID numbers are sealed with a key that keys (from source) lacks: the keys
// are never in a backup.
func Restore(ctx context.Context, dsn, path string, keys *secret.Keyring, source string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if IsPostgres(dsn) {
		return restorePostgres(ctx, dsn, path, keys, source)
	}
	target := SQLitePath(dsn)
	if fi, err := os.Stat(target); err == nil && fi.Size() > 0 {
		return fmt.Errorf("restore: %s holds a database already; restore into an empty data directory", target)
	}
	if err := CheckSQLiteFile(ctx, path); err != nil {
		return fmt.Errorf("restore: the backup does not check out: %w", err)
	}
	records, err := sqliteKeyRecords(ctx, path)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := checkKeys(records, keys, source); err != nil {
		return fmt.Errorf("restore refused: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o750); err != nil {
		return err
	}
	tmp := target + ".restore"
	if err := copyFile(path, tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, target)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func restorePostgres(ctx context.Context, dsn, path string, keys *secret.Keyring, source string) error {
	conn, schema, err := libpqDSN(dsn)
	if err != nil {
		return err
	}
	records, err := dumpKeyRecords(ctx, path)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := checkKeys(records, keys, source); err != nil {
		return fmt.Errorf("restore refused: %w", err)
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&tables); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if tables > 0 {
		return fmt.Errorf("restore: the database holds %d tables already; restore into an empty database", tables)
	}
	if schema != "" {
		// The backup creates its schema: an empty one is made room for.
		if _, err := db.ExecContext(ctx, `DROP SCHEMA IF EXISTS "`+strings.ReplaceAll(schema, `"`, `""`)+`"`); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	}
	return runPgTool(ctx, "pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", "--dbname", conn, path)
}

// libpqDSN returns a DSN the PostgreSQL tools accept, and the schema named
// by its search_path, which they do not take as a parameter.
func libpqDSN(dsn string) (string, string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", "", fmt.Errorf("database URL: %w", err)
	}
	q := u.Query()
	schema := q.Get("search_path")
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String(), schema, nil
}

func runPgTool(ctx context.Context, tool string, args ...string) error {
	bin, err := exec.LookPath(tool)
	if err != nil {
		return ErrNoPgDump
	}
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", tool, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// sqliteKeyRecords reads the key records of an SQLite backup (none from a
// backup older than encryption).
func sqliteKeyRecords(ctx context.Context, path string) ([]keyRecord, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'secret_keys'`).Scan(&n); err != nil || n == 0 {
		return nil, err
	}
	return readKeyRecords(ctx, db, func(q string) string { return q })
}

// dumpKeyRecords reads the key records of a pg_dump backup: the rows of
// secret_keys as pg_restore writes them, tab-separated in a COPY block.
func dumpKeyRecords(ctx context.Context, path string) ([]keyRecord, error) {
	bin, err := exec.LookPath("pg_restore")
	if err != nil {
		return nil, ErrNoPgDump
	}
	out, err := exec.CommandContext(ctx, bin, "--data-only", "--table=secret_keys", "--file=-", path).Output()
	if err != nil {
		return nil, fmt.Errorf("pg_restore: read the backup's keys: %w", err)
	}
	var records []keyRecord
	copying := false
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(line, "COPY ") && strings.Contains(line, "secret_keys"):
			copying = true
		case copying && line == `\.`:
			copying = false
		case copying:
			f := strings.Split(line, "\t")
			if len(f) >= 2 {
				records = append(records, keyRecord{id: f[0], check: f[1]})
			}
		}
	}
	return records, nil
}
