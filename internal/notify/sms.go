package notify

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/wubu-oss/wubu/internal/cnformat"
)

// SMS is one text message for a provider.
type SMS struct {
	Phone string
	// TemplateCode and Params are the provider's registered template and
	// its variables; Text is the message rendered by Wubu.
	TemplateCode string
	Params       map[string]string
	Text         string
	// OutID is the message's ID, the same on every attempt, echoed in the
	// provider's delivery receipts.
	OutID string
}

// SMSProvider sends text messages.
type SMSProvider interface {
	SendSMS(ctx context.Context, m SMS) error
}

// SMSSender sends the outbox's SMS messages through a provider.
type SMSSender struct{ Provider SMSProvider }

// Send implements Sender.
func (s *SMSSender) Send(ctx context.Context, m *Outgoing) error {
	if s.Provider == nil {
		return Permanent(ErrNoChannel)
	}
	phone, err := cnformat.NormalizeMobile(m.Address)
	if err != nil {
		return Permanent(fmt.Errorf("invalid mobile number %q", m.Address))
	}
	sms := SMS{Phone: phone, Text: m.Body, OutID: m.MessageID, TemplateCode: SMSTemplateCode(m.Kind), Params: m.Vars}
	if sms.TemplateCode == "" {
		sms.Params = map[string]string{"content": m.Body}
	}
	return s.Provider.SendSMS(ctx, sms)
}

// Aliyun sends SMS through Alibaba Cloud's Short Message Service
// (dysmsapi, API version 2017-05-25, action SendSms), an RPC-style API whose
// requests are signed with HMAC-SHA1 (signature version 1.0): the request's
// parameters, sorted by name and percent-encoded, make the canonicalized
// query string; the string to sign is
//
//	POST&%2F&percentEncode(canonicalized query string)
//
// and the signature is Base64(HMAC-SHA1(AccessKeySecret+"&", string to
// sign)), sent as the Signature parameter. Parameters go in a form body.
type Aliyun struct {
	// Endpoint is the API's URL (default https://dysmsapi.aliyuncs.com/).
	Endpoint        string
	AccessKeyID     string
	AccessKeySecret string
	// SignName is the registered signature (签名) shown in front of texts.
	SignName string
	// DefaultTemplate is the registered template with one variable,
	// ${content}, for kinds without a template code of their own.
	DefaultTemplate string
	RegionID        string // default cn-hangzhou
	Client          *http.Client
	// Now and Nonce are the clock and nonce source, for tests.
	Now   func() time.Time
	Nonce func() string
}

// AliyunEndpoint is the public endpoint of dysmsapi.
const AliyunEndpoint = "https://dysmsapi.aliyuncs.com/"

// SendSMS implements SMSProvider.
func (a *Aliyun) SendSMS(ctx context.Context, m SMS) error {
	code := m.TemplateCode
	if code == "" {
		code = a.DefaultTemplate
	}
	params, err := json.Marshal(m.Params)
	if err != nil {
		return Permanent(err)
	}
	q := url.Values{}
	q.Set("PhoneNumbers", m.Phone)
	q.Set("SignName", a.SignName)
	q.Set("TemplateCode", code)
	q.Set("TemplateParam", string(params))
	if m.OutID != "" {
		q.Set("OutId", m.OutID)
	}
	a.sign(q, "POST")
	endpoint := a.Endpoint
	if endpoint == "" {
		endpoint = AliyunEndpoint
	}
	req, err := http.NewRequestWithContext(ctx, "POST", endpoint, strings.NewReader(q.Encode()))
	if err != nil {
		return Permanent(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	client := a.Client
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("aliyun sms: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var res struct {
		Code, Message, BizId, RequestId string
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return fmt.Errorf("aliyun sms: status %d: %s", resp.StatusCode, truncate(string(body), 200))
	}
	if res.Code == "OK" {
		return nil
	}
	err = fmt.Errorf("aliyun sms: %s: %s", res.Code, res.Message)
	switch {
	case resp.StatusCode >= 500, strings.Contains(res.Code, "Throttling"), strings.Contains(res.Code, "LIMIT_CONTROL"):
		return err // worth another attempt
	case resp.StatusCode >= 400 || strings.HasPrefix(res.Code, "isv."):
		return Permanent(err)
	}
	return err
}

// sign adds the common parameters and the signature to q.
func (a *Aliyun) sign(q url.Values, method string) {
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	nonce := a.Nonce
	if nonce == nil {
		nonce = randomNonce
	}
	region := a.RegionID
	if region == "" {
		region = "cn-hangzhou"
	}
	q.Set("AccessKeyId", a.AccessKeyID)
	q.Set("Action", "SendSms")
	q.Set("Format", "JSON")
	q.Set("RegionId", region)
	q.Set("SignatureMethod", "HMAC-SHA1")
	q.Set("SignatureNonce", nonce())
	q.Set("SignatureVersion", "1.0")
	q.Set("Timestamp", now().UTC().Format("2006-01-02T15:04:05Z"))
	q.Set("Version", "2017-05-25")
	q.Del("Signature")
	q.Set("Signature", AliyunSignature(method, q, a.AccessKeySecret))
}

// AliyunSignature returns the RPC signature (version 1.0, HMAC-SHA1) of a
// request's parameters, the Signature parameter itself excluded.
func AliyunSignature(method string, q url.Values, secret string) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	pairs := make([]string, 0, len(keys))
	for _, k := range keys {
		pairs = append(pairs, aliyunEncode(k)+"="+aliyunEncode(q.Get(k)))
	}
	toSign := method + "&" + aliyunEncode("/") + "&" + aliyunEncode(strings.Join(pairs, "&"))
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte(toSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// aliyunEncode percent-encodes as Alibaba Cloud specifies: UTF-8, every
// byte but A–Z a–z 0–9 - _ . ~ as %XY (upper-case hex), so a space is %20,
// never +.
func aliyunEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func randomNonce() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
