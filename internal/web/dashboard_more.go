package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/wubu-oss/wubu"
)

// The dashboard's newer figures (issue 17): satisfaction from surveys
// beside the follow-ups' and the revisits', care visits on time and the
// residents overdue now, profile completeness with its trend, and promises
// kept per building and per person.

// dashboardMore holds the newer figures of the dashboard.
type dashboardMore struct {
	SurveySat                 string
	SurveyAnswers             int64
	SurveysHref               string
	CareRate                  string
	CareVisits, CareOnTime    int64
	CareOverdue               int
	CareHref, CareOverdueHref string
	// ProfileRate is the share of residents with a complete profile on
	// the period's last measured day; ProfileTrend its value by week or
	// month.
	ProfileRate                 string
	ProfilePersons, ProfileDone int64
	ProfileTrend                []profileRow
}

// profileRow is profile completeness on the last measured day of a week
// or month.
type profileRow struct {
	Day           string
	Persons, Done int64
	Rate          string
}

// dashboardMoreData fills the newer figures from the period's figures.
func (h *Handler) dashboardMoreData(r *http.Request, v *dashboardView, all []*wubu.Figure, pid, period string) error {
	get := func(metric string) wubu.Figure {
		for _, f := range all {
			if f.Metric == metric && f.BuildingID == 0 {
				return *f
			}
		}
		return wubu.Figure{Metric: metric}
	}
	sv := get("survey.satisfaction")
	v.SurveySat, v.SurveyAnswers = mean(&sv), sv.N
	v.SurveysHref = "/projects/" + pid + "/surveys"
	cv := get("care.visit")
	v.CareVisits, v.CareOnTime, v.CareRate = cv.N, cv.Total, percent(cv.Total, cv.N)
	v.CareHref = "/projects/" + pid + "/care"
	v.CareOverdueHref = v.CareHref + "?overdue=1"
	n, err := h.Rollups.CareOverdue(r.Context(), v.Project.ID)
	if err != nil {
		return err
	}
	v.CareOverdue = n
	pc := get("profile.complete")
	v.ProfilePersons, v.ProfileDone, v.ProfileRate = pc.N, pc.Total, percent(pc.Total, pc.N)
	return nil
}

// dashboardProfileTrend fills profile completeness by week or month over
// the trend's periods: each the value on its last measured day.
func (h *Handler) dashboardProfileTrend(r *http.Request, v *dashboardView, id int64) error {
	fs, err := h.Rollups.Figures(r.Context(), wubu.FigureFilter{ProjectID: id, From: v.TrendFrom, To: v.APITo, Metrics: []string{"profile.complete"},
		Group: wubu.FigureGroup(v.Trend)})
	if err != nil {
		return err
	}
	for _, f := range fs {
		v.ProfileTrend = append(v.ProfileTrend, profileRow{Day: f.Day, Persons: f.N, Done: f.Total, Rate: percent(f.Total, f.N)})
	}
	return nil
}

// addPromises adds a promise figure of a building or a person to its row.
func addPromises(row *groupRow, f *wubu.Figure) {
	if objectOfMetric(f.Metric) == "" {
		return
	}
	row.PromisesDue += f.N
	row.PromisesKept += f.Total
}

// promiseOwnerFilter reads the promise list's building and person filters.
func promiseOwnerFilter(pf *wubu.PromiseFilter, building, person string) error {
	for _, c := range []struct {
		field, value string
		to           *int64
	}{{"building", building, &pf.BuildingID}, {"person", person, &pf.UserID}} {
		if c.value == "" {
			continue
		}
		n, err := strconv.ParseInt(c.value, 10, 64)
		if err != nil || n <= 0 {
			return wubu.FieldErrorf(c.field, wubu.EINVALID, "Choose a building or a person from the dashboard.")
		}
		*c.to = n
	}
	return nil
}

// exportRows are the newer figures' rows of the dashboard's workbook.
func (m *dashboardMore) exportRows(p *Page) [][]any {
	rows := [][]any{
		{p.T("Survey satisfaction"), m.SurveySat, m.SurveyAnswers},
		{p.T("Care visits on time"), m.CareRate, m.CareOnTime, m.CareVisits},
		{p.T("Care visits overdue now"), m.CareOverdue},
		{p.T("Complete profiles"), m.ProfileRate, m.ProfileDone, m.ProfilePersons},
	}
	for _, t := range m.ProfileTrend {
		rows = append(rows, []any{p.T("Complete profiles") + " · " + t.Day, t.Rate, t.Done, t.Persons})
	}
	return rows
}

// AllOwnersHref is the promise list with the same filters but every
// building and person.
func (v *promiseListView) AllOwnersHref() string {
	q := url.Values{"from": {v.From}, "to": {v.To}}
	if v.Object != "" {
		q.Set("object", v.Object)
	}
	if v.Outcome != "" {
		q.Set("outcome", v.Outcome)
	}
	return "/projects/" + strconv.FormatInt(v.Project.ID, 10) + "/promises?" + q.Encode()
}
