package server

import (
	"net/http/httptest"
	"testing"
)

// TestClientIP is finding 4's proxy half: behind a reverse proxy every
// request came from the proxy's address, so one attacker's failures
// throttled the whole company; and X-Forwarded-For must be believed only
// from the proxies configured.
func TestClientIP(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.1, 172.16.0.0/12")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{TrustedProxies: proxies}
	for _, c := range []struct{ peer, xff, want string }{
		{"203.0.113.5:4000", "", "203.0.113.5"},
		{"203.0.113.5:4000", "198.51.100.1", "203.0.113.5"},           // not a proxy: its header is ignored
		{"10.0.0.1:4000", "198.51.100.1", "198.51.100.1"},             // the proxy's word
		{"10.0.0.1:4000", "6.6.6.6, 198.51.100.1", "198.51.100.1"},    // what the client wrote itself is left
		{"10.0.0.1:4000", "198.51.100.1, 172.16.3.4", "198.51.100.1"}, // through two proxies
		{"10.0.0.1:4000", "", "10.0.0.1"},                             // no header: the proxy itself
		{"10.0.0.1:4000", "bogus, 198.51.100.1", "198.51.100.1"},
		{"[::ffff:10.0.0.1]:4000", "198.51.100.9", "198.51.100.9"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := s.ClientIP(r); got != c.want {
			t.Errorf("peer %s, X-Forwarded-For %q: got %s, want %s", c.peer, c.xff, got, c.want)
		}
	}
	if _, err := ParseTrustedProxies("10.0.0.1, nonsense"); err == nil {
		t.Fatal("nonsense accepted")
	}
}
