package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/wubu-oss/wubu"
)

// The figures a server has read from the roll-ups, kept until the
// project's roll-ups change. Every transaction that writes a project's
// roll-ups — a step's (flushRollups), the periodic job's and a rebuild's
// (rollProject) — adds one to the project's version in rollup_versions, in
// that transaction; a read first reads the version (one indexed row), then
// the figures, and keeps them under that version. A version that moved,
// in this process or in another sharing the database (a `wubu rollups
// rebuild` beside a running server, a second server on PostgreSQL), means
// the figures are read again: the cache never serves figures older than
// the last committed roll-up. Reading the version before the figures
// makes a race safe: figures newer than their version are read again
// next time, never the other way round.
type figureCache struct {
	mu sync.Mutex
	m  map[string]cachedFigures
	// reading holds the reads under way: readers of the same figures at
	// the same version wait for the first, so that a change of the
	// roll-ups under many open dashboards costs one read, not one each.
	reading map[string]*figureRead
}

// figureRead is a read of figures under way.
type figureRead struct {
	done chan struct{}
	figs []*wubu.Figure
	err  error
}

type cachedFigures struct {
	version int64
	figs    []*wubu.Figure
}

// maxCachedFigures bounds the cache: beyond it, it is emptied.
const maxCachedFigures = 4096

// CacheFigures makes the database keep the figures it reads from the
// roll-ups until they change (see figureCache). Servers turn it on; tests
// leave it off unless they test it. Call it before serving.
func (db *DB) CacheFigures(on bool) {
	if on {
		db.figures = &figureCache{}
	} else {
		db.figures = nil
	}
}

// rollupVersion reads the version of a project's roll-ups (0 before any).
func rollupVersion(ctx context.Context, db *DB, projectID int64) (int64, error) {
	var v int64
	err := db.queryRow(ctx, `SELECT version FROM rollup_versions WHERE project_id = ?`, projectID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// bumpRollupVersion adds one to the version of a project's roll-ups, in
// the transaction that wrote them.
func bumpRollupVersion(ctx context.Context, tx *Tx, projectID int64) error {
	_, err := tx.exec(ctx, `INSERT INTO rollup_versions (project_id, version) VALUES (?, 1)
		ON CONFLICT (project_id) DO UPDATE SET version = rollup_versions.version + 1`, projectID)
	wubu.FigureVersionsFromContext(ctx).Forget(projectID)
	return err
}

// cachedFiguresOf returns the figures of a filter, from the cache when the
// project's roll-ups have not changed since they were read.
func (s *RollupService) cachedFiguresOf(ctx context.Context, f wubu.FigureFilter, read func() ([]*wubu.Figure, error)) ([]*wubu.Figure, error) {
	// One version a request (wubu.FigureVersions): a page's several reads
	// of a project's figures ask for it once and agree. The first read of
	// the request recomputes the days steps marked (rollup_dirty.go).
	fv := wubu.FigureVersionsFromContext(ctx)
	version, ok := fv.Get(f.ProjectID)
	if !ok {
		if dirty, err := hasDirty(ctx, s.db, f.ProjectID); err != nil {
			return nil, err
		} else if dirty {
			if err := s.FlushDirty(ctx, f.ProjectID); err != nil {
				return nil, err
			}
		}
	}
	c := s.db.figures
	if c == nil {
		return read()
	}
	if !ok {
		v, err := rollupVersion(ctx, s.db, f.ProjectID)
		if err != nil {
			return nil, err
		}
		version = v
		fv.Set(f.ProjectID, version)
	}
	key := fmt.Sprintf("%d|%s|%s|%s|%q", f.ProjectID, f.From, f.To, f.Group, f.Metrics)
	c.mu.Lock()
	if e, ok := c.m[key]; ok && e.version == version {
		c.mu.Unlock()
		return copyFigures(e.figs), nil
	}
	at := fmt.Sprintf("%s@%d", key, version)
	if r, ok := c.reading[at]; ok {
		c.mu.Unlock()
		select {
		case <-r.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if r.err != nil {
			return read() // the first reader's error (its request ended, say) is not this one's
		}
		return copyFigures(r.figs), nil
	}
	r := &figureRead{done: make(chan struct{})}
	if c.reading == nil {
		c.reading = map[string]*figureRead{}
	}
	c.reading[at] = r
	c.mu.Unlock()

	r.figs, r.err = read()
	c.mu.Lock()
	delete(c.reading, at)
	if r.err == nil {
		if c.m == nil || len(c.m) >= maxCachedFigures {
			c.m = map[string]cachedFigures{}
		}
		if e, ok := c.m[key]; !ok || e.version <= version {
			c.m[key] = cachedFigures{version: version, figs: copyFigures(r.figs)}
		}
	}
	c.mu.Unlock()
	close(r.done)
	if r.err != nil {
		return nil, r.err
	}
	return copyFigures(r.figs), nil
}

// copyFigures copies figures: callers may change what they are given.
func copyFigures(figs []*wubu.Figure) []*wubu.Figure {
	out := make([]*wubu.Figure, len(figs))
	for i, f := range figs {
		c := *f
		c.Buckets = slices.Clone(f.Buckets)
		out[i] = &c
	}
	return out
}

// TouchRollups moves the version of a project's roll-ups as a step that
// writes them does, without changing a figure: the server's next reads of
// the project's figures go to the database. For benchmarks.
func (db *DB) TouchRollups(ctx context.Context, projectID int64) error {
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := bumpRollupVersion(ctx, tx, projectID); err != nil {
		return err
	}
	return tx.Commit()
}
