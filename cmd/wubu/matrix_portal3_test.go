package main

import (
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// The portal's home services (issue 15): the catalogue and free slots,
// booking, the bookings of the resident's homes and their cancellation.
func init() {
	// A booking of the resident's room, its slot to come.
	portalMakers["/my/services/bookings/"] = func(t *testing.T, app *testApp, _ *browser, p *wubu.Project, o *orgObjects) int64 {
		svc := matrixHousekeeping(t, app, p, o)
		b := &wubu.Booking{ServiceID: svc.ID, PersonID: o.resident, RoomID: o.room, SlotStart: time.Date(2026, 11, 29, 14, 0, 0, 0, time.FixedZone("CST", 8*3600))}
		if err := sqlstore.NewHousekeepingService(app.DB).Book(app.adminCtx(), b); err != nil {
			t.Fatal(err)
		}
		return b.ID
	}
	// An open survey to the whole project.
	portalMakers["/my/surveys/"] = func(t *testing.T, app *testApp, _ *browser, p *wubu.Project, o *orgObjects) int64 {
		today := app.Main.DB.Clock.Now().In(time.FixedZone("CST", 8*3600))
		f := &wubu.SurveyForm{ProjectID: p.ID, Purpose: wubu.SurveyCommunity, Title: "满意度调查", OpensOn: today.Format(time.DateOnly),
			ClosesOn: today.AddDate(0, 0, 7).Format(time.DateOnly), Questions: []*wubu.SurveyQuestion{{Kind: wubu.QuestionYesNo, Text: "满意吗"}}}
		if err := sqlstore.NewSurveyService(app.DB).SaveSurveyForm(app.adminCtx(), f); err != nil {
			t.Fatal(err)
		}
		return f.ID
	}
	// A visitor invited by the resident.
	portalMakers["/my/visitors/"] = func(t *testing.T, app *testApp, _ *browser, p *wubu.Project, o *orgObjects) int64 {
		v := &wubu.VisitorPass{RoomID: o.room, VisitorName: "小张", VisitorPhone: "13800138000", Date: app.Main.DB.Clock.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)}
		if err := sqlstore.NewVisitorPassService(app.DB).InviteVisitorAs(app.adminCtx(), p.ID, o.resident, v); err != nil {
			t.Fatal(err)
		}
		return v.ID
	}
	addMatrix(map[string]matrixEntry{
		"GET /my/services":                           {portal: true},
		"POST /my/services/book":                     {portal: true, body: "slot=2026-11-29 16:00"},
		"GET /my/services/bookings":                  {portal: true},
		"POST /my/services/bookings/{id}/cancel":     {portal: true},
		"POST /my/services/bookings/{id}/reschedule": {portal: true, body: "slot=2026-11-29 16:00"},
		"POST /my/round-tables/{id}/cancel":          {portal: true},
		"GET /my/surveys":                            {portal: true},
		"GET /my/surveys/{id}":                       {portal: true},
		"POST /my/surveys/{id}":                      {portal: true},
		"GET /my/handbook":                           {portal: true},
		"POST /my/visitors/{id}/cancel":              {portal: true},
	}, nil)
}
