package main

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestResidentsOverHTTP drives residents through the API and the pages on
// both databases: create, look up in every form, reveal (audited), and the
// bad input the issue names.
func TestResidentsOverHTTP(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			app := newTestApp(t, d)
			org := sqlstore.NewOrgService(app.DB)
			for _, p := range []*wubu.Project{app.ProjectA, app.ProjectB} {
				if _, err := org.GenerateRooms(app.adminCtx(), wubu.RoomGeneration{ProjectID: p.ID, Building: "3", Units: 2, Floors: 33, PerFloor: 4}); err != nil {
					t.Fatal(err)
				}
			}
			label := "3-2-1201"
			rooms, _, _ := org.FindRooms(app.adminCtx(), wubu.RoomFilter{ProjectID: app.ProjectA.ID, Label: &label})
			roomB, _, _ := org.FindRooms(app.adminCtx(), wubu.RoomFilter{ProjectID: app.ProjectB.ID, Label: &label})
			app.User(t, "asst", wubu.RoleStaff, wubu.PostService, app.ProjectA)
			app.User(t, "guard_b", wubu.RoleStaff, wubu.PostSecurity, app.ProjectB)
			asst := app.apiLogin(t, "asst")

			var created wubu.Resident
			body := map[string]any{"name": "张三", "phones": []string{"13812345678"}, "id_number": "11010519491231002X", "room_id": rooms[0].ID, "relation": "owner"}
			if status := asst.do("POST", "/api/v1/projects/"+itoa(app.ProjectA.ID)+"/residents", body, &created); status != 201 || created.IDNumber != "1101**********002X" {
				t.Fatalf("create: got %d %+v", status, created)
			}
			if status := asst.do("POST", "/api/v1/residents/"+itoa(created.ID)+"/vehicles", map[string]string{"plate": "粤b 12345"}, nil); status != 201 {
				t.Fatalf("vehicle: got %d", status)
			}

			t.Run("LookupJSON", func(t *testing.T) {
				for _, q := range []string{"2345", "粤B12345", "3-2-1201", "3栋2单元1201", "3#2-1201", "3幢2单元1201室", "张三", "zs", "zhangsan", "5678"} {
					var res struct {
						Items []map[string]any `json:"items"`
					}
					if status := asst.do("GET", "/api/v1/lookup?q="+url.QueryEscape(q), nil, &res); status != 200 || len(res.Items) != 1 {
						t.Fatalf("%q: got %d %+v", q, status, res)
					}
					it := res.Items[0]
					if it["name"] != "张三" || it["room"] != "3-2-1201" || it["plates"].([]any)[0] != "粤B12345" {
						t.Errorf("%q: got %v, want name, room and plates", q, it)
					}
				}
				var e apiError
				if status := asst.do("GET", "/api/v1/lookup?q=", nil, &e); status != 422 || e.Error.Field != "q" {
					t.Fatalf("empty search: got %d %+v", status, e)
				}
				// Project B's guard finds nobody of project A, even by the same room.
				guardB := app.apiLogin(t, "guard_b")
				var res struct {
					Items []map[string]any `json:"items"`
				}
				if status := guardB.do("GET", "/api/v1/lookup?q=3-2-1201", nil, &res); status != 200 || len(res.Items) != 0 {
					t.Fatalf("guard of B: got %d %+v", status, res)
				}
				if status := guardB.do("GET", "/api/v1/residents/"+itoa(created.ID), nil, &e); status != 404 {
					t.Fatalf("guard of B opening A's resident: got %d", status)
				}
			})
			t.Run("BadInput", func(t *testing.T) {
				for _, c := range []struct {
					body  map[string]any
					field string
				}{
					{map[string]any{"name": "李四", "phones": []string{"1381234"}}, "phones"},
					{map[string]any{"name": "李四", "id_number": "110105194912310021"}, "id_number"},
					{map[string]any{"name": "李四", "room_id": roomB[0].ID, "relation": "owner"}, "room_id"},
				} {
					var e apiError
					status := asst.do("POST", "/api/v1/projects/"+itoa(app.ProjectA.ID)+"/residents", c.body, &e)
					if status/100 != 4 || e.Error.Field != c.field {
						t.Errorf("%v: got %d %+v, want an error on %s", c.body, status, e, c.field)
					}
				}
				var e apiError
				if status := asst.do("POST", "/api/v1/residents/"+itoa(created.ID)+"/vehicles", map[string]string{"plate": "12345"}, &e); status != 422 || !strings.Contains(e.Error.Message, "车牌") {
					t.Fatalf("bad plate: got %d %+v", status, e)
				}
				var list struct {
					Total int `json:"total"`
				}
				asst.do("GET", "/api/v1/projects/"+itoa(app.ProjectA.ID)+"/residents", nil, &list)
				if list.Total != 1 {
					t.Fatalf("got %d residents after refused input, want 1 (nothing written)", list.Total)
				}
			})
			t.Run("WebFormKeepsInput", func(t *testing.T) {
				br := app.webLogin(t, "asst")
				resp, page := br.post("/projects/"+itoa(app.ProjectA.ID)+"/residents", url.Values{"room": {"9-9-9999"}, "relation": {"owner"}, "name": {"赵六"}, "phones": {"13900001111"}})
				if resp.StatusCode != 422 || !strings.Contains(page, "本项目没有房号 9-9-9999") || !strings.Contains(page, `value="赵六"`) || !strings.Contains(page, `value="13900001111"`) {
					t.Fatalf("got %d, want 422 with the error beside the room and the input kept", resp.StatusCode)
				}
				resp, _ = br.post("/projects/"+itoa(app.ProjectA.ID)+"/residents", url.Values{"room": {"3栋1单元101"}, "relation": {"tenant"}, "name": {"赵六"}, "phones": {"139 0000 1111"}, "care": {"pregnant"}})
				if resp.StatusCode != 303 {
					t.Fatalf("got %d, want 303", resp.StatusCode)
				}
				resp, page = br.get(resp.Header.Get("Location"))
				if resp.StatusCode != 200 || !strings.Contains(page, "3-1-101") || !strings.Contains(page, "139****1111") || !strings.Contains(page, "孕妇") {
					t.Fatalf("card: got %d", resp.StatusCode)
				}
			})
			t.Run("EditProfile", func(t *testing.T) {
				br := app.webLogin(t, "asst")
				path := "/residents/" + itoa(created.ID)
				// The assistant's form shows the full phone: reading it is audited.
				resp, page := br.get(path + "/edit")
				if resp.StatusCode != 200 || !strings.Contains(page, `value="13812345678"`) {
					t.Fatalf("edit form: got %d", resp.StatusCode)
				}
				resp, page = br.post(path+"/edit", url.Values{"name": {"张三"}, "phones": {"12345"}, "id_number": {"11010519491231002X"}, "importance": {"3"}, "importance_index": {"80"}, "alarm_status": {"on"}})
				if resp.StatusCode != 422 || !strings.Contains(page, `value="12345"`) || !strings.Contains(page, "手机号") {
					t.Fatalf("bad phone: got %d, want 422 with the input kept", resp.StatusCode)
				}
				resp, _ = br.post(path+"/edit", url.Values{"name": {"张三"}, "phones": {"13812345678 13900002222"}, "id_number": {"11010519491231002X"}, "importance": {"3"}, "importance_index": {"80"}, "alarm_status": {"on"}, "care": {"elderly_alone"}})
				if resp.StatusCode != 303 {
					t.Fatalf("got %d, want 303", resp.StatusCode)
				}
				_, page = br.get(path)
				if !strings.Contains(page, "139****2222") || !strings.Contains(page, "★★★") || !strings.Contains(page, "独居老人") || !strings.Contains(page, "已开启") {
					t.Fatal("card does not show the saved profile")
				}
				// A second home, written as people write it.
				resp, page = br.post(path+"/households", url.Values{"room": {"3栋1单元102"}, "relation": {"owner"}})
				if resp.StatusCode != 303 {
					t.Fatalf("second home: got %d", resp.StatusCode)
				}
				resp, page = br.post(path+"/households", url.Values{"room": {"3栋1单元102"}, "relation": {"owner"}})
				if resp.StatusCode != 409 || !strings.Contains(page, "已关联房号 3-1-102") {
					t.Fatalf("the same home twice: got %d", resp.StatusCode)
				}
			})
			t.Run("RevealAudited", func(t *testing.T) {
				var rv struct {
					Values []string `json:"values"`
				}
				if status := asst.do("POST", "/api/v1/residents/"+itoa(created.ID)+"/reveal", map[string]string{"field": "id_number"}, &rv); status != 200 || rv.Values[0] != "11010519491231002X" {
					t.Fatalf("got %d %+v", status, rv)
				}
				var entries struct {
					Items []wubu.AuditEntry `json:"items"`
				}
				app.apiLogin(t, "admin").do("GET", "/api/v1/audit?action=read&object_type=person&object_id="+itoa(created.ID), nil, &entries)
				// The edit form read the phones, the ID number and the
				// birthday's year once; the API call read the ID number again.
				if len(entries.Items) != 4 || entries.Items[0].Login != "asst" || entries.Items[0].Field != "id_number" {
					b, _ := json.Marshal(entries)
					t.Fatalf("got %s, want the read audited", b)
				}
				guard := app.User(t, "guard_a", wubu.RoleStaff, wubu.PostSecurity, app.ProjectA)
				var e apiError
				if status := app.apiLogin(t, guard.Login).do("POST", "/api/v1/residents/"+itoa(created.ID)+"/reveal", map[string]string{"field": "id_number"}, &e); status != 403 {
					t.Fatalf("guard reveal: got %d", status)
				}
			})
		})
	}
}
