package web

import (
	"net/http"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/i18n"
	"github.com/wubu-oss/wubu/internal/server"
)

type loginView struct {
	Page
	Login, Next, LoginError string
	Expired                 bool
}

func (h *Handler) loginShow(w http.ResponseWriter, r *http.Request) {
	if wubu.UserFromContext(r.Context()) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	v := &loginView{Page: h.newPage(r, "Sign in"), Next: r.URL.Query().Get("next"), Expired: r.URL.Query().Get("expired") == "1"}
	h.render(w, r, http.StatusOK, "login", v)
}

func (h *Handler) loginSubmit(w http.ResponseWriter, r *http.Request) {
	login, next := r.PostFormValue("login"), r.PostFormValue("next")
	token, u, err := h.Auth.Login(r.Context(), login, r.PostFormValue("password"), "web")
	if err != nil {
		v := &loginView{Page: h.newPage(r, "Sign in"), Login: login, Next: next, LoginError: server.ErrMessage(r, err)}
		h.render(w, r, server.Status(server.ErrorCode(err)), "login", v)
		return
	}
	h.SetSessionCookie(w, token)
	if _, err := r.Cookie("lang"); err != nil && i18n.Supported(u.Lang) {
		h.SetLangCookie(w, u.Lang)
	}
	// Staff start their day on Today (F9) unless they were on their way
	// to another page.
	if next == "" || next == "/" {
		http.Redirect(w, r, "/today", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}

// safeNext returns a local path to go to after sign-in, never another site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.HasPrefix(next, "/login") {
		return "/"
	}
	return next
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if err := h.Auth.Logout(r.Context(), server.Token(r)); err != nil {
		h.fail(w, r, err)
		return
	}
	h.ClearSessionCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// langSwitch sets the interface language, for this browser and, when signed
// in, for the account.
func (h *Handler) langSwitch(w http.ResponseWriter, r *http.Request) {
	lang := r.PostFormValue("lang")
	if !i18n.Supported(lang) {
		h.fail(w, r, wubu.Errorf(wubu.EINVALID, "Language %q is not supported.", lang))
		return
	}
	h.SetLangCookie(w, lang)
	if u := wubu.UserFromContext(r.Context()); u != nil && u.Lang != lang {
		if _, err := h.Users.UpdateUser(r.Context(), u.ID, wubu.UserUpdate{Lang: &lang}); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}
