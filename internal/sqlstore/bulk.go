package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/cnformat"
)

// Bulk writes a great many rows into a new database fast: multi-row INSERTs
// through prepared statements, in large transactions, with IDs it assigns
// itself. It is for filling a database nobody uses yet (the demo seed, load
// tests). Each row passes the validation of the services and gets the same
// derived columns (pinyin, phone suffixes, reversed plates, month and day of
// special days), but no timeline entries, credits or audit entry of its own:
// Audit records the whole load once.
//
// While a Bulk is open it holds the write connection, so nothing else may
// write; on SQLite foreign keys are not checked during the load (the writer
// guarantees them; a test checks with PRAGMA foreign_key_check) and the
// connection trades durability for speed until Commit, which restores the
// pragmas, checkpoints the WAL and updates the planner's statistics.
type Bulk struct {
	db   *DB
	conn *sql.Conn
	tx   *sql.Tx
	now  time.Time

	tables  []*bulkTable // in dependency order: parents first
	byName  map[string]*bulkTable
	pending int // rows buffered, all tables
	written int // rows written since the last commit
	// Rows counts the rows written per table.
	Rows map[string]int

	pinyin map[string][2]string // name → initials, full
	// indexes are the CREATE INDEX statements of the secondary indexes
	// dropped for the load of an empty database, made again by Commit.
	indexes []string
	// triggers are the CREATE TRIGGER statements of the lookup cards'
	// triggers dropped for the load (SQLite; on PostgreSQL they are
	// disabled), made again by Commit, which then fills the cards once.
	triggers    []string
	cardsPaused bool
}

// bulkTable buffers the rows of one table.
type bulkTable struct {
	name  string
	cols  []string
	batch int   // rows per full INSERT
	args  []any // buffered rows, column after column
	rows  int
	stmt  *sql.Stmt // the full-batch INSERT in the current transaction
	next  int64     // the next ID to assign; 0 if the table has no id column
}

// Bulk tuning: rows per flush of the buffers and per transaction.
const (
	bulkFlushRows  = 20000
	bulkCommitRows = 400000
	bulkMaxParams  = 4000
)

// bulkTableSchema names a table of a bulk load and its columns.
type bulkTableSchema struct {
	name string
	cols string
}

var bulkSchema = []bulkTableSchema{
	{"projects", "id, code, name, created_at, updated_at"},
	{"zones", "id, project_id, name, created_at"},
	{"buildings", "id, project_id, zone_id, name, created_at"},
	{"units", "id, project_id, building_id, name"},
	{"rooms", "id, project_id, building_id, unit_id, floor, number, label, area, created_at"},
	{"persons", "id, project_id, name, gender, id_number, id_hash, birthday, occupation, notes, care_flags, importance, importance_index, alarm_status, pinyin_initials, pinyin_full, created_by, created_at, updated_at"},
	{"person_phones", "project_id, person_id, position, phone, last4"},
	{"households", "id, project_id, room_id, person_id, relation, move_in, move_out, created_at, origin"},
	{"vehicles", "id, project_id, person_id, plate, plate_rev, note, created_at"},
	{"cards", "id, project_id, person_id, kind, number, expires_on, created_at"},
	{"appliances", "id, project_id, room_id, type, brand, model, note, created_at"},
	{"special_days", "id, project_id, person_id, kind, date, month_day, yearly, note, created_at"},
}

// BeginBulk starts a bulk load. The caller must Commit or Rollback it.
func (db *DB) BeginBulk(ctx context.Context) (b *Bulk, err error) {
	return db.beginBulk(ctx, bulkSchema, true)
}

// beginBulk starts a bulk load of the tables of schema; cards says whether
// the lookup cards' triggers are paused for it (the load writes persons).
func (db *DB) beginBulk(ctx context.Context, schema []bulkTableSchema, cards bool) (b *Bulk, err error) {
	b = &Bulk{db: db, now: db.now(), byName: map[string]*bulkTable{}, Rows: map[string]int{}, pinyin: map[string][2]string{}}
	if b.conn, err = db.write.Conn(ctx); err != nil {
		return nil, fmt.Errorf("bulk: %w", err)
	}
	defer func() {
		if err != nil {
			b.conn.Close()
		}
	}()
	if db.Dialect == SQLite {
		// Outside any transaction: foreign keys cannot be switched inside one.
		for _, p := range []string{"foreign_keys = OFF", "synchronous = OFF", "cache_size = -1048576"} {
			if _, err := b.conn.ExecContext(ctx, "PRAGMA "+p); err != nil {
				return nil, fmt.Errorf("bulk: pragma %s: %w", p, err)
			}
		}
	}
	empty := true
	for _, s := range schema {
		t := &bulkTable{name: s.name, cols: strings.Split(s.cols, ", ")}
		t.batch = max(1, min(500, bulkMaxParams/len(t.cols)))
		if t.cols[0] == "id" {
			if err := b.conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM `+t.name).Scan(&t.next); err != nil {
				return nil, fmt.Errorf("bulk: %s: %w", t.name, err)
			}
			empty = empty && t.next == 1
		}
		b.tables = append(b.tables, t)
		b.byName[t.name] = t
	}
	if empty && db.Dialect == SQLite {
		// Building an index once over sorted rows is much faster than
		// keeping it up to date row after row.
		if err := b.dropIndexes(ctx); err != nil {
			return nil, err
		}
	}
	// The lookup cards' triggers update a person per row written (and,
	// without the indexes, scan the table to do it): the cards are filled
	// once at the end instead.
	if cards {
		if err := b.pauseCards(ctx); err != nil {
			return nil, err
		}
	}
	if err := b.begin(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

// dropIndexes drops the secondary indexes of the bulk tables (not those of
// primary keys and UNIQUE constraints), remembering how to make them again.
func (b *Bulk) dropIndexes(ctx context.Context) (err error) {
	names := make([]string, len(b.tables))
	for i, t := range b.tables {
		names[i] = t.name
	}
	b.indexes, err = dropSQLiteObjects(ctx, b.conn, "index", names, "")
	if err != nil {
		return fmt.Errorf("bulk: %w", err)
	}
	return nil
}

// pauseCards stops the lookup cards' triggers for the load (see
// pauseCardTriggers); Commit makes them work again and fills the cards.
func (b *Bulk) pauseCards(ctx context.Context) (err error) {
	if b.triggers, err = pauseCardTriggers(ctx, b.conn, b.db.Dialect); err != nil {
		return fmt.Errorf("bulk: %w", err)
	}
	b.cardsPaused = true
	return nil
}

// resumeCards makes the lookup cards' triggers work again and, if fill,
// fills every person's card.
func (b *Bulk) resumeCards(ctx context.Context, fill bool) error {
	if !b.cardsPaused {
		return nil
	}
	if err := resumeCardTriggers(ctx, b.conn, b.db.Dialect, b.triggers); err != nil {
		return fmt.Errorf("bulk: %w", err)
	}
	b.triggers, b.cardsPaused = nil, false
	if fill {
		if _, err := b.conn.ExecContext(ctx, b.db.lookupCardsSQL()); err != nil {
			return fmt.Errorf("bulk: fill lookup cards: %w", err)
		}
	}
	return nil
}

// createIndexes makes again the indexes dropIndexes dropped.
func (b *Bulk) createIndexes(ctx context.Context) error {
	for _, create := range b.indexes {
		if _, err := b.conn.ExecContext(ctx, create); err != nil {
			return fmt.Errorf("bulk: %s: %w", create, err)
		}
	}
	b.indexes = nil
	return nil
}

func (b *Bulk) begin(ctx context.Context) error {
	tx, err := b.conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("bulk: begin: %w", err)
	}
	b.tx = tx
	for _, t := range b.tables {
		t.stmt = nil
	}
	return nil
}

// insertSQL returns the INSERT of n rows into t.
func (b *Bulk) insertSQL(t *bulkTable, n int) string {
	row := "(" + placeholders(len(t.cols)) + ")"
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ") VALUES ")
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(row)
	}
	return b.db.rebind(sb.String())
}

// add buffers a row of the table, flushing every buffer when they are full.
func (b *Bulk) add(ctx context.Context, t *bulkTable, row ...any) error {
	t.args = append(t.args, row...)
	t.rows++
	b.pending++
	if b.pending >= bulkFlushRows {
		return b.flush(ctx)
	}
	return nil
}

// flush writes every buffered row, parents first, so that foreign keys
// (checked per statement on PostgreSQL) always find their rows; past
// bulkCommitRows it commits and starts the next transaction.
func (b *Bulk) flush(ctx context.Context) error {
	for _, t := range b.tables {
		if err := b.flushTable(ctx, t); err != nil {
			return err
		}
	}
	b.pending = 0
	if b.written >= bulkCommitRows {
		if err := b.tx.Commit(); err != nil {
			return fmt.Errorf("bulk: commit: %w", err)
		}
		b.written = 0
		return b.begin(ctx)
	}
	return nil
}

func (b *Bulk) flushTable(ctx context.Context, t *bulkTable) error {
	ncols := len(t.cols)
	done := 0
	for t.rows-done >= t.batch {
		if t.stmt == nil {
			var err error
			if t.stmt, err = b.tx.PrepareContext(ctx, b.insertSQL(t, t.batch)); err != nil {
				return fmt.Errorf("bulk: prepare %s: %w", t.name, err)
			}
		}
		if _, err := t.stmt.ExecContext(ctx, t.args[done*ncols:(done+t.batch)*ncols]...); err != nil {
			return fmt.Errorf("bulk: insert into %s: %w", t.name, err)
		}
		done += t.batch
	}
	if rest := t.rows - done; rest > 0 {
		if _, err := b.tx.ExecContext(ctx, b.insertSQL(t, rest), t.args[done*ncols:]...); err != nil {
			return fmt.Errorf("bulk: insert into %s: %w", t.name, err)
		}
	}
	b.written += t.rows
	b.Rows[t.name] += t.rows
	clear(t.args)
	t.args, t.rows = t.args[:0], 0
	return nil
}

// id assigns the next ID of the table.
func (t *bulkTable) id() int64 {
	id := t.next
	t.next++
	return id
}

// Project adds a project. EINVALID for a malformed code or name.
func (b *Bulk) Project(ctx context.Context, p *wubu.Project) error {
	p.Code, p.Name = strings.ToUpper(strings.TrimSpace(p.Code)), strings.TrimSpace(p.Name)
	if !ValidProjectCode(p.Code) || !wubu.ValidName(p.Name, 64) {
		return wubu.Errorf(wubu.EINVALID, "Project %q (%s) is not valid.", p.Code, p.Name)
	}
	t := b.byName["projects"]
	p.ID, p.CreatedAt, p.UpdatedAt = t.id(), b.now, b.now
	return b.add(ctx, t, p.ID, p.Code, p.Name, b.now, b.now)
}

// Zone adds a zone.
func (b *Bulk) Zone(ctx context.Context, z *wubu.Zone) error {
	if z.Name = strings.TrimSpace(z.Name); !wubu.ValidName(z.Name, 32) {
		return wubu.Errorf(wubu.EINVALID, "Zone name %q is not valid.", z.Name)
	}
	t := b.byName["zones"]
	z.ID, z.CreatedAt = t.id(), b.now
	return b.add(ctx, t, z.ID, z.ProjectID, z.Name, b.now)
}

// Building adds a building.
func (b *Bulk) Building(ctx context.Context, bl *wubu.Building) error {
	if bl.Name = strings.TrimSpace(bl.Name); !wubu.ValidName(bl.Name, 16) || strings.Contains(bl.Name, "-") {
		return wubu.Errorf(wubu.EINVALID, "Building name %q is not valid.", bl.Name)
	}
	t := b.byName["buildings"]
	bl.ID, bl.CreatedAt = t.id(), b.now
	return b.add(ctx, t, bl.ID, bl.ProjectID, bl.ZoneID, bl.Name, b.now)
}

// Unit adds a unit of a building.
func (b *Bulk) Unit(ctx context.Context, u *wubu.Unit) error {
	if !wubu.ValidName(u.Name, 16) {
		return wubu.Errorf(wubu.EINVALID, "Unit name %q is not valid.", u.Name)
	}
	t := b.byName["units"]
	u.ID = t.id()
	return b.add(ctx, t, u.ID, u.ProjectID, u.BuildingID, u.Name)
}

// Room adds a room; its Label must be set (wubu.RoomLabel).
func (b *Bulk) Room(ctx context.Context, r *wubu.Room) error {
	if r.Label == "" || r.Number == "" {
		return wubu.Errorf(wubu.EINVALID, "Room %q is not valid.", r.Label)
	}
	t := b.byName["rooms"]
	r.ID = t.id()
	return b.add(ctx, t, r.ID, r.ProjectID, r.BuildingID, r.UnitID, r.Floor, r.Number, r.Label, r.Area, b.now)
}

// Person adds a person with their phones, validated and normalised as
// CreatePerson does (EINVALID naming the field).
func (b *Bulk) Person(ctx context.Context, p *wubu.Person) error {
	if err := normalizePerson(p); err != nil {
		return err
	}
	py, ok := b.pinyin[p.Name]
	if !ok {
		py = [2]string{cnformat.PinyinInitials(p.Name), cnformat.PinyinFull(p.Name)}
		b.pinyin[p.Name] = py
	}
	t := b.byName["persons"]
	p.ID, p.CreatedAt, p.UpdatedAt = t.id(), b.now, b.now
	sealed, hash, err := b.db.sealID(p.IDNumber)
	if err != nil {
		return err
	}
	if err := b.add(ctx, t, p.ID, p.ProjectID, p.Name, p.Gender, sealed, hash, p.Birthday, p.Occupation, p.Notes, joinFlags(p.CareFlags),
		p.Importance, p.ImportanceIndex, p.AlarmStatus, py[0], py[1], p.CreatedBy, b.now, b.now); err != nil {
		return err
	}
	phones := b.byName["person_phones"]
	for i, ph := range p.Phones {
		if err := b.add(ctx, phones, p.ProjectID, p.ID, i, ph, ph[len(ph)-4:]); err != nil {
			return err
		}
	}
	return nil
}

// Household links a person to a room of the same project.
func (b *Bulk) Household(ctx context.Context, h *wubu.Household) error {
	if !h.Relation.Valid() {
		return wubu.FieldErrorf("relation", wubu.EINVALID, "Relation %q is not valid.", string(h.Relation))
	}
	if err := validDate("move_in", h.MoveIn); err != nil {
		return err
	}
	if err := validDate("move_out", h.MoveOut); err != nil {
		return err
	}
	t := b.byName["households"]
	h.ID = t.id()
	return b.add(ctx, t, h.ID, h.ProjectID, h.RoomID, h.PersonID, h.Relation, h.MoveIn, h.MoveOut, b.now, originImport)
}

// Vehicle adds a plate, normalised as AddVehicle does. Plates must be
// unique per project: the writer ensures it, the database enforces it.
func (b *Bulk) Vehicle(ctx context.Context, v *wubu.Vehicle) error {
	plate, err := cnformat.NormalizePlate(v.Plate)
	if err != nil {
		return fieldErr("plate", err)
	}
	v.Plate, v.Note = plate, strings.TrimSpace(v.Note)
	t := b.byName["vehicles"]
	v.ID = t.id()
	return b.add(ctx, t, v.ID, v.ProjectID, v.PersonID, v.Plate, reverse(v.Plate), v.Note, b.now)
}

// Card adds a parking or access card.
func (b *Bulk) Card(ctx context.Context, c *wubu.Card) error {
	if !c.Kind.Valid() {
		return wubu.FieldErrorf("kind", wubu.EINVALID, "Card kind %q is not valid.", string(c.Kind))
	}
	if c.Number = strings.ToUpper(strings.TrimSpace(c.Number)); !wubu.ValidName(c.Number, 32) {
		return wubu.FieldErrorf("number", wubu.EINVALID, "Card number is required and must be at most %d characters.", 32)
	}
	if err := validDate("expires_on", c.ExpiresOn); err != nil {
		return err
	}
	t := b.byName["cards"]
	c.ID = t.id()
	return b.add(ctx, t, c.ID, c.ProjectID, c.PersonID, c.Kind, c.Number, c.ExpiresOn, b.now)
}

// Appliance adds an appliance of a room.
func (b *Bulk) Appliance(ctx context.Context, a *wubu.Appliance) error {
	a.Type, a.Brand, a.Model, a.Note = strings.TrimSpace(a.Type), strings.TrimSpace(a.Brand), strings.TrimSpace(a.Model), strings.TrimSpace(a.Note)
	if !wubu.ValidName(a.Type, 32) {
		return wubu.FieldErrorf("type", wubu.EINVALID, "Appliance type is required and must be at most %d characters.", 32)
	}
	t := b.byName["appliances"]
	a.ID = t.id()
	return b.add(ctx, t, a.ID, a.ProjectID, a.RoomID, a.Type, a.Brand, a.Model, a.Note, b.now)
}

// SpecialDay adds a special day of a person.
func (b *Bulk) SpecialDay(ctx context.Context, d *wubu.SpecialDay) error {
	if !d.Kind.Valid() {
		return wubu.FieldErrorf("kind", wubu.EINVALID, "Special day kind %q is not valid.", string(d.Kind))
	}
	if d.Date == "" {
		return wubu.FieldErrorf("date", wubu.EINVALID, "Date is required.")
	}
	if err := validDate("date", d.Date); err != nil {
		return err
	}
	d.Note = strings.TrimSpace(d.Note)
	t := b.byName["special_days"]
	d.ID = t.id()
	return b.add(ctx, t, d.ID, d.ProjectID, d.PersonID, d.Kind, d.Date, d.Date[5:], d.Yearly, d.Note, b.now)
}

// Audit records the load in the audit log, as the user of ctx: one entry
// for the whole run, with what it wrote in after.
func (b *Bulk) Audit(ctx context.Context, objectType, objectID string, after any) error {
	if err := b.flush(ctx); err != nil {
		return err
	}
	tx := &Tx{Tx: b.tx, db: b.db, now: b.now}
	return tx.audit(ctx, 0, wubu.ActionCreate, objectType, objectID, nil, after)
}

// Commit writes what is buffered, commits, and puts the database back in
// its everyday state: foreign keys on, durable writes, the WAL checkpointed
// (SQLite), the ID sequences past the IDs written (PostgreSQL), and fresh
// statistics for the query planner (ANALYZE).
func (b *Bulk) Commit(ctx context.Context) error {
	defer b.conn.Close()
	if err := b.flush(ctx); err != nil {
		b.tx.Rollback()
		return err
	}
	if err := b.tx.Commit(); err != nil {
		return fmt.Errorf("bulk: commit: %w", err)
	}
	if err := b.createIndexes(ctx); err != nil {
		return err
	}
	if err := b.resumeCards(ctx, true); err != nil {
		return err
	}
	var stmts []string
	if b.db.Dialect == SQLite {
		stmts = []string{"PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL", "PRAGMA cache_size = -2000", "PRAGMA analysis_limit = 1000", "ANALYZE", "PRAGMA wal_checkpoint(TRUNCATE)"}
	} else {
		for _, t := range b.tables {
			if t.next > 0 {
				stmts = append(stmts, `SELECT setval(pg_get_serial_sequence('`+t.name+`', 'id'), GREATEST((SELECT MAX(id) FROM `+t.name+`), 1))`)
			}
		}
		// VACUUM marks the new pages all-visible, for index-only scans;
		// ANALYZE tells the planner how big the tables have grown.
		names := make([]string, len(b.tables))
		for i, t := range b.tables {
			names[i] = t.name
		}
		stmts = append(stmts, "VACUUM ANALYZE "+strings.Join(names, ", "))
	}
	for _, s := range stmts {
		if _, err := b.conn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("bulk: %s: %w", s, err)
		}
	}
	return nil
}

// Rollback abandons what was not yet committed and restores the
// connection's pragmas. Rows of transactions already committed stay: a
// failed load leaves a database to throw away.
func (b *Bulk) Rollback() error {
	defer b.conn.Close()
	err := b.tx.Rollback()
	ctx := context.Background()
	err = errors.Join(err, b.resumeCards(ctx, false))
	if b.db.Dialect == SQLite {
		err = errors.Join(err, b.createIndexes(ctx))
		for _, p := range []string{"foreign_keys = ON", "synchronous = NORMAL", "cache_size = -2000"} {
			b.conn.ExecContext(ctx, "PRAGMA "+p)
		}
	}
	return err
}

// Size returns the size of the database on disk in bytes: the SQLite file
// with its write-ahead log, or the PostgreSQL database.
func (db *DB) Size(ctx context.Context) (int64, error) {
	var n int64
	if db.Dialect == Postgres {
		err := db.read.QueryRowContext(ctx, `SELECT pg_database_size(current_database())`).Scan(&n)
		return n, err
	}
	var pages, size int64
	if err := db.read.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		return 0, err
	}
	if err := db.read.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&size); err != nil {
		return 0, err
	}
	return pages * size, nil
}
