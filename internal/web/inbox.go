package web

import (
	"net/http"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// outboxRoutes are the inbox of every staff member, a project's outbox and
// its delivery rules.
func (h *Handler) outboxRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/inbox", Perm: wubu.PermSelf, Handler: h.inboxList},
		{Method: "POST", Path: "/inbox/{id}/read", Perm: wubu.PermSelf, Handler: h.inboxRead},
		{Method: "POST", Path: "/inbox/read-all", Perm: wubu.PermSelf, Handler: h.inboxReadAll},
		{Method: "GET", Path: "/projects/{id}/outbox", Perm: wubu.PermOutboxView, Handler: h.outboxList},
		{Method: "POST", Path: "/outbox/{id}/resend", Perm: wubu.PermOutboxManage, Handler: h.outboxResend},
		{Method: "GET", Path: "/projects/{id}/outbox/settings", Perm: wubu.PermSettingsEdit, Handler: h.outboxSettingsShow},
		{Method: "POST", Path: "/projects/{id}/outbox/settings", Perm: wubu.PermSettingsEdit, Handler: h.outboxSettingsSave},
	}
}

// unreadCount is the header's count of unread inbox messages: one indexed
// count per page view.
func (h *Handler) unreadCount(r *http.Request) int {
	if h.Outbox == nil {
		return 0
	}
	n, err := h.Outbox.UnreadCount(r.Context())
	if err != nil {
		h.Logger.Warn("unread count", "err", err)
	}
	return n
}

type inboxView struct {
	Page
	UnreadOnly bool
	Messages   []*wubu.Message
	Pager      PagerView
}

// objectHref returns the page of what a message is about, if Wubu has one.
func objectHref(objectType, objectID string) string {
	switch objectType {
	case "person", "resident":
		return "/residents/" + objectID
	case "order":
		return "/orders/" + objectID
	case "pass":
		return "/passes/" + objectID
	case "move_in":
		return "/move-ins/" + objectID
	case "revisit":
		return "/revisits/" + objectID
	}
	return ""
}

// Href returns the link of a message's object, for templates.
func (p *Page) Href(objectType, objectID string) string { return objectHref(objectType, objectID) }

// inboxList shows the signed-in user's messages, newest first.
func (h *Handler) inboxList(w http.ResponseWriter, r *http.Request) {
	v := &inboxView{Page: h.newPage(r, "Inbox"), UnreadOnly: r.URL.Query().Get("unread") == "1"}
	page, offset := pageOffset(r)
	msgs, total, err := h.Outbox.Inbox(r.Context(), v.UnreadOnly, offset, pageSize)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Messages = msgs
	v.Pager = newPager(&v.Page, r, page, total)
	h.render(w, r, http.StatusOK, "inbox", v)
}

// inboxRead marks a message read and opens what it is about.
func (h *Handler) inboxRead(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m, err := h.Outbox.MarkRead(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	to := objectHref(m.ObjectType, m.ObjectID)
	if to == "" || r.FormValue("stay") == "1" {
		to = "/inbox"
	}
	h.redirect(w, r, to, "")
}

// inboxReadAll marks every message read.
func (h *Handler) inboxReadAll(w http.ResponseWriter, r *http.Request) {
	if _, err := h.Outbox.MarkRead(r.Context(), 0); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/inbox", h.T(r, "All messages marked read."))
}
