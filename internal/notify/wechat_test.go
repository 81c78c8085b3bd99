package notify_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/notify"
	"github.com/wubu-oss/wubu/internal/notify/notifytest"
)

// testClock is a controlled clock shared by an adapter and its fake.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newWeChat(t *testing.T) (*notifytest.FakeWeChat, *notify.WeChat, *testClock) {
	t.Helper()
	clock := &testClock{t: time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)}
	fake := notifytest.StartFakeWeChat("wx-app", "wx-secret", "TPL-1")
	fake.Now = clock.Now
	t.Cleanup(fake.Close)
	return fake, &notify.WeChat{BaseURL: fake.URL, OpenURL: fake.URL, AppID: "wx-app", AppSecret: "wx-secret", TemplateID: "TPL-1", Now: clock.Now}, clock
}

func wechatMsg(id int64, openid string) *notify.Outgoing {
	return &notify.Outgoing{ID: id, ProjectID: 1, Kind: "card_expiry", Channel: wubu.ChannelWeChat, Address: openid,
		Subject: "卡片即将到期", Body: "王秀英您好，您的停车卡将于12月12日到期。", MessageID: notify.MessageIDFor(1, id)}
}

func TestWeChatTemplateMessage(t *testing.T) {
	ctx := context.Background()
	fake, wc, clock := newWeChat(t)
	if err := wc.Send(ctx, wechatMsg(1, "o-wang")); err != nil {
		t.Fatal(err)
	}
	if got := fake.Body("wubu-1-1"); !strings.Contains(got, "卡片即将到期") || !strings.Contains(got, "停车卡") {
		t.Errorf("template message: got %q", got)
	}
	if fake.OpenIDOf("wubu-1-1") != "o-wang" {
		t.Errorf("touser: got %q", fake.OpenIDOf("wubu-1-1"))
	}
	t.Run("TokenCached", func(t *testing.T) {
		wc.Send(ctx, wechatMsg(2, "o-wang"))
		if n := fake.TokensIssued(); n != 1 {
			t.Errorf("tokens issued: got %d, want 1", n)
		}
	})
	t.Run("RefreshBeforeExpiry", func(t *testing.T) {
		clock.Add(7200*time.Second - 4*time.Minute) // inside the 5-minute margin
		if err := wc.Send(ctx, wechatMsg(3, "o-wang")); err != nil {
			t.Fatal(err)
		}
		if n := fake.TokensIssued(); n != 2 {
			t.Errorf("tokens issued: got %d, want 2 (renewed early)", n)
		}
	})
	t.Run("ExpiredEarly42001", func(t *testing.T) {
		// The fake's tokens now last 10 minutes while the adapter believes
		// in 2 hours' worth: the API answers 42001, the adapter renews.
		fake.SetTokenTTL(10 * time.Minute)
		clock.Add(2 * time.Hour)
		wc.Send(ctx, wechatMsg(4, "o-wang")) // renews (own expiry)
		clock.Add(11 * time.Minute)
		before := fake.TokensIssued()
		if err := wc.Send(ctx, wechatMsg(5, "o-wang")); err != nil {
			t.Fatalf("after 42001: %v", err)
		}
		if fake.TokensIssued() != before+1 || fake.Body("wubu-1-5") == "" {
			t.Errorf("42001: tokens %d → %d, delivered %q", before, fake.TokensIssued(), fake.Body("wubu-1-5"))
		}
		fake.SetTokenTTL(7200 * time.Second)
	})
	t.Run("Revoked40001", func(t *testing.T) {
		fake.RevokeTokens()
		before := fake.TokensIssued()
		if err := wc.Send(ctx, wechatMsg(6, "o-wang")); err != nil {
			t.Fatalf("after 40001: %v", err)
		}
		if fake.TokensIssued() != before+1 || fake.Body("wubu-1-6") == "" {
			t.Errorf("40001: tokens %d → %d", before, fake.TokensIssued())
		}
	})
	t.Run("Unsubscribed43004", func(t *testing.T) {
		fake.Unsubscribe("o-gone")
		err := wc.Send(ctx, wechatMsg(7, "o-gone"))
		var api *notify.APIError
		if !notify.IsPermanent(err) || !errors.As(err, &api) || api.Code != notify.WeChatUnsubscribed {
			t.Errorf("43004: got %v, want a permanent errcode 43004", err)
		}
	})
	t.Run("BusyIsRetried", func(t *testing.T) {
		fake.FailNext(1, false)
		if err := wc.Send(ctx, wechatMsg(8, "o-wang")); err == nil || notify.IsPermanent(err) {
			t.Errorf("busy: got %v, want a transient error", err)
		}
		if err := wc.Send(ctx, wechatMsg(8, "o-wang")); err != nil {
			t.Fatal(err)
		}
		if fake.Counts()["wubu-1-8"] != 1 {
			t.Errorf("busy then sent: counts %v", fake.Counts()["wubu-1-8"])
		}
	})
	t.Run("BadSecret", func(t *testing.T) {
		bad := &notify.WeChat{BaseURL: fake.URL, AppID: "wx-app", AppSecret: "wrong", TemplateID: "TPL-1"}
		if err := bad.Send(ctx, wechatMsg(9, "o-wang")); !notify.IsPermanent(err) || strings.Contains(err.Error(), "wrong") {
			t.Errorf("bad secret: got %v, want a permanent error that does not show the secret", err)
		}
	})
	t.Run("SecretNotInErrors", func(t *testing.T) {
		// The token request carries the secret in its URL: a transport
		// failure's error (stored in the outbox, logged) must not.
		down := &notify.WeChat{BaseURL: "http://127.0.0.1:1", AppID: "wx-app", AppSecret: "s3cret-value", TemplateID: "TPL-1"}
		err := down.Send(ctx, wechatMsg(11, "o-wang"))
		if err == nil || notify.IsPermanent(err) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("transport failure: got %v, want a transient error without the secret", err)
		}
	})
	t.Run("NotConfigured", func(t *testing.T) {
		if err := (&notify.WeChat{}).Send(ctx, wechatMsg(10, "o-wang")); !errors.Is(err, notify.ErrNoChannel) || !notify.IsPermanent(err) {
			t.Errorf("not configured: got %v", err)
		}
	})
}

func TestWeChatOAuth(t *testing.T) {
	ctx := context.Background()
	fake, wc, _ := newWeChat(t)
	u := wc.AuthorizeURL("https://wubu.example.com/my/wechat/link/callback", "st4te")
	want := fake.URL + "/connect/oauth2/authorize?appid=wx-app&redirect_uri=https%3A%2F%2Fwubu.example.com%2Fmy%2Fwechat%2Flink%2Fcallback&response_type=code&scope=snsapi_base&state=st4te#wechat_redirect"
	if u != want {
		t.Errorf("authorize URL:\n got %s\nwant %s", u, want)
	}
	// The fake's authorize page sends the browser back with a code.
	fake.SetBrowserUser("o-li")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(strings.TrimSuffix(u, "#wechat_redirect"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, _ := url.Parse(resp.Header.Get("Location"))
	if back.Query().Get("state") != "st4te" || back.Query().Get("code") == "" {
		t.Fatalf("redirect back: %s", back)
	}
	openid, err := wc.ExchangeCode(ctx, back.Query().Get("code"))
	if err != nil || openid != "o-li" {
		t.Fatalf("exchange: got %q, %v", openid, err)
	}
	t.Run("CodeUsedTwice", func(t *testing.T) {
		_, err := wc.ExchangeCode(ctx, back.Query().Get("code"))
		var api *notify.APIError
		if !errors.As(err, &api) || api.Code != notify.WeChatCodeUsed || !notify.IsPermanent(err) {
			t.Errorf("reused code: got %v, want permanent 40163", err)
		}
	})
	t.Run("UnknownCode", func(t *testing.T) {
		_, err := wc.ExchangeCode(ctx, "forged")
		var api *notify.APIError
		if !errors.As(err, &api) || api.Code != notify.WeChatInvalidCode {
			t.Errorf("unknown code: got %v, want 40029", err)
		}
	})
}

func TestWeChatServerSignature(t *testing.T) {
	sig := notify.WeChatSignature("token", "1409304348", "brand_new_nonce")
	if len(sig) != 40 || !notify.VerifyWeChatSignature("token", sig, "1409304348", "brand_new_nonce") {
		t.Fatalf("signature %q does not verify", sig)
	}
	if notify.VerifyWeChatSignature("other", sig, "1409304348", "brand_new_nonce") || notify.VerifyWeChatSignature("", sig, "1", "2") {
		t.Error("a wrong token verified")
	}
	// Computed independently: sha1("1409304348brand_new_noncetoken").
	if want := "cf6f37312fe01db167a21347a5801f0e6482fbbd"; sig != want {
		t.Errorf("signature: got %s, want %s", sig, want)
	}
}

func TestWeCom(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{t: time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)}
	fake := notifytest.StartFakeWeCom("ww-corp", "ww-secret", 1000002, []string{"ZhangWei", "LiNa"}, []string{"robot-key-1"})
	fake.Now = clock.Now
	defer fake.Close()
	wc := &notify.WeCom{BaseURL: fake.URL, CorpID: "ww-corp", CorpSecret: "ww-secret", AgentID: 1000002, Now: clock.Now}
	m := &notify.Outgoing{ID: 1, ProjectID: 1, Kind: "clock_warning", Channel: wubu.ChannelWeCom, Address: "ZhangWei", Subject: "即将超时", Body: "工单 #3 还剩 10 分钟", MessageID: "wubu-1-1"}
	if err := wc.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	if fake.Unique() != 1 {
		t.Fatalf("delivered %d", fake.Unique())
	}
	t.Run("RepeatDropped", func(t *testing.T) {
		// A repeat of the same request within 30 minutes (a retry after a
		// lost answer) is dropped by WeCom's duplicate check.
		fake.FailNext(1, true)
		m2 := *m
		m2.Body = "工单 #4 还剩 10 分钟"
		if err := wc.Send(ctx, &m2); err == nil || notify.IsPermanent(err) {
			t.Fatalf("lost answer: got %v, want a transient error", err)
		}
		clock.Add(time.Minute)
		if err := wc.Send(ctx, &m2); err != nil {
			t.Fatal(err)
		}
		if fake.Unique() != 2 {
			t.Errorf("after the retry: %d distinct messages, want 2", fake.Unique())
		}
	})
	t.Run("TokenExpiry", func(t *testing.T) {
		fake.SetTokenTTL(10 * time.Minute)
		clock.Add(3 * time.Hour)
		wc.Send(ctx, &notify.Outgoing{Address: "LiNa", Subject: "a", Body: "1"})
		clock.Add(11 * time.Minute)
		before := fake.TokensIssued()
		if err := wc.Send(ctx, &notify.Outgoing{Address: "LiNa", Subject: "a", Body: "2"}); err != nil {
			t.Fatalf("after 42001: %v", err)
		}
		if fake.TokensIssued() != before+1 {
			t.Errorf("tokens %d → %d, want one renewal", before, fake.TokensIssued())
		}
	})
	t.Run("UnknownUser", func(t *testing.T) {
		err := wc.Send(ctx, &notify.Outgoing{Address: "nobody", Subject: "a", Body: "b"})
		var api *notify.APIError
		if !notify.IsPermanent(err) || !errors.As(err, &api) || api.Code != notify.WeComNoValidRecipient {
			t.Errorf("unknown userid: got %v, want permanent 81013", err)
		}
	})
	t.Run("Robot", func(t *testing.T) {
		if err := wc.Send(ctx, &notify.Outgoing{Address: notify.WeComRobotAddress, RobotKey: "robot-key-1", Subject: "新投诉", Body: "3号楼 1201"}); err != nil {
			t.Fatal(err)
		}
		if fake.Robot.Unique() != 1 {
			t.Errorf("robot messages: %d", fake.Robot.Unique())
		}
		err := wc.Send(ctx, &notify.Outgoing{Address: notify.WeComRobotAddress, RobotKey: "bad-key", Subject: "x"})
		if !notify.IsPermanent(err) {
			t.Errorf("bad robot key: got %v, want permanent", err)
		}
		// A robot needs no application.
		if err := (&notify.WeCom{BaseURL: fake.URL}).Send(ctx, &notify.Outgoing{Address: notify.WeComRobotAddress, RobotKey: "robot-key-1", Subject: "y"}); err != nil {
			t.Errorf("robot without application: %v", err)
		}
	})
}
