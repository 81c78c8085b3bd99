package api

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// deskRoutes are the routes of the front-desk queue (E2), the stairwell
// notices (E4) and the gifts (D2, C6, D4).
func (h *Handler) deskRoutes(r func(string, string, wubu.Permission, http.HandlerFunc) server.Route) []server.Route {
	return []server.Route{
		r("GET", "/projects/{id}/desk", wubu.PermResidentView, call(h, http.StatusOK, h.deskBoard)),
		r("POST", "/projects/{id}/desk/tickets", wubu.PermResidentEdit, call(h, http.StatusCreated, h.deskTake)),
		r("POST", "/desk/tickets/{id}/serve", wubu.PermResidentEdit, call(h, http.StatusOK, h.deskStep(wubu.TicketServe))),
		r("POST", "/desk/tickets/{id}/finish", wubu.PermResidentEdit, call(h, http.StatusOK, h.deskStep(wubu.TicketFinish))),
		r("POST", "/desk/tickets/{id}/leave", wubu.PermResidentEdit, call(h, http.StatusOK, h.deskStep(wubu.TicketLeave))),
		r("GET", "/projects/{id}/desk/report", wubu.PermReportView, call(h, http.StatusOK, h.deskReport)),
		r("GET", "/projects/{id}/desk/settings", wubu.PermResidentView, call(h, http.StatusOK, h.deskSettings)),
		r("PUT", "/projects/{id}/desk/settings", wubu.PermSettingsEdit, call(h, http.StatusOK, h.deskSettingsPut)),
		r("GET", "/projects/{id}/notices", wubu.PermResidentView, call(h, http.StatusOK, h.noticeList)),
		r("POST", "/notices", wubu.PermResidentEdit, call(h, http.StatusCreated, h.noticePost)),
		r("GET", "/projects/{id}/gifts", wubu.PermResidentView, call(h, http.StatusOK, h.giftList)),
		r("POST", "/gifts/handouts", wubu.PermResidentEdit, call(h, http.StatusCreated, h.giftHandout)),
		r("GET", "/gift-campaigns/{id}/pending", wubu.PermResidentView, call(h, http.StatusOK, h.giftPending)),
	}
}

// deskBoard: GET /api/v1/projects/{id}/desk, the live board.
func (h *Handler) deskBoard(r *http.Request, id int64, _ none) (*wubu.DeskBoard, error) {
	return h.Desk.Board(r.Context(), id)
}

// deskTakeRequest takes a number.
type deskTakeRequest struct {
	Business wubu.DeskBusiness `json:"business"`
	Note     string            `json:"note"`
}

// deskTake: POST /api/v1/projects/{id}/desk/tickets.
func (h *Handler) deskTake(r *http.Request, id int64, req deskTakeRequest) (*wubu.DeskTicket, error) {
	return h.Desk.TakeNumber(r.Context(), id, req.Business, req.Note)
}

// deskStep makes the handler of a ticket's step: POST
// /api/v1/desk/tickets/{id}/serve, /finish or /leave.
func (h *Handler) deskStep(action string) func(*http.Request, int64, none) (*wubu.DeskTicket, error) {
	return func(r *http.Request, id int64, _ none) (*wubu.DeskTicket, error) {
		switch action {
		case wubu.TicketServe:
			return h.Desk.ServeTicket(r.Context(), id)
		case wubu.TicketFinish:
			return h.Desk.FinishTicket(r.Context(), id)
		}
		return h.Desk.LeaveTicket(r.Context(), id)
	}
}

// deskReport: GET /api/v1/projects/{id}/desk/report?from=2026-12-01&to=2026-12-07.
func (h *Handler) deskReport(r *http.Request, id int64, _ none) (list[*wubu.DeskStat], error) {
	q := r.URL.Query()
	items, err := h.Desk.DeskReport(r.Context(), id, q.Get("from"), q.Get("to"))
	return newList(items, len(items), 0), err
}

// deskSettings: GET /api/v1/projects/{id}/desk/settings, the threshold,
// the recall minutes and the standby staff.
func (h *Handler) deskSettings(r *http.Request, id int64, _ none) (*wubu.DeskSettings, error) {
	return h.Desk.DeskSettings(r.Context(), id)
}

// deskSettingsPut: PUT /api/v1/projects/{id}/desk/settings.
func (h *Handler) deskSettingsPut(r *http.Request, id int64, req wubu.DeskSettings) (*wubu.DeskSettings, error) {
	req.ProjectID = id
	return h.Desk.UpdateDeskSettings(r.Context(), req)
}

// noticeList: GET /api/v1/projects/{id}/notices[?unit=ID][&building=ID][&offset=N],
// the log of stairwell notices, newest first.
func (h *Handler) noticeList(r *http.Request, id int64, _ none) (list[*wubu.StairwellNotice], error) {
	q := r.URL.Query()
	f := wubu.NoticeFilter{Limit: 100}
	f.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	f.BuildingID, _ = strconv.ParseInt(q.Get("building"), 10, 64)
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	items, total, err := h.Stairwell.FindNotices(r.Context(), id, f)
	return newList(items, total, f.Offset), err
}

// noticePost: POST /api/v1/notices, a notice posted in a unit.
func (h *Handler) noticePost(r *http.Request, _ int64, req wubu.StairwellNotice) (*wubu.StairwellNotice, error) {
	n := &wubu.StairwellNotice{UnitID: req.UnitID, TemplateID: req.TemplateID, Title: req.Title, Body: req.Body, Reason: req.Reason}
	if err := h.Stairwell.PostNotice(r.Context(), n); err != nil {
		return nil, err
	}
	return h.Stairwell.FindNotice(r.Context(), n.ID)
}

// giftList: GET /api/v1/projects/{id}/gifts, the items and their stock.
func (h *Handler) giftList(r *http.Request, id int64, _ none) (list[*wubu.GiftItem], error) {
	items, err := h.Gifts.GiftItems(r.Context(), id)
	return newList(items, len(items), 0), err
}

// giftHandout: POST /api/v1/gifts/handouts.
func (h *Handler) giftHandout(r *http.Request, _ int64, req wubu.GiftHandoutRequest) (*wubu.GiftMovement, error) {
	return h.Gifts.HandOutGift(r.Context(), req)
}

// giftPending: GET /api/v1/gift-campaigns/{id}/pending, the households
// still to receive the campaign's gift.
func (h *Handler) giftPending(r *http.Request, id int64, _ none) (list[*wubu.GiftHousehold], error) {
	items, err := h.Gifts.PendingHouseholds(r.Context(), id)
	return newList(items, len(items), 0), err
}
