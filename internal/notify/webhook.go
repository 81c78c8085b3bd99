package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Webhook headers.
const (
	// WebhookSignatureHeader carries "sha256=" and the hex HMAC-SHA256 of
	// the body, keyed with the project's webhook secret.
	WebhookSignatureHeader = "X-Wubu-Signature"
	// WebhookMessageIDHeader carries the message's ID, the same on every
	// attempt.
	WebhookMessageIDHeader = "X-Wubu-Message-Id"
)

// WebhookPayload is the JSON body of a webhook message.
type WebhookPayload struct {
	MessageID  string            `json:"message_id"`
	ProjectID  int64             `json:"project_id"`
	Kind       string            `json:"kind"`
	Subject    string            `json:"subject"`
	Body       string            `json:"body"`
	Vars       map[string]string `json:"vars,omitempty"`
	ObjectType string            `json:"object_type,omitempty"`
	ObjectID   string            `json:"object_id,omitempty"`
}

// Webhook posts messages as signed JSON to the project's URL.
type Webhook struct {
	Client *http.Client
}

// Send implements Sender.
func (w *Webhook) Send(ctx context.Context, m *Outgoing) error {
	u, err := url.Parse(m.Address)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Permanent(fmt.Errorf("invalid webhook URL %q", m.Address))
	}
	body, err := json.Marshal(WebhookPayload{MessageID: m.MessageID, ProjectID: m.ProjectID, Kind: m.Kind, Subject: m.Subject, Body: m.Body,
		Vars: m.Vars, ObjectType: m.ObjectType, ObjectID: m.ObjectID})
	if err != nil {
		return Permanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, "POST", m.Address, bytes.NewReader(body))
	if err != nil {
		return Permanent(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(WebhookMessageIDHeader, m.MessageID)
	req.Header.Set(WebhookSignatureHeader, WebhookSignature(m.WebhookSecret, body))
	client := w.Client
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		err := fmt.Errorf("webhook: status %d", resp.StatusCode)
		if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusRequestTimeout {
			return Permanent(err)
		}
		return err
	}
	return nil
}

// WebhookSignature returns the signature header value of a body.
func WebhookSignature(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifyWebhook reports whether a webhook's signature header matches its
// body, for receivers.
func VerifyWebhook(secret string, body []byte, header string) bool {
	return hmac.Equal([]byte(header), []byte(WebhookSignature(secret, body)))
}
