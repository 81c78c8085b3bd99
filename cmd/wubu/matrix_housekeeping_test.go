package main

import (
	"context"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// The permission matrix of inspection campaigns (M3, M9) and housekeeping
// (C2, C5, C7): everyone who sees orders sees them; front-line staff book
// and record visits; those who dispatch (leaders and the service post)
// assign; managers set the catalogue, prices, rules and campaigns up.
func init() {
	see := everyone
	edit := []wubu.Role{wubu.RoleStaff, wubu.RoleTeamLeader, wubu.RoleDutyManager, wubu.RoleManager, wubu.RoleAdmin}
	setup := managers
	dispatch := func(body string) matrixEntry { return matrixEntry{perm: wubu.PermOrderDispatch, body: body} }
	addMatrix(map[string]matrixEntry{
		"GET /housekeeping":                               {allow: see},
		"GET /projects/{id}/housekeeping":                 {allow: see},
		"POST /projects/{id}/home-services":               {allow: setup, body: "name=深度保洁&category=cleaning&unit=次&price=300&duration_min=240"},
		"POST /home-services/{id}":                        {allow: setup, body: "name=日常保洁&category=cleaning&unit=次&price=180.5&duration_min=120&active=1"},
		"POST /projects/{id}/housekeeping-settings":       {allow: setup, body: "slot_minutes=120&day_start=08:00&day_end=18:00&per_cleaner=2&cleaners={user}"},
		"POST /projects/{id}/promotions":                  {allow: setup, body: "name=家政优惠周&starts_on=2026-12-01&ends_on=2026-12-07&price_{home-services}=99"},
		"GET /projects/{id}/bookings":                     {allow: see},
		"POST /projects/{id}/bookings":                    {allow: edit, body: "service_id={home-services}&person_id={resident}&slot=2026-11-29 10:00"},
		"GET /my-bookings":                                {allow: see},
		"GET /bookings/{id}":                              {allow: see},
		"POST /bookings/{id}/reschedule":                  {allow: edit, body: "slot=2026-11-30 14:00"},
		"POST /bookings/{id}/reassign":                    dispatch("cleaner_id={user}"),
		"POST /bookings/{id}/cancel":                      {allow: edit, body: "reason=客户改期"},
		"POST /bookings/{id}/complete":                    {allow: edit, body: "note=完成&needs=窗帘需清洗"},
		"GET /residents/{id}/needs":                       {allow: see},
		"POST /residents/{id}/needs":                      {allow: edit, body: "text=想了解除螨服务"},
		"GET /projects/{id}/campaigns":                    {allow: see},
		"POST /projects/{id}/campaigns":                   {allow: setup, body: "kind=home_inspection&name=免费入户检查&starts_on=2026-11-27&ends_on=2026-12-31&building_ids={building}"},
		"GET /campaigns/{id}":                             {allow: see},
		"POST /campaigns/{id}/assign":                     dispatch("building_id={building}&user_id={user}"),
		"GET /my-visits":                                  {allow: see},
		"GET /visits/{id}":                                {allow: see},
		"POST /visits/{id}":                               {allow: edit, body: "status=not_home&note=无人应门"},
		"GET /findings/{id}/photo":                        {allow: see},
		"GET /rooms/{id}/findings":                        {allow: see},
		"GET /api/v1/projects/{id}/campaigns":             {allow: see},
		"POST /api/v1/projects/{id}/campaigns":            {allow: setup, body: `{"kind":"holiday_electrical","name":"节前电气检查","starts_on":"2026-11-27","ends_on":"2026-12-31","building_ids":[{building}]}`},
		"GET /api/v1/projects/{id}/my-visits":             {allow: see},
		"GET /api/v1/campaigns/{id}":                      {allow: see},
		"GET /api/v1/campaigns/{id}/visits":               {allow: see},
		"POST /api/v1/campaigns/{id}/assign":              dispatch(`{"building_id":{building},"user_id":{user}}`),
		"GET /api/v1/visits/{id}":                         {allow: see},
		"POST /api/v1/visits/{id}/record":                 {allow: edit, body: `{"status":"not_home","note":"无人应门"}`},
		"GET /api/v1/rooms/{id}/findings":                 {allow: see},
		"GET /api/v1/findings/{id}/photo":                 {allow: see},
		"GET /api/v1/projects/{id}/home-services":         {allow: see},
		"POST /api/v1/projects/{id}/home-services":        {allow: setup, body: `{"name":"除螨","category":"pest_control","unit":"次","price_fen":19900,"duration_min":90,"active":true}`},
		"PATCH /api/v1/home-services/{id}":                {allow: setup, body: `{"price_fen":18800}`},
		"GET /api/v1/projects/{id}/housekeeping-settings": {allow: see},
		"PUT /api/v1/projects/{id}/housekeeping-settings": {allow: setup, body: `{"slot_minutes":120,"day_start":480,"day_end":1080,"per_cleaner":2,"cleaners":[{user}]}`},
		"GET /api/v1/projects/{id}/promotions":            {allow: see},
		"POST /api/v1/projects/{id}/promotions":           {allow: setup, body: `{"name":"优惠周","starts_on":"2026-12-08","ends_on":"2026-12-14","prices":[{"service_id":{home-services},"price_fen":100}]}`},
		"GET /api/v1/projects/{id}/slots":                 {allow: see},
		"GET /api/v1/projects/{id}/bookings":              {allow: see},
		"POST /api/v1/projects/{id}/bookings":             {allow: edit, body: `{"service_id":{home-services},"person_id":{resident},"slot":"2026-11-29 12:00"}`},
		"GET /api/v1/projects/{id}/my-bookings":           {allow: see},
		"GET /api/v1/bookings/{id}":                       {allow: see},
		"POST /api/v1/bookings/{id}/reschedule":           {allow: edit, body: `{"slot":"2026-11-30 16:00"}`},
		"POST /api/v1/bookings/{id}/reassign":             dispatch(`{"cleaner_id":{user}}`),
		"POST /api/v1/bookings/{id}/cancel":               {allow: edit, body: `{"reason":"改期"}`},
		"POST /api/v1/bookings/{id}/complete":             {allow: edit, body: `{"note":"完成","needs":["需要除螨"]}`},
		"GET /api/v1/residents/{id}/needs":                {allow: see},
		"POST /api/v1/residents/{id}/needs":               {allow: edit, body: `{"text":"想了解家电清洗"}`},
	}, map[string]objectMaker{
		"/home-services/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			return matrixHousekeeping(t, app, p, o).ID
		},
		"/bookings/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			svc := matrixHousekeeping(t, app, p, o)
			b := &wubu.Booking{ServiceID: svc.ID, PersonID: o.resident, SlotStart: time.Date(2026, 11, 28, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))}
			if err := sqlstore.NewHousekeepingService(app.DB).Book(app.adminCtx(), b); err != nil {
				t.Fatal(err)
			}
			return b.ID
		},
		"/campaigns/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			return matrixCampaign(t, app, p, o, nil).ID
		},
		"/visits/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			var visit int64
			matrixCampaign(t, app, p, o, &visit)
			return visit
		},
		"/findings/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			var visit int64
			matrixCampaign(t, app, p, o, &visit)
			ins := sqlstore.NewInspectionService(app.DB)
			v, err := ins.RecordVisit(app.adminCtx(), visit, wubu.VisitRecord{Status: wubu.VisitDone,
				Findings: []*wubu.Finding{{Appliance: "热水器", Problem: "漏水", Severity: wubu.SeverityMedium, NeedsRepair: true, Photo: []byte("\x89PNG\r\n\x1a\n0000")}}})
			if err != nil {
				t.Fatal(err)
			}
			return v.Findings[0].ID
		},
	})
}

// matrixHousekeeping gives a project its catalogue entry and a cleaner on
// the roster, once.
func matrixHousekeeping(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) *wubu.HomeService {
	t.Helper()
	ctx := app.adminCtx()
	hk := sqlstore.NewHousekeepingService(app.DB)
	services, err := hk.FindServices(ctx, p.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(services) > 0 {
		return services[0]
	}
	svc := &wubu.HomeService{ProjectID: p.ID, Category: wubu.ServiceCleaning, Name: "日常保洁", Unit: "次", PriceFen: 20000, DurationMin: 120, Active: true}
	if err := hk.SaveService(ctx, svc); err != nil {
		t.Fatal(err)
	}
	cleaner := app.User(t, "hk_cleaner_"+p.Code, wubu.RoleStaff, wubu.PostCleaning, p)
	st := wubu.DefaultHousekeepingSettings(p.ID)
	st.Cleaners = []int64{cleaner.ID, o.user}
	if err := hk.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	return svc
}

// matrixCampaign starts a campaign over the project's building and returns
// it, with its first visit in *visit when asked.
func matrixCampaign(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects, visit *int64) *wubu.Campaign {
	t.Helper()
	ctx := context.Background()
	ctx = wubu.NewContextWithUser(ctx, app.Admin)
	ins := sqlstore.NewInspectionService(app.DB)
	c := &wubu.Campaign{ProjectID: p.ID, Kind: wubu.CampaignHomeInspection, Name: "入户检查", StartsOn: "2026-11-27", EndsOn: "2026-12-31", BuildingIDs: []int64{o.building}}
	if err := ins.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	if visit != nil {
		vs, _, err := ins.FindVisits(ctx, wubu.VisitFilter{CampaignID: c.ID})
		if err != nil || len(vs) == 0 {
			t.Fatalf("visits: %v", err)
		}
		*visit = vs[0].ID
	}
	return c
}
