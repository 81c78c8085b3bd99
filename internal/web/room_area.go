package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/cnformat"
	"github.com/wubu-oss/wubu/internal/server"
)

// roomAreaRoutes are the routes of a room's floor area, set from its
// building's page.
func (h *Handler) roomAreaRoutes() []server.Route {
	return []server.Route{
		{Method: "POST", Path: "/buildings/{id}/area", Perm: wubu.PermOrgEdit, Handler: h.roomArea},
	}
}

// roomArea sets the area of a room chosen on its building's page ("89.5",
// "89.5㎡"; empty: not known).
func (h *Handler) roomArea(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	roomID, err := strconv.ParseInt(r.PostFormValue("room_id"), 10, 64)
	if err != nil {
		h.buildingFormFailed(w, r, wubu.FieldErrorf("room_id", wubu.EINVALID, "Choose a room."))
		return
	}
	var area int64
	if s := strings.TrimSpace(r.PostFormValue("area")); s != "" {
		if area, err = cnformat.ParseArea(s); err != nil {
			var ce *cnformat.Error
			errors.As(err, &ce)
			h.buildingFormFailed(w, r, wubu.FieldErrorf("area", wubu.EINVALID, ce.Format, ce.Args...))
			return
		}
	}
	room, err := h.Org.SetRoomArea(r.Context(), id, roomID, wubu.Area(area))
	if err != nil {
		h.buildingFormFailed(w, r, err)
		return
	}
	h.redirect(w, r, "/buildings/"+strconv.FormatInt(id, 10), h.T(r, "Room %s: area saved.", room.Label))
}
