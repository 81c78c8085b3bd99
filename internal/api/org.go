package api

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

func (h *Handler) projectList(w http.ResponseWriter, r *http.Request) {
	ps, err := h.Projects.FindProjects(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusOK, newList(ps, len(ps), 0))
}

func (h *Handler) projectCreate(w http.ResponseWriter, r *http.Request) {
	var p wubu.Project
	if err := server.ReadJSON(r, &p); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Projects.CreateProject(r.Context(), &p); err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusCreated, p)
}

func (h *Handler) projectGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		var p *wubu.Project
		if p, err = h.Projects.FindProjectByID(r.Context(), id); err == nil {
			server.WriteJSON(w, http.StatusOK, p)
			return
		}
	}
	h.fail(w, r, err)
}

func (h *Handler) projectUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var upd wubu.ProjectUpdate
	if err := server.ReadJSON(r, &upd); err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.Projects.UpdateProject(r.Context(), id, upd)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusOK, p)
}

func (h *Handler) zoneList(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	zs, err := h.Org.FindZones(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusOK, newList(zs, len(zs), 0))
}

type nameRequest struct {
	Name string `json:"name"`
}

func (h *Handler) zoneCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var req nameRequest
	if err := server.ReadJSON(r, &req); err != nil {
		h.fail(w, r, err)
		return
	}
	z := &wubu.Zone{ProjectID: id, Name: req.Name}
	if err := h.Org.CreateZone(r.Context(), z); err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusCreated, z)
}

func (h *Handler) zoneUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	zid, err := pathID(r, "zone")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var req nameRequest
	if err := server.ReadJSON(r, &req); err != nil {
		h.fail(w, r, err)
		return
	}
	z, err := h.Org.RenameZone(r.Context(), id, zid, req.Name)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusOK, z)
}

func (h *Handler) buildingList(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	bs, err := h.Org.FindBuildings(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusOK, newList(bs, len(bs), 0))
}

type buildingRequest struct {
	Name   string `json:"name"`
	ZoneID *int64 `json:"zone_id"`
}

func (h *Handler) buildingCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var req buildingRequest
	if err := server.ReadJSON(r, &req); err != nil {
		h.fail(w, r, err)
		return
	}
	b := &wubu.Building{ProjectID: id, Name: req.Name, ZoneID: req.ZoneID}
	if err := h.Org.CreateBuilding(r.Context(), b); err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusCreated, b)
}

func (h *Handler) buildingGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	b, err := h.Org.FindBuildingByID(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusOK, b)
}

func (h *Handler) buildingUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var upd wubu.BuildingUpdate
	if err := server.ReadJSON(r, &upd); err != nil {
		h.fail(w, r, err)
		return
	}
	b, err := h.Org.UpdateBuilding(r.Context(), id, upd)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusOK, b)
}

func (h *Handler) unitList(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	us, err := h.Org.FindUnits(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusOK, newList(us, len(us), 0))
}

func (h *Handler) unitUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var req nameRequest
	if err := server.ReadJSON(r, &req); err != nil {
		h.fail(w, r, err)
		return
	}
	u, err := h.Org.RenameUnit(r.Context(), id, req.Name)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusOK, u)
}

func (h *Handler) roomsGenerate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var g wubu.RoomGeneration
	if err := server.ReadJSON(r, &g); err != nil {
		h.fail(w, r, err)
		return
	}
	g.ProjectID = id
	res, err := h.Org.GenerateRooms(r.Context(), g)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusCreated, res)
}

// roomList lists a project's rooms, filtered by ?building_id= or ?label=.
func (h *Handler) roomList(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	offset, limit := paging(r)
	f := wubu.RoomFilter{ProjectID: id, Offset: offset, Limit: limit}
	if s := r.URL.Query().Get("building_id"); s != "" {
		bid, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			h.fail(w, r, wubu.FieldErrorf("building_id", wubu.EINVALID, "building_id must be a number."))
			return
		}
		f.BuildingID = &bid
	}
	if s := r.URL.Query().Get("label"); s != "" {
		f.Label = &s
	}
	rooms, total, err := h.Org.FindRooms(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusOK, newList(rooms, total, offset))
}

type roomRequest struct {
	Unit   string `json:"unit"`
	Number string `json:"number"`
	Floor  int    `json:"floor"`
}

func (h *Handler) roomCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var req roomRequest
	if err := server.ReadJSON(r, &req); err != nil {
		h.fail(w, r, err)
		return
	}
	room, err := h.Org.CreateRoom(r.Context(), id, req.Unit, req.Number, req.Floor)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusCreated, room)
}

func (h *Handler) assignmentList(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	as, err := h.Users.FindAssignments(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusOK, newList(as, len(as), 0))
}

func (h *Handler) readAssignment(r *http.Request) (*wubu.Assignment, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var a wubu.Assignment
	if err := server.ReadJSON(r, &a); err != nil {
		return nil, err
	}
	a.ProjectID = id
	return &a, nil
}

func (h *Handler) assignmentCreate(w http.ResponseWriter, r *http.Request) {
	a, err := h.readAssignment(r)
	if err == nil {
		err = h.Users.Assign(r.Context(), a)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusCreated, a)
}

func (h *Handler) assignmentDelete(w http.ResponseWriter, r *http.Request) {
	a, err := h.readAssignment(r)
	if err == nil {
		err = h.Users.Unassign(r.Context(), *a)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
