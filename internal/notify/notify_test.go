package notify_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/notify"
	"github.com/wubu-oss/wubu/internal/notify/notifytest"
)

func TestTemplates(t *testing.T) {
	for _, kind := range []string{"clock_warning", "clock_breach", "clock_escalation", "card_expiry", "special_day", "care_visit_overdue", "festival_greeting"} {
		if !notify.HasKind(kind) {
			t.Errorf("no template for %s", kind)
		}
	}
	for _, kind := range notify.Kinds() {
		for _, lang := range []string{"zh-CN", "en"} {
			s, b, err := notify.Render(kind, lang, map[string]string{"name": "王秀英"})
			if err != nil || s == "" || b == "" || strings.Contains(b, "<no value>") {
				t.Errorf("%s in %s: %q %q %v", kind, lang, s, b, err)
			}
		}
	}
	_, b, _ := notify.Render("card_expiry", "zh-CN", map[string]string{"name": "王秀英", "card": "停车卡", "number": "P001", "expires": "12月12日"})
	if want := "王秀英您好，您的停车卡（卡号P001）将于12月12日到期"; !strings.Contains(b, want) {
		t.Errorf("card_expiry: got %q, want it to contain %q", b, want)
	}
}

func TestAliyunSMS(t *testing.T) {
	fake := notifytest.StartFakeAliyun("LTAI-test", "secret-key")
	defer fake.Close()
	good := &notify.SMSSender{Provider: &notify.Aliyun{Endpoint: fake.URL, AccessKeyID: "LTAI-test", AccessKeySecret: "secret-key", SignName: "物业服务", DefaultTemplate: "SMS_0001"}}
	m := &notify.Outgoing{ID: 1, ProjectID: 1, Kind: "card_expiry", Channel: wubu.ChannelSMS, Address: "138 0013 8000", Body: "您好 * ~ 100% 到期&续期", MessageID: "wubu-1-1"}
	if err := good.Send(context.Background(), m); err != nil {
		t.Fatalf("signed request refused: %v", err)
	}
	if fake.Unique() != 1 || fake.Body("wubu-1-1") != m.Body {
		t.Fatalf("fake received %d, body %q", fake.Unique(), fake.Body("wubu-1-1"))
	}
	t.Run("BadSignature", func(t *testing.T) {
		bad := &notify.SMSSender{Provider: &notify.Aliyun{Endpoint: fake.URL, AccessKeyID: "LTAI-test", AccessKeySecret: "wrong", SignName: "物业服务", DefaultTemplate: "SMS_0001"}}
		err := bad.Send(context.Background(), &notify.Outgoing{Kind: "card_expiry", Address: "13800138000", Body: "x", MessageID: "wubu-1-2"})
		if err == nil || !notify.IsPermanent(err) || !strings.Contains(err.Error(), "SignatureDoesNotMatch") {
			t.Fatalf("bad signature: got %v, want a permanent SignatureDoesNotMatch", err)
		}
		if fake.Rejected() != 1 || fake.Unique() != 1 {
			t.Errorf("fake: rejected %d, received %d", fake.Rejected(), fake.Unique())
		}
	})
	t.Run("BadNumber", func(t *testing.T) {
		if err := good.Send(context.Background(), &notify.Outgoing{Kind: "card_expiry", Address: "12345", MessageID: "x"}); !notify.IsPermanent(err) {
			t.Errorf("bad number: got %v, want a permanent error", err)
		}
	})
	t.Run("KnownVector", func(t *testing.T) {
		// The worked example of Alibaba Cloud's signature documentation.
		q := map[string][]string{"AccessKeyId": {"testid"}, "Action": {"DescribeRegions"}, "Format": {"XML"}, "SignatureMethod": {"HMAC-SHA1"},
			"SignatureNonce": {"3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"}, "SignatureVersion": {"1.0"}, "Timestamp": {"2016-02-23T12:46:24Z"}, "Version": {"2014-05-26"}}
		if got, want := notify.AliyunSignature("GET", q, "testsecret"), "OLeaidS1JvxuMvnyHOwuJ+uX5qY="; got != want {
			t.Errorf("signature: got %s, want %s", got, want)
		}
	})
}

func TestSMTP(t *testing.T) {
	srv, err := notifytest.StartSMTP()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	s := &notify.SMTP{Config: notify.SMTPConfig{Host: srv.Host, Port: srv.Port, From: "wubu@example.com"}}
	m := &notify.Outgoing{ID: 7, ProjectID: 1, Kind: "card_expiry", Channel: wubu.ChannelEmail, Address: "zhang@example.com", Subject: "卡片即将到期", Body: "王秀英您好,您的停车卡将于12月12日到期。", MessageID: "wubu-1-7"}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), m); err != nil { // a repeat after a crash
		t.Fatal(err)
	}
	id := "<wubu-1-7@wubu.local>"
	if srv.Unique() != 1 || srv.Counts()[id] != 2 || srv.Copies() != 1 {
		t.Fatalf("SMTP server: unique %d, counts %v", srv.Unique(), srv.Counts())
	}
	if got := srv.Body(id); got != m.Body {
		t.Errorf("body: got %q, want %q", got, m.Body)
	}
	if err := s.Send(context.Background(), &notify.Outgoing{Address: "not an address", MessageID: "x"}); !notify.IsPermanent(err) {
		t.Errorf("bad address: got %v, want a permanent error", err)
	}
}

func TestWebhook(t *testing.T) {
	const secret = "0123456789abcdef-secret"
	var got notify.WebhookPayload
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		if r.Header.Get(notify.WebhookSignatureHeader) != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		json.Unmarshal(body, &got)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	wh := &notify.Webhook{}
	m := &notify.Outgoing{ID: 3, ProjectID: 2, Kind: "clock_breach", Channel: wubu.ChannelWebhook, Address: srv.URL, Subject: "已超时", Body: "正文", MessageID: "wubu-2-3", WebhookSecret: secret}
	if err := wh.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if got.MessageID != "wubu-2-3" || got.Body != "正文" || got.Kind != "clock_breach" {
		t.Errorf("payload: %+v", got)
	}
	m.WebhookSecret = "another-secret-of-16"
	if err := wh.Send(context.Background(), m); err == nil || !notify.IsPermanent(err) {
		t.Errorf("wrong secret: got %v, want a permanent refusal", err)
	}
}
