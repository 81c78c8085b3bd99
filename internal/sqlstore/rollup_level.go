package sqlstore

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
)

// Level metrics and the readers the dashboard's newer figures need, beside
// the roll-ups' mechanics (rollup.go): the daily snapshots of a level
// (daily_levels), the promise list's building and person filters, and the
// residents whose care visit is overdue now.

// levelMetric is a metric measured once a day as a snapshot: snapshot
// returns, for a project, the value per building (building 0 the
// project's: n measured, total meeting it).
type levelMetric struct {
	wubu.Metric
	snapshot func(ctx context.Context, tx *Tx, projectID int64) (map[int64][2]int64, error)
}

// levelMetrics are the level metrics. They are kept out of rollupMetrics:
// the steps, the job's day-by-day roll-up and a rebuild do not compute
// them (their raw rows hold no history); the periodic job writes today's
// snapshot once (snapshotLevels).
var levelMetrics = []levelMetric{
	{
		// The residents (persons with a current home) whose profile is
		// complete: all five pieces the completeness page counts (phone,
		// photo, plate, special day, ID number), per building of a home
		// and once each for the project.
		Metric:   wubu.Metric{Name: "profile.complete", Kind: wubu.MetricLevel, Unit: "person", Object: "person"},
		snapshot: profileSnapshot,
	},
}

// profileSnapshot counts the residents and those with a complete profile,
// per building and for the project.
func profileSnapshot(ctx context.Context, tx *Tx, projectID int64) (map[int64][2]int64, error) {
	rows, err := tx.query(ctx, `WITH res AS (
			SELECT DISTINCT h.person_id, r.building_id FROM households h
			JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
			WHERE h.project_id = ? AND h.move_out = ''
		)
		SELECT res.person_id, res.building_id, CASE WHEN `+completenessSQL+` = ? THEN 1 ELSE 0 END
		FROM res JOIN persons p ON p.project_id = ? AND p.id = res.person_id`, projectID, wubu.CompletenessPieces, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][2]int64{}
	seen := map[int64]bool{}
	for rows.Next() {
		var person, building, ok int64
		if err := rows.Scan(&person, &building, &ok); err != nil {
			return nil, err
		}
		v := out[building]
		out[building] = [2]int64{v[0] + 1, v[1] + ok}
		if !seen[person] {
			seen[person] = true
			p := out[0]
			out[0] = [2]int64{p[0] + 1, p[1] + ok}
		}
	}
	return out, rows.Err()
}

// snapshotLevels writes the day's snapshot of each level metric of a
// project, once a day: a day already measured is left as it stands.
func (s *RollupService) snapshotLevels(ctx context.Context, projectID int64, now time.Time) error {
	day := dayOf(now)
	for _, m := range levelMetrics {
		tx, err := s.db.BeginTx(ctx)
		if err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM daily_levels WHERE project_id = ? AND metric = ? AND day = ? AND building_id = 0`,
			projectID, m.Name, day).Scan(&n); err != nil {
			tx.Rollback()
			return err
		}
		if n > 0 {
			tx.Rollback()
			continue
		}
		values, err := m.snapshot(ctx, tx, projectID)
		if err != nil {
			tx.Rollback()
			return err
		}
		if _, ok := values[0]; !ok {
			values[0] = [2]int64{}
		}
		for b, v := range values {
			if _, err := tx.exec(ctx, `INSERT INTO daily_levels (project_id, metric, day, building_id, n, total) VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (project_id, metric, day, building_id) DO NOTHING`, projectID, m.Name, day, b, v[0], v[1]); err != nil {
				tx.Rollback()
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// selectLevels returns the level metrics a filter names (as selectMetrics).
func selectLevels(names []string) []levelMetric {
	if len(names) == 0 {
		return levelMetrics
	}
	var out []levelMetric
	for _, m := range levelMetrics {
		if metricSelected(m.Name, names) {
			out = append(out, m)
		}
	}
	return out
}

// levelFigures reads the level metrics of a filter (checked by Figures):
// each the value on the last day of the period (or of each day, week or
// month) that has a snapshot, per project or building; never summed. A
// person has no level.
func (s *RollupService) levelFigures(ctx context.Context, f wubu.FigureFilter) ([]*wubu.Figure, error) {
	ms := selectLevels(f.Metrics)
	if len(ms) == 0 || f.Group == wubu.ByPerson {
		return nil, nil
	}
	names := make([]any, len(ms))
	for i, m := range ms {
		names[i] = m.Name
	}
	where := "building_id = 0"
	if f.Group == wubu.ByBuilding {
		where = "building_id > 0"
	}
	rows, err := s.db.query(ctx, `SELECT metric, day, building_id, n, total FROM daily_levels
		WHERE project_id = ? AND day >= ? AND day < ? AND `+where+` AND metric IN (`+placeholders(len(names))+`)
		ORDER BY metric, building_id, day`, append([]any{f.ProjectID, f.From, f.To}, names...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	// Rows come by day: a later day of the same key replaces the earlier.
	type key struct {
		metric, period string
		b              int64
	}
	at := map[key]*wubu.Figure{}
	var out []*wubu.Figure
	for rows.Next() {
		fg := &wubu.Figure{}
		var day string
		if err := rows.Scan(&fg.Metric, &day, &fg.BuildingID, &fg.N, &fg.Total); err != nil {
			return nil, err
		}
		k := key{metric: fg.Metric, b: fg.BuildingID}
		switch f.Group {
		case wubu.ByDay:
			k.period = day
		case wubu.ByWeek, wubu.ByMonth:
			t, err := dayStart(day)
			if err != nil {
				continue
			}
			k.period = periodStart(t, f.Group).Format(dayLayout)
		}
		fg.Day = k.period
		if prev := at[k]; prev != nil {
			*prev = *fg
			continue
		}
		at[k] = fg
		out = append(out, fg)
	}
	return out, rows.Err()
}

// promiseOwnerWhere narrows the promise list (a query over deadlines) to
// the promises of objects in a building or in a person's charge, as the
// promise metrics place them (promiseOwners).
func promiseOwnerWhere(f wubu.PromiseFilter, where []string, args []any) ([]string, []any) {
	for _, c := range []struct {
		id   int64
		expr func(promiseOwner) string
	}{{f.BuildingID, func(o promiseOwner) string { return o.building }}, {f.UserID, func(o promiseOwner) string { return o.user }}} {
		if c.id <= 0 {
			continue
		}
		objects := make([]string, 0, len(promiseOwners))
		for obj := range promiseOwners {
			objects = append(objects, obj)
		}
		slices.Sort(objects)
		var alts []string
		for _, obj := range objects {
			o := promiseOwners[obj]
			if c.expr(o) == "0" {
				continue
			}
			alts = append(alts, `(deadlines.object_type = '`+obj+`' AND EXISTS (SELECT 1 FROM `+o.table+` o
				WHERE o.project_id = deadlines.project_id AND o.id = CAST(deadlines.object_id AS BIGINT) AND `+c.expr(o)+` = ?))`)
			args = append(args, c.id)
		}
		if len(alts) == 0 {
			alts = []string{"1 = 0"}
		}
		where = append(where, "("+strings.Join(alts, " OR ")+")")
	}
	return where, args
}

// CareOverdue counts the residents with a care flag whose next visit is
// due by now (as the care list judges it: CareVisitDays after their last
// visit, or after their record for one never visited). Requires
// PermReportView in the project.
func (s *RollupService) CareOverdue(ctx context.Context, projectID int64) (int, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermReportView, projectID); err != nil {
		return 0, err
	}
	// A server keeps the count through its cache of figures for the
	// minute, or until a visit moves the roll-ups' version: a care flag or
	// the project's rule changed without a visit shows within a minute.
	now := s.db.now()
	figs, err := s.cachedFiguresOf(ctx, wubu.FigureFilter{ProjectID: projectID, From: now.Truncate(time.Minute).Format(time.RFC3339), Metrics: []string{"care.overdue"}},
		func() ([]*wubu.Figure, error) {
			n, err := s.careOverdue(ctx, projectID, now)
			return []*wubu.Figure{{Metric: "care.overdue", N: int64(n)}}, err
		})
	if err != nil {
		return 0, err
	}
	return int(figs[0].N), nil
}

// careOverdue counts the residents overdue a care visit at now.
func (s *RollupService) careOverdue(ctx context.Context, projectID int64, now time.Time) (int, error) {
	st, err := loadProjectSettings(ctx, s.db, s.db.read, projectID)
	if err != nil {
		return 0, err
	}
	// One query on the care flags' partial index and the visits' index.
	rows, err := s.db.query(ctx, `SELECT p.created_at, (SELECT MAX(v.visited_at) FROM care_visits v WHERE v.project_id = p.project_id AND v.person_id = p.id)
		FROM persons p WHERE p.project_id = ? AND p.care_flags <> ''`, projectID)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	span := time.Duration(st.CareVisitDays) * 24 * time.Hour
	n := 0
	for rows.Next() {
		var created time.Time
		var last rulesNullTime
		if err := rows.Scan(&created, &last); err != nil {
			return 0, err
		}
		from := created
		if l := last.ptr(); l != nil {
			from = *l
		}
		if !now.Before(from.Add(span)) {
			n++
		}
	}
	return n, rows.Err()
}
