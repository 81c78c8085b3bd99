package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// moveInRoutes are the screens of move-ins by zone (K7): the desk's list
// with the progress per zone, starting one (also from the sales office's
// prospects: /projects/{id}/move-ins/new?room=…&name=…&source=prospect&ref=…
// fills the form without retyping), the assistant's phone page with the
// checklist, and the project's checklist.
func (h *Handler) moveInRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/projects/{id}/move-ins", Perm: wubu.PermResidentView, Handler: h.moveInList},
		{Method: "GET", Path: "/projects/{id}/move-ins/export", Perm: wubu.PermResidentView, Handler: h.moveInExport},
		{Method: "GET", Path: "/projects/{id}/move-ins/new", Perm: wubu.PermResidentEdit, Handler: h.moveInNew},
		{Method: "POST", Path: "/projects/{id}/move-ins", Perm: wubu.PermResidentEdit, Handler: h.moveInCreate},
		{Method: "POST", Path: "/projects/{id}/move-ins/checklist", Perm: wubu.PermSettingsEdit, Handler: h.moveInChecklist},
		{Method: "GET", Path: "/move-ins/{id}", Perm: wubu.PermResidentView, Handler: h.moveInShow},
		{Method: "POST", Path: "/move-ins/{id}/check", Perm: wubu.PermResidentEdit, Handler: h.moveInCheck},
		{Method: "POST", Path: "/move-ins/{id}/complete", Perm: wubu.PermResidentEdit, Handler: h.moveInComplete},
		{Method: "POST", Path: "/move-ins/{id}/cancel", Perm: wubu.PermResidentEdit, Handler: h.moveInCancel},
	}
}

type moveInsView struct {
	Page
	Project   *wubu.Project
	MoveIns   []*wubu.MoveIn
	Progress  []*wubu.ZoneProgress
	Zones     []*wubu.Zone
	Checklist []wubu.MoveInItem
	// Filters kept in the URL.
	State, Zone string
	Stalled     bool
	CanEdit     bool
	CanSettings bool
}

// States are the choices of the state filter.
func (v *moveInsView) States() []string { return []string{"open", "completed", "cancelled"} }

// moveInList lists a project's move-ins with the progress per zone.
func (h *Handler) moveInList(w http.ResponseWriter, r *http.Request) {
	h.renderMoveIns(w, r, http.StatusOK, nil)
}

func (h *Handler) renderMoveIns(w http.ResponseWriter, r *http.Request, status int, refused error) {
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
	v := &moveInsView{Page: h.newPage(r, "Move-ins"), Project: p, State: q.Get("state"), Zone: q.Get("zone"), Stalled: q.Get("stalled") == "1",
		CanEdit: wubu.UserFromContext(ctx).Can(wubu.PermResidentEdit), CanSettings: wubu.UserFromContext(ctx).Can(wubu.PermSettingsEdit)}
	f := wubu.MoveInFilter{State: wubu.MoveInState(v.State), Stalled: v.Stalled}
	if z, err := strconv.ParseInt(v.Zone, 10, 64); err == nil {
		f.ZoneID = &z
	}
	if v.MoveIns, err = h.MoveIns.FindMoveIns(ctx, id, f); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Progress, err = h.MoveIns.MoveInProgress(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Zones, err = h.Org.FindZones(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Checklist, err = h.MoveIns.MoveInChecklist(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if refused != nil {
		v.Form = r.PostForm
		status = formError(r, &v.Page, refused, "")
	} else {
		labels := make([]string, len(v.Checklist))
		for i, it := range v.Checklist {
			labels[i] = it.Label
		}
		v.Form.Set("items", strings.Join(labels, "\n"))
	}
	h.render(w, r, status, "move_ins", v)
}

// moveInExport writes the move-ins of the list's filters as .xlsx: one
// row a household with its zone, assistant, items done and state.
func (h *Handler) moveInExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := wubu.MoveInFilter{State: wubu.MoveInState(q.Get("state")), Stalled: q.Get("stalled") == "1"}
	if z, err := strconv.ParseInt(q.Get("zone"), 10, 64); err == nil {
		f.ZoneID = &z
	}
	list, err := h.MoveIns.FindMoveIns(ctx, id, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "Move-ins")
	rows := [][]any{{p.T("Room"), p.T("Name"), p.T("Zone"), p.T("Assistant"), p.T("Move-in date"), p.T("Items done"), p.T("State")}}
	for _, m := range list {
		state := p.T("move_in:" + string(m.State))
		if m.Stalled {
			state = p.T("Stalled")
		}
		rows = append(rows, []any{m.Room, m.Name, m.ZoneName, m.AssistantName, m.MoveInOn, strconv.Itoa(len(m.Checks)) + "/" + strconv.Itoa(m.Items), state})
	}
	h.writeXLSX(w, r, p.T("Move-ins"), "move-ins-"+strconv.FormatInt(id, 10)+".xlsx", rows)
}

type moveInNewView struct {
	Page
	Project   *wubu.Project
	Relations []wubu.Relation
}

// moveInNew is the form to start a move-in; its query fills it (a
// prospect's name and room).
func (h *Handler) moveInNew(w http.ResponseWriter, r *http.Request) {
	h.renderMoveInNew(w, r, http.StatusOK, nil)
}

func (h *Handler) renderMoveInNew(w http.ResponseWriter, r *http.Request, status int, refused error) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.Projects.FindProjectByID(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &moveInNewView{Page: h.newPage(r, "Start a move-in"), Project: p, Relations: []wubu.Relation{wubu.RelationOwner, wubu.RelationTenant}}
	if refused != nil {
		v.Form = r.PostForm
		status = formError(r, &v.Page, refused, "")
	} else {
		q := r.URL.Query()
		for _, k := range []string{"room", "name", "phone", "source", "ref"} {
			v.Form.Set(k, q.Get(k))
		}
		v.Form.Set("move_in_on", h.Clock.Now().In(cst).Format("2006-01-02"))
	}
	h.render(w, r, status, "move_in_new", v)
}

// moveInCreate starts the move-in and opens its page.
func (h *Handler) moveInCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m := &wubu.MoveIn{ProjectID: id, Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone"), Relation: wubu.Relation(r.PostFormValue("relation")),
		Members:  strings.FieldsFunc(r.PostFormValue("members"), func(c rune) bool { return c == '\n' || c == '、' || c == ',' || c == '，' }),
		MoveInOn: r.PostFormValue("move_in_on"), Source: r.PostFormValue("source"), SourceRef: r.PostFormValue("ref")}
	label := strings.TrimSpace(r.PostFormValue("room"))
	rooms, _, err := h.Org.FindRooms(r.Context(), wubu.RoomFilter{ProjectID: id, Label: &label, Limit: 1})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(rooms) == 0 {
		h.renderMoveInNew(w, r, 0, wubu.FieldErrorf("room", wubu.EINVALID, "Room %q does not exist in this project.", label))
		return
	}
	m.RoomID = rooms[0].ID
	if err := h.MoveIns.StartMoveIn(r.Context(), m); err != nil {
		if c := wubu.ErrorCode(err); c != wubu.EINVALID && c != wubu.ECONFLICT {
			h.fail(w, r, err)
			return
		}
		h.renderMoveInNew(w, r, 0, err)
		return
	}
	h.redirect(w, r, "/move-ins/"+strconv.FormatInt(m.ID, 10), h.T(r, "Move-in started."))
}

// moveInChecklist replaces the project's checklist (one item a line).
func (h *Handler) moveInChecklist(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.MoveIns.SetMoveInChecklist(r.Context(), id, strings.Split(r.PostFormValue("items"), "\n")); err != nil {
		if wubu.ErrorCode(err) != wubu.EINVALID {
			h.fail(w, r, err)
			return
		}
		h.renderMoveIns(w, r, 0, err)
		return
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(id, 10)+"/move-ins", h.T(r, "Checklist saved."))
}

type moveInView struct {
	Page
	MoveIn    *wubu.MoveIn
	Checklist []moveInLine
	CanEdit   bool
	Left      string
	Done      int
}

// moveInLine is one item of the checklist on the move-in's page.
type moveInLine struct {
	wubu.MoveInItem
	Check *wubu.MoveInCheck
}

// moveInShow is the assistant's phone page of a move-in: the checklist
// with a button per item, the stall clock, completion at the bottom.
func (h *Handler) moveInShow(w http.ResponseWriter, r *http.Request) {
	h.renderMoveIn(w, r, http.StatusOK, nil)
}

func (h *Handler) renderMoveIn(w http.ResponseWriter, r *http.Request, status int, refused error) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m, err := h.MoveIns.FindMoveIn(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items, err := h.MoveIns.MoveInChecklist(r.Context(), m.ProjectID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &moveInView{Page: h.newPage(r, "Move-in"), MoveIn: m, CanEdit: wubu.UserFromContext(r.Context()).Can(wubu.PermResidentEdit)}
	for _, it := range items {
		line := moveInLine{MoveInItem: it}
		for i := range m.Checks {
			if m.Checks[i].ItemID == it.ID {
				line.Check = &m.Checks[i]
				v.Done++
			}
		}
		v.Checklist = append(v.Checklist, line)
	}
	if m.State == wubu.MoveInOpen && m.DueAt != nil {
		v.Left = v.formatLeft(m.DueAt.Sub(h.Clock.Now()))
	}
	if refused != nil {
		v.Form = r.PostForm
		status = formError(r, &v.Page, refused, "")
	}
	h.render(w, r, status, "move_in", v)
}

// moveInStep takes a step of a move-in from its page and shows it again
// with the (translated) flash.
func (h *Handler) moveInStep(w http.ResponseWriter, r *http.Request, step func(id int64) (*wubu.MoveIn, error), flash string) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := step(id); err != nil {
		if c := wubu.ErrorCode(err); c != wubu.EINVALID && c != wubu.ECONFLICT {
			h.fail(w, r, err)
			return
		}
		h.renderMoveIn(w, r, 0, err)
		return
	}
	h.redirect(w, r, "/move-ins/"+strconv.FormatInt(id, 10), flash)
}

// moveInCheck ticks or unticks an item.
func (h *Handler) moveInCheck(w http.ResponseWriter, r *http.Request) {
	item, _ := strconv.ParseInt(r.PostFormValue("item_id"), 10, 64)
	h.moveInStep(w, r, func(id int64) (*wubu.MoveIn, error) {
		return h.MoveIns.CheckMoveIn(r.Context(), id, item, r.PostFormValue("done") == "1", r.PostFormValue("note"))
	}, h.T(r, "Checklist updated."))
}

// moveInComplete completes the move-in: the household is recorded and the
// welcome visit planned.
func (h *Handler) moveInComplete(w http.ResponseWriter, r *http.Request) {
	h.moveInStep(w, r, func(id int64) (*wubu.MoveIn, error) { return h.MoveIns.CompleteMoveIn(r.Context(), id) },
		h.T(r, "Move-in completed: the household is recorded and the welcome visit planned."))
}

// moveInCancel cancels the move-in with a reason.
func (h *Handler) moveInCancel(w http.ResponseWriter, r *http.Request) {
	h.moveInStep(w, r, func(id int64) (*wubu.MoveIn, error) {
		return h.MoveIns.CancelMoveIn(r.Context(), id, r.PostFormValue("reason"))
	}, h.T(r, "Move-in cancelled."))
}
