// Package api is Wubu's JSON API under /api/v1, over the same domain
// services as the pages. Errors are {"error":{"code","message"}} with the
// status of their code.
package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// Handler serves the API.
type Handler struct{ *server.Server }

// New registers the API routes on the server.
func New(s *server.Server) *Handler {
	h := &Handler{Server: s}
	s.Handle(h.Routes()...)
	return h
}

// Routes returns the API routes with the permission each needs.
func (h *Handler) Routes() []server.Route {
	r := func(method, path string, perm wubu.Permission, fn http.HandlerFunc) server.Route {
		return server.Route{Method: method, Path: "/api/v1" + path, Perm: perm, API: true, Handler: fn}
	}
	routes := []server.Route{
		r("POST", "/login", server.Public, h.login),
		r("POST", "/logout", wubu.PermSelf, h.logout),
		r("GET", "/me", wubu.PermSelf, h.me),
		r("PUT", "/me/password", wubu.PermSelf, call(h, http.StatusNoContent, h.mePassword)),

		r("GET", "/projects", wubu.PermOrgView, call(h, http.StatusOK, h.projectList)),
		r("POST", "/projects", wubu.PermProjectCreate, call(h, http.StatusCreated, h.projectCreate)),
		r("GET", "/projects/{id}", wubu.PermOrgView, call(h, http.StatusOK, h.projectGet)),
		r("PATCH", "/projects/{id}", wubu.PermProjectCreate, call(h, http.StatusOK, h.projectUpdate)),
		r("GET", "/projects/{id}/zones", wubu.PermOrgView, call(h, http.StatusOK, h.zoneList)),
		r("POST", "/projects/{id}/zones", wubu.PermOrgEdit, call(h, http.StatusCreated, h.zoneCreate)),
		r("PATCH", "/projects/{id}/zones/{zone}", wubu.PermOrgEdit, call(h, http.StatusOK, h.zoneUpdate)),
		r("GET", "/projects/{id}/buildings", wubu.PermOrgView, call(h, http.StatusOK, h.buildingList)),
		r("POST", "/projects/{id}/buildings", wubu.PermOrgEdit, call(h, http.StatusCreated, h.buildingCreate)),
		r("POST", "/projects/{id}/rooms/generate", wubu.PermOrgEdit, call(h, http.StatusCreated, h.roomsGenerate)),
		r("GET", "/projects/{id}/rooms", wubu.PermOrgView, call(h, http.StatusOK, h.roomList)),
		r("GET", "/projects/{id}/assignments", wubu.PermOrgView, call(h, http.StatusOK, h.assignmentList)),
		r("POST", "/projects/{id}/assignments", wubu.PermStaffEdit, call(h, http.StatusCreated, h.assignmentCreate)),
		r("DELETE", "/projects/{id}/assignments", wubu.PermStaffEdit, call(h, http.StatusNoContent, h.assignmentDelete)),

		r("GET", "/buildings/{id}", wubu.PermOrgView, call(h, http.StatusOK, h.buildingGet)),
		r("PATCH", "/buildings/{id}", wubu.PermOrgEdit, call(h, http.StatusOK, h.buildingUpdate)),
		r("GET", "/buildings/{id}/units", wubu.PermOrgView, call(h, http.StatusOK, h.unitList)),
		r("POST", "/buildings/{id}/rooms", wubu.PermOrgEdit, call(h, http.StatusCreated, h.roomCreate)),
		r("PATCH", "/units/{id}", wubu.PermOrgEdit, call(h, http.StatusOK, h.unitUpdate)),

		r("GET", "/users", wubu.PermStaffView, call(h, http.StatusOK, h.userList)),
		r("POST", "/users", wubu.PermStaffEdit, call(h, http.StatusCreated, h.userCreate)),
		r("GET", "/users/{id}", wubu.PermStaffView, call(h, http.StatusOK, h.userGet)),
		r("PATCH", "/users/{id}", wubu.PermStaffEdit, call(h, http.StatusOK, h.userUpdate)),
		r("PUT", "/users/{id}/password", wubu.PermStaffEdit, call(h, http.StatusNoContent, h.userPassword)),

		r("GET", "/audit", wubu.PermAuditView, call(h, http.StatusOK, h.auditList)),
	}
	// Each feature's routes, from its own file: one line each.
	routes = append(routes, h.orderRoutes(r)...)
	routes = append(routes, h.importRoutes(r)...)
	routes = append(routes, h.residentRoutes(r)...)
	routes = append(routes, h.outboxRoutes(r)...)
	routes = append(routes, h.rulesRoutes(r)...)
	routes = append(routes, h.housekeepingRoutes(r)...)
	routes = append(routes, h.passRoutes(r)...)
	routes = append(routes, h.patrolRoutes(r)...)
	routes = append(routes, h.revisitRoutes(r)...)
	routes = append(routes, h.complaintRoutes(r)...)
	routes = append(routes, h.moveInRoutes(r)...)
	routes = append(routes, h.deskRoutes(r)...)
	routes = append(routes, h.renovationRoutes(r)...)
	routes = append(routes, h.trainingRoutes(r)...)
	routes = append(routes, h.eventRoutes(r)...)
	routes = append(routes, h.bulletinRoutes(r)...)
	routes = append(routes, h.communityRoutes(r)...)
	routes = append(routes, h.roundTableRoutes(r)...)
	routes = append(routes, h.figuresRoutes(r)...)
	routes = append(routes, h.segmentRoutes(r)...)
	routes = append(routes, h.scorecardRoutes(r)...)
	routes = append(routes, h.openapiRoutes(r)...)
	return routes
}

// withMaxBody gives a route a body limit of its own, above the server's.
func withMaxBody(rt server.Route, n int64) server.Route {
	rt.MaxBody = n
	return rt
}

// route makes an API route; features' route lists take it as r.
type route func(method, path string, perm wubu.Permission, fn http.HandlerFunc) server.Route

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) { h.Fail(w, r, true, err) }

// none is the request type of handlers that read no body.
type none struct{}

// call adapts a service call to an HTTP handler: it parses the {id} path
// value (0 where the route has none) and, unless Req is none, the JSON
// body; it answers with the result as JSON and the status, or with the
// error. A 204 status sends no body.
func call[Req, Res any](h *Handler, status int, fn func(r *http.Request, id int64, req Req) (Res, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var id int64
		if r.PathValue("id") != "" {
			var err error
			if id, err = pathID(r, "id"); err != nil {
				h.fail(w, r, err)
				return
			}
		}
		var req Req
		if _, empty := any(req).(none); !empty {
			if err := server.ReadJSON(r, &req); err != nil {
				h.fail(w, r, err)
				return
			}
		}
		res, err := fn(r, id, req)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if status == http.StatusNoContent {
			w.WriteHeader(status)
			return
		}
		server.WriteJSON(w, status, res)
	}
}

// queryID parses an optional numeric query parameter.
func queryID(r *http.Request, name string) (*int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return nil, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, wubu.FieldErrorf(name, wubu.EINVALID, "%s must be a number.", name)
	}
	return &id, nil
}

func pathID(r *http.Request, name string) (int64, error) { return server.PathID(r, name) }

// list is the JSON shape of a paged list.
type list[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Offset int `json:"offset"`
}

func newList[T any](items []T, total, offset int) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items, Total: total, Offset: offset}
}

// paging reads ?offset= and ?limit=.
func paging(r *http.Request) (offset, limit int) {
	offset, _ = strconv.Atoi(r.URL.Query().Get("offset"))
	limit, _ = strconv.Atoi(r.URL.Query().Get("limit"))
	return max(offset, 0), max(limit, 0)
}

type loginRequest struct {
	Login    string `json:"login"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token     string     `json:"token"`
	ExpiresIn int        `json:"expires_in"`
	User      *wubu.User `json:"user"`
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := server.ReadJSON(r, &req); err != nil {
		h.fail(w, r, err)
		return
	}
	token, u, err := h.Auth.Login(r.Context(), req.Login, req.Password, "api")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusOK, loginResponse{Token: token, ExpiresIn: int(wubu.IdleTimeout / time.Second), User: u})
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if err := h.Auth.Logout(r.Context(), server.Token(r)); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) me(w http.ResponseWriter, r *http.Request) {
	server.WriteJSON(w, http.StatusOK, wubu.UserFromContext(r.Context()))
}

func (h *Handler) auditList(r *http.Request, _ int64, _ none) (list[*wubu.AuditEntry], error) {
	q := r.URL.Query()
	offset, limit := paging(r)
	f := wubu.AuditFilter{Login: q.Get("login"), ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"), Action: q.Get("action"), Offset: offset, Limit: limit}
	var err error
	if f.ProjectID, err = queryID(r, "project_id"); err != nil {
		return list[*wubu.AuditEntry]{}, err
	}
	if f.UserID, err = queryID(r, "user_id"); err != nil {
		return list[*wubu.AuditEntry]{}, err
	}
	for _, p := range []struct {
		name string
		dst  **time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if s := q.Get(p.name); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return list[*wubu.AuditEntry]{}, wubu.FieldErrorf(p.name, wubu.EINVALID, "%s must be a time in RFC 3339 form, such as 2026-11-27T09:00:00+08:00.", p.name)
			}
			*p.dst = &t
		}
	}
	entries, total, err := h.Audit.FindAuditEntries(r.Context(), f)
	return newList(entries, total, offset), err
}
