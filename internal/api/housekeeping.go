package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// housekeepingRoutes are the routes of inspection campaigns (M3, M9) and
// housekeeping (C2, C5, C7). Seeing: PermOrderView; booking and recording
// visits: PermOrderEdit; assigning: PermOrderDispatch; the catalogue,
// prices, rules, roster, promotions and campaigns: PermSettingsEdit.
func (h *Handler) housekeepingRoutes(r route) []server.Route {
	return []server.Route{
		r("GET", "/projects/{id}/campaigns", wubu.PermOrderView, call(h, http.StatusOK, h.campaignList)),
		r("POST", "/projects/{id}/campaigns", wubu.PermSettingsEdit, call(h, http.StatusCreated, h.campaignCreate)),
		r("GET", "/projects/{id}/my-visits", wubu.PermOrderView, call(h, http.StatusOK, h.myVisits)),
		r("GET", "/campaigns/{id}", wubu.PermOrderView, call(h, http.StatusOK, h.campaignGet)),
		r("GET", "/campaigns/{id}/visits", wubu.PermOrderView, call(h, http.StatusOK, h.visitList)),
		r("POST", "/campaigns/{id}/assign", wubu.PermOrderDispatch, call(h, http.StatusOK, h.visitsAssign)),
		r("GET", "/visits/{id}", wubu.PermOrderView, call(h, http.StatusOK, h.visitGet)),
		r("POST", "/visits/{id}/record", wubu.PermOrderEdit, call(h, http.StatusOK, h.visitRecord)),
		r("GET", "/rooms/{id}/findings", wubu.PermOrderView, call(h, http.StatusOK, h.roomFindings)),
		r("GET", "/findings/{id}/photo", wubu.PermOrderView, h.findingPhoto),

		r("GET", "/projects/{id}/home-services", wubu.PermOrderView, call(h, http.StatusOK, h.homeServiceList)),
		r("POST", "/projects/{id}/home-services", wubu.PermSettingsEdit, call(h, http.StatusCreated, h.homeServiceCreate)),
		r("PATCH", "/home-services/{id}", wubu.PermSettingsEdit, call(h, http.StatusOK, h.homeServiceUpdate)),
		r("GET", "/projects/{id}/housekeeping-settings", wubu.PermOrderView, call(h, http.StatusOK, h.hkSettingsGet)),
		r("PUT", "/projects/{id}/housekeeping-settings", wubu.PermSettingsEdit, call(h, http.StatusOK, h.hkSettingsPut)),
		r("GET", "/projects/{id}/promotions", wubu.PermOrderView, call(h, http.StatusOK, h.promotionList)),
		r("POST", "/projects/{id}/promotions", wubu.PermSettingsEdit, call(h, http.StatusCreated, h.promotionCreate)),
		r("GET", "/projects/{id}/slots", wubu.PermOrderView, call(h, http.StatusOK, h.slotList)),
		r("GET", "/projects/{id}/bookings", wubu.PermOrderView, call(h, http.StatusOK, h.bookingList)),
		r("POST", "/projects/{id}/bookings", wubu.PermOrderEdit, call(h, http.StatusCreated, h.bookingCreate)),
		r("GET", "/projects/{id}/my-bookings", wubu.PermOrderView, call(h, http.StatusOK, h.myBookings)),
		r("GET", "/bookings/{id}", wubu.PermOrderView, call(h, http.StatusOK, h.bookingGet)),
		r("POST", "/bookings/{id}/reschedule", wubu.PermOrderEdit, call(h, http.StatusOK, h.bookingReschedule)),
		r("POST", "/bookings/{id}/reassign", wubu.PermOrderDispatch, call(h, http.StatusOK, h.bookingReassign)),
		r("POST", "/bookings/{id}/cancel", wubu.PermOrderEdit, call(h, http.StatusOK, h.bookingCancel)),
		r("POST", "/bookings/{id}/complete", wubu.PermOrderEdit, call(h, http.StatusOK, h.bookingComplete)),
		r("GET", "/residents/{id}/needs", wubu.PermOrderView, call(h, http.StatusOK, h.needList)),
		r("POST", "/residents/{id}/needs", wubu.PermOrderEdit, call(h, http.StatusCreated, h.needCreate)),
	}
}

var hkZone = time.FixedZone("CST", 8*3600)

// parseSlot reads a slot's start: RFC 3339, or "2026-11-28T10:00" /
// "2026-11-28 10:00" in China time.
func parseSlot(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, hkZone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, wubu.FieldErrorf(field, wubu.EINVALID, "Write the slot as 2026-11-28 10:00.")
}

func (h *Handler) campaignList(r *http.Request, id int64, _ none) (list[*wubu.Campaign], error) {
	cs, err := h.Inspections.FindCampaigns(r.Context(), id)
	return newList(cs, len(cs), 0), err
}

func (h *Handler) campaignCreate(r *http.Request, id int64, c wubu.Campaign) (*wubu.Campaign, error) {
	c.ProjectID = id
	return &c, h.Inspections.CreateCampaign(r.Context(), &c)
}

type campaignResponse struct {
	*wubu.Campaign
	Progress []*wubu.BuildingProgress `json:"progress"`
}

func (h *Handler) campaignGet(r *http.Request, id int64, _ none) (*campaignResponse, error) {
	c, err := h.Inspections.FindCampaign(r.Context(), id)
	if err != nil {
		return nil, err
	}
	p, err := h.Inspections.CampaignProgress(r.Context(), id)
	return &campaignResponse{Campaign: c, Progress: p}, err
}

func (h *Handler) visitList(r *http.Request, id int64, _ none) (list[*wubu.InspectionVisit], error) {
	offset, limit := paging(r)
	f := wubu.VisitFilter{CampaignID: id, Offset: offset, Limit: limit}
	var err error
	if f.BuildingID, err = queryID(r, "building_id"); err != nil {
		return list[*wubu.InspectionVisit]{}, err
	}
	if f.AssigneeID, err = queryID(r, "assignee_id"); err != nil {
		return list[*wubu.InspectionVisit]{}, err
	}
	if s := r.URL.Query().Get("status"); s != "" {
		st := wubu.VisitStatus(s)
		f.Status = &st
	}
	vs, total, err := h.Inspections.FindVisits(r.Context(), f)
	return newList(vs, total, offset), err
}

type assignRequest struct {
	BuildingID *int64  `json:"building_id"`
	VisitIDs   []int64 `json:"visit_ids"`
	UserID     int64   `json:"user_id"`
}

type assignResponse struct {
	Assigned int `json:"assigned"`
}

func (h *Handler) visitsAssign(r *http.Request, id int64, req assignRequest) (*assignResponse, error) {
	n, err := h.Inspections.AssignVisits(r.Context(), id, req.BuildingID, req.VisitIDs, req.UserID)
	return &assignResponse{Assigned: n}, err
}

func (h *Handler) myVisits(r *http.Request, id int64, _ none) (list[*wubu.InspectionVisit], error) {
	vs, err := h.Inspections.MyVisits(r.Context(), id)
	return newList(vs, len(vs), 0), err
}

func (h *Handler) visitGet(r *http.Request, id int64, _ none) (*wubu.InspectionVisit, error) {
	return h.Inspections.FindVisit(r.Context(), id)
}

func (h *Handler) visitRecord(r *http.Request, id int64, rec wubu.VisitRecord) (*wubu.InspectionVisit, error) {
	v, err := h.Inspections.RecordVisit(r.Context(), id, rec)
	if err == nil {
		for _, f := range v.Findings {
			f.Photo = nil // stored; fetched from /findings/{id}/photo
		}
	}
	return v, err
}

func (h *Handler) roomFindings(r *http.Request, id int64, _ none) (list[*wubu.Finding], error) {
	fs, err := h.Inspections.RoomFindings(r.Context(), id)
	return newList(fs, len(fs), 0), err
}

func (h *Handler) findingPhoto(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ct, data, err := h.Inspections.FindingPhoto(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteImage(w, ct, data)
}

func (h *Handler) homeServiceList(r *http.Request, id int64, _ none) (list[*wubu.HomeService], error) {
	ss, err := h.Housekeeping.FindServices(r.Context(), id, r.URL.Query().Get("all") == "1")
	return newList(ss, len(ss), 0), err
}

func (h *Handler) homeServiceCreate(r *http.Request, id int64, s wubu.HomeService) (*wubu.HomeService, error) {
	s.ID, s.ProjectID, s.PromoPriceFen = 0, id, nil
	return &s, h.Housekeeping.SaveService(r.Context(), &s)
}

// homeServiceUpdate is a change to a catalogue entry; nil fields stay.
type homeServiceUpdate struct {
	Category    *wubu.ServiceCategory `json:"category"`
	Name        *string               `json:"name"`
	Unit        *string               `json:"unit"`
	PriceFen    *int64                `json:"price_fen"`
	DurationMin *int                  `json:"duration_min"`
	Active      *bool                 `json:"active"`
}

func (h *Handler) homeServiceUpdate(r *http.Request, id int64, u homeServiceUpdate) (*wubu.HomeService, error) {
	s, err := h.Housekeeping.FindService(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if u.Category != nil {
		s.Category = *u.Category
	}
	if u.Name != nil {
		s.Name = *u.Name
	}
	if u.Unit != nil {
		s.Unit = *u.Unit
	}
	if u.PriceFen != nil {
		s.PriceFen = *u.PriceFen
	}
	if u.DurationMin != nil {
		s.DurationMin = *u.DurationMin
	}
	if u.Active != nil {
		s.Active = *u.Active
	}
	return s, h.Housekeeping.SaveService(r.Context(), s)
}

func (h *Handler) hkSettingsGet(r *http.Request, id int64, _ none) (*wubu.HousekeepingSettings, error) {
	return h.Housekeeping.Settings(r.Context(), id)
}

func (h *Handler) hkSettingsPut(r *http.Request, id int64, s wubu.HousekeepingSettings) (*wubu.HousekeepingSettings, error) {
	s.ProjectID = id
	return &s, h.Housekeeping.SaveSettings(r.Context(), &s)
}

func (h *Handler) promotionList(r *http.Request, id int64, _ none) (list[*wubu.Promotion], error) {
	ps, err := h.Housekeeping.FindPromotions(r.Context(), id)
	return newList(ps, len(ps), 0), err
}

func (h *Handler) promotionCreate(r *http.Request, id int64, p wubu.Promotion) (*wubu.Promotion, error) {
	p.ProjectID = id
	return &p, h.Housekeeping.CreatePromotion(r.Context(), &p)
}

func (h *Handler) slotList(r *http.Request, id int64, _ none) (list[*wubu.Slot], error) {
	ss, err := h.Housekeeping.Slots(r.Context(), id, r.URL.Query().Get("date"))
	return newList(ss, len(ss), 0), err
}

// dayRange reads ?date= (default today, China time) as a day's bounds.
func (h *Handler) dayRange(r *http.Request) (time.Time, time.Time, error) {
	day := h.Clock.Now().In(hkZone)
	if s := r.URL.Query().Get("date"); s != "" {
		d, err := time.ParseInLocation(time.DateOnly, s, hkZone)
		if err != nil {
			return time.Time{}, time.Time{}, wubu.FieldErrorf("date", wubu.EINVALID, "Date %q is not valid: write it as 2026-11-27.", s)
		}
		day = d
	}
	from := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, hkZone)
	return from, from.AddDate(0, 0, 1), nil
}

func (h *Handler) bookingList(r *http.Request, id int64, _ none) (list[*wubu.Booking], error) {
	offset, limit := paging(r)
	f := wubu.BookingFilter{ProjectID: id, Offset: offset, Limit: limit}
	var err error
	if f.CleanerID, err = queryID(r, "cleaner_id"); err != nil {
		return list[*wubu.Booking]{}, err
	}
	if f.PersonID, err = queryID(r, "person_id"); err != nil {
		return list[*wubu.Booking]{}, err
	}
	if s := r.URL.Query().Get("status"); s != "" {
		st := wubu.BookingStatus(s)
		f.Status = &st
	}
	if r.URL.Query().Get("date") != "" {
		from, to, err := h.dayRange(r)
		if err != nil {
			return list[*wubu.Booking]{}, err
		}
		f.From, f.To = &from, &to
	}
	bs, total, err := h.Housekeeping.FindBookings(r.Context(), f)
	return newList(bs, total, offset), err
}

type bookingRequest struct {
	ServiceID int64  `json:"service_id"`
	PersonID  int64  `json:"person_id"`
	RoomID    int64  `json:"room_id"`
	Slot      string `json:"slot"`
	Note      string `json:"note"`
}

func (h *Handler) bookingCreate(r *http.Request, id int64, req bookingRequest) (*wubu.Booking, error) {
	slot, err := parseSlot("slot", req.Slot)
	if err != nil {
		return nil, err
	}
	// The service must be this project's: Book finds its project from it.
	s, err := h.Housekeeping.FindService(r.Context(), req.ServiceID)
	if err != nil {
		return nil, err
	}
	if s.ProjectID != id {
		return nil, wubu.FieldErrorf("service_id", wubu.ENOTFOUND, "Service not found.")
	}
	b := &wubu.Booking{ServiceID: req.ServiceID, PersonID: req.PersonID, RoomID: req.RoomID, SlotStart: slot, Note: req.Note}
	return b, h.Housekeeping.Book(r.Context(), b)
}

// myBookings is the cleaner's day: GET …/my-bookings[?date=2026-11-28].
func (h *Handler) myBookings(r *http.Request, id int64, _ none) (list[*wubu.Booking], error) {
	from, to, err := h.dayRange(r)
	if err != nil {
		return list[*wubu.Booking]{}, err
	}
	me := wubu.UserFromContext(r.Context()).ID
	bs, total, err := h.Housekeeping.FindBookings(r.Context(), wubu.BookingFilter{ProjectID: id, CleanerID: &me, From: &from, To: &to})
	return newList(bs, total, 0), err
}

func (h *Handler) bookingGet(r *http.Request, id int64, _ none) (*wubu.Booking, error) {
	return h.Housekeeping.FindBooking(r.Context(), id)
}

type rescheduleRequest struct {
	Slot string `json:"slot"`
}

func (h *Handler) bookingReschedule(r *http.Request, id int64, req rescheduleRequest) (*wubu.Booking, error) {
	slot, err := parseSlot("slot", req.Slot)
	if err != nil {
		return nil, err
	}
	return h.Housekeeping.Reschedule(r.Context(), id, slot)
}

type reassignRequest struct {
	CleanerID int64 `json:"cleaner_id"`
}

func (h *Handler) bookingReassign(r *http.Request, id int64, req reassignRequest) (*wubu.Booking, error) {
	return h.Housekeeping.Reassign(r.Context(), id, req.CleanerID)
}

type cancelRequest struct {
	Reason string `json:"reason"`
}

func (h *Handler) bookingCancel(r *http.Request, id int64, req cancelRequest) (*wubu.Booking, error) {
	return h.Housekeeping.Cancel(r.Context(), id, req.Reason)
}

type completeRequest struct {
	Note  string   `json:"note"`
	Needs []string `json:"needs"`
}

func (h *Handler) bookingComplete(r *http.Request, id int64, req completeRequest) (*wubu.Booking, error) {
	return h.Housekeeping.Complete(r.Context(), id, req.Note, req.Needs)
}

func (h *Handler) needList(r *http.Request, id int64, _ none) (list[*wubu.Need], error) {
	ns, err := h.Housekeeping.Needs(r.Context(), id)
	return newList(ns, len(ns), 0), err
}

type needRequest struct {
	Text string `json:"text"`
}

func (h *Handler) needCreate(r *http.Request, id int64, req needRequest) (*wubu.Need, error) {
	return h.Housekeeping.AddNeed(r.Context(), id, req.Text)
}
