package sqlstore

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strconv"
)

// beginImportTx begins the one write transaction of an import. On SQLite
// it holds the write connection for the import and, for its transaction
// only, gives it a page cache of 256 MiB (a big import touches more pages
// than the default 2 MiB holds: spilling them to the WAL mid-transaction
// cost a third of the time) and turns its foreign-key checks off: the
// import writes only references it has just checked itself inside that
// same transaction, under SQLite's one write lock (the project's rooms,
// read after the lock was taken; resident IDs it reserved; the project;
// the user), so SQLite's own look-up of each parent row is done twice and
// nothing can change between. The bulk load does the same; a test runs
// PRAGMA foreign_key_check after imports. end gives the connection its
// settings back and must be called once the transaction is over.
func (db *DB) beginImportTx(ctx context.Context) (tx *Tx, end func(), err error) {
	if db.Dialect != SQLite {
		tx, err := db.BeginTx(ctx)
		return tx, func() {}, err
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("begin import: %w", err)
	}
	var size int64
	if err := conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&size); err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("begin import: %w", err)
	}
	end = func() {
		bg := context.WithoutCancel(ctx)
		for _, p := range []string{"foreign_keys = ON", "cache_size = " + strconv.FormatInt(size, 10)} {
			if _, err := conn.ExecContext(bg, "PRAGMA "+p); err != nil {
				// A connection whose settings cannot be restored is
				// closed, not given back to the pool.
				conn.Raw(func(any) error { return driver.ErrBadConn })
				break
			}
		}
		conn.Close()
	}
	// Outside any transaction: foreign keys cannot be switched inside one.
	for _, p := range []string{"foreign_keys = OFF", "cache_size = -262144"} {
		if _, err := conn.ExecContext(ctx, "PRAGMA "+p); err != nil {
			end()
			return nil, nil, fmt.Errorf("begin import: pragma %s: %w", p, err)
		}
	}
	t, err := conn.BeginTx(ctx, nil)
	if err != nil {
		end()
		return nil, nil, fmt.Errorf("begin import: %w", err)
	}
	return &Tx{Tx: t, db: db, now: db.now()}, end, nil
}
