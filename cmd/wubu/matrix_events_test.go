package main

import (
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// The routes of community events and lectures (K1, H4, M4).
func init() {
	addMatrix(map[string]matrixEntry{
		"GET /events":                                {allow: residentViewers},
		"POST /events":                               {allow: residentEditors, body: "project={project}&kind=activity&title=中秋游园&place=中心花园&starts_at=2027-09-15T19:00&capacity=50"},
		"GET /events/{id}":                           {allow: residentViewers},
		"GET /events/{id}/door":                      {allow: residentEditors},
		"GET /events/{id}/photos/{photo}":            {allow: residentViewers, missingOK: true},
		"POST /events/{id}/state":                    {allow: residentEditors, body: "action=open"},
		"POST /events/{id}/signups":                  {allow: residentEditors, body: "person_id={resident}"},
		"POST /events/{id}/signups/{signup}/cancel":  {allow: residentEditors},
		"POST /events/{id}/signups/{signup}/attend":  {allow: residentEditors},
		"POST /events/{id}/photos":                   {allow: residentEditors},
		"GET /bulletins":                             {allow: residentViewers},
		"POST /bulletins":                            {allow: residentEditors, body: "project={project}&title=停水通知&body=正文&board_until=2027-01-10"},
		"GET /bulletins/{id}":                        {allow: residentViewers},
		"POST /pest-plans":                           {allow: managers, body: "project={project}&areas=地下车库&first_date=2027-01-10&every_days=14&notice_days=3"},
		"POST /events/{id}/bulletin":                 {allow: residentEditors},
		"GET /api/v1/projects/{id}/bulletins":        {allow: residentViewers},
		"POST /api/v1/projects/{id}/bulletins":       {allow: residentEditors, body: `{"title":"停水通知","body":"正文","board_until":"2027-01-10"}`},
		"GET /api/v1/projects/{id}/pest-plans":       {allow: residentViewers},
		"POST /api/v1/projects/{id}/pest-plans":      {allow: managers, body: `{"areas":"地下车库","first_date":"2027-01-10","every_days":14}`},
		"GET /survey-forms/{id}/answer":              {allow: residentEditors},
		"POST /survey-forms/{id}/answers":            {allow: residentEditors, body: "resident=none"},
		"GET /api/v1/projects/{id}/events":           {allow: residentViewers},
		"GET /api/v1/events/{id}":                    {allow: residentViewers},
		"POST /api/v1/events/{id}/signups":           {allow: residentEditors, body: `{"person_id":{resident}}`},
		"POST /api/v1/event-signups/{id}/cancel":     {allow: residentEditors},
		"POST /api/v1/event-signups/{id}/attendance": {allow: residentEditors},
	}, map[string]objectMaker{
		// An open event of the project.
		"/events/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			return matrixEvent(t, app, p)
		},
		// The project's resident signed up for an event of its own.
		"/event-signups/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			g, err := sqlstore.NewEventService(app.DB).SignUp(app.adminCtx(), matrixEvent(t, app, p), o.resident)
			if err != nil {
				t.Fatal(err)
			}
			return g.ID
		},
		// A notice on the project's board.
		"/bulletins/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			n := &wubu.Bulletin{ProjectID: p.ID, Title: "停电通知", Body: "正文", BoardUntil: "2027-01-10"}
			if err := sqlstore.NewBulletinService(app.DB).PostBulletin(app.adminCtx(), n); err != nil {
				t.Fatal(err)
			}
			return n.ID
		},
		"/signup/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			g, err := sqlstore.NewEventService(app.DB).SignUp(app.adminCtx(), matrixEvent(t, app, p), o.resident)
			if err != nil {
				t.Fatal(err)
			}
			return g.ID
		},
	})
}

func matrixEvent(t *testing.T, app *testApp, p *wubu.Project) int64 {
	t.Helper()
	es := sqlstore.NewEventService(app.DB)
	e := &wubu.Event{ProjectID: p.ID, Kind: wubu.EventLecture, Topic: "finance", Title: "理财讲座", Place: "会所", StartsAt: time.Date(2027, 5, 1, 2, 0, 0, 0, time.UTC), Capacity: 30}
	if err := es.PlanEvent(app.adminCtx(), e); err != nil {
		t.Fatal(err)
	}
	if _, err := es.OpenEvent(app.adminCtx(), e.ID); err != nil {
		t.Fatal(err)
	}
	return e.ID
}
