package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Limits of a multi-row INSERT of the import: rows, and parameters
// (SQLite takes 32,766, PostgreSQL 65,535).
const (
	insertRowsMax   = 2000
	insertParamsMax = 32000
)

// insertRows inserts rows into a table, vals holding the columns' values
// row after row, up to 2,000 rows a statement (prepared once). Large
// statements matter on SQLite: inside the import's one transaction each
// multi-row statement keeps a statement journal of the pages it changes
// that earlier statements had changed already, and the fewer statements,
// the fewer pages journaled (docs/performance.md).
//
// The parameters stay anonymous (?): the SQLite driver looks each
// numbered or named parameter's name up in a list as long as the
// statement's, which made 32,000 numbered parameters cost seconds.
func (tx *Tx) insertRows(ctx context.Context, table string, cols []string, vals []any) error {
	n := len(cols)
	per := min(insertRowsMax, insertParamsMax/n)
	// On SQLite, OR FAIL: a row refused ends the statement without
	// undoing its rows before, so SQLite keeps no statement journal for
	// it; the import then rolls its whole transaction back.
	verb := "INSERT"
	if tx.db.Dialect == SQLite {
		verb = "INSERT OR FAIL"
	}
	stmt := func(k int) string {
		one := "(" + placeholders(n) + ")"
		return tx.db.rebind(verb + " INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+",", k), ","))
	}
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for start := 0; start < len(vals); start += per * n {
		end := min(start+per*n, len(vals))
		var err error
		if k := (end - start) / n; k < per {
			_, err = tx.ExecContext(ctx, stmt(k), vals[start:end]...)
		} else {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, stmt(per)); err != nil {
					return fmt.Errorf("insert into %s: %w", table, err)
				}
			}
			_, err = full.ExecContext(ctx, vals[start:end]...)
		}
		if err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}
