package sqlstore

import (
	"context"
	"fmt"
)

// RollupRows returns every row of the daily roll-ups as text, in key
// order, for the tests comparing the ways of keeping them.
func RollupRows(ctx context.Context, db *DB) ([]string, error) {
	// The days steps marked are recomputed first, as a reader's would be.
	if err := NewRollupService(db).FlushDirty(ctx, 0); err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, `SELECT project_id, day, metric, building_id, user_id, n, total, b0, b1, b2, b3, b4, b5, b6, b7, b8
		FROM daily_figures ORDER BY project_id, metric, day, building_id, user_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p, b, u, n, tot int64
		var day, metric string
		var bs [9]int64
		if err := rows.Scan(&p, &day, &metric, &b, &u, &n, &tot, &bs[0], &bs[1], &bs[2], &bs[3], &bs[4], &bs[5], &bs[6], &bs[7], &bs[8]); err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprintf("%d %s %s b%d u%d n%d t%d %v", p, day, metric, b, u, n, tot, bs))
	}
	return out, rows.Err()
}
