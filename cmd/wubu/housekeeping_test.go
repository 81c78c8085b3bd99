package main

import (
	"bytes"
	"fmt"
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

// TestHousekeepingOverHTTP drives home services and an inspection campaign
// through the API and the pages, on both databases: the manager sets the
// catalogue and rules up, the front desk books, a full slot is refused with
// its message, the cleaner sees the day on the phone page and completes
// the visit noting needs; a campaign is started from its form and a
// technician records a visit with a photo.
func TestHousekeepingOverHTTP(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			app := newTestApp(t, d)
			ctx := app.adminCtx()
			org := sqlstore.NewOrgService(app.DB)
			res, err := org.GenerateRooms(ctx, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "7", Units: 1, Floors: 2, PerFloor: 2})
			if err != nil {
				t.Fatal(err)
			}
			label := "7-1-101"
			rooms, _, _ := org.FindRooms(ctx, wubu.RoomFilter{ProjectID: app.ProjectA.ID, Label: &label})
			person := &wubu.Person{ProjectID: app.ProjectA.ID, Name: "赵六"}
			if err := sqlstore.NewResidentService(app.DB).CreatePersonInRoom(ctx, person, &wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
				t.Fatal(err)
			}
			app.User(t, "hk_manager", wubu.RoleManager, wubu.PostNone, app.ProjectA)
			app.User(t, "hk_desk", wubu.RoleStaff, wubu.PostService, app.ProjectA)
			cleaner := app.User(t, "hk_cleaner", wubu.RoleStaff, wubu.PostCleaning, app.ProjectA)
			app.User(t, "hk_tech", wubu.RoleStaff, wubu.PostMaintenance, app.ProjectA)
			pa := itoa(app.ProjectA.ID)
			manager, desk := app.apiLogin(t, "hk_manager"), app.apiLogin(t, "hk_desk")

			var svc wubu.HomeService
			if st := manager.do("POST", "/api/v1/projects/"+pa+"/home-services", map[string]any{"name": "日常保洁", "category": "cleaning", "unit": "次", "price_fen": 20000, "duration_min": 120, "active": true}, &svc); st != 201 {
				t.Fatalf("service: %d", st)
			}
			if st := manager.do("PUT", "/api/v1/projects/"+pa+"/housekeeping-settings", map[string]any{"slot_minutes": 120, "day_start": 480, "day_end": 1080, "per_cleaner": 1, "cleaners": []int64{cleaner.ID}}, nil); st != 200 {
				t.Fatalf("settings: %d", st)
			}
			var e apiError
			if st := desk.do("PUT", "/api/v1/projects/"+pa+"/housekeeping-settings", map[string]any{"slot_minutes": 60, "day_start": 480, "day_end": 1080, "per_cleaner": 1}, &e); st != 403 {
				t.Fatalf("the front desk changed the rules: %d", st)
			}
			if st := manager.do("POST", "/api/v1/projects/"+pa+"/promotions", map[string]any{"name": "家政优惠周", "starts_on": "2026-11-30", "ends_on": "2026-12-06",
				"prices": []map[string]any{{"service_id": svc.ID, "price_fen": 16800}}}, nil); st != 201 {
				t.Fatalf("promotion: %d", st)
			}

			var b wubu.Booking
			book := map[string]any{"service_id": svc.ID, "person_id": person.ID, "slot": "2026-11-28 10:00"}
			if st := desk.do("POST", "/api/v1/projects/"+pa+"/bookings", book, &b); st != 201 || b.CleanerID != cleaner.ID || b.PriceFen != 20000 {
				t.Fatalf("book: %d %+v", st, b)
			}
			t.Run("FullSlotRefused", func(t *testing.T) {
				var e apiError
				if st := desk.do("POST", "/api/v1/projects/"+pa+"/bookings", book, &e); st != 422 || e.Error.Field != "slot" || e.Error.Message != "2026-11-28 10:00 时段已约满，请选择其他时间。" {
					t.Fatalf("got %d %+v", st, e)
				}
				// The page keeps what was typed, with the message beside the slot.
				br := app.webLogin(t, "hk_desk")
				resp, body := br.post("/projects/"+pa+"/bookings", url.Values{"room": {"7-1-101"}, "service_id": {itoa(svc.ID)}, "slot": {"2026-11-28 10:00"}, "note": {"带上吸尘器"}})
				if resp.StatusCode != 422 || !strings.Contains(body, "时段已约满") || !strings.Contains(body, "带上吸尘器") {
					t.Fatalf("form: %d", resp.StatusCode)
				}
			})
			t.Run("RescheduleIntoPromotionWeek", func(t *testing.T) {
				var moved wubu.Booking
				if st := desk.do("POST", "/api/v1/bookings/"+itoa(b.ID)+"/reschedule", map[string]string{"slot": "2026-11-30T10:00:00+08:00"}, &moved); st != 200 || moved.PriceFen != 16800 {
					t.Fatalf("reschedule: %d %+v", st, moved)
				}
				if st := desk.do("POST", "/api/v1/bookings/"+itoa(b.ID)+"/reschedule", map[string]string{"slot": "2026-11-28 12:00"}, &moved); st != 200 || moved.PriceFen != 20000 {
					t.Fatalf("reschedule back: %d %+v", st, moved)
				}
			})
			t.Run("CleanerPhonePage", func(t *testing.T) {
				br := app.webLogin(t, "hk_cleaner")
				resp, body := br.get("/my-bookings?date=2026-11-28")
				if resp.StatusCode != 200 || !strings.Contains(body, "7-1-101") || !strings.Contains(body, "12:00–14:00") {
					t.Fatalf("my bookings: %d", resp.StatusCode)
				}
				var mine struct{ Items []wubu.Booking }
				if st := app.apiLogin(t, "hk_cleaner").do("GET", "/api/v1/projects/"+pa+"/my-bookings?date=2026-11-28", nil, &mine); st != 200 || len(mine.Items) != 1 {
					t.Fatalf("API my bookings: %d %d", st, len(mine.Items))
				}
				resp, body = br.post("/bookings/"+itoa(b.ID)+"/complete", url.Values{"note": {"已完成"}, "needs": {"窗帘需要清洗\n想了解除螨"}})
				if resp.StatusCode != 422 || !strings.Contains(body, "预约时段开始后才能登记完成") {
					t.Fatalf("complete too early: %d", resp.StatusCode)
				}
				// A day later: the sessions of yesterday have ended.
				app.Clock.Set(time.Date(2026, 11, 28, 12, 30, 0, 0, time.FixedZone("CST", 8*3600)))
				br = app.webLogin(t, "hk_cleaner")
				manager, desk = app.apiLogin(t, "hk_manager"), app.apiLogin(t, "hk_desk")
				if resp, _ := br.post("/bookings/"+itoa(b.ID)+"/complete", url.Values{"note": {"已完成"}, "needs": {"窗帘需要清洗\n想了解除螨"}}); resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("complete: %d", resp.StatusCode)
				}
				resp, body = br.get("/residents/" + itoa(person.ID) + "/needs")
				if resp.StatusCode != 200 || !strings.Contains(body, "窗帘需要清洗") || !strings.Contains(body, "想了解除螨") {
					t.Fatalf("needs page: %d", resp.StatusCode)
				}
				var needs struct{ Items []wubu.Need }
				if st := desk.do("GET", "/api/v1/residents/"+itoa(person.ID)+"/needs", nil, &needs); st != 200 || len(needs.Items) != 2 {
					t.Fatalf("needs: %d %+v", st, needs)
				}
			})
			t.Run("CampaignAndVisit", func(t *testing.T) {
				br := app.webLogin(t, "hk_manager")
				resp, body := br.post("/projects/"+pa+"/campaigns", url.Values{"kind": {"holiday_electrical"}, "name": {"春节前电气检查"}, "starts_on": {"2026-11-28"}, "ends_on": {"2026-12-20"}})
				if resp.StatusCode != 422 || !strings.Contains(body, "请至少选择一栋楼") || !strings.Contains(body, "春节前电气检查") {
					t.Fatalf("no building: %d", resp.StatusCode)
				}
				resp, _ = br.post("/projects/"+pa+"/campaigns", url.Values{"kind": {"holiday_electrical"}, "name": {"春节前电气检查"}, "starts_on": {"2026-11-28"}, "ends_on": {"2026-12-20"},
					"building_ids": {itoa(res.Building.ID)}})
				loc := resp.Header.Get("Location")
				if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/campaigns/") {
					t.Fatalf("campaign: %d %s", resp.StatusCode, loc)
				}
				var c struct {
					wubu.Campaign
					Progress []wubu.BuildingProgress
				}
				if st := manager.do("GET", "/api/v1"+loc, nil, &c); st != 200 || c.Visits != 1 || len(c.Progress) != 1 {
					t.Fatalf("campaign: %d %+v", st, c)
				}
				var visits struct{ Items []wubu.InspectionVisit }
				manager.do("GET", "/api/v1"+loc+"/visits", nil, &visits)
				if len(visits.Items) != 1 || visits.Items[0].RoomLabel != "7-1-101" {
					t.Fatalf("visits %+v", visits)
				}
				visit := visits.Items[0].ID

				// The technician records it at the door, with a photo.
				tech := app.webLogin(t, "hk_tech")
				var buf bytes.Buffer
				mw := multipart.NewWriter(&buf)
				for k, v := range map[string]string{"status": "done", "note": "已提醒节日用电安全", "findings.0.appliance": "电热水器", "findings.0.problem": "接地线松动",
					"findings.0.severity": "high", "findings.0.needs_repair": "1"} {
					mw.WriteField(k, v)
				}
				fw, _ := mw.CreateFormFile("findings.0.photo", "a.png")
				fw.Write([]byte("\x89PNG\r\n\x1a\n0000000000"))
				mw.Close()
				req, _ := http.NewRequest("POST", app.URL+"/visits/"+itoa(visit), &buf)
				req.Header.Set("Content-Type", mw.FormDataContentType())
				r2, err := tech.client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, r2.Body)
				r2.Body.Close()
				if r2.StatusCode != http.StatusSeeOther {
					t.Fatalf("record: %d", r2.StatusCode)
				}
				var got wubu.InspectionVisit
				manager.do("GET", fmt.Sprintf("/api/v1/visits/%d", visit), nil, &got)
				if got.Status != wubu.VisitDone || len(got.Findings) != 1 || !got.Findings[0].HasPhoto || !got.Findings[0].NeedsRepair {
					t.Fatalf("visit %+v", got)
				}
				resp, _ = tech.get(fmt.Sprintf("/findings/%d/photo", got.Findings[0].ID))
				if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
					t.Errorf("photo: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
				}
				var archive struct{ Items []wubu.Finding }
				if st := manager.do("GET", "/api/v1/rooms/"+itoa(rooms[0].ID)+"/findings", nil, &archive); st != 200 || len(archive.Items) != 1 || archive.Items[0].Appliance != "电热水器" {
					t.Errorf("archive: %d %+v", st, archive)
				}
				resp, body = br.get("/residents/" + itoa(person.ID))
				if resp.StatusCode != 200 || !strings.Contains(body, "电热水器: 接地线松动") || !strings.Contains(body, "入户检查发现问题（需维修）") {
					t.Errorf("the finding is not on the customer card's timeline: %d", resp.StatusCode)
				}
				if !strings.Contains(body, "/residents/"+itoa(person.ID)+"/needs") || !strings.Contains(body, "/rooms/"+itoa(rooms[0].ID)+"/findings") {
					t.Errorf("the customer card does not lead to the needs and the inspection archive")
				}
				// A finding that needs a repair offers the work order's form, filled in.
				resp, body = tech.get(fmt.Sprintf("/visits/%d", visit))
				if resp.StatusCode != 200 || !strings.Contains(body, "/orders/new?room="+itoa(rooms[0].ID)) {
					t.Errorf("visit page: %d, no repair order link", resp.StatusCode)
				}
				resp, body = br.get(loc)
				if resp.StatusCode != 200 || !strings.Contains(body, "100%") {
					t.Errorf("campaign page: %d", resp.StatusCode)
				}
			})
		})
	}
}
