package main

import (
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// The work orders' routes in the permission matrix. Everyone sees orders;
// everyone but the quality department works on them; dispatching is for
// those who lead and for the service post (by post, hence perm); settings
// for managers; reports for those who lead and the quality department.
func init() {
	orderViewers := everyone
	orderEditors := residentEditors
	reporters := []wubu.Role{wubu.RoleTeamLeader, wubu.RoleDutyManager, wubu.RoleManager, wubu.RoleQuality, wubu.RoleAdmin}
	dispatchers := matrixEntry{perm: wubu.PermOrderDispatch}
	checklist := "site_cleaned=1&ticket_filled=1&code_followed=1&asked_other=1&tools=1&floor_mat=1&cloth=1&shoe_covers=1"
	checklistJSON := `{"checklist":{"site_cleaned":true,"ticket_filled":true,"code_followed":true,"asked_other":true,"tools":true,"floor_mat":true,"cloth":true,"shoe_covers":true}}`
	with := func(e matrixEntry, body string) matrixEntry { e.body = body; return e }
	settings := "urgent_minutes=10&normal_minutes=120&warn_minutes=3&free_minutes=10&follow_up_days=3&day_from=08:00&day_until=22:30&rest_from=08:00&rest_until=22:30"
	settingsJSON := `{"urgent_minutes":10,"normal_minutes":120,"warn_minutes":3,"free_minutes":10,"follow_up_days":3,"day_from":"08:00","day_until":"22:30","rest_from":"08:00","rest_until":"22:30"}`
	addMatrix(map[string]matrixEntry{
		"GET /orders":                              {allow: orderViewers},
		"GET /my-orders":                           {allow: orderViewers},
		"GET /orders/{id}":                         {allow: orderViewers},
		"GET /projects/{id}/orders":                {allow: orderViewers},
		"GET /projects/{id}/orders/new":            {allow: orderEditors},
		"POST /projects/{id}/orders":               {allow: orderEditors, body: "person={resident}&urgency=normal&category=repair&source=phone&description=厨房漏水"},
		"GET /projects/{id}/order-settings":        {allow: orderViewers},
		"POST /projects/{id}/order-settings":       {allow: managers, body: settings},
		"POST /projects/{id}/prices":               {allow: managers, body: "price_category=repair&price_kind=labour&price_name=换灯泡&price_unit=个&price_price=10"},
		"POST /projects/{id}/duty-roster":          {allow: managers, body: "roster_day=workday&roster_duty={user}"},
		"GET /projects/{id}/orders/report":         {allow: reporters},
		"GET /projects/{id}/orders/report/export":  {allow: reporters},
		"GET /residents/{id}/orders":               {allow: orderViewers},
		"POST /orders/{id}/dispatch":               with(dispatchers, "assignee_id="),
		"POST /orders/{id}/grab":                   {allow: orderEditors},
		"POST /orders/{id}/accept":                 {allow: orderEditors},
		"POST /orders/{id}/arrive":                 {allow: orderEditors},
		"POST /orders/{id}/quote":                  {allow: orderEditors, body: "item_1="},
		"POST /orders/{id}/confirm":                {allow: orderEditors, body: "by=王芳&method=verbal"},
		"POST /orders/{id}/start":                  {allow: orderEditors},
		"POST /orders/{id}/done":                   {allow: orderEditors, body: checklist},
		"POST /orders/{id}/follow-up":              {allow: orderEditors, body: "works=1&satisfaction=5", refused: []string{"m_tech"}},
		"POST /orders/{id}/close":                  {allow: orderEditors},
		"POST /orders/{id}/cancel":                 {allow: orderEditors, body: "reason=重复报修"},
		"POST /orders/{id}/photos":                 {allow: orderEditors},
		"GET /orders/{id}/photos/{photo}":          {allow: orderViewers, missingOK: true},
		"GET /api/v1/projects/{id}/orders":         {allow: orderViewers},
		"POST /api/v1/projects/{id}/orders":        {allow: orderEditors, body: `{"person_id":{resident},"urgency":"normal","description":"卫生间漏水"}`},
		"GET /api/v1/me/orders":                    {allow: orderViewers},
		"GET /api/v1/orders/{id}":                  {allow: orderViewers},
		"GET /api/v1/orders/{id}/events":           {allow: orderViewers},
		"POST /api/v1/orders/{id}/dispatch":        with(dispatchers, `{}`),
		"POST /api/v1/orders/{id}/grab":            {allow: orderEditors},
		"POST /api/v1/orders/{id}/accept":          {allow: orderEditors},
		"POST /api/v1/orders/{id}/arrive":          {allow: orderEditors},
		"POST /api/v1/orders/{id}/quote":           {allow: orderEditors, body: `{"lines":[]}`},
		"POST /api/v1/orders/{id}/confirm":         {allow: orderEditors, body: `{"by":"王芳","method":"signature"}`},
		"POST /api/v1/orders/{id}/start":           {allow: orderEditors},
		"POST /api/v1/orders/{id}/done":            {allow: orderEditors, body: checklistJSON},
		"POST /api/v1/orders/{id}/follow-up":       {allow: orderEditors, body: `{"works":true,"satisfaction":4}`, refused: []string{"m_tech"}},
		"POST /api/v1/orders/{id}/close":           {allow: orderEditors},
		"POST /api/v1/orders/{id}/cancel":          {allow: orderEditors, body: `{"reason":"住户取消"}`},
		"POST /api/v1/orders/{id}/photos":          {allow: orderEditors},
		"GET /api/v1/orders/{id}/photos/{photo}":   {allow: orderViewers, missingOK: true},
		"GET /api/v1/projects/{id}/prices":         {allow: orderViewers},
		"POST /api/v1/projects/{id}/prices":        {allow: managers, body: `{"category":"repair","kind":"material","name":"灯泡","unit":"个","price":800}`},
		"GET /api/v1/projects/{id}/order-settings": {allow: orderViewers},
		"PUT /api/v1/projects/{id}/order-settings": {allow: managers, body: settingsJSON},
		"GET /api/v1/projects/{id}/duty-roster":    {allow: orderViewers},
		"PUT /api/v1/projects/{id}/duty-roster":    {allow: managers, body: `{"day":"restday","duty_user_id":{user}}`},
		"GET /api/v1/projects/{id}/duty":           {allow: orderViewers},
		"GET /api/v1/projects/{id}/orders/report":  {allow: reporters},
	}, map[string]objectMaker{
		"/orders/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			orders := sqlstore.NewOrderService(app.DB, app.Main.Clocks, nil)
			order, err := orders.CreateOrder(app.adminCtx(), &wubu.NewOrder{ProjectID: p.ID, Urgency: wubu.OrderNormal, PersonID: &o.resident, Description: "门锁坏了"})
			if err != nil {
				t.Fatal(err)
			}
			return order.ID
		},
	})
}
