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
	return []server.Route{
		r("POST", "/login", server.Public, h.login),
		r("POST", "/logout", wubu.PermSelf, h.logout),
		r("GET", "/me", wubu.PermSelf, h.me),

		r("GET", "/projects", wubu.PermOrgView, h.projectList),
		r("POST", "/projects", wubu.PermProjectCreate, h.projectCreate),
		r("GET", "/projects/{id}", wubu.PermOrgView, h.projectGet),
		r("PATCH", "/projects/{id}", wubu.PermProjectCreate, h.projectUpdate),
		r("GET", "/projects/{id}/zones", wubu.PermOrgView, h.zoneList),
		r("POST", "/projects/{id}/zones", wubu.PermOrgEdit, h.zoneCreate),
		r("PATCH", "/projects/{id}/zones/{zone}", wubu.PermOrgEdit, h.zoneUpdate),
		r("GET", "/projects/{id}/buildings", wubu.PermOrgView, h.buildingList),
		r("POST", "/projects/{id}/buildings", wubu.PermOrgEdit, h.buildingCreate),
		r("POST", "/projects/{id}/rooms/generate", wubu.PermOrgEdit, h.roomsGenerate),
		r("GET", "/projects/{id}/rooms", wubu.PermOrgView, h.roomList),
		r("GET", "/projects/{id}/assignments", wubu.PermOrgView, h.assignmentList),
		r("POST", "/projects/{id}/assignments", wubu.PermStaffEdit, h.assignmentCreate),
		r("DELETE", "/projects/{id}/assignments", wubu.PermStaffEdit, h.assignmentDelete),

		r("GET", "/buildings/{id}", wubu.PermOrgView, h.buildingGet),
		r("PATCH", "/buildings/{id}", wubu.PermOrgEdit, h.buildingUpdate),
		r("GET", "/buildings/{id}/units", wubu.PermOrgView, h.unitList),
		r("POST", "/buildings/{id}/rooms", wubu.PermOrgEdit, h.roomCreate),
		r("PATCH", "/units/{id}", wubu.PermOrgEdit, h.unitUpdate),

		r("GET", "/users", wubu.PermStaffView, h.userList),
		r("POST", "/users", wubu.PermStaffEdit, h.userCreate),
		r("GET", "/users/{id}", wubu.PermStaffView, h.userGet),
		r("PATCH", "/users/{id}", wubu.PermStaffEdit, h.userUpdate),
		r("PUT", "/users/{id}/password", wubu.PermStaffEdit, h.userPassword),
		r("PUT", "/me/password", wubu.PermSelf, h.mePassword),

		r("GET", "/audit", wubu.PermAuditView, h.auditList),
	}
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) { h.Fail(w, r, true, err) }

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return id, nil
}

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

type passwordRequest struct {
	Password string `json:"password"`
}

func (h *Handler) mePassword(w http.ResponseWriter, r *http.Request) {
	var req passwordRequest
	if err := server.ReadJSON(r, &req); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Users.SetPassword(r.Context(), wubu.UserFromContext(r.Context()).ID, req.Password); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) auditList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	offset, limit := paging(r)
	f := wubu.AuditFilter{Login: q.Get("login"), ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"), Action: q.Get("action"), Offset: offset, Limit: limit}
	if s := q.Get("project_id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			h.fail(w, r, wubu.FieldErrorf("project_id", wubu.EINVALID, "project_id must be a number."))
			return
		}
		f.ProjectID = &id
	}
	if s := q.Get("user_id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			h.fail(w, r, wubu.FieldErrorf("user_id", wubu.EINVALID, "user_id must be a number."))
			return
		}
		f.UserID = &id
	}
	for _, p := range []struct {
		name string
		dst  **time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if s := q.Get(p.name); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				h.fail(w, r, wubu.FieldErrorf(p.name, wubu.EINVALID, "%s must be a time in RFC 3339 form, such as 2026-11-27T09:00:00+08:00.", p.name))
				return
			}
			*p.dst = &t
		}
	}
	entries, total, err := h.Audit.FindAuditEntries(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusOK, newList(entries, total, offset))
}
