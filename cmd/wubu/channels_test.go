package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/notify"
	"github.com/wubu-oss/wubu/internal/notify/notifytest"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestWeChatLink runs a resident's WeChat link in the portal (WeChat's web
// authorization in its in-app browser) against the fake WeChat: the openid
// WeChat vouches for is linked to the resident signed in to the portal; a
// callback this browser did not start links nothing.
func TestWeChatLink(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			app := newTestApp(t, d)
			fake := notifytest.StartFakeWeChat("wx-app", "wx-secret", "TPL-1")
			defer fake.Close()
			fake.SetBrowserUser("o-wang")
			app.Main.WeChat = &notify.WeChat{BaseURL: fake.URL, OpenURL: fake.URL, AppID: "wx-app", AppSecret: "wx-secret", TemplateID: "TPL-1"}
			s, err := app.Main.NewServer()
			if err != nil {
				t.Fatal(err)
			}
			hs := httptest.NewServer(s)
			defer hs.Close()
			app.URL = hs.URL
			// Two residents in rooms of project A, each with a number.
			org := sqlstore.NewOrgService(app.DB)
			if _, err := org.GenerateRooms(app.adminCtx(), wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "3", Units: 1, FirstFloor: 1, Floors: 1, PerFloor: 2}); err != nil {
				t.Fatal(err)
			}
			rooms, _, err := org.FindRooms(app.adminCtx(), wubu.RoomFilter{ProjectID: app.ProjectA.ID})
			if err != nil || len(rooms) < 2 {
				t.Fatalf("rooms: %v %v", rooms, err)
			}
			var a, b orgObjects
			for i, o := range []*orgObjects{&a, &b} {
				p := &wubu.Person{ProjectID: app.ProjectA.ID, Name: "住户" + strconv.Itoa(i), Phones: []string{"1371234567" + strconv.Itoa(i)}}
				if err := sqlstore.NewResidentService(app.DB).CreatePersonInRoom(app.adminCtx(), p, &wubu.Household{RoomID: rooms[i].ID, Relation: wubu.RelationOwner}); err != nil {
					t.Fatal(err)
				}
				o.project, o.resident = app.ProjectA.ID, p.ID
			}
			wang := portalSignIn(t, app, "13712345670")
			li := portalSignIn(t, app, "13712345671")
			cs := sqlstore.NewChannelService(app.DB)
			get := func(br *browser, u string) *http.Response {
				t.Helper()
				if strings.HasPrefix(u, "/") {
					u = hs.URL + u
				}
				resp, err := br.client.Get(strings.TrimSuffix(u, "#wechat_redirect"))
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp
			}
			linked := func(o orgObjects) bool {
				c, err := cs.PersonChannels(app.adminCtx(), o.resident)
				if err != nil {
					t.Fatal(err)
				}
				return c.WeChatLinked
			}

			// Start: to WeChat's authorize page, which sends the browser
			// back with a code; the callback links and returns to the
			// resident's notifications page.
			resp := get(wang, "/my/wechat/link")
			auth := resp.Header.Get("Location")
			if resp.StatusCode != http.StatusFound || !strings.HasPrefix(auth, fake.URL+"/connect/oauth2/authorize?appid=wx-app&redirect_uri=") ||
				!strings.Contains(auth, "scope=snsapi_base") {
				t.Fatalf("start: %d to %s", resp.StatusCode, auth)
			}
			back := get(wang, auth).Header.Get("Location")
			resp = get(wang, back)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/my/notifications" || !linked(a) {
				t.Fatalf("callback: %d to %s, linked %v", resp.StatusCode, resp.Header.Get("Location"), linked(a))
			}
			if _, body := wang.get("/my/notifications"); !strings.Contains(body, "您的微信已绑定") || strings.Contains(body, "o-wang") {
				t.Errorf("the portal page does not say WeChat is linked (or shows the openid)")
			}

			t.Run("ForeignState", func(t *testing.T) {
				// Li's browser is sent a callback Wang's browser started (a
				// forged link): refused, nothing linked.
				get(li, "/my/wechat/link") // Li's own state cookie
				forged := get(wang, get(wang, "/my/wechat/link").Header.Get("Location")).Header.Get("Location")
				before := auditCount(t, app.DB)
				if resp := get(li, forged); resp.StatusCode != http.StatusBadRequest {
					t.Errorf("foreign state: got %d, want 400", resp.StatusCode)
				}
				if linked(b) || auditCount(t, app.DB) != before {
					t.Error("a forged callback linked Li's WeChat")
				}
				// Without any state cookie (another device): refused too.
				if resp := get(portalSignIn(t, app, "13712345671"), forged); resp.StatusCode != http.StatusBadRequest || linked(b) {
					t.Errorf("no state cookie: got %d", resp.StatusCode)
				}
			})
			t.Run("CodeUsedTwice", func(t *testing.T) {
				// A code is good once: replaying a finished callback fails.
				cb := get(li, get(li, "/my/wechat/link").Header.Get("Location")).Header.Get("Location")
				u, _ := url.Parse(cb)
				if _, err := app.Main.WeChat.ExchangeCode(t.Context(), u.Query().Get("code")); err != nil {
					t.Fatal(err)
				}
				if resp := get(li, cb); resp.StatusCode != http.StatusBadGateway || linked(b) {
					t.Errorf("used code: got %d, linked %v", resp.StatusCode, linked(b))
				}
			})
			t.Run("PreferenceAndUnlink", func(t *testing.T) {
				if resp, _ := wang.post("/my/notifications", url.Values{"first": {"email"}}); resp.StatusCode != http.StatusUnprocessableEntity {
					t.Errorf("e-mail: got %d, want 422", resp.StatusCode)
				}
				if resp, _ := wang.post("/my/notifications", url.Values{"first": {"sms"}, "then": {"wechat"}, "unlink": {"1"}}); resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("save: %d", resp.StatusCode)
				}
				c, _ := cs.PersonChannels(app.adminCtx(), a.resident)
				if c.WeChatLinked || wubu.FormatPreference(c.Preference) != "sms,wechat" {
					t.Errorf("after the portal form: %+v", c)
				}
			})
			t.Run("NotConfigured", func(t *testing.T) {
				app.Main.WeChat = nil
				s, _ := app.Main.NewServer()
				hs2 := httptest.NewServer(s)
				defer hs2.Close()
				resp := get(li, hs2.URL+"/my/wechat/link")
				if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/my/notifications" {
					t.Errorf("not configured: %d to %s", resp.StatusCode, resp.Header.Get("Location"))
				}
			})
		})
	}
}

// TestChannelPages: a staff member sets their WeCom userid and preference;
// a refused form shows what was typed; a manager sets the project's group
// robot, whose key is never shown again.
func TestChannelPages(t *testing.T) {
	app := newTestApp(t, sqlstore.SQLite)
	tl := app.User(t, "tl.zhang", wubu.RoleTeamLeader, wubu.PostMaintenance, app.ProjectA)
	b := app.webLogin(t, tl.Login)
	resp, body := b.post("/account/channels", url.Values{"wecom_userid": {"张 伟"}, "first": {"wecom"}, "then": {"sms"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="张 伟"`) || !strings.Contains(body, "企业微信账号只能包含") {
		t.Fatalf("bad userid: %d", resp.StatusCode)
	}
	if resp, _ := b.post("/account/channels", url.Values{"wecom_userid": {"ZhangWei"}, "first": {"wecom"}, "then": {"sms"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	if _, body := b.get("/account/channels"); !strings.Contains(body, `value="ZhangWei"`) || !strings.Contains(body, `<option value="wecom" selected>`) {
		t.Errorf("saved channels not shown")
	}

	mgr := app.webLogin(t, "admin")
	path := "/projects/" + strconv.FormatInt(app.ProjectA.ID, 10) + "/channels"
	if _, body := mgr.get(path); !strings.Contains(body, `id="wechat-status" class="muted">未配置`) {
		t.Errorf("unconfigured WeChat not shown as such")
	}
	const key = "693a91f6-7aaa-4bc4-97a0-0ec2afa5aaa1"
	if resp, _ := mgr.post(path, url.Values{"wecom_robot_key": {"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + key}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("robot: %d", resp.StatusCode)
	}
	if _, body := mgr.get(path); strings.Contains(body, key) || !strings.Contains(body, "已设置") {
		t.Errorf("robot key shown again, or not marked set")
	}

	// The customer card: the WeChat link and the channel order.
	p := &wubu.Person{ProjectID: app.ProjectA.ID, Name: "王秀英", Phones: []string{"13800138000"}}
	if err := sqlstore.NewResidentService(app.DB).CreatePerson(app.adminCtx(), p); err != nil {
		t.Fatal(err)
	}
	card := "/residents/" + strconv.FormatInt(p.ID, 10)
	if _, body := mgr.get(card); !strings.Contains(body, "未绑定微信") {
		t.Errorf("card: no 'not linked'")
	}
	if err := sqlstore.NewChannelService(app.DB).LinkWeChat(t.Context(), app.ProjectA.ID, p.ID, "o-wang"); err != nil {
		t.Fatal(err)
	}
	if _, body := mgr.get(card); !strings.Contains(body, "已于 2026-11-27 绑定微信") || strings.Contains(body, "o-wang") ||
		!strings.Contains(body, `<option value="wechat" selected>`) {
		t.Errorf("card: linked resident not shown as such (or the openid shown)")
	}
	if resp, _ := mgr.post(card+"/channels", url.Values{"first": {"sms"}, "then": {""}, "unlink": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("card channels: %d", resp.StatusCode)
	}
	c, _ := sqlstore.NewChannelService(app.DB).PersonChannels(app.adminCtx(), p.ID)
	if c.WeChatLinked || wubu.FormatPreference(c.Preference) != "sms" {
		t.Errorf("after the card's form: %+v", c)
	}
	if resp, _ := mgr.post(card+"/channels", url.Values{"first": {"email"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("e-mail for a resident: %d, want 422", resp.StatusCode)
	}
}

// TestWeChatServerURL: WeChat's check of the account's server URL is
// answered only when signed with the token and fresh; an "unsubscribe"
// event unlinks the openid, so the resident's messages go by SMS again.
func TestWeChatServerURL(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			app := newTestApp(t, d)
			app.Main.WeChat = &notify.WeChat{AppID: "wx-app", AppSecret: "wx-secret", Token: "server-token"}
			s, err := app.Main.NewServer()
			if err != nil {
				t.Fatal(err)
			}
			hs := httptest.NewServer(s)
			defer hs.Close()
			signed := func(token string, at time.Time, extra string) string {
				ts := strconv.FormatInt(at.Unix(), 10)
				return hs.URL + "/wechat/server?signature=" + notify.WeChatSignature(token, ts, "n0nce") + "&timestamp=" + ts + "&nonce=n0nce" + extra
			}
			get := func(u string) (int, string) {
				resp, err := http.Get(u)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}
			now := app.Clock.Now()
			if status, body := get(signed("server-token", now, "&echostr=e-123")); status != 200 || body != "e-123" {
				t.Fatalf("check: %d %q", status, body)
			}
			if status, _ := get(signed("wrong-token", now, "&echostr=e-123")); status != http.StatusUnauthorized {
				t.Errorf("wrong token: %d", status)
			}
			if status, _ := get(signed("server-token", now.Add(-10*time.Minute), "&echostr=e-123")); status != http.StatusUnauthorized {
				t.Errorf("stale: %d", status)
			}

			p := &wubu.Person{ProjectID: app.ProjectA.ID, Name: "王秀英", Phones: []string{"13800138000"}}
			if err := sqlstore.NewResidentService(app.DB).CreatePerson(app.adminCtx(), p); err != nil {
				t.Fatal(err)
			}
			cs := sqlstore.NewChannelService(app.DB)
			if err := cs.LinkWeChat(t.Context(), app.ProjectA.ID, p.ID, "o-wang"); err != nil {
				t.Fatal(err)
			}
			event := `<xml><ToUserName><![CDATA[gh_123]]></ToUserName><FromUserName><![CDATA[o-wang]]></FromUserName><CreateTime>1764205200</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[unsubscribe]]></Event></xml>`
			post := func(u string) int {
				resp, err := http.Post(u, "text/xml", strings.NewReader(event))
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			if status := post(signed("wrong-token", now, "")); status != http.StatusUnauthorized {
				t.Errorf("unsigned event: %d", status)
			}
			if c, _ := cs.PersonChannels(app.adminCtx(), p.ID); !c.WeChatLinked {
				t.Fatal("an unsigned event unlinked")
			}
			if status := post(signed("server-token", now, "")); status != 200 {
				t.Fatalf("event: %d", status)
			}
			if c, _ := cs.PersonChannels(app.adminCtx(), p.ID); c.WeChatLinked || wubu.FormatPreference(c.Preference) != "wechat,sms" {
				t.Errorf("after unsubscribe: %+v", c)
			}
		})
	}
}

// portalSignIn signs a resident with one person on their number in to the
// portal with the code the outbox queued, on either database.
func portalSignIn(t *testing.T, app *testApp, phone string) *browser {
	t.Helper()
	b := app.newBrowser(t)
	if resp, body := b.post("/my/login", url.Values{"phone": {phone}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("code for %s: %d %.300s", phone, resp.StatusCode, body)
	}
	ms, _, err := app.Main.Outbox.FindMessages(app.adminCtx(), app.ProjectA.ID, wubu.MessageFilter{Kind: "portal_code", Recipient: phone, Limit: 1})
	if err != nil || len(ms) == 0 {
		t.Fatalf("no code for %s: %v", phone, err)
	}
	if resp, body := b.post("/my/login/verify", url.Values{"phone": {phone}, "code": {ms[0].Vars["code"]}}); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/my" {
		t.Fatalf("verify %s: %d %s %.300s", phone, resp.StatusCode, resp.Header.Get("Location"), body)
	}
	return b
}
