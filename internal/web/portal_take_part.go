package web

import (
	"net/http"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// Taking part on the residents' portal (issue 15): events and lectures
// to sign up for (the waiting list applies), round-table talks to book.

// portalTakePartRoutes are the resident's events and round tables.
func (h *Handler) portalTakePartRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/my/events", Perm: wubu.PermPortal, Handler: h.portalEvents},
		{Method: "POST", Path: "/my/events/{id}/signup", Perm: wubu.PermPortal, Handler: h.portalEventStep(true)},
		{Method: "POST", Path: "/my/events/{id}/cancel", Perm: wubu.PermPortal, Handler: h.portalEventStep(false)},
		{Method: "GET", Path: "/my/round-tables", Perm: wubu.PermPortal, Handler: h.portalRoundTables},
		{Method: "POST", Path: "/my/round-tables/{id}/book", Perm: wubu.PermPortal, Handler: h.portalRoundTableBook},
		{Method: "POST", Path: "/my/round-tables/{id}/cancel", Perm: wubu.PermPortal, Handler: h.portalRoundTableCancel},
	}
}

type portalEventsView struct {
	Page
	Events []*wubu.MyEvent
}

func (h *Handler) portalEventsView(r *http.Request) (*portalEventsView, error) {
	v := &portalEventsView{Page: h.newPage(r, "Events and lectures")}
	var err error
	v.Events, err = h.Events.MyEvents(r.Context())
	return v, err
}

// portalEvents lists the open events with the resident's sign-ups.
func (h *Handler) portalEvents(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.portalEventsView, "portal_events")
}

// portalEventStep signs the resident up for an event, or cancels.
func (h *Handler) portalEventStep(signUp bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			h.fail(w, r, err)
			return
		}
		var g *wubu.Signup
		if signUp {
			g, err = h.Events.SignMeUp(r.Context(), id)
		} else {
			g, err = h.Events.CancelMySignup(r.Context(), id)
		}
		if err != nil {
			if !refusedStep(err) {
				h.fail(w, r, err)
				return
			}
			reshowForm(h, w, r, err, h.portalEventsView, r.PostForm, "portal_events", "")
			return
		}
		msg := h.T(r, "Your sign-up is cancelled.")
		switch g.State {
		case wubu.SignupConfirmed:
			msg = h.T(r, "You have a place.")
		case wubu.SignupWaiting:
			msg = h.T(r, "The event is full: you are on the waiting list and get the first place that comes free.")
		}
		h.redirect(w, r, "/my/events", msg)
	}
}

type portalRoundTablesView struct {
	Page
	Slots    []*wubu.RoundTableSlot
	PersonID int64
}

func (h *Handler) portalRoundTablesView(r *http.Request) (*portalRoundTablesView, error) {
	v := &portalRoundTablesView{Page: h.newPage(r, "Round tables")}
	if id, ok := h.portalResident(r); ok {
		v.PersonID = id.PersonID
	}
	var err error
	v.Slots, err = h.RoundTables.MyRoundTables(r.Context())
	return v, err
}

// portalRoundTables lists the free slots and the resident's bookings.
func (h *Handler) portalRoundTables(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.portalRoundTablesView, "portal_round_tables")
}

// portalRoundTableBook books the resident into a free slot.
func (h *Handler) portalRoundTableBook(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.RoundTables.BookMyRoundTable(r.Context(), id); err != nil {
		if !refusedStep(err) {
			h.fail(w, r, err)
			return
		}
		reshowForm(h, w, r, err, h.portalRoundTablesView, r.PostForm, "portal_round_tables", "")
		return
	}
	h.redirect(w, r, "/my/round-tables", h.T(r, "Booked: the service centre expects you."))
}

// portalRoundTableCancel cancels the resident's own booking of a slot.
func (h *Handler) portalRoundTableCancel(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.RoundTables.CancelMyRoundTable(r.Context(), id); err != nil {
		if !refusedStep(err) {
			h.fail(w, r, err)
			return
		}
		reshowForm(h, w, r, err, h.portalRoundTablesView, r.PostForm, "portal_round_tables", "")
		return
	}
	h.redirect(w, r, "/my/round-tables", h.T(r, "Your talk is cancelled: the slot is free again."))
}
