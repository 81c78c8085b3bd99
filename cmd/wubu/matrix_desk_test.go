package main

import (
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// The routes of the front desk (E2), the stairwell notices (E4) and the
// gifts (D2, C6, D4).
var reportViewers = staffViewer

func init() {
	addMatrix(map[string]matrixEntry{
		"GET /desk":                      {allow: residentViewers},
		"GET /desk/board":                {allow: residentViewers},
		"POST /desk/tickets":             {allow: residentEditors, body: "project={project}&business=payment"},
		"POST /desk/tickets/{id}/serve":  {allow: residentEditors, body: "project={project}&next=/desk"},
		"POST /desk/tickets/{id}/finish": {allow: residentEditors, body: "project={project}&next=/desk"},
		"POST /desk/tickets/{id}/leave":  {allow: residentEditors, body: "project={project}&next=/desk"},
		"GET /desk/settings":             {allow: managers},
		"POST /desk/settings":            {allow: managers, body: "project={project}&wait_threshold=2&recall_minutes=10&standby={user}"},
		"POST /desk/kiosks":              {allow: managers, body: "project={project}&name=前台屏幕"},
		"POST /desk/kiosks/{id}/revoke":  {allow: managers, body: "project={project}"},
		"GET /desk/report":               {allow: reportViewers},
		"GET /kiosk/{token}":             {public: true},
		"POST /kiosk/{token}":            {public: true, body: "business=payment"},
		"GET /notices":                   {allow: residentViewers},
		"POST /notices":                  {allow: residentEditors, body: "unit_id={notice_unit}&title=告示&body=正文&reason=测试"},
		"GET /notices/{id}":              {allow: residentViewers},
		"GET /notices/templates":         {allow: managers},
		"POST /notices/templates":        {allow: managers, body: "project={project}&title=新告示&body=正文"},
		"GET /gifts":                     {allow: residentViewers},
		"POST /gifts/items":              {allow: managers, body: "project={project}&name=月饼&kind=mid_autumn"},
		"POST /gifts/items/{id}/receive": {allow: managers, body: "project={project}&quantity=5"},
		"POST /gifts/campaigns":          {allow: managers, body: "project={project}&name=中秋&item_id={gifts_items}"},
		"GET /gift-campaigns/{id}":       {allow: residentViewers},
		"GET /gifts/handout":             {allow: residentEditors},
		"POST /gifts/handout":            {allow: residentEditors, card: wubu.CardTimeline, body: "person={resident}&item_id={gifts_items}"},

		"GET /api/v1/projects/{id}/desk":          {allow: residentViewers},
		"POST /api/v1/projects/{id}/desk/tickets": {allow: residentEditors, body: `{"business":"repair"}`},
		"POST /api/v1/desk/tickets/{id}/serve":    {allow: residentEditors},
		"POST /api/v1/desk/tickets/{id}/finish":   {allow: residentEditors},
		"POST /api/v1/desk/tickets/{id}/leave":    {allow: residentEditors},
		"GET /api/v1/projects/{id}/desk/report":   {allow: reportViewers},
		"GET /api/v1/projects/{id}/desk/settings": {allow: residentViewers},
		"PUT /api/v1/projects/{id}/desk/settings": {allow: managers, body: `{"wait_threshold":3,"recall_minutes":5,"standby":[{"user_id":{user}}]}`},
		"GET /api/v1/projects/{id}/notices":       {allow: residentViewers},
		"POST /api/v1/notices":                    {allow: residentEditors, body: `{"unit_id":{notice_unit},"title":"告示","body":"正文","reason":"测试"}`},
		"GET /api/v1/projects/{id}/gifts":         {allow: residentViewers},
		"POST /api/v1/gifts/handouts":             {allow: residentEditors, card: wubu.CardTimeline, body: `{"item_id":{gifts_items},"person_id":{resident}}`},
		"GET /api/v1/gift-campaigns/{id}/pending": {allow: residentViewers},
	}, map[string]objectMaker{
		// A waiting ticket at the project's desk.
		"/desk/tickets/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			tk, err := sqlstore.NewDeskService(app.DB).TakeNumber(app.adminCtx(), p.ID, wubu.DeskPayment, "")
			if err != nil {
				t.Fatal(err)
			}
			return tk.ID
		},
		// An open kiosk of the desk.
		"/desk/kiosks/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			k, err := sqlstore.NewDeskService(app.DB).CreateKiosk(app.adminCtx(), p.ID, "前台")
			if err != nil {
				t.Fatal(err)
			}
			return k.ID
		},
		// The project's unit, for the notices' bodies.
		"/notice_unit/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 { return o.unit },
		// A notice posted in the project's unit.
		"/notices/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			n := &wubu.StairwellNotice{UnitID: o.unit, Title: "告示", Body: "正文", Reason: "测试"}
			if err := sqlstore.NewStairwellService(app.DB).PostNotice(app.adminCtx(), n); err != nil {
				t.Fatal(err)
			}
			return n.ID
		},
		// A gift with some stock.
		"/gifts/items/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			gs := sqlstore.NewGiftService(app.DB)
			it := &wubu.GiftItem{ProjectID: p.ID, Name: "消杀药", Kind: wubu.GiftPestControl}
			if err := gs.CreateGiftItem(app.adminCtx(), it); err != nil {
				t.Fatal(err)
			}
			if _, err := gs.ReceiveGift(app.adminCtx(), it.ID, 100, ""); err != nil {
				t.Fatal(err)
			}
			return it.ID
		},
		// A campaign of a gift of its own (the makers run in any order).
		"/gift-campaigns/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			gs := sqlstore.NewGiftService(app.DB)
			it := &wubu.GiftItem{ProjectID: p.ID, Name: "春节礼品", Kind: wubu.GiftSpringFestival}
			if err := gs.CreateGiftItem(app.adminCtx(), it); err != nil {
				t.Fatal(err)
			}
			c := &wubu.GiftCampaign{ProjectID: p.ID, Name: "春节", ItemID: it.ID}
			if err := gs.CreateGiftCampaign(app.adminCtx(), c); err != nil {
				t.Fatal(err)
			}
			return c.ID
		},
	})
}
