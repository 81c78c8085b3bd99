package main

import (
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// The permission matrix of release passes, new tenants, incidents and the
// guard's start page (S2, S8, S9).
func init() {
	seeSecurity := everyone
	securityEditors := []wubu.Role{wubu.RoleStaff, wubu.RoleTeamLeader, wubu.RoleDutyManager, wubu.RoleManager, wubu.RoleAdmin}
	leaders := []wubu.Role{wubu.RoleTeamLeader, wubu.RoleDutyManager, wubu.RoleManager, wubu.RoleAdmin}
	// Confirming passes, filing tenants and acknowledging incidents belong
	// to those who lead and to the service post.
	confirm := matrixEntry{perm: wubu.PermPassConfirm}
	with := func(e matrixEntry, body string) matrixEntry { e.body = body; return e }
	addMatrix(map[string]matrixEntry{
		"GET /guard": {allow: seeSecurity},

		"GET /passes":                 {allow: seeSecurity},
		"GET /passes/new":             {allow: securityEditors},
		"POST /passes":                {allow: securityEditors, body: "project={project}&room=1-1-101&person_name=搬家人&items=沙发&gate=东门"},
		"GET /passes/{id}":            {allow: seeSecurity},
		"GET /passes/{id}/status":     {allow: seeSecurity},
		"GET /passes/{id}/photos/{n}": {allow: seeSecurity, missingOK: true},
		"POST /passes/{id}/confirm":   with(confirm, "method=owner_present"),
		"POST /passes/{id}/refuse":    with(confirm, "reason=不符合"),
		"POST /passes/{id}/release":   {allow: securityEditors, body: "gate=东门"},

		"GET /tenants":              {allow: seeSecurity},
		"GET /tenants/new":          {allow: securityEditors},
		"POST /tenants":             {allow: securityEditors, body: "project={project}&room=1-1-102&name=新租户&phone=13900007777&move_in=2026-11-27"},
		"GET /tenants/{id}":         {allow: seeSecurity},
		"POST /tenants/{id}/check":  {allow: leaders},
		"POST /tenants/{id}/file":   confirm,
		"POST /tenants/{id}/reject": with(confirm, "reason=资料不全"),

		"GET /incidents":             {allow: seeSecurity},
		"GET /incidents/new":         {allow: securityEditors},
		"POST /incidents":            {allow: securityEditors, body: "project={project}&kind=fire&place=东门&description=冒烟"},
		"GET /incidents/{id}":        {allow: seeSecurity},
		"POST /incidents/{id}/ack":   with(confirm, "note=收到"),
		"POST /incidents/{id}/close": with(confirm, "note=已处理"),
		"POST /incidents/{id}/note":  {allow: securityEditors, body: "text=补充"},

		"GET /api/v1/projects/{id}/passes":     {allow: seeSecurity},
		"POST /api/v1/projects/{id}/passes":    {allow: securityEditors, body: `{"room":"1-1-101","person_name":"搬家人","items":["沙发"],"gate":"东门"}`},
		"GET /api/v1/passes/{id}":              {allow: seeSecurity},
		"POST /api/v1/passes/{id}/photos":      {allow: securityEditors, body: `{"data":"iVBORw0KGgo="}`},
		"POST /api/v1/passes/{id}/confirm":     with(confirm, `{"method":"owner_present"}`),
		"POST /api/v1/passes/{id}/refuse":      with(confirm, `{"reason":"不符合"}`),
		"POST /api/v1/passes/{id}/release":     {allow: securityEditors, body: `{"gate":"东门"}`},
		"GET /api/v1/projects/{id}/tenants":    {allow: seeSecurity},
		"POST /api/v1/projects/{id}/tenants":   {allow: securityEditors, body: `{"room":"1-1-102","name":"接口租户","phone":"13900008888","move_in":"2026-11-27"}`},
		"GET /api/v1/tenants/{id}":             {allow: seeSecurity},
		"POST /api/v1/tenants/{id}/check":      {allow: leaders},
		"POST /api/v1/tenants/{id}/file":       confirm,
		"POST /api/v1/tenants/{id}/reject":     with(confirm, `{"reason":"资料不全"}`),
		"GET /api/v1/projects/{id}/incidents":  {allow: seeSecurity},
		"POST /api/v1/projects/{id}/incidents": {allow: securityEditors, body: `{"kind":"flood","place":"3栋","description":"漏水"}`},
		"GET /api/v1/incidents/{id}":           {allow: seeSecurity},
		"POST /api/v1/incidents/{id}/ack":      with(confirm, `{"note":"收到"}`),
		"POST /api/v1/incidents/{id}/close":    with(confirm, `{"note":"已处理"}`),
		"POST /api/v1/incidents/{id}/notes":    {allow: securityEditors, body: `{"text":"补充"}`},
	}, map[string]objectMaker{
		"/passes/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			pass, err := sqlstore.NewPassService(app.DB, app.Main.Clocks).StartPass(app.adminCtx(), &wubu.NewPass{ProjectID: p.ID, RoomID: o.room,
				PersonID: &o.resident, Items: []string{"沙发"}, Gate: "东门"})
			if err != nil {
				t.Fatal(err)
			}
			return pass.ID
		},
		"/tenants/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			reg, err := sqlstore.NewTenantService(app.DB, app.Main.Clocks).RegisterTenant(app.adminCtx(), &wubu.NewTenant{ProjectID: p.ID, RoomID: o.room,
				Name: "矩阵租户", Phone: "13900009999", MoveIn: "2026-11-27"})
			if err != nil {
				t.Fatal(err)
			}
			return reg.ID
		},
		"/incidents/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			i, err := sqlstore.NewIncidentService(app.DB, app.Main.Clocks, nil).ReportIncident(app.adminCtx(), &wubu.NewIncident{ProjectID: p.ID,
				Kind: wubu.IncidentConflict, Place: "北门", Description: "争执"})
			if err != nil {
				t.Fatal(err)
			}
			return i.ID
		},
	})
}
