package sqlstore

import (
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// rebind turns the ? placeholders in which Wubu's SQL is written into
// PostgreSQL's $1, $2, … . Queries never contain a literal "?".
func (db *DB) rebind(q string) string {
	if db.Dialect != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// isUniqueViolation reports whether err is a unique-constraint violation.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// likeOp returns the case-insensitive LIKE operator of the dialect.
func (db *DB) likeOp() string {
	if db.Dialect == Postgres {
		return "ILIKE"
	}
	return "LIKE"
}

// likePattern returns a pattern matching s anywhere, with LIKE's wildcards
// in s escaped (queries using it add ESCAPE '\').
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// prefixMatch returns a condition that col starts with prefix, written as
// a range in byte order so that an index on col in that order serves it
// and, with ORDER BY byteOrder(col), returns its rows in index order:
// SQLite's indexes compare bytes; PostgreSQL's lookup indexes are on
// col COLLATE "C" (migration 00003).
func (db *DB) prefixMatch(col, prefix string) (string, []any) {
	c := db.byteOrder(col)
	return "(" + c + " >= ? AND " + c + " < ?)", []any{prefix, prefix + "\U0010FFFF"}
}

// byteOrder returns col compared byte by byte: PostgreSQL's "C" collation,
// SQLite's default.
func (db *DB) byteOrder(col string) string {
	if db.Dialect == Postgres {
		return col + ` COLLATE "C"`
	}
	return col
}

// placeholders returns n comma-separated placeholders.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?,", n-1) + "?"
}

// int64Args returns ids as query arguments.
func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
