package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/i18n"
	"github.com/wubu-oss/wubu/internal/notify"
)

type outboxView struct {
	Page
	Project   *wubu.Project
	Query     url.Values
	Statuses  []wubu.MessageStatus
	Channels  []wubu.Channel
	Kinds     []string
	Messages  []*wubu.Message
	Pager     PagerView
	CanResend bool
	// DemoSink is true in the demo, whose SMS and e-mail are kept on the
	// demo sink page.
	DemoSink bool
	names    *names
}

// Recipient names a message's recipient: the staff member's or resident's
// name, or the address.
func (v *outboxView) Recipient(m *wubu.Message) string {
	switch {
	case m.UserID != nil:
		return v.names.User(*m.UserID)
	case m.PersonID != nil:
		return v.names.Person(*m.PersonID)
	}
	return m.Address
}

// The delivery loop's reasons as the pages say them.
const (
	msgNoChannel      = "This channel is not set up on this server (see the --sms-… and --smtp-… settings)."
	msgBadMobile      = "The mobile number is not valid."
	msgBadEmail       = "The e-mail address is not valid."
	msgBadWebhook     = "The webhook address is not valid."
	msgNoAddress      = "The recipient has no phone number or e-mail address for this channel."
	msgAccountGone    = "The recipient's account is disabled or deleted."
	msgOptedOut       = "The resident opted out of this kind of message."
	msgProviderRefuse = "The provider refused the message: %s"
	msgUnfollowed     = "The resident no longer follows the service centre's WeChat account."
)

// failureReasons are the delivery loop's reasons (English, stored with the
// message), by their beginning.
var failureReasons = []struct{ prefix, msg string }{
	{notify.ErrNoChannel.Error(), msgNoChannel},
	{"invalid mobile number", msgBadMobile},
	{"invalid e-mail address", msgBadEmail},
	{"invalid webhook URL", msgBadWebhook},
	{"Recipient has no address for this channel.", msgNoAddress},
	{"Recipient account is disabled or gone.", msgAccountGone},
	{"Resident opted out of this kind of message.", msgOptedOut},
	{"wechat template message: errcode 43004", msgUnfollowed},
}

// FailureReason says why a message failed or was skipped, in the page's
// language; a provider's own answer is quoted after a sentence saying so.
func (v *outboxView) FailureReason(reason string) string {
	for _, r := range failureReasons {
		if strings.HasPrefix(reason, r.prefix) {
			return v.T(r.msg)
		}
	}
	return v.T(msgProviderRefuse, reason)
}

// KindLabel names a kind of message in the page's language (the
// "message_kind:" catalogue keys); a kind without a name shows as it is.
func (v *outboxView) KindLabel(kind string) string { return messageKindLabel(&v.Page, kind) }

func messageKindLabel(p *Page, kind string) string {
	if key := "message_kind:" + kind; i18n.Has(key) {
		return p.T(key)
	}
	return kind
}

// outboxList shows a project's messages with filters.
func (h *Handler) outboxList(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.Projects.FindProjectByID(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	v := &outboxView{Page: h.newPage(r, "Outbox"), Project: p, Query: q, Statuses: wubu.MessageStatuses,
		Channels: wubu.Channels, Kinds: notify.Kinds()}
	v.CanResend = v.User.Can(wubu.PermOutboxManage)
	v.DemoSink = h.DemoSink != nil
	v.names = h.newNames(r.Context(), v.Lang)
	page, offset := pageOffset(r)
	f := wubu.MessageFilter{Status: wubu.MessageStatus(q.Get("status")), Channel: wubu.Channel(q.Get("channel")), Kind: q.Get("kind"),
		Recipient: q.Get("recipient"), Offset: offset, Limit: pageSize}
	for _, d := range []struct {
		field string
		dst   **time.Time
		add   int
	}{{"from", &f.From, 0}, {"to", &f.To, 1}} {
		s := q.Get(d.field)
		if s == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", s, cst)
		if err != nil {
			v.Errors[d.field] = v.T("Enter a date as 2026-11-27.")
			h.render(w, r, http.StatusUnprocessableEntity, "outbox", v)
			return
		}
		t = t.AddDate(0, 0, d.add)
		*d.dst = &t
	}
	msgs, total, err := h.Outbox.FindMessages(r.Context(), id, f)
	if err != nil {
		status := formError(r, &v.Page, err, "")
		if status == http.StatusUnprocessableEntity || status == http.StatusBadRequest {
			h.render(w, r, status, "outbox", v)
			return
		}
		h.fail(w, r, err)
		return
	}
	v.Messages = msgs
	v.Pager = newPager(&v.Page, r, page, total)
	h.render(w, r, http.StatusOK, "outbox", v)
}

// outboxResend queues a failed message again.
func (h *Handler) outboxResend(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m, err := h.Outbox.Resend(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, fmt.Sprintf("/projects/%d/outbox", m.ProjectID), h.T(r, "Message %d queued again.", m.ID))
}

type outboxSettingsView struct {
	Page
	Project  *wubu.Project
	Settings *wubu.OutboxSettings
}

func hhmm(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// parseHHMM reads a time of day as minutes after midnight.
func parseHHMM(s string) (int, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hi, err1 := strconv.Atoi(h)
	mi, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hi < 0 || hi > 23 || mi < 0 || mi > 59 {
		return 0, false
	}
	return hi*60 + mi, true
}

// outboxSettingsShow shows a project's quiet hours and webhook.
func (h *Handler) outboxSettingsShow(w http.ResponseWriter, r *http.Request) {
	v, ok := h.outboxSettingsView(w, r)
	if !ok {
		return
	}
	v.Form.Set("quiet_start", hhmm(v.Settings.QuietStart))
	v.Form.Set("quiet_end", hhmm(v.Settings.QuietEnd))
	v.Form.Set("webhook_url", v.Settings.WebhookURL)
	h.render(w, r, http.StatusOK, "outbox_settings", v)
}

func (h *Handler) outboxSettingsView(w http.ResponseWriter, r *http.Request) (*outboxSettingsView, bool) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	p, err := h.Projects.FindProjectByID(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	st, err := h.Outbox.OutboxSettings(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	return &outboxSettingsView{Page: h.newPage(r, "Notification settings"), Project: p, Settings: st}, true
}

// outboxSettingsSave stores a project's quiet hours and webhook; a refused
// form keeps what was typed.
func (h *Handler) outboxSettingsSave(w http.ResponseWriter, r *http.Request) {
	v, ok := h.outboxSettingsView(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	v.Form = r.PostForm
	in := wubu.OutboxSettings{ProjectID: v.Project.ID, WebhookURL: r.PostFormValue("webhook_url"), WebhookSecret: r.PostFormValue("webhook_secret")}
	var good bool
	if in.QuietStart, good = parseHHMM(r.PostFormValue("quiet_start")); !good {
		v.Errors["quiet_start"] = v.T("Enter a time of day as 21:00.")
	}
	if in.QuietEnd, good = parseHHMM(r.PostFormValue("quiet_end")); !good {
		v.Errors["quiet_end"] = v.T("Enter a time of day as 21:00.")
	}
	if len(v.Errors) > 0 {
		h.render(w, r, http.StatusUnprocessableEntity, "outbox_settings", v)
		return
	}
	if _, err := h.Outbox.UpdateOutboxSettings(r.Context(), in); err != nil {
		h.render(w, r, formError(r, &v.Page, err, ""), "outbox_settings", v)
		return
	}
	h.redirect(w, r, fmt.Sprintf("/projects/%d/outbox/settings", v.Project.ID), h.T(r, "Notification settings saved."))
}
