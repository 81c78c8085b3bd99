package api

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

func (h *Handler) userList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	offset, limit := paging(r)
	f := wubu.UserFilter{Query: q.Get("q"), Offset: offset, Limit: limit}
	if s := q.Get("project_id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			h.fail(w, r, wubu.FieldErrorf("project_id", wubu.EINVALID, "project_id must be a number."))
			return
		}
		f.ProjectID = &id
	}
	if s := q.Get("post"); s != "" {
		p := wubu.Post(s)
		if !p.Valid() {
			h.fail(w, r, wubu.FieldErrorf("post", wubu.EINVALID, "Post %q is not valid.", s))
			return
		}
		f.Post = &p
	}
	if s := q.Get("role"); s != "" {
		rl := wubu.Role(s)
		if !rl.Valid() {
			h.fail(w, r, wubu.FieldErrorf("role", wubu.EINVALID, "Role %q is not valid.", s))
			return
		}
		f.Role = &rl
	}
	users, total, err := h.Users.FindUsers(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusOK, newList(users, total, offset))
}

func (h *Handler) userCreate(w http.ResponseWriter, r *http.Request) {
	var nu wubu.NewUser
	if err := server.ReadJSON(r, &nu); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Users.CreateUser(r.Context(), &nu); err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusCreated, nu.User)
}

func (h *Handler) userGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u, err := h.Users.FindUserByID(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusOK, u)
}

func (h *Handler) userUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var upd wubu.UserUpdate
	if err := server.ReadJSON(r, &upd); err != nil {
		h.fail(w, r, err)
		return
	}
	u, err := h.Users.UpdateUser(r.Context(), id, upd)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusOK, u)
}

func (h *Handler) userPassword(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var req passwordRequest
	if err := server.ReadJSON(r, &req); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Users.SetPassword(r.Context(), id, req.Password); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
