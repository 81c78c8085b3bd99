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
	ChannelWeChat  Channel = "wechat"  // a WeChat Official Account template message to a resident's openid
	ChannelWeCom   Channel = "wecom"   // a WeCom application message to a staff member, or a project's group robot
)

// Channels lists the channels.
var Channels = []Channel{ChannelInbox, ChannelEmail, ChannelSMS, ChannelWebhook, ChannelWeChat, ChannelWeCom}

// Recipient is whom a notification is for: exactly one field is set.
type Recipient struct {
	// UserID is a staff member.
	UserID int64 `json:"user_id,omitempty"`
	// Role is every active staff member of that role serving the project
	// (the duty manager on breach, the team leaders of a post…).
	Role Role `json:"role,omitempty"`
	// Post narrows Role to the staff of that post (the team leaders of the
	// maintenance team, not every team leader); empty for every post.
	Post Post `json:"post,omitempty"`
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

// MessageStatus is where a message stands in the outbox.
type MessageStatus string

// Message statuses.
const (
	MessageQueued  MessageStatus = "queued"  // waiting for its time (NotBefore) or a sender
	MessageHeld    MessageStatus = "held"    // a non-urgent SMS held through quiet hours
	MessageSending MessageStatus = "sending" // claimed by a sender, on its way
	MessageSent    MessageStatus = "sent"    // handed to the channel (an inbox message: delivered)
	MessageFailed  MessageStatus = "failed"  // every attempt failed; may be resent
	MessageSkipped MessageStatus = "skipped" // not sent: the resident opted out of its kind, or no address
)

// MessageStatuses lists the statuses, in their order of life.
var MessageStatuses = []MessageStatus{MessageQueued, MessageHeld, MessageSending, MessageSent, MessageFailed, MessageSkipped}

// Message is one notification in the outbox: one recipient, one channel.
type Message struct {
	ID        int64   `json:"id"`
	ProjectID int64   `json:"project_id"`
	Kind      string  `json:"kind"`
	Channel   Channel `json:"channel"`
	// UserID, PersonID or Address is the recipient (a role was expanded to
	// one message per staff member).
	UserID   *int64            `json:"user_id,omitempty"`
	PersonID *int64            `json:"person_id,omitempty"`
	Address  string            `json:"address,omitempty"`
	Vars     map[string]string `json:"vars,omitempty"`
	Urgent   bool              `json:"urgent"`
	DedupKey string            `json:"dedup_key"`

	ObjectType string `json:"object_type,omitempty"`
	ObjectID   string `json:"object_id,omitempty"`

	Status    MessageStatus `json:"status"`
	Attempts  int           `json:"attempts"`
	NotBefore time.Time     `json:"not_before"`
	LastError string        `json:"last_error,omitempty"`
	SentAt    *time.Time    `json:"sent_at,omitempty"`
	// ReadAt is when the recipient read an inbox message.
	ReadAt    *time.Time `json:"read_at,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`

	// Subject and Body are the message rendered in the reader's language.
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// MessageFilter selects messages of a project's outbox; zero fields do not
// filter.
type MessageFilter struct {
	Status  MessageStatus
	Channel Channel
	Kind    string
	// Recipient matches the address, a staff member's or resident's
	// name, or "user:17" / "person:9".
	Recipient string
	// From and To bound the time the message was queued (To excluded).
	From, To *time.Time
	Offset   int
	Limit    int
}

// OutboxSettings are a project's delivery rules.
type OutboxSettings struct {
	ProjectID int64 `json:"project_id"`
	// QuietStart and QuietEnd bound the quiet hours in China time, as
	// minutes after midnight (default 21:00–08:00): non-urgent SMS are held
	// until QuietEnd. Equal values mean no quiet hours.
	QuietStart int `json:"quiet_start"`
	QuietEnd   int `json:"quiet_end"`
	// WebhookURL receives the project's webhook messages, signed with
	// WebhookSecret (HMAC-SHA256 of the body). The secret is never read
	// back: HasSecret says whether one is set.
	WebhookURL    string `json:"webhook_url"`
	WebhookSecret string `json:"webhook_secret,omitempty"`
	HasSecret     bool   `json:"has_secret"`
}

// Default quiet hours: 21:00–08:00 China time.
const (
	DefaultQuietStart = 21 * 60
	DefaultQuietEnd   = 8 * 60
)

// OutboxService is the outbox as staff see it: their inbox, a project's
// messages, delivery rules and residents' opt-outs.
type OutboxService interface {
	Notifier

	// Inbox returns the signed-in user's inbox messages, newest first, and
	// the total matching. Returns EUNAUTHORIZED when nobody is signed in.
	Inbox(ctx context.Context, unreadOnly bool, offset, limit int) ([]*Message, int, error)
	// UnreadCount returns the number of the signed-in user's unread inbox
	// messages (0 when nobody is signed in).
	UnreadCount(ctx context.Context) (int, error)
	// MarkRead marks one of the signed-in user's inbox messages read (id)
	// or all of them (id 0). Returns ENOTFOUND for another's message.
	MarkRead(ctx context.Context, id int64) (*Message, error)

	// FindMessages returns a project's messages, newest first, and the
	// total matching. Requires PermOutboxView; ENOTFOUND outside the
	// caller's projects.
	FindMessages(ctx context.Context, projectID int64, f MessageFilter) ([]*Message, int, error)
	// Resend queues a failed or skipped message again for a new round of
	// attempts, audited. Requires PermOutboxManage. Returns ENOTFOUND if it
	// does not exist or lies in another project, ECONFLICT if it is not
	// failed or skipped.
	Resend(ctx context.Context, id int64) (*Message, error)

	// OutboxSettings returns a project's delivery rules (the defaults when
	// none are stored). Requires PermOutboxView.
	OutboxSettings(ctx context.Context, projectID int64) (*OutboxSettings, error)
	// UpdateOutboxSettings stores a project's delivery rules, audited; an
	// empty WebhookSecret keeps the stored one. Requires PermSettingsEdit;
	// EINVALID for bad values.
	UpdateOutboxSettings(ctx context.Context, s OutboxSettings) (*OutboxSettings, error)

	// OptOuts returns the kinds of message a resident opted out of.
	// Requires PermResidentView.
	OptOuts(ctx context.Context, personID int64) ([]string, error)
	// SetOptOut records (out true) or withdraws a resident's opt-out of a
	// kind of message, audited. Requires PermResidentEdit; EINVALID for an
	// unknown kind.
	SetOptOut(ctx context.Context, personID int64, kind string, out bool) error
}
