package api

import (
	"net/http"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// roundTableRoutes are the routes of round tables and lobby hours (A1,
// A2): a project's slots, booking a resident into a slot, and a month's
// lobby reception hours — what the resident portal will show.
func (h *Handler) roundTableRoutes(r func(string, string, wubu.Permission, http.HandlerFunc) server.Route) []server.Route {
	return []server.Route{
		r("GET", "/projects/{id}/round-tables", wubu.PermResidentView, call(h, http.StatusOK, h.roundTableList)),
		r("POST", "/round-tables/{id}/booking", wubu.PermResidentEdit, call(h, http.StatusOK, h.roundTableBook)),
		r("GET", "/projects/{id}/lobby-hours", wubu.PermResidentView, call(h, http.StatusOK, h.lobbyHours)),
	}
}

// roundTableList: GET /api/v1/projects/{id}/round-tables?state=open, the
// slots from today on (?from=2026-12-01 for others), by start.
func (h *Handler) roundTableList(r *http.Request, id int64, _ none) (list[*wubu.RoundTableSlot], error) {
	q := r.URL.Query()
	f := wubu.RoundTableFilter{State: q.Get("state")}
	day := h.Clock.Now().In(hkZone)
	from := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, hkZone)
	if s := q.Get("from"); s != "" {
		t, err := time.ParseInLocation("2006-01-02", s, hkZone)
		if err != nil {
			return list[*wubu.RoundTableSlot]{}, wubu.FieldErrorf("from", wubu.EINVALID, "Write the date as 2026-11-27.")
		}
		from = t
	}
	f.From = &from
	items, err := h.RoundTables.FindRoundTables(r.Context(), id, f)
	return newList(items, len(items), 0), err
}

// roundTableBooking names the resident to book.
type roundTableBooking struct {
	PersonID int64 `json:"person_id"`
}

// roundTableBook: POST /api/v1/round-tables/{id}/booking, by staff; 409
// when the slot is taken.
func (h *Handler) roundTableBook(r *http.Request, id int64, req roundTableBooking) (*wubu.RoundTableSlot, error) {
	return h.RoundTables.BookRoundTable(r.Context(), id, req.PersonID, wubu.BookedByStaff)
}

// lobbyHours: GET /api/v1/projects/{id}/lobby-hours?month=2026-12&building=3,
// the month's schedule (this month when not given) with each entry's dates.
func (h *Handler) lobbyHours(r *http.Request, id int64, _ none) (list[*wubu.LobbyHours], error) {
	building, err := queryID(r, "building")
	if err != nil {
		return list[*wubu.LobbyHours]{}, err
	}
	var b int64
	if building != nil {
		b = *building
	}
	month := r.URL.Query().Get("month")
	if month == "" {
		month = h.Clock.Now().In(hkZone).Format("2006-01")
	}
	items, err := h.Lobby.LobbyHours(r.Context(), id, b, month)
	return newList(items, len(items), 0), err
}
