package main

import (
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// The routes of Today (F9) and the proactive rules (E3, D4, H1, D3).
func init() {
	settingsForm := "work_start=08:30&work_end=17:30&card_reminder_days=15,3&special_day_lead_days=1&care_visit_days=7&care_escalate_days=1"
	settingsJSON := `{"work_start":"08:30","work_end":"17:30","card_reminder_days":[15,3],"special_day_lead_days":1,"care_visit_days":7,"care_escalate_days":1}`
	addMatrix(map[string]matrixEntry{
		"GET /today":                                      {allow: everyone},
		"GET /projects/{id}/settings":                     {allow: everyone},
		"POST /projects/{id}/settings":                    {allow: managers, body: settingsForm},
		"GET /projects/{id}/cards/expiring":               {allow: residentViewers},
		"GET /projects/{id}/care":                         {allow: residentViewers},
		"POST /residents/{id}/care-visits":                {allow: residentEditors, body: "notes=上门看望"},
		"GET /projects/{id}/greetings":                    {allow: managers},
		"POST /projects/{id}/greetings":                   {allow: managers, body: "festival=christmas/2026&message=节日快乐"},
		"GET /projects/{id}/greetings/{greeting}":         {allow: managers},
		"POST /projects/{id}/greetings/{greeting}/cancel": {allow: managers},
		"POST /projects/{id}/greetings/{greeting}/send":   {allow: managers},

		"GET /api/v1/agenda":                                     {allow: everyone},
		"GET /api/v1/projects/{id}/settings":                     {allow: everyone},
		"PUT /api/v1/projects/{id}/settings":                     {allow: managers, body: settingsJSON},
		"GET /api/v1/projects/{id}/cards/expiring":               {allow: residentViewers},
		"GET /api/v1/projects/{id}/care":                         {allow: residentViewers},
		"GET /api/v1/residents/{id}/care-visits":                 {allow: residentViewers},
		"POST /api/v1/residents/{id}/care-visits":                {allow: residentEditors, body: `{"notes":"上门看望"}`},
		"GET /api/v1/projects/{id}/greetings":                    {allow: managers},
		"POST /api/v1/projects/{id}/greetings":                   {allow: managers, body: `{"festival":"christmas","message":"节日快乐"}`},
		"POST /api/v1/projects/{id}/greetings/preview":           {allow: managers, body: `{"festival":"christmas","message":"节日快乐"}`},
		"GET /api/v1/projects/{id}/greetings/{greeting}":         {allow: managers},
		"POST /api/v1/projects/{id}/greetings/{greeting}/cancel": {allow: managers},
		"POST /api/v1/projects/{id}/greetings/{greeting}/send":   {allow: managers},
	}, map[string]objectMaker{
		// A scheduled festival greeting campaign: {greeting}.
		"/greeting/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			c := &wubu.GreetingCampaign{ProjectID: p.ID, Festival: "christmas", Message: "节日快乐"}
			if err := sqlstore.NewGreetingService(app.DB, app.Main.Outbox).CreateGreeting(app.adminCtx(), c); err != nil {
				t.Fatal(err)
			}
			return c.ID
		},
	})
}
