package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// dashboardRoutes are the project dashboard (U2, issue 17), its .xlsx
// export and the list behind each promise figure.
func (h *Handler) dashboardRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/projects/{id}/dashboard", Perm: wubu.PermReportView, Handler: h.dashboard},
		{Method: "GET", Path: "/projects/{id}/dashboard/export", Perm: wubu.PermReportView, Handler: h.dashboardExport},
		{Method: "GET", Path: "/projects/{id}/promises", Perm: wubu.PermReportView, Handler: h.promiseList},
	}
}

// promiseRow is one kind of object's promises of the period.
type promiseRow struct {
	Object            string
	Due, Kept, Open   int64
	Percent           float64
	Href, OpenHref    string
	HasDue, HasBroken bool
}

// durationRow is a duration metric's distribution.
type durationRow struct {
	Metric, Label string
	N             int64
	Mean, Median  string
	Buckets       []int64
}

// groupRow is a building's or a person's figures.
type groupRow struct {
	ID                      int64
	Name                    string
	Orders, Complaints      int64
	Hazards, Homes          int64
	PerHundred              string
	Response, Satisfaction  string
	Patrols, PatrolPercent  string
	OrdersHref, PromiseHref string
	// Promises kept of those due (every kind), by the object's building
	// or the person in charge of it.
	PromisesDue, PromisesKept int64
	PromisesPercent           string
	// PromisesOf reads "kept of due", written once here rather than in
	// the template's every row.
	PromisesOf string
}

// trendRow is one period of the trend of promises kept.
type trendRow struct {
	Day     string
	Cells   []string
	Overall string
}

type dashboardView struct {
	orderPage
	Project                *wubu.Project
	From, To, Trend, Query string
	// APIFrom and APITo are the days [from, to) of the figures the charts
	// draw; TrendFrom the first day of the trend.
	APIFrom, APITo, TrendFrom string
	// ChartLabels, TimeLabels and BucketJSON name the charts' series and
	// buckets in the user's language (JSON).
	ChartLabels, TimeLabels, BucketJSON string
	Promises                            []promiseRow
	Durations                           []durationRow
	BucketLabels                        []string
	Objects                             []string
	TrendRows                           []trendRow
	Buildings                           []groupRow
	People                              []groupRow
	Homes                               int64
	// The period's other figures.
	OrderSat, RevisitSat             string
	OrderAnswers, RevisitAnswers     int64
	Complaints, ComplaintsOpen       int64
	ComplaintRate                    string
	Patrols, PatrolsOpen             int64
	PatrolRate                       string
	Hazards, HazardsOpen, Reported   int64
	DeskWait, DeskWaitMedian         string
	DeskServed                       int64
	TrainingScore                    string
	TrainingQuizzes                  int64
	OrdersHref, OpenOrdersHref       string
	ComplaintsHref, RevisitsHref     string
	HazardsOpenHref, CompletenessRef string
	// The newer figures (dashboard_more.go): survey satisfaction, care
	// visits on time and overdue now, profile completeness.
	dashboardMore
}

// dashboardData reads the dashboard's figures of a period.
func (h *Handler) dashboardData(r *http.Request) (*dashboardView, error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := h.Projects.FindProjectByID(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &dashboardView{orderPage: h.withClock(h.newPage(r, "Dashboard")), Project: p, Trend: r.URL.Query().Get("trend")}
	v.Title = p.Name + " · " + v.T("Dashboard")
	from, to, fromS, toS, err := h.reportPeriod(r)
	v.From, v.To = fromS, toS
	v.Form.Set("from", fromS)
	v.Form.Set("to", toS)
	if v.Trend != "month" {
		v.Trend = "week"
	}
	if err != nil {
		return v, err
	}
	if !to.After(from) {
		return v, wubu.FieldErrorf("to", wubu.EINVALID, "The period must end after it starts.")
	}
	v.APIFrom, v.APITo = from.Format(time.DateOnly), to.Format(time.DateOnly)
	v.Query = url.Values{"from": {fromS}, "to": {toS}, "trend": {v.Trend}}.Encode()
	base := wubu.FigureFilter{ProjectID: id, From: v.APIFrom, To: v.APITo}
	all, err := h.Rollups.Figures(ctx, base)
	if err != nil {
		return v, err
	}
	fig := func(fs []*wubu.Figure, metric string) *wubu.Figure {
		for _, f := range fs {
			if f.Metric == metric {
				return f
			}
		}
		return &wubu.Figure{Metric: metric}
	}
	period := url.Values{"from": {fromS}, "to": {toS}}.Encode()
	pid := strconv.FormatInt(id, 10)
	// Promises kept, per kind of object, over everything due.
	for _, lc := range wubu.Lifecycles {
		if len(lc.Clocks) == 0 {
			continue
		}
		row := promiseRow{Object: lc.Object}
		for _, c := range lc.Clocks {
			f := fig(all, "promise."+lc.Object+"."+c.Kind)
			row.Due, row.Kept, row.Open = row.Due+f.N, row.Kept+f.Total, row.Open+f.Open
		}
		if row.Due > 0 {
			row.Percent = float64(row.Kept) * 100 / float64(row.Due)
		}
		row.Href = "/projects/" + pid + "/promises?object=" + lc.Object + "&" + period
		row.OpenHref = row.Href + "&outcome=open"
		v.Promises = append(v.Promises, row)
		v.Objects = append(v.Objects, lc.Object)
	}
	// Response and resolution times.
	for _, b := range wubu.DurationBuckets {
		v.BucketLabels = append(v.BucketLabels, "≤ "+v.Duration(b))
	}
	v.BucketLabels = append(v.BucketLabels, "> "+v.Duration(wubu.DurationBuckets[len(wubu.DurationBuckets)-1]))
	for _, m := range []struct{ metric, label string }{{"order.response", v.T("Repairs: reported to on site")}, {"order.resolution", v.T("Repairs: reported to done")}} {
		f := fig(all, m.metric)
		row := durationRow{Metric: m.metric, Label: m.label, N: f.N, Buckets: f.Buckets, Mean: "—", Median: "—"}
		if row.Buckets == nil {
			row.Buckets = make([]int64, len(v.BucketLabels))
		}
		if f.N > 0 {
			row.Mean = v.Duration(time.Duration(f.Total/f.N) * time.Second)
			row.Median = v.BucketLabels[medianBucket(row.Buckets)]
		}
		v.Durations = append(v.Durations, row)
	}
	labels := map[string]string{}
	for _, obj := range v.Objects {
		labels[obj] = v.T("object:" + obj)
	}
	times := map[string]string{}
	for _, d := range v.Durations {
		times[d.Metric] = d.Label
	}
	v.ChartLabels, v.TimeLabels, v.BucketJSON = jsonString(labels), jsonString(times), jsonString(v.BucketLabels)
	// Satisfaction, complaints, patrols, hazards.
	v.OrderSat, v.OrderAnswers = mean(fig(all, "order.satisfaction")), fig(all, "order.satisfaction").N
	v.RevisitSat, v.RevisitAnswers = mean(fig(all, "revisit.satisfaction")), fig(all, "revisit.satisfaction").N
	c := fig(all, "complaint.received")
	v.Complaints, v.ComplaintsOpen = c.N, c.Open
	homes, err := h.Rollups.Figures(ctx, wubu.FigureFilter{ProjectID: id, From: "2000-01-01", To: v.APITo, Metrics: []string{"room.added"}})
	if err != nil {
		return v, err
	}
	v.Homes = fig(homes, "room.added").N
	v.ComplaintRate = perHundred(v.Complaints, v.Homes)
	pr := fig(all, "patrol.complete")
	v.Patrols, v.PatrolsOpen, v.PatrolRate = pr.N, pr.Open, percent(pr.Total, pr.N)
	hz := fig(all, "hazard.reported")
	v.Hazards, v.HazardsOpen = hz.N, hz.Open
	dw := fig(all, "desk.wait")
	v.DeskServed, v.DeskWait, v.DeskWaitMedian = dw.N, "—", "—"
	if dw.N > 0 {
		v.DeskWait = v.Duration(time.Duration(dw.Total/dw.N) * time.Second)
		v.DeskWaitMedian = v.BucketLabels[medianBucket(dw.Buckets)]
	}
	tr := fig(all, "training.score")
	v.TrainingScore, v.TrainingQuizzes = mean(tr), tr.N
	o := fig(all, "order.reported")
	v.Reported = o.N
	v.OrdersHref = "/projects/" + pid + "/orders?" + period
	v.OpenOrdersHref = v.OrdersHref + "&open=1"
	v.ComplaintsHref = "/complaints"
	v.RevisitsHref = "/projects/" + pid + "/revisits"
	v.HazardsOpenHref = "/projects/" + pid + "/promises?object=hazard&outcome=open&" + period
	v.CompletenessRef = "/projects/" + pid + "/completeness"
	if err := h.dashboardMoreData(r, v, all, pid, period); err != nil {
		return v, err
	}
	// The trend of promises kept, by week or month, over the 12 periods
	// up to the period's end.
	if err := h.dashboardTrend(r, v, id, to); err != nil {
		return v, err
	}
	if err := h.dashboardProfileTrend(r, v, id); err != nil {
		return v, err
	}
	// Per building and per person.
	if err := h.dashboardGroups(r, v, id, period); err != nil {
		return v, err
	}
	return v, nil
}

// dashboardTrend fills the trend table: the share of promises kept per
// kind of object, per week or month.
func (h *Handler) dashboardTrend(r *http.Request, v *dashboardView, id int64, to time.Time) error {
	start := to.AddDate(0, 0, -7*12)
	group := wubu.ByWeek
	if v.Trend == "month" {
		start, group = to.AddDate(0, -12, 0), wubu.ByMonth
	}
	v.TrendFrom = start.Format(time.DateOnly)
	fs, err := h.Rollups.Figures(r.Context(), wubu.FigureFilter{ProjectID: id, From: v.TrendFrom, To: v.APITo, Metrics: []string{"promise."}, Group: group})
	if err != nil {
		return err
	}
	type sum struct{ n, kept int64 }
	days := map[string]map[string]*sum{}
	var order []string
	for _, f := range fs {
		if days[f.Day] == nil {
			days[f.Day] = map[string]*sum{}
			order = append(order, f.Day)
		}
		obj := objectOfMetric(f.Metric)
		s := days[f.Day][obj]
		if s == nil {
			s = &sum{}
			days[f.Day][obj] = s
		}
		s.n, s.kept = s.n+f.N, s.kept+f.Total
	}
	slices.Sort(order)
	for _, d := range order {
		row := trendRow{Day: d}
		var n, kept int64
		for _, obj := range v.Objects {
			s := days[d][obj]
			if s == nil {
				row.Cells = append(row.Cells, "—")
				continue
			}
			n, kept = n+s.n, kept+s.kept
			row.Cells = append(row.Cells, percent(s.kept, s.n))
		}
		row.Overall = percent(kept, n)
		v.TrendRows = append(v.TrendRows, row)
	}
	return nil
}

// dashboardGroups fills the figures per building and per person.
func (h *Handler) dashboardGroups(r *http.Request, v *dashboardView, id int64, period string) error {
	ctx := r.Context()
	pid := strconv.FormatInt(id, 10)
	byB, err := h.Rollups.Figures(ctx, wubu.FigureFilter{ProjectID: id, From: v.APIFrom, To: v.APITo, Group: wubu.ByBuilding,
		Metrics: []string{"order.reported", "complaint.received", "hazard.reported", "promise."}})
	if err != nil {
		return err
	}
	homes, err := h.Rollups.Figures(ctx, wubu.FigureFilter{ProjectID: id, From: "2000-01-01", To: v.APITo, Group: wubu.ByBuilding, Metrics: []string{"room.added"}})
	if err != nil {
		return err
	}
	buildings, err := h.Org.FindBuildingNames(ctx, id)
	if err != nil {
		return err
	}
	for _, b := range buildings {
		row := groupRow{ID: b.ID, Name: b.Name, OrdersHref: "/projects/" + pid + "/orders?building=" + strconv.FormatInt(b.ID, 10) + "&" + period,
			PromiseHref: "/projects/" + pid + "/promises?building=" + strconv.FormatInt(b.ID, 10) + "&" + period}
		for _, f := range append(byB, homes...) {
			if f.BuildingID != b.ID {
				continue
			}
			addPromises(&row, f)
			switch f.Metric {
			case "order.reported":
				row.Orders = f.N
			case "complaint.received":
				row.Complaints = f.N
			case "hazard.reported":
				row.Hazards = f.N
			case "room.added":
				row.Homes = f.N
			}
		}
		row.PerHundred = perHundred(row.Complaints, row.Homes)
		row.PromisesPercent, row.PromisesOf = percent(row.PromisesKept, row.PromisesDue), v.T("%d of %d", row.PromisesKept, row.PromisesDue)
		v.Buildings = append(v.Buildings, row)
	}
	byP, err := h.Rollups.Figures(ctx, wubu.FigureFilter{ProjectID: id, From: v.APIFrom, To: v.APITo, Group: wubu.ByPerson,
		Metrics: []string{"order.reported", "order.response", "order.satisfaction", "patrol.complete", "promise."}})
	if err != nil {
		return err
	}
	rows := map[int64]*groupRow{}
	var ids []int64
	for _, f := range byP {
		row := rows[f.UserID]
		if row == nil {
			row = &groupRow{ID: f.UserID, Name: "#" + strconv.FormatInt(f.UserID, 10), Response: "—", Satisfaction: "—", Patrols: "—", PatrolPercent: "—",
				OrdersHref:  "/projects/" + pid + "/orders?assignee=" + strconv.FormatInt(f.UserID, 10) + "&" + period,
				PromiseHref: "/projects/" + pid + "/promises?person=" + strconv.FormatInt(f.UserID, 10) + "&" + period}
			rows[f.UserID] = row
			ids = append(ids, f.UserID)
		}
		addPromises(row, f)
		switch f.Metric {
		case "order.reported":
			row.Orders = f.N
		case "order.response":
			if f.N > 0 {
				row.Response = v.Duration(time.Duration(f.Total/f.N) * time.Second)
			}
		case "order.satisfaction":
			row.Satisfaction = mean(f)
		case "patrol.complete":
			row.Patrols, row.PatrolPercent = strconv.FormatInt(f.N, 10), percent(f.Total, f.N)
		}
	}
	if len(ids) > 0 {
		pidp := id
		staff, _, err := h.Users.FindUsers(ctx, wubu.UserFilter{ProjectID: &pidp, Limit: 500})
		if err == nil {
			for _, u := range staff {
				if row := rows[u.ID]; row != nil {
					row.Name = u.Name
				}
			}
		}
	}
	for _, uid := range ids {
		rows[uid].PromisesPercent, rows[uid].PromisesOf = percent(rows[uid].PromisesKept, rows[uid].PromisesDue), v.T("%d of %d", rows[uid].PromisesKept, rows[uid].PromisesDue)
		v.People = append(v.People, *rows[uid])
	}
	slices.SortFunc(v.People, func(a, b groupRow) int { return int(b.Orders - a.Orders) })
	return nil
}

// promiseObjects maps each promise metric's name to its object.
var promiseObjects = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, lc := range wubu.Lifecycles {
		for _, c := range lc.Clocks {
			m["promise."+lc.Object+"."+c.Kind] = lc.Object
		}
	}
	return m
})

// objectOfMetric returns the object of a promise metric's name.
func objectOfMetric(metric string) string { return promiseObjects()[metric] }

// medianBucket returns the bucket holding the middle item.
func medianBucket(buckets []int64) int {
	var n int64
	for _, b := range buckets {
		n += b
	}
	var seen int64
	for i, b := range buckets {
		seen += b
		if seen*2 >= n && n > 0 {
			return i
		}
	}
	return 0
}

// mean formats a score figure's mean, "—" for none.
func mean(f *wubu.Figure) string {
	if f.N == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f", float64(f.Total)/float64(f.N))
}

// percent formats part of whole as a share, "—" for none.
func percent(part, whole int64) string {
	if whole == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", float64(part)*100/float64(whole))
}

// perHundred formats n per 100 homes, "—" without homes.
func perHundred(n, homes int64) string {
	if homes == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f", float64(n)*100/float64(homes))
}

// dashboard shows a project's dashboard for a period.
func (h *Handler) dashboard(w http.ResponseWriter, r *http.Request) {
	v, err := h.dashboardData(r)
	if err != nil {
		if v == nil || wubu.ErrorCode(err) != wubu.EINVALID {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, formError(r, &v.Page, err, ""), "dashboard", v)
		return
	}
	h.render(w, r, http.StatusOK, "dashboard", v)
}

// dashboardExport downloads the dashboard's tables as an .xlsx workbook.
func (h *Handler) dashboardExport(w http.ResponseWriter, r *http.Request) {
	v, err := h.dashboardData(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows := [][]any{{v.T("Project"), v.Project.Name}, {v.T("From"), v.From}, {v.T("To"), v.To}, {},
		{v.T("Promises kept per kind"), v.T("Promises due"), v.T("Kept"), v.T("Kept (%)"), v.T("Breached and still open")}}
	for _, p := range v.Promises {
		rows = append(rows, []any{v.T("object:" + p.Object), p.Due, p.Kept, fmt.Sprintf("%.1f", p.Percent), p.Open})
	}
	rows = append(rows, []any{}, append([]any{v.T("Times"), v.T("Orders"), v.T("Mean"), v.T("Median")}, anySlice(v.BucketLabels)...))
	for _, d := range v.Durations {
		rows = append(rows, append([]any{d.Label, d.N, d.Mean, d.Median}, anySlice(d.Buckets)...))
	}
	rows = append(rows, []any{},
		[]any{v.T("Satisfaction after repairs"), v.OrderSat, v.OrderAnswers},
		[]any{v.T("Revisit satisfaction"), v.RevisitSat, v.RevisitAnswers},
		[]any{v.T("Complaints"), v.Complaints, v.ComplaintsOpen},
		[]any{v.T("Complaints per 100 homes"), v.ComplaintRate},
		[]any{v.T("Patrol runs complete"), v.PatrolRate, v.Patrols},
		[]any{v.T("Hazards reported"), v.Hazards, v.HazardsOpen},
		[]any{v.T("Waiting at the front desk"), v.DeskWait, v.DeskWaitMedian, v.DeskServed},
		[]any{v.T("Quiz scores"), v.TrainingScore, v.TrainingQuizzes})
	rows = append(rows, v.dashboardMore.exportRows(&v.Page)...)
	rows = append(rows, []any{}, []any{v.T("Building"), v.T("Orders"), v.T("Complaints"), v.T("Hazards reported"), v.T("Homes"), v.T("Complaints per 100 homes"),
		v.T("Promises due"), v.T("Promises kept of all kinds")})
	for _, b := range v.Buildings {
		rows = append(rows, []any{b.Name, b.Orders, b.Complaints, b.Hazards, b.Homes, b.PerHundred, b.PromisesDue, b.PromisesKept})
	}
	rows = append(rows, []any{}, []any{v.T("Staff member"), v.T("Orders"), v.T("Mean time to site"), v.T("Satisfaction after repairs"), v.T("Patrol runs"), v.T("Patrol runs complete"),
		v.T("Promises due"), v.T("Promises kept of all kinds")})
	for _, p := range v.People {
		rows = append(rows, []any{p.Name, p.Orders, p.Response, p.Satisfaction, p.Patrols, p.PatrolPercent, p.PromisesDue, p.PromisesKept})
	}
	h.writeXLSX(w, r, v.T("Dashboard"), v.Project.Code+"-dashboard-"+v.From+"-"+v.To+".xlsx", rows, colWidth{"A", "A", 30}, colWidth{"B", "N", 14})
}

// jsonString returns v as JSON text.
func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// anySlice returns a slice's values as []any.
func anySlice[T any](s []T) []any {
	out := make([]any, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}

// outcomeOption is a choice of the promise list's outcome filter.
type outcomeOption struct{ Value, Label string }

// outcomes are the outcomes of a promise, as the list filters them.
var outcomes = []outcomeOption{{Value: wubu.OutcomeKept, Label: "outcome:kept"}, {Value: wubu.OutcomeMissed, Label: "outcome:missed"},
	{Value: wubu.OutcomeOpen, Label: "outcome:open"}}

type promiseListView struct {
	orderPage
	Project         *wubu.Project
	Object, Outcome string
	From, To        string
	Promises        []*wubu.Deadline
	Pager           PagerView
	Objects         []string
	Outcomes        []outcomeOption
	DashboardHref   string
	Total           int
	// Building and Person narrow the list to a building's or a person's
	// promises (the dashboard's per-building and per-person figures).
	Building, Person string
}

// Href links a promise to its object's page.
func (v *promiseListView) Href(d *wubu.Deadline) string {
	paths := map[string]string{"order": "/orders/", "complaint": "/complaints/", "hazard": "/hazards/", "pass": "/passes/",
		"tenant_registration": "/tenants/", "incident": "/incidents/", "patrol_run": "/patrol/runs/", "revisit": "/revisits/",
		"renovation": "/renovations/", "move_in": "/move-ins/"}
	if p, ok := paths[d.ObjectType]; ok {
		return p + d.ObjectID
	}
	return ""
}

// OutcomeOf names where a promise stands.
func (v *promiseListView) OutcomeOf(d *wubu.Deadline) string {
	switch {
	case d.State == wubu.DeadlineMet:
		return v.T("Kept")
	case d.State == wubu.DeadlineMissed:
		return v.T("Kept late")
	}
	return v.T("Breached and still open")
}

// promiseList is the list behind a promise figure: the promises of a kind
// of object due in the period, by outcome.
func (h *Handler) promiseList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.Projects.FindProjectByID(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	v := &promiseListView{orderPage: h.withClock(h.newPage(r, "Promises")), Project: p, Object: q.Get("object"), Outcome: q.Get("outcome"),
		Outcomes: outcomes, Building: q.Get("building"), Person: q.Get("person")}
	v.Title = p.Name + " · " + v.T("Promises")
	for _, lc := range wubu.Lifecycles {
		if len(lc.Clocks) > 0 {
			v.Objects = append(v.Objects, lc.Object)
		}
	}
	from, to, fromS, toS, err := h.reportPeriod(r)
	v.From, v.To = fromS, toS
	v.Form.Set("from", fromS)
	v.Form.Set("to", toS)
	v.DashboardHref = "/projects/" + strconv.FormatInt(id, 10) + "/dashboard?" + url.Values{"from": {fromS}, "to": {toS}}.Encode()
	if err == nil && v.Object != "" && !slices.Contains(v.Objects, v.Object) {
		err = wubu.FieldErrorf("object", wubu.EINVALID, "Choose a kind of promise from the list.")
	}
	page, offset := pageOffset(r)
	pf := wubu.PromiseFilter{ProjectID: id, ObjectType: v.Object, From: from.Format(time.DateOnly),
		To: to.Format(time.DateOnly), Outcome: v.Outcome, Offset: offset, Limit: pageSize}
	if err == nil {
		err = promiseOwnerFilter(&pf, v.Building, v.Person)
	}
	if err == nil {
		v.Promises, v.Total, err = h.Rollups.Promises(ctx, pf)
	}
	v.Pager = newPager(&v.Page, r, page, v.Total)
	if err != nil {
		if wubu.ErrorCode(err) != wubu.EINVALID {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, formError(r, &v.Page, err, ""), "promises", v)
		return
	}
	h.render(w, r, http.StatusOK, "promises", v)
}
