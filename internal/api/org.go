package api

import (
	"net/http"

	"github.com/wubu-oss/wubu"
)

func (h *Handler) projectList(r *http.Request, _ int64, _ none) (list[*wubu.Project], error) {
	ps, err := h.Projects.FindProjects(r.Context())
	return newList(ps, len(ps), 0), err
}

func (h *Handler) projectCreate(r *http.Request, _ int64, p wubu.Project) (*wubu.Project, error) {
	return &p, h.Projects.CreateProject(r.Context(), &p)
}

func (h *Handler) projectGet(r *http.Request, id int64, _ none) (*wubu.Project, error) {
	return h.Projects.FindProjectByID(r.Context(), id)
}

func (h *Handler) projectUpdate(r *http.Request, id int64, upd wubu.ProjectUpdate) (*wubu.Project, error) {
	return h.Projects.UpdateProject(r.Context(), id, upd)
}

func (h *Handler) zoneList(r *http.Request, id int64, _ none) (list[*wubu.Zone], error) {
	zs, err := h.Org.FindZones(r.Context(), id)
	return newList(zs, len(zs), 0), err
}

type nameRequest struct {
	Name string `json:"name"`
}

func (h *Handler) zoneCreate(r *http.Request, id int64, req nameRequest) (*wubu.Zone, error) {
	z := &wubu.Zone{ProjectID: id, Name: req.Name}
	return z, h.Org.CreateZone(r.Context(), z)
}

func (h *Handler) zoneUpdate(r *http.Request, id int64, req nameRequest) (*wubu.Zone, error) {
	zid, err := pathID(r, "zone")
	if err != nil {
		return nil, err
	}
	return h.Org.RenameZone(r.Context(), id, zid, req.Name)
}

func (h *Handler) buildingList(r *http.Request, id int64, _ none) (list[*wubu.Building], error) {
	bs, err := h.Org.FindBuildings(r.Context(), id)
	return newList(bs, len(bs), 0), err
}

type buildingRequest struct {
	Name   string `json:"name"`
	ZoneID *int64 `json:"zone_id"`
}

func (h *Handler) buildingCreate(r *http.Request, id int64, req buildingRequest) (*wubu.Building, error) {
	b := &wubu.Building{ProjectID: id, Name: req.Name, ZoneID: req.ZoneID}
	return b, h.Org.CreateBuilding(r.Context(), b)
}

func (h *Handler) buildingGet(r *http.Request, id int64, _ none) (*wubu.Building, error) {
	return h.Org.FindBuildingByID(r.Context(), id)
}

func (h *Handler) buildingUpdate(r *http.Request, id int64, upd wubu.BuildingUpdate) (*wubu.Building, error) {
	return h.Org.UpdateBuilding(r.Context(), id, upd)
}

func (h *Handler) unitList(r *http.Request, id int64, _ none) (list[*wubu.Unit], error) {
	us, err := h.Org.FindUnits(r.Context(), id)
	return newList(us, len(us), 0), err
}

func (h *Handler) unitUpdate(r *http.Request, id int64, req nameRequest) (*wubu.Unit, error) {
	return h.Org.RenameUnit(r.Context(), id, req.Name)
}

func (h *Handler) roomsGenerate(r *http.Request, id int64, g wubu.RoomGeneration) (*wubu.RoomGenerationResult, error) {
	g.ProjectID = id
	return h.Org.GenerateRooms(r.Context(), g)
}

// Rooms come a page at a time: 100 unless ?limit= asks for up to 500;
// the answer's total says how many there are.
const (
	roomsPage    = 100
	maxRoomsPage = 500
)

// roomList lists a project's rooms, filtered by ?building_id= or ?label=.
func (h *Handler) roomList(r *http.Request, id int64, _ none) (list[*wubu.Room], error) {
	offset, limit := paging(r)
	if limit == 0 {
		limit = roomsPage
	}
	limit = min(limit, maxRoomsPage)
	f := wubu.RoomFilter{ProjectID: id, Offset: offset, Limit: limit}
	var err error
	if f.BuildingID, err = queryID(r, "building_id"); err != nil {
		return list[*wubu.Room]{}, err
	}
	if s := r.URL.Query().Get("label"); s != "" {
		f.Label = &s
	}
	rooms, total, err := h.Org.FindRooms(r.Context(), f)
	return newList(rooms, total, offset), err
}

type roomRequest struct {
	Unit   string `json:"unit"`
	Number string `json:"number"`
	Floor  int    `json:"floor"`
}

func (h *Handler) roomCreate(r *http.Request, id int64, req roomRequest) (*wubu.Room, error) {
	return h.Org.CreateRoom(r.Context(), id, req.Unit, req.Number, req.Floor)
}

func (h *Handler) assignmentList(r *http.Request, id int64, _ none) (list[*wubu.Assignment], error) {
	as, err := h.Users.FindAssignments(r.Context(), id)
	return newList(as, len(as), 0), err
}

func (h *Handler) assignmentCreate(r *http.Request, id int64, a wubu.Assignment) (*wubu.Assignment, error) {
	a.ProjectID = id
	return &a, h.Users.Assign(r.Context(), &a)
}

func (h *Handler) assignmentDelete(r *http.Request, id int64, a wubu.Assignment) (none, error) {
	a.ProjectID = id
	return none{}, h.Users.Unassign(r.Context(), a)
}
