package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// roundTableRoutes are the pages of round tables (A1): a project's slots
// with the form publishing a day's series, and a talk's page to book a
// resident, cancel, record the talk's notes and its follow-ups.
func (h *Handler) roundTableRoutes() []server.Route {
	steps := h.roundTableSteps()
	return []server.Route{
		{Method: "GET", Path: "/round-tables", Perm: wubu.PermResidentView, Handler: h.roundTableList},
		{Method: "POST", Path: "/round-tables", Perm: wubu.PermResidentEdit, Handler: h.roundTablePublish},
		{Method: "GET", Path: "/round-tables/{id}", Perm: wubu.PermResidentView, Handler: h.roundTableShow},
		{Method: "POST", Path: "/round-tables/{id}/book", Perm: wubu.PermResidentEdit, Handler: h.step(steps, "book_", h.roundTableBook)},
		{Method: "POST", Path: "/round-tables/{id}/cancel", Perm: wubu.PermResidentEdit, Handler: h.step(steps, "cancel_", h.roundTableCancel)},
		{Method: "POST", Path: "/round-tables/{id}/hold", Perm: wubu.PermResidentEdit, Handler: h.step(steps, "hold_", h.roundTableHold)},
		{Method: "POST", Path: "/round-tables/{id}/withdraw", Perm: wubu.PermResidentEdit, Handler: h.step(steps, "withdraw_", h.roundTableWithdraw)},
		{Method: "POST", Path: "/round-tables/{id}/follow-ups", Perm: wubu.PermResidentEdit, Handler: h.step(steps, "followup_", h.roundTableFollowUp)},
		{Method: "POST", Path: "/round-tables/{id}/follow-ups/{followup}/close", Perm: wubu.PermResidentEdit, Handler: h.step(steps, "close_", h.roundTableCloseFollowUp)},
	}
}

// slotTime shows a slot's start: 2026-11-30 09:30.
type slotTime struct{}

// At is a slot's start in China Standard Time.
func (slotTime) At(t time.Time) string { return t.In(cst).Format("2006-01-02 15:04") }

type roundTableListView struct {
	securityPage
	slotTime
	Slots []*wubu.RoundTableSlot
	Staff []*wubu.User
	// All shows the past slots too.
	All bool
}

func (h *Handler) roundTableListView(r *http.Request) (*roundTableListView, error) {
	base, err := h.newSecurityPage(r, "Round tables")
	if err != nil {
		return nil, err
	}
	base.CanEdit = wubu.UserFromContext(r.Context()).Can(wubu.PermResidentEdit)
	v := &roundTableListView{securityPage: base, All: r.FormValue("all") == "1"}
	if v.ProjectID == 0 {
		return v, nil
	}
	var f wubu.RoundTableFilter
	if !v.All {
		local := v.Now.In(cst)
		day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, cst)
		f.From = &day
	}
	if v.Slots, err = h.RoundTables.FindRoundTables(r.Context(), v.ProjectID, f); err != nil {
		return nil, err
	}
	if v.CanEdit {
		if v.Staff, err = h.focusStaff(r, v.ProjectID); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (h *Handler) roundTableList(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.roundTableListView, "round_tables")
}

// roundTablePublish publishes a day's series of slots: the start times
// separated by commas or spaces.
func (h *Handler) roundTablePublish(w http.ResponseWriter, r *http.Request) {
	parseForm(w, r)
	v, err := h.roundTableListView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	minutes, _ := strconv.Atoi(strings.TrimSpace(r.FormValue("minutes")))
	host, _ := strconv.ParseInt(r.FormValue("host_id"), 10, 64)
	times := strings.FieldsFunc(r.FormValue("times"), func(c rune) bool { return c == ',' || c == '，' || c == ' ' || c == '、' })
	slots, err := h.RoundTables.PublishRoundTables(r.Context(), wubu.RoundTableSeries{ProjectID: v.ProjectID, Day: r.FormValue("day"), Times: times,
		Minutes: minutes, Place: r.FormValue("place"), HostID: host})
	if err != nil {
		if !refusedStep(err) {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, refuse(r, v, r.Form, err, ""), "round_tables", v)
		return
	}
	h.redirect(w, r, "/round-tables?project="+strconv.FormatInt(v.ProjectID, 10), h.T(r, "%d slots published.", len(slots)))
}

type roundTableView struct {
	securityPage
	slotTime
	Slot  *wubu.RoundTableSlot
	Staff []*wubu.User
}

func (h *Handler) roundTableView(r *http.Request) (*roundTableView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	base, err := h.newSecurityPage(r, "Round table")
	if err != nil {
		return nil, err
	}
	base.CanEdit = wubu.UserFromContext(r.Context()).Can(wubu.PermResidentEdit)
	v := &roundTableView{securityPage: base}
	if v.Slot, err = h.RoundTables.FindRoundTable(r.Context(), id); err != nil {
		return nil, err
	}
	v.ProjectID = v.Slot.ProjectID
	if v.CanEdit {
		if v.Staff, err = h.focusStaff(r, v.ProjectID); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (h *Handler) roundTableShow(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.roundTableView, "round_table")
}

// roundTableSteps are a talk's page for its forms.
func (h *Handler) roundTableSteps() stepPage {
	return stepPage{path: "/round-tables/%d", reshow: reshowWith(h, h.roundTableView, "round_table")}
}

// roundTableBook books a resident: by ID (from the resident's card), or
// the one found by their room, name or phone's last four digits, as at the
// lookup.
func (h *Handler) roundTableBook(r *http.Request, id int64) (string, error) {
	person := optID(r, "person_id")
	if person == nil {
		s, err := h.RoundTables.FindRoundTable(r.Context(), id)
		if err != nil {
			return "", err
		}
		hits, err := h.Residents.Lookup(r.Context(), s.ProjectID, r.FormValue("resident"), 2)
		if err != nil {
			return "", err
		}
		if len(hits) != 1 {
			return "", wubu.FieldErrorf("resident", wubu.EINVALID, "Name one resident: their room, name or phone's last four digits.")
		}
		person = &hits[0].PersonID
	}
	s, err := h.RoundTables.BookRoundTable(r.Context(), id, *person, wubu.BookedByStaff)
	if err != nil {
		if e := wubu.AsError(err); e != nil && e.Field == "person_id" {
			err = &wubu.Error{Code: e.Code, Format: e.Format, Args: e.Args, Field: "resident"}
		}
		return "", err
	}
	return h.T(r, "%s is booked.", s.PersonName), nil
}

func (h *Handler) roundTableCancel(r *http.Request, id int64) (string, error) {
	_, err := h.RoundTables.CancelRoundTable(r.Context(), id, r.FormValue("reason"))
	return h.T(r, "The booking is cancelled: the slot is free again."), err
}

func (h *Handler) roundTableHold(r *http.Request, id int64) (string, error) {
	_, err := h.RoundTables.HoldRoundTable(r.Context(), id, r.FormValue("notes"))
	return h.T(r, "The talk's notes are recorded."), err
}

func (h *Handler) roundTableWithdraw(r *http.Request, id int64) (string, error) {
	_, err := h.RoundTables.WithdrawRoundTable(r.Context(), id)
	return h.T(r, "Slot withdrawn."), err
}

// roundTableFollowUp plans a follow-up of the talk, due at the end of the
// day chosen.
func (h *Handler) roundTableFollowUp(r *http.Request, id int64) (string, error) {
	f := &wubu.TalkFollowUp{SlotID: id, Action: r.FormValue("action")}
	f.OwnerID, _ = strconv.ParseInt(r.FormValue("owner_id"), 10, 64)
	if d := strings.TrimSpace(r.FormValue("due_on")); d != "" {
		t, err := time.ParseInLocation("2006-01-02", d, cst)
		if err != nil {
			return "", wubu.FieldErrorf("due_at", wubu.EINVALID, "Write the date as 2026-11-27.")
		}
		f.DueAt = t.Add(24*time.Hour - time.Minute).UTC()
	}
	return h.T(r, "Follow-up planned."), h.RoundTables.PlanTalkFollowUp(r.Context(), f)
}

func (h *Handler) roundTableCloseFollowUp(r *http.Request, _ int64) (string, error) {
	fid, err := pathID(r, "followup")
	if err != nil {
		return "", err
	}
	_, err = h.RoundTables.CloseTalkFollowUp(r.Context(), fid, r.FormValue("outcome"))
	return h.T(r, "Follow-up closed."), err
}
