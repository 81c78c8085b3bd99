package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// Housekeeping on the residents' portal (issue 15): the catalogue with its
// prices, a day's free slots for a service and one of the resident's
// homes, booking with a note; the bookings of their homes, cancelled until
// the slot begins.

// portalBookDays is how many days ahead the portal offers slots.
const portalBookDays = 14

// portalServiceRoutes are the resident's home services.
func (h *Handler) portalServiceRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/my/services", Perm: wubu.PermPortal, Handler: h.portalServices},
		{Method: "POST", Path: "/my/services/book", Perm: wubu.PermPortal, Handler: h.portalServiceBook},
		{Method: "GET", Path: "/my/services/bookings", Perm: wubu.PermPortal, Handler: h.portalBookings},
		{Method: "POST", Path: "/my/services/bookings/{id}/cancel", Perm: wubu.PermPortal, Handler: h.portalBookingCancel},
		{Method: "POST", Path: "/my/services/bookings/{id}/reschedule", Perm: wubu.PermPortal, Handler: h.portalBookingReschedule},
	}
}

type portalServicesView struct {
	hkView
	Services []*wubu.HomeService
	Homes    []*wubu.PortalHome
	// Days are the dates slots may be chosen on; Date the chosen one.
	Days    []time.Time
	Date    string
	Service *wubu.HomeService
	RoomID  int64
	// Slots are the chosen day's free slots to come.
	Slots []*wubu.Slot
	// Moving is the booking being moved to another slot (?move=).
	Moving *wubu.Booking
}

// DateValue is a day as a form value: 2026-11-28.
func (v *portalServicesView) DateValue(t time.Time) string { return t.In(cst).Format(time.DateOnly) }

// portalServicesView builds the page from the chosen service, home and
// day (the query's, or the refused form's).
func (h *Handler) portalServicesView(r *http.Request) (*portalServicesView, error) {
	v := &portalServicesView{hkView: hkView{h.newPage(r, "Home services")}}
	id, ok := h.portalResident(r)
	if !ok {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	v.Homes = id.Homes
	var err error
	if v.Services, err = h.Housekeeping.MyServices(r.Context()); err != nil {
		return nil, err
	}
	today := h.Clock.Now().In(cst)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, cst)
	for i := range portalBookDays {
		v.Days = append(v.Days, today.AddDate(0, 0, i))
	}
	v.RoomID, _ = strconv.ParseInt(r.FormValue("room_id"), 10, 64)
	if len(v.Homes) > 0 && v.RoomID == 0 {
		v.RoomID = v.Homes[0].RoomID
	}
	sid, _ := strconv.ParseInt(r.FormValue("service_id"), 10, 64)
	// Moving one of their bookings: its service and home.
	if move := r.FormValue("move"); move != "" || r.PathValue("id") != "" {
		bid, _ := strconv.ParseInt(move, 10, 64)
		if bid == 0 {
			bid, _ = strconv.ParseInt(r.PathValue("id"), 10, 64)
		}
		mine, err := h.Housekeeping.MyBookings(r.Context())
		if err != nil {
			return nil, err
		}
		for _, b := range mine {
			if b.ID == bid {
				v.Moving = b
			}
		}
		if v.Moving == nil {
			return nil, wubu.Errorf(wubu.ENOTFOUND, "Booking not found.")
		}
		sid, v.RoomID = v.Moving.ServiceID, v.Moving.RoomID
	}
	for _, s := range v.Services {
		if s.ID == sid {
			v.Service = s
		}
	}
	v.Date = r.FormValue("date")
	if v.Service == nil || v.Date == "" {
		return v, nil
	}
	day, err := time.ParseInLocation(time.DateOnly, v.Date, cst)
	if err != nil || day.Before(today) || !day.Before(today.AddDate(0, 0, portalBookDays)) {
		v.Date = ""
		return v, nil
	}
	slots, err := h.Housekeeping.MySlots(r.Context(), v.Date)
	if err != nil {
		return nil, err
	}
	for _, s := range slots {
		if s.Free > 0 && !s.Past {
			v.Slots = append(v.Slots, s)
		}
	}
	return v, nil
}

// portalServices shows the catalogue, and the free slots of the chosen day.
func (h *Handler) portalServices(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.portalServicesView, "portal_services")
}

// portalServiceBook books the chosen slot for one of the resident's homes.
func (h *Handler) portalServiceBook(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, wubu.Errorf(wubu.EINVALID, "The form could not be read."))
		return
	}
	b := &wubu.Booking{Note: r.PostFormValue("note")}
	b.ServiceID, _ = strconv.ParseInt(r.PostFormValue("service_id"), 10, 64)
	b.RoomID, _ = strconv.ParseInt(r.PostFormValue("room_id"), 10, 64)
	var err error
	if b.SlotStart, err = hkParseSlot("slot", r.PostFormValue("slot")); err == nil {
		err = h.Housekeeping.BookMine(r.Context(), b)
	}
	if err != nil {
		if !refusedStep(err) {
			h.fail(w, r, err)
			return
		}
		reshowForm(h, w, r, err, h.portalServicesView, r.PostForm, "portal_services", "")
		return
	}
	h.redirect(w, r, "/my/services/bookings", h.T(r, "Booked: %s, %s.", b.ServiceName, hkSlotText(b.SlotStart)))
}

type portalBookingsView struct {
	hkView
	Bookings []*wubu.Booking
	Now      time.Time
}

// Cancellable reports whether the resident may still cancel a booking.
func (v *portalBookingsView) Cancellable(b *wubu.Booking) bool {
	return b.Status == wubu.BookingBooked && v.Now.Before(b.SlotStart)
}

func (h *Handler) portalBookingsView(r *http.Request) (*portalBookingsView, error) {
	v := &portalBookingsView{hkView: hkView{h.newPage(r, "My bookings")}, Now: h.Clock.Now()}
	var err error
	v.Bookings, err = h.Housekeeping.MyBookings(r.Context())
	return v, err
}

// portalBookings lists the bookings of the resident's homes.
func (h *Handler) portalBookings(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.portalBookingsView, "portal_bookings")
}

// portalBookingCancel cancels a booking of the resident's homes.
func (h *Handler) portalBookingCancel(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.Housekeeping.CancelMyBooking(r.Context(), id); err != nil {
		if !refusedStep(err) {
			h.fail(w, r, err)
			return
		}
		reshowForm(h, w, r, err, h.portalBookingsView, r.PostForm, "portal_bookings", "")
		return
	}
	h.redirect(w, r, "/my/services/bookings", h.T(r, "Your booking is cancelled."))
}

// portalBookingReschedule moves a booking of the resident's homes to the
// chosen free slot.
func (h *Handler) portalBookingReschedule(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, wubu.Errorf(wubu.EINVALID, "The form could not be read."))
		return
	}
	slot, err := hkParseSlot("slot", r.PostFormValue("slot"))
	var b *wubu.Booking
	if err == nil {
		b, err = h.Housekeeping.RescheduleMyBooking(r.Context(), id, slot)
	}
	if err != nil {
		if !refusedStep(err) {
			h.fail(w, r, err)
			return
		}
		reshowForm(h, w, r, err, h.portalServicesView, r.PostForm, "portal_services", "")
		return
	}
	h.redirect(w, r, "/my/services/bookings", h.T(r, "Moved: %s, %s.", b.ServiceName, hkSlotText(b.SlotStart)))
}
