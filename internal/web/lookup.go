package web

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/cnformat"
	"github.com/wubu-oss/wubu/internal/server"
)

type lookupView struct {
	Page
	Query     string
	ProjectID int64
	Projects  []*wubu.Project
	Searched  bool
	Results   []*wubu.LookupResult
	// VacantRoom is the room searched for when it exists but nobody
	// lives there: the page says so instead of "nobody found".
	VacantRoom string
	// Visitor is the answer of a visitor's code checked at the gate
	// (visitor.go).
	Visitor *wubu.VisitorCheck
}

// lookup is the one-box search (F5): plate, room, name, pinyin or the last
// four digits of a phone. With htmx the results refresh as the guard types;
// without it the form submits.
func (h *Handler) lookup(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := &lookupView{Page: h.newPage(r, "Lookup"), Query: r.URL.Query().Get("q")}
	v.ProjectID, _ = strconv.ParseInt(r.URL.Query().Get("project"), 10, 64)
	var err error
	if v.Projects, err = h.Projects.FindProjects(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if _, ok := r.URL.Query()["q"]; ok {
		v.Searched = true
		v.Results, err = h.Residents.Lookup(ctx, v.ProjectID, v.Query, 30)
		if err != nil {
			if server.ErrorCode(err) == wubu.EINTERNAL || server.ErrorCode(err) == wubu.ENOTFOUND {
				h.fail(w, r, err)
				return
			}
			v.Error = server.ErrMessage(r, err)
			status = server.Status(server.ErrorCode(err))
			if r.Header.Get("HX-Request") == "true" {
				// htmx swaps only 2xx answers; an empty box is not worth an error.
				status = http.StatusOK
			}
		}
	}
	if v.Searched && len(v.Results) == 0 && v.Error == "" {
		v.VacantRoom = h.vacantRoom(r, v.Query, v.ProjectID, v.Projects)
	}
	h.render(w, r, status, "lookup", v)
}

// vacantRoom returns the room label q names if such a room exists in the
// project searched (or the user's projects), "" otherwise.
func (h *Handler) vacantRoom(r *http.Request, q string, projectID int64, projects []*wubu.Project) string {
	ref, err := cnformat.ParseRoom(q)
	if err != nil {
		return ""
	}
	label := ref.String()
	for _, p := range projects {
		if projectID != 0 && p.ID != projectID {
			continue
		}
		if rooms, _, err := h.Org.FindRooms(r.Context(), wubu.RoomFilter{ProjectID: p.ID, Label: &label, Limit: 1}); err == nil && len(rooms) > 0 {
			return label
		}
	}
	return ""
}
