package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// segmentRoutes are the query and analysis of customer data (U2): a query
// with its filters in the URL, counts, saved segments and the export.
func (h *Handler) segmentRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/projects/{id}/segments", Perm: wubu.PermSegmentQuery, Handler: h.segments},
		{Method: "POST", Path: "/projects/{id}/segments", Perm: wubu.PermSegmentQuery, Handler: h.segmentSave},
		{Method: "GET", Path: "/projects/{id}/segments/export", Perm: wubu.PermSegmentQuery, Handler: h.segmentExport},
		{Method: "POST", Path: "/segments/{id}/delete", Perm: wubu.PermSegmentQuery, Handler: h.segmentDelete},
	}
}

// segmentFields are the query's parameters in the URL.
var segmentFields = []string{"building", "relation", "age_min", "age_max", "occupation", "care", "importance_min", "special_day", "special_month", "complete_max"}

// parseSegmentQuery reads a segment query from a form or URL; a number
// that is not one is EINVALID naming its field.
func parseSegmentQuery(v url.Values) (wubu.SegmentQuery, error) {
	var q wubu.SegmentQuery
	for _, s := range v["building"] {
		if s == "" {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return q, wubu.FieldErrorf("building_ids", wubu.ENOTFOUND, "Building not found.")
		}
		q.BuildingIDs = append(q.BuildingIDs, id)
	}
	for _, s := range v["relation"] {
		if s != "" {
			q.Relations = append(q.Relations, wubu.Relation(s))
		}
	}
	for _, s := range v["care"] {
		if s != "" {
			q.CareFlags = append(q.CareFlags, wubu.CareFlag(s))
		}
	}
	q.Occupation, q.SpecialDay = strings.TrimSpace(v.Get("occupation")), wubu.SpecialDayKind(v.Get("special_day"))
	num := func(field string) (*int, error) {
		s := strings.TrimSpace(v.Get(field))
		if s == "" {
			return nil, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, wubu.FieldErrorf(field, wubu.EINVALID, "Enter a whole number.")
		}
		return &n, nil
	}
	var err error
	if q.AgeMin, err = num("age_min"); err != nil {
		return q, err
	}
	if q.AgeMax, err = num("age_max"); err != nil {
		return q, err
	}
	if q.CompleteMax, err = num("complete_max"); err != nil {
		return q, err
	}
	for field, to := range map[string]*int{"importance_min": &q.ImportanceMin, "special_month": &q.SpecialMonth} {
		n, err := num(field)
		if err != nil {
			return q, err
		}
		if n != nil {
			*to = *n
		}
	}
	return q, nil
}

// segmentValues writes a query as URL parameters, for links to it.
func segmentValues(q wubu.SegmentQuery) url.Values {
	v := url.Values{}
	for _, id := range q.BuildingIDs {
		v.Add("building", strconv.FormatInt(id, 10))
	}
	for _, r := range q.Relations {
		v.Add("relation", string(r))
	}
	for _, f := range q.CareFlags {
		v.Add("care", string(f))
	}
	set := func(k string, n *int) {
		if n != nil {
			v.Set(k, strconv.Itoa(*n))
		}
	}
	set("age_min", q.AgeMin)
	set("age_max", q.AgeMax)
	set("complete_max", q.CompleteMax)
	if q.ImportanceMin > 0 {
		v.Set("importance_min", strconv.Itoa(q.ImportanceMin))
	}
	if q.SpecialMonth > 0 {
		v.Set("special_month", strconv.Itoa(q.SpecialMonth))
	}
	if q.Occupation != "" {
		v.Set("occupation", q.Occupation)
	}
	if q.SpecialDay != "" {
		v.Set("special_day", string(q.SpecialDay))
	}
	return v
}

type segmentsView struct {
	Page
	Project     *wubu.Project
	Query       url.Values
	Buildings   []*wubu.Building
	Relations   []wubu.Relation
	CareFlags   []wubu.CareFlag
	SpecialDays []wubu.SpecialDayKind
	Months      []int
	Pieces      []int
	Result      *wubu.SegmentResult
	Pager       PagerView
	Saved       []*wubu.Segment
	ExportQuery string
}

// Picked reports whether a value of a multi-valued filter is chosen.
func (v *segmentsView) Picked(name, value string) bool { return slices.Contains(v.Query[name], value) }

// SavedLink is the link that applies a saved segment.
func (v *segmentsView) SavedLink(s *wubu.Segment) string {
	return "/projects/" + strconv.FormatInt(v.Project.ID, 10) + "/segments?" + segmentValues(s.Query).Encode()
}

// segments shows the query form, its counts and a page of its residents,
// and the saved segments.
func (h *Handler) segments(w http.ResponseWriter, r *http.Request) {
	h.renderSegments(w, r, http.StatusOK, r.URL.Query(), nil)
}

func (h *Handler) renderSegments(w http.ResponseWriter, r *http.Request, status int, form url.Values, refused error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &segmentsView{Page: h.newPage(r, "Customer segments"), Query: form, Relations: wubu.Relations, CareFlags: wubu.CareFlags,
		SpecialDays: wubu.SpecialDayKinds, Months: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, Pieces: []int{0, 1, 2, 3, 4}}
	if v.Project, err = h.Projects.FindProjectByID(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Buildings, err = h.Org.FindBuildings(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Saved, err = h.Segments.FindSegments(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	v.Form = form
	q, err := parseSegmentQuery(form)
	if err == nil {
		page, offset := pageOffset(r)
		if v.Result, err = h.Segments.QuerySegment(ctx, id, q, offset, pageSize); err == nil {
			v.Pager = newPager(&v.Page, r, page, v.Result.Counts.Persons)
			v.ExportQuery = segmentValues(q).Encode()
		}
	}
	if refused == nil && err != nil && wubu.ErrorCode(err) != wubu.EINVALID {
		h.fail(w, r, err)
		return
	}
	if refused = cmpErr(refused, err); refused != nil {
		status = formError(r, &v.Page, refused, "")
	}
	h.render(w, r, status, "segments", v)
}

// segmentPick is the choice of a saved segment as an audience, drawn by
// the template "segment-select".
type segmentPick struct {
	*Page
	Segments []*wubu.Segment
	Selected string
}

// SegmentPick offers the segments, the one selected marked.
func (p *Page) SegmentPick(segments []*wubu.Segment, selected string) segmentPick {
	return segmentPick{Page: p, Segments: segments, Selected: selected}
}

// audienceSegments returns a project's saved segments to offer as an
// audience: none to a user who may not query segments.
func (h *Handler) audienceSegments(r *http.Request, projectID int64) ([]*wubu.Segment, error) {
	if projectID == 0 || !wubu.UserFromContext(r.Context()).Can(wubu.PermSegmentQuery) {
		return nil, nil
	}
	return h.Segments.FindSegments(r.Context(), projectID)
}

// cmpErr returns the first error that is not nil.
func cmpErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// segmentSave saves the query shown as a named segment.
func (h *Handler) segmentSave(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, server.TooLarge(err))
		return
	}
	q, err := parseSegmentQuery(r.PostForm)
	if err == nil {
		err = h.Segments.SaveSegment(r.Context(), &wubu.Segment{ProjectID: id, Name: r.PostFormValue("name"), Query: q})
	}
	if err != nil {
		if c := wubu.ErrorCode(err); c != wubu.EINVALID && c != wubu.ECONFLICT {
			h.fail(w, r, err)
			return
		}
		h.renderSegments(w, r, 0, r.PostForm, err)
		return
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(id, 10)+"/segments?"+segmentValues(q).Encode(), h.T(r, "Segment saved."))
}

// segmentDelete deletes a saved segment.
func (h *Handler) segmentDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sg, err := h.Segments.FindSegment(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Segments.DeleteSegment(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(sg.ProjectID, 10)+"/segments", h.T(r, "Segment deleted."))
}

// segmentExport sends the residents of the query as .xlsx, masked as the
// caller's role requires.
func (h *Handler) segmentExport(w http.ResponseWriter, r *http.Request) {
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
	q, err := parseSegmentQuery(r.URL.Query())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	members, err := h.Segments.ExportSegment(ctx, id, q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	t := func(s string) string { return h.T(r, s) }
	rows := [][]any{{t("Room"), t("Name"), t("Relation"), t("Age"), t("Phone"), t("Occupation"), t("Care flags"), t("Importance"), t("Profile completeness")}}
	for _, m := range members {
		var age any
		if m.Age != nil {
			age = *m.Age
		}
		var flags []string
		for _, f := range m.Person.CareFlags {
			flags = append(flags, t("care:"+string(f)))
		}
		rows = append(rows, []any{m.RoomLabel, m.Person.Name, t("relation:" + string(m.Relation)), age, strings.Join(m.Person.Phones, "、"), m.Person.Occupation,
			strings.Join(flags, "、"), m.Person.Importance, strconv.Itoa(m.Complete) + "/" + strconv.Itoa(wubu.CompletenessPieces)})
	}
	w.Header().Set("Cache-Control", "no-store")
	h.writeXLSX(w, r, t("Customer segments"), p.Code+"-segment-"+h.Clock.Now().In(cst).Format("20060102")+".xlsx", rows, colWidth{"A", "B", 14}, colWidth{"E", "G", 20})
}
