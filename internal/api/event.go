package api

import (
	"net/http"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// eventRoutes are the routes of community events and lectures (K1, H4,
// M4): the list, an event with its sign-ups, signing a resident up,
// cancelling and taking attendance.
func (h *Handler) eventRoutes(r func(string, string, wubu.Permission, http.HandlerFunc) server.Route) []server.Route {
	return []server.Route{
		r("GET", "/projects/{id}/events", wubu.PermResidentView, call(h, http.StatusOK, h.eventList)),
		r("GET", "/events/{id}", wubu.PermResidentView, call(h, http.StatusOK, h.eventShow)),
		r("POST", "/events/{id}/signups", wubu.PermResidentEdit, call(h, http.StatusCreated, h.eventSignUp)),
		r("POST", "/event-signups/{id}/cancel", wubu.PermResidentEdit, call(h, http.StatusOK, h.eventCancelSignup)),
		r("POST", "/event-signups/{id}/attendance", wubu.PermResidentEdit, call(h, http.StatusOK, h.eventAttend)),
	}
}

// eventList: GET /api/v1/projects/{id}/events, latest first.
func (h *Handler) eventList(r *http.Request, id int64, _ none) (list[*wubu.Event], error) {
	items, err := h.Events.FindEvents(r.Context(), id)
	return newList(items, len(items), 0), err
}

// eventDetail is an event with its sign-ups.
type eventDetail struct {
	*wubu.Event
	Signups []*wubu.Signup `json:"signups"`
}

// eventShow: GET /api/v1/events/{id}, with its sign-ups in order.
func (h *Handler) eventShow(r *http.Request, id int64, _ none) (*eventDetail, error) {
	e, err := h.Events.FindEvent(r.Context(), id)
	if err != nil {
		return nil, err
	}
	d := &eventDetail{Event: e}
	d.Signups, err = h.Events.FindSignups(r.Context(), id)
	return d, err
}

// eventSignupRequest names the resident to sign up.
type eventSignupRequest struct {
	PersonID int64 `json:"person_id"`
}

// eventSignUp: POST /api/v1/events/{id}/signups, a place or the waiting
// list.
func (h *Handler) eventSignUp(r *http.Request, id int64, req eventSignupRequest) (*wubu.Signup, error) {
	return h.Events.SignUp(r.Context(), id, req.PersonID)
}

// eventCancelSignup: POST /api/v1/event-signups/{id}/cancel; a place goes
// to the first one waiting.
func (h *Handler) eventCancelSignup(r *http.Request, id int64, _ none) (*wubu.Signup, error) {
	return h.Events.CancelSignup(r.Context(), id)
}

// eventAttend: POST /api/v1/event-signups/{id}/attendance, at the door.
func (h *Handler) eventAttend(r *http.Request, id int64, _ none) (*wubu.Signup, error) {
	return h.Events.MarkAttended(r.Context(), id)
}
