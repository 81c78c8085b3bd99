package main

import (
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// The routes of move-ins by zone (K7), the visits' survey forms, their
// results and the visit settings (K3, D1, D4).
func init() {
	reporters := []wubu.Role{wubu.RoleTeamLeader, wubu.RoleDutyManager, wubu.RoleManager, wubu.RoleQuality, wubu.RoleAdmin}
	addMatrix(map[string]matrixEntry{
		"GET /projects/{id}/move-ins":            {allow: residentViewers},
		"GET /projects/{id}/move-ins/new":        {allow: residentEditors},
		"GET /projects/{id}/move-ins/export":     {allow: residentViewers},
		"POST /projects/{id}/move-ins":           {allow: residentEditors, body: "room=1-1-102&name=新业主&relation=owner&move_in_on=2026-11-27"},
		"POST /projects/{id}/move-ins/checklist": {allow: managers, body: "items=交付钥匙%0A抄表"},
		"GET /move-ins/{id}":                     {allow: residentViewers},
		"POST /move-ins/{id}/check":              {allow: residentEditors, body: "item_id=0&done=1"},
		"POST /move-ins/{id}/complete":           {allow: residentEditors},
		"POST /move-ins/{id}/cancel":             {allow: residentEditors, body: "reason=业主延期"},

		"GET /projects/{id}/surveys":          {allow: residentViewers},
		"GET /projects/{id}/surveys/new":      {allow: managers},
		"POST /projects/{id}/surveys":         {allow: managers, body: "purpose=survey&title=需求调查&q_id=&q_kind=text&q_text=建议&q_choices="},
		"POST /projects/{id}/visit-settings":  {allow: managers, body: "welcome_days=7&programme_percent=10&programme_gap_months=6&move_in_stall_days=3"},
		"POST /projects/{id}/visit-programme": {allow: managers},
		"GET /survey-forms/{id}/edit":         {allow: managers},
		"POST /survey-forms/{id}":             {allow: managers, body: "title=满意度回访&q_id=&q_kind=scale&q_text=总体满意度&q_choices="},
		"GET /survey-forms/{id}/results":      {allow: reporters},
		"GET /survey-forms/{id}/results.xlsx": {allow: reporters},

		"GET /api/v1/projects/{id}/move-ins":          {allow: residentViewers},
		"POST /api/v1/projects/{id}/move-ins":         {allow: residentEditors, body: `{"room_id":{room},"name":"接口业主"}`},
		"GET /api/v1/projects/{id}/move-ins/progress": {allow: residentViewers},
		"GET /api/v1/move-ins/{id}":                   {allow: residentViewers},
		"POST /api/v1/move-ins/{id}/check":            {allow: residentEditors, body: `{"item_id":0,"done":true}`},
		"POST /api/v1/move-ins/{id}/complete":         {allow: residentEditors},
		"GET /api/v1/survey-forms/{id}/results":       {allow: reporters},
	}, map[string]objectMaker{
		// An open move-in of the project's second room.
		"/move-ins/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			rooms, _, err := sqlstore.NewOrgService(app.DB).FindRooms(app.adminCtx(), wubu.RoomFilter{ProjectID: p.ID, Limit: 4})
			if err != nil || len(rooms) < 4 {
				t.Fatalf("rooms: %v", err)
			}
			m := &wubu.MoveIn{ProjectID: p.ID, RoomID: rooms[3].ID, Name: "入伙户"}
			if err := sqlstore.NewMoveInService(app.DB, nil).StartMoveIn(app.adminCtx(), m); err != nil {
				t.Fatal(err)
			}
			return m.ID
		},
		// The satisfaction visits' survey form.
		"/survey-forms/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			f := &wubu.SurveyForm{ProjectID: p.ID, Purpose: wubu.VisitSurvey(wubu.VisitSatisfaction), Title: "满意度回访",
				Questions: []*wubu.SurveyQuestion{{Kind: wubu.QuestionScale, Text: "总体满意度", Required: true}}}
			if err := sqlstore.NewSurveyService(app.DB).SaveSurveyForm(app.adminCtx(), f); err != nil {
				t.Fatal(err)
			}
			return f.ID
		},
	})
}
