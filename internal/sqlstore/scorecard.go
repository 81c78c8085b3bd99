package sqlstore

import (
	"context"
	"math"
	"sort"

	"github.com/wubu-oss/wubu"
)

// ScorecardService implements wubu.ScorecardService over the daily
// roll-ups: a scorecard reads one project's figures of the period, never
// the raw tables.
type ScorecardService struct {
	db      *DB
	rollups *RollupService
}

var _ wubu.ScorecardService = (*ScorecardService)(nil)

// NewScorecardService returns the scorecard of db.
func NewScorecardService(db *DB) *ScorecardService {
	return &ScorecardService{db: db, rollups: NewRollupService(db)}
}

// scorecardMetricNames are the metrics the grid reads.
func scorecardMetricNames() []string {
	var out []string
	for _, c := range wubu.ScorecardCells {
		out = append(out, c.Metric)
	}
	return out
}

// checkPeriod refuses days that are not a period.
func checkPeriod(from, to string) error {
	if _, err := dayStart(from); err != nil {
		return wubu.FieldErrorf("from", wubu.EINVALID, "The period must end after it starts.")
	}
	if _, err := dayStart(to); err != nil || to <= from {
		return wubu.FieldErrorf("to", wubu.EINVALID, "The period must end after it starts.")
	}
	return nil
}

// Scorecard measures a project's cells over a period.
func (s *ScorecardService) Scorecard(ctx context.Context, projectID int64, from, to string) (*wubu.Scorecard, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermReportView, projectID); err != nil {
		return nil, err
	}
	if err := checkPeriod(from, to); err != nil {
		return nil, err
	}
	figs, err := s.rollups.figures(ctx, wubu.FigureFilter{ProjectID: projectID, From: from, To: to, Metrics: scorecardMetricNames()})
	if err != nil {
		return nil, err
	}
	return scoreCells(projectID, from, to, figs), nil
}

// periodDays is the number of days of a checked period.
func periodDays(from, to string) float64 {
	f, _ := dayStart(from)
	t, _ := dayStart(to)
	return math.Max(1, math.Round(t.Sub(f).Hours()/24))
}

// scoreCells measures each cell from the figures of the period: the
// formulas the page shows (formula:*).
func scoreCells(projectID int64, from, to string, figs []*wubu.Figure) *wubu.Scorecard {
	byMetric := map[string]*wubu.Figure{}
	for _, f := range figs {
		byMetric[f.Metric] = f
	}
	sc := &wubu.Scorecard{ProjectID: projectID, From: from, To: to}
	days := periodDays(from, to)
	var sum float64
	var n int
	for _, cell := range wubu.ScorecardCells {
		c := &wubu.ScoreCell{ScorecardCell: cell, Colour: "none"}
		if f := byMetric[cell.Metric]; f != nil && f.N > 0 {
			c.N, c.Total, c.Open, c.HasData = f.N, f.Total, f.Open, true
			m, _ := metricNamed(cell.Metric)
			switch m.Kind {
			case wubu.MetricRatio:
				// Promises kept of those due, breached-and-open included.
				c.Value = float64(f.Total) / float64(f.N)
				c.Health = c.Value
			case wubu.MetricScore:
				c.Value = float64(f.Total) / float64(f.N)
				c.Health = math.Min(1, c.Value/cell.Max)
			case wubu.MetricDuration:
				// Served within 15 minutes.
				c.Value = float64(f.Buckets[0]) / float64(f.N)
				c.Health = c.Value
			default:
				// Items against the target per 30 days.
				c.Value = float64(f.N)
				c.Health = math.Min(1, float64(f.N)/(cell.Target*days/30))
			}
			c.Colour = healthColour(c.Health)
			sum += c.Health
			n++
		}
		sc.Cells = append(sc.Cells, c)
	}
	if n > 0 {
		sc.Health, sc.HasData = sum/float64(n), true
	}
	return sc
}

// healthColour is the colour of a health.
func healthColour(h float64) string {
	switch {
	case h >= 0.9:
		return "good"
	case h >= 0.7:
		return "fair"
	}
	return "poor"
}

// servedProjects returns the projects the caller serves and may report on.
func (s *ScorecardService) servedProjects(ctx context.Context) ([]*wubu.Project, error) {
	ps, err := NewProjectService(s.db).FindProjects(ctx)
	if err != nil {
		return nil, err
	}
	u := wubu.UserFromContext(ctx)
	var out []*wubu.Project
	for _, p := range ps {
		if u.Serves(p.ID) && u.Can(wubu.PermReportView) {
			out = append(out, p)
		}
	}
	return out, nil
}

// Quality measures every project the caller serves, ranks them by health
// and gives each cell's median.
func (s *ScorecardService) Quality(ctx context.Context, from, to string) (*wubu.QualityView, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermReportView, 0); err != nil {
		return nil, err
	}
	if err := checkPeriod(from, to); err != nil {
		return nil, err
	}
	ps, err := s.servedProjects(ctx)
	if err != nil {
		return nil, err
	}
	v := &wubu.QualityView{From: from, To: to, Cells: wubu.ScorecardCells, Rows: []*wubu.QualityRow{}, Median: map[string]float64{}}
	perCell := map[string][]float64{}
	var overall []float64
	for _, p := range ps {
		sc, err := s.Scorecard(ctx, p.ID, from, to)
		if err != nil {
			return nil, err
		}
		v.Rows = append(v.Rows, &wubu.QualityRow{Project: p, Scorecard: sc})
		for _, c := range sc.Cells {
			if c.HasData {
				perCell[c.Key()] = append(perCell[c.Key()], c.Health)
			}
		}
		if sc.HasData {
			overall = append(overall, sc.Health)
		}
	}
	for k, xs := range perCell {
		v.Median[k] = median(xs)
	}
	v.MedianHealth = median(overall)
	// Ranked by health; projects without data last, by code.
	sort.SliceStable(v.Rows, func(i, j int) bool {
		a, b := v.Rows[i].Scorecard, v.Rows[j].Scorecard
		if a.HasData != b.HasData {
			return a.HasData
		}
		return a.Health > b.Health
	})
	for i, r := range v.Rows {
		r.Rank = i + 1
	}
	return v, nil
}

// Trend is a project's weekly health against the median of the projects
// the caller serves.
func (s *ScorecardService) Trend(ctx context.Context, projectID int64, to string, weeks int) ([]*wubu.TrendPoint, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermReportView, projectID); err != nil {
		return nil, err
	}
	end, err := dayStart(to)
	if err != nil {
		return nil, wubu.FieldErrorf("to", wubu.EINVALID, "The period must end after it starts.")
	}
	weeks = min(max(weeks, 1), 53)
	ps, err := s.servedProjects(ctx)
	if err != nil {
		return nil, err
	}
	start := end.AddDate(0, 0, -7*weeks)
	// One read per project of its figures by day, added up by week here.
	type weekly = map[int][]*wubu.Figure
	byProject := map[int64]weekly{}
	for _, p := range ps {
		figs, err := s.rollups.figures(ctx, wubu.FigureFilter{ProjectID: p.ID, From: dayOf(start), To: to, Metrics: scorecardMetricNames(), Group: wubu.ByDay})
		if err != nil {
			return nil, err
		}
		w := weekly{}
		for _, f := range figs {
			d, err := dayStart(f.Day)
			if err != nil {
				continue
			}
			i := int(d.Sub(start).Hours() / (24 * 7))
			w[i] = append(w[i], f)
		}
		byProject[p.ID] = w
	}
	var out []*wubu.TrendPoint
	for i := range weeks {
		from, until := dayOf(start.AddDate(0, 0, 7*i)), dayOf(start.AddDate(0, 0, 7*(i+1)))
		pt := &wubu.TrendPoint{From: from}
		var healths []float64
		for _, p := range ps {
			sc := scoreCells(p.ID, from, until, sumFigures(byProject[p.ID][i]))
			if sc.HasData {
				healths = append(healths, sc.Health)
			}
			if p.ID == projectID {
				pt.Health, pt.HasData = sc.Health, sc.HasData
			}
		}
		pt.Median = median(healths)
		out = append(out, pt)
	}
	return out, nil
}

// sumFigures adds up figures of the same metric over days.
func sumFigures(figs []*wubu.Figure) []*wubu.Figure {
	byMetric := map[string]*wubu.Figure{}
	var out []*wubu.Figure
	for _, f := range figs {
		s := byMetric[f.Metric]
		if s == nil {
			s = &wubu.Figure{Metric: f.Metric, Buckets: make([]int64, len(wubu.DurationBuckets)+1)}
			byMetric[f.Metric] = s
			out = append(out, s)
		}
		s.N, s.Total, s.Open = s.N+f.N, s.Total+f.Total, s.Open+f.Open
		for i, b := range f.Buckets {
			s.Buckets[i] += b
		}
	}
	return out
}
