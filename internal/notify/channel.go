package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wubu-oss/wubu"
)

// Outgoing is a message claimed for sending, rendered in its recipient's
// language, with its address resolved.
type Outgoing struct {
	ID        int64
	ProjectID int64
	Kind      string
	Channel   wubu.Channel
	// Address is the e-mail address, mobile number or webhook URL.
	Address string
	Lang    string
	Subject string
	Body    string
	Vars    map[string]string
	// MessageID identifies the message at the receiver, the same on every
	// attempt: the e-mail's Message-ID, the SMS's OutId, the webhook's
	// X-Wubu-Message-Id header. Receivers that see it twice (a send whose
	// outcome was lost in a crash, then repeated) can drop the copy.
	MessageID string
	// Attempt counts the attempts, this one included.
	Attempt int
	// ObjectType and ObjectID are what the message is about.
	ObjectType, ObjectID string
	// WebhookSecret signs a webhook message.
	WebhookSecret string
	// RobotKey is the key of the project's WeCom group robot, for a
	// message to it.
	RobotKey string
}

// Sender sends messages on one channel.
type Sender interface {
	// Send sends one message. An error wrapped by Permanent is not retried.
	Send(ctx context.Context, m *Outgoing) error
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, m *Outgoing) error

// Send implements Sender.
func (f SenderFunc) Send(ctx context.Context, m *Outgoing) error { return f(ctx, m) }

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks an error that another attempt cannot mend (an address the
// provider refuses, a channel not configured): the message fails at once.
func Permanent(err error) error { return permanentError{err} }

// IsPermanent reports whether err was marked Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// ErrNoChannel is the error of a message whose channel is not configured.
var ErrNoChannel = errors.New("channel not configured")

// MaxAttempts is how often a message is tried before it fails.
const MaxAttempts = 5

// backoff is the wait after each failed attempt.
var backoff = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour}

// Backoff returns how long to wait after failed attempt n (1-based) before
// the next: 1 min, 5 min, 30 min, then 2 h.
func Backoff(n int) time.Duration {
	if n < 1 {
		n = 1
	}
	if n > len(backoff) {
		return backoff[len(backoff)-1]
	}
	return backoff[n-1]
}

// MessageIDFor returns the receiver-visible ID of an outbox message.
func MessageIDFor(projectID, id int64) string { return fmt.Sprintf("wubu-%d-%d", projectID, id) }

// inboxSender delivers in-app messages: the row itself is the delivery.
type inboxSender struct{}

// Send implements Sender.
func (inboxSender) Send(context.Context, *Outgoing) error { return nil }

// Inbox is the sender of the in-app inbox.
var Inbox Sender = inboxSender{}
