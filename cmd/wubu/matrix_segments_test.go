package main

import (
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// The routes of customer segments (U2): whoever holds segment.query — the
// service post, duty managers, managers, the quality department and the
// admin; never a guard, cleaner or technician. Then the six-step
// scorecard and the quality view (issue 17).
func init() {
	addMatrix(map[string]matrixEntry{
		"GET /projects/{id}/segments":        {perm: wubu.PermSegmentQuery},
		"POST /projects/{id}/segments":       {perm: wubu.PermSegmentQuery, body: "name=独居老人&care=elderly_alone"},
		"GET /projects/{id}/segments/export": {perm: wubu.PermSegmentQuery},
		"POST /segments/{id}/delete":         {perm: wubu.PermSegmentQuery},

		"POST /api/v1/projects/{id}/segments/query": {perm: wubu.PermSegmentQuery, body: `{"age_min":60,"relations":["owner"]}`},
		"GET /api/v1/projects/{id}/segments":        {perm: wubu.PermSegmentQuery},
		"POST /api/v1/projects/{id}/segments":       {perm: wubu.PermSegmentQuery, body: `{"name":"业主","query":{"relations":["owner"]}}`},
		"DELETE /api/v1/segments/{id}":              {perm: wubu.PermSegmentQuery},

		// The six-step scorecard and the quality view: report.view.
		"GET /projects/{id}/scorecard":              {perm: wubu.PermReportView},
		"GET /quality":                              {perm: wubu.PermReportView},
		"GET /quality/export":                       {perm: wubu.PermReportView},
		"GET /api/v1/projects/{id}/scorecard":       {perm: wubu.PermReportView},
		"GET /api/v1/projects/{id}/scorecard/trend": {perm: wubu.PermReportView},
		"GET /api/v1/quality":                       {perm: wubu.PermReportView},
	}, map[string]objectMaker{
		// A saved segment of the project.
		"/segments/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			s := &wubu.Segment{ProjectID: p.ID, Name: "重要客户", Query: wubu.SegmentQuery{ImportanceMin: 3}}
			if err := sqlstore.NewSegmentService(app.DB).SaveSegment(app.adminCtx(), s); err != nil {
				t.Fatal(err)
			}
			return s.ID
		},
	})
}
