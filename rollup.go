package wubu

import (
	"context"
	"sync"
	"time"
)

// Daily roll-ups (SPEC U2, issue 17): the figures a dashboard shows are
// read from per-day aggregates — per project, per building and per person —
// never from the raw tables. Each metric is declared once in the store's
// registry (internal/sqlstore/rollup_metrics.go): its name, its unit, how
// one day of one project is computed from the raw rows, and which steps
// change it. The steps keep the figures of the day they touch current in
// their own transaction; a periodic job rolls the previous days up again
// (idempotent); `wubu rollups rebuild` recomputes everything from scratch.

// MetricKind says how a metric's items add up.
type MetricKind string

// Metric kinds.
const (
	// MetricCount counts items (orders reported, complaints received).
	MetricCount MetricKind = "count"
	// MetricRatio counts items and those among them that succeeded
	// (Total): promises kept of those due, patrol runs complete. Open
	// counts the items still open (a promise breached and not yet kept).
	MetricRatio MetricKind = "ratio"
	// MetricScore sums a score (satisfaction 1–5) over the items; the
	// figure is the mean.
	MetricScore MetricKind = "score"
	// MetricDuration sums durations in seconds over the items, with their
	// distribution in DurationBuckets.
	MetricDuration MetricKind = "duration"
	// MetricLevel is a state measured once a day, not a flow of items: N
	// counts what was measured (residents) and Total those that meet it
	// (complete profiles), per project and building. Over a period its
	// figure is the value on the period's last day with a measure, never
	// a sum; rebuilds and monthly roll-ups leave it alone.
	MetricLevel MetricKind = "level"
)

// DurationBuckets are the upper bounds of the buckets of a duration
// metric's distribution; the last bucket holds everything longer.
var DurationBuckets = []time.Duration{15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 4 * time.Hour,
	8 * time.Hour, 24 * time.Hour, 72 * time.Hour}

// BucketOf returns the bucket of a duration (0 … len(DurationBuckets)).
func BucketOf(d time.Duration) int {
	for i, b := range DurationBuckets {
		if d <= b {
			return i
		}
	}
	return len(DurationBuckets)
}

// Metric describes one rolled-up metric.
type Metric struct {
	// Name identifies the metric: "order.response", "promise.order.arrival".
	Name string `json:"name"`
	// Kind says how its items add up.
	Kind MetricKind `json:"kind"`
	// Unit is the unit of Total: "item", "second", "point".
	Unit string `json:"unit"`
	// Object is the kind of object the metric counts ("order"), and Clock
	// the clock of a promise metric ("arrival").
	Object string `json:"object"`
	Clock  string `json:"clock,omitempty"`
}

// Figure is a metric's sum over some days for a project, a building or a
// person.
type Figure struct {
	Metric     string `json:"metric"`
	Day        string `json:"day,omitempty"` // 2026-11-27, when by day
	BuildingID int64  `json:"building_id,omitempty"`
	UserID     int64  `json:"user_id,omitempty"`
	N          int64  `json:"n"`
	Total      int64  `json:"total"`
	// Open counts the open items of a ratio (breached and not yet kept).
	Open int64 `json:"open,omitempty"`
	// Buckets is a duration's distribution (see DurationBuckets).
	Buckets []int64 `json:"buckets,omitempty"`
}

// FigureGroup says how figures are grouped.
type FigureGroup string

// Figure groups.
const (
	ByProject  FigureGroup = "project"
	ByDay      FigureGroup = "day"
	ByBuilding FigureGroup = "building"
	ByPerson   FigureGroup = "person"
	// ByWeek and ByMonth sum the days of each week (from Monday) and
	// month; Figure.Day names its first day.
	ByWeek  FigureGroup = "week"
	ByMonth FigureGroup = "month"
)

// Valid reports whether g is a known group ("" is the project's).
func (g FigureGroup) Valid() bool {
	switch g {
	case "", ByProject, ByDay, ByBuilding, ByPerson, ByWeek, ByMonth:
		return true
	}
	return false
}

// Promise outcomes, for PromiseFilter.
const (
	OutcomeKept   = "kept"   // met on time
	OutcomeMissed = "missed" // kept late
	OutcomeOpen   = "open"   // breached and still running
)

// PromiseFilter selects the promises due on days [From, To) of a project
// (up to now): the list behind a promise figure.
type PromiseFilter struct {
	ProjectID  int64
	ObjectType string
	Kind       string
	From, To   string
	// Outcome narrows to kept, missed or open promises ("" for all).
	Outcome string
	// BuildingID and UserID narrow to the promises of objects in a
	// building or in a person's charge (the promise figures' building
	// and person); 0 for all.
	BuildingID int64
	UserID     int64
	Offset     int
	Limit      int
}

// FigureFilter selects figures of a project over days [From, To) (dates
// 2006-01-02 in China time).
type FigureFilter struct {
	ProjectID int64
	From, To  string
	// Metrics narrows to these metrics (all when empty); a name ending in
	// "." selects every metric it begins (e.g. "promise.").
	Metrics []string
	Group   FigureGroup
}

// RollupService reads and maintains the daily roll-ups.
type RollupService interface {
	// Metrics describes every metric of the roll-ups.
	Metrics() []Metric
	// Figures returns the sums of the roll-ups. Requires PermReportView in
	// the project; returns ENOTFOUND if the caller may not see it, EINVALID
	// for bad days.
	Figures(ctx context.Context, f FigureFilter) ([]*Figure, error)
	// RollUp recomputes the roll-ups of every project's days from the day
	// after the last one rolled up (at most a few days back) through the
	// day of now. Idempotent; the periodic job runs it.
	RollUp(ctx context.Context, now time.Time) error
	// Rebuild recomputes every roll-up of every project from the raw rows.
	Rebuild(ctx context.Context) error
	// Promises lists the promises behind a promise figure, soonest due
	// first, and how many match. Requires PermReportView in the project.
	Promises(ctx context.Context, f PromiseFilter) ([]*Deadline, int, error)
	// CareOverdue counts the project's residents with a care flag whose
	// next care visit is due by now. Requires PermReportView in the
	// project.
	CareOverdue(ctx context.Context, projectID int64) (int, error)
}

// FigureVersions are the versions of the projects' roll-ups one request
// has read its figures at: the server puts an empty one into every
// request's context, so that a page reading several figures of a project
// asks for the version of its roll-ups once, and shows them as of one
// version. A step taken in the request forgets the version of its project.
type FigureVersions struct {
	mu sync.Mutex
	m  map[int64]int64
}

type figureVersionsKey struct{}

// NewContextWithFigureVersions returns ctx with an empty FigureVersions.
func NewContextWithFigureVersions(ctx context.Context) context.Context {
	return context.WithValue(ctx, figureVersionsKey{}, &FigureVersions{})
}

// FigureVersionsFromContext returns the request's FigureVersions, nil if
// none.
func FigureVersionsFromContext(ctx context.Context) *FigureVersions {
	v, _ := ctx.Value(figureVersionsKey{}).(*FigureVersions)
	return v
}

// Get returns the version read for a project, if any.
func (v *FigureVersions) Get(projectID int64) (int64, bool) {
	if v == nil {
		return 0, false
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	n, ok := v.m[projectID]
	return n, ok
}

// Set records the version read for a project.
func (v *FigureVersions) Set(projectID, version int64) {
	if v == nil {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.m == nil {
		v.m = map[int64]int64{}
	}
	v.m[projectID] = version
}

// Forget drops the version of a project, after a step changed its
// roll-ups.
func (v *FigureVersions) Forget(projectID int64) {
	if v == nil {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	delete(v.m, projectID)
}
