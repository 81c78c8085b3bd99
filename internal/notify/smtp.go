package notify

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"time"
)

// SMTPConfig configures e-mail delivery.
type SMTPConfig struct {
	Host string
	Port int
	From string
	// User and Pass sign in with PLAIN auth (over TLS, or on loopback).
	User, Pass string
}

// SMTP sends e-mail through an SMTP server, one connection per message,
// STARTTLS when the server offers it.
type SMTP struct {
	Config SMTPConfig
	// Domain ends each Message-ID (default "wubu.local").
	Domain string
}

// Send implements Sender.
func (s *SMTP) Send(ctx context.Context, m *Outgoing) error {
	if s.Config.Host == "" {
		return Permanent(ErrNoChannel)
	}
	if m.Address == "" || strings.ContainsAny(m.Address, "\r\n<>") || !strings.Contains(m.Address, "@") {
		return Permanent(fmt.Errorf("invalid e-mail address %q", m.Address))
	}
	var auth smtp.Auth
	if s.Config.User != "" {
		auth = smtp.PlainAuth("", s.Config.User, s.Config.Pass, s.Config.Host)
	}
	addr := net.JoinHostPort(s.Config.Host, strconv.Itoa(s.Config.Port))
	done := make(chan error, 1)
	go func() { done <- smtp.SendMail(addr, auth, s.Config.From, []string{m.Address}, s.message(m)) }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("smtp: %w", err)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// MessageIDHeader returns the Message-ID header value of a message.
func (s *SMTP) MessageIDHeader(m *Outgoing) string {
	d := s.Domain
	if d == "" {
		d = "wubu.local"
	}
	return "<" + m.MessageID + "@" + d + ">"
}

// message builds the RFC 5322 message: UTF-8 text, base64.
func (s *SMTP) message(m *Outgoing) []byte {
	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("From", s.Config.From)
	h("To", m.Address)
	h("Subject", mime.BEncoding.Encode("UTF-8", m.Subject))
	h("Date", time.Now().Format(time.RFC1123Z))
	h("Message-ID", s.MessageIDHeader(m))
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=UTF-8")
	h("Content-Transfer-Encoding", "base64")
	b.WriteString("\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(m.Body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}
