package sqlstore_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// driftAllowFile lists the differences between the two migration sets that
// are meant: one a line, "difference | reason", * matching any text.
const driftAllowFile = "migrations/drift-allow.txt"

// TestMigrationsDrift migrates an empty SQLite and an empty PostgreSQL
// database and compares what each database's own catalogue says of the
// tables: their columns (types normalised, nullability), primary keys,
// foreign keys and indexes (names, columns, uniqueness, partial
// predicates). It fails on every difference drift-allow.txt does not list,
// and on every line of drift-allow.txt that no difference matches.
//
// Normalisation (what is not a difference):
//   - types compare by class: SQLite INTEGER ~ PostgreSQL bigint, integer,
//     smallint, and boolean (SQLite has no boolean type: 0 and 1); TEXT ~
//     text, varchar; BLOB ~ bytea; TIMESTAMP ~ timestamptz; REAL ~ double
//     precision, real, numeric;
//   - column order; goose's own table; operator classes
//     (text_pattern_ops: SQLite has none);
//   - SQLite's rowid ("id INTEGER PRIMARY KEY") is not null, whatever
//     table_info says (other primary key columns of SQLite take NULL
//     unless declared NOT NULL, and are compared as declared);
//   - unique constraints compare by their columns, not their names (SQLite
//     names them sqlite_autoindex_…); indexes of primary keys are the
//     primary key;
//   - partial index predicates compare as text without PostgreSQL's casts
//     and parentheses, "= ANY (ARRAY[…])" read as "IN (…)".
func TestMigrationsDrift(t *testing.T) {
	if !slices.Contains(wubutest.Dialects(t), sqlstore.Postgres) {
		t.Skip("WUBU_TEST_POSTGRES is not set: no PostgreSQL to compare SQLite with")
	}
	lite, _ := wubutest.MustOpenDB(t, sqlstore.SQLite)
	pg, _ := wubutest.MustOpenDB(t, sqlstore.Postgres)
	ctx := context.Background()
	ls, err := readSQLiteSchema(ctx, lite.SQL())
	if err != nil {
		t.Fatalf("read sqlite catalogue: %v", err)
	}
	ps, err := readPostgresSchema(ctx, pg.SQL())
	if err != nil {
		t.Fatalf("read postgres catalogue: %v", err)
	}
	allow, err := readDriftAllowList(driftAllowFile)
	if err != nil {
		t.Fatal(err)
	}
	diffs := schemaDiff(ls, ps)
	used := make([]bool, len(allow))
	var unexpected []string
	for _, d := range diffs {
		ok := false
		for i, a := range allow {
			if a.pattern.MatchString(d) {
				used[i], ok = true, true
			}
		}
		if !ok {
			unexpected = append(unexpected, d)
		}
	}
	t.Logf("%d tables on SQLite, %d on PostgreSQL; %d differences, %d of them allowed", len(ls), len(ps), len(diffs), len(diffs)-len(unexpected))
	if len(unexpected) > 0 {
		t.Errorf("the SQLite and PostgreSQL migrations differ (fix it with a migration in both folders, or, if it is meant, add the line with its reason to %s):\n\t%s",
			driftAllowFile, strings.Join(unexpected, "\n\t"))
	}
	for i, a := range allow {
		if !used[i] {
			t.Errorf("%s:%d: %q matches no difference: remove it", driftAllowFile, a.line, a.text)
		}
	}
}

// TestMigrationsDriftFinds checks that TestMigrationsDrift sees each kind of
// difference: it compares two small schemas written to differ.
func TestMigrationsDriftFinds(t *testing.T) {
	if !slices.Contains(wubutest.Dialects(t), sqlstore.Postgres) {
		t.Skip("WUBU_TEST_POSTGRES is not set: no PostgreSQL to compare SQLite with")
	}
	ctx := context.Background()
	read := map[string]func(context.Context, *sql.DB) (dbSchema, error){sqlstore.SQLite: readSQLiteSchema, sqlstore.Postgres: readPostgresSchema}
	ddl := map[string]string{
		sqlstore.SQLite: `CREATE TABLE p (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE);
			CREATE TABLE c (project_id INTEGER NOT NULL, id INTEGER NOT NULL, p_id INTEGER REFERENCES p (id) ON DELETE CASCADE,
				flag INTEGER NOT NULL DEFAULT 0, n INTEGER, note TEXT, at TIMESTAMP NOT NULL, "position" INTEGER, lite BLOB,
				PRIMARY KEY (project_id, id));
			CREATE INDEX c_at ON c (project_id, at DESC, "position") WHERE note IS NOT NULL AND n IN ('1', '2');
			CREATE UNIQUE INDEX c_note ON c (note);
			CREATE INDEX c_n ON c (n);
			CREATE TABLE only_lite (x TEXT);`,
		sqlstore.Postgres: `CREATE TABLE p (id bigint PRIMARY KEY, code text NOT NULL UNIQUE);
			CREATE TABLE c (project_id bigint NOT NULL, id bigint NOT NULL, p_id bigint REFERENCES p (id),
				flag boolean NOT NULL DEFAULT false, n text, note text NOT NULL, at timestamptz NOT NULL, "position" integer, pg bytea,
				PRIMARY KEY (project_id, id));
			CREATE INDEX c_at ON c (project_id, at DESC, "position") WHERE note IS NOT NULL AND n IN ('1', '2');
			CREATE INDEX c_note ON c (note);
			CREATE INDEX c_n ON c (n) WHERE n <> '';
			CREATE TABLE only_pg (x text);`,
	}
	schemas := map[string]dbSchema{}
	for _, d := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		db, err := sqlstore.Open(wubutest.NewDSN(t, d))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.SQL().ExecContext(ctx, ddl[d]); err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		if schemas[d], err = read[d](ctx, db.SQL()); err != nil {
			t.Fatalf("read %s catalogue: %v", d, err)
		}
	}
	got := schemaDiff(schemas[sqlstore.SQLite], schemas[sqlstore.Postgres])
	want := []string{
		"only_lite: table only on sqlite",
		"c.lite: column only on sqlite (BLOB)",
		"c.n: type sqlite INTEGER, postgres text",
		"c.note: nullable on sqlite, not null on postgres",
		"c.pg: column only on postgres (bytea)",
		"c: index c_n sqlite (n), postgres (n) where n <> ''",
		"c: index c_note sqlite unique (note), postgres (note)",
		"c: foreign key (p_id) -> p (id) ON DELETE CASCADE only on sqlite",
		"c: foreign key (p_id) -> p (id) only on postgres",
		"only_pg: table only on postgres",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("differences (-want +got):\n%s", diff)
	}
}

// dbSchema is what a database's catalogue says of its tables, by name.
type dbSchema map[string]*dbTable

type dbTable struct {
	columns     map[string]dbColumn
	primaryKey  []string
	indexes     map[string]dbIndex // by name; unique constraints by "unique (columns)"
	foreignKeys map[string]bool    // "(columns) -> table (columns) [ON DELETE …]"
}

func newDBTable() *dbTable {
	return &dbTable{columns: map[string]dbColumn{}, indexes: map[string]dbIndex{}, foreignKeys: map[string]bool{}}
}

type dbColumn struct {
	typ     string // as declared
	class   string // normalised
	notNull bool
}

type dbIndex struct {
	unique  bool
	columns []string // with " COLLATE x" and " DESC" where they are not the default
	include []string
	where   string // normalised predicate of a partial index
}

func (ix dbIndex) String() string {
	s := "(" + strings.Join(ix.columns, ", ") + ")"
	if ix.unique {
		s = "unique " + s
	}
	if len(ix.include) > 0 {
		s += " include (" + strings.Join(ix.include, ", ") + ")"
	}
	if ix.where != "" {
		s += " where " + ix.where
	}
	return s
}

func (ix dbIndex) equal(o dbIndex) bool { return ix.String() == o.String() }

// typeClass returns the class a column's declared type is compared by.
func typeClass(typ string) string {
	t := strings.ToLower(strings.TrimSpace(typ))
	if i := strings.IndexByte(t, '('); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	switch t {
	case "integer", "int", "bigint", "smallint", "int2", "int4", "int8":
		return "integer"
	case "text", "varchar", "character varying", "char", "character":
		return "text"
	case "blob", "bytea":
		return "blob"
	case "timestamp", "timestamptz", "timestamp with time zone", "datetime":
		return "timestamp"
	case "real", "double precision", "double", "float", "numeric", "decimal":
		return "real"
	case "boolean", "bool":
		return "boolean"
	}
	return t
}

// sameType reports whether a SQLite and a PostgreSQL column hold the same
// kind of value.
func sameType(lite, pg dbColumn) bool {
	return lite.class == pg.class || (lite.class == "integer" && pg.class == "boolean")
}

// schemaDiff returns the differences between the SQLite and the PostgreSQL
// schema, one line each, sorted.
func schemaDiff(lite, pg dbSchema) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	for _, name := range slices.Sorted(maps.Keys(lite)) {
		if pg[name] == nil {
			add("%s: table only on sqlite", name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(pg)) {
		l, p := lite[name], pg[name]
		if l == nil {
			add("%s: table only on postgres", name)
			continue
		}
		// Columns.
		for _, c := range slices.Sorted(maps.Keys(l.columns)) {
			lc, ok := p.columns[c]
			if !ok {
				add("%s.%s: column only on sqlite (%s)", name, c, l.columns[c].typ)
				continue
			}
			if !sameType(l.columns[c], lc) {
				add("%s.%s: type sqlite %s, postgres %s", name, c, l.columns[c].typ, lc.typ)
			}
			if l.columns[c].notNull != lc.notNull {
				add("%s.%s: %s on sqlite, %s on postgres", name, c, nullability(l.columns[c].notNull), nullability(lc.notNull))
			}
		}
		for _, c := range slices.Sorted(maps.Keys(p.columns)) {
			if _, ok := l.columns[c]; !ok {
				add("%s.%s: column only on postgres (%s)", name, c, p.columns[c].typ)
			}
		}
		// Primary keys.
		if !slices.Equal(l.primaryKey, p.primaryKey) {
			add("%s: primary key sqlite (%s), postgres (%s)", name, strings.Join(l.primaryKey, ", "), strings.Join(p.primaryKey, ", "))
		}
		// Indexes and unique constraints.
		for _, ix := range slices.Sorted(maps.Keys(l.indexes)) {
			li := l.indexes[ix]
			pi, ok := p.indexes[ix]
			switch {
			case !ok && strings.HasPrefix(ix, "unique ("):
				add("%s: %s only on sqlite", name, ix)
			case !ok:
				add("%s: index %s only on sqlite: %s", name, ix, li)
			case !li.equal(pi):
				add("%s: index %s sqlite %s, postgres %s", name, ix, li, pi)
			}
		}
		for _, ix := range slices.Sorted(maps.Keys(p.indexes)) {
			if _, ok := l.indexes[ix]; ok {
				continue
			}
			if strings.HasPrefix(ix, "unique (") {
				add("%s: %s only on postgres", name, ix)
			} else {
				add("%s: index %s only on postgres: %s", name, ix, p.indexes[ix])
			}
		}
		// Foreign keys.
		for _, fk := range slices.Sorted(maps.Keys(l.foreignKeys)) {
			if !p.foreignKeys[fk] {
				add("%s: foreign key %s only on sqlite", name, fk)
			}
		}
		for _, fk := range slices.Sorted(maps.Keys(p.foreignKeys)) {
			if !l.foreignKeys[fk] {
				add("%s: foreign key %s only on postgres", name, fk)
			}
		}
	}
	return out
}

func nullability(notNull bool) string {
	if notNull {
		return "not null"
	}
	return "nullable"
}

// foreignKey writes a foreign key as schemaDiff compares it.
func foreignKey(from []string, table string, to []string, onDelete, onUpdate string) string {
	s := fmt.Sprintf("(%s) -> %s (%s)", strings.Join(from, ", "), table, strings.Join(to, ", "))
	if onDelete != "NO ACTION" {
		s += " ON DELETE " + onDelete
	}
	if onUpdate != "NO ACTION" {
		s += " ON UPDATE " + onUpdate
	}
	return s
}

// uniqueKey is the key of a unique constraint in dbTable.indexes.
func uniqueKey(columns []string) string { return "unique (" + strings.Join(columns, ", ") + ")" }

var (
	pgCast    = regexp.MustCompile(`::[a-z_]+( (with|without) time zone| precision| varying)?(\[\])?`)
	pgAnyOf   = regexp.MustCompile(`(?i)= ANY \(ARRAY\[([^\]]*)\]\)`)
	pgNoneOf  = regexp.MustCompile(`(?i)<> ALL \(ARRAY\[([^\]]*)\]\)`)
	spaces    = regexp.MustCompile(`\s+`)
	sqlWhere  = regexp.MustCompile(`(?is)\swhere\s(.*)$`)
	wildcards = regexp.MustCompile(`\\\*`)
)

// predicate normalises the predicate of a partial index.
func predicate(s string) string {
	s = pgCast.ReplaceAllString(s, "")
	s = pgAnyOf.ReplaceAllString(s, "IN ($1)")
	s = pgNoneOf.ReplaceAllString(s, "NOT IN ($1)")
	s = strings.NewReplacer("(", " ", ")", " ", ";", " ").Replace(strings.ToLower(s))
	return strings.TrimSpace(spaces.ReplaceAllString(s, " "))
}

// readSQLiteSchema reads the schema from sqlite_master and the table_info,
// index_list, index_xinfo and foreign_key_list pragmas. (The write pool has
// one connection: each query's rows are read to the end before the next.)
func readSQLiteSchema(ctx context.Context, db *sql.DB) (dbSchema, error) {
	names, err := queryStrings(ctx, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name <> 'goose_db_version'`)
	if err != nil {
		return nil, err
	}
	s := dbSchema{}
	for _, name := range names {
		tb := newDBTable()
		s[name] = tb
		// Columns and the primary key.
		err := eachRow(ctx, db, `SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY pk, cid`, []any{name}, func(scan func(...any) error) error {
			var c dbColumn
			var col string
			var pk int
			if err := scan(&col, &c.typ, &c.notNull, &pk); err != nil {
				return err
			}
			if pk > 0 {
				tb.primaryKey = append(tb.primaryKey, col)
			}
			c.class = typeClass(c.typ)
			tb.columns[col] = c
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(tb.primaryKey) == 1 && strings.EqualFold(tb.columns[tb.primaryKey[0]].typ, "INTEGER") {
			// The rowid: never null, whatever table_info says. (Other
			// primary key columns of SQLite take NULL unless NOT NULL.)
			c := tb.columns[tb.primaryKey[0]]
			c.notNull = true
			tb.columns[tb.primaryKey[0]] = c
		}
		if err := readSQLiteIndexes(ctx, db, name, tb); err != nil {
			return nil, err
		}
		if err := readSQLiteForeignKeys(ctx, db, name, tb); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// readSQLiteIndexes reads a table's indexes but its primary key's.
func readSQLiteIndexes(ctx context.Context, db *sql.DB, table string, tb *dbTable) error {
	type listed struct {
		name, origin string
		unique       bool
	}
	var list []listed
	err := eachRow(ctx, db, `SELECT name, "unique", origin FROM pragma_index_list(?) WHERE origin <> 'pk'`, []any{table}, func(scan func(...any) error) error {
		var l listed
		err := scan(&l.name, &l.unique, &l.origin)
		list = append(list, l)
		return err
	})
	if err != nil {
		return err
	}
	for _, l := range list {
		ix := dbIndex{unique: l.unique}
		err := eachRow(ctx, db, `SELECT cid, COALESCE(name, ''), "desc", coll FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno`, []any{l.name}, func(scan func(...any) error) error {
			var cid int
			var col, coll string
			var desc bool
			if err := scan(&cid, &col, &desc, &coll); err != nil {
				return err
			}
			if cid == -2 {
				col = "<expression>"
			}
			if coll != "BINARY" {
				col += " COLLATE " + coll
			}
			if desc {
				col += " DESC"
			}
			ix.columns = append(ix.columns, col)
			return nil
		})
		if err != nil {
			return err
		}
		if l.origin == "u" {
			tb.indexes[uniqueKey(ix.columns)] = ix
			continue
		}
		var def string
		if err := db.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`, l.name).Scan(&def); err != nil {
			return err
		}
		if m := sqlWhere.FindStringSubmatch(def); m != nil {
			ix.where = predicate(m[1])
		}
		tb.indexes[l.name] = ix
	}
	return nil
}

// readSQLiteForeignKeys reads a table's foreign keys.
func readSQLiteForeignKeys(ctx context.Context, db *sql.DB, table string, tb *dbTable) error {
	type fk struct {
		table, onUpdate, onDelete string
		from, to                  []string
	}
	var fks []*fk
	last := -1
	err := eachRow(ctx, db, `SELECT id, "table", "from", COALESCE("to", ''), on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`, []any{table}, func(scan func(...any) error) error {
		var id int
		var parent, from, to, onUpdate, onDelete string
		if err := scan(&id, &parent, &from, &to, &onUpdate, &onDelete); err != nil {
			return err
		}
		if id != last {
			fks = append(fks, &fk{table: parent, onUpdate: onUpdate, onDelete: onDelete})
			last = id
		}
		f := fks[len(fks)-1]
		f.from = append(f.from, from)
		if to != "" {
			f.to = append(f.to, to)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, f := range fks {
		if len(f.to) == 0 {
			// "REFERENCES t" alone: the parent's primary key.
			if f.to, err = queryStrings(ctx, db, `SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, f.table); err != nil {
				return err
			}
		}
		tb.foreignKeys[foreignKey(f.from, f.table, f.to, f.onDelete, f.onUpdate)] = true
	}
	return nil
}

// pgAction names PostgreSQL's foreign key actions as SQLite does.
var pgAction = map[string]string{"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}

// readPostgresSchema reads the schema of the connection's current schema
// from information_schema and pg_catalog.
func readPostgresSchema(ctx context.Context, db *sql.DB) (dbSchema, error) {
	names, err := queryStrings(ctx, db, `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname <> 'goose_db_version'`)
	if err != nil {
		return nil, err
	}
	arrays := pgtype.NewMap()
	s := dbSchema{}
	for _, name := range names {
		tb := newDBTable()
		s[name] = tb
		// Columns.
		err := eachRow(ctx, db, `SELECT column_name, data_type, is_nullable = 'NO' FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1`, []any{name}, func(scan func(...any) error) error {
			var c dbColumn
			var col string
			if err := scan(&col, &c.typ, &c.notNull); err != nil {
				return err
			}
			c.class = typeClass(c.typ)
			tb.columns[col] = c
			return nil
		})
		if err != nil {
			return nil, err
		}
		// Indexes: the primary key's, unique constraints' and the others,
		// each column with its collation where it is not the column's own,
		// and DESC; columns past indnkeyatts are INCLUDE columns.
		err = eachRow(ctx, db, `SELECT ic.relname, i.indisprimary, i.indisunique, COALESCE(con.contype, ''),
				i.indnkeyatts, COALESCE(pg_get_expr(i.indpred, i.indrelid), ''),
				ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnatts) k ORDER BY k),
				ARRAY(SELECT CASE WHEN COALESCE(i.indcollation[k - 1], 0) IN (0, COALESCE(a.attcollation, 0)) THEN '' ELSE quote_ident(coll.collname) END
					FROM generate_series(1, i.indnatts) k
					LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1]
					LEFT JOIN pg_collation coll ON coll.oid = i.indcollation[k - 1]
					ORDER BY k),
				ARRAY(SELECT COALESCE(i.indoption[k - 1] & 1, 0) = 1 FROM generate_series(1, i.indnatts) k ORDER BY k)
			FROM pg_index i
			JOIN pg_class ic ON ic.oid = i.indexrelid
			LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x')
			WHERE i.indrelid = $1::regclass`, []any{name}, func(scan func(...any) error) error {
			var ixName, contype, where string
			var primary, unique bool
			var keys int
			var cols, colls []string
			var desc []bool
			if err := scan(&ixName, &primary, &unique, &contype, &keys, &where, arrays.SQLScanner(&cols), arrays.SQLScanner(&colls), arrays.SQLScanner(&desc)); err != nil {
				return err
			}
			ix := dbIndex{unique: unique, where: predicate(where)}
			for k, col := range cols {
				col = unquoteIdent(col)
				if k >= keys {
					ix.include = append(ix.include, col)
					continue
				}
				if colls[k] != "" {
					col += " COLLATE " + colls[k]
				}
				if desc[k] {
					col += " DESC"
				}
				ix.columns = append(ix.columns, col)
			}
			switch {
			case primary:
				tb.primaryKey = ix.columns
			case contype == "u":
				tb.indexes[uniqueKey(ix.columns)] = ix
			default:
				tb.indexes[ixName] = ix
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		// Foreign keys.
		err = eachRow(ctx, db, `SELECT ref.relname, con.confdeltype, con.confupdtype,
				ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i),
				ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i)
			FROM pg_constraint con JOIN pg_class ref ON ref.oid = con.confrelid
			WHERE con.conrelid = $1::regclass AND con.contype = 'f'`, []any{name}, func(scan func(...any) error) error {
			var table, del, upd string
			var from, to []string
			if err := scan(&table, &del, &upd, arrays.SQLScanner(&from), arrays.SQLScanner(&to)); err != nil {
				return err
			}
			tb.foreignKeys[foreignKey(from, table, to, pgAction[del], pgAction[upd])] = true
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

// unquoteIdent returns a column name PostgreSQL quoted ("position") as
// SQLite writes it.
func unquoteIdent(s string) string {
	if len(s) > 1 && s[0] == '"' && s[len(s)-1] == '"' && !strings.ContainsAny(s[1:len(s)-1], `" `) {
		return s[1 : len(s)-1]
	}
	return s
}

// eachRow runs a query and calls fn with the Scan of each row, reading the
// rows to the end.
func eachRow(ctx context.Context, db *sql.DB, q string, args []any, fn func(scan func(...any) error) error) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

func queryStrings(ctx context.Context, db *sql.DB, q string, args ...any) ([]string, error) {
	var out []string
	err := eachRow(ctx, db, q, args, func(scan func(...any) error) error {
		var s string
		err := scan(&s)
		out = append(out, s)
		return err
	})
	return out, err
}

// driftAllowed is a line of the allow-list.
type driftAllowed struct {
	line    int
	text    string
	pattern *regexp.Regexp
}

// readDriftAllowList reads the allow-list: "difference | reason" lines,
// blank lines and # comments. A line without a reason is an error.
func readDriftAllowList(path string) ([]driftAllowed, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []driftAllowed
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		diff, reason, ok := strings.Cut(line, " | ")
		if diff, reason = strings.TrimSpace(diff), strings.TrimSpace(reason); !ok || diff == "" || reason == "" {
			return nil, fmt.Errorf("%s:%d: want \"difference | reason\", got %q", path, n, line)
		}
		p := "^" + wildcards.ReplaceAllString(regexp.QuoteMeta(diff), ".*") + "$"
		out = append(out, driftAllowed{line: n, text: diff, pattern: regexp.MustCompile(p)})
	}
	return out, sc.Err()
}
