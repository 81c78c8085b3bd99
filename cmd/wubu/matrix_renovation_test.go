package main

import (
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// The routes of renovations (M4, S11). The renovation the matrix makes has
// no renovation manager: its review is refused as a matter of its state
// (409) to all but those who lead the maintenance post.
var renovationViewers = []wubu.Role{wubu.RoleStaff, wubu.RoleTeamLeader, wubu.RoleDutyManager, wubu.RoleManager, wubu.RoleQuality, wubu.RoleAdmin}

func init() {
	addMatrix(map[string]matrixEntry{
		"GET /renovations":                          {allow: renovationViewers},
		"GET /renovations/{id}":                     {allow: renovationViewers},
		"GET /renovations/{id}/card":                {allow: renovationViewers},
		"POST /renovations/{id}/review":             {allow: residentEditors, body: "action=ask_changes&note=补充图纸"},
		"POST /renovations/{id}/brief":              {allow: residentEditors, body: "resident_name=业主&lead_name=工长"},
		"POST /renovations/{id}/start":              {allow: residentEditors},
		"POST /renovations/{id}/inspect":            {allow: residentEditors, body: "note=正常"},
		"POST /renovations/{id}/violations":         {allow: residentEditors, body: "kind=waste&description=垃圾堆放"},
		"POST /renovations/{id}/violations/rectify": {allow: residentEditors, body: "violation_id=0&note=已整改"},
		"POST /renovations/{id}/violations/verify":  {allow: residentEditors, body: "violation_id=0&accepted=1"},
		"POST /renovations/{id}/accept":             {allow: residentEditors, body: "note=验收"},
		"GET /renovation-workers":                   {allow: renovationViewers},
		"GET /renovations/new":                      {allow: residentEditors},
		"POST /renovations":                         {allow: residentEditors, body: "room=9-9-999&company=安居装饰"},
		"GET /renovations/{id}/files/{photo}":       {allow: renovationViewers, missingOK: true},
		"GET /projects/{id}/renovation-settings":    {allow: renovationViewers},
		"POST /projects/{id}/renovation-settings": {allow: managers, body: "review_hours=48&inspect_hours=72&deposit=0&purge_days=30&escalate_after=3&escalate_to=manager" +
			"&work_from=08:00&work_to=18:00&rest_from=09:00&rest_to=17:00&checklist=交底&final_checklist=验收"},

		"GET /api/v1/projects/{id}/renovations":        {allow: renovationViewers},
		"POST /api/v1/projects/{id}/renovations":       {allow: residentEditors, body: `{"room_id":{room},"person_id":{resident},"company":"安居装饰","lead_name":"赵工长","lead_phone":"13912345678","scope":["walls"],"planned_from":"2026-12-01","planned_to":"2026-12-31"}`},
		"GET /api/v1/renovations/{id}":                 {allow: renovationViewers},
		"GET /api/v1/renovations/{id}/files/{photo}":   {allow: renovationViewers, missingOK: true},
		"POST /api/v1/renovations/{id}/brief":          {allow: residentEditors, body: `{"ticked":[0],"resident_name":"业主","lead_name":"工长"}`},
		"GET /api/v1/projects/{id}/renovation-workers": {allow: renovationViewers},
	}, map[string]objectMaker{
		// An application for the project's room by its resident.
		"/renovations/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			now := app.Clock.Now()
			r, err := sqlstore.NewRenovationService(app.DB, app.Main.Clocks).ApplyRenovation(app.adminCtx(), &wubu.NewRenovation{ProjectID: p.ID, RoomID: o.room, PersonID: o.resident,
				Company: "安居装饰", LeadName: "赵工长", LeadPhone: "13912345678", Scope: []string{"walls"},
				PlannedFrom: now.Format("2006-01-02"), PlannedTo: now.AddDate(0, 1, 0).Format("2006-01-02")})
			if err != nil {
				t.Fatal(err)
			}
			return r.ID
		},
	})
}
