package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// Tencent's APIs (WeChat Official Account, WeCom) share one shape: an
// access token fetched with the account's secret and passed as a query
// parameter, and answers in JSON with errcode and errmsg, an error being a
// non-zero errcode with HTTP status 200.

// APIError is an error answer of a WeChat or WeCom API.
type APIError struct {
	API     string // "wechat" or "wecom"
	Code    int    // errcode
	Message string // errmsg
}

func (e *APIError) Error() string { return fmt.Sprintf("%s: errcode %d: %s", e.API, e.Code, e.Message) }

// apiReply is the common part of every answer.
type apiReply struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// tokenSource caches an access token and refreshes it before it expires.
// One caller refreshes at a time; the others wait for its token.
type tokenSource struct {
	// refreshEarly renews a token this long before it expires.
	refreshEarly time.Duration
	fetch        func(ctx context.Context) (token string, expiresIn int, err error)
	now          func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
}

// get returns a token valid for a while yet, fetching one if needed.
func (t *tokenSource) get(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token != "" && t.now().Add(t.refreshEarly).Before(t.expires) {
		return t.token, nil
	}
	tok, expiresIn, err := t.fetch(ctx)
	if err != nil {
		return "", err
	}
	if expiresIn <= 0 {
		expiresIn = 7200
	}
	t.token, t.expires = tok, t.now().Add(time.Duration(expiresIn)*time.Second)
	return tok, nil
}

// invalidate forgets the token if it is still the one cached, after the
// API refused it (expired early, or replaced by another fetch).
func (t *tokenSource) invalidate(tok string) {
	t.mu.Lock()
	if t.token == tok {
		t.token = ""
	}
	t.mu.Unlock()
}

// callJSON calls a Tencent API: GET when body is nil, else POST with body
// as JSON; it decodes the answer into out (which embeds apiReply) and
// returns the errcode and errmsg. A transport failure or an answer that is
// not JSON is an error worth another attempt.
func callJSON(ctx context.Context, client *http.Client, api, url string, body any, out any) (apiReply, error) {
	method, rd := "GET", io.Reader(nil)
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return apiReply{}, Permanent(err)
		}
		method, rd = "POST", bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return apiReply{}, Permanent(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return apiReply{}, fmt.Errorf("%s: %w", api, redactURLError(err))
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return apiReply{}, fmt.Errorf("%s: status %d", api, resp.StatusCode)
	}
	var rep apiReply
	if err := json.Unmarshal(raw, &rep); err != nil {
		return apiReply{}, fmt.Errorf("%s: answer is not JSON: %s", api, truncate(string(raw), 120))
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return rep, fmt.Errorf("%s: %w", api, err)
		}
	}
	return rep, nil
}

// redactURLError drops the URL from a transport error: it carries the
// access token or secret in its query.
func redactURLError(err error) error {
	type urlErr interface{ Unwrap() error }
	if ue, ok := err.(urlErr); ok && ue.Unwrap() != nil {
		return ue.Unwrap()
	}
	return err
}
