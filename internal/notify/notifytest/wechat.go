package notifytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// tokenIssuer issues access tokens that expire on the fake's clock and can
// be revoked, as Tencent's token endpoints do.
type tokenIssuer struct {
	ttl     time.Duration
	now     func() time.Time
	n       int
	tokens  map[string]time.Time // token → expiry
	issued  int
	revoked map[string]bool
}

func newTokenIssuer(now func() time.Time) *tokenIssuer {
	return &tokenIssuer{ttl: 7200 * time.Second, now: now, tokens: map[string]time.Time{}, revoked: map[string]bool{}}
}

func (t *tokenIssuer) issue(prefix string) (string, int) {
	t.n++
	t.issued++
	tok := fmt.Sprintf("%s-token-%d", prefix, t.n)
	t.tokens[tok] = t.now().Add(t.ttl)
	return tok, int(t.ttl / time.Second)
}

// check returns 0 for a valid token, else the errcode of the refusal.
func (t *tokenIssuer) check(tok string, invalid, expired int) int {
	exp, ok := t.tokens[tok]
	switch {
	case !ok || t.revoked[tok]:
		return invalid
	case !t.now().Before(exp):
		return expired
	}
	return 0
}

func (t *tokenIssuer) revokeAll() {
	for tok := range t.tokens {
		t.revoked[tok] = true
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(v)
}

func errReply(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, map[string]any{"errcode": code, "errmsg": msg + " rid: fake"})
}

// failure is an injected failure of the next sends.
type failure struct {
	n int
	// afterDelivery delivers the message, then answers with an error, as
	// when the answer is lost on its way back.
	afterDelivery bool
}

// tencentFake is what the WeChat and WeCom fakes share: the loopback
// server, the clock, token issuance and injected failures.
type tencentFake struct {
	URL string
	// Now is the fake's clock (default time.Now).
	Now func() time.Time

	srv    *httptest.Server
	lock   sync.Mutex
	tokens *tokenIssuer
	fail   failure
}

func (f *tencentFake) start(h http.Handler) {
	f.tokens = newTokenIssuer(f.now)
	f.srv = httptest.NewServer(h)
	f.URL = f.srv.URL
}

func (f *tencentFake) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// Close stops the fake.
func (f *tencentFake) Close() { f.srv.Close() }

// SetTokenTTL sets how long the tokens issued from now on last.
func (f *tencentFake) SetTokenTTL(d time.Duration) {
	f.lock.Lock()
	f.tokens.ttl = d
	f.lock.Unlock()
}

// TokensIssued returns how many access tokens the fake issued.
func (f *tencentFake) TokensIssued() int {
	f.lock.Lock()
	defer f.lock.Unlock()
	return f.tokens.issued
}

// FailNext makes the next n sends answer errcode -1 (system busy); with
// afterDelivery the message is delivered first, as when the answer is
// lost.
func (f *tencentFake) FailNext(n int, afterDelivery bool) {
	f.lock.Lock()
	f.fail = failure{n: n, afterDelivery: afterDelivery}
	f.lock.Unlock()
}

// FakeWeChat is a loopback stand-in for the WeChat Official Account API:
// token issuance with expiry on its own clock, template messages (checked
// token, template and openid; dropped when their client_msg_id was seen
// for that openid, as WeChat does), and the web authorization (an
// authorize page that sends the browser back with a code, and the code
// exchange, each code usable once).
type FakeWeChat struct {
	*Inbox
	tencentFake
	AppID, AppSecret, TemplateID string

	unsubscribed map[string]bool
	codes        map[string]string // code → openid
	usedCodes    map[string]bool
	browserUser  string
	sends        int
	toUser       map[string]string // message ID → openid
}

// StartFakeWeChat starts the fake on a loopback port; Close stops it.
func StartFakeWeChat(appID, secret, templateID string) *FakeWeChat {
	f := &FakeWeChat{Inbox: newInbox(), AppID: appID, AppSecret: secret, TemplateID: templateID,
		unsubscribed: map[string]bool{}, codes: map[string]string{}, usedCodes: map[string]bool{}, toUser: map[string]string{}}
	f.start(f)
	return f
}

// RevokeTokens invalidates every token issued so far (as a token fetched
// elsewhere with the same secret does): the next call gets errcode 40001.
func (f *FakeWeChat) RevokeTokens() {
	f.lock.Lock()
	f.tokens.revokeAll()
	f.lock.Unlock()
}

// Unsubscribe makes the openid a user who unfollowed the account: template
// messages to it get errcode 43004.
func (f *FakeWeChat) Unsubscribe(openid string) {
	f.lock.Lock()
	f.unsubscribed[openid] = true
	f.lock.Unlock()
}

// Sends returns how many template send requests the fake answered.
func (f *FakeWeChat) Sends() int {
	f.lock.Lock()
	defer f.lock.Unlock()
	return f.sends
}

// OpenIDOf returns the openid a message (by client_msg_id) went to.
func (f *FakeWeChat) OpenIDOf(id string) string {
	f.lock.Lock()
	defer f.lock.Unlock()
	return f.toUser[id]
}

// IssueCode returns a web authorization code for the openid, as WeChat
// gives one after the user's browser visits the authorize page.
func (f *FakeWeChat) IssueCode(openid string) string {
	f.lock.Lock()
	defer f.lock.Unlock()
	code := fmt.Sprintf("code-%d-%s", len(f.codes)+1, openid)
	f.codes[code] = openid
	return code
}

// SetBrowserUser sets the openid of the WeChat user whose browser visits
// the fake's authorize page.
func (f *FakeWeChat) SetBrowserUser(openid string) {
	f.lock.Lock()
	f.browserUser = openid
	f.lock.Unlock()
}

// ServeHTTP implements http.Handler.
func (f *FakeWeChat) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch r.URL.Path {
	case "/cgi-bin/token":
		f.token(w, q)
	case "/cgi-bin/message/template/send":
		f.templateSend(w, r)
	case "/connect/oauth2/authorize":
		f.authorize(w, r)
	case "/sns/oauth2/access_token":
		f.exchange(w, q)
	default:
		http.NotFound(w, r)
	}
}

func (f *FakeWeChat) token(w http.ResponseWriter, q url.Values) {
	switch {
	case q.Get("grant_type") != "client_credential":
		errReply(w, 40002, "invalid grant_type")
	case q.Get("appid") != f.AppID:
		errReply(w, 40013, "invalid appid")
	case q.Get("secret") != f.AppSecret:
		errReply(w, 40125, "invalid appsecret")
	default:
		f.lock.Lock()
		tok, ttl := f.tokens.issue("wx")
		f.lock.Unlock()
		writeJSON(w, map[string]any{"access_token": tok, "expires_in": ttl})
	}
}

func (f *FakeWeChat) templateSend(w http.ResponseWriter, r *http.Request) {
	f.lock.Lock()
	defer f.lock.Unlock()
	f.sends++
	if code := f.tokens.check(r.URL.Query().Get("access_token"), 40001, 42001); code != 0 {
		f.Inbox.reject()
		errReply(w, code, "invalid credential, access_token is invalid or not latest")
		return
	}
	var msg struct {
		ToUser      string `json:"touser"`
		TemplateID  string `json:"template_id"`
		URL         string `json:"url"`
		ClientMsgID string `json:"client_msg_id"`
		Data        map[string]struct {
			Value string `json:"value"`
		} `json:"data"`
	}
	if err := json.NewDecoder(r.Body).Decode(&msg); err != nil {
		errReply(w, 47001, "data format error")
		return
	}
	switch {
	case msg.ToUser == "":
		errReply(w, 40003, "invalid openid")
		return
	case msg.TemplateID != f.TemplateID:
		errReply(w, 40037, "invalid template_id")
		return
	case f.unsubscribed[msg.ToUser]:
		f.Inbox.reject()
		errReply(w, 43004, "require subscribe")
		return
	}
	if f.fail.n > 0 && !f.fail.afterDelivery {
		f.fail.n--
		errReply(w, -1, "system error")
		return
	}
	id := msg.ClientMsgID
	if id == "" {
		id = fmt.Sprintf("msg-%d", f.sends)
	}
	f.toUser[id] = msg.ToUser
	f.lock.Unlock()
	f.add(id, msg.Data["first"].Value+"\n"+msg.Data["keyword1"].Value)
	f.lock.Lock()
	if f.fail.n > 0 {
		f.fail.n--
		errReply(w, -1, "system error")
		return
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "msgid": f.sends})
}

// authorize is WeChat's authorization page: for snsapi_base it sends the
// browser straight back to redirect_uri with a code and the state.
func (f *FakeWeChat) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("appid") != f.AppID || q.Get("response_type") != "code" || q.Get("scope") != "snsapi_base" {
		http.Error(w, "参数错误", http.StatusBadRequest)
		return
	}
	f.lock.Lock()
	user := f.browserUser
	f.lock.Unlock()
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || user == "" {
		http.Error(w, "redirect_uri 参数错误", http.StatusBadRequest)
		return
	}
	bq := back.Query()
	bq.Set("code", f.IssueCode(user))
	bq.Set("state", q.Get("state"))
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (f *FakeWeChat) exchange(w http.ResponseWriter, q url.Values) {
	f.lock.Lock()
	defer f.lock.Unlock()
	code := q.Get("code")
	switch {
	case q.Get("grant_type") != "authorization_code":
		errReply(w, 40002, "invalid grant_type")
	case q.Get("appid") != f.AppID:
		errReply(w, 40013, "invalid appid")
	case q.Get("secret") != f.AppSecret:
		errReply(w, 40125, "invalid appsecret")
	case f.usedCodes[code]:
		errReply(w, 40163, "code been used")
	case f.codes[code] == "":
		errReply(w, 40029, "invalid code")
	default:
		f.usedCodes[code] = true
		writeJSON(w, map[string]any{"access_token": "web-" + code, "expires_in": 7200, "refresh_token": "r-" + code,
			"openid": f.codes[code], "scope": "snsapi_base"})
	}
}

// reject counts a refused request.
func (in *Inbox) reject() {
	in.mu.Lock()
	in.rejected++
	in.mu.Unlock()
}

// FakeWeCom is a loopback stand-in for the WeCom API: gettoken, application
// messages (checked token and agent; userids outside the application's
// range come back in "invaliduser"; a repeated request body within the
// duplicate-check interval is dropped, as WeCom does with
// enable_duplicate_check) and group robots by key.
type FakeWeCom struct {
	*Inbox
	tencentFake
	CorpID, CorpSecret string
	AgentID            int64
	// Robot counts the robot messages by key and content.
	Robot *Inbox

	users  map[string]bool
	robots map[string]bool
	seen   map[string]time.Time // request body → when
}

// StartFakeWeCom starts the fake on a loopback port with the application's
// members (userids) and robot keys; Close stops it.
func StartFakeWeCom(corpID, secret string, agentID int64, users, robotKeys []string) *FakeWeCom {
	f := &FakeWeCom{Inbox: newInbox(), Robot: newInbox(), CorpID: corpID, CorpSecret: secret, AgentID: agentID,
		users: map[string]bool{}, robots: map[string]bool{}, seen: map[string]time.Time{}}
	for _, u := range users {
		f.users[strings.ToLower(u)] = true
	}
	for _, k := range robotKeys {
		f.robots[k] = true
	}
	f.start(f)
	return f
}

// ServeHTTP implements http.Handler.
func (f *FakeWeCom) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch r.URL.Path {
	case "/cgi-bin/gettoken":
		switch {
		case q.Get("corpid") != f.CorpID:
			errReply(w, 40013, "invalid corpid")
		case q.Get("corpsecret") != f.CorpSecret:
			errReply(w, 40001, "invalid secret")
		default:
			f.lock.Lock()
			tok, ttl := f.tokens.issue("wecom")
			f.lock.Unlock()
			writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "access_token": tok, "expires_in": ttl})
		}
	case "/cgi-bin/message/send":
		f.appMessage(w, r)
	case "/cgi-bin/webhook/send":
		f.robot(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (f *FakeWeCom) appMessage(w http.ResponseWriter, r *http.Request) {
	f.lock.Lock()
	defer f.lock.Unlock()
	if code := f.tokens.check(r.URL.Query().Get("access_token"), 40014, 42001); code != 0 {
		f.Inbox.reject()
		errReply(w, code, "invalid access_token")
		return
	}
	var raw json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
		errReply(w, 40058, "invalid json")
		return
	}
	var msg struct {
		ToUser   string `json:"touser"`
		MsgType  string `json:"msgtype"`
		AgentID  int64  `json:"agentid"`
		Dup      int    `json:"enable_duplicate_check"`
		Interval int    `json:"duplicate_check_interval"`
		Text     struct {
			Content string `json:"content"`
		} `json:"text"`
	}
	json.Unmarshal(raw, &msg)
	if msg.AgentID != f.AgentID {
		errReply(w, 40056, "invalid agentid")
		return
	}
	if msg.MsgType != "text" || msg.Text.Content == "" {
		errReply(w, 44004, "empty content")
		return
	}
	var valid, invalid []string
	for _, u := range strings.Split(msg.ToUser, "|") {
		if f.users[strings.ToLower(u)] {
			valid = append(valid, u)
		} else {
			invalid = append(invalid, strings.ToLower(u))
		}
	}
	if len(valid) == 0 {
		errReply(w, 81013, "user & party & tag all invalid")
		return
	}
	if f.fail.n > 0 && !f.fail.afterDelivery {
		f.fail.n--
		errReply(w, -1, "system busy")
		return
	}
	key := string(raw)
	interval := time.Duration(max(msg.Interval, 1800)) * time.Second
	if at, ok := f.seen[key]; !(msg.Dup == 1 && ok && f.now().Sub(at) < interval) {
		f.seen[key] = f.now()
		f.lock.Unlock()
		f.add(key, msg.Text.Content)
		f.lock.Lock()
	}
	if f.fail.n > 0 {
		f.fail.n--
		errReply(w, -1, "system busy")
		return
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "invaliduser": strings.Join(invalid, "|"), "msgid": "fake"})
}

func (f *FakeWeCom) robot(w http.ResponseWriter, r *http.Request) {
	key := r.URL.Query().Get("key")
	f.lock.Lock()
	ok := f.robots[key]
	f.lock.Unlock()
	if !ok {
		errReply(w, 93000, "invalid webhook url")
		return
	}
	var msg struct {
		MsgType  string `json:"msgtype"`
		Markdown struct {
			Content string `json:"content"`
		} `json:"markdown"`
		Text struct {
			Content string `json:"content"`
		} `json:"text"`
	}
	if err := json.NewDecoder(r.Body).Decode(&msg); err != nil {
		errReply(w, 40058, "invalid json")
		return
	}
	content := msg.Text.Content
	if msg.MsgType == "markdown" {
		content = msg.Markdown.Content
	}
	if content == "" {
		errReply(w, 44004, "empty content")
		return
	}
	f.Robot.add(key+"\x00"+content, content)
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}
