package main

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
}

// TestAPI drives the JSON API over HTTP on both databases: sign-in, the
// organisation tree, staff, and every kind of bad input the foundation
// issue names, each with its status and nothing written.
func TestAPI(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			app := newTestApp(t, d)
			admin := app.apiLogin(t, "admin")

			t.Run("LoginErrors", func(t *testing.T) {
				c := &apiClient{t: t, base: app.URL}
				var e apiError
				if status := c.do("POST", "/api/v1/login", map[string]string{"login": "admin", "password": "nope"}, &e); status != 401 || e.Error.Code != wubu.EUNAUTHORIZED || e.Error.Message == "" {
					t.Fatalf("got %d %+v, want 401 unauthorized", status, e)
				}
				if status := c.do("POST", "/api/v1/login", `{"login":`, &e); status != 422 || e.Error.Code != wubu.EINVALID {
					t.Fatalf("got %d %+v, want 422 for broken JSON", status, e)
				}
			})

			var p wubu.Project
			t.Run("CreateProject", func(t *testing.T) {
				if status := admin.do("POST", "/api/v1/projects", map[string]string{"code": "jhy", "name": "锦华苑"}, &p); status != 201 || p.Code != "JHY" {
					t.Fatalf("got %d %+v", status, p)
				}
				var e apiError
				if status := admin.do("POST", "/api/v1/projects", map[string]string{"code": "JHY", "name": "重复"}, &e); status != 409 || e.Error.Code != wubu.ECONFLICT || e.Error.Field != "code" {
					t.Fatalf("duplicate code: got %d %+v, want 409", status, e)
				}
				if !strings.Contains(e.Error.Message, "已被占用") {
					t.Fatalf("got message %q, want it in Chinese by default", e.Error.Message)
				}
			})

			t.Run("GenerateRooms", func(t *testing.T) {
				var res wubu.RoomGenerationResult
				body := map[string]any{"building": "3", "units": 2, "floors": 33, "per_floor": 4}
				if status := admin.do("POST", "/api/v1/projects/"+itoa(p.ID)+"/rooms/generate", body, &res); status != 201 || res.Created != 264 || res.Last != "3-2-3304" {
					t.Fatalf("got %d %+v", status, res)
				}
				var e apiError
				if status := admin.do("POST", "/api/v1/projects/"+itoa(p.ID)+"/rooms/generate", body, &e); status != 409 {
					t.Fatalf("duplicate rooms: got %d %+v, want 409", status, e)
				}
				var rooms struct {
					Items []wubu.Room `json:"items"`
					Total int         `json:"total"`
				}
				admin.do("GET", "/api/v1/projects/"+itoa(p.ID)+"/rooms?label=3-2-1201", nil, &rooms)
				if rooms.Total != 1 || rooms.Items[0].Floor != 12 {
					t.Fatalf("got %+v, want room 3-2-1201", rooms)
				}
				admin.do("GET", "/api/v1/projects/"+itoa(p.ID)+"/rooms", nil, &rooms)
				if rooms.Total != 264 {
					t.Fatalf("got %d rooms, want 264", rooms.Total)
				}
			})

			t.Run("WeakPassword", func(t *testing.T) {
				for _, pw := range []string{"", "abc", "12345678", "password1"} {
					var e apiError
					body := map[string]any{"login": "weak", "role": "staff", "post": "security", "project_ids": []int64{p.ID}, "password": pw}
					if status := admin.do("POST", "/api/v1/users", body, &e); status != 422 || e.Error.Field != "password" {
						t.Fatalf("password %q: got %d %+v, want 422 on the password field", pw, status, e)
					}
				}
				var e apiError
				if status := admin.do("GET", "/api/v1/users?q=weak", nil, &struct{}{}); status != 200 {
					t.Fatal(status)
				}
				if status := admin.do("POST", "/api/v1/users", map[string]any{"login": "weak", "role": "boss", "post": "security", "project_ids": []int64{p.ID}, "password": "Good2026x"}, &e); status != 422 || e.Error.Field != "role" {
					t.Fatalf("got %d %+v", status, e)
				}
			})

			t.Run("GuardOnAdminPage", func(t *testing.T) {
				app.User(t, "guard_jhy", wubu.RoleStaff, wubu.PostSecurity, &p)
				guard := app.apiLogin(t, "guard_jhy")
				var e apiError
				if status := guard.do("POST", "/api/v1/projects", map[string]string{"code": "X1", "name": "x"}, &e); status != 403 || e.Error.Code != wubu.EFORBIDDEN {
					t.Fatalf("got %d %+v, want 403", status, e)
				}
				var me wubu.User
				if status := guard.do("GET", "/api/v1/me", nil, &me); status != 200 || me.Login != "guard_jhy" || me.Post != wubu.PostSecurity {
					t.Fatalf("got %d %+v", status, me)
				}
				br := app.webLogin(t, "guard_jhy")
				if resp, body := br.get("/audit"); resp.StatusCode != 403 || !strings.Contains(body, "您没有权限进行此操作") {
					t.Fatalf("guard on /audit: got %d", resp.StatusCode)
				}
			})

			t.Run("ExpiredSession", func(t *testing.T) {
				app.User(t, "sleepy", wubu.RoleStaff, wubu.PostCleaning, &p)
				c := app.apiLogin(t, "sleepy")
				br := app.webLogin(t, "sleepy")
				app.Clock.Add(wubu.IdleTimeout + time.Minute)
				var e apiError
				if status := c.do("GET", "/api/v1/me", nil, &e); status != 401 || !strings.Contains(e.Error.Message, "登录已失效") {
					t.Fatalf("got %d %+v, want 401 with a session-ended message", status, e)
				}
				resp, _ := br.get("/projects")
				if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || !strings.Contains(loc, "expired=1") || !strings.Contains(loc, "next=%2Fprojects") {
					t.Fatalf("got %d %q, want a redirect to sign in again", resp.StatusCode, loc)
				}
				_, body := br.get("/login?expired=1")
				if !strings.Contains(body, "登录已失效") {
					t.Fatal("sign-in page does not say the session ended")
				}
			})

			t.Run("Logout", func(t *testing.T) {
				app.User(t, "leaver", wubu.RoleStaff, wubu.PostCleaning, &p)
				c := app.apiLogin(t, "leaver")
				if status := c.do("POST", "/api/v1/logout", nil, nil); status != 204 {
					t.Fatalf("logout: %d", status)
				}
				if status := c.do("GET", "/api/v1/me", nil, nil); status != 401 {
					t.Fatalf("after logout: got %d, want 401", status)
				}
				br := app.webLogin(t, "leaver")
				u, _ := url.Parse(app.URL)
				cookies := br.client.Jar.Cookies(u)
				br.post("/logout", nil)
				// The old cookie, replayed, no longer works: the session ended on the server.
				req, _ := http.NewRequest("GET", app.URL+"/api/v1/me", nil)
				for _, ck := range cookies {
					req.AddCookie(ck)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != 401 {
					t.Fatalf("replayed cookie after sign-out: got %d, want 401", resp.StatusCode)
				}
			})

			t.Run("Throttle", func(t *testing.T) {
				app.User(t, "target", wubu.RoleStaff, wubu.PostCleaning, &p)
				c := &apiClient{t: t, base: app.URL}
				for range wubu.MaxFailedLogins {
					c.do("POST", "/api/v1/login", map[string]string{"login": "target", "password": "Wrong2026"}, nil)
				}
				var e apiError
				if status := c.do("POST", "/api/v1/login", map[string]string{"login": "target", "password": wubutest.Password}, &e); status != 429 || e.Error.Code != wubu.ETOOMANYREQUEST {
					t.Fatalf("got %d %+v, want 429", status, e)
				}
				app.Clock.Add(wubu.LoginWindow + time.Second)
				app.apiLogin(t, "target")
			})

			t.Run("CrossSiteRefused", func(t *testing.T) {
				br := app.webLogin(t, "admin")
				before := auditCount(t, app.DB)
				req, _ := http.NewRequest("POST", app.URL+"/projects", strings.NewReader("code=EVIL&name=evil"))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Sec-Fetch-Site", "cross-site")
				req.Header.Set("Origin", "https://evil.example")
				resp, err := br.client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != 403 {
					t.Fatalf("cross-site form post: got %d, want 403", resp.StatusCode)
				}
				if auditCount(t, app.DB) != before {
					t.Fatal("a cross-site request changed something")
				}
			})

			t.Run("AuditOverAPI", func(t *testing.T) {
				admin := app.apiLogin(t, "admin") // the clock moved past the first session's idle timeout
				var list struct {
					Items []wubu.AuditEntry `json:"items"`
					Total int               `json:"total"`
				}
				if status := admin.do("GET", "/api/v1/audit?object_type=project&action=create", nil, &list); status != 200 || list.Total < 3 {
					t.Fatalf("got %d %+v", status, list)
				}
				var e apiError
				if status := admin.do("GET", "/api/v1/audit?from=yesterday", nil, &e); status != 422 || e.Error.Field != "from" {
					t.Fatalf("got %d %+v", status, e)
				}
			})
		})
	}
}

// TestWebForms checks the pages' form handling: a refused form shows the
// error beside its field and keeps what was typed; English is one click away.
func TestWebForms(t *testing.T) {
	app := newTestApp(t, "sqlite")
	br := app.webLogin(t, "admin")

	t.Run("RefusedFormKeepsInput", func(t *testing.T) {
		resp, body := br.post("/projects", url.Values{"code": {"LJY"}, "name": {"又一个丽景苑"}})
		if resp.StatusCode != 409 {
			t.Fatalf("got %d, want 409", resp.StatusCode)
		}
		for _, want := range []string{`value="又一个丽景苑"`, `项目编码&#34;LJY&#34;已被占用`, `class="field-error"`} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %s", want)
			}
		}
	})
	t.Run("GeneratorKeepsInput", func(t *testing.T) {
		resp, body := br.post("/projects/"+itoa(app.ProjectA.ID)+"/rooms/generate", url.Values{"building": {"7"}, "units": {"2"}, "first_floor": {"1"}, "floors": {"500"}, "per_floor": {"4"}})
		if resp.StatusCode != 422 || !strings.Contains(body, `value="500"`) || !strings.Contains(body, "最高楼层须在起始楼层到 120 之间") {
			t.Fatalf("got %d, want 422 with the typed floors kept and the error beside them", resp.StatusCode)
		}
		resp, _ = br.post("/projects/"+itoa(app.ProjectA.ID)+"/rooms/generate", url.Values{"building": {"7"}, "units": {"2"}, "first_floor": {"1"}, "floors": {"3"}, "per_floor": {"2"}})
		if resp.StatusCode != 303 {
			t.Fatalf("got %d, want 303", resp.StatusCode)
		}
		resp, body = br.get(resp.Header.Get("Location"))
		if resp.StatusCode != 200 || !strings.Contains(body, "7-2-302") || !strings.Contains(body, "已生成 12 个房号") {
			t.Fatalf("building page: got %d, want the 12 rooms and a notice", resp.StatusCode)
		}
	})
	t.Run("English", func(t *testing.T) {
		resp, _ := br.post("/lang", url.Values{"lang": {"en"}, "next": {"/projects"}})
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/projects" {
			t.Fatalf("got %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body := br.get("/projects")
		if !strings.Contains(body, "New project") || strings.Contains(body, "新建项目") {
			t.Fatal("projects page not in English after the switch")
		}
		// The choice is the account's: a new browser signed in as admin gets English too.
		_, body = app.webLogin(t, "admin").get("/")
		if !strings.Contains(body, "My projects") {
			t.Fatal("language choice not kept on the account")
		}
	})
	t.Run("UnknownPage", func(t *testing.T) {
		resp, _ := br.get("/no/such/page")
		if resp.StatusCode != 404 {
			t.Fatalf("got %d", resp.StatusCode)
		}
		resp, _ = br.get("/buildings/abc")
		if resp.StatusCode != 404 {
			t.Fatalf("got %d", resp.StatusCode)
		}
	})
	t.Run("SafeNext", func(t *testing.T) {
		b := app.newBrowser(t)
		resp, _ := b.post("/login", url.Values{"login": {"admin"}, "password": {wubutest.Password}, "next": {"//evil.example/"}})
		if resp.Header.Get("Location") != "/" {
			t.Fatalf("got redirect to %q, want /", resp.Header.Get("Location"))
		}
	})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
