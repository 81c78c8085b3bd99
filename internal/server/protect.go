package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/wubu-oss/wubu"
)

// Default request body limits: forms and JSON, and multipart uploads
// (photos; the resident import's route declares its own, larger one).
// Each upload handler keeps its own, stricter limit as well.
const (
	DefaultMaxBody   = 1 << 20
	DefaultMaxUpload = 16 << 20
)

// ContentSecurityPolicy is sent with every response: scripts only from
// Wubu's own static files (no inline script), no framing by other sites.
// Inline style attributes are allowed; they cannot run code.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries: the content
// security policy, nosniff, the referrer policy, no framing, and HSTS when
// Wubu is served over HTTPS.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if s.Secure {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// bodyLimit returns the most a route's request body may hold: the route's
// own limit, else the upload limit for multipart bodies, else the global
// one.
func (s *Server) bodyLimit(rt Route, r *http.Request) int64 {
	if rt.MaxBody > 0 {
		return rt.MaxBody
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		return cmp(s.MaxUpload, DefaultMaxUpload)
	}
	return cmp(s.MaxBody, DefaultMaxBody)
}

func cmp(v, def int64) int64 {
	if v > 0 {
		return v
	}
	return def
}

// limitBody answers 413 for a body larger than the route's limit before
// a handler sees it, so nothing of it reaches a temporary file: a body
// declared too large at once, one of unknown length (chunked) once it has
// read past the limit into memory.
func (s *Server) limitBody(w http.ResponseWriter, r *http.Request, rt Route) bool {
	limit := s.bodyLimit(rt, r)
	if r.ContentLength > limit {
		s.Fail(w, r, rt.API, errTooLarge(limit))
		return false
	}
	if r.Body == nil || r.Body == http.NoBody {
		return true
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if r.ContentLength < 0 {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			s.Fail(w, r, rt.API, TooLarge(err))
			return false
		}
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	}
	return true
}

func errTooLarge(limit int64) error {
	return wubu.Errorf(wubu.ETOOLARGE, "The request is too large (at most %s).", sizeText(limit))
}

// TooLarge turns a body read that hit the limit into a 413 error; other
// errors pass through.
func TooLarge(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errTooLarge(mbe.Limit)
	}
	return err
}

func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// ParseTrustedProxies parses a comma-separated list of addresses and
// networks ("10.0.0.1, 172.16.0.0/12") of reverse proxies whose
// X-Forwarded-For Wubu believes.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is neither an address nor a network", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.TrustedProxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// ClientIP returns the address of the client: the peer, unless the peer
// is a trusted proxy, in which case the X-Forwarded-For entries are read
// from the right, past every trusted proxy, to the first address that is
// not one. Entries a client wrote itself (left of that) are never used.
func (s *Server) ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(peer) {
		return host
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		client = a.Unmap()
		if !s.trusted(client) {
			break
		}
	}
	return client.String()
}
