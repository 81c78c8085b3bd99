// Package notifytest provides loopback receivers for tests of the outbox:
// a real SMTP server (github.com/emersion/go-smtp) and a fake Alibaba Cloud
// SMS API that verifies each request's signature on its own. Both drop a
// message whose ID (Message-ID, OutId) they have seen, as a receiver that
// must see each message once does, and count such copies.
package notifytest

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Inbox counts messages by their ID.
type Inbox struct {
	mu     sync.Mutex
	byID   map[string]int
	bodies map[string]string
	// Copies counts messages dropped because their ID was seen before.
	copies int
	// Rejected counts refused requests (a bad signature).
	rejected int
	changed  chan struct{}
}

func newInbox() *Inbox {
	return &Inbox{byID: map[string]int{}, bodies: map[string]string{}, changed: make(chan struct{}, 1)}
}

func (in *Inbox) add(id, body string) {
	in.mu.Lock()
	in.byID[id]++
	if in.byID[id] > 1 {
		in.copies++
	} else {
		in.bodies[id] = body
	}
	in.mu.Unlock()
	select {
	case in.changed <- struct{}{}:
	default:
	}
}

// Unique returns how many distinct messages arrived.
func (in *Inbox) Unique() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.byID)
}

// Copies returns how many copies of a message already received were dropped.
func (in *Inbox) Copies() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.copies
}

// Rejected returns how many requests were refused.
func (in *Inbox) Rejected() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.rejected
}

// Counts returns the number of deliveries of each ID.
func (in *Inbox) Counts() map[string]int {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := make(map[string]int, len(in.byID))
	for k, v := range in.byID {
		out[k] = v
	}
	return out
}

// Body returns the body of the message with the ID.
func (in *Inbox) Body(id string) string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.bodies[id]
}

// SMTPServer is a real SMTP server on a loopback port.
type SMTPServer struct {
	*Inbox
	Host string
	Port int
	srv  *smtp.Server
}

// StartSMTP starts an SMTP server on a loopback port; Close stops it.
func StartSMTP() (*SMTPServer, error) {
	s := &SMTPServer{Inbox: newInbox()}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().(*net.TCPAddr)
	s.Host, s.Port = "127.0.0.1", addr.Port
	go s.srv.Serve(ln)
	return s, nil
}

// Close stops the server.
func (s *SMTPServer) Close() { s.srv.Close() }

type session struct {
	s        *SMTPServer
	from, to string
}

func (ss *session) Reset()                                      {}
func (ss *session) Logout() error                               { return nil }
func (ss *session) Mail(from string, _ *smtp.MailOptions) error { ss.from = from; return nil }
func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error   { ss.to = to; return nil }
func (ss *session) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(bufio.NewReader(r))
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(msg.Body)
	text := string(body)
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "base64") {
		if b, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(strings.TrimSpace(text), "\r\n", "")); err == nil {
			text = string(b)
		}
	}
	id := msg.Header.Get("Message-ID")
	if id == "" {
		return &smtp.SMTPError{Code: 554, Message: "no Message-ID"}
	}
	ss.s.add(id, text)
	return nil
}

// FakeAliyun is a loopback stand-in for Alibaba Cloud's SMS API: it checks
// each SendSms request's signature, recomputed here from the documented
// algorithm, and answers as the API does.
type FakeAliyun struct {
	*Inbox
	AccessKeyID, AccessKeySecret string
	URL                          string
	srv                          *httptest.Server
	mu                           sync.Mutex
	nonces                       map[string]bool
}

// StartFakeAliyun starts the fake on a loopback port; Close stops it.
func StartFakeAliyun(keyID, secret string) *FakeAliyun {
	f := &FakeAliyun{Inbox: newInbox(), AccessKeyID: keyID, AccessKeySecret: secret, nonces: map[string]bool{}}
	f.srv = httptest.NewServer(f)
	f.srv.Config.SetKeepAlivesEnabled(true)
	f.URL = f.srv.URL + "/"
	return f
}

// Close stops the fake.
func (f *FakeAliyun) Close() { f.srv.Close() }

func (f *FakeAliyun) reply(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"Code": code, "Message": msg, "RequestId": "fake", "BizId": "fake"})
	if code != "OK" {
		f.Inbox.mu.Lock()
		f.Inbox.rejected++
		f.Inbox.mu.Unlock()
	}
}

// ServeHTTP implements http.Handler.
func (f *FakeAliyun) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		f.reply(w, 400, "InvalidParameter", err.Error())
		return
	}
	q := r.Form
	for _, p := range []string{"AccessKeyId", "Action", "SignatureMethod", "SignatureNonce", "SignatureVersion", "Timestamp", "Version", "Signature", "PhoneNumbers", "SignName", "TemplateCode"} {
		if q.Get(p) == "" {
			f.reply(w, 400, "MissingParameter", p)
			return
		}
	}
	if q.Get("AccessKeyId") != f.AccessKeyID {
		f.reply(w, 404, "InvalidAccessKeyId.NotFound", "unknown key")
		return
	}
	if q.Get("Action") != "SendSms" || q.Get("Version") != "2017-05-25" || q.Get("SignatureMethod") != "HMAC-SHA1" || q.Get("SignatureVersion") != "1.0" {
		f.reply(w, 400, "InvalidParameter", "action or signature method")
		return
	}
	if _, err := time.Parse("2006-01-02T15:04:05Z", q.Get("Timestamp")); err != nil {
		f.reply(w, 400, "InvalidTimeStamp.Format", q.Get("Timestamp"))
		return
	}
	if want := signature(r.Method, q, f.AccessKeySecret); q.Get("Signature") != want {
		f.reply(w, 400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation.")
		return
	}
	f.mu.Lock()
	replay := f.nonces[q.Get("SignatureNonce")]
	f.nonces[q.Get("SignatureNonce")] = true
	f.mu.Unlock()
	if replay {
		f.reply(w, 400, "SignatureNonceUsed", "nonce used")
		return
	}
	var params map[string]string
	json.Unmarshal([]byte(q.Get("TemplateParam")), &params)
	id := q.Get("OutId")
	if id == "" {
		id = q.Get("SignatureNonce")
	}
	f.add(id, params["content"])
	f.reply(w, 200, "OK", "OK")
}

// signature recomputes Alibaba Cloud's RPC signature: sorted parameters,
// each name and value percent-encoded per RFC 3986 (url.QueryEscape, then
// + → %20, * → %2A, %7E → ~), joined; METHOD&%2F&encoded(query);
// Base64(HMAC-SHA1(secret + "&")).
func signature(method string, q url.Values, secret string) string {
	enc := func(s string) string {
		s = url.QueryEscape(s)
		return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(s)
	}
	var keys []string
	for k := range q {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, enc(k)+"="+enc(q.Get(k)))
	}
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte(method + "&" + enc("/") + "&" + enc(strings.Join(parts, "&"))))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
