package web

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
)

type unitRooms struct {
	Unit  *wubu.Unit
	Rooms []*wubu.Room
}

type buildingView struct {
	Page
	Project  *wubu.Project
	Building *wubu.Building
	Zones    []*wubu.Zone
	Units    []unitRooms
	CanEdit  bool
	// Notices are the stairwell notices posted in each unit, newest first.
	Notices map[int64][]*wubu.StairwellNotice
	// Renovations are the renovations of the building's rooms, for those
	// who see renovations.
	Renovations []*wubu.Renovation
}

// buildingView loads a building with its units and rooms.
func (h *Handler) buildingView(r *http.Request) (*buildingView, error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	b, err := h.Org.FindBuildingByID(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := h.Projects.FindProjectByID(ctx, b.ProjectID)
	if err != nil {
		return nil, err
	}
	v := &buildingView{Page: h.newPage(r, "Building"), Project: p, Building: b, CanEdit: wubu.UserFromContext(ctx).Can(wubu.PermOrgEdit)}
	v.Title = v.T("Building %s", b.Name) + " · " + p.Name
	if v.Zones, err = h.Org.FindZones(ctx, p.ID); err != nil {
		return nil, err
	}
	units, err := h.Org.FindUnits(ctx, id)
	if err != nil {
		return nil, err
	}
	rooms, _, err := h.Org.FindRooms(ctx, wubu.RoomFilter{ProjectID: p.ID, BuildingID: &id, Limit: 5000})
	if err != nil {
		return nil, err
	}
	byUnit := map[int64][]*wubu.Room{}
	for _, room := range rooms {
		byUnit[room.UnitID] = append(byUnit[room.UnitID], room)
	}
	for _, u := range units {
		v.Units = append(v.Units, unitRooms{Unit: u, Rooms: byUnit[u.ID]})
	}
	v.Notices = h.unitNotices(r, b)
	if wubu.UserFromContext(ctx).Can(wubu.PermOrderView) {
		if v.Renovations, err = h.Renovations.BuildingRenovations(ctx, id); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (h *Handler) buildingShow(w http.ResponseWriter, r *http.Request) {
	v, err := h.buildingView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "building", v)
}

func (h *Handler) buildingFormFailed(w http.ResponseWriter, r *http.Request, err error) {
	v, verr := h.buildingView(r)
	if verr != nil {
		h.fail(w, r, verr)
		return
	}
	v.Form = r.PostForm
	h.render(w, r, formError(r, &v.Page, err, ""), "building", v)
}

func (h *Handler) buildingEdit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	name := r.PostFormValue("name")
	upd := wubu.BuildingUpdate{Name: &name, ZoneID: optionalID(r.PostFormValue("zone_id"))}
	upd.ClearZone = upd.ZoneID == nil
	if _, err := h.Org.UpdateBuilding(r.Context(), id, upd); err != nil {
		h.buildingFormFailed(w, r, err)
		return
	}
	h.redirect(w, r, "/buildings/"+strconv.FormatInt(id, 10), h.T(r, "Saved."))
}

func (h *Handler) roomCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	floor, ferr := strconv.Atoi(r.PostFormValue("floor"))
	if ferr != nil {
		h.buildingFormFailed(w, r, wubu.FieldErrorf("floor", wubu.EINVALID, "Floor must be a whole number."))
		return
	}
	room, err := h.Org.CreateRoom(r.Context(), id, r.PostFormValue("unit"), r.PostFormValue("number"), floor)
	if err != nil {
		h.buildingFormFailed(w, r, err)
		return
	}
	h.redirect(w, r, "/buildings/"+strconv.FormatInt(id, 10), h.T(r, "Room %s created.", room.Label))
}

func (h *Handler) unitRename(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u, err := h.Org.RenameUnit(r.Context(), id, r.PostFormValue("name"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/buildings/"+strconv.FormatInt(u.BuildingID, 10), h.T(r, "Saved."))
}
