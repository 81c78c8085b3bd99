package web

import (
	"net/http"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/notify"
	"github.com/wubu-oss/wubu/internal/server"
)

// demoSinkRoutes are the routes of the demo's SMS and e-mail sink.
func (h *Handler) demoSinkRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/projects/{id}/outbox/demo", Perm: wubu.PermOutboxView, Handler: h.demoSinkList},
	}
}

type demoSinkView struct {
	Page
	Project *wubu.Project
	// Enabled is false on a real server: SMS and e-mail really go out.
	Enabled  bool
	Channel  wubu.Channel
	Messages []notify.SunkMessage
}

// KindLabel names a kind of message in the page's language.
func (v *demoSinkView) KindLabel(kind string) string { return messageKindLabel(&v.Page, kind) }

// demoSinkList shows the SMS and e-mail the demo would have sent for a
// project, newest first.
func (h *Handler) demoSinkList(w http.ResponseWriter, r *http.Request) {
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
	v := &demoSinkView{Page: h.newPage(r, "Demo SMS and e-mail"), Project: p, Enabled: h.DemoSink != nil}
	switch c := wubu.Channel(r.URL.Query().Get("channel")); c {
	case wubu.ChannelSMS, wubu.ChannelEmail:
		v.Channel = c
	}
	if h.DemoSink != nil {
		v.Messages = h.DemoSink.Messages(p.ID, v.Channel)
	}
	h.render(w, r, http.StatusOK, "demo_sink", v)
}
