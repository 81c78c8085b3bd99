package main

import (
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// The routes of the sales office's prospect list (K6) — past the route's
// permission, only the custodian (none is named here) and the manager —
// of the anticipated-issue register (K8), the hotline and handbook (K5,
// H3) and the local resources (H2).
func init() {
	addMatrix(map[string]matrixEntry{
		"GET /projects/{id}/prospects":            {allow: managers},
		"POST /projects/{id}/prospects":           {allow: managers, body: "name=张三&address=北京市朝阳区1号&unit=1-1-101"},
		"POST /projects/{id}/prospects/custodian": {allow: managers, body: "user_id={user}"},
		"GET /projects/{id}/prospects/export":     {allow: managers},
		"GET /projects/{id}/prospects/labels":     {allow: managers},

		"GET /projects/{id}/focus-issues":     {allow: residentViewers},
		"POST /projects/{id}/focus-issues":    {allow: residentEditors, body: "title=车库渗水&source=staff&households=40&severity=3&owner_id={user}"},
		"GET /focus-issues/{id}":              {allow: residentViewers},
		"POST /focus-issues/{id}/escalate":    {allow: residentEditors, body: "question=请确认维修时间"},
		"POST /focus-issues/{id}/answer":      {allow: residentEditors, body: "answer=下周维修"},
		"POST /focus-issues/{id}/resolve":     {allow: residentEditors},
		"POST /focus-issues/{id}/follow-ups":  {allow: residentEditors, body: "action=回访业主&due_on=2099-01-01&owner_id={user}"},
		"GET /projects/{id}/handbook":         {allow: everyone},
		"GET /projects/{id}/contact-cards":    {allow: everyone},
		"GET /projects/{id}/community-info":   {allow: managers},
		"POST /projects/{id}/community-info":  {allow: managers, body: "hotline=400-800-1234&hours=8:30-18:00"},
		"GET /projects/{id}/local-resources":  {allow: everyone},
		"POST /projects/{id}/local-resources": {allow: managers, body: "kind=clinic&name=社区卫生服务站"},
		"GET /local-resources/{id}/form":      {allow: everyone},
		"POST /focus-follow-ups/{id}/done":    {allow: residentEditors, body: "note=已回访"},
	}, map[string]objectMaker{
		// An open issue of the project.
		"/focus-issues/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			i := &wubu.FocusIssue{ProjectID: p.ID, Title: "车库渗水", Households: 40, Severity: 3, OwnerID: o.user}
			if err := sqlstore.NewFocusService(app.DB, nil).RecordFocusIssue(app.adminCtx(), i); err != nil {
				t.Fatal(err)
			}
			return i.ID
		},
		// A procedure with its form.
		"/local-resources/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			lr := &wubu.LocalResource{ProjectID: p.ID, Kind: "procedure", Name: "居住证办理"}
			if err := sqlstore.NewLocalResourceService(app.DB).AddLocalResource(app.adminCtx(), lr, &wubu.LocalResourceFile{Name: "form.pdf", Data: []byte("%PDF")}); err != nil {
				t.Fatal(err)
			}
			return lr.ID
		},
		// A planned follow-up of an issue.
		"/focus-follow-ups/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			fs := sqlstore.NewFocusService(app.DB, nil)
			i := &wubu.FocusIssue{ProjectID: p.ID, Title: "电梯等候", Households: 100, Severity: 2, OwnerID: o.user}
			if err := fs.RecordFocusIssue(app.adminCtx(), i); err != nil {
				t.Fatal(err)
			}
			f := &wubu.FocusFollowUp{IssueID: i.ID, Action: "回访", DueAt: app.DB.Clock.Now().Add(48 * time.Hour)}
			if err := fs.PlanFocusFollowUp(app.adminCtx(), f); err != nil {
				t.Fatal(err)
			}
			return f.ID
		},
	})
}
