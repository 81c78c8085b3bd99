package api

import (
	"net/http"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// bulletinRoutes are the routes of the notices on the board and the
// pest-control plans (C3).
func (h *Handler) bulletinRoutes(r func(string, string, wubu.Permission, http.HandlerFunc) server.Route) []server.Route {
	return []server.Route{
		r("GET", "/projects/{id}/bulletins", wubu.PermResidentView, call(h, http.StatusOK, h.bulletinList)),
		r("POST", "/projects/{id}/bulletins", wubu.PermResidentEdit, call(h, http.StatusCreated, h.bulletinPost)),
		r("GET", "/projects/{id}/pest-plans", wubu.PermResidentView, call(h, http.StatusOK, h.pestPlanList)),
		r("POST", "/projects/{id}/pest-plans", wubu.PermSettingsEdit, call(h, http.StatusCreated, h.pestPlanSave)),
	}
}

// bulletinList: GET /api/v1/projects/{id}/bulletins, newest first.
func (h *Handler) bulletinList(r *http.Request, id int64, _ none) (list[*wubu.Bulletin], error) {
	items, err := h.Bulletins.FindBulletins(r.Context(), id)
	return newList(items, len(items), 0), err
}

// bulletinPost: POST /api/v1/projects/{id}/bulletins.
func (h *Handler) bulletinPost(r *http.Request, id int64, n wubu.Bulletin) (*wubu.Bulletin, error) {
	n.ProjectID, n.PlanID, n.PlanDate = id, nil, ""
	if err := h.Bulletins.PostBulletin(r.Context(), &n); err != nil {
		return nil, err
	}
	return h.Bulletins.FindBulletin(r.Context(), n.ID)
}

// pestPlanList: GET /api/v1/projects/{id}/pest-plans.
func (h *Handler) pestPlanList(r *http.Request, id int64, _ none) (list[*wubu.PestPlan], error) {
	items, err := h.Bulletins.FindPestPlans(r.Context(), id)
	return newList(items, len(items), 0), err
}

// pestPlanSave: POST /api/v1/projects/{id}/pest-plans.
func (h *Handler) pestPlanSave(r *http.Request, id int64, p wubu.PestPlan) (*wubu.PestPlan, error) {
	p.ProjectID, p.ID = id, 0
	if err := h.Bulletins.SavePestPlan(r.Context(), &p); err != nil {
		return nil, err
	}
	return &p, nil
}
