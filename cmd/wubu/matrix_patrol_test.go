package main

import (
	"fmt"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// The permission matrix of patrols, hazards, parking problems, alarm
// reminders, the building one-to-one, safety campaigns and the knowledge
// base (S3–S7, S10, S11): everyone sees them; front-line staff check in,
// report and record (the quality department only reads); leaders and
// managers keep routes, assign work, campaigns and the knowledge base.
// Recording a rectification and finishing someone else's run are for the
// assignee or guard of the run (no actor here) and for leaders.
func init() {
	see := everyone
	edit := []wubu.Role{wubu.RoleStaff, wubu.RoleTeamLeader, wubu.RoleDutyManager, wubu.RoleManager, wubu.RoleAdmin}
	manage := []wubu.Role{wubu.RoleTeamLeader, wubu.RoleManager, wubu.RoleQuality, wubu.RoleAdmin}
	editAndManage := []wubu.Role{wubu.RoleTeamLeader, wubu.RoleManager, wubu.RoleAdmin}
	addMatrix(map[string]matrixEntry{
		"GET /patrol":                          {allow: see},
		"GET /patrol/checkin":                  {allow: edit},
		"POST /patrol/checkin":                 {allow: edit, body: "code=NOPE-00000"},
		"POST /patrol/runs":                    {allow: edit, body: "route_id={patrol_routes}"},
		"GET /patrol/runs/{id}":                {allow: see},
		"POST /patrol/runs/{id}/finish":        {allow: editAndManage},
		"POST /patrol/runs/{id}/review":        {allow: manage},
		"POST /patrol/routes":                  {allow: manage, body: "project={project}&name=矩阵巡逻线&kind=patrol&interval_minutes=10"},
		"GET /patrol/routes/{id}":              {allow: see},
		"POST /patrol/routes/{id}/checkpoints": {allow: manage, body: "name=新点位&kind=key"},
		"GET /patrol/routes/{id}/qr":           {allow: see},

		"GET /hazards":                          {allow: see},
		"GET /hazards/new":                      {allow: edit},
		"POST /hazards":                         {allow: edit, body: "project={project}&place=楼道&description=堆物&severity=low"},
		"GET /hazards/{id}":                     {allow: see},
		"GET /hazards/{id}/photos/{photo}":      {allow: see, missingOK: true},
		"POST /hazards/{id}/assign":             {allow: manage, body: "assignee_id={user}"},
		"POST /hazards/{id}/rectify":            {allow: editAndManage, body: "note=已整改"},
		"POST /hazards/{id}/verify":             {allow: edit, body: "accepted=1"},
		"GET /parking":                          {allow: see},
		"GET /parking/new":                      {allow: edit},
		"POST /parking":                         {allow: edit, body: "project={project}&kind=damage&place=B1"},
		"GET /parking/{id}":                     {allow: see},
		"GET /parking/{id}/photos/{photo}":      {allow: see, missingOK: true},
		"POST /parking/{id}/assign":             {allow: manage, body: "assignee_id={user}"},
		"POST /parking/{id}/handle":             {allow: edit, body: "note=已联系车主挪车"},
		"POST /parking/{id}/close":              {allow: edit},
		"GET /alarms":                           {allow: see},
		"POST /residents/{id}/alarm-reminders":  {allow: edit, body: "method=intercom"},
		"POST /residents/{id}/security-advice":  {allow: edit, body: "topic=arm_alarm&topic=window_guards"},
		"GET /security/buildings":               {allow: see},
		"GET /buildings/{id}/security":          {allow: see},
		"POST /buildings/{id}/security/archive": {allow: edit, body: "kind=note&title=楼栋巡查"},
		"GET /safety-campaigns":                 {allow: see},
		"POST /safety-campaigns":                {allow: manage, body: "project={project}&kind=board&theme=fire&title=防火展板&starts_on=2026-11-23&ends_on=2026-12-31&places=东区&weeks_per_stop=1"},
		"GET /knowledge":                        {allow: see},
		"POST /knowledge":                       {allow: manage, body: "project={project}&category=numbers&title=常用电话&body=报警110"},
		"GET /knowledge/{id}":                   {allow: see},
		"POST /knowledge/{id}":                  {allow: manage, body: "category=numbers&title=常用电话&body=火警119"},

		"GET /api/v1/projects/{id}/patrol-routes":     {allow: see},
		"POST /api/v1/patrol-routes/{id}/runs":        {allow: edit},
		"POST /api/v1/patrol/checkin":                 {allow: edit, body: `{"code":"NOPE-00000"}`},
		"GET /api/v1/patrol-runs/{id}":                {allow: see},
		"POST /api/v1/patrol-runs/{id}/finish":        {allow: editAndManage},
		"GET /api/v1/projects/{id}/hazards":           {allow: see},
		"POST /api/v1/projects/{id}/hazards":          {allow: edit, body: `{"place":"车库","description":"灭火器过期","severity":"medium"}`},
		"GET /api/v1/hazards/{id}":                    {allow: see},
		"POST /api/v1/hazards/{id}/assign":            {allow: manage, body: `{"assignee_id":{user}}`},
		"POST /api/v1/hazards/{id}/rectify":           {allow: editAndManage, body: `{"note":"已整改"}`},
		"POST /api/v1/hazards/{id}/verify":            {allow: edit, body: `{"accepted":true}`},
		"GET /api/v1/projects/{id}/parking":           {allow: see},
		"POST /api/v1/projects/{id}/parking":          {allow: edit, body: `{"kind":"damage","place":"B2"}`},
		"GET /api/v1/parking/{id}":                    {allow: see},
		"POST /api/v1/parking/{id}/assign":            {allow: manage, body: `{"assignee_id":{user}}`},
		"POST /api/v1/parking/{id}/handle":            {allow: edit, body: `{"note":"已处理"}`},
		"POST /api/v1/parking/{id}/close":             {allow: edit},
		"GET /api/v1/projects/{id}/alarms":            {allow: see},
		"POST /api/v1/residents/{id}/alarm-reminders": {allow: edit, body: `{"method":"face_to_face"}`},
		"POST /api/v1/residents/{id}/security-advice": {allow: edit, body: `{"topics":["arm_alarm"]}`},
		"GET /api/v1/buildings/{id}/security":         {allow: see},
		"GET /api/v1/projects/{id}/knowledge":         {allow: see},
	}, map[string]objectMaker{
		"/patrol/routes/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			return matrixRoute(t, app, p, "web")
		},
		"/patrol-routes/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			return matrixRoute(t, app, p, "api")
		},
		"/patrol/runs/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			return matrixRun(t, app, matrixRoute(t, app, p, "run-web"))
		},
		"/patrol-runs/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			return matrixRun(t, app, matrixRoute(t, app, p, "run-api"))
		},
		"/hazards/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			h := &wubu.Hazard{ProjectID: p.ID, Place: "北门岗亭", Description: "电线裸露", Severity: wubu.SeverityHigh}
			if err := sqlstore.NewHazardService(app.DB, app.Main.Clocks).ReportHazard(app.adminCtx(), h, nil); err != nil {
				t.Fatal(err)
			}
			return h.ID
		},
		"/parking/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			pp := &wubu.ParkingProblem{ProjectID: p.ID, Kind: wubu.ParkingBlockedExit, Place: "B1 出口"}
			if err := sqlstore.NewParkingService(app.DB).ReportParking(app.adminCtx(), pp); err != nil {
				t.Fatal(err)
			}
			return pp.ID
		},
		"/knowledge/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			e := &wubu.KBEntry{ProjectID: p.ID, Category: "emergency", Title: "火灾应急预案", Body: "先报警,再疏散。"}
			if err := sqlstore.NewKnowledgeService(app.DB).SaveKBEntry(app.adminCtx(), e); err != nil {
				t.Fatal(err)
			}
			return e.ID
		},
	})
}

// matrixRoute makes a patrol route with one checkpoint in project p.
func matrixRoute(t *testing.T, app *testApp, p *wubu.Project, name string) int64 {
	t.Helper()
	ps := sqlstore.NewPatrolService(app.DB, app.Main.Clocks, nil)
	r := &wubu.PatrolRoute{ProjectID: p.ID, Name: fmt.Sprintf("矩阵-%s", name), Kind: wubu.RoutePatrol, IntervalMinutes: 10}
	if err := ps.CreateRoute(app.adminCtx(), r); err != nil {
		t.Fatal(err)
	}
	if err := ps.AddCheckpoint(app.adminCtx(), &wubu.Checkpoint{RouteID: r.ID, Name: "北门"}); err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// matrixRun starts a run of a route as the admin.
func matrixRun(t *testing.T, app *testApp, routeID int64) int64 {
	t.Helper()
	run, err := sqlstore.NewPatrolService(app.DB, app.Main.Clocks, nil).StartRun(app.adminCtx(), routeID)
	if err != nil {
		t.Fatal(err)
	}
	return run.ID
}
