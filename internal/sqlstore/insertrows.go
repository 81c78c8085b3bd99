package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Limits of a multi-row INSERT of the import: rows, and parameters
// (SQLite takes 32,766, PostgreSQL 65,535).
const (
	insertRowsMax   = 2000
	insertParamsMax = 32000
)

// insertRows inserts rows into a table, vals holding the columns' values
// row after row, up to 2,000 rows a statement (prepared once).
//
// Two things make it fast on SQLite, measured in docs/performance.md:
//   - Large statements. Inside the import's one transaction each
//     multi-row statement keeps a statement journal of the pages it
//     changes that earlier statements had changed already; the fewer
//     statements, the fewer pages journaled.
//   - Values the same in every row (the project, the time of the import,
//     the user) are bound once a statement as numbered parameters
//     (?1, $1) that every row names, not once a row: each bound value
//     costs the driver an allocation and a copy, and a time a formatting.
func (tx *Tx) insertRows(ctx context.Context, table string, cols []string, vals []any) error {
	n := len(cols)
	if n == 0 || len(vals) == 0 {
		return nil
	}
	rows := len(vals) / n
	// The columns whose value is the same in every row.
	same := make([]bool, n)
	var shared []any
	for c := range n {
		same[c] = true
		for r := 1; r < rows && same[c]; r++ {
			same[c] = sameValue(vals[r*n+c], vals[c])
		}
		if same[c] {
			shared = append(shared, vals[c])
		}
	}
	k, v := len(shared), n-len(shared) // parameters shared, and a row's own
	per := min(insertRowsMax, rows)
	if v > 0 {
		per = min(per, (insertParamsMax-k)/v)
	}
	param := func(i int) string {
		if tx.db.Dialect == Postgres {
			return "$" + strconv.Itoa(i)
		}
		return "?" + strconv.Itoa(i)
	}
	// stmt is the INSERT of m rows.
	stmt := func(m int) string {
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		next := k + 1
		for r := range m {
			if r > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			s := 0
			for c := range n {
				if c > 0 {
					b.WriteByte(',')
				}
				if same[c] {
					s++
					b.WriteString(param(s))
				} else {
					b.WriteString(param(next))
					next++
				}
			}
			b.WriteByte(')')
		}
		return b.String()
	}
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	args := make([]any, 0, k+per*v)
	for start := 0; start < rows; start += per {
		m := min(per, rows-start)
		args = append(args[:0], shared...)
		for r := start; r < start+m; r++ {
			for c := range n {
				if !same[c] {
					args = append(args, vals[r*n+c])
				}
			}
		}
		var err error
		if m < per {
			_, err = tx.ExecContext(ctx, stmt(m), args...)
		} else {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, stmt(per)); err != nil {
					return fmt.Errorf("insert into %s: %w", table, err)
				}
			}
			_, err = full.ExecContext(ctx, args...)
		}
		if err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}

// sameValue reports whether two values to bind are the same; values of
// other types than the import binds are never the same.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	case int:
		y, ok := b.(int)
		return ok && x == y
	case *int64:
		y, ok := b.(*int64)
		return ok && x == y
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x == y
	}
	return false
}
