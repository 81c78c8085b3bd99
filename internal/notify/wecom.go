package notify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// WeCom is a WeCom (企业微信) self-built application and group robots: the
// outbox's channel for staff. A message to a staff member with a WeCom
// userid is an application message; a message to a project's group robot
// is posted to its webhook.
//
// Wire format (developer.work.weixin.qq.com):
//
//   - access token: GET {BaseURL}/cgi-bin/gettoken?corpid=…&corpsecret=…
//     → {"errcode": 0, "access_token", "expires_in": 7200}; cached, renewed
//     5 minutes early and when an API answers 40014 or 42001, the call then
//     repeated once;
//   - application message: POST {BaseURL}/cgi-bin/message/send
//     ?access_token=… with {"touser": userid, "msgtype": "text", "agentid",
//     "text": {"content"}, "enable_duplicate_check": 1,
//     "duplicate_check_interval": 1800}: WeCom drops the same request
//     repeated within 30 minutes, the retry after a lost answer; an answer
//     naming the userid in "invaliduser", or errcode 81013 (no valid
//     recipient), fails the message for good;
//   - group robot: POST {BaseURL}/cgi-bin/webhook/send?key=… with
//     {"msgtype": "markdown", "markdown": {"content"}}; at most 20 messages
//     a minute per robot (errcode 45009 is tried again later); 93000 (bad
//     key) is permanent.
type WeCom struct {
	// BaseURL is the API's root (default https://qyapi.weixin.qq.com).
	BaseURL string
	CorpID  string
	// CorpSecret is the application's secret, never logged nor shown.
	CorpSecret string
	AgentID    int64
	Client     *http.Client
	// Now is the clock of the token cache (default time.Now).
	Now func() time.Time

	tokens *tokenSource
}

// WeComBaseURL is the default root of the WeCom API.
const WeComBaseURL = "https://qyapi.weixin.qq.com"

// WeCom errcodes Wubu acts on.
const (
	WeComNoValidRecipient = 81013
	WeComInvalidRobotKey  = 93000
)

// Configured reports whether the application is set up (a group robot
// needs only its project's key).
func (w *WeCom) Configured() bool {
	return w != nil && w.CorpID != "" && w.CorpSecret != "" && w.AgentID != 0
}

func (w *WeCom) base() string {
	if w.BaseURL != "" {
		return strings.TrimRight(w.BaseURL, "/")
	}
	return WeComBaseURL
}

func (w *WeCom) tokenSource() *tokenSource {
	if w.tokens == nil {
		now := w.Now
		if now == nil {
			now = time.Now
		}
		w.tokens = &tokenSource{refreshEarly: 5 * time.Minute, now: now, fetch: w.fetchToken}
	}
	return w.tokens
}

func (w *WeCom) fetchToken(ctx context.Context) (string, int, error) {
	q := url.Values{"corpid": {w.CorpID}, "corpsecret": {w.CorpSecret}}
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	rep, err := callJSON(ctx, w.Client, "wecom token", w.base()+"/cgi-bin/gettoken?"+q.Encode(), nil, &out)
	if err != nil {
		return "", 0, err
	}
	if rep.ErrCode != 0 || out.AccessToken == "" {
		return "", 0, wechatError("wecom token", rep)
	}
	return out.AccessToken, out.ExpiresIn, nil
}

// WeComRobotAddress is the Address of a message to the project's group
// robot (the robot's key travels in Outgoing.RobotKey).
const WeComRobotAddress = "robot"

// Send implements Sender: an application message to the staff member's
// userid (m.Address), or a robot message (m.Address WeComRobotAddress).
func (w *WeCom) Send(ctx context.Context, m *Outgoing) error {
	text := m.Subject
	if m.Body != "" {
		text += "\n" + m.Body
	}
	if m.Address == WeComRobotAddress {
		return w.sendRobot(ctx, m.RobotKey, "**"+m.Subject+"**\n"+m.Body)
	}
	if !w.Configured() {
		return Permanent(ErrNoChannel)
	}
	if m.Address == "" {
		return Permanent(errors.New("wecom: no userid"))
	}
	body := map[string]any{"touser": m.Address, "msgtype": "text", "agentid": w.AgentID, "text": map[string]string{"content": text},
		"enable_duplicate_check": 1, "duplicate_check_interval": 1800}
	var out struct {
		InvalidUser string `json:"invaliduser"`
	}
	rep, err := withToken(ctx, w.tokenSource(), func(tok string) (apiReply, error) {
		return callJSON(ctx, w.Client, "wecom", w.base()+"/cgi-bin/message/send?access_token="+url.QueryEscape(tok), body, &out)
	})
	switch {
	case err != nil:
		return err
	case rep.ErrCode == WeComNoValidRecipient:
		return Permanent(&APIError{API: "wecom", Code: rep.ErrCode, Message: rep.ErrMsg})
	case rep.ErrCode != 0:
		return wechatError("wecom", rep)
	case out.InvalidUser != "":
		return Permanent(fmt.Errorf("wecom: userid %q is not in the application's range", out.InvalidUser))
	}
	return nil
}

// sendRobot posts a markdown message to a group robot.
func (w *WeCom) sendRobot(ctx context.Context, key, content string) error {
	if key == "" {
		return Permanent(ErrNoChannel)
	}
	body := map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": content}}
	rep, err := callJSON(ctx, w.Client, "wecom robot", w.base()+"/cgi-bin/webhook/send?key="+url.QueryEscape(key), body, nil)
	if err != nil {
		return err
	}
	if rep.ErrCode == WeComInvalidRobotKey {
		return Permanent(&APIError{API: "wecom robot", Code: rep.ErrCode, Message: rep.ErrMsg})
	}
	if rep.ErrCode != 0 {
		return wechatError("wecom robot", rep)
	}
	return nil
}
