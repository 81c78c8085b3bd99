package sqlstore

import (
	"context"
	"database/sql"
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

	out := make([]*wubu.LookupResult, 0, limit)
	seen := map[int64]bool{}
	for _, st := range s.db.LookupSearches(scope, q, limit) {
		if len(out) >= limit {
			break
		}
		rows, err := s.db.LookupQuery(ctx, st)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			r, err := scanLookupResult(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			if !seen[r.PersonID] && len(out) < limit {
				seen[r.PersonID] = true
				r.Match = st.Match
				wubu.RedactLookup(u, r)
				out = append(out, r)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
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

// LookupSearches returns the searches Lookup runs for q in the projects,
// in order, each returning at most limit rows of what the lookup shows of
// a person found (see lookupColumns); Lookup stops once it has limit
// persons. What a lookup shows is the person's lookup card, kept on its
// row by triggers (migration 00012), so each search is one statement: an
// index range, and a primary-key read per person found. Exported so that
// the benchmark can measure the plain SQL under the service (wubu bench)
// and tests can check the query plans; q must be trimmed and scope not
// empty.
func (db *DB) LookupSearches(scope []int64, q string, limit int) []LookupStatement {
	in := "project_id = ?"
	if len(scope) > 1 {
		in = "project_id IN (" + placeholders(len(scope)) + ")"
	}
	var out []LookupStatement
	add := func(match, from, rest string, args ...any) {
		st := LookupStatement{Match: match, SQL: db.rebind(`SELECT ` + lookupColumns + ` FROM ` + strings.ReplaceAll(from, "@scope", in) + rest + " LIMIT ?")}
		st.Args = append(append(int64Args(scope), args...), limit)
		out = append(out, st)
	}
	const person = ` JOIN persons p ON p.project_id = x.project_id AND p.id = x.person_id`
	// A room, in any of the forms people write.
	if ref, err := cnformat.ParseRoom(q); err == nil {
		add("room", `rooms r JOIN households x ON x.project_id = r.project_id AND x.room_id = r.id`+person+`
			WHERE r.@scope AND r.label = ?`, ` ORDER BY x.move_out, x.relation, x.id`, ref.String())
	}
	// A whole plate, or the end of one.
	if plate, err := cnformat.NormalizePlate(q); err == nil {
		add("plate", `vehicles x`+person+` WHERE x.@scope AND x.plate = ?`, ` ORDER BY x.person_id`, plate)
	} else if suffix, ok := plateEnd(q); ok {
		cond, args := db.prefixMatch("x.plate_rev", reverse(suffix))
		// In the index's order: with ORDER BY plate, PostgreSQL's generic
		// plan walked the project's plates in order and filtered them.
		add("plate", `vehicles x`+person+` WHERE x.@scope AND `+cond, ` ORDER BY `+db.byteOrder("x.plate_rev"), args...)
	}
	// The last four digits of a phone, or a whole number.
	if len(q) == 4 && isDigits(q) {
		add("phone", `person_phones x`+person+` WHERE x.@scope AND x.last4 = ?`, ` ORDER BY x.person_id`, q)
	} else if len(q) == 11 && isDigits(q) {
		add("phone", `person_phones x`+person+` WHERE x.@scope AND x.phone = ?`, ` ORDER BY x.person_id`, q)
	}
	// Pinyin initials ("zs") or full pinyin ("zhangsan").
	if cnformat.IsPinyinQuery(q) {
		lq := strings.ToLower(q)
		cond, args := db.prefixMatch("p.pinyin_initials", lq)
		add("pinyin", `persons p WHERE p.@scope AND `+cond, ` ORDER BY `+db.byteOrder("p.pinyin_initials")+`, p.id`, args...)
		if len(lq) > 1 {
			cond, args = db.prefixMatch("p.pinyin_full", lq)
			add("pinyin", `persons p WHERE p.@scope AND `+cond, ` ORDER BY `+db.byteOrder("p.pinyin_full")+`, p.id`, args...)
		}
	}
	// A name, or its beginning.
	if hasHan(q) {
		cond, args := db.prefixMatch("p.name", q)
		add("name", `persons p WHERE p.@scope AND `+cond, ` ORDER BY `+db.byteOrder("p.name")+`, p.id`, args...)
	}
	return out
}

// lookupColumns is what a lookup's search returns of each person found:
// project, ID, name, care flags, and the lookup card — first phone,
// plates (in the order added) and rooms with the relation (current homes
// first), the lists joined by lookupSep and lookupRelSep.
const lookupColumns = `p.project_id, p.id, p.name, p.care_flags, p.card_phone, p.card_plates, p.card_homes`

// Separators of the lists of a lookup card (lookupColumns): control characters,
// which no name, label, plate or relation may contain.
const (
	lookupSep    = 0x1f // between items
	lookupRelSep = 0x1e // between a room's label and the relation
)

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

// scanLookupResult reads a row of lookupColumns.
func scanLookupResult(rows *sql.Rows) (*wubu.LookupResult, error) {
	r := &wubu.LookupResult{Rooms: []string{}, Plates: []string{}}
	var flags, phone, plates, rooms string
	if err := rows.Scan(&r.ProjectID, &r.PersonID, &r.Name, &flags, &phone, &plates, &rooms); err != nil {
		return nil, err
	}
	r.CareFlags = splitFlags(flags)
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
	return r, nil
}
