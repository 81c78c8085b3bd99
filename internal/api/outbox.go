package api

import (
	"net/http"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// outboxRoutes are the inbox, the outbox, its delivery rules and
// residents' opt-outs.
func (h *Handler) outboxRoutes(r route) []server.Route {
	return []server.Route{
		r("GET", "/inbox", wubu.PermSelf, call(h, http.StatusOK, h.inboxList)),
		r("POST", "/inbox/{id}/read", wubu.PermSelf, call(h, http.StatusOK, h.inboxRead)),
		r("POST", "/inbox/read-all", wubu.PermSelf, call(h, http.StatusNoContent, h.inboxReadAll)),
		r("GET", "/projects/{id}/outbox", wubu.PermOutboxView, call(h, http.StatusOK, h.outboxList)),
		r("GET", "/projects/{id}/outbox/settings", wubu.PermOutboxView, call(h, http.StatusOK, h.outboxSettings)),
		r("PUT", "/projects/{id}/outbox/settings", wubu.PermSettingsEdit, call(h, http.StatusOK, h.outboxSettingsUpdate)),
		r("POST", "/outbox/{id}/resend", wubu.PermOutboxManage, call(h, http.StatusOK, h.outboxResend)),
		r("GET", "/residents/{id}/opt-outs", wubu.PermResidentView, call(h, http.StatusOK, h.optOutList)),
		r("PUT", "/residents/{id}/opt-outs", wubu.PermResidentEdit, call(h, http.StatusOK, h.optOutSet)),
	}
}

func (h *Handler) inboxList(r *http.Request, _ int64, _ none) (list[*wubu.Message], error) {
	offset, limit := paging(r)
	msgs, total, err := h.Outbox.Inbox(r.Context(), r.URL.Query().Get("unread") == "1", offset, limit)
	return newList(msgs, total, offset), err
}

func (h *Handler) inboxRead(r *http.Request, id int64, _ none) (*wubu.Message, error) {
	return h.Outbox.MarkRead(r.Context(), id)
}

func (h *Handler) inboxReadAll(r *http.Request, _ int64, _ none) (none, error) {
	_, err := h.Outbox.MarkRead(r.Context(), 0)
	return none{}, err
}

func (h *Handler) outboxList(r *http.Request, id int64, _ none) (list[*wubu.Message], error) {
	q := r.URL.Query()
	offset, limit := paging(r)
	f := wubu.MessageFilter{Status: wubu.MessageStatus(q.Get("status")), Channel: wubu.Channel(q.Get("channel")), Kind: q.Get("kind"),
		Recipient: q.Get("recipient"), Offset: offset, Limit: limit}
	for _, p := range []struct {
		name string
		dst  **time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if s := q.Get(p.name); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return list[*wubu.Message]{}, wubu.FieldErrorf(p.name, wubu.EINVALID, "%s must be a time in RFC 3339 form, such as 2026-11-27T09:00:00+08:00.", p.name)
			}
			*p.dst = &t
		}
	}
	msgs, total, err := h.Outbox.FindMessages(r.Context(), id, f)
	return newList(msgs, total, offset), err
}

func (h *Handler) outboxResend(r *http.Request, id int64, _ none) (*wubu.Message, error) {
	return h.Outbox.Resend(r.Context(), id)
}

func (h *Handler) outboxSettings(r *http.Request, id int64, _ none) (*wubu.OutboxSettings, error) {
	return h.Outbox.OutboxSettings(r.Context(), id)
}

func (h *Handler) outboxSettingsUpdate(r *http.Request, id int64, in wubu.OutboxSettings) (*wubu.OutboxSettings, error) {
	in.ProjectID = id
	return h.Outbox.UpdateOutboxSettings(r.Context(), in)
}

type optOuts struct {
	Kinds []string `json:"kinds"`
}

type optOutRequest struct {
	Kind     string `json:"kind"`
	OptedOut bool   `json:"opted_out"`
}

func (h *Handler) optOutList(r *http.Request, id int64, _ none) (optOuts, error) {
	kinds, err := h.Outbox.OptOuts(r.Context(), id)
	return optOuts{Kinds: kinds}, err
}

func (h *Handler) optOutSet(r *http.Request, id int64, req optOutRequest) (optOuts, error) {
	if err := h.Outbox.SetOptOut(r.Context(), id, req.Kind, req.OptedOut); err != nil {
		return optOuts{}, err
	}
	return h.optOutList(r, id, none{})
}
