package sqlstore

import (
	"context"
	"strings"
	"unicode"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/cnformat"
)

// MaxLookupResults caps one lookup.
const MaxLookupResults = 50

// hit is a person found by one kind of match.
type hit struct {
	projectID, personID int64
	match               string
}

// Lookup finds residents by plate, room, name, pinyin or phone digits
// (F5). Each kind of query is one indexed search: plates by their
// reversed form (a suffix becomes a prefix), rooms by label, names and
// pinyin by prefix, phones by their last four digits.
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
	scope, scopeArgs := "", []any{}
	switch {
	case projectID != 0:
		scope, scopeArgs = "project_id = ?", []any{projectID}
	case u.AllProjects():
		scope = "1 = 1"
	default:
		if len(u.ProjectIDs) == 0 {
			return []*wubu.LookupResult{}, nil
		}
		scope, scopeArgs = "project_id IN ("+placeholders(len(u.ProjectIDs))+")", int64Args(u.ProjectIDs)
	}

	var hits []hit
	seen := map[int64]bool{}
	search := func(match, query string, args ...any) error {
		if len(hits) >= limit {
			return nil
		}
		rows, err := s.db.query(ctx, query+" LIMIT ?", append(args, limit)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h hit
			if err := rows.Scan(&h.projectID, &h.personID); err != nil {
				return err
			}
			if !seen[h.personID] && len(hits) < limit {
				seen[h.personID] = true
				h.match = match
				hits = append(hits, h)
			}
		}
		return rows.Err()
	}
	with := func(args ...any) []any { return append(append([]any{}, scopeArgs...), args...) }
	where := func(col string) string { return strings.ReplaceAll(scope, "project_id", col) }

	// A room, in any of the forms people write.
	if ref, err := cnformat.ParseRoom(q); err == nil {
		err := search("room", `SELECT h.project_id, h.person_id FROM rooms r
			JOIN households h ON h.project_id = r.project_id AND h.room_id = r.id
			WHERE `+where("r.project_id")+` AND r.label = ? ORDER BY h.move_out, h.relation, h.id`, with(ref.String())...)
		if err != nil {
			return nil, err
		}
	}
	// A whole plate, or the end of one.
	if plate, err := cnformat.NormalizePlate(q); err == nil {
		if err := search("plate", `SELECT project_id, person_id FROM vehicles WHERE `+scope+` AND plate = ?`, with(plate)...); err != nil {
			return nil, err
		}
	} else if suffix, ok := plateEnd(q); ok {
		cond, args := s.db.prefixMatch("plate_rev", reverse(suffix))
		if err := search("plate", `SELECT project_id, person_id FROM vehicles WHERE `+scope+` AND `+cond+` ORDER BY plate`, with(args...)...); err != nil {
			return nil, err
		}
	}
	// The last four digits of a phone.
	if len(q) == 4 && isDigits(q) {
		if err := search("phone", `SELECT project_id, person_id FROM person_phones WHERE `+scope+` AND last4 = ? ORDER BY person_id`, with(q)...); err != nil {
			return nil, err
		}
	} else if len(q) == 11 && isDigits(q) {
		if err := search("phone", `SELECT project_id, person_id FROM person_phones WHERE `+scope+` AND phone = ?`, with(q)...); err != nil {
			return nil, err
		}
	}
	// Pinyin initials ("zs") or full pinyin ("zhangsan").
	if cnformat.IsPinyinQuery(q) {
		lq := strings.ToLower(q)
		cond, args := s.db.prefixMatch("pinyin_initials", lq)
		if err := search("pinyin", `SELECT project_id, id FROM persons WHERE `+scope+` AND `+cond+` ORDER BY pinyin_initials, id`, with(args...)...); err != nil {
			return nil, err
		}
		if len(lq) > 1 {
			cond, args = s.db.prefixMatch("pinyin_full", lq)
			if err := search("pinyin", `SELECT project_id, id FROM persons WHERE `+scope+` AND `+cond+` ORDER BY pinyin_full, id`, with(args...)...); err != nil {
				return nil, err
			}
		}
	}
	// A name, or its beginning.
	if hasHan(q) {
		cond, args := s.db.prefixMatch("name", q)
		if err := search("name", `SELECT project_id, id FROM persons WHERE `+scope+` AND `+cond+` ORDER BY name, id`, with(args...)...); err != nil {
			return nil, err
		}
	}
	return s.lookupResults(ctx, hits)
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

// lookupResults loads what a lookup shows of each person found, with one
// query per kind of detail.
func (s *ResidentService) lookupResults(ctx context.Context, hits []hit) ([]*wubu.LookupResult, error) {
	out := make([]*wubu.LookupResult, 0, len(hits))
	if len(hits) == 0 {
		return out, nil
	}
	byID := map[int64]*wubu.LookupResult{}
	var pairs []string
	var args []any
	for _, h := range hits {
		r := &wubu.LookupResult{PersonID: h.personID, ProjectID: h.projectID, Match: h.match, Rooms: []string{}, Plates: []string{}, CareFlags: []wubu.CareFlag{}}
		byID[h.personID] = r
		out = append(out, r)
		pairs = append(pairs, "(project_id = ? AND id = ?)")
		args = append(args, h.projectID, h.personID)
	}
	// The same (project_id, person_id) pairs, for the child tables.
	childWhere := strings.ReplaceAll(strings.Join(pairs, " OR "), "AND id =", "AND person_id =")

	rows, err := s.db.query(ctx, `SELECT id, name, care_flags FROM persons WHERE `+strings.Join(pairs, " OR "), args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var name, flags string
		if err := rows.Scan(&id, &name, &flags); err != nil {
			rows.Close()
			return nil, err
		}
		byID[id].Name, byID[id].CareFlags = name, splitFlags(flags)
	}
	rows.Close()

	rows, err = s.db.query(ctx, `SELECT h.person_id, r.label, h.relation FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
		WHERE `+strings.ReplaceAll(childWhere, "project_id", "h.project_id")+` ORDER BY h.move_out, r.label`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var label string
		var rel wubu.Relation
		if err := rows.Scan(&id, &label, &rel); err != nil {
			rows.Close()
			return nil, err
		}
		r := byID[id]
		if r.Room == "" {
			r.Room, r.Relation = label, rel
		}
		r.Rooms = append(r.Rooms, label)
	}
	rows.Close()

	rows, err = s.db.query(ctx, `SELECT person_id, plate FROM vehicles WHERE `+childWhere+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var plate string
		if err := rows.Scan(&id, &plate); err != nil {
			rows.Close()
			return nil, err
		}
		byID[id].Plates = append(byID[id].Plates, plate)
	}
	rows.Close()

	rows, err = s.db.query(ctx, `SELECT person_id, phone FROM person_phones WHERE `+childWhere+` AND position = 0`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var phone string
		if err := rows.Scan(&id, &phone); err != nil {
			return nil, err
		}
		byID[id].Phone = cnformat.MaskPhone(phone)
	}
	return out, rows.Err()
}
