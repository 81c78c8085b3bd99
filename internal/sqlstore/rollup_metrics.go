package sqlstore

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wubu-oss/wubu"
)

// The registry of the daily roll-ups' metrics. Each metric is declared
// once, here:
//
//   - Metric: its name, kind (count, ratio, score, duration), unit and
//     object;
//   - items: how one project's days are computed from the raw rows — a
//     query with the placeholders project_id, from, to (the days' bounds,
//     UTC), then the metric's own args(now), returning one row per item:
//     for count, ratio and score metrics "at, building_id, user_id, value,
//     open" (value 1 for a count, 1 for a success of a ratio, the score of
//     a score; open 1 for an item still open), for duration metrics "at,
//     building_id, user_id, since, until" (items without both are left
//     out by the query). at is the time that places the item on its day
//     (China time); building_id and user_id are 0 when the item has none;
//   - touch and dayOf: how steps update it — a step of a life cycle whose
//     object is touch marks, in its transaction, the day dayOf gives (a
//     query with the placeholders project_id, id returning that at), and
//     that day of the metric is recomputed after the step (rollup_dirty.go).
//     A promise metric (promise.<object>.<clock>) is marked by the changes
//     of its deadlines instead (clock.go: armed, stopped, stages fired).
//
// To add a metric (the scorecard's, say), append a rollupMetric to
// baseMetrics with its items query (and touch/dayOf if steps change it);
// `wubu rollups rebuild` then fills its past, and the periodic job and the
// steps keep it.
type rollupMetric struct {
	wubu.Metric
	items string
	args  func(now time.Time) []any
	touch string
	dayOf string
}

// Running deadline states, for the promise metrics.
const runningDeadlines = `('armed', 'warned', 'breached', 'escalated')`

// baseMetrics are the metrics other than the promises.
var baseMetrics = []rollupMetric{
	{
		Metric: wubu.Metric{Name: "order.reported", Kind: wubu.MetricCount, Unit: "item", Object: "order"},
		items: `SELECT o.reported_at, COALESCE(r.building_id, 0), COALESCE(o.assignee_id, 0), 1,
			CASE WHEN o.state IN ('done', 'followed_up', 'closed') THEN 0 ELSE 1 END
			FROM orders o LEFT JOIN rooms r ON r.project_id = o.project_id AND r.id = o.room_id
			WHERE o.project_id = ? AND o.reported_at >= ? AND o.reported_at < ? AND o.state <> 'cancelled'`,
		touch: "order", dayOf: `SELECT reported_at FROM orders WHERE project_id = ? AND id = ?`,
	},
	{
		Metric: wubu.Metric{Name: "order.response", Kind: wubu.MetricDuration, Unit: "second", Object: "order"},
		items: `SELECT o.reported_at, COALESCE(r.building_id, 0), COALESCE(o.assignee_id, 0), o.reported_at, o.arrived_at
			FROM orders o LEFT JOIN rooms r ON r.project_id = o.project_id AND r.id = o.room_id
			WHERE o.project_id = ? AND o.reported_at >= ? AND o.reported_at < ? AND o.arrived_at IS NOT NULL`,
		touch: "order", dayOf: `SELECT reported_at FROM orders WHERE project_id = ? AND id = ?`,
	},
	{
		Metric: wubu.Metric{Name: "order.resolution", Kind: wubu.MetricDuration, Unit: "second", Object: "order"},
		items: `SELECT o.reported_at, COALESCE(r.building_id, 0), COALESCE(o.assignee_id, 0), o.reported_at, o.done_at
			FROM orders o LEFT JOIN rooms r ON r.project_id = o.project_id AND r.id = o.room_id
			WHERE o.project_id = ? AND o.reported_at >= ? AND o.reported_at < ? AND o.done_at IS NOT NULL AND o.state <> 'cancelled'`,
		touch: "order", dayOf: `SELECT reported_at FROM orders WHERE project_id = ? AND id = ?`,
	},
	{
		Metric: wubu.Metric{Name: "order.satisfaction", Kind: wubu.MetricScore, Unit: "point", Object: "order"},
		items: `SELECT o.followed_up_at, COALESCE(r.building_id, 0), COALESCE(o.assignee_id, 0), o.satisfaction, 0
			FROM orders o LEFT JOIN rooms r ON r.project_id = o.project_id AND r.id = o.room_id
			WHERE o.project_id = ? AND o.followed_up_at >= ? AND o.followed_up_at < ? AND o.satisfaction > 0`,
		touch: "order", dayOf: `SELECT followed_up_at FROM orders WHERE project_id = ? AND id = ? AND followed_up_at IS NOT NULL`,
	},
	{
		Metric: wubu.Metric{Name: "complaint.received", Kind: wubu.MetricCount, Unit: "item", Object: "complaint"},
		items: `SELECT received_at, COALESCE(building_id, 0), COALESCE(assignee_id, 0), 1, CASE WHEN state = 'closed' THEN 0 ELSE 1 END
			FROM complaints WHERE project_id = ? AND received_at >= ? AND received_at < ?`,
		touch: "complaint", dayOf: `SELECT received_at FROM complaints WHERE project_id = ? AND id = ?`,
	},
	{
		Metric: wubu.Metric{Name: "revisit.satisfaction", Kind: wubu.MetricScore, Unit: "point", Object: "revisit"},
		items: `SELECT done_at, 0, COALESCE(done_by, 0), satisfaction, 0
			FROM revisits WHERE project_id = ? AND done_at >= ? AND done_at < ? AND satisfaction > 0`,
		touch: "revisit", dayOf: `SELECT done_at FROM revisits WHERE project_id = ? AND id = ? AND done_at IS NOT NULL`,
	},
	{
		Metric: wubu.Metric{Name: "patrol.complete", Kind: wubu.MetricRatio, Unit: "item", Object: "patrol_run"},
		items: `SELECT started_at, 0, guard_id, CASE WHEN finished_at IS NOT NULL AND missed = 0 THEN 1 ELSE 0 END,
			CASE WHEN finished_at IS NULL THEN 1 ELSE 0 END
			FROM patrol_runs WHERE project_id = ? AND started_at >= ? AND started_at < ?`,
		touch: "patrol_run", dayOf: `SELECT started_at FROM patrol_runs WHERE project_id = ? AND id = ?`,
	},
	{
		Metric: wubu.Metric{Name: "hazard.reported", Kind: wubu.MetricCount, Unit: "item", Object: "hazard"},
		items: `SELECT reported_at, COALESCE(building_id, 0), COALESCE(assignee_id, 0), 1, CASE WHEN state = 'closed' THEN 0 ELSE 1 END
			FROM hazards WHERE project_id = ? AND reported_at >= ? AND reported_at < ?`,
		touch: "hazard", dayOf: `SELECT reported_at FROM hazards WHERE project_id = ? AND id = ?`,
	},
	{
		// Training quiz scores (0–100) by the day they were submitted;
		// the submission marks its day (training_attempt.go).
		Metric: wubu.Metric{Name: "training.score", Kind: wubu.MetricScore, Unit: "point", Object: "training_quiz"},
		items: `SELECT submitted_at, COALESCE(building_id, 0), user_id, score, 0
			FROM training_quizzes WHERE project_id = ? AND submitted_at >= ? AND submitted_at < ?`,
	},
	{
		// Care visits (H1) by the day of the visit, those within the
		// project's care_visit_days of the resident's previous visit (or
		// of their record, for the first) kept; on_time is judged when the
		// visit is recorded (care.go), which marks its day.
		Metric: wubu.Metric{Name: "care.visit", Kind: wubu.MetricRatio, Unit: "item", Object: "care_visit"},
		items: `SELECT visited_at, 0, COALESCE(user_id, 0), on_time, 0
			FROM care_visits WHERE project_id = ? AND visited_at >= ? AND visited_at < ?`,
	},
	{
		// Answers to the scale questions (1–5) of every survey form —
		// community surveys, visit and care forms — by the day answered,
		// per building of the response; saving a response marks its day
		// (survey.go).
		Metric: wubu.Metric{Name: "survey.satisfaction", Kind: wubu.MetricScore, Unit: "point", Object: "survey_response"},
		items: `SELECT r.answered_at, COALESCE(r.building_id, 0), 0, a.score, 0
			FROM survey_responses r
			JOIN survey_answers a ON a.project_id = r.project_id AND a.response_id = r.id
			JOIN survey_questions q ON q.project_id = a.project_id AND q.id = a.question_id
			WHERE r.project_id = ? AND r.answered_at >= ? AND r.answered_at < ? AND q.kind = 'scale' AND a.score IS NOT NULL`,
	},
	{
		// Homes (rooms) added on the day: the project's homes at the end of
		// a period are the sum over every day before its end. Rooms are
		// added without steps: their services mark the day (org.go).
		Metric: wubu.Metric{Name: "room.added", Kind: wubu.MetricCount, Unit: "item", Object: "room"},
		items:  `SELECT created_at, building_id, 0, 1, 0 FROM rooms WHERE project_id = ? AND created_at >= ? AND created_at < ?`,
	},
}

// promiseOwner says where a promise's object stands: the expressions of
// its building and of its responsible person over the object's row (alias
// o) of its table. Declared once per object, beside the promise metric:
// the metric's items and the promise list's building and person filters
// (promiseOwnerWhere) both read it. An object missing here keeps 0 for
// both.
type promiseOwner struct {
	table          string
	building, user string
}

// roomBuilding is the building of an object's room.
const roomBuilding = `(SELECT rm.building_id FROM rooms rm WHERE rm.project_id = o.project_id AND rm.id = o.room_id)`

// promiseOwners are the objects with clocks: their table, building and
// responsible person (the assignee, the owner of a follow-up, the superior
// who must acknowledge, the guard of a patrol run).
var promiseOwners = map[string]promiseOwner{
	"order":               {table: "orders", building: roomBuilding, user: "o.assignee_id"},
	"complaint":           {table: "complaints", building: "o.building_id", user: "o.assignee_id"},
	"hazard":              {table: "hazards", building: "o.building_id", user: "o.assignee_id"},
	"incident":            {table: "incidents", building: "0", user: "o.superior_id"},
	"move_in":             {table: "move_ins", building: "o.building_id", user: "o.assistant_id"},
	"pass":                {table: "passes", building: roomBuilding, user: "o.decided_by"},
	"patrol_run":          {table: "patrol_runs", building: "0", user: "o.guard_id"},
	"renovation":          {table: "renovations", building: roomBuilding, user: "o.manager_id"},
	"revisit":             {table: "revisits", building: "0", user: "o.assistant_id"},
	"focus_followup":      {table: "focus_followups", building: "0", user: "o.owner_id"},
	"talk_followup":       {table: "talk_followups", building: "0", user: "o.owner_id"},
	"tenant_registration": {table: "tenant_registrations", building: roomBuilding, user: "o.superior_id"},
}

// promiseMetric is the metric of one clock of a life cycle: the promises
// due on a day (by due time; cancelled ones left out; running ones only
// once due), value 1 for those kept, open 1 for those breached and still
// running, with the building and the responsible person of the object
// (promiseOwners). A step of the object marks the day of its latest
// promise of the clock, so that a new assignee moves it to their name.
func promiseMetric(object, kind string) rollupMetric {
	b, u, join := "0", "0", ""
	if o, ok := promiseOwners[object]; ok {
		b, u = "COALESCE("+o.building+", 0)", "COALESCE("+o.user+", 0)"
		join = ` LEFT JOIN ` + o.table + ` o ON o.project_id = d.project_id AND o.id = CAST(d.object_id AS BIGINT)`
	}
	return rollupMetric{
		Metric: wubu.Metric{Name: "promise." + object + "." + kind, Kind: wubu.MetricRatio, Unit: "item", Object: object, Clock: kind},
		items: `SELECT d.due_at, ` + b + `, ` + u + `, CASE WHEN d.state = 'met' THEN 1 ELSE 0 END, CASE WHEN d.state IN ` + runningDeadlines + ` THEN 1 ELSE 0 END
			FROM deadlines d` + join + ` WHERE d.project_id = ? AND d.due_at >= ? AND d.due_at < ? AND d.object_type = ? AND d.kind = ?
			AND d.state <> 'cancelled' AND NOT (d.state IN ` + runningDeadlines + ` AND d.due_at > ?)`,
		args:  func(now time.Time) []any { return []any{object, kind, now.UTC()} },
		touch: object,
		dayOf: `SELECT due_at FROM deadlines WHERE project_id = ? AND object_type = '` + object + `' AND object_id = CAST(CAST(? AS BIGINT) AS TEXT) AND kind = '` + kind + `'
			AND state <> 'cancelled' ORDER BY due_at DESC LIMIT 1`,
	}
}

var (
	metricsOnce sync.Once
	metricsAll  []rollupMetric
)

// rollupMetrics returns every metric: the base ones, then one promise
// metric per clock of each declared life cycle.
func rollupMetrics() []rollupMetric {
	metricsOnce.Do(func() {
		metricsAll = slices.Clone(baseMetrics)
		for _, lc := range wubu.Lifecycles {
			for _, c := range lc.Clocks {
				metricsAll = append(metricsAll, promiseMetric(lc.Object, c.Kind))
			}
		}
		// A metric is declared once: two of one name would write the same
		// rows.
		seen := map[string]bool{}
		for _, m := range metricsAll {
			if seen[m.Name] {
				panic("daily roll-ups: metric " + m.Name + " declared twice")
			}
			seen[m.Name] = true
		}
	})
	return metricsAll
}

// Metrics lists the metrics of the daily roll-ups, the level metrics
// last.
func (s *RollupService) Metrics() []wubu.Metric {
	var out []wubu.Metric
	for _, m := range rollupMetrics() {
		out = append(out, m.Metric)
	}
	for _, m := range levelMetrics {
		out = append(out, m.Metric)
	}
	return out
}

// selectMetrics returns the metrics named (each name, or every metric a
// name ending in "." begins), all when names is empty.
func selectMetrics(names []string) []rollupMetric {
	all := rollupMetrics()
	if len(names) == 0 {
		return all
	}
	var out []rollupMetric
	for _, m := range all {
		if metricSelected(m.Name, names) {
			out = append(out, m)
		}
	}
	return out
}

// metricSelected reports whether a filter's names select a metric: its
// name, or a name ending in "." that it begins with.
func metricSelected(name string, names []string) bool {
	for _, n := range names {
		if name == n || strings.HasSuffix(n, ".") && strings.HasPrefix(name, n) {
			return true
		}
	}
	return false
}
