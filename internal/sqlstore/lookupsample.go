package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
)

// LookupSamples are real values to look residents up by, drawn at random
// from the database: what a benchmark types into the lookup box.
type LookupSamples struct {
	PlateSuffixes []string // the last 4 characters of plates: "2345"
	Rooms         []string // labels of rooms with residents: "3-2-1201"
	Names         []string // full names: "王秀英"
	Initials      []string // pinyin initials of names: "wxy"
}

// SampleLookups draws n values of each kind from the projects, each from a
// row chosen at random (a random ID of a random project, by index: no
// table is read whole). The same seed gives the same samples.
func (db *DB) SampleLookups(ctx context.Context, projectIDs []int64, n int, seed uint64) (*LookupSamples, error) {
	rng := rand.New(rand.NewPCG(seed, 0x100c))
	s := &LookupSamples{}
	kinds := []struct {
		table, sample string
		into          func(vals []string)
	}{
		{"vehicles", `SELECT plate FROM vehicles WHERE project_id = ? AND id >= ? ORDER BY id LIMIT 1`, func(v []string) {
			rs := []rune(v[0])
			s.PlateSuffixes = append(s.PlateSuffixes, string(rs[max(0, len(rs)-4):]))
		}},
		{"households", `SELECT r.label FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
			WHERE h.project_id = ? AND h.id >= ? ORDER BY h.id LIMIT 1`, func(v []string) { s.Rooms = append(s.Rooms, v[0]) }},
		{"persons", `SELECT name, pinyin_initials FROM persons WHERE project_id = ? AND id >= ? ORDER BY id LIMIT 1`, func(v []string) {
			s.Names, s.Initials = append(s.Names, v[0]), append(s.Initials, v[1])
		}},
	}
	for _, k := range kinds {
		// The range of IDs of each project's rows.
		type span struct{ project, lo, hi int64 }
		var spans []span
		for _, p := range projectIDs {
			var lo, hi sql.NullInt64
			if err := db.queryRow(ctx, `SELECT MIN(id), MAX(id) FROM `+k.table+` WHERE project_id = ?`, p).Scan(&lo, &hi); err != nil {
				return nil, fmt.Errorf("sample %s: %w", k.table, err)
			}
			if lo.Valid {
				spans = append(spans, span{p, lo.Int64, hi.Int64})
			}
		}
		if len(spans) == 0 {
			return nil, errors.New("sample: the projects have no residents; seed them first")
		}
		for range n {
			sp := spans[rng.IntN(len(spans))]
			vals := make([]string, 2)
			dest := []any{&vals[0]}
			if k.table == "persons" {
				dest = append(dest, &vals[1])
			}
			if err := db.queryRow(ctx, k.sample, sp.project, sp.lo+rng.Int64N(sp.hi-sp.lo+1)).Scan(dest...); err != nil {
				return nil, fmt.Errorf("sample %s: %w", k.table, err)
			}
			k.into(vals)
		}
	}
	return s, nil
}

// ResidentCounts counts the residents' rows of the projects: persons,
// households (links of persons to rooms), vehicles and rooms.
func (db *DB) ResidentCounts(ctx context.Context, projectIDs []int64) (map[string]int64, error) {
	out := map[string]int64{}
	for _, table := range []string{"persons", "households", "vehicles", "rooms"} {
		q := `SELECT COUNT(*) FROM ` + table + ` WHERE project_id IN (` + placeholders(len(projectIDs)) + `)`
		var n int64
		if err := db.queryRow(ctx, q, int64Args(projectIDs)...).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s: %w", table, err)
		}
		out[table] = n
	}
	return out, nil
}
