package main

import (
	"bytes"
	"image"
	pngenc "image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// orderApp is a test app with a resident in a room, a price list and the
// staff of the repair method.
type orderApp struct {
	*testApp
	person *wubu.Person
	room   int64
	faucet *wubu.PriceItem
	tech   *wubu.User
}

func newOrderApp(t *testing.T, dialect string) *orderApp {
	t.Helper()
	app := newTestApp(t, dialect)
	ctx := app.adminCtx()
	org := sqlstore.NewOrgService(app.DB)
	if _, err := org.GenerateRooms(ctx, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "3", Units: 2, Floors: 12, PerFloor: 2}); err != nil {
		t.Fatal(err)
	}
	label := "3-2-1201"
	rooms, _, _ := org.FindRooms(ctx, wubu.RoomFilter{ProjectID: app.ProjectA.ID, Label: &label})
	oa := &orderApp{testApp: app, room: rooms[0].ID}
	oa.person = &wubu.Person{ProjectID: app.ProjectA.ID, Name: "张三", Phones: []string{"13812345678"}}
	if err := sqlstore.NewResidentService(app.DB).CreatePersonInRoom(ctx, oa.person, &wubu.Household{RoomID: oa.room, Relation: wubu.RelationOwner}); err != nil {
		t.Fatal(err)
	}
	oa.faucet = &wubu.PriceItem{ProjectID: app.ProjectA.ID, Category: wubu.CategoryRepair, Kind: wubu.PriceLabour, Name: "更换水龙头", Unit: "个", Price: 3000, Free: true}
	if err := app.Main.Services().Orders.SavePriceItem(ctx, oa.faucet); err != nil {
		t.Fatal(err)
	}
	app.User(t, "desk", wubu.RoleStaff, wubu.PostService, app.ProjectA)
	oa.tech = app.User(t, "tech", wubu.RoleStaff, wubu.PostMaintenance, app.ProjectA)
	app.User(t, "tech2", wubu.RoleStaff, wubu.PostMaintenance, app.ProjectA)
	app.User(t, "cleaner", wubu.RoleStaff, wubu.PostCleaning, app.ProjectA)
	return oa
}

// TestOrdersOverHTTP drives an urgent repair through the API on both
// databases — the front desk opens and dispatches, the technician accepts,
// arrives, quotes, gets the confirmation and completes within the free
// minutes, the assistant's poor follow-up reopens it — with the refusals
// the issue names answered as 409 or 422 and their messages in Chinese.
func TestOrdersOverHTTP(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			app := newOrderApp(t, d)
			desk, tech, tech2 := app.apiLogin(t, "desk"), app.apiLogin(t, "tech"), app.apiLogin(t, "tech2")
			pid := itoa(app.ProjectA.ID)

			var o wubu.Order
			if status := desk.do("POST", "/api/v1/projects/"+pid+"/orders", map[string]any{"person_id": app.person.ID, "urgency": "urgent", "item_id": app.faucet.ID, "description": "厨房水龙头漏水"}, &o); status != 201 || o.RoomLabel != "3-2-1201" {
				t.Fatalf("open: got %d %+v", status, o)
			}
			oid := "/api/v1/orders/" + itoa(o.ID)
			var e apiError
			// An illegal transition: arriving before dispatch.
			if status := tech.do("POST", oid+"/arrive", nil, &e); status != 409 || !strings.Contains(e.Error.Message, "尚未派单") {
				t.Fatalf("arrive before dispatch: got %d %+v", status, e)
			}
			// A technician may not dispatch.
			if status := tech.do("POST", oid+"/dispatch", map[string]any{"assignee_id": app.tech.ID}, &e); status != 403 {
				t.Fatalf("technician dispatching: got %d", status)
			}
			if status := desk.do("POST", oid+"/dispatch", map[string]any{"assignee_id": app.tech.ID}, &o); status != 200 || o.Remaining == nil || *o.Remaining != 10*time.Minute {
				t.Fatalf("dispatch: got %d %+v", status, o)
			}
			if status := tech2.do("POST", oid+"/accept", nil, &e); status != 409 || !strings.Contains(e.Error.Message, "只有本人或班长") {
				t.Fatalf("another technician accepting: got %d %+v", status, e)
			}
			var mine struct {
				Items []wubu.Order `json:"items"`
			}
			if status := tech.do("GET", "/api/v1/me/orders", nil, &mine); status != 200 || len(mine.Items) != 1 || mine.Items[0].ID != o.ID {
				t.Fatalf("my orders: got %d %+v", status, mine)
			}
			tech.do("POST", oid+"/accept", nil, &o)
			app.Clock.Add(7 * time.Minute)
			if status := tech.do("POST", oid+"/arrive", nil, &o); status != 200 || o.PromiseKept == nil || !*o.PromiseKept {
				t.Fatalf("arrive: got %d %+v", status, o)
			}
			if status := tech.do("POST", oid+"/quote", map[string]any{"lines": []map[string]any{{"price_item_id": app.faucet.ID, "quantity": 1}, {"name": "生料带", "unit_price": 500, "quantity": 1}}}, &o); status != 200 || o.QuoteTotal() != 3500 {
				t.Fatalf("quote: got %d %+v", status, o)
			}
			if status := tech.do("POST", oid+"/start", nil, &e); status != 409 || !strings.Contains(e.Error.Message, "尚未确认报价") {
				t.Fatalf("start unconfirmed: got %d %+v", status, e)
			}
			if status := tech.do("POST", oid+"/confirm", map[string]any{"by": "张三", "method": "fax"}, &e); status != 422 || e.Error.Field != "method" {
				t.Fatalf("confirm by fax: got %d %+v", status, e)
			}
			tech.do("POST", oid+"/confirm", map[string]any{"by": "张三", "method": "signature"}, &o)
			tech.do("POST", oid+"/start", nil, &o)
			// A changed bill without a reason is refused.
			changed := map[string]any{"checklist": fullChecklistJSON(), "final": map[string]any{"lines": []map[string]any{{"price_item_id": app.faucet.ID, "quantity": 2}}}}
			if status := tech.do("POST", oid+"/done", changed, &e); status != 422 || e.Error.Field != "reason" || !strings.Contains(e.Error.Message, "请填写原因") {
				t.Fatalf("changed bill without reason: got %d %+v", status, e)
			}
			app.Clock.Add(2 * time.Minute)
			var done struct {
				wubu.Order
				Others []wubu.Order `json:"others"`
			}
			if status := tech.do("POST", oid+"/done", map[string]any{"checklist": fullChecklistJSON(), "others": []map[string]any{{"description": "阳台灯不亮"}}}, &done); status != 200 ||
				!done.LabourWaived || done.FinalTotal() != 500 || len(done.Others) != 1 {
				t.Fatalf("done: got %d %+v", status, done)
			}
			app.Clock.Add(72 * time.Hour)
			desk = app.apiLogin(t, "desk") // the session ended in three days
			if status := desk.do("POST", oid+"/follow-up", map[string]any{"works": false, "satisfaction": 2, "comment": "还在漏"}, &o); status != 200 || o.State != wubu.OrderReopened {
				t.Fatalf("poor follow-up: got %d %+v", status, o)
			}
			// The repair history of the room lists both orders.
			var hist struct {
				Items []wubu.Order `json:"items"`
				Total int          `json:"total"`
			}
			if status := desk.do("GET", "/api/v1/projects/"+pid+"/orders?room_id="+itoa(app.room), nil, &hist); status != 200 || hist.Total != 2 {
				t.Fatalf("room history: got %d %+v", status, hist)
			}
			var events struct {
				Items []wubu.OrderEvent `json:"items"`
			}
			if desk.do("GET", oid+"/events", nil, &events); len(events.Items) != 9 || events.Items[8].Action != wubu.ActReopen {
				t.Fatalf("got %d events", len(events.Items))
			}
		})
	}
}

func fullChecklistJSON() map[string]bool {
	m := map[string]bool{}
	for _, c := range wubu.ChecklistItems {
		m[c] = true
	}
	return m
}

// TestOrderPages: the pages of orders — a refused form keeps what was
// typed, the technician's page taps through htmx, an illegal step shows its
// message, the settings refuse a bad time beside its field, the report
// exports .xlsx, and the customer card loads the repair history.
func TestOrderPages(t *testing.T) {
	app := newOrderApp(t, sqlstore.SQLite)
	desk, tech := app.webLogin(t, "desk"), app.webLogin(t, "tech")
	pid := itoa(app.ProjectA.ID)

	// The form, opened from the customer card, keeps what was typed when refused.
	resp, body := desk.get("/projects/" + pid + "/orders/new?person=" + itoa(app.person.ID))
	if resp.StatusCode != 200 || !strings.Contains(body, "张三") || !strings.Contains(body, "3-2-1201") || !strings.Contains(body, "更换水龙头") {
		t.Fatalf("new order form: got %d", resp.StatusCode)
	}
	resp, body = desk.post("/projects/"+pid+"/orders", url.Values{"person": {itoa(app.person.ID)}, "urgency": {"planned"}, "category": {"repair"}, "description": {"空调滴水"}})
	if resp.StatusCode != 422 || !strings.Contains(body, "预约工单需要填写预约时间") || !strings.Contains(body, "空调滴水") {
		t.Fatalf("refused form: got %d", resp.StatusCode)
	}
	resp, _ = desk.post("/projects/"+pid+"/orders", url.Values{"person": {itoa(app.person.ID)}, "urgency": {"urgent"}, "category": {"repair"}, "item": {itoa(app.faucet.ID)}, "description": {"水龙头漏水"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/orders/") {
		t.Fatalf("open: got %d", resp.StatusCode)
	}
	orderPath := resp.Header.Get("Location")
	// An illegal step on the page: the message, not a fault.
	resp, body = tech.post(orderPath+"/arrive", url.Values{})
	if resp.StatusCode != 409 || !strings.Contains(body, "尚未派单") {
		t.Fatalf("illegal step: got %d", resp.StatusCode)
	}
	resp, _ = desk.post(orderPath+"/dispatch", url.Values{"assignee_id": {itoa(app.tech.ID)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("dispatch: got %d", resp.StatusCode)
	}
	// The technician's page: the order with its clock and one tap to accept.
	resp, body = tech.get("/my-orders")
	if resp.StatusCode != 200 || !strings.Contains(body, "3-2-1201") || !strings.Contains(body, `class="clock`) || !strings.Contains(body, `hx-post="`+orderPath+`/accept"`) {
		t.Fatalf("my orders: got %d %s", resp.StatusCode, body)
	}
	req, _ := http.NewRequest("POST", app.URL+orderPath+"/accept", strings.NewReader("card=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	hresp, err := tech.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	hresp.Body.Close()
	if hresp.StatusCode != 200 || !strings.HasPrefix(hresp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("htmx accept: got %d", hresp.StatusCode)
	}
	resp, body = tech.get(orderPath)
	if !strings.Contains(body, `id="arrive"`) || !strings.Contains(body, "已接单") {
		t.Fatalf("order page after accept lacks the arrive step")
	}
	// Photos: a PNG is added and served; a text file is refused.
	var png bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	if err := pngenc.Encode(&png, img); err != nil {
		t.Fatal(err)
	}
	upload := func(name string, data []byte) (*http.Response, string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("photo", name)
		fw.Write(data)
		mw.Close()
		req, _ := http.NewRequest("POST", app.URL+orderPath+"/photos", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := tech.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	if resp, body := upload("notes.txt", []byte("hello")); resp.StatusCode != 422 || !strings.Contains(body, "JPEG") {
		t.Fatalf("text as a photo: got %d", resp.StatusCode)
	}
	if resp, _ := upload("leak.png", png.Bytes()); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("photo: got %d", resp.StatusCode)
	}
	_, body = tech.get(orderPath)
	if !strings.Contains(body, orderPath+"/photos/") {
		t.Fatal("the order page does not show the photo")
	}
	start := strings.Index(body, orderPath+"/photos/")
	photoPath := body[start : start+strings.IndexByte(body[start:], '"')]
	if resp, data := tech.get(photoPath); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || data != png.String() {
		t.Fatalf("photo: got %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// Settings: a bad time is refused beside its field, the input kept.
	admin := app.webLogin(t, "admin")
	resp, body = admin.post("/projects/"+pid+"/order-settings", url.Values{"urgent_minutes": {"10"}, "normal_minutes": {"120"}, "warn_minutes": {"3"},
		"free_minutes": {"10"}, "follow_up_days": {"3"}, "day_from": {"08:00"}, "day_until": {"25:30"}, "rest_from": {"08:00"}, "rest_until": {"22:30"}})
	if resp.StatusCode != 422 || !strings.Contains(body, "25:30") || !strings.Contains(body, "时间格式为") {
		t.Fatalf("bad settings: got %d", resp.StatusCode)
	}
	// The report and its export.
	resp, body = admin.get("/projects/" + pid + "/orders/report")
	if resp.StatusCode != 200 || !strings.Contains(body, "准时到场") {
		t.Fatalf("report: got %d", resp.StatusCode)
	}
	resp, body = admin.get("/projects/" + pid + "/orders/report/export")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" || !strings.HasPrefix(body, "PK") {
		t.Fatalf("export: got %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// The customer card loads the repair history.
	_, body = desk.get("/residents/" + itoa(app.person.ID))
	if !strings.Contains(body, `hx-get="/residents/`+itoa(app.person.ID)+`/orders"`) {
		t.Fatal("the customer card does not load the repair history")
	}
	_, body = desk.get("/residents/" + itoa(app.person.ID) + "/orders")
	if !strings.Contains(body, "水龙头") || !strings.Contains(body, `id="open-order"`) {
		t.Fatalf("repair history lacks the order")
	}
}

// TestOrderFormForARoom: an order opened for a room (an inspection's
// finding links here with the room, the appliance and the problem) or
// typed by room label.
func TestOrderFormForARoom(t *testing.T) {
	app := newOrderApp(t, sqlstore.SQLite)
	desk := app.webLogin(t, "desk")
	pid := itoa(app.ProjectA.ID)
	resp, body := desk.get("/projects/" + pid + "/orders/new?room=" + itoa(app.room) + "&appliance=0&description=" + url.QueryEscape("空调: 不制冷"))
	if resp.StatusCode != 200 || !strings.Contains(body, "3-2-1201") || !strings.Contains(body, "空调: 不制冷") {
		t.Fatalf("form for a room: got %d", resp.StatusCode)
	}
	resp, body = desk.post("/projects/"+pid+"/orders", url.Values{"room_label": {"9-9-999"}, "urgency": {"normal"}, "description": {"楼道灯坏"}})
	if resp.StatusCode != 422 || !strings.Contains(body, "本项目没有房号 9-9-999") || !strings.Contains(body, "楼道灯坏") {
		t.Fatalf("unknown room: got %d", resp.StatusCode)
	}
	resp, _ = desk.post("/projects/"+pid+"/orders", url.Values{"room_label": {"3-2-1201"}, "urgency": {"normal"}, "description": {"楼道灯坏"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("by room label: got %d", resp.StatusCode)
	}
}
