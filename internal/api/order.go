package api

import (
	"context"
	"net/http"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// orderRoutes are the work orders' routes: orders and their steps, the
// technician's list, price lists, settings, the night-duty roster and the
// report.
func (h *Handler) orderRoutes(r route) []server.Route {
	return []server.Route{
		r("GET", "/projects/{id}/orders", wubu.PermOrderView, call(h, http.StatusOK, h.orderList)),
		r("POST", "/projects/{id}/orders", wubu.PermOrderEdit, call(h, http.StatusCreated, h.orderCreate)),
		r("GET", "/me/orders", wubu.PermOrderView, call(h, http.StatusOK, h.ordersMine)),
		r("GET", "/orders/{id}", wubu.PermOrderView, call(h, http.StatusOK, h.orderGet)),
		r("GET", "/orders/{id}/events", wubu.PermOrderView, call(h, http.StatusOK, h.orderEvents)),
		r("POST", "/orders/{id}/dispatch", wubu.PermOrderDispatch, call(h, http.StatusOK, h.orderDispatch)),
		r("POST", "/orders/{id}/grab", wubu.PermOrderEdit, call(h, http.StatusOK, h.step(wubu.OrderService.Grab))),
		r("POST", "/orders/{id}/accept", wubu.PermOrderEdit, call(h, http.StatusOK, h.step(wubu.OrderService.Accept))),
		r("POST", "/orders/{id}/arrive", wubu.PermOrderEdit, call(h, http.StatusOK, h.step(wubu.OrderService.Arrive))),
		r("POST", "/orders/{id}/quote", wubu.PermOrderEdit, call(h, http.StatusOK, h.orderQuote)),
		r("POST", "/orders/{id}/confirm", wubu.PermOrderEdit, call(h, http.StatusOK, h.orderConfirm)),
		r("POST", "/orders/{id}/start", wubu.PermOrderEdit, call(h, http.StatusOK, h.step(wubu.OrderService.Start))),
		r("POST", "/orders/{id}/done", wubu.PermOrderEdit, call(h, http.StatusOK, h.orderDone)),
		r("POST", "/orders/{id}/follow-up", wubu.PermOrderEdit, call(h, http.StatusOK, h.orderFollowUp)),
		r("POST", "/orders/{id}/close", wubu.PermOrderEdit, call(h, http.StatusOK, h.step(wubu.OrderService.Close))),
		r("POST", "/orders/{id}/cancel", wubu.PermOrderEdit, call(h, http.StatusOK, h.orderCancel)),
		withBody(r("POST", "/orders/{id}/photos", wubu.PermOrderEdit, h.orderPhotoAdd), server.MaxPhotosBody),
		r("GET", "/orders/{id}/photos/{photo}", wubu.PermOrderView, h.orderPhoto),
		r("GET", "/projects/{id}/prices", wubu.PermOrderView, call(h, http.StatusOK, h.priceList)),
		r("POST", "/projects/{id}/prices", wubu.PermSettingsEdit, call(h, http.StatusOK, h.priceSave)),
		r("GET", "/projects/{id}/order-settings", wubu.PermOrderView, call(h, http.StatusOK, h.orderSettingsGet)),
		r("PUT", "/projects/{id}/order-settings", wubu.PermSettingsEdit, call(h, http.StatusOK, h.orderSettingsPut)),
		r("GET", "/projects/{id}/duty-roster", wubu.PermOrderView, call(h, http.StatusOK, h.rosterGet)),
		r("PUT", "/projects/{id}/duty-roster", wubu.PermSettingsEdit, call(h, http.StatusOK, h.rosterPut)),
		r("GET", "/projects/{id}/duty", wubu.PermOrderView, call(h, http.StatusOK, h.dutyGet)),
		r("GET", "/projects/{id}/orders/report", wubu.PermReportView, call(h, http.StatusOK, h.orderReport)),
	}
}

// step adapts an order step without a body, given as a method of the
// order service.
func (h *Handler) step(fn func(wubu.OrderService, context.Context, int64) (*wubu.Order, error)) func(r *http.Request, id int64, _ none) (*wubu.Order, error) {
	return func(r *http.Request, id int64, _ none) (*wubu.Order, error) { return fn(h.Orders, r.Context(), id) }
}

// orderList lists a project's orders: ?state=, ?open=1, ?q=, ?assignee_id=,
// ?person_id=, ?room_id=, ?appliance_id= (the repair history), ?offset=,
// ?limit=.
func (h *Handler) orderList(r *http.Request, id int64, _ none) (list[*wubu.Order], error) {
	q := r.URL.Query()
	offset, limit := paging(r)
	f := wubu.OrderFilter{ProjectID: id, Query: q.Get("q"), Open: q.Get("open") == "1", Offset: offset, Limit: limit}
	if s := q.Get("state"); s != "" {
		st := wubu.OrderState(s)
		if !st.Valid() {
			return list[*wubu.Order]{}, wubu.FieldErrorf("state", wubu.EINVALID, "Unknown order state %q.", s)
		}
		f.State = &st
	}
	if s := q.Get("category"); s != "" {
		c := wubu.OrderCategory(s)
		f.Category = &c
	}
	var err error
	for name, dst := range map[string]**int64{"assignee_id": &f.AssigneeID, "person_id": &f.PersonID, "room_id": &f.RoomID, "appliance_id": &f.ApplianceID} {
		if *dst, err = queryID(r, name); err != nil {
			return list[*wubu.Order]{}, err
		}
	}
	orders, total, err := h.Orders.FindOrders(r.Context(), f)
	return newList(orders, total, offset), err
}

func (h *Handler) orderCreate(r *http.Request, id int64, n wubu.NewOrder) (*wubu.Order, error) {
	n.ProjectID = id
	return h.Orders.CreateOrder(r.Context(), &n)
}

func (h *Handler) ordersMine(r *http.Request, _ int64, _ none) (list[*wubu.Order], error) {
	orders, err := h.Orders.MyOrders(r.Context())
	return newList(orders, len(orders), 0), err
}

func (h *Handler) orderGet(r *http.Request, id int64, _ none) (*wubu.Order, error) {
	return h.Orders.FindOrder(r.Context(), id)
}

func (h *Handler) orderEvents(r *http.Request, id int64, _ none) (list[*wubu.OrderEvent], error) {
	events, err := h.Orders.Events(r.Context(), id)
	return newList(events, len(events), 0), err
}

func (h *Handler) orderDispatch(r *http.Request, id int64, req wubu.DispatchRequest) (*wubu.Order, error) {
	return h.Orders.Dispatch(r.Context(), id, req)
}

func (h *Handler) orderQuote(r *http.Request, id int64, req wubu.QuoteRequest) (*wubu.Order, error) {
	return h.Orders.Quote(r.Context(), id, req)
}

func (h *Handler) orderConfirm(r *http.Request, id int64, req wubu.ConfirmRequest) (*wubu.Order, error) {
	return h.Orders.Confirm(r.Context(), id, req)
}

// doneResponse is a completed order with the orders "anything else?" opened.
type doneResponse struct {
	*wubu.Order
	Others []*wubu.Order `json:"others"`
}

func (h *Handler) orderDone(r *http.Request, id int64, req wubu.DoneRequest) (doneResponse, error) {
	o, others, err := h.Orders.Done(r.Context(), id, req)
	if others == nil {
		others = []*wubu.Order{}
	}
	return doneResponse{Order: o, Others: others}, err
}

func (h *Handler) orderFollowUp(r *http.Request, id int64, req wubu.FollowUpRequest) (*wubu.Order, error) {
	return h.Orders.FollowUp(r.Context(), id, req)
}

type orderCancelRequest struct {
	Reason string `json:"reason"`
}

func (h *Handler) orderCancel(r *http.Request, id int64, req orderCancelRequest) (*wubu.Order, error) {
	return h.Orders.Cancel(r.Context(), id, req.Reason)
}

// priceList is a project's price list; ?all=1 includes entries not in use.
func (h *Handler) priceList(r *http.Request, id int64, _ none) (list[*wubu.PriceItem], error) {
	items, err := h.Orders.PriceList(r.Context(), id, r.URL.Query().Get("all") == "1")
	return newList(items, len(items), 0), err
}

// priceSave creates an entry (no id) or changes one.
func (h *Handler) priceSave(r *http.Request, id int64, it wubu.PriceItem) (*wubu.PriceItem, error) {
	it.ProjectID = id
	if it.ID == 0 {
		it.Active = true
	}
	err := h.Orders.SavePriceItem(r.Context(), &it)
	return &it, err
}

func (h *Handler) orderSettingsGet(r *http.Request, id int64, _ none) (*wubu.OrderSettings, error) {
	return h.Orders.Settings(r.Context(), id)
}

func (h *Handler) orderSettingsPut(r *http.Request, id int64, s wubu.OrderSettings) (*wubu.OrderSettings, error) {
	s.ProjectID = id
	if err := h.Orders.SaveSettings(r.Context(), &s); err != nil {
		return nil, err
	}
	return h.Orders.Settings(r.Context(), id)
}

func (h *Handler) rosterGet(r *http.Request, id int64, _ none) (list[*wubu.RosterEntry], error) {
	entries, err := h.Orders.Roster(r.Context(), id)
	return newList(entries, len(entries), 0), err
}

func (h *Handler) rosterPut(r *http.Request, id int64, e wubu.RosterEntry) (list[*wubu.RosterEntry], error) {
	e.ProjectID = id
	if err := h.Orders.SaveRosterEntry(r.Context(), &e); err != nil {
		return list[*wubu.RosterEntry]{}, err
	}
	return h.rosterGet(r, id, none{})
}

// dutyGet is the duty situation now, or ?at= (RFC 3339).
func (h *Handler) dutyGet(r *http.Request, id int64, _ none) (*wubu.DutyStatus, error) {
	at := h.Clock.Now()
	if s := r.URL.Query().Get("at"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil, wubu.FieldErrorf("at", wubu.EINVALID, "%s must be a time in RFC 3339 form, such as 2026-11-27T09:00:00+08:00.", "at")
		}
		at = t
	}
	return h.Orders.Duty(r.Context(), id, at)
}

// orderReport is the figures for ?from= and ?to= (RFC 3339; by default the
// last 30 days).
func (h *Handler) orderReport(r *http.Request, id int64, _ none) (*wubu.OrderReport, error) {
	to := h.Clock.Now()
	from := to.AddDate(0, 0, -30)
	for name, dst := range map[string]*time.Time{"from": &from, "to": &to} {
		if s := r.URL.Query().Get(name); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return nil, wubu.FieldErrorf(name, wubu.EINVALID, "%s must be a time in RFC 3339 form, such as 2026-11-27T09:00:00+08:00.", name)
			}
			*dst = t
		}
	}
	return h.Orders.Report(r.Context(), id, from, to)
}
