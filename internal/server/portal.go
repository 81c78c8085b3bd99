package server

import (
	"context"
	"net/http"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/i18n"
)

// PortalCookie is the name of the cookie holding a resident's portal
// session token: apart from the staff session's, so that a resident's
// session never opens a staff page and a staff session never a resident's.
const PortalCookie = "wubu_portal"

// PortalLoginPath is where a resident without a session is sent; a session
// whose person is not chosen yet goes to PortalChoosePath.
const (
	PortalLoginPath  = "/my/login"
	PortalChoosePath = "/my/choose"
)

// PortalToken returns the portal session token of a request.
func PortalToken(r *http.Request) string {
	if c, err := r.Cookie(PortalCookie); err == nil {
		return c.Value
	}
	return ""
}

// portalGuard guards a resident's route (wubu.PermPortal): the portal
// session must be live and its person chosen; the request then carries
// the resident (wubu.PortalIdentityFromContext) and their principal, and
// every service scopes by the resident's households. The staff session
// plays no part.
func (s *Server) portalGuard(w http.ResponseWriter, r *http.Request, rt Route) {
	ctx := context.WithValue(r.Context(), langKey{}, i18n.FromRequest(r, ""))
	r = r.WithContext(ctx)
	var id *wubu.PortalIdentity
	var err error
	if s.Portal == nil {
		err = wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	} else {
		id, err = s.Portal.Authenticate(ctx, PortalToken(r))
	}
	if err != nil {
		if wubu.ErrorCode(err) != wubu.EUNAUTHORIZED {
			s.Fail(w, r, rt.API, err)
			return
		}
		s.portalRedirect(w, r, PortalLoginPath+"?next="+urlQueryEscape(r.URL.RequestURI()))
		return
	}
	if id.PersonID == 0 {
		s.portalRedirect(w, r, PortalChoosePath)
		return
	}
	rt.Handler(w, r.WithContext(wubu.NewContextWithPortalIdentity(ctx, id)))
}

func (s *Server) portalRedirect(w http.ResponseWriter, r *http.Request, target string) {
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", target)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// SetPortalCookie gives the resident's phone its portal session token, for
// the session's 30 days.
func (s *Server) SetPortalCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: PortalCookie, Value: token, Path: "/my", HttpOnly: true, Secure: s.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(wubu.PortalSessionAge / time.Second)})
}

// ClearPortalCookie removes the portal session cookie.
func (s *Server) ClearPortalCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: PortalCookie, Value: "", Path: "/my", HttpOnly: true, Secure: s.Secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}
