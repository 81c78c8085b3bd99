package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

type orderView struct {
	orderPage
	Order   *wubu.Order
	Events  []*wubu.OrderEvent
	Project *wubu.Project
	// Can lists the steps the signed-in user may take now.
	Can         map[string]bool
	Team        []*wubu.User
	Labour      []*wubu.PriceItem
	Materials   []*wubu.PriceItem
	Checklist   []string
	Methods     []string
	QuoteRows   []int
	ExtraRows   []int
	Assignee    bool
	Leader      bool
	CanPhoto    bool
	DutyPerson  bool
	Satisfation []int
	// Settings are the project's order settings (the photo of the
	// finished work).
	Settings *wubu.OrderSettings
}

// Checked reports whether a checklist item was ticked on the order.
func (v *orderView) Checked(item string) bool {
	if v.Order.Checklist == nil {
		return false
	}
	c := *v.Order.Checklist
	return *c.Ticked(item)
}

// orderView loads an order's page: the order, its transitions, and what the
// user may do next.
func (h *Handler) orderView(r *http.Request) (*orderView, error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	o, err := h.Orders.FindOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	events, err := h.Orders.Events(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := h.Projects.FindProjectByID(ctx, o.ProjectID)
	if err != nil {
		return nil, err
	}
	settings, err := h.Orders.Settings(ctx, o.ProjectID)
	if err != nil {
		return nil, err
	}
	u := wubu.UserFromContext(ctx)
	v := &orderView{orderPage: h.withClock(h.newPage(r, "Work order")), Order: o, Events: events, Project: p, Can: map[string]bool{},
		Checklist: wubu.ChecklistItems, Methods: wubu.ConfirmMethods, QuoteRows: []int{1, 2, 3, 4}, ExtraRows: []int{1, 2}, Satisfation: []int{5, 4, 3, 2, 1}, Settings: settings}
	v.Title = v.T("Order #%d", o.ID)
	v.Assignee = o.AssigneeID != nil && *o.AssigneeID == u.ID
	v.Leader = u.Role != wubu.RoleStaff && u.Can(wubu.PermOrderDispatch) && (u.Role != wubu.RoleTeamLeader || u.Post == o.Team)
	v.DutyPerson = o.DutyUserID != nil && *o.DutyUserID == u.ID
	worker := v.Assignee || v.Leader
	v.CanPhoto = u.Can(wubu.PermOrderEdit) && !o.State.Final()
	for _, a := range o.State.Actions() {
		switch a {
		case wubu.ActDispatch:
			v.Can[string(a)] = u.Can(wubu.PermOrderDispatch)
		case wubu.ActGrab:
			v.Can[string(a)] = o.AssigneeID == nil && u.Post == o.Team
		case wubu.ActAccept, wubu.ActArrive, wubu.ActQuote, wubu.ActConfirm, wubu.ActDone:
			v.Can[string(a)] = worker && u.Can(wubu.PermOrderEdit)
		case wubu.ActStart:
			v.Can[string(a)] = worker && u.Can(wubu.PermOrderEdit) && (o.ConfirmedAt != nil || o.QuotedAt != nil && o.QuoteTotal() == 0 || o.QuotedAt == nil && o.Reopens > 0)
		case wubu.ActFollowUp, wubu.ActReopen:
			v.Can[string(wubu.ActFollowUp)] = u.Can(wubu.PermOrderEdit)
		default:
			v.Can[string(a)] = u.Can(wubu.PermOrderEdit)
		}
	}
	if v.Can[string(wubu.ActDispatch)] {
		if v.Team, err = h.Orders.Technicians(ctx, o.ProjectID, o.Team); err != nil {
			return nil, err
		}
		// At night, the on-call technician of the roster comes first.
		if o.Night && o.CalledAt == nil {
			if st, err := h.Orders.Duty(ctx, o.ProjectID, o.ReportedAt); err == nil && st.Roster != nil && st.Roster.OnCallUserID != nil {
				v.Form.Set("assignee_id", strconv.FormatInt(*st.Roster.OnCallUserID, 10))
			}
		}
	}
	if v.Can[string(wubu.ActQuote)] || v.Can[string(wubu.ActDone)] {
		items, err := h.Orders.PriceList(ctx, o.ProjectID, false)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if it.Category != o.Category {
				continue
			}
			if it.Kind == wubu.PriceLabour {
				v.Labour = append(v.Labour, it)
			} else {
				v.Materials = append(v.Materials, it)
			}
		}
		if o.ItemID != nil && v.Form.Get("item_1") == "" {
			v.Form.Set("item_1", strconv.FormatInt(*o.ItemID, 10))
		}
	}
	return v, nil
}

func (h *Handler) orderShow(w http.ResponseWriter, r *http.Request) {
	v, err := h.orderView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "order", v)
}

// orderSteps are the order's pages for its steps: from the technician's
// list with htmx a step answers the order's card; a refused step shows the
// order again with the message beside the field and the input kept.
func (h *Handler) orderSteps() stepPage {
	return stepPage{path: "/orders/%d", card: h.orderCard, reshow: func(w http.ResponseWriter, r *http.Request, id int64, err error, prefix string) {
		v, verr := h.orderView(r)
		if verr != nil {
			h.fail(w, r, verr)
			return
		}
		v.Form = r.PostForm
		h.render(w, r, formError(r, &v.Page, err, prefix), "order", v)
	}}
}

func (h *Handler) orderDispatch(r *http.Request, id int64) (string, error) {
	req := wubu.DispatchRequest{AssigneeID: optionalID(r.PostFormValue("assignee_id")), Call: r.PostFormValue("call") == "1", Note: r.PostFormValue("note")}
	o, err := h.Orders.Dispatch(r.Context(), id, req)
	if err != nil {
		return "", err
	}
	if o.AssigneeID == nil {
		return h.T(r, "Order #%d is up for grabs in the team.", id), nil
	}
	return h.T(r, "Order #%d dispatched to %s.", id, o.AssigneeName), nil
}

func (h *Handler) orderGrab(r *http.Request, id int64) (string, error) {
	_, err := h.Orders.Grab(r.Context(), id)
	return h.T(r, "Order #%d is yours.", id), err
}

func (h *Handler) orderAccept(r *http.Request, id int64) (string, error) {
	_, err := h.Orders.Accept(r.Context(), id)
	return h.T(r, "Order #%d accepted.", id), err
}

func (h *Handler) orderArrive(r *http.Request, id int64) (string, error) {
	o, err := h.Orders.Arrive(r.Context(), id)
	if err != nil {
		return "", err
	}
	if o.PromiseKept != nil && !*o.PromiseKept {
		return h.T(r, "Arrival recorded: later than promised."), nil
	}
	return h.T(r, "Arrival recorded: on time."), nil
}

// quoteLines reads the quote form's lines: up to four price list entries
// with quantities and two materials named on the spot, fields with prefix.
func quoteLines(r *http.Request, prefix string) ([]wubu.QuoteLineRequest, error) {
	var lines []wubu.QuoteLineRequest
	for i := 1; i <= 4; i++ {
		n := strconv.Itoa(i)
		item := optionalID(r.PostFormValue(prefix + "item_" + n))
		if item == nil {
			continue
		}
		q, err := parseQuantity(prefix+"qty_"+n, r.PostFormValue(prefix+"qty_"+n))
		if err != nil {
			return nil, err
		}
		lines = append(lines, wubu.QuoteLineRequest{PriceItemID: item, Quantity: q})
	}
	for i := 1; i <= 2; i++ {
		n := strconv.Itoa(i)
		name := strings.TrimSpace(r.PostFormValue(prefix + "mname_" + n))
		if name == "" {
			continue
		}
		price, err := parseYuan(prefix+"mprice_"+n, r.PostFormValue(prefix+"mprice_"+n))
		if err != nil {
			return nil, err
		}
		q, err := parseQuantity(prefix+"mqty_"+n, r.PostFormValue(prefix+"mqty_"+n))
		if err != nil {
			return nil, err
		}
		lines = append(lines, wubu.QuoteLineRequest{Kind: wubu.PriceMaterial, Name: name, UnitPrice: price, Quantity: q})
	}
	return lines, nil
}

func (h *Handler) orderQuote(r *http.Request, id int64) (string, error) {
	lines, err := quoteLines(r, "")
	if err != nil {
		return "", err
	}
	o, err := h.Orders.Quote(r.Context(), id, wubu.QuoteRequest{Lines: lines})
	if err != nil {
		return "", err
	}
	return h.T(r, "Quote %s recorded: show it to the resident.", (&orderPage{}).Yuan(o.QuoteTotal())), nil
}

func (h *Handler) orderConfirm(r *http.Request, id int64) (string, error) {
	_, err := h.Orders.Confirm(r.Context(), id, wubu.ConfirmRequest{By: r.PostFormValue("by"), Method: r.PostFormValue("method")})
	return h.T(r, "The resident's confirmation is recorded."), err
}

func (h *Handler) orderStart(r *http.Request, id int64) (string, error) {
	_, err := h.Orders.Start(r.Context(), id)
	return h.T(r, "Work started."), err
}

// orderDone completes an order from the checklist form; extra materials
// make the bill differ from the quote, and each line of "anything else?"
// opens a linked order.
func (h *Handler) orderDone(r *http.Request, id int64) (string, error) {
	req := wubu.DoneRequest{Reason: r.PostFormValue("reason")}
	photo, err := server.ReadPhoto(r, "done_photo")
	if err != nil {
		return "", err
	}
	req.Photo = photo
	for _, item := range wubu.ChecklistItems {
		*req.Checklist.Ticked(item) = r.PostFormValue(item) == "1"
	}
	extra, err := quoteLines(r, "final_")
	if err != nil {
		return "", err
	}
	if len(extra) > 0 {
		o, err := h.Orders.FindOrder(r.Context(), id)
		if err != nil {
			return "", err
		}
		base := o.QuoteLines
		if o.Reopens > 0 {
			base = o.FinalLines
		}
		final := &wubu.QuoteRequest{}
		for _, l := range base {
			final.Lines = append(final.Lines, wubu.QuoteLineRequest{PriceItemID: l.PriceItemID, Kind: l.Kind, Name: l.Name, Quantity: l.Quantity, UnitPrice: l.UnitPrice})
		}
		final.Lines = append(final.Lines, extra...)
		req.Final = final
	}
	for _, line := range strings.Split(r.PostFormValue("others"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			req.Others = append(req.Others, wubu.NewOrder{Description: line})
		}
	}
	o, others, err := h.Orders.Done(r.Context(), id, req)
	if err != nil {
		return "", err
	}
	msg := h.T(r, "Order #%d done.", id)
	if o.LabourWaived {
		msg += " " + h.T(r, "Done within the free minutes: no labour charged.")
	}
	if len(others) > 0 {
		msg += " " + h.T(r, "%d further orders opened.", len(others))
	}
	return msg, nil
}

func (h *Handler) orderFollowUp(r *http.Request, id int64) (string, error) {
	sat, _ := strconv.Atoi(r.PostFormValue("satisfaction"))
	o, err := h.Orders.FollowUp(r.Context(), id, wubu.FollowUpRequest{Works: r.PostFormValue("works") == "1", Satisfaction: sat, Comment: r.PostFormValue("comment")})
	if err != nil {
		return "", err
	}
	if o.State == wubu.OrderReopened {
		return h.T(r, "Order #%d reopened; the team leader is alerted.", id), nil
	}
	return h.T(r, "Follow-up recorded."), nil
}

func (h *Handler) orderClose(r *http.Request, id int64) (string, error) {
	_, err := h.Orders.Close(r.Context(), id)
	return h.T(r, "Order #%d closed.", id), err
}

func (h *Handler) orderCancel(r *http.Request, id int64) (string, error) {
	_, err := h.Orders.Cancel(r.Context(), id, r.PostFormValue("reason"))
	return h.T(r, "Order #%d cancelled.", id), err
}

// ordersMineView is the technician's phone page.
type ordersMineView struct {
	orderPage
	Orders []*wubu.Order
	// Msg and MsgErr are the answer of a step taken from a card.
	Msg    string
	MsgErr bool
	me     *wubu.User
}

// orderCardView is one order's card on the technician's page.
type orderCardView struct {
	*ordersMineView
	O *wubu.Order
}

// Card returns the view of an order's card.
func (v *ordersMineView) Card(o *wubu.Order) *orderCardView {
	return &orderCardView{ordersMineView: v, O: o}
}

// Mine reports whether the order is the signed-in user's.
func (v *ordersMineView) Mine(o *wubu.Order) bool {
	return o.AssigneeID != nil && *o.AssigneeID == v.me.ID
}

// Has reports whether the state allows the action.
func (v *ordersMineView) Has(o *wubu.Order, a string) bool {
	return slices.Contains(o.State.Actions(), wubu.OrderAction(a))
}

// ordersMine lists the technician's orders by their clock, with one tap for
// each next step.
func (h *Handler) ordersMine(w http.ResponseWriter, r *http.Request) {
	orders, err := h.Orders.MyOrders(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &ordersMineView{orderPage: h.withClock(h.newPage(r, "My orders")), Orders: orders, me: wubu.UserFromContext(r.Context())}
	h.render(w, r, http.StatusOK, "orders_mine", v)
}

// orderCard answers a step taken with htmx on the technician's page: the
// order's card, with the step's result.
func (h *Handler) orderCard(w http.ResponseWriter, r *http.Request, id int64, stepErr error) {
	o, err := h.Orders.FindOrder(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &ordersMineView{orderPage: h.withClock(h.newPage(r, "My orders")), Orders: []*wubu.Order{o}, me: wubu.UserFromContext(r.Context())}
	if stepErr != nil {
		v.Msg, v.MsgErr = server.ErrMessage(r, stepErr), true
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := h.pages["orders_mine"].ExecuteTemplate(w, "card", v.Card(o)); err != nil {
		h.Logger.Error("render", "name", "orders_mine card", "err", err)
	}
}
