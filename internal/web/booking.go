package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
)

// hkSlotText shows a slot's start as 2026-11-28 10:00, China time.
func hkSlotText(t time.Time) string { return t.In(cst).Format("2006-01-02 15:04") }

type bookingDayView struct {
	hkView
	Project  *wubu.Project
	Date     string
	Prev     string
	Next     string
	Slots    []*wubu.Slot
	Bookings []*wubu.Booking
	Services []*wubu.HomeService
	CanBook  bool
}

// bookingDay is the day board: the slots with their free places, the
// bookings, and the booking form.
func (h *Handler) bookingDay(w http.ResponseWriter, r *http.Request) {
	v, err := h.bookingDayView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "booking_day", v)
}

func (h *Handler) bookingDayView(r *http.Request) (*bookingDayView, error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := h.Projects.FindProjectByID(ctx, id)
	if err != nil {
		return nil, err
	}
	day := dateIn(h.Clock.Now())
	if s := r.URL.Query().Get("date"); s != "" {
		if d, err := time.ParseInLocation(time.DateOnly, s, cst); err == nil {
			day = d
		}
	}
	v := &bookingDayView{hkView: hkView{h.newPage(r, "Housekeeping bookings")}, Project: p, Date: day.Format(time.DateOnly),
		Prev: day.AddDate(0, 0, -1).Format(time.DateOnly), Next: day.AddDate(0, 0, 1).Format(time.DateOnly),
		CanBook: wubu.UserFromContext(ctx).Can(wubu.PermOrderEdit)}
	if v.Slots, err = h.Housekeeping.Slots(ctx, id, v.Date); err != nil {
		return nil, err
	}
	to := day.AddDate(0, 0, 1)
	if v.Bookings, _, err = h.Housekeeping.FindBookings(ctx, wubu.BookingFilter{ProjectID: id, From: &day, To: &to, Limit: 500}); err != nil {
		return nil, err
	}
	if v.Services, err = h.Housekeeping.FindServices(ctx, id, false); err != nil {
		return nil, err
	}
	return v, nil
}

// bookingCreate books a service for the resident of a room, given by its
// label (3-2-1201).
func (h *Handler) bookingCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	b := &wubu.Booking{Note: r.PostFormValue("note")}
	err = func() error {
		svc := optionalID(r.PostFormValue("service_id"))
		if svc == nil {
			return wubu.FieldErrorf("service_id", wubu.EINVALID, "Choose a service.")
		}
		s, err := h.Housekeeping.FindService(ctx, *svc)
		if err != nil {
			return err
		}
		if s.ProjectID != id {
			return wubu.FieldErrorf("service_id", wubu.ENOTFOUND, "Service not found.")
		}
		b.ServiceID = s.ID
		if b.SlotStart, err = hkParseSlot("slot", r.PostFormValue("slot")); err != nil {
			return err
		}
		if pid := optionalID(r.PostFormValue("person_id")); pid != nil {
			b.PersonID = *pid
			if room := optionalID(r.PostFormValue("room_id")); room != nil {
				b.RoomID = *room
			}
		} else if b.PersonID, b.RoomID, err = h.residentOfRoom(r, id, r.PostFormValue("room")); err != nil {
			return err
		}
		return h.Housekeeping.Book(ctx, b)
	}()
	if err != nil {
		if back := r.PostFormValue("back"); strings.HasPrefix(back, "/residents/") {
			h.needsFailed(w, r, err)
			return
		}
		v, verr := h.bookingDayView(r)
		if verr != nil {
			h.fail(w, r, verr)
			return
		}
		v.Form = r.PostForm
		h.render(w, r, formError(r, &v.Page, err, ""), "booking_day", v)
		return
	}
	h.redirect(w, r, fmt.Sprintf("/bookings/%d", b.ID), h.T(r, "Booked: %s with %s.", hkSlotText(b.SlotStart), b.CleanerName))
}

// residentOfRoom finds the resident a booking is for from a room label:
// the first resident living there.
func (h *Handler) residentOfRoom(r *http.Request, projectID int64, label string) (int64, int64, error) {
	label = strings.TrimSpace(label)
	if label == "" {
		return 0, 0, wubu.FieldErrorf("room", wubu.EINVALID, "Write the room, such as 3-2-1201.")
	}
	hits, err := h.Residents.Lookup(r.Context(), projectID, label, 10)
	if err != nil {
		return 0, 0, wubu.FieldErrorf("room", wubu.EINVALID, "Write the room, such as 3-2-1201.")
	}
	for _, hit := range hits {
		if hit.Match == "room" {
			rooms, _, err := h.Org.FindRooms(r.Context(), wubu.RoomFilter{ProjectID: projectID, Label: &hit.Room, Limit: 1})
			if err != nil || len(rooms) == 0 {
				continue
			}
			return hit.PersonID, rooms[0].ID, nil
		}
	}
	return 0, 0, wubu.FieldErrorf("room", wubu.EINVALID, "Nobody lives in room %s.", label)
}

type myBookingsView struct {
	hkView
	Date, Prev, Next string
	Bookings         []*wubu.Booking
}

// myBookings is the cleaner's phone page: today's bookings in every
// project they serve, by time.
func (h *Handler) myBookings(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	me := wubu.UserFromContext(ctx)
	day := dateIn(h.Clock.Now())
	if s := r.URL.Query().Get("date"); s != "" {
		if d, err := time.ParseInLocation(time.DateOnly, s, cst); err == nil {
			day = d
		}
	}
	to := day.AddDate(0, 0, 1)
	v := &myBookingsView{hkView: hkView{h.newPage(r, "My bookings")}, Date: day.Format(time.DateOnly),
		Prev: day.AddDate(0, 0, -1).Format(time.DateOnly), Next: day.AddDate(0, 0, 1).Format(time.DateOnly)}
	projects, err := h.Projects.FindProjects(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, p := range projects {
		bs, _, err := h.Housekeeping.FindBookings(ctx, wubu.BookingFilter{ProjectID: p.ID, CleanerID: &me.ID, From: &day, To: &to, Limit: 100})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.Bookings = append(v.Bookings, bs...)
	}
	h.render(w, r, http.StatusOK, "booking_mine", v)
}

type bookingView struct {
	hkView
	Booking  *wubu.Booking
	Slots    []*wubu.Slot
	Cleaners []*wubu.User
	CanEdit  bool
	CanMove  bool
	FormFor  string
}

func (h *Handler) bookingView(r *http.Request) (*bookingView, error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	b, err := h.Housekeeping.FindBooking(ctx, id)
	if err != nil {
		return nil, err
	}
	u := wubu.UserFromContext(ctx)
	v := &bookingView{hkView: hkView{h.newPage(r, "Booking")}, Booking: b, CanEdit: u.Can(wubu.PermOrderEdit) && b.Status == wubu.BookingBooked,
		CanMove: u.Can(wubu.PermOrderDispatch) && b.Status == wubu.BookingBooked}
	v.Title = b.ServiceName + " · " + b.RoomLabel
	if v.CanEdit {
		// The free slots of the next week, to reschedule to.
		day := dateIn(h.Clock.Now())
		for i := range 7 {
			slots, err := h.Housekeeping.Slots(ctx, b.ProjectID, day.AddDate(0, 0, i).Format(time.DateOnly))
			if err != nil {
				return nil, err
			}
			for _, s := range slots {
				if !s.Past && s.Free > 0 && !s.Start.Equal(b.SlotStart) {
					v.Slots = append(v.Slots, s)
				}
			}
		}
	}
	if v.CanMove {
		st, err := h.Housekeeping.Settings(ctx, b.ProjectID)
		if err != nil {
			return nil, err
		}
		for _, s := range h.hkStaffOf(r, b.ProjectID, nil) {
			if hkContains(st.Cleaners, s.ID) && s.ID != b.CleanerID {
				v.Cleaners = append(v.Cleaners, s)
			}
		}
	}
	return v, nil
}

func (h *Handler) bookingShow(w http.ResponseWriter, r *http.Request) {
	v, err := h.bookingView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "booking", v)
}

// bookingAction handles the forms of a booking's page: each function
// makes its call, and all share the answer.
func (h *Handler) bookingAction(act func(r *http.Request, id int64) (string, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			h.fail(w, r, err)
			return
		}
		flash, err := act(r, id)
		if err != nil {
			v, verr := h.bookingView(r)
			if verr != nil {
				h.fail(w, r, verr)
				return
			}
			v.Form, v.FormFor = r.PostForm, r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
			h.render(w, r, formError(r, &v.Page, err, ""), "booking", v)
			return
		}
		h.redirect(w, r, fmt.Sprintf("/bookings/%d", id), flash)
	}
}

func (h *Handler) bookingReschedule(r *http.Request, id int64) (string, error) {
	slot, err := hkParseSlot("slot", r.PostFormValue("slot"))
	if err != nil {
		return "", err
	}
	b, err := h.Housekeeping.Reschedule(r.Context(), id, slot)
	if err != nil {
		return "", err
	}
	return h.T(r, "Booked: %s with %s.", hkSlotText(b.SlotStart), b.CleanerName), nil
}

func (h *Handler) bookingReassign(r *http.Request, id int64) (string, error) {
	c := optionalID(r.PostFormValue("cleaner_id"))
	if c == nil {
		return "", wubu.FieldErrorf("cleaner_id", wubu.EINVALID, "Choose a cleaner on the housekeeping roster.")
	}
	_, err := h.Housekeeping.Reassign(r.Context(), id, *c)
	return h.T(r, "Saved."), err
}

func (h *Handler) bookingCancel(r *http.Request, id int64) (string, error) {
	_, err := h.Housekeeping.Cancel(r.Context(), id, r.PostFormValue("reason"))
	return h.T(r, "The booking is cancelled."), err
}

func (h *Handler) bookingComplete(r *http.Request, id int64) (string, error) {
	needs := strings.Split(strings.ReplaceAll(r.PostFormValue("needs"), "\r", ""), "\n")
	_, err := h.Housekeeping.Complete(r.Context(), id, r.PostFormValue("note"), needs)
	return h.T(r, "Done. Thank you!"), err
}

type needsView struct {
	hkView
	Resident *wubu.Resident
	Needs    []*wubu.Need
	Bookings []*wubu.Booking
	Services []*wubu.HomeService
	CanEdit  bool
}

func (h *Handler) needsView(r *http.Request) (*needsView, error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	v := &needsView{hkView: hkView{h.newPage(r, "Needs and home services")}, CanEdit: wubu.UserFromContext(ctx).Can(wubu.PermOrderEdit)}
	if v.Needs, err = h.Housekeeping.Needs(ctx, id); err != nil {
		return nil, err
	}
	if v.Resident, err = h.Residents.FindResident(ctx, id); err != nil {
		return nil, err
	}
	v.Title = v.Resident.Name + " · " + v.T("Needs and home services")
	if v.Bookings, _, err = h.Housekeeping.FindBookings(ctx, wubu.BookingFilter{ProjectID: v.Resident.ProjectID, PersonID: &id, Limit: 50}); err != nil {
		return nil, err
	}
	if v.Services, err = h.Housekeeping.FindServices(ctx, v.Resident.ProjectID, false); err != nil {
		return nil, err
	}
	return v, nil
}

func (h *Handler) needsShow(w http.ResponseWriter, r *http.Request) {
	v, err := h.needsView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "booking_needs", v)
}

func (h *Handler) needsFailed(w http.ResponseWriter, r *http.Request, err error) {
	// The booking form of the needs page posts to the project's bookings
	// with the person: show that page again.
	if pid := optionalID(r.PostFormValue("person_id")); pid != nil {
		r.SetPathValue("id", fmt.Sprint(*pid))
	}
	v, verr := h.needsView(r)
	if verr != nil {
		h.fail(w, r, verr)
		return
	}
	v.Form = r.PostForm
	h.render(w, r, formError(r, &v.Page, err, ""), "booking_needs", v)
}

func (h *Handler) needCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.Housekeeping.AddNeed(r.Context(), id, r.PostFormValue("text")); err != nil {
		h.needsFailed(w, r, err)
		return
	}
	h.redirect(w, r, fmt.Sprintf("/residents/%d/needs", id), h.T(r, "Saved."))
}
