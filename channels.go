package wubu

import (
	"context"
	"strings"
	"time"
)

// The channels people in China read (issue 15 item 4). Residents who link
// their WeChat (by WeChat's web authorization in its in-app browser, which
// yields their openid of the centre's service account) can be reached by
// template messages; staff with a WeCom userid by WeCom application
// messages, and a project's WeCom group robot takes messages for the whole
// team. Each person may order the channels they prefer: a notification
// without a channel of its own goes on the first of them the person can be
// reached on. Dedup, quiet hours (for SMS, WeChat and WeCom alike) and
// retries are the outbox's, unchanged.

// PersonChannels are a resident's channels.
type PersonChannels struct {
	ProjectID int64 `json:"project_id"`
	PersonID  int64 `json:"person_id"`
	// WeChatLinked says whether the resident linked a WeChat; the openid
	// itself is never shown.
	WeChatLinked   bool       `json:"wechat_linked"`
	WeChatLinkedAt *time.Time `json:"wechat_linked_at,omitempty"`
	// Preference orders the resident's channels (wechat, sms); empty for
	// the default, SMS.
	Preference []Channel `json:"preference"`
}

// StaffChannels are a staff member's channels.
type StaffChannels struct {
	UserID int64 `json:"user_id"`
	// WeComUserID is the member's account in the company's WeCom.
	WeComUserID string `json:"wecom_userid"`
	// Preference orders the member's channels (wecom, sms, email, inbox);
	// empty for the default, the inbox only. A message sent elsewhere is
	// kept in the inbox too.
	Preference []Channel `json:"preference"`
}

// ProjectChannels are a project's shared channels.
type ProjectChannels struct {
	ProjectID int64 `json:"project_id"`
	// WeComRobotKey is the key of the project's WeCom group robot; it is
	// never read back: HasRobot says whether one is set.
	WeComRobotKey string `json:"wecom_robot_key,omitempty"`
	HasRobot      bool   `json:"has_robot"`
}

// ResidentChannelChoices are the channels a resident may prefer, in their
// usual order.
var ResidentChannelChoices = []Channel{ChannelWeChat, ChannelSMS}

// StaffChannelChoices are the channels a staff member may prefer.
var StaffChannelChoices = []Channel{ChannelWeCom, ChannelSMS, ChannelEmail, ChannelInbox}

// ParsePreference reads an ordered list of channels ("wechat,sms") and
// checks each against the choices; duplicates are dropped.
func ParsePreference(s string, choices []Channel) ([]Channel, error) {
	out := []Channel{}
	seen := map[Channel]bool{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '>' }) {
		c := Channel(strings.TrimSpace(f))
		ok := false
		for _, x := range choices {
			ok = ok || x == c
		}
		if !ok {
			return nil, FieldErrorf("preference", EINVALID, "Channel %q cannot be chosen here.", string(c))
		}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out, nil
}

// FormatPreference writes an ordered list of channels as ParsePreference
// reads it.
func FormatPreference(p []Channel) string {
	s := make([]string, len(p))
	for i, c := range p {
		s[i] = string(c)
	}
	return strings.Join(s, ",")
}

// ChannelService keeps who can be reached where.
type ChannelService interface {
	// PersonChannels returns a resident's channels. Requires
	// PermResidentView and a post that sees the card's notification part
	// (CardOptOuts; EFORBIDDEN otherwise); ENOTFOUND for a resident outside
	// the caller's projects.
	PersonChannels(ctx context.Context, personID int64) (*PersonChannels, error)
	// SetPersonPreference stores a resident's channel order, audited.
	// Requires PermResidentEdit and edit of CardOptOuts; EINVALID for a
	// channel residents cannot use.
	SetPersonPreference(ctx context.Context, personID int64, pref []Channel) error
	// UnlinkWeChat forgets a resident's WeChat, audited. Requires
	// PermResidentEdit and edit of CardOptOuts.
	UnlinkWeChat(ctx context.Context, personID int64) error

	// LinkWeChat records the openid of a resident who passed WeChat's web
	// authorization, and puts WeChat first in their preference, audited.
	// The caller is the residents' portal, for the resident signed in
	// there (personID comes from that session, never from a form).
	// EINVALID for an empty openid, ENOTFOUND for no such resident.
	LinkWeChat(ctx context.Context, projectID, personID int64, openid string) error
	// WeChatUnfollowed forgets the openid wherever it is linked, audited:
	// WeChat said (on the account's server URL, its signature checked by
	// the caller) that the user unfollowed the account, so template
	// messages can no longer reach them and go by SMS instead.
	WeChatUnfollowed(ctx context.Context, openid string) error
	// ResidentChannels, SetResidentPreference and UnlinkResidentWeChat are
	// PersonChannels, SetPersonPreference and UnlinkWeChat for the
	// portal's signed-in resident (the IDs come from the portal session).
	ResidentChannels(ctx context.Context, projectID, personID int64) (*PersonChannels, error)
	SetResidentPreference(ctx context.Context, projectID, personID int64, pref []Channel) error
	UnlinkResidentWeChat(ctx context.Context, projectID, personID int64) error

	// StaffChannels returns a staff member's channels: one's own (PermSelf)
	// or another's (PermStaffView). ENOTFOUND for no such member.
	StaffChannels(ctx context.Context, userID int64) (*StaffChannels, error)
	// SetStaffChannels stores a staff member's WeCom userid and channel
	// order, audited: one's own (PermSelf) or another's (PermStaffEdit).
	// EINVALID for a malformed userid or a channel staff cannot use.
	SetStaffChannels(ctx context.Context, c StaffChannels) error

	// ProjectChannels returns a project's group robot setting (never the
	// key). Requires PermSettingsEdit.
	ProjectChannels(ctx context.Context, projectID int64) (*ProjectChannels, error)
	// UpdateProjectChannels stores a project's group robot key, audited
	// without the key; an empty key keeps the stored one unless clear is
	// set. Requires PermSettingsEdit.
	UpdateProjectChannels(ctx context.Context, c ProjectChannels, clear bool) (*ProjectChannels, error)
}
