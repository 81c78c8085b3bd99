package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/cnformat"
	"github.com/wubu-oss/wubu/internal/server"
)

type residentListView struct {
	Page
	Project            *wubu.Project
	Query              url.Values
	Buildings          []*wubu.Building
	Relations          []wubu.Relation
	CareFlags          []wubu.CareFlag
	Rows               []*wubu.ResidentRow
	Pager              PagerView
	CanEdit, CanImport bool
}

// residentFilter reads a resident list's filters from the URL: building,
// relation and care flag, as the list screen and its export use them.
func residentFilter(projectID int64, q url.Values) wubu.ResidentFilter {
	f := wubu.ResidentFilter{ProjectID: projectID, BuildingID: optionalID(q.Get("building"))}
	if rel := wubu.Relation(q.Get("relation")); rel.Valid() {
		f.Relation = &rel
	}
	if cf := wubu.CareFlag(q.Get("care")); cf.Valid() {
		f.CareFlag = &cf
	}
	return f
}

// ExportQuery is the list's filters, for the export link.
func (v *residentListView) ExportQuery() string {
	q := url.Values{}
	for _, k := range []string{"building", "relation", "care"} {
		if s := v.Query.Get(k); s != "" {
			q.Set(k, s)
		}
	}
	return q.Encode()
}

// residentList lists a project's residents by room, with filters in the URL.
func (h *Handler) residentList(w http.ResponseWriter, r *http.Request) {
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
	u := wubu.UserFromContext(ctx)
	q := r.URL.Query()
	v := &residentListView{Page: h.newPage(r, "Residents"), Project: p, Query: q, Relations: wubu.Relations, CareFlags: wubu.CareFlags,
		CanEdit: u.Can(wubu.PermResidentEdit), CanImport: u.Can(wubu.PermResidentImport)}
	if v.Buildings, err = h.Org.FindBuildings(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	page, offset := pageOffset(r)
	f := residentFilter(id, q)
	f.Offset, f.Limit = offset, pageSize
	rows, total, err := h.Residents.FindResidents(ctx, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Rows, v.Pager = rows, newPager(&v.Page, r, page, total)
	h.render(w, r, http.StatusOK, "residents", v)
}

type residentNewView struct {
	Page
	Project   *wubu.Project
	Relations []wubu.Relation
	CareFlags []wubu.CareFlag
	// Existing is the resident the form would have copied, offered
	// instead.
	Existing int64
}

// Checked reports whether a checkbox of the form is ticked.
func (v *residentNewView) Checked(name, value string) bool {
	return slices.Contains(v.Form[name], value)
}

func (h *Handler) residentNewView(r *http.Request) (*residentNewView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := h.Projects.FindProjectByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return &residentNewView{Page: h.newPage(r, "New resident"), Project: p, Relations: wubu.Relations, CareFlags: wubu.CareFlags}, nil
}

func (h *Handler) residentNew(w http.ResponseWriter, r *http.Request) {
	v, err := h.residentNewView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Form.Set("room", r.URL.Query().Get("room"))
	h.render(w, r, http.StatusOK, "resident_new", v)
}

// residentCreate creates a resident in a room given as people write it
// ("3-2-1201", "3栋2单元1201").
func (h *Handler) residentCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, err := h.residentNewView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	r.ParseForm()
	fail := func(err error) {
		v.Form = r.PostForm
		if dup := (*wubu.DuplicatePersonError)(nil); errors.As(err, &dup) {
			v.Existing = dup.PersonID
		}
		h.render(w, r, formError(r, &v.Page, err, ""), "resident_new", v)
	}
	// The room first: a resident lives somewhere.
	ref, err := cnformat.ParseRoom(r.PostFormValue("room"))
	if err != nil {
		fail(server.FieldError("room", err))
		return
	}
	label := ref.String()
	rooms, _, err := h.Org.FindRooms(ctx, wubu.RoomFilter{ProjectID: v.Project.ID, Label: &label})
	if err != nil {
		h.fail(w, r, err)
		return
	} else if len(rooms) == 0 {
		fail(wubu.FieldErrorf("room", wubu.EINVALID, "Room %s does not exist in this project.", label))
		return
	}
	rel := wubu.Relation(r.PostFormValue("relation"))
	if !rel.Valid() {
		fail(wubu.FieldErrorf("relation", wubu.EINVALID, "Relation %q is not valid.", string(rel)))
		return
	}
	p := &wubu.Person{ProjectID: v.Project.ID, Name: r.PostFormValue("name"), IDNumber: r.PostFormValue("id_number"),
		Birthday: r.PostFormValue("birthday"), Occupation: r.PostFormValue("occupation"), Notes: r.PostFormValue("notes"),
		Phones: splitPhones(r.PostFormValue("phones")), BirthdayDiffers: r.PostFormValue("birthday_differs") != ""}
	for _, c := range r.PostForm["care"] {
		p.CareFlags = append(p.CareFlags, wubu.CareFlag(c))
	}
	// Person and home are written together or not at all.
	if err := h.Residents.CreatePersonInRoom(ctx, p, &wubu.Household{RoomID: rooms[0].ID, Relation: rel}); err != nil {
		fail(err)
		return
	}
	h.redirect(w, r, "/residents/"+strconv.FormatInt(p.ID, 10), h.T(r, "Resident %s added.", p.Name))
}

// splitPhones splits what was typed into phone numbers: by commas,
// semicolons or slashes, and by spaces unless the spaces are inside one
// number ("139 0000 1111").
func splitPhones(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(c rune) bool { return strings.ContainsRune(",，、;；/", c) }) {
		if _, err := cnformat.NormalizeMobile(part); err == nil || !strings.Contains(strings.TrimSpace(part), " ") {
			out = append(out, part)
			continue
		}
		out = append(out, strings.Fields(part)...)
	}
	return out
}

type completenessView struct {
	Page
	Project       *wubu.Project
	Rows          []*wubu.Completeness
	Contributions []*wubu.Contribution
}

// Percent shows a share as a whole percentage.
func (v *completenessView) Percent(f float64) string { return strconv.Itoa(int(f*100+0.5)) + "%" }

func (h *Handler) completeness(w http.ResponseWriter, r *http.Request) {
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
	v := &completenessView{Page: h.newPage(r, "Profile completeness"), Project: p}
	if v.Rows, err = h.Residents.Completeness(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Contributions, err = h.Residents.Contributions(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "completeness", v)
}
