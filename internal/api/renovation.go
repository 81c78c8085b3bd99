package api

import (
	"context"
	"net/http"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// renovationRoutes are the API of renovations (M4, S11): the applications,
// a renovation, its on-site briefing and the guard's worker look-up.
func (h *Handler) renovationRoutes(r func(string, string, wubu.Permission, http.HandlerFunc) server.Route) []server.Route {
	return []server.Route{
		r("GET", "/projects/{id}/renovations", wubu.PermOrderView, call(h, http.StatusOK, h.renovationList)),
		withMaxBody(r("POST", "/projects/{id}/renovations", wubu.PermOrderEdit, call(h, http.StatusCreated, h.renovationApply)), maxRenovationBody),
		r("GET", "/renovations/{id}", wubu.PermOrderView, call(h, http.StatusOK, h.renovationGet)),
		r("GET", "/renovations/{id}/files/{photo}", wubu.PermOrderView, server.PhotoHandler(h.fail, h.renovationFile)),
		r("POST", "/renovations/{id}/brief", wubu.PermOrderEdit, call(h, http.StatusOK, h.renovationBrief)),
		r("GET", "/projects/{id}/renovation-workers", wubu.PermSecurityView, call(h, http.StatusOK, h.renovationWorkers)),
	}
}

// renovationList: GET /api/v1/projects/{id}/renovations[?all=1], the
// open renovations (all with all=1), newest first.
func (h *Handler) renovationList(r *http.Request, id int64, _ none) (list[*wubu.Renovation], error) {
	items, err := h.Renovations.FindRenovations(r.Context(), id, r.URL.Query().Get("all") != "1")
	return newList(items, len(items), 0), err
}

// maxRenovationBody is the largest application: its drawings in base64
// and the fields.
const maxRenovationBody = int64(wubu.MaxDrawings)*wubu.MaxPhotoSize*4/3 + 1<<20

// renovationApply: POST /api/v1/projects/{id}/renovations, an application,
// with its drawings (JPEG, PNG or PDF files) base64 in "drawings".
func (h *Handler) renovationApply(r *http.Request, id int64, req wubu.NewRenovation) (*wubu.Renovation, error) {
	req.ProjectID = id
	return h.Renovations.ApplyRenovation(r.Context(), &req)
}

// renovationGet: GET /api/v1/renovations/{id}.
func (h *Handler) renovationGet(r *http.Request, id int64, _ none) (*wubu.Renovation, error) {
	return h.Renovations.FindRenovation(r.Context(), id)
}

// renovationFile: GET /api/v1/renovations/{id}/files/{photo}, a drawing
// or a drawn signature of a renovation (the photo IDs of its "photos").
func (h *Handler) renovationFile(ctx context.Context, id, fileID int64) (string, []byte, error) {
	p, err := h.Renovations.FindRenovationFile(ctx, id, fileID)
	if err != nil {
		return "", nil, err
	}
	return p.ContentType, p.Data, nil
}

// renovationBrief: POST /api/v1/renovations/{id}/brief, the on-site
// briefing: the items ticked (by index) and both names.
func (h *Handler) renovationBrief(r *http.Request, id int64, req wubu.BriefingRecord) (*wubu.Renovation, error) {
	return h.Renovations.BriefRenovation(r.Context(), id, req)
}

// renovationWorkers: GET /api/v1/projects/{id}/renovation-workers?q=name
// or pass number, whether each worker found may come in.
func (h *Handler) renovationWorkers(r *http.Request, id int64, _ none) (list[*wubu.WorkerPassCheck], error) {
	items, err := h.Renovations.CheckWorkerPass(r.Context(), id, r.URL.Query().Get("q"))
	return newList(items, len(items), 0), err
}
