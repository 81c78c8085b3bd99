package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestGlobalBodyLimit is finding 7 of issue 12: a 300 MB multipart body to
// an ordinary form was accepted and 274 MB written to temporary files.
func TestGlobalBodyLimit(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	app := newTestApp(t, sqlstore.SQLite)
	app.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, app.ProjectA)
	b := app.webLogin(t, "guard")
	multipartBody := func(size int64) io.Reader {
		head := "--x\r\nContent-Disposition: form-data; name=\"password\"; filename=\"a.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
		return io.MultiReader(strings.NewReader(head), io.LimitReader(zeros{}, size))
	}
	send := func(body io.Reader, length int64) int {
		req, _ := http.NewRequest("POST", app.URL+"/account/password", body)
		req.ContentLength = length
		req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
		resp, err := b.client.Do(req)
		if err != nil {
			return 0 // the server stopped reading: no answer read
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	// Declared: refused at once, with 413.
	const size = 300 << 20
	if status := send(multipartBody(size), size+100); status != http.StatusRequestEntityTooLarge {
		t.Fatalf("300 MB declared body: status %d, want 413", status)
	}
	// Not declared (chunked): read into memory up to the limit, then 413.
	if status := send(multipartBody(size), -1); status != http.StatusRequestEntityTooLarge {
		t.Fatalf("300 MB chunked body: status %d, want 413", status)
	}
	if files, _ := os.ReadDir(tmp); len(files) > 0 {
		t.Fatalf("%d temporary files written, want none", len(files))
	}
	// An ordinary form of ordinary size still works; the API refuses an
	// oversized JSON body with 413 too.
	if resp, _ := b.get("/account"); resp.StatusCode != http.StatusOK {
		t.Fatalf("account page: %d", resp.StatusCode)
	}
	api := app.apiLogin(t, "guard")
	if status := api.do("PUT", "/api/v1/me/password", `{"current_password":"`+strings.Repeat("x", 2<<20)+`"}`, nil); status != http.StatusRequestEntityTooLarge {
		t.Fatalf("2 MiB JSON body: status %d, want 413", status)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestStrictJSON is finding 8: a JSON body of null, or with anything after
// its value, was accepted.
func TestStrictJSON(t *testing.T) {
	app := newTestApp(t, sqlstore.SQLite)
	app.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, app.ProjectA)
	api := app.apiLogin(t, "guard")
	for _, body := range []string{`null`, ` null `, ``, `{"current_password":"Wubu2026!","password":"NewPass2026x"} {"password":"x"}`, `{"current_password":"Wubu2026!","password":"NewPass2026x"}garbage`} {
		if status := api.do("PUT", "/api/v1/me/password", body, nil); status != http.StatusUnprocessableEntity {
			t.Fatalf("body %q: status %d, want 422", body, status)
		}
	}
	app.apiLogin(t, "guard") // the password is unchanged
	if status := api.do("PUT", "/api/v1/me/password", `{"current_password":"Wubu2026!","password":"NewPass2026x"}`+"\n", nil); status != http.StatusNoContent {
		t.Fatalf("valid body: status %d", status)
	}
}

// TestSecurityHeaders is finding 6: every response carries a content
// security policy without inline script, nosniff, a referrer policy and a
// refusal of framing; HTTPS deployments get Secure cookies and HSTS;
// /static/ lists nothing.
func TestSecurityHeaders(t *testing.T) {
	app := newTestApp(t, sqlstore.SQLite)
	app.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, app.ProjectA)
	b := app.newBrowser(t)
	for _, path := range []string{"/login", "/api/v1/me", "/static/wubu.js", "/nowhere"} {
		resp, _ := b.get(path)
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline' 'self'; script") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Fatalf("%s: CSP %q", path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" || h.Get("Strict-Transport-Security") != "" {
			t.Fatalf("%s: headers %v", path, h)
		}
	}
	if resp, body := b.get("/static/"); resp.StatusCode != http.StatusNotFound || strings.Contains(body, `<a href="htmx.min.js">`) {
		t.Fatalf("/static/ lists its files: %d", resp.StatusCode)
	}
	// No inline script anywhere in the pages: scripts come from files.
	inline := regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]|\son[a-z]+\s*=|javascript:`)
	dir := "../../internal/web/templates"
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		data, _ := os.ReadFile(dir + "/" + e.Name())
		if loc := inline.FindIndex(data); loc != nil {
			t.Fatalf("%s has inline script: %q", e.Name(), data[loc[0]:min(loc[1]+20, len(data))])
		}
	}

	app.Main.Server.Secure = true // --public-url https://…
	resp, _ := app.newBrowser(t).post("/login", map[string][]string{"login": {"guard"}, "password": {wubutest.Password}})
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Fatal("no HSTS behind HTTPS")
	}
	for _, c := range resp.Cookies() {
		if c.Name == "wubu_session" && !c.Secure {
			t.Fatal("session cookie not Secure behind HTTPS")
		}
	}
}

// TestPublicURLFlag checks that --public-url https://… turns on Secure.
func TestPublicURLFlag(t *testing.T) {
	app := newTestApp(t, sqlstore.SQLite)
	s := app.Main.Server
	for url, secure := range map[string]bool{"https://wubu.example.com": true, "http://10.0.0.1:8080": false} {
		if err := (HTTPConfig{PublicURL: url}).apply(s); err != nil || s.Secure != secure {
			t.Fatalf("%s: secure %v, err %v", url, s.Secure, err)
		}
	}
	if err := (HTTPConfig{PublicURL: "wubu.example.com"}).apply(s); err == nil {
		t.Fatal("a public URL without scheme accepted")
	}
	if err := (HTTPConfig{TrustedProxies: "10.0.0.1, 172.16.0.0/12"}).apply(s); err != nil || len(s.TrustedProxies) != 2 {
		t.Fatalf("trusted proxies: %v %v", s.TrustedProxies, err)
	}
	if err := (HTTPConfig{TrustedProxies: "proxy.local"}).apply(s); err == nil {
		t.Fatal("a host name accepted as a trusted proxy")
	}
}

// TestRoomsListPaged is finding 8: the rooms list returned thousands of
// rows with no cap.
func TestRoomsListPaged(t *testing.T) {
	app := newTestApp(t, sqlstore.SQLite)
	if _, err := sqlstore.NewOrgService(app.DB).GenerateRooms(app.adminCtx(), wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "1", Units: 2, FirstFloor: 1, Floors: 30, PerFloor: 10}); err != nil {
		t.Fatal(err)
	}
	api := app.apiLogin(t, "admin")
	for query, want := range map[string]int{"": 100, "?limit=100000": 500, "?limit=20&offset=590": 10} {
		var res struct {
			Items []wubu.Room `json:"items"`
			Total int         `json:"total"`
		}
		if status := api.do("GET", fmt.Sprintf("/api/v1/projects/%d/rooms%s", app.ProjectA.ID, query), nil, &res); status != http.StatusOK || len(res.Items) != want || res.Total != 600 {
			t.Fatalf("%q: status %d, %d rooms of %d, want %d of 600", query, status, len(res.Items), res.Total, want)
		}
	}
}

// TestResidentRightsOnTheCard exports everything held about a resident
// from the customer card (.xlsx and JSON) and erases the resident there.
func TestResidentRightsOnTheCard(t *testing.T) {
	app, _, ownerID, _ := securityApp(t)
	app.User(t, "mgr", wubu.RoleManager, wubu.PostNone, app.ProjectA)
	b := app.webLogin(t, "mgr")
	card := fmt.Sprintf("/residents/%d", ownerID)
	if _, page := b.get(card); !strings.Contains(page, `id="erase-form"`) || !strings.Contains(page, `id="export-xlsx"`) {
		t.Fatal("the card offers no export or erasure to a manager")
	}
	if _, page := app.webLogin(t, "assistant").get(card); strings.Contains(page, `id="erase-form"`) {
		t.Fatal("the card offers erasure to an assistant")
	}
	resp, body := b.get(card + "/export?format=json")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "张业主") || !strings.Contains(body, "13800001111") {
		t.Fatalf("JSON export: %d %.300s", resp.StatusCode, body)
	}
	resp, body = b.get(card + "/export")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" || !strings.HasPrefix(body, "PK") {
		t.Fatalf("xlsx export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp, body = b.post(card+"/erase", map[string][]string{"confirm": {"张"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "张业主") || !strings.Contains(body, `value="张"`) {
		t.Fatalf("wrong confirmation: %d", resp.StatusCode)
	}
	if resp, _ := b.post(card+"/erase", map[string][]string{"confirm": {"张业主"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("erase: %d", resp.StatusCode)
	}
	if _, page := b.get(card); strings.Contains(page, "张业主") || !strings.Contains(page, wubu.ErasedName) {
		t.Fatal("the card still shows the erased name")
	}
}

// TestRetentionScreen sets a project's retention on its screen: a refused
// form (audit log under six months) keeps what was typed.
func TestRetentionScreen(t *testing.T) {
	app := newTestApp(t, sqlstore.SQLite)
	app.User(t, "mgr", wubu.RoleManager, wubu.PostNone, app.ProjectA)
	b := app.webLogin(t, "mgr")
	path := fmt.Sprintf("/projects/%d/retention", app.ProjectA.ID)
	if resp, page := b.get(path); resp.StatusCode != http.StatusOK || !strings.Contains(page, `value="1095"`) {
		t.Fatalf("retention screen: %d", resp.StatusCode)
	}
	resp, page := b.post(path, map[string][]string{"moved_out_days": {"730"}, "outbox_days": {"90"}, "sign_in_days": {"180"}, "audit_days": {"30"}, "photos_days": {"365"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `value="730"`) || !strings.Contains(page, "审计日志至少保留 183 天") {
		t.Fatalf("too short an audit log: %d", resp.StatusCode)
	}
	if resp, _ := b.post(path, map[string][]string{"moved_out_days": {"730"}, "outbox_days": {"90"}, "sign_in_days": {"180"}, "audit_days": {"400"}, "photos_days": {"365"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	if _, page := b.get(path); !strings.Contains(page, `value="730"`) || !strings.Contains(page, `value="400"`) || !strings.Contains(page, `value="365"`) {
		t.Fatal("saved settings not shown")
	}
}
