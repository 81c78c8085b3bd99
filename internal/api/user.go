package api

import (
	"net/http"

	"github.com/wubu-oss/wubu"
)

func (h *Handler) userList(r *http.Request, _ int64, _ none) (list[*wubu.User], error) {
	q := r.URL.Query()
	offset, limit := paging(r)
	f := wubu.UserFilter{Query: q.Get("q"), Offset: offset, Limit: limit}
	var err error
	if f.ProjectID, err = queryID(r, "project_id"); err != nil {
		return list[*wubu.User]{}, err
	}
	if s := q.Get("post"); s != "" {
		p := wubu.Post(s)
		if !p.Valid() {
			return list[*wubu.User]{}, wubu.FieldErrorf("post", wubu.EINVALID, "Post %q is not valid.", s)
		}
		f.Post = &p
	}
	if s := q.Get("role"); s != "" {
		rl := wubu.Role(s)
		if !rl.Valid() {
			return list[*wubu.User]{}, wubu.FieldErrorf("role", wubu.EINVALID, "Role %q is not valid.", s)
		}
		f.Role = &rl
	}
	users, total, err := h.Users.FindUsers(r.Context(), f)
	return newList(users, total, offset), err
}

func (h *Handler) userCreate(r *http.Request, _ int64, nu wubu.NewUser) (*wubu.User, error) {
	return &nu.User, h.Users.CreateUser(r.Context(), &nu)
}

func (h *Handler) userGet(r *http.Request, id int64, _ none) (*wubu.User, error) {
	return h.Users.FindUserByID(r.Context(), id)
}

func (h *Handler) userUpdate(r *http.Request, id int64, upd wubu.UserUpdate) (*wubu.User, error) {
	return h.Users.UpdateUser(r.Context(), id, upd)
}

type passwordRequest struct {
	Password string `json:"password"`
}

func (h *Handler) userPassword(r *http.Request, id int64, req passwordRequest) (none, error) {
	return none{}, h.Users.SetPassword(r.Context(), id, req.Password)
}

// mePasswordRequest changes one's own password: the current one is asked.
type mePasswordRequest struct {
	CurrentPassword string `json:"current_password"`
	Password        string `json:"password"`
}

func (h *Handler) mePassword(r *http.Request, _ int64, req mePasswordRequest) (none, error) {
	return none{}, h.Users.ChangePassword(r.Context(), req.CurrentPassword, req.Password)
}
