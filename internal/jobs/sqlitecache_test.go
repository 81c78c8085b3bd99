package jobs

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// TestStatementCache runs queries through River's SQLite pool: repeated
// statements are prepared once, a statement whose rows are open is run
// uncached when it comes again, scripts run whole, and the cache stays
// bounded.
func TestStatementCache(t *testing.T) {
	pool, err := openSQLitePool(filepath.Join(t.TempDir(), "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	ctx := context.Background()
	if _, err := pool.ExecContext(ctx, `CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1); INSERT INTO t VALUES (2);`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := pool.QueryRowContext(ctx, `SELECT COUNT(*) FROM t`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("the script ran partly: got %d rows, %v; want 2", n, err)
	}

	const q = `SELECT a FROM t WHERE a >= ? ORDER BY a`
	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	outer, err := tx.QueryContext(ctx, q, 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for outer.Next() {
		var a int
		if err := outer.Scan(&a); err != nil {
			t.Fatal(err)
		}
		// The same statement while its rows are open.
		var inner []int
		rows, err := tx.QueryContext(ctx, q, a)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var b int
			rows.Scan(&b)
			inner = append(inner, b)
		}
		rows.Close()
		got = append(got, fmt.Sprint(a, inner))
	}
	outer.Close()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[1 [1 2] 2 [2]]" {
		t.Fatalf("got %v, want [1 [1 2] 2 [2]]", got)
	}

	// Errors leave the statement usable; the cache stays bounded.
	if _, err := pool.ExecContext(ctx, `INSERT INTO t (nope) VALUES (?)`, 1); err == nil {
		t.Fatal("insert into a missing column: want an error")
	}
	for i := range maxCachedStmts + 10 {
		if err := pool.QueryRowContext(ctx, fmt.Sprintf(`SELECT %d + COUNT(*) FROM t`, i)).Scan(&n); err != nil || n != i+2 {
			t.Fatalf("got %d, %v; want %d", n, err, i+2)
		}
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Raw(func(dc any) error {
		c, ok := dc.(*cachingConn)
		if !ok {
			t.Fatalf("got connection %T, want *cachingConn", dc)
		}
		if len(c.stmts) > maxCachedStmts {
			t.Errorf("got %d cached statements, want at most %d", len(c.stmts), maxCachedStmts)
		}
		for _, s := range c.stmts {
			if s.busy {
				t.Error("a statement is still marked busy")
			}
		}
		return nil
	})
}
