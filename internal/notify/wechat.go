package notify

import (
	"context"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// WeChat is a WeChat Official Account (微信公众号, a service account): the
// outbox's channel for residents who linked their WeChat (template
// messages to their openid), and the web authorization (网页授权,
// snsapi_base) that yields the openid of a resident in WeChat's in-app
// browser.
//
// Wire format (developers.weixin.qq.com/doc/service):
//
//   - access token: GET {BaseURL}/cgi-bin/token?grant_type=client_credential
//     &appid=…&secret=… → {"access_token", "expires_in": 7200}; cached and
//     renewed 5 minutes before it expires, and at once when an API answers
//     errcode 40001 (invalid credential), 40014 (invalid token) or 42001
//     (expired), the call then repeated once;
//   - template message: POST {BaseURL}/cgi-bin/message/template/send
//     ?access_token=… with {"touser": openid, "template_id", "url",
//     "client_msg_id", "data": {key: {"value"}}}; client_msg_id is the
//     outbox message's ID, so WeChat drops a repeat of it (within 10
//     minutes) after a send whose answer was lost;
//   - errors come as errcode/errmsg with HTTP 200: 43004 (the resident
//     unfollowed the account), 40003 (bad openid), 40037 (bad template) and
//     other 4xxxx codes are permanent; -1 (busy) and 45xxx (limits) are
//     tried again;
//   - web authorization: the browser goes to AuthorizeURL, WeChat sends it
//     back to redirect_uri with code and state; ExchangeCode trades the
//     code for the openid at GET {BaseURL}/sns/oauth2/access_token?appid
//     &secret&code&grant_type=authorization_code.
type WeChat struct {
	// BaseURL is the API's root (default https://api.weixin.qq.com) and
	// OpenURL the web authorization's (default https://open.weixin.qq.com).
	BaseURL, OpenURL string
	AppID            string
	// AppSecret is never logged nor shown.
	AppSecret string
	// TemplateID is the template registered in the account for Wubu's
	// messages, with the data keys "first" (the subject), "keyword1" (the
	// text), "keyword2" (the time, China time) and "remark".
	TemplateID string
	// LinkURL, if set, is where a tap on the message leads (the residents'
	// portal).
	LinkURL string
	// Token is the server-URL token (服务器配置 → Token) WeChat signs its
	// requests to Wubu's /wechat/server with; empty: no such endpoint.
	Token  string
	Client *http.Client
	// Now is the clock of the token cache (default time.Now).
	Now func() time.Time

	tokens *tokenSource
}

// Default roots of the WeChat APIs.
const (
	WeChatBaseURL = "https://api.weixin.qq.com"
	WeChatOpenURL = "https://open.weixin.qq.com"
)

// WeChat errcodes Wubu acts on.
const (
	WeChatInvalidCredential = 40001 // access token invalid (or replaced)
	WeChatInvalidToken      = 40014
	WeChatTokenExpired      = 42001
	WeChatUnsubscribed      = 43004 // the user does not follow the account
	WeChatInvalidCode       = 40029 // web authorization code unknown
	WeChatCodeUsed          = 40163 // web authorization code used before
)

// Configured reports whether the account's ID and secret are set.
func (w *WeChat) Configured() bool { return w != nil && w.AppID != "" && w.AppSecret != "" }

func (w *WeChat) base() string {
	if w.BaseURL != "" {
		return strings.TrimRight(w.BaseURL, "/")
	}
	return WeChatBaseURL
}

func (w *WeChat) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *WeChat) tokenSource() *tokenSource {
	if w.tokens == nil {
		w.tokens = &tokenSource{refreshEarly: 5 * time.Minute, now: w.now, fetch: w.fetchToken}
	}
	return w.tokens
}

// fetchToken asks for a new access token.
func (w *WeChat) fetchToken(ctx context.Context) (string, int, error) {
	q := url.Values{"grant_type": {"client_credential"}, "appid": {w.AppID}, "secret": {w.AppSecret}}
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	rep, err := callJSON(ctx, w.Client, "wechat token", w.base()+"/cgi-bin/token?"+q.Encode(), nil, &out)
	if err != nil {
		return "", 0, err
	}
	if rep.ErrCode != 0 || out.AccessToken == "" {
		return "", 0, wechatError("wechat token", rep)
	}
	return out.AccessToken, out.ExpiresIn, nil
}

// wechatError classifies an error answer: permanent unless another
// attempt may succeed (busy, rate limits).
func wechatError(api string, rep apiReply) error {
	err := &APIError{API: api, Code: rep.ErrCode, Message: rep.ErrMsg}
	switch {
	case rep.ErrCode == -1, rep.ErrCode >= 45000 && rep.ErrCode < 46000:
		return err
	case rep.ErrCode >= 40000 && rep.ErrCode < 50000:
		return Permanent(err)
	}
	return err
}

func isTokenError(code int) bool {
	return code == WeChatInvalidCredential || code == WeChatInvalidToken || code == WeChatTokenExpired
}

// withToken calls an API with the access token, and once more with a new
// token when the API refuses the cached one.
func withToken(ctx context.Context, ts *tokenSource, call func(token string) (apiReply, error)) (apiReply, error) {
	for try := 0; ; try++ {
		tok, err := ts.get(ctx)
		if err != nil {
			return apiReply{}, err
		}
		rep, err := call(tok)
		if err != nil || !isTokenError(rep.ErrCode) || try == 1 {
			return rep, err
		}
		ts.invalidate(tok)
	}
}

// WeChatTemplateData is one value of a template message.
type WeChatTemplateData struct {
	Value string `json:"value"`
}

// WeChatTemplateMessage is the body of a template message.
type WeChatTemplateMessage struct {
	ToUser      string                        `json:"touser"`
	TemplateID  string                        `json:"template_id"`
	URL         string                        `json:"url,omitempty"`
	ClientMsgID string                        `json:"client_msg_id,omitempty"`
	Data        map[string]WeChatTemplateData `json:"data"`
}

// Send implements Sender: a template message to the resident's openid
// (m.Address).
func (w *WeChat) Send(ctx context.Context, m *Outgoing) error {
	if !w.Configured() || w.TemplateID == "" {
		return Permanent(ErrNoChannel)
	}
	if m.Address == "" {
		return Permanent(errors.New("wechat: no openid"))
	}
	msg := WeChatTemplateMessage{ToUser: m.Address, TemplateID: w.TemplateID, URL: w.LinkURL, ClientMsgID: m.MessageID,
		Data: map[string]WeChatTemplateData{
			"first":    {m.Subject},
			"keyword1": {m.Body},
			"keyword2": {w.now().In(chinaTime).Format("2006-01-02 15:04")},
			"remark":   {""},
		}}
	rep, err := withToken(ctx, w.tokenSource(), func(tok string) (apiReply, error) {
		return callJSON(ctx, w.Client, "wechat", w.base()+"/cgi-bin/message/template/send?access_token="+url.QueryEscape(tok), msg, nil)
	})
	if err != nil {
		return err
	}
	if rep.ErrCode != 0 {
		return wechatError("wechat template message", rep)
	}
	return nil
}

// chinaTime is China Standard Time.
var chinaTime = time.FixedZone("CST", 8*3600)

// AuthorizeURL returns where to send the resident's browser for the web
// authorization (snsapi_base: silent, yields only the openid); WeChat
// sends it back to redirectURI with ?code=…&state=….
func (w *WeChat) AuthorizeURL(redirectURI, state string) string {
	open := WeChatOpenURL
	if w.OpenURL != "" {
		open = strings.TrimRight(w.OpenURL, "/")
	}
	// WeChat wants the parameters in this order and the fragment.
	return open + "/connect/oauth2/authorize?appid=" + url.QueryEscape(w.AppID) + "&redirect_uri=" + url.QueryEscape(redirectURI) +
		"&response_type=code&scope=snsapi_base&state=" + url.QueryEscape(state) + "#wechat_redirect"
}

// ExchangeCode trades a web authorization code for the openid of the
// WeChat user who authorized. Returns a permanent error for a code WeChat
// does not know or saw before.
func (w *WeChat) ExchangeCode(ctx context.Context, code string) (string, error) {
	if !w.Configured() {
		return "", Permanent(ErrNoChannel)
	}
	q := url.Values{"appid": {w.AppID}, "secret": {w.AppSecret}, "code": {code}, "grant_type": {"authorization_code"}}
	var out struct {
		OpenID string `json:"openid"`
		Scope  string `json:"scope"`
	}
	rep, err := callJSON(ctx, w.Client, "wechat oauth", w.base()+"/sns/oauth2/access_token?"+q.Encode(), nil, &out)
	if err != nil {
		return "", err
	}
	if rep.ErrCode != 0 {
		return "", wechatError("wechat oauth", rep)
	}
	if out.OpenID == "" {
		return "", Permanent(fmt.Errorf("wechat oauth: no openid in the answer"))
	}
	return out.OpenID, nil
}

// WeChatSignature returns the signature WeChat puts on the requests it
// sends to the account's server URL: the hex SHA-1 of the token, timestamp
// and nonce sorted and joined.
func WeChatSignature(token, timestamp, nonce string) string {
	parts := []string{token, timestamp, nonce}
	sort.Strings(parts)
	sum := sha1.Sum([]byte(strings.Join(parts, "")))
	return hex.EncodeToString(sum[:])
}

// VerifyWeChatSignature reports whether a request to the server URL was
// signed with the account's token.
func VerifyWeChatSignature(token, signature, timestamp, nonce string) bool {
	if token == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(signature), []byte(WeChatSignature(token, timestamp, nonce))) == 1
}
