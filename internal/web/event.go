package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// eventRoutes are the pages of community events and lectures (K1, H4,
// M4): the list with the form to plan one, an event's page with its
// sign-ups and photos, and the door page taking attendance on a phone.
func (h *Handler) eventRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/events", Perm: wubu.PermResidentView, Handler: h.eventList},
		{Method: "POST", Path: "/events", Perm: wubu.PermResidentEdit, Handler: h.eventCreate},
		{Method: "GET", Path: "/events/{id}", Perm: wubu.PermResidentView, Handler: h.eventShow},
		{Method: "GET", Path: "/events/{id}/door", Perm: wubu.PermResidentEdit, Handler: h.eventDoor},
		{Method: "GET", Path: "/events/{id}/photos/{photo}", Perm: wubu.PermResidentView, Handler: h.eventPhoto},
		{Method: "POST", Path: "/events/{id}/state", Perm: wubu.PermResidentEdit, Handler: h.step(h.eventSteps(), "state_", h.eventState)},
		{Method: "POST", Path: "/events/{id}/signups", Perm: wubu.PermResidentEdit, Handler: h.step(h.eventSteps(), "signup_", h.eventSignUp)},
		{Method: "POST", Path: "/events/{id}/signups/{signup}/cancel", Perm: wubu.PermResidentEdit, Handler: h.step(h.eventSteps(), "cancel_", h.eventCancelSignup)},
		{Method: "POST", Path: "/events/{id}/signups/{signup}/attend", Perm: wubu.PermResidentEdit, Handler: h.step(h.eventSteps(), "attend_", h.eventAttend)},
		{Method: "POST", Path: "/events/{id}/photos", Perm: wubu.PermResidentEdit, Handler: h.step(h.eventSteps(), "photo_", h.eventAddPhoto)},
	}
}

type eventListView struct {
	securityPage
	Events    []*wubu.Event
	Buildings []*wubu.Building
	Kinds     []wubu.EventKind
	Topics    []string
}

func (h *Handler) eventListView(r *http.Request) (*eventListView, error) {
	base, err := h.newSecurityPage(r, "Events and lectures")
	if err != nil {
		return nil, err
	}
	base.CanEdit = wubu.UserFromContext(r.Context()).Can(wubu.PermResidentEdit)
	v := &eventListView{securityPage: base, Kinds: wubu.EventKinds, Topics: wubu.LectureTopics}
	if v.ProjectID == 0 {
		return v, nil
	}
	if v.Events, err = h.Events.FindEvents(r.Context(), v.ProjectID); err != nil {
		return nil, err
	}
	if v.Buildings, err = h.Org.FindBuildings(r.Context(), v.ProjectID); err != nil {
		return nil, err
	}
	return v, nil
}

func (h *Handler) eventList(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.eventListView, "events")
}

func (h *Handler) eventCreate(w http.ResponseWriter, r *http.Request) {
	parseForm(w, r)
	v, err := h.eventListView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	capacity, _ := strconv.Atoi(r.FormValue("capacity"))
	e := &wubu.Event{ProjectID: v.ProjectID, Kind: wubu.EventKind(r.FormValue("kind")), Topic: r.FormValue("topic"), Title: r.FormValue("title"),
		Place: r.FormValue("place"), Capacity: capacity, BuildingID: optID(r, "building_id"), Note: r.FormValue("note")}
	if s := r.FormValue("starts_at"); s != "" {
		t, perr := time.ParseInLocation("2006-01-02T15:04", s, cst)
		if perr != nil {
			err = wubu.FieldErrorf("starts_at", wubu.EINVALID, "Give the event's date and time.")
		}
		e.StartsAt = t
	}
	if err == nil {
		err = h.Events.PlanEvent(r.Context(), e)
	}
	if err != nil {
		h.render(w, r, refuse(r, v, r.Form, err, ""), "events", v)
		return
	}
	h.redirect(w, r, "/events/"+strconv.FormatInt(e.ID, 10), h.T(r, "Event planned."))
}

type eventView struct {
	securityPage
	Event   *wubu.Event
	Signups []*wubu.Signup
	// Came lists those who came, for the page's list of attendees.
	Came []*wubu.Signup
}

func (h *Handler) eventView(r *http.Request) (*eventView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	base, err := h.newSecurityPage(r, "Event")
	if err != nil {
		return nil, err
	}
	base.CanEdit = wubu.UserFromContext(r.Context()).Can(wubu.PermResidentEdit)
	v := &eventView{securityPage: base}
	if v.Event, err = h.Events.FindEvent(r.Context(), id); err != nil {
		return nil, err
	}
	v.ProjectID = v.Event.ProjectID
	v.Title = v.Event.Title
	if v.Signups, err = h.Events.FindSignups(r.Context(), id); err != nil {
		return nil, err
	}
	for _, g := range v.Signups {
		if g.State == wubu.SignupAttended {
			v.Came = append(v.Came, g)
		}
	}
	return v, nil
}

func (h *Handler) eventShow(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.eventView, "event")
}

// eventDoor is the phone page at the door: those with a place, each with
// a button to mark them as come.
func (h *Handler) eventDoor(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.eventView, "event_door")
}

func (h *Handler) eventPhoto(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pid, err := pathID(r, "photo")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.Events.FindEventPhoto(r.Context(), id, pid)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteImage(w, p.ContentType, p.Data)
}

// eventSteps are an event's pages for its forms.
func (h *Handler) eventSteps() stepPage {
	return stepPage{path: "/events/%d", reshow: reshowWith(h, h.eventView, "event")}
}

func (h *Handler) eventState(r *http.Request, id int64) (string, error) {
	var err error
	switch r.FormValue("action") {
	case wubu.EventOpenUp:
		_, err = h.Events.OpenEvent(r.Context(), id)
	case wubu.EventClose:
		_, err = h.Events.CloseEvent(r.Context(), id)
	case wubu.EventCancel:
		_, err = h.Events.CancelEvent(r.Context(), id)
	default:
		err = wubu.FieldErrorf("action", wubu.EINVALID, "Choose what to do.")
	}
	return h.T(r, "Saved."), err
}

// eventSignUp signs up a resident: by ID (from the resident's card), or
// the one found by their room, name or phone's last four digits, as at the
// lookup.
func (h *Handler) eventSignUp(r *http.Request, id int64) (string, error) {
	e, err := h.Events.FindEvent(r.Context(), id)
	if err != nil {
		return "", err
	}
	person := optID(r, "person_id")
	if person == nil {
		hits, err := h.Residents.Lookup(r.Context(), e.ProjectID, r.FormValue("resident"), 2)
		if err != nil {
			return "", err
		}
		if len(hits) != 1 {
			return "", wubu.FieldErrorf("resident", wubu.EINVALID, "Name one resident: their room, name or phone's last four digits.")
		}
		person = &hits[0].PersonID
	}
	g, err := h.Events.SignUp(r.Context(), id, *person)
	if err != nil {
		if e := wubu.AsError(err); e != nil && e.Field == "person_id" {
			err = &wubu.Error{Code: e.Code, Format: e.Format, Args: e.Args, Field: "resident"}
		}
		return "", err
	}
	if g.State == wubu.SignupWaiting {
		return h.T(r, "The event is full: %s is on the waiting list.", g.PersonName), nil
	}
	return h.T(r, "%s is signed up.", g.PersonName), nil
}

func (h *Handler) eventCancelSignup(r *http.Request, _ int64) (string, error) {
	sid, err := pathID(r, "signup")
	if err != nil {
		return "", err
	}
	_, err = h.Events.CancelSignup(r.Context(), sid)
	return h.T(r, "Sign-up cancelled."), err
}

func (h *Handler) eventAttend(r *http.Request, _ int64) (string, error) {
	sid, err := pathID(r, "signup")
	if err != nil {
		return "", err
	}
	g, err := h.Events.MarkAttended(r.Context(), sid)
	if err != nil {
		return "", err
	}
	return h.T(r, "%s came.", g.PersonName), nil
}

func (h *Handler) eventAddPhoto(r *http.Request, id int64) (string, error) {
	p, err := server.ReadPhoto(r, "photo")
	if err != nil {
		return "", err
	}
	return h.T(r, "Photo added."), h.Events.AddEventPhoto(r.Context(), id, p)
}
