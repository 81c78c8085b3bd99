package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
)

// The roll-ups' days to do. A step marks, in its transaction, the days of
// the metrics it may have changed (flushRollups): one row of rollup_dirty
// a project, metric and day, written with ON CONFLICT DO NOTHING, so that
// a day already marked costs the step one index probe and no lock. The
// days are recomputed from the raw rows afterwards, each in a transaction
// of its own that takes the mark away and moves the project's roll-up
// version (rollup_cache.go):
//
//   - by the next read of the project's figures, before it reads them (a
//     reader always sees every committed step);
//   - by the server's flusher, woken by each commit that marked days
//     (StartRollupFlusher), so that readers seldom find any;
//   - by the periodic job, for every project.
//
// A step changing a day while its recomputation runs marks it again, or
// waits for the recomputation's commit on PostgreSQL and marks it then: a
// day whose raw rows changed is recomputed after the change.

// markDirty marks days of metrics of a project to recompute, in the step's
// transaction.
func markDirty(ctx context.Context, tx *Tx, marks []rollupMark) error {
	if len(marks) == 0 {
		return nil
	}
	const per = 300
	for start := 0; start < len(marks); start += per {
		batch := marks[start:min(start+per, len(marks))]
		vals := make([]any, 0, len(batch)*3)
		for _, mk := range batch {
			vals = append(vals, mk.projectID, mk.metric, mk.day)
		}
		q := `INSERT INTO rollup_dirty (project_id, metric, day) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?),", len(batch)), ",") + ` ON CONFLICT DO NOTHING`
		if _, err := tx.exec(ctx, q, vals...); err != nil {
			return fmt.Errorf("mark the roll-ups' days: %w", err)
		}
	}
	tx.markedRollups = true
	// The request that takes the step reads its figures again afterwards.
	fv := wubu.FigureVersionsFromContext(ctx)
	for _, mk := range marks {
		fv.Forget(mk.projectID)
	}
	return nil
}

// FlushDirty recomputes the marked days of a project's roll-ups (every
// project's when projectID is 0), until none is left.
func (s *RollupService) FlushDirty(ctx context.Context, projectID int64) error {
	for {
		q, args := `SELECT project_id, metric, day FROM rollup_dirty ORDER BY project_id, metric, day LIMIT 100`, []any(nil)
		if projectID != 0 {
			q, args = `SELECT project_id, metric, day FROM rollup_dirty WHERE project_id = ? ORDER BY metric, day LIMIT 100`, []any{projectID}
		}
		rows, err := s.db.write.QueryContext(ctx, s.db.rebind(q), args...)
		if err != nil {
			return err
		}
		var marks []rollupMark
		for rows.Next() {
			var mk rollupMark
			if err := rows.Scan(&mk.projectID, &mk.metric, &mk.day); err != nil {
				rows.Close()
				return err
			}
			marks = append(marks, mk)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(marks) == 0 {
			return nil
		}
		for _, mk := range marks {
			if err := s.flushDay(ctx, mk); err != nil {
				return err
			}
		}
	}
}

// flushDay recomputes one marked day in a transaction of its own.
func (s *RollupService) flushDay(ctx context.Context, mk rollupMark) error {
	metrics := rollupMetrics()
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// On PostgreSQL, recomputations of the same day take turns: the second
	// finds the mark gone and stops.
	if tx.db.Dialect == Postgres {
		h := fnv.New64a()
		fmt.Fprintf(h, "rollup:%d:%s:%s", mk.projectID, mk.metric, mk.day)
		if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(h.Sum64())); err != nil {
			return fmt.Errorf("roll up %s: %w", mk.metric, err)
		}
	}
	res, err := tx.exec(ctx, `DELETE FROM rollup_dirty WHERE project_id = ? AND metric = ? AND day = ?`, mk.projectID, mk.metric, mk.day)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // done by another
	}
	i := slices.IndexFunc(metrics, func(m rollupMetric) bool { return m.Name == mk.metric })
	from, err := dayStart(mk.day)
	if i >= 0 && err == nil {
		if err := rollDays(ctx, tx, metrics[i], mk.projectID, from, from.AddDate(0, 0, 1)); err != nil {
			return err
		}
	}
	if err := bumpRollupVersion(ctx, tx, mk.projectID); err != nil {
		return err
	}
	return tx.Commit()
}

// hasDirty reports whether a project has marked days to recompute.
func hasDirty(ctx context.Context, db *DB, projectID int64) (bool, error) {
	var one int
	err := db.queryRow(ctx, `SELECT 1 FROM rollup_dirty WHERE project_id = ? LIMIT 1`, projectID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// StartRollupFlusher recomputes marked days soon after the commits that
// mark them (and every interval in case of a commit in another process),
// until ctx ends. Servers start it.
func (db *DB) StartRollupFlusher(ctx context.Context, interval time.Duration) {
	wake := make(chan struct{}, 1)
	db.rollupWake = wake
	s := NewRollupService(db)
	go func() {
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-wake:
			case <-tick.C:
			}
			if err := s.FlushDirty(ctx, 0); err != nil && ctx.Err() == nil {
				slog.Error("roll-ups: recomputing the marked days", "err", err)
			}
		}
	}()
}
