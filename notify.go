package wubu

import (
	"context"
	"time"
)

// Notifications (SPEC F8): every message Wubu sends — a clock's warning to a
// technician, a card-expiry reminder to a resident, a festival greeting —
// goes through one outbox. A feature asks for a message with Notify; the
// outbox renders it from the template of its kind in the recipient's
// language, holds non-urgent SMS through quiet hours, sends it on its
// channel with retries, never twice for one dedup key, and records its
// delivery status.

// Channel is a way a message reaches its recipient.
type Channel string

// Channels.
const (
	ChannelInbox   Channel = "inbox"   // a staff member's in-app inbox
	ChannelEmail   Channel = "email"   // e-mail over SMTP
	ChannelSMS     Channel = "sms"     // SMS through the provider
	ChannelWebhook Channel = "webhook" // a signed HTTP POST to a project's endpoint
)

// Recipient is whom a notification is for: exactly one field is set.
type Recipient struct {
	// UserID is a staff member.
	UserID int64 `json:"user_id,omitempty"`
	// Role is every active staff member of that role serving the project
	// (the duty manager on breach, the team leaders of a post…).
	Role Role `json:"role,omitempty"`
	// PersonID is a resident.
	PersonID int64 `json:"person_id,omitempty"`
	// Address is an e-mail address, a mobile number or a URL, for the
	// channel of the notification.
	Address string `json:"address,omitempty"`
}

// Notification asks for one message to be sent.
type Notification struct {
	ProjectID int64 `json:"project_id"`
	// Kind names the message's template: "clock_warning", "card_expiry",
	// "festival_greeting"… Templates exist per kind in zh-CN and English.
	Kind string `json:"kind"`
	// Channel is how to send it; empty for the recipient's usual channel
	// (the inbox for staff, SMS for residents).
	Channel Channel   `json:"channel,omitempty"`
	To      Recipient `json:"to"`
	// Vars fill the template's variables.
	Vars map[string]string `json:"vars,omitempty"`
	// Urgent messages are sent during quiet hours too.
	Urgent bool `json:"urgent,omitempty"`
	// DedupKey identifies the message: a second notification with the same
	// key (in the same project) is ignored, whenever and however often it is
	// asked for, so a rule that runs again or a job that is retried after a
	// crash never sends a message twice. Required.
	DedupKey string `json:"dedup_key"`
	// NotBefore holds the message until then; zero to send now.
	NotBefore time.Time `json:"not_before,omitzero"`
	// ObjectType and ObjectID say what the message is about (an order, a
	// pass…), for links from the inbox.
	ObjectType string `json:"object_type,omitempty"`
	ObjectID   string `json:"object_id,omitempty"`
}

// Notifier queues notifications. It is what features use to send messages.
type Notifier interface {
	// Notify queues the notifications for delivery and returns once they
	// are stored; delivery happens in the background. A notification whose
	// DedupKey was queued before is skipped silently. Returns EINVALID for
	// a notification that cannot be sent (unknown kind, no recipient…).
	// The caller must be signed in and serve each notification's project.
	Notify(ctx context.Context, ns ...Notification) error
}
