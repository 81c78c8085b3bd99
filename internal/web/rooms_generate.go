package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
)

type roomsGenerateView struct {
	Page
	Project *wubu.Project
	Zones   []*wubu.Zone
}

func (h *Handler) roomsGenerateView(r *http.Request) (*roomsGenerateView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := h.Projects.FindProjectByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	v := &roomsGenerateView{Page: h.newPage(r, "Generate rooms"), Project: p}
	v.Zones, err = h.Org.FindZones(r.Context(), id)
	return v, err
}

// roomsGenerateShow is the bulk room generator: nobody types 2,000 rooms by
// hand.
func (h *Handler) roomsGenerateShow(w http.ResponseWriter, r *http.Request) {
	v, err := h.roomsGenerateView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if b := r.URL.Query().Get("building"); b != "" {
		v.Form.Set("building", b)
	}
	h.render(w, r, http.StatusOK, "rooms_generate", v)
}

func (h *Handler) roomsGenerate(w http.ResponseWriter, r *http.Request) {
	v, err := h.roomsGenerateView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	g := wubu.RoomGeneration{ProjectID: v.Project.ID, Building: r.PostFormValue("building"), ZoneID: optionalID(r.PostFormValue("zone_id")),
		NoUnits: r.PostFormValue("no_units") != ""}
	ints := []struct {
		field string
		dst   *int
	}{{"units", &g.Units}, {"first_floor", &g.FirstFloor}, {"floors", &g.Floors}, {"per_floor", &g.PerFloor}}
	for _, f := range ints {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(f.field)))
		if err != nil {
			v.Form = r.PostForm
			status := formError(r, &v.Page, wubu.FieldErrorf(f.field, wubu.EINVALID, "Enter a whole number."), "")
			h.render(w, r, status, "rooms_generate", v)
			return
		}
		*f.dst = n
	}
	res, err := h.Org.GenerateRooms(r.Context(), g)
	if err != nil {
		v.Form = r.PostForm
		h.render(w, r, formError(r, &v.Page, err, ""), "rooms_generate", v)
		return
	}
	h.redirect(w, r, "/buildings/"+strconv.FormatInt(res.Building.ID, 10),
		h.T(r, "%d rooms generated: %s to %s.", res.Created, res.First, res.Last))
}
