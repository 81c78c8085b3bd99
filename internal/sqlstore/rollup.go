package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
)

// The daily roll-ups (rollup_metrics.go declares the metrics): one row of
// daily_figures per project, metric, day (China time), building and person,
// each building's and each person's beside the project's (0 for "all").
//
// Three ways keep them, all computing a day of a metric from the raw rows
// the same way (rollDays), so that they always agree:
//
//   - a step marks, in its transaction, the days of the metrics it may
//     change (markObject, markDeadline → Tx.Commit → flushRollups), and
//     those days are recomputed after it: by the next read of the
//     project's figures, the server's flusher or the periodic job
//     (rollup_dirty.go);
//   - the periodic job (RollUp) recomputes every project's days from the
//     last one it rolled up through today, then any older marked day;
//   - Rebuild recomputes everything.

// RollupService reads and maintains the daily roll-ups.
type RollupService struct {
	db *DB
}

// NewRollupService returns the roll-ups of db.
func NewRollupService(db *DB) *RollupService { return &RollupService{db: db} }

var _ wubu.RollupService = (*RollupService)(nil)

// dayLayout is the form of the days of the roll-ups.
const dayLayout = "2006-01-02"

// dayOf returns the day (China time) of t.
func dayOf(t time.Time) string { return t.In(china).Format(dayLayout) }

// dayStart returns the start of a day given as 2006-01-02.
func dayStart(day string) (time.Time, error) {
	return time.ParseInLocation(dayLayout, day, china)
}

// rollupDays is how many days before the last one rolled up the periodic
// job rolls up again, for changes made without a step.
const rollupDays = 1

// figureCell is one row of daily_figures being computed.
type figureCell struct {
	day     string
	b, u    int64
	n, tot  int64
	buckets [9]int64
}

type cellKey struct {
	day  string
	b, u int64
}

// rollDays computes metric m of a project over [from, to) from the raw rows
// and replaces its rows of those days.
func rollDays(ctx context.Context, tx *Tx, m rollupMetric, projectID int64, from, to time.Time) error {
	cells, err := computeDays(ctx, tx, m, projectID, from, to)
	if err != nil {
		return fmt.Errorf("roll up %s: %w", m.Name, err)
	}
	if _, err := tx.exec(ctx, `DELETE FROM daily_figures WHERE project_id = ? AND metric = ? AND day >= ? AND day < ?`,
		projectID, m.Name, dayOf(from), dayOf(to)); err != nil {
		return err
	}
	return writeCells(ctx, tx, projectID, m.Name, cells)
}

// computeDays reads the items of metric m of a project over [from, to) and
// adds them up by day: the project's cell, the building's and the
// person's.
func computeDays(ctx context.Context, tx *Tx, m rollupMetric, projectID int64, from, to time.Time) ([]*figureCell, error) {
	args := []any{projectID, from.UTC(), to.UTC()}
	if m.args != nil {
		args = append(args, m.args(tx.now)...)
	}
	rows, err := tx.query(ctx, m.items, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cells := map[cellKey]*figureCell{}
	add := func(k cellKey, value int64, bucket int) {
		c := cells[k]
		if c == nil {
			c = &figureCell{day: k.day, b: k.b, u: k.u}
			cells[k] = c
		}
		c.n++
		c.tot += value
		if bucket >= 0 {
			c.buckets[bucket]++
		}
	}
	for rows.Next() {
		var at time.Time
		var b, u int64
		var value int64
		bucket := -1
		if m.Kind == wubu.MetricDuration {
			var since, until time.Time
			if err := rows.Scan(&at, &b, &u, &since, &until); err != nil {
				return nil, err
			}
			d := max(until.Sub(since), 0)
			value, bucket = int64(d/time.Second), wubu.BucketOf(d)
		} else {
			var open int64
			if err := rows.Scan(&at, &b, &u, &value, &open); err != nil {
				return nil, err
			}
			if open != 0 {
				bucket = 0
			}
		}
		day := dayOf(at)
		add(cellKey{day, 0, 0}, value, bucket)
		if b != 0 {
			add(cellKey{day, b, 0}, value, bucket)
		}
		if u != 0 {
			add(cellKey{day, 0, u}, value, bucket)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := slices.Collect(maps.Values(cells))
	slices.SortFunc(out, func(a, b *figureCell) int {
		return strings.Compare(a.day, b.day)*4 + cmpInt(a.b, b.b)*2 + cmpInt(a.u, b.u)
	})
	return out, nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

var figureCols = []string{"project_id", "day", "metric", "building_id", "user_id", "n", "total", "b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8"}

// writeCells inserts computed cells of a metric.
func writeCells(ctx context.Context, tx *Tx, projectID int64, metric string, cells []*figureCell) error {
	if len(cells) == 0 {
		return nil
	}
	// An upsert: a transaction of the periodic job and the flusher's may
	// write the same rows at once (PostgreSQL); the last to commit wins,
	// and the next run of the job recomputes the day.
	var set []string
	for _, c := range figureCols[5:] {
		set = append(set, c+" = excluded."+c)
	}
	one := "(" + placeholders(len(figureCols)) + ")"
	const per = 500
	for start := 0; start < len(cells); start += per {
		batch := cells[start:min(start+per, len(cells))]
		vals := make([]any, 0, len(batch)*len(figureCols))
		for _, c := range batch {
			vals = append(vals, projectID, c.day, metric, c.b, c.u, c.n, c.tot)
			for _, b := range c.buckets {
				vals = append(vals, b)
			}
		}
		q := `INSERT INTO daily_figures (` + strings.Join(figureCols, ", ") + `) VALUES ` + strings.TrimSuffix(strings.Repeat(one+",", len(batch)), ",") +
			` ON CONFLICT (project_id, metric, day, building_id, user_id) DO UPDATE SET ` + strings.Join(set, ", ")
		if _, err := tx.exec(ctx, q, vals...); err != nil {
			return fmt.Errorf("write daily figures: %w", err)
		}
	}
	return nil
}

// rollupMark is a day of a metric of a project a transaction has changed.
type rollupMark struct {
	projectID int64
	metric    string
	day       string
}

// objectMark is an object a step has changed.
type objectMark struct {
	projectID int64
	object    string
	id        int64
}

// markObject records that a step changed an object: its transaction
// marks, before it commits, the days of the metrics the object's steps
// touch (flushRollups).
func (tx *Tx) markObject(projectID int64, object string, id int64) {
	if tx.objectMarks == nil {
		tx.objectMarks = map[objectMark]bool{}
	}
	tx.objectMarks[objectMark{projectID, object, id}] = true
}

// markDeadline records that a deadline due at due changed: its promise
// metric's day is marked before the transaction commits.
func (tx *Tx) markDeadline(projectID int64, objectType, kind string, due time.Time) {
	tx.markDay(projectID, "promise."+objectType+"."+kind, dayOf(due))
}

func (tx *Tx) markDay(projectID int64, metric, day string) {
	if tx.rollupMarks == nil {
		tx.rollupMarks = map[rollupMark]bool{}
	}
	tx.rollupMarks[rollupMark{projectID, metric, day}] = true
}

// flushRollups marks the days of the metrics the transaction changed, to
// be recomputed after it (rollup_dirty.go).
func (tx *Tx) flushRollups(ctx context.Context) error {
	if len(tx.objectMarks) == 0 && len(tx.rollupMarks) == 0 {
		return nil
	}
	metrics := rollupMetrics()
	for om := range tx.objectMarks {
		for _, m := range metrics {
			if m.touch != om.object || m.dayOf == "" {
				continue
			}
			var at time.Time
			err := tx.queryRow(ctx, m.dayOf, om.projectID, om.id).Scan(&at)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return fmt.Errorf("roll up %s: %w", m.Name, err)
			}
			tx.markDay(om.projectID, m.Name, dayOf(at))
		}
	}
	tx.objectMarks = nil
	marks := slices.Collect(maps.Keys(tx.rollupMarks))
	tx.rollupMarks = nil
	slices.SortFunc(marks, func(a, b rollupMark) int {
		return cmpInt(a.projectID, b.projectID)*4 + strings.Compare(a.metric, b.metric)*2 + strings.Compare(a.day, b.day)
	})
	// The days are recomputed after the step, not in it (rollup_dirty.go):
	// the step only marks them, which a row already there makes a no-op.
	return markDirty(ctx, tx, marks)
}

// RollUp recomputes every project's roll-ups from the day before the last
// one rolled up through the day of now (a project never rolled up is
// rebuilt). The periodic job runs it; running it again changes nothing.
func (s *RollupService) RollUp(ctx context.Context, now time.Time) error {
	ids, err := rulesProjectIDs(ctx, s.db)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.rollProject(ctx, id, now, false); err != nil {
			return err
		}
		// Days marked before the ones just rolled up.
		if err := s.FlushDirty(ctx, id); err != nil {
			return err
		}
		// The level metrics' snapshot of the day (rollup_level.go).
		if err := s.snapshotLevels(ctx, id, now); err != nil {
			return err
		}
	}
	return nil
}

// Rebuild recomputes every roll-up of every project from the raw rows.
func (s *RollupService) Rebuild(ctx context.Context) error {
	_, err := s.RebuildCount(ctx)
	return err
}

// RebuildCount rebuilds every roll-up and returns how many rows it wrote.
func (s *RollupService) RebuildCount(ctx context.Context) (int64, error) {
	ids, err := rulesProjectIDs(ctx, s.db)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := s.rollProject(ctx, id, s.db.now(), true); err != nil {
			return 0, err
		}
	}
	var n int64
	err = s.db.queryRow(ctx, `SELECT COUNT(*) FROM daily_figures`).Scan(&n)
	return n, err
}

// Far bounds of a rebuild: every item of a project lies between them.
var (
	rollupEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, china)
	rollupEnd   = time.Date(2100, 1, 1, 0, 0, 0, 0, china)
)

// rollProject rolls one project up in a transaction of its own: every day
// (all) or the days since the last roll-up.
func (s *RollupService) rollProject(ctx context.Context, projectID int64, now time.Time, all bool) error {
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	tx.now = now
	today := dayOf(now)
	from, to := rollupEpoch, rollupEnd
	if !all {
		var through string
		err := tx.queryRow(ctx, `SELECT rolled_through FROM rollup_state WHERE project_id = ?`, projectID).Scan(&through)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			// Never rolled up: everything.
		case err != nil:
			return err
		default:
			start, err := dayStart(through)
			if err != nil {
				return err
			}
			from = start.AddDate(0, 0, -rollupDays)
			to, _ = dayStart(today)
			to = to.AddDate(0, 0, 1)
		}
	}
	if all {
		if _, err := tx.exec(ctx, `DELETE FROM daily_figures WHERE project_id = ?`, projectID); err != nil {
			return err
		}
	}
	// The days recomputed here are no longer to do. Taking their marks
	// first makes a step marking one of them meanwhile wait for this
	// commit on PostgreSQL and mark it again.
	if _, err := tx.exec(ctx, `DELETE FROM rollup_dirty WHERE project_id = ? AND day >= ? AND day < ?`, projectID, dayOf(from), dayOf(to)); err != nil {
		return err
	}
	for _, m := range rollupMetrics() {
		if err := rollDays(ctx, tx, m, projectID, from, to); err != nil {
			return err
		}
	}
	if err := bumpRollupVersion(ctx, tx, projectID); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO rollup_state (project_id, rolled_through, rolled_at) VALUES (?, ?, ?)
		ON CONFLICT (project_id) DO UPDATE SET rolled_through = excluded.rolled_through, rolled_at = excluded.rolled_at`,
		projectID, today, now.UTC()); err != nil {
		return err
	}
	return tx.Commit()
}

// Figures returns the sums of the roll-ups of a project over days.
func (s *RollupService) Figures(ctx context.Context, f wubu.FigureFilter) ([]*wubu.Figure, error) {
	if f.ProjectID <= 0 {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermReportView, f.ProjectID); err != nil {
		return nil, err
	}
	if _, err := dayStart(f.From); err != nil {
		return nil, wubu.FieldErrorf("from", wubu.EINVALID, "The period must end after it starts.")
	}
	if _, err := dayStart(f.To); err != nil || f.To <= f.From {
		return nil, wubu.FieldErrorf("to", wubu.EINVALID, "The period must end after it starts.")
	}
	if !f.Group.Valid() {
		return nil, wubu.FieldErrorf("group", wubu.EINVALID, "Group by day, week, month, building or person.")
	}
	// The level metrics' values on the last days (rollup_level.go).
	levels, err := s.levelFigures(ctx, f)
	if err != nil {
		return nil, err
	}
	fs, err := s.figures(ctx, f)
	return append(fs, levels...), err
}

// figures reads the sums of the roll-ups, unchecked, through the server's
// cache (rollup_cache.go).
func (s *RollupService) figures(ctx context.Context, f wubu.FigureFilter) ([]*wubu.Figure, error) {
	return s.cachedFiguresOf(ctx, f, func() ([]*wubu.Figure, error) { return s.readFigures(ctx, f) })
}

// readFigures reads the sums of the roll-ups from the database.
func (s *RollupService) readFigures(ctx context.Context, f wubu.FigureFilter) ([]*wubu.Figure, error) {
	ms := selectMetrics(f.Metrics)
	if len(ms) == 0 {
		return nil, nil
	}
	names := make([]any, len(ms))
	for i, m := range ms {
		names[i] = m.Name
	}
	// The rows are kept by project, building, person, day and metric
	// (migration 00280): each group reads its own stretch of the period's
	// days. A building's rows are read for the project's buildings, a
	// person's for the people with rows (rollupPeople).
	key, where := "0", "building_id = 0 AND user_id = 0"
	var keyArgs, whereArgs []any
	var periods []string
	switch f.Group {
	case wubu.ByDay:
		key = "day"
	case wubu.ByWeek, wubu.ByMonth:
		// Each week or month is added up by the database: the days are
		// numbered by the period they fall in, whose first day names it.
		periods = periodStarts(f.From, f.To, f.Group)
		if len(periods) == 1 {
			break // one period: the project's sums
		}
		var b strings.Builder
		b.WriteString("CASE")
		for i := range periods[1:] {
			fmt.Fprintf(&b, " WHEN day < ? THEN %d", i)
			keyArgs = append(keyArgs, periods[i+1])
		}
		fmt.Fprintf(&b, " ELSE %d END", len(periods)-1)
		key = b.String()
	case wubu.ByBuilding:
		key, where = "building_id", "building_id IN (SELECT id FROM buildings WHERE project_id = ?) AND user_id = 0"
		whereArgs = []any{f.ProjectID}
	case wubu.ByPerson:
		people, err := s.rollupPeople(ctx, f.ProjectID)
		if err != nil || len(people) == 0 {
			return nil, err
		}
		key, where = "user_id", "building_id = 0 AND user_id IN ("+placeholders(len(people))+")"
		whereArgs = people
	}
	group := "1"
	var sums []string
	for _, c := range figureCols[5:] {
		sums = append(sums, "CAST(SUM("+c+") AS BIGINT)")
	}
	if key != "0" {
		group += ", 2"
	}
	q := `SELECT metric, ` + key + `, ` + strings.Join(sums, ", ") + `
		FROM daily_figures WHERE project_id = ? AND day >= ? AND day < ? AND ` + where + ` AND metric IN (` + placeholders(len(names)) + `)
		GROUP BY ` + group + ` ORDER BY ` + group
	if key == "0" {
		q = strings.Replace(q, "SELECT metric, 0,", "SELECT metric, '',", 1)
	}
	args := append(append(append(keyArgs, f.ProjectID, f.From, f.To), whereArgs...), names...)
	rows, err := s.db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.Figure
	for rows.Next() {
		fg := &wubu.Figure{}
		var k string
		b := make([]int64, 9)
		if err := rows.Scan(&fg.Metric, &k, &fg.N, &fg.Total, &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &b[6], &b[7], &b[8]); err != nil {
			return nil, err
		}
		switch f.Group {
		case wubu.ByDay:
			fg.Day = k
		case wubu.ByWeek, wubu.ByMonth:
			var i int
			fmt.Sscan(k, &i)
			fg.Day = periods[min(max(i, 0), len(periods)-1)]
		case wubu.ByBuilding:
			fmt.Sscan(k, &fg.BuildingID)
		case wubu.ByPerson:
			fmt.Sscan(k, &fg.UserID)
		}
		if m, ok := metricNamed(fg.Metric); ok {
			if m.Kind == wubu.MetricDuration {
				fg.Buckets = b
			} else {
				fg.Open = b[0]
			}
		}
		out = append(out, fg)
	}
	return out, rows.Err()
}

// metricNamed returns the metric of a name.
func metricNamed(name string) (rollupMetric, bool) {
	for _, m := range rollupMetrics() {
		if m.Name == name {
			return m, true
		}
	}
	return rollupMetric{}, false
}

// rollupPeople returns the people with rows in a project's roll-ups, by a
// loose scan of the primary key: one seek a person, however many rows
// each has.
func (s *RollupService) rollupPeople(ctx context.Context, projectID int64) ([]any, error) {
	var out []any
	var last int64
	for {
		var u int64
		err := s.db.queryRow(ctx, `SELECT user_id FROM daily_figures WHERE project_id = ? AND building_id = 0 AND user_id > ?
			ORDER BY user_id LIMIT 1`, projectID, last).Scan(&u)
		if errors.Is(err, sql.ErrNoRows) {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		out, last = append(out, u), u
	}
}

// periodStart returns the first day of t's week (a Monday) or month.
func periodStart(t time.Time, g wubu.FigureGroup) time.Time {
	if g == wubu.ByMonth {
		return t.AddDate(0, 0, 1-t.Day())
	}
	return t.AddDate(0, 0, -(int(t.Weekday())+6)%7)
}

// periodStarts returns the first days of the weeks (from Monday) or
// months that days [from, to) fall in, each as 2006-01-02: the first is the
// start of from's week or month, which may lie before from.
func periodStarts(from, to string, g wubu.FigureGroup) []string {
	t, err := dayStart(from)
	end, err2 := dayStart(to)
	if err != nil || err2 != nil {
		return []string{from}
	}
	t = periodStart(t, g)
	var out []string
	for t.Before(end) {
		out = append(out, t.Format(dayLayout))
		if g == wubu.ByMonth {
			t = t.AddDate(0, 1, 0)
		} else {
			t = t.AddDate(0, 0, 7)
		}
	}
	return out
}

// Promises lists the promises due on the filter's days, up to now: those
// a promise figure counts.
func (s *RollupService) Promises(ctx context.Context, f wubu.PromiseFilter) ([]*wubu.Deadline, int, error) {
	if f.ProjectID <= 0 {
		return nil, 0, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermReportView, f.ProjectID); err != nil {
		return nil, 0, err
	}
	from, err := dayStart(f.From)
	if err != nil {
		return nil, 0, wubu.FieldErrorf("from", wubu.EINVALID, "Write the date as 2026-11-27.")
	}
	to, err := dayStart(f.To)
	if err != nil {
		return nil, 0, wubu.FieldErrorf("to", wubu.EINVALID, "Write the date as 2026-11-27.")
	}
	now := s.db.now()
	if now.Before(to) {
		to = now
	}
	where := []string{"project_id = ?", "due_at >= ?", "due_at < ?", "state <> 'cancelled'"}
	args := []any{f.ProjectID, from.UTC(), to.UTC()}
	if f.ObjectType != "" {
		where, args = append(where, "object_type = ?"), append(args, f.ObjectType)
	}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	switch f.Outcome {
	case "":
	case wubu.OutcomeKept:
		where = append(where, "state = 'met'")
	case wubu.OutcomeMissed:
		where = append(where, "state = 'missed'")
	case wubu.OutcomeOpen:
		where = append(where, "state IN "+runningDeadlines)
	default:
		return nil, 0, wubu.FieldErrorf("outcome", wubu.EINVALID, "Choose kept, missed or open.")
	}
	where, args = promiseOwnerWhere(f, where, args)
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	args = append(args, f.Limit, max(f.Offset, 0))
	rows, err := s.db.query(ctx, `SELECT id, object_type, object_id, kind, due_at, state, disarmed_at, COUNT(*) OVER()
		FROM deadlines WHERE `+strings.Join(where, " AND ")+` ORDER BY due_at, id LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*wubu.Deadline
	total := 0
	for rows.Next() {
		d := &wubu.Deadline{}
		d.ProjectID = f.ProjectID
		if err := rows.Scan(&d.ID, &d.ObjectType, &d.ObjectID, &d.Kind, &d.DueAt, &d.State, &d.DisarmedAt, &total); err != nil {
			return nil, 0, err
		}
		end := now
		if d.DisarmedAt != nil {
			end = *d.DisarmedAt
		}
		d.Remaining = d.DueAt.Sub(end)
		out = append(out, d)
	}
	return out, total, rows.Err()
}
