package web

import (
	"net/http"
)

type accountView struct{ Page }

func (h *Handler) accountShow(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "account", &accountView{Page: h.newPage(r, "My account")})
}

// accountPassword changes the signed-in user's own password; their other
// sessions end.
func (h *Handler) accountPassword(w http.ResponseWriter, r *http.Request) {
	if err := h.Users.ChangePassword(r.Context(), r.PostFormValue("current_password"), r.PostFormValue("password")); err != nil {
		v := &accountView{Page: h.newPage(r, "My account")}
		h.render(w, r, formError(r, &v.Page, err, ""), "account", v)
		return
	}
	h.redirect(w, r, "/account", h.T(r, "Password changed. Your other sessions have ended."))
}
