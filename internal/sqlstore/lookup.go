package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"unicode"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/cnformat"
)

// MaxLookupResults caps one lookup.
const MaxLookupResults = 50

// Lookup finds residents by plate, room, name, pinyin or phone digits
// (F5). Each kind of query is one indexed search: plates by their
// reversed form (a suffix becomes a prefix), rooms by label, names and
// pinyin by prefix, phones by their last four digits. Every search names
// the projects it looks in, so each is a range of an index that leads
// with project_id — also for a company admin, whose scope is every
// project.
func (s *ResidentService) Lookup(ctx context.Context, projectID int64, q string, limit int) ([]*wubu.LookupResult, error) {
	u, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID)
	if err != nil {
		return nil, err
	}
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, wubu.FieldErrorf("q", wubu.EINVALID, "Type a plate, room, name or the last 4 digits of a phone to search.")
	}
	if limit <= 0 || limit > MaxLookupResults {
		limit = 20
	}
	// The projects to search: the one asked for, or all the caller serves.
	var scope []int64
	switch {
	case projectID != 0:
		scope = []int64{projectID}
	case u.AllProjects():
		if scope, err = s.projectIDs(ctx); err != nil {
			return nil, err
		}
	default:
		scope = u.ProjectIDs
	}
	if len(scope) == 0 {
		return []*wubu.LookupResult{}, nil
	}

	var hits []LookupHit
	seen := map[int64]bool{}
	for _, st := range s.db.LookupSearches(scope, q, limit) {
		if len(hits) >= limit {
			break
		}
		rows, err := s.db.LookupQuery(ctx, st)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var h LookupHit
			if err := rows.Scan(&h.ProjectID, &h.PersonID); err != nil {
				rows.Close()
				return nil, err
			}
			if !seen[h.PersonID] && len(hits) < limit {
				seen[h.PersonID] = true
				h.Match = st.Match
				hits = append(hits, h)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return s.lookupResults(ctx, hits)
}

// projectIDs returns the IDs of every project, for a company-wide lookup.
func (s *ResidentService) projectIDs(ctx context.Context) ([]int64, error) {
	rows, err := s.db.query(ctx, `SELECT id FROM projects ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// LookupStatement is one statement a lookup runs, written for the
// database's dialect.
type LookupStatement struct {
	// Match is what a search matches: "room", "plate", "phone", "pinyin"
	// or "name"; empty for the statement that loads what a lookup shows.
	Match string
	SQL   string // with the dialect's placeholders
	Args  []any
}

// LookupHit is a person a lookup's search found, and what matched.
type LookupHit struct {
	ProjectID, PersonID int64
	Match               string
}

// LookupSearches returns the searches Lookup runs for q in the projects,
// in order, each returning (project_id, person_id) rows, at most limit.
// Lookup stops once it has limit persons. Exported so that the benchmark
// can measure the plain SQL under the service (wubu bench) and tests can
// check the query plans; q must be trimmed and scope not empty.
func (db *DB) LookupSearches(scope []int64, q string, limit int) []LookupStatement {
	in := "project_id = ?"
	if len(scope) > 1 {
		in = "project_id IN (" + placeholders(len(scope)) + ")"
	}
	var out []LookupStatement
	add := func(match, where, rest string, args ...any) {
		st := LookupStatement{Match: match, SQL: db.rebind(strings.ReplaceAll(where, "@scope", in) + rest + " LIMIT ?")}
		st.Args = append(append(int64Args(scope), args...), limit)
		out = append(out, st)
	}
	// A room, in any of the forms people write.
	if ref, err := cnformat.ParseRoom(q); err == nil {
		add("room", `SELECT h.project_id, h.person_id FROM rooms r
			JOIN households h ON h.project_id = r.project_id AND h.room_id = r.id
			WHERE r.@scope AND r.label = ?`, ` ORDER BY h.move_out, h.relation, h.id`, ref.String())
	}
	// A whole plate, or the end of one.
	if plate, err := cnformat.NormalizePlate(q); err == nil {
		add("plate", `SELECT project_id, person_id FROM vehicles WHERE @scope AND plate = ?`, "", plate)
	} else if suffix, ok := plateEnd(q); ok {
		cond, args := db.prefixMatch("plate_rev", reverse(suffix))
		add("plate", `SELECT project_id, person_id FROM vehicles WHERE @scope AND `+cond, ` ORDER BY plate`, args...)
	}
	// The last four digits of a phone, or a whole number.
	if len(q) == 4 && isDigits(q) {
		add("phone", `SELECT project_id, person_id FROM person_phones WHERE @scope AND last4 = ?`, ` ORDER BY person_id`, q)
	} else if len(q) == 11 && isDigits(q) {
		add("phone", `SELECT project_id, person_id FROM person_phones WHERE @scope AND phone = ?`, "", q)
	}
	// Pinyin initials ("zs") or full pinyin ("zhangsan").
	if cnformat.IsPinyinQuery(q) {
		lq := strings.ToLower(q)
		cond, args := db.prefixMatch("pinyin_initials", lq)
		add("pinyin", `SELECT project_id, id FROM persons WHERE @scope AND `+cond, ` ORDER BY `+db.byteOrder("pinyin_initials")+`, id`, args...)
		if len(lq) > 1 {
			cond, args = db.prefixMatch("pinyin_full", lq)
			add("pinyin", `SELECT project_id, id FROM persons WHERE @scope AND `+cond, ` ORDER BY `+db.byteOrder("pinyin_full")+`, id`, args...)
		}
	}
	// A name, or its beginning.
	if hasHan(q) {
		cond, args := db.prefixMatch("name", q)
		add("name", `SELECT project_id, id FROM persons WHERE @scope AND `+cond, ` ORDER BY `+db.byteOrder("name")+`, id`, args...)
	}
	return out
}

// LookupDetails returns the statement that loads what a lookup shows of
// the persons found, one row each: ID, name, care flags, first phone,
// plates (in the order added) and rooms with the relation (current homes
// first), the lists joined by lookupSep and lookupRelSep. The last three
// are the person's lookup card, kept on its row by triggers (migration
// 00012), so the statement reads one row per person. The (project,
// person) pairs go in as a list in one argument (two on PostgreSQL) that
// drives a join on the primary key, so the statement's text is the same
// whatever the number of persons and stays prepared.
func (db *DB) LookupDetails(hits []LookupHit) LookupStatement {
	from, project, person, args := db.hitList(hits)
	return LookupStatement{SQL: db.rebind(`SELECT p.id, p.name, p.care_flags, p.card_phone, p.card_plates, p.card_homes
		FROM ` + from + ` CROSS JOIN persons p WHERE p.project_id = ` + project + ` AND p.id = ` + person), Args: args}
}

// Separators of the lists LookupDetails returns: control characters,
// which no name, label, plate or relation may contain.
const (
	lookupSep    = 0x1f // between items
	lookupRelSep = 0x1e // between a room's label and the relation
)

// hitList returns a FROM item that lists the hits' (project, person)
// pairs, the expressions of its two columns, and its arguments: a JSON
// array read by json_each on SQLite (where CROSS JOIN makes it the outer
// loop), two arrays unnested on PostgreSQL.
func (db *DB) hitList(hits []LookupHit) (from, project, person string, args []any) {
	if db.Dialect == Postgres {
		projects, persons := make([]int64, len(hits)), make([]int64, len(hits))
		for i, h := range hits {
			projects[i], persons[i] = h.ProjectID, h.PersonID
		}
		return "unnest(?::bigint[], ?::bigint[]) AS j (project_id, person_id)", "j.project_id", "j.person_id", []any{projects, persons}
	}
	b := make([]byte, 0, 16*len(hits)+2)
	b = append(b, '[')
	for i, h := range hits {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = strconv.AppendInt(b, h.ProjectID, 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, h.PersonID, 10)
		b = append(b, ']')
	}
	return "json_each(?) AS j", "(j.value ->> 0)", "(j.value ->> 1)", []any{string(append(b, ']'))}
}

// LookupQuery runs one of the lookup's statements on the read pool, through
// a prepared statement kept for the next lookup (SQLite; PostgreSQL's
// driver keeps its own).
func (db *DB) LookupQuery(ctx context.Context, st LookupStatement) (*sql.Rows, error) {
	return db.reader().QueryContext(ctx, st.SQL, st.Args...)
}

// plateEnd reports whether q can be the end of a plate: its last 3–5
// characters as a guard often sees them, or the whole plate without its
// province ("B12345").
func plateEnd(q string) (string, bool) {
	if suffix, ok := cnformat.PlateSuffix(q); ok {
		return suffix, true
	}
	u := strings.ToUpper(strings.NewReplacer(" ", "", "·", "", ".", "", "-", "").Replace(q))
	if n := len(u); n < 6 || n > 7 {
		return "", false
	}
	digit := false
	for _, r := range u {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return "", false
		}
		digit = digit || r >= '0' && r <= '9'
	}
	return u, digit
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// lookupResults loads what a lookup shows of each person found, in one
// statement (LookupDetails).
func (s *ResidentService) lookupResults(ctx context.Context, hits []LookupHit) ([]*wubu.LookupResult, error) {
	out := make([]*wubu.LookupResult, 0, len(hits))
	if len(hits) == 0 {
		return out, nil
	}
	byID := map[int64]*wubu.LookupResult{}
	for _, h := range hits {
		r := &wubu.LookupResult{PersonID: h.PersonID, ProjectID: h.ProjectID, Match: h.Match, Rooms: []string{}, Plates: []string{}, CareFlags: []wubu.CareFlag{}}
		byID[h.PersonID] = r
		out = append(out, r)
	}
	rows, err := s.db.LookupQuery(ctx, s.db.LookupDetails(hits))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name, flags, phone, plates, rooms string
		if err := rows.Scan(&id, &name, &flags, &phone, &plates, &rooms); err != nil {
			return nil, err
		}
		r := byID[id]
		r.Name, r.CareFlags = name, splitFlags(flags)
		if phone != "" {
			r.Phone = cnformat.MaskPhone(phone)
		}
		if plates != "" {
			r.Plates = strings.Split(plates, string(rune(lookupSep)))
		}
		if rooms != "" {
			for i, room := range strings.Split(rooms, string(rune(lookupSep))) {
				label, rel, _ := strings.Cut(room, string(rune(lookupRelSep)))
				if i == 0 {
					r.Room, r.Relation = label, wubu.Relation(rel)
				}
				r.Rooms = append(r.Rooms, label)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
