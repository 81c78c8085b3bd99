package main

import (
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// The routes of revisits (U4, S3) and the customer card's opt-out form.
func init() {
	addMatrix(map[string]matrixEntry{
		"GET /projects/{id}/revisits":      {allow: residentViewers},
		"GET /residents/{id}/revisits/new": {allow: residentEditors},
		"POST /residents/{id}/revisits":    {allow: residentEditors, body: "due_at=2026-11-28T10:00&purpose=维修后回访"},
		"GET /revisits/{id}":               {allow: residentViewers},
		"POST /revisits/{id}/outcome":      {allow: residentEditors, body: "notes=业主满意&satisfaction=5"},
		"POST /residents/{id}/opt-outs":    {allow: residentEditors, card: wubu.CardOptOuts, body: "sent=1&out=festival_greeting"},

		"GET /api/v1/projects/{id}/revisits":   {allow: residentViewers},
		"POST /api/v1/residents/{id}/revisits": {allow: residentEditors, body: `{"due_at":"2026-11-28T02:00:00Z","purpose":"维修后回访"}`},
		"GET /api/v1/revisits/{id}":            {allow: residentViewers},
		"POST /api/v1/revisits/{id}/outcome":   {allow: residentEditors, body: `{"notes":"业主满意","satisfaction":5}`},
	}, map[string]objectMaker{
		// A planned revisit of the project's resident.
		"/revisits/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			r := &wubu.Revisit{PersonID: o.resident, Purpose: "回访", DueAt: app.Clock.Now().Add(24 * time.Hour)}
			if err := sqlstore.NewRevisitService(app.DB, sqlstore.NewSecurityService(app.DB)).ScheduleRevisit(app.adminCtx(), r); err != nil {
				t.Fatal(err)
			}
			return r.ID
		},
	})
}
