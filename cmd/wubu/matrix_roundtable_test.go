package main

import (
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// The routes of round tables and lobby hours (A1, A2).
func init() {
	addMatrix(map[string]matrixEntry{
		"GET /round-tables":                                   {allow: residentViewers},
		"POST /round-tables":                                  {allow: residentEditors, body: "project={project}&day=2027-03-02&times=09:00,09:30&minutes=30&place=会客室&host_id={user}"},
		"GET /round-tables/{id}":                              {allow: residentViewers},
		"POST /round-tables/{id}/book":                        {allow: residentEditors, body: "person_id={resident}"},
		"POST /round-tables/{id}/cancel":                      {allow: residentEditors},
		"POST /round-tables/{id}/hold":                        {allow: residentEditors, body: "notes=业主建议增加充电桩"},
		"POST /round-tables/{id}/withdraw":                    {allow: residentEditors},
		"POST /round-tables/{id}/follow-ups":                  {allow: residentEditors, body: "action=回复业主&due_on=2027-03-10"},
		"POST /round-tables/{id}/follow-ups/{followup}/close": {allow: residentEditors, body: "outcome=已回复"},
		"GET /lobby-hours":                                    {allow: residentViewers},
		"POST /lobby-hours":                                   {allow: residentEditors, body: "project={project}&month=2027-03&building_id={building}&weekday=2&starts=19:00&ends=21:00&assistant_id={user}"},
		"POST /lobby-hours/{id}/remove":                       {allow: residentEditors},
		"POST /lobby-visits":                                  {allow: residentEditors, body: "project={project}&building_id={building}&topic=停车咨询"},
		"GET /buildings/{id}/lobby-hours":                     {allow: residentViewers},
		"GET /api/v1/projects/{id}/round-tables":              {allow: residentViewers},
		"POST /api/v1/round-tables/{id}/booking":              {allow: residentEditors, body: `{"person_id":{resident}}`},
		"GET /api/v1/projects/{id}/lobby-hours":               {allow: residentViewers},
	}, map[string]objectMaker{
		// A free slot of the project, held by its staff member.
		"/round-tables/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			return matrixSlot(t, app, p, o, "09:00")
		},
		// A follow-up of a talk booked by the project's resident.
		"/followup/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			rt := sqlstore.NewRoundTableService(app.DB, app.Main.Clocks)
			id := matrixSlot(t, app, p, o, "10:00")
			if _, err := rt.BookRoundTable(app.adminCtx(), id, o.resident, wubu.BookedByStaff); err != nil {
				t.Fatal(err)
			}
			f := &wubu.TalkFollowUp{SlotID: id, Action: "回复业主", DueAt: time.Date(2027, 3, 10, 9, 0, 0, 0, time.UTC)}
			if err := rt.PlanTalkFollowUp(app.adminCtx(), f); err != nil {
				t.Fatal(err)
			}
			return f.ID
		},
		// An entry of the project's lobby hours.
		"/lobby-hours/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			h := &wubu.LobbyHours{ProjectID: p.ID, BuildingID: o.building, Month: "2027-03", Weekday: 4, Starts: "19:00", Ends: "20:30", AssistantID: o.user}
			if err := sqlstore.NewLobbyService(app.DB).AddLobbyHours(app.adminCtx(), h); err != nil {
				t.Fatal(err)
			}
			return h.ID
		},
	})
}

// matrixSlot publishes one slot of the project on 2027-03-01 at hm.
func matrixSlot(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects, hm string) int64 {
	t.Helper()
	slots, err := sqlstore.NewRoundTableService(app.DB, app.Main.Clocks).PublishRoundTables(app.adminCtx(),
		wubu.RoundTableSeries{ProjectID: p.ID, Day: "2027-03-01", Times: []string{hm}, Minutes: 30, Place: "会客室", HostID: o.user})
	if err != nil {
		t.Fatal(err)
	}
	return slots[0].ID
}
