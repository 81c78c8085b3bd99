package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// testApp is Wubu serving on a loopback port over a fresh database, with a
// fixture of two projects.
type testApp struct {
	*wubutest.Fixture
	Main  *Main
	Clock *wubutest.Clock
	HTTP  *httptest.Server
	URL   string
}

func newTestApp(t testing.TB, dialect string) *testApp {
	t.Helper()
	db, clock := wubutest.MustOpenDB(t, dialect)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(&testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	m := &Main{Logger: logger}
	if err := m.Attach(db); err != nil {
		t.Fatal(err)
	}
	s, err := m.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	m.Server = s
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return &testApp{Fixture: wubutest.NewFixture(t, db), Main: m, Clock: clock, HTTP: hs, URL: hs.URL}
}

type testWriter struct{ t testing.TB }

func (w *testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// apiClient calls the JSON API with a bearer token.
type apiClient struct {
	t     testing.TB
	base  string
	token string
}

// apiLogin signs in through the API and returns a client with the token.
func (a *testApp) apiLogin(t testing.TB, login string) *apiClient {
	t.Helper()
	c := &apiClient{t: t, base: a.URL}
	var res struct {
		Token string `json:"token"`
	}
	if status := c.do("POST", "/api/v1/login", map[string]string{"login": login, "password": wubutest.Password}, &res); status != 200 || res.Token == "" {
		t.Fatalf("login %s: status %d", login, status)
	}
	c.token = res.Token
	return c
}

// do sends a JSON request and decodes the JSON answer into out (if not nil);
// it returns the status.
func (c *apiClient) do(method, path string, body any, out any) int {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, _ := json.Marshal(b)
		rd = strings.NewReader(string(buf))
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			c.t.Fatalf("%s %s: %v in %s", method, path, err, data)
		}
	}
	return resp.StatusCode
}

// browser is a cookie-keeping client that does not follow redirects, like
// a form post seen from the server.
type browser struct {
	t      testing.TB
	base   string
	client *http.Client
}

func (a *testApp) newBrowser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: a.URL, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// webLogin signs in through the sign-in form.
func (a *testApp) webLogin(t testing.TB, login string) *browser {
	t.Helper()
	b := a.newBrowser(t)
	resp, _ := b.post("/login", url.Values{"login": {login}, "password": {wubutest.Password}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("web login %s: status %d", login, resp.StatusCode)
	}
	return b
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.client.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, string(data)
}

func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.client.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, string(data)
}

// auditCount returns the number of audit entries, to show that a refused
// request wrote nothing.
func auditCount(t testing.TB, db *sqlstore.DB) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action NOT IN ('login', 'login_failed', 'logout')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// adminCtx returns a context signed in as the fixture's admin.
func (a *testApp) adminCtx() context.Context {
	return wubu.NewContextWithUser(context.Background(), a.Admin)
}
