package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

type orderListView struct {
	orderPage
	Project          *wubu.Project
	Orders           []*wubu.Order
	Pager            PagerView
	States           []wubu.OrderState
	State, Query     string
	Open             bool
	CanOpen, CanEdit bool
	CanReport        bool
	// Drill is the filters a dashboard figure links with (reported from
	// and to, assignee, building), kept in the search form.
	Drill orderDrill
}

// orderDrill is the filters of the list behind a dashboard figure.
type orderDrill struct {
	From, To, Assignee, Building string
}

// Any reports whether a filter is set.
func (d orderDrill) Any() bool {
	return d.From != "" || d.To != "" || d.Assignee != "" || d.Building != ""
}

// drill reads the dashboard's filters of the order list into f: ?from=
// and ?to= (dates, China time, to inclusive), ?assignee= and ?building=.
func (d orderDrill) apply(f *wubu.OrderFilter) error {
	for _, p := range []struct {
		name, s string
		dst     **time.Time
		days    int
	}{{"from", d.From, &f.ReportedFrom, 0}, {"to", d.To, &f.ReportedTo, 1}} {
		if p.s == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, p.s, cst)
		if err != nil {
			return wubu.FieldErrorf(p.name, wubu.EINVALID, "Write the date as 2026-11-27.")
		}
		t = t.AddDate(0, 0, p.days)
		*p.dst = &t
	}
	f.AssigneeID, f.BuildingID = optionalID(d.Assignee), optionalID(d.Building)
	return nil
}

// orderList is a project's orders, newest first, with filters in the URL.
func (h *Handler) orderList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.Projects.FindProjectByID(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	page, offset := pageOffset(r)
	f := wubu.OrderFilter{ProjectID: id, Query: q.Get("q"), Open: q.Get("open") == "1", Offset: offset, Limit: pageSize}
	if s := wubu.OrderState(q.Get("state")); s.Valid() {
		f.State = &s
	}
	drill := orderDrill{From: q.Get("from"), To: q.Get("to"), Assignee: q.Get("assignee"), Building: q.Get("building")}
	err = drill.apply(&f)
	var orders []*wubu.Order
	total := 0
	if err == nil {
		orders, total, err = h.Orders.FindOrders(ctx, f)
	}
	if err != nil && wubu.ErrorCode(err) != wubu.EINVALID {
		h.fail(w, r, err)
		return
	}
	u := wubu.UserFromContext(ctx)
	v := &orderListView{orderPage: h.withClock(h.newPage(r, "Work orders")), Project: p, Orders: orders, States: wubu.OrderStates,
		State: q.Get("state"), Query: f.Query, Open: f.Open, CanOpen: u.Can(wubu.PermOrderEdit), CanEdit: u.Can(wubu.PermSettingsEdit),
		CanReport: u.Can(wubu.PermReportView)}
	v.Title = p.Name + " · " + v.T("Work orders")
	v.Drill = drill
	v.Pager = newPager(&v.Page, r, page, total)
	if err != nil {
		h.render(w, r, formError(r, &v.Page, err, ""), "orders", v)
		return
	}
	h.render(w, r, http.StatusOK, "orders", v)
}

type orderNewView struct {
	orderPage
	Project    *wubu.Project
	Resident   *wubu.Resident
	Items      []*wubu.PriceItem
	Categories []wubu.OrderCategory
	Urgencies  []wubu.OrderUrgency
	Sources    []wubu.OrderSource
	// RoomLabel names the room of a form opened for a room (from an
	// inspection's finding).
	RoomLabel string
}

// orderNewView loads the form to open an order, for a resident chosen in
// the lookup (?person=) or a room (?room=).
func (h *Handler) orderNewView(r *http.Request) (*orderNewView, error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := h.Projects.FindProjectByID(ctx, id)
	if err != nil {
		return nil, err
	}
	items, err := h.Orders.PriceList(ctx, id, false)
	if err != nil {
		return nil, err
	}
	v := &orderNewView{orderPage: h.withClock(h.newPage(r, "Open an order")), Project: p, Categories: wubu.OrderCategories, Urgencies: wubu.OrderUrgencies,
		Sources: wubu.OrderSources[:4]}
	for _, it := range items {
		if it.Kind == wubu.PriceLabour {
			v.Items = append(v.Items, it)
		}
	}
	person := r.FormValue("person")
	if person != "" {
		pid, err := strconv.ParseInt(person, 10, 64)
		if err != nil {
			return nil, wubu.Errorf(wubu.ENOTFOUND, "Resident not found.")
		}
		if v.Resident, err = h.Residents.FindResident(ctx, pid); err != nil {
			return nil, err
		}
		if v.Resident.ProjectID != id {
			return nil, wubu.Errorf(wubu.ENOTFOUND, "Resident not found.")
		}
	}
	v.Form.Set("urgency", string(wubu.OrderNormal))
	v.Form.Set("source", string(wubu.SourceFrontDesk))
	for _, k := range []string{"person", "room", "appliance", "parent", "urgency", "description"} {
		if s := r.URL.Query().Get(k); s != "" {
			v.Form.Set(k, s)
		}
	}
	if v.Resident != nil && len(v.Resident.Households) > 0 && v.Form.Get("room") == "" {
		v.Form.Set("room", strconv.FormatInt(v.Resident.Households[0].RoomID, 10))
	}
	if v.Resident == nil && v.Form.Get("room") != "" {
		if v.RoomLabel, err = h.roomLabel(r, id, v.Form.Get("room")); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (h *Handler) orderNew(w http.ResponseWriter, r *http.Request) {
	v, err := h.orderNewView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "order_new", v)
}

// orderCreate opens an order and shows it; a refused form is shown again
// with what was typed.
func (h *Handler) orderCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	err = readStepForm(w, r)
	n := &wubu.NewOrder{ProjectID: id, Category: wubu.OrderCategory(r.PostFormValue("category")), Urgency: wubu.OrderUrgency(r.PostFormValue("urgency")),
		Source: wubu.OrderSource(r.PostFormValue("source")), Description: r.PostFormValue("description"),
		ItemID: optionalID(r.PostFormValue("item")), PersonID: optionalID(r.PostFormValue("person")), RoomID: optionalID(r.PostFormValue("room")),
		ApplianceID: optionalID(r.PostFormValue("appliance")), ParentID: optionalID(r.PostFormValue("parent"))}
	var o *wubu.Order
	var photos []*wubu.Photo
	if err == nil {
		photos, err = server.ReadPhotos(r, "photo", wubu.MaxOrderPhotos)
	}
	if err == nil {
		n.AppointmentAt, err = localTime("appointment_at", r.PostFormValue("appointment_at"))
	}
	if label := strings.TrimSpace(r.PostFormValue("room_label")); err == nil && n.RoomID == nil && n.PersonID == nil && label != "" {
		n.RoomID, err = h.roomByLabel(r, id, label)
	}
	if err == nil {
		o, err = h.Orders.CreateOrder(ctx, n)
	}
	if err != nil {
		if code := wubu.ErrorCode(err); code != wubu.EINVALID && code != wubu.ECONFLICT {
			h.fail(w, r, err)
			return
		}
		v, verr := h.orderNewView(r)
		if verr != nil {
			h.fail(w, r, verr)
			return
		}
		v.Form = r.PostForm
		h.render(w, r, formError(r, &v.Page, err, ""), "order_new", v)
		return
	}
	flash := h.T(r, "Order #%d opened.", o.ID)
	for _, p := range photos {
		if _, err := h.Orders.AddPhoto(ctx, o.ID, p.ContentType, p.Data); err != nil {
			flash += " " + server.ErrMessage(r, err)
			break
		}
	}
	h.redirect(w, r, "/orders/"+strconv.FormatInt(o.ID, 10), flash)
}

// roomByLabel finds a room of the project by its label as people write it
// ("3-2-1201").
func (h *Handler) roomByLabel(r *http.Request, projectID int64, label string) (*int64, error) {
	rooms, _, err := h.Org.FindRooms(r.Context(), wubu.RoomFilter{ProjectID: projectID, Label: &label, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(rooms) == 0 {
		return nil, wubu.FieldErrorf("room_id", wubu.EINVALID, "There is no room %s in this project.", label)
	}
	return &rooms[0].ID, nil
}

// roomLabel returns the label of a room of the project, by its ID.
func (h *Handler) roomLabel(r *http.Request, projectID int64, room string) (string, error) {
	id := optionalID(room)
	if id == nil {
		return "", wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	rm, err := h.Orders.Room(r.Context(), projectID, *id)
	if err != nil {
		return "", err
	}
	return rm.Label, nil
}

type orderHistoryView struct {
	orderPage
	PersonID  int64
	ProjectID int64
	Orders    []*wubu.Order
	Rooms     []string
	CanOpen   bool
}

// residentOrders is the repair history on the customer card: the orders of
// the resident and of their rooms (with each room's appliances), loaded
// into the card.
func (h *Handler) residentOrders(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	res, err := h.Residents.FindResident(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u := wubu.UserFromContext(ctx)
	v := &orderHistoryView{orderPage: h.withClock(h.newPage(r, "Repair history")), PersonID: id, ProjectID: res.ProjectID, CanOpen: u.Can(wubu.PermOrderEdit)}
	seen := map[int64]bool{}
	add := func(f wubu.OrderFilter) error {
		f.ProjectID, f.Limit = res.ProjectID, 100
		orders, _, err := h.Orders.FindOrders(ctx, f)
		for _, o := range orders {
			if !seen[o.ID] {
				seen[o.ID] = true
				v.Orders = append(v.Orders, o)
			}
		}
		return err
	}
	if err := add(wubu.OrderFilter{PersonID: &id}); err != nil {
		h.fail(w, r, err)
		return
	}
	for _, hh := range res.Households {
		room := hh.RoomID
		v.Rooms = append(v.Rooms, hh.RoomLabel)
		if err := add(wubu.OrderFilter{RoomID: &room}); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	sortOrdersNewest(v.Orders)
	t := h.pages["order_history"]
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if r.Header.Get("HX-Request") == "" {
		h.render(w, r, http.StatusOK, "order_history", v)
		return
	}
	if err := t.ExecuteTemplate(w, "history", v); err != nil {
		h.Logger.Error("render", "name", "order_history", "err", err)
	}
}

func sortOrdersNewest(os []*wubu.Order) {
	for i := 1; i < len(os); i++ {
		for j := i; j > 0 && os[j].ReportedAt.After(os[j-1].ReportedAt); j-- {
			os[j-1], os[j] = os[j], os[j-1]
		}
	}
}

// Subject is what an order of the history is about.
func (v *orderHistoryView) Subject(o *wubu.Order) string {
	s := o.ItemName
	if s == "" {
		s = o.Description
	}
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return strings.TrimSpace(s)
}
