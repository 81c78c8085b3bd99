package main

import (
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// The routes of complaints (U4), key-customer profiles (U3) and the duty
// managers' roster (E1).
func init() {
	dispatchers := matrixEntry{perm: wubu.PermOrderDispatch}
	reporters := []wubu.Role{wubu.RoleTeamLeader, wubu.RoleDutyManager, wubu.RoleManager, wubu.RoleQuality, wubu.RoleAdmin}
	addMatrix(map[string]matrixEntry{
		"GET /complaints":                     {allow: residentViewers},
		"GET /complaints/export":              {allow: residentViewers},
		"GET /complaints/new":                 {allow: residentEditors},
		"POST /complaints":                    {allow: residentEditors, body: "project={project}&category=noise&description=装修噪音&person_id={resident}"},
		"GET /complaints/{id}":                {allow: residentViewers},
		"GET /complaints/{id}/photos/{photo}": {allow: residentViewers, missingOK: true},
		"POST /complaints/{id}/acknowledge":   dispatchers,
		"POST /complaints/{id}/assign":        {perm: wubu.PermOrderDispatch, body: "team=maintenance"},
		// Assigned to the maintenance team: a guard or a cleaner may not
		// record its handling; the technician who handled it may not make
		// its revisit (four eyes).
		"POST /complaints/{id}/handle":           {allow: residentEditors, body: "note=已处理", refused: []string{"m_guard", "m_cleaner"}},
		"POST /complaints/{id}/reply":            {allow: residentEditors, body: "note=已答复"},
		"POST /complaints/{id}/revisit":          {allow: residentEditors, body: "satisfied=1", refused: []string{"m_tech"}},
		"POST /complaints/{id}/close":            {allow: residentEditors},
		"POST /complaints/{id}/links":            {allow: residentEditors, body: "object_type=order&object_id=987654"},
		"GET /residents/{id}/complaints":         {allow: residentViewers},
		"GET /residents/{id}/key-profile":        {allow: managers},
		"POST /residents/{id}/key-profile":       {allow: managers, body: "occupation=企业主&age=50"},
		"GET /residents/{id}/key-profile/photo":  {allow: managers, missingOK: true},
		"GET /projects/{id}/complaint-settings":  {allow: residentViewers},
		"POST /projects/{id}/complaint-settings": {allow: managers, body: "ack_minutes=30&handle_minutes=1440&fast_ack_minutes=10&fast_handle_minutes=240&importance_level=4&importance_index=80&decay_days=180&visit_points=12&working=fees"},
		"GET /projects/{id}/duty-managers":       {allow: residentViewers},
		"POST /projects/{id}/duty-managers":      {allow: managers, body: "day=restday"},

		"GET /api/v1/projects/{id}/complaints":         {allow: residentViewers},
		"POST /api/v1/projects/{id}/complaints":        {allow: residentEditors, body: `{"category":"noise","description":"装修噪音","person_id":{resident}}`},
		"GET /api/v1/projects/{id}/complaint-points":   {allow: residentViewers},
		"GET /api/v1/projects/{id}/complaint-rates":    {allow: reporters},
		"GET /api/v1/projects/{id}/complaint-settings": {allow: residentViewers},
		"PUT /api/v1/projects/{id}/complaint-settings": {allow: managers, body: `{"ack_minutes":30,"handle_minutes":1440,"fast_ack_minutes":10,"fast_handle_minutes":240,"importance_level":4,"importance_index":80,"decay_days":180,"visit_points":12}`},
		"GET /api/v1/complaints/{id}":                  {allow: residentViewers},
		"GET /api/v1/complaints/{id}/photos/{photo}":   {allow: residentViewers, missingOK: true},
		"POST /api/v1/complaints/{id}/acknowledge":     {perm: wubu.PermOrderDispatch, body: `{"note":""}`},
		"POST /api/v1/complaints/{id}/assign":          {perm: wubu.PermOrderDispatch, body: `{"team":"maintenance"}`},
		"POST /api/v1/complaints/{id}/handle":          {allow: residentEditors, body: `{"note":"已处理"}`},
		"POST /api/v1/complaints/{id}/reply":           {allow: residentEditors, body: `{"note":"已答复"}`},
		"POST /api/v1/complaints/{id}/revisit":         {allow: residentEditors, body: `{"satisfied":true}`, refused: []string{"m_tech"}},
		"POST /api/v1/complaints/{id}/close":           {allow: residentEditors},
		"POST /api/v1/complaints/{id}/links":           {allow: residentEditors, body: `{"object_type":"order","object_id":987654}`},
		"GET /api/v1/residents/{id}/key-profile":       {allow: managers},
		"PUT /api/v1/residents/{id}/key-profile":       {allow: managers, body: `{"occupation":"企业主"}`},
		"GET /api/v1/projects/{id}/duty-managers":      {allow: residentViewers},
		"PUT /api/v1/projects/{id}/duty-managers":      {allow: managers, body: `{"day":"restday"}`},
	}, map[string]objectMaker{
		// A complaint of the project's resident, just received.
		"/complaints/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			c := &wubu.Complaint{ProjectID: p.ID, Category: wubu.ComplaintNoise, Description: "夜间施工噪音", PersonID: &o.resident}
			if err := sqlstore.NewComplaintService(app.DB, app.Main.Clocks).ReceiveComplaint(app.adminCtx(), c); err != nil {
				t.Fatal(err)
			}
			return c.ID
		},
		// The resident's key-customer profile, naming nobody: only the
		// managers may read it.
		"/key-profiles/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			if err := sqlstore.NewKeyProfileService(app.DB).SaveKeyProfile(app.adminCtx(), &wubu.KeyProfile{PersonID: o.resident, Occupation: "教师"}, nil); err != nil {
				t.Fatal(err)
			}
			return o.resident
		},
	})
}
