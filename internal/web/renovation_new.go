package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/cnformat"
	"github.com/wubu-oss/wubu/internal/server"
)

// The renovation application (装修申报) as the desk or the renovation
// manager takes it, on a PC or a phone: the room and its resident, the
// contractor and the workers, the scope, the planned period and the
// drawings; beside it the peak season's information — the knowledge base's
// renovation articles (formaldehyde testing, odour removal) and the
// coming renovation lectures.

func (h *Handler) renovationNewRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/renovations/new", Perm: wubu.PermOrderEdit, Handler: h.renovationNew},
		{Method: "POST", Path: "/renovations", Perm: wubu.PermOrderEdit, Handler: h.renovationCreate},
		{Method: "GET", Path: "/renovations/{id}/files/{photo}", Perm: wubu.PermOrderView, Handler: server.PhotoHandler(h.fail, h.renovationFile)},
	}
}

// workerRow is a row of the application's workers, as typed.
type workerRow struct{ Name, IDNumber, PassNo string }

type renovationNewView struct {
	securityPage
	Scopes []string
	// Room is the room found from what was typed, with its residents.
	Room      *wubu.Room
	Residents []*wubu.LookupResult
	Workers   []workerRow
	// Articles are the knowledge base's renovation articles, Lectures the
	// coming renovation lectures.
	Articles []*wubu.KBEntry
	Lectures []*wubu.Event
}

// HasScope reports whether the form has a scope ticked.
func (v *renovationNewView) HasScope(s string) bool { return slices.Contains(v.Form["scope"], s) }

// renovationNew is the empty application; ?room= (a room's label) or
// ?person= (a resident) fills in the room.
func (h *Handler) renovationNew(w http.ResponseWriter, r *http.Request) {
	base, err := h.newSecurityPage(r, "New renovation application")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &renovationNewView{securityPage: base}
	v.Form.Set("room", r.URL.Query().Get("room"))
	if pid := optID(r, "person"); pid != nil {
		if p, err := h.Residents.FindResident(r.Context(), *pid); err == nil && len(p.Households) > 0 {
			v.ProjectID = p.ProjectID
			v.Form.Set("room", p.Households[0].RoomLabel)
			v.Form.Set("person_id", strconv.FormatInt(p.ID, 10))
		}
	}
	h.renderRenovationNew(w, r, v, http.StatusOK)
}

func (h *Handler) renderRenovationNew(w http.ResponseWriter, r *http.Request, v *renovationNewView, status int) {
	ctx := r.Context()
	v.Scopes = wubu.RenovationScopes
	if label := v.Form.Get("room"); label != "" && v.ProjectID != 0 {
		v.Room, v.Residents, _ = h.roomWithResidents(ctx, v.ProjectID, label)
	}
	v.Workers = workerRows(v.Form)
	if v.ProjectID != 0 {
		// The peak season's information is a help: a failure to read it
		// does not stop the application.
		v.Articles, _ = h.Knowledge.FindKB(ctx, v.ProjectID, wubu.KBRenovation, "")
		v.Lectures = h.renovationLectures(ctx, v.ProjectID)
	}
	h.render(w, r, status, "renovation_new", v)
}

// roomWithResidents finds a project's room by its label as typed
// ("3-1-101", "3栋1单元101") and the residents living in it.
func (h *Handler) roomWithResidents(ctx context.Context, projectID int64, label string) (*wubu.Room, []*wubu.LookupResult, error) {
	label = strings.TrimSpace(label)
	if label == "" {
		return nil, nil, wubu.FieldErrorf("room", wubu.EINVALID, "Give the room, such as 3-1-101.")
	}
	if ref, err := cnformat.ParseRoom(label); err == nil {
		label = ref.String()
	}
	rooms, _, err := h.Org.FindRooms(ctx, wubu.RoomFilter{ProjectID: projectID, Label: &label, Limit: 1})
	if err != nil {
		return nil, nil, err
	}
	if len(rooms) == 0 {
		return nil, nil, wubu.FieldErrorf("room", wubu.EINVALID, "There is no room %s in this project.", label)
	}
	hits, err := h.Residents.Lookup(ctx, projectID, label, 20)
	if err != nil {
		return rooms[0], nil, err
	}
	var out []*wubu.LookupResult
	for _, hit := range hits {
		if slices.Contains(hit.Rooms, rooms[0].Label) {
			out = append(out, hit)
		}
	}
	return rooms[0], out, nil
}

// renovationLectures are a project's renovation lectures to come, soonest
// first.
func (h *Handler) renovationLectures(ctx context.Context, projectID int64) []*wubu.Event {
	events, err := h.Events.FindEvents(ctx, projectID)
	if err != nil {
		return nil
	}
	now := h.Clock.Now()
	var out []*wubu.Event
	for _, e := range events {
		if e.Kind == wubu.EventLecture && e.Topic == "renovation" && e.StartsAt.After(now) && (e.State == wubu.EventPlanned || e.State == wubu.EventOpen) {
			out = append(out, e)
		}
	}
	slices.Reverse(out)
	return out
}

// workerRows are the worker rows of a form as typed, and blank rows to add
// more: at least three, one blank at the end.
func workerRows(form map[string][]string) []workerRow {
	names, ids, passes := form["worker_name"], form["worker_id"], form["worker_pass"]
	var out []workerRow
	for i := range names {
		row := workerRow{Name: names[i]}
		if i < len(ids) {
			row.IDNumber = ids[i]
		}
		if i < len(passes) {
			row.PassNo = passes[i]
		}
		if row != (workerRow{}) {
			out = append(out, row)
		}
	}
	out = append(out, workerRow{})
	for len(out) < 3 {
		out = append(out, workerRow{})
	}
	return out
}

func (h *Handler) renovationCreate(w http.ResponseWriter, r *http.Request) {
	formErr := readStepForm(w, r)
	if formErr != nil {
		r.ParseForm()
	}
	base, err := h.newSecurityPage(r, "New renovation application")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n := &wubu.NewRenovation{ProjectID: base.ProjectID, Company: r.FormValue("company"), LeadName: r.FormValue("lead_name"), LeadPhone: r.FormValue("lead_phone"),
		Scope: r.Form["scope"], Description: r.FormValue("description"), PlannedFrom: r.FormValue("planned_from"), PlannedTo: r.FormValue("planned_to")}
	for _, row := range workerRows(r.Form) {
		if row != (workerRow{}) {
			n.Workers = append(n.Workers, wubu.RenovationWorker{Name: row.Name, IDNumber: row.IDNumber, PassNo: row.PassNo})
		}
	}
	err = formErr
	if err == nil && r.FormValue("find") != "" {
		// The room's residents to choose from, nothing applied yet.
		v := &renovationNewView{securityPage: base}
		v.Form = r.Form
		status := http.StatusOK
		if _, _, ferr := h.roomWithResidents(r.Context(), base.ProjectID, r.FormValue("room")); ferr != nil {
			status = refuse(r, v, r.Form, ferr, "")
		}
		h.renderRenovationNew(w, r, v, status)
		return
	}
	if err == nil {
		var room *wubu.Room
		room, _, err = h.roomWithResidents(r.Context(), n.ProjectID, r.FormValue("room"))
		if room != nil {
			n.RoomID = room.ID
		}
	}
	if err == nil {
		if pid := optID(r, "person_id"); pid != nil {
			n.PersonID = *pid
		} else {
			err = wubu.FieldErrorf("person_id", wubu.EINVALID, "Choose the resident of this room who applies.")
		}
	}
	if err == nil {
		n.Drawings, err = readDrawings(r)
	}
	if err == nil {
		var got *wubu.Renovation
		if got, err = h.Renovations.ApplyRenovation(r.Context(), n); err == nil {
			h.redirect(w, r, "/renovations/"+strconv.FormatInt(got.ID, 10), h.T(r, "Application recorded: the renovation manager reviews it."))
			return
		}
	}
	v := &renovationNewView{securityPage: base}
	h.renderRenovationNew(w, r, v, refuse(r, v, r.Form, err, ""))
}

// readDrawings reads the application's drawings: images or PDF files.
func readDrawings(r *http.Request) ([]*wubu.Photo, error) {
	return server.ReadFiles(r, "drawings", wubu.MaxDrawings, wubu.CheckDrawing,
		wubu.FieldErrorf("drawings", wubu.EINVALID, "Choose drawings as JPEG, PNG or PDF files of at most %d MB each.", wubu.MaxPhotoSize>>20),
		wubu.FieldErrorf("drawings", wubu.EINVALID, "At most %d drawings.", wubu.MaxDrawings))
}

// renovationFile answers a drawing or a drawn signature of a renovation.
func (h *Handler) renovationFile(ctx context.Context, id, fileID int64) (string, []byte, error) {
	p, err := h.Renovations.FindRenovationFile(ctx, id, fileID)
	if err != nil {
		return "", nil, err
	}
	return p.ContentType, p.Data, nil
}
