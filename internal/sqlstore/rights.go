package sqlstore

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
)

// Residents' rights (PIPL Art. 45, 47): a copy of everything held about a
// person and erasure on request. Both find what is held by the schema
// itself, so that tables added later are covered without a change here:
// every column named person_id or …_person_id names the person, and every
// text column of a project's table may hold the person's values.

// ResidentRights implements wubu.ResidentRights.
type ResidentRights struct{ db *DB }

// NewResidentRights returns the residents' rights service over db.
func NewResidentRights(db *DB) *ResidentRights { return &ResidentRights{db: db} }

// column is a column of a table.
type column struct {
	name string
	text bool
}

// keptTables are left alone: the audit log (the one exemption, for its
// retention period), its chain, and the machinery's own tables.
func keptTable(name string) bool {
	return strings.HasPrefix(name, "audit_") || strings.HasPrefix(name, "river_") || name == "goose_db_version"
}

// schemaColumns returns the columns of every table but the kept ones.
func (db *DB) schemaColumns(ctx context.Context, q rowQuerier) (map[string][]column, error) {
	query := `SELECT m.name, p.name, p.type FROM sqlite_master AS m, pragma_table_info(m.name) AS p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid`
	if db.Dialect == Postgres {
		query = `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
			JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
			WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position`
	}
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]column{}
	for rows.Next() {
		var table, name, typ string
		if err := rows.Scan(&table, &name, &typ); err != nil {
			return nil, err
		}
		if keptTable(table) {
			continue
		}
		t := strings.ToUpper(typ)
		text := t == "" || strings.Contains(t, "TEXT") || strings.Contains(t, "CHAR") || strings.Contains(t, "CLOB")
		out[table] = append(out[table], column{name: name, text: text})
	}
	return out, rows.Err()
}

func hasColumn(cols []column, name string) bool {
	return slices.ContainsFunc(cols, func(c column) bool { return c.name == name })
}

// personRefColumns returns the columns of a table that name a person.
func personRefColumns(cols []column) []string {
	var out []string
	for _, c := range cols {
		if c.name == "person_id" || strings.HasSuffix(c.name, "_person_id") {
			out = append(out, c.name)
		}
	}
	return out
}

// ExportPerson returns everything held about a person and records the
// export in the audit log.
func (s *ResidentRights) ExportPerson(ctx context.Context, id int64) (*wubu.PersonData, error) {
	rs := &ResidentService{db: s.db}
	p, err := rs.findPerson(ctx, s.db.read, wubu.PermResidentView, id)
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentRights, p.ProjectID); err != nil {
		return nil, err
	}
	tables, err := s.db.schemaColumns(ctx, s.db.read)
	if err != nil {
		return nil, err
	}
	data := &wubu.PersonData{PersonID: id, ProjectID: p.ProjectID, Tables: map[string][]map[string]any{}}
	for table, cols := range tables {
		var where []string
		args := []any{}
		if table == "persons" {
			where = []string{"id = ?"}
			args = append(args, id)
		} else {
			for _, c := range personRefColumns(cols) {
				where, args = append(where, c+" = ?"), append(args, id)
			}
		}
		if len(where) == 0 {
			continue
		}
		q := `SELECT * FROM ` + table + ` WHERE (` + strings.Join(where, " OR ") + `)`
		if hasColumn(cols, "project_id") {
			q, args = q+` AND project_id = ?`, append(args, p.ProjectID)
		}
		rows, err := s.db.query(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", table, err)
		}
		names, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(names))
			ptrs := make([]any, len(names))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, err
			}
			row := make(map[string]any, len(names))
			for i, n := range names {
				row[n] = exportValue(vals[i])
			}
			// The resident gets their ID number in clear, not the sealed
			// value or its keyed hash.
			delete(row, "id_hash")
			if v, ok := row["id_number"].(string); ok {
				if row["id_number"], err = s.db.openID(v); err != nil {
					rows.Close()
					return nil, err
				}
			}
			data.Tables[table] = append(data.Tables[table], row)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	// The export is a read of everything, recorded like any reveal.
	if err := NewAuditService(s.db).RecordRead(ctx, p.ProjectID, "person", fmt.Sprint(id), "export"); err != nil {
		return nil, err
	}
	return data, nil
}

// exportValue makes a database value fit for JSON and a spreadsheet:
// bytes as text when they are text, else as base64 (a photo).
func exportValue(v any) any {
	switch v := v.(type) {
	case []byte:
		if utf8.Valid(v) {
			return string(v)
		}
		return "base64:" + base64.StdEncoding.EncodeToString(v)
	case time.Time:
		return v.UTC().Format(time.RFC3339)
	}
	return v
}

// erasedText replaces the person's values in other rows' text.
const erasedText = "***"

// ErasePerson anonymises a person everywhere but the audit log.
func (s *ResidentRights) ErasePerson(ctx context.Context, id int64, confirm string) error {
	rs := &ResidentService{db: s.db}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	p, err := rs.findPerson(ctx, tx, wubu.PermResidentView, id)
	if err != nil {
		return err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentRights, p.ProjectID); err != nil {
		return err
	}
	if p.Name == wubu.ErasedName {
		return wubu.Errorf(wubu.ECONFLICT, "This resident has been erased already.")
	}
	if strings.TrimSpace(confirm) != p.Name {
		return wubu.FieldErrorf("confirm", wubu.EINVALID, "Type the resident's name, %s, to confirm the erasure.", p.Name)
	}
	pid := p.ProjectID

	// The values to remove wherever they were copied.
	values := slices.Clone(p.Phones)
	if p.IDNumber != "" {
		values = append(values, p.IDNumber)
	}
	if utf8.RuneCountInString(p.Name) >= 2 {
		values = append(values, p.Name)
	}
	for _, free := range []string{p.Notes, p.Occupation} {
		if utf8.RuneCountInString(free) >= 4 {
			values = append(values, free)
		}
	}
	for _, q := range []string{`SELECT plate FROM vehicles WHERE project_id = ? AND person_id = ?`, `SELECT number FROM cards WHERE project_id = ? AND person_id = ?`} {
		rows, err := tx.query(ctx, q, pid, id)
		if err != nil {
			return err
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			values = append(values, v)
		}
		rows.Close()
	}
	// Longest first, so that no value is cut by a shorter one inside it.
	slices.SortFunc(values, func(a, b string) int { return len(b) - len(a) })
	values = slices.Compact(values)

	// The person's own rows: what identifies them goes; the row stays, so
	// that orders, passes and homes keep their shape.
	for _, table := range []string{"person_phones", "person_photos", "vehicles", "cards", "special_days", "contributions", "notify_optouts"} {
		if _, err := tx.exec(ctx, `DELETE FROM `+table+` WHERE project_id = ? AND person_id = ?`, pid, id); err != nil {
			return fmt.Errorf("erase %s: %w", table, err)
		}
	}
	if _, err := tx.exec(ctx, `UPDATE persons SET name = ?, gender = '', id_number = '', id_hash = '', birthday = '', occupation = '', notes = '', email = '', care_flags = '',
		importance = 0, importance_index = 0, pinyin_initials = '', pinyin_full = '', updated_at = ? WHERE project_id = ? AND id = ?`,
		wubu.ErasedName, tx.now, pid, id); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `UPDATE timeline SET text = '' WHERE project_id = ? AND person_id = ?`, pid, id); err != nil {
		return err
	}
	// The sealed ID number of the tenant registrations that filed them or
	// name their number (sealed values do not match the search of copies
	// below).
	if err := eraseSealedCopies(ctx, tx, pid, id, p.IDNumber); err != nil {
		return err
	}

	// Copies elsewhere: every text column of the project's tables.
	tables, err := s.db.schemaColumns(ctx, tx)
	if err != nil {
		return err
	}
	contains := "instr(%s, ?) > 0"
	if s.db.Dialect == Postgres {
		contains = "strpos(%s, ?) > 0"
	}
	changed := 0
	for table, cols := range tables {
		if !hasColumn(cols, "project_id") || len(values) == 0 {
			continue
		}
		for _, c := range cols {
			if !c.text || c.name == "project_id" {
				continue
			}
			set := c.name
			var conds []string
			var setArgs, condArgs []any
			for _, v := range values {
				set = "REPLACE(" + set + ", ?, ?)"
				setArgs = append(setArgs, v, erasedText)
				conds, condArgs = append(conds, fmt.Sprintf(contains, c.name)), append(condArgs, v)
			}
			// The REPLACEs nest outward, so their placeholders read
			// innermost first: in the order of values.
			res, err := tx.exec(ctx, `UPDATE `+table+` SET `+c.name+` = `+set+` WHERE project_id = ? AND (`+strings.Join(conds, " OR ")+`)`,
				append(append(setArgs, pid), condArgs...)...)
			if err != nil {
				return fmt.Errorf("erase %s.%s: %w", table, c.name, err)
			}
			n, _ := res.RowsAffected()
			changed += int(n)
		}
	}
	if err := tx.audit(ctx, pid, wubu.ActionErase, "person", id, nil, map[string]any{"rows_rewritten": changed}); err != nil {
		return err
	}
	return tx.Commit()
}

// eraseSealedCopies empties the sealed ID numbers of the project's tenant
// registrations that filed the person or hold their ID number.
func eraseSealedCopies(ctx context.Context, tx *Tx, projectID, personID int64, idNumber string) error {
	rows, err := tx.query(ctx, `SELECT id, id_number, COALESCE(person_id, 0) FROM tenant_registrations WHERE project_id = ? AND id_number <> ''`, projectID)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id, filed int64
		var v string
		if err := rows.Scan(&id, tx.db.openedID(&v), &filed); err != nil {
			rows.Close()
			return err
		}
		if filed == personID || (idNumber != "" && v == idNumber) {
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := tx.exec(ctx, `UPDATE tenant_registrations SET id_number = '' WHERE project_id = ? AND id = ?`, projectID, id); err != nil {
			return err
		}
	}
	return nil
}
