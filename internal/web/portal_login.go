package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/notify"
	"github.com/wubu-oss/wubu/internal/server"
)

// portalLoginRoutes are the portal's sign-in: a number, the code sent to
// it, who among the number's persons one is; and the staff's view of a
// resident's portal sessions.
func (h *Handler) portalLoginRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/my/login", Perm: server.Public, Handler: h.portalLoginShow},
		{Method: "POST", Path: "/my/login", Perm: server.Public, Handler: h.portalCodeRequest},
		{Method: "POST", Path: "/my/login/verify", Perm: server.Public, Handler: h.portalCodeVerify},
		{Method: "GET", Path: "/my/choose", Perm: server.Public, Handler: h.portalChooseShow},
		{Method: "POST", Path: "/my/choose", Perm: server.Public, Handler: h.portalChoose},
		{Method: "POST", Path: "/my/logout", Perm: wubu.PermPortal, Handler: h.portalLogout},
		{Method: "GET", Path: "/my/demo-sms", Perm: server.Public, Handler: h.portalDemoSMS},
	}
}

type portalLoginView struct {
	Page
	Phone, Next string
	// Sent is set once a code is on its way: the code's form shows.
	Sent *wubu.PortalCodeSent
	// Demo links the demo's SMS sink, where the codes arrive.
	Demo bool
}

func (h *Handler) newPortalLogin(r *http.Request) *portalLoginView {
	return &portalLoginView{Page: h.newPage(r, "Residents' sign-in"), Next: portalNext(r.FormValue("next")), Demo: h.DemoSink != nil}
}

// portalNext returns where to go after sign-in: a portal page only.
func portalNext(next string) string {
	if !isPortalPath(next) || strings.HasPrefix(next, "/my/login") || strings.HasPrefix(next, "//") {
		return "/my"
	}
	return next
}

// portalLoginShow asks for the resident's mobile number.
func (h *Handler) portalLoginShow(w http.ResponseWriter, r *http.Request) {
	if id, err := h.Portal.Authenticate(r.Context(), server.PortalToken(r)); err == nil && id.PersonID != 0 {
		http.Redirect(w, r, "/my", http.StatusSeeOther)
		return
	}
	h.render(w, r, http.StatusOK, "portal_login", h.newPortalLogin(r))
}

// portalCodeRequest sends a code to the number and asks for it.
func (h *Handler) portalCodeRequest(w http.ResponseWriter, r *http.Request) {
	v := h.newPortalLogin(r)
	v.Phone = strings.TrimSpace(r.PostFormValue("phone"))
	sent, err := h.Portal.RequestCode(r.Context(), v.Phone)
	if err != nil {
		h.render(w, r, formError(r, &v.Page, err, ""), "portal_login", v)
		return
	}
	v.Sent = sent
	h.render(w, r, http.StatusOK, "portal_login", v)
}

// portalCodeVerify checks the code and signs the resident in.
func (h *Handler) portalCodeVerify(w http.ResponseWriter, r *http.Request) {
	v := h.newPortalLogin(r)
	v.Phone = strings.TrimSpace(r.PostFormValue("phone"))
	token, cands, err := h.Portal.VerifyCode(r.Context(), v.Phone, r.PostFormValue("code"))
	if err != nil {
		v.Sent = &wubu.PortalCodeSent{}
		h.render(w, r, formError(r, &v.Page, err, ""), "portal_login", v)
		return
	}
	h.SetPortalCookie(w, token)
	if len(cands) > 1 {
		http.Redirect(w, r, "/my/choose", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
}

type portalChooseView struct {
	Page
	Candidates []*wubu.PortalCandidate
}

// portalChooseShow lists the persons registered with the number.
func (h *Handler) portalChooseShow(w http.ResponseWriter, r *http.Request) {
	cands, err := h.Portal.Candidates(r.Context(), server.PortalToken(r))
	if err != nil {
		http.Redirect(w, r, server.PortalLoginPath, http.StatusSeeOther)
		return
	}
	h.render(w, r, http.StatusOK, "portal_choose", &portalChooseView{Page: h.newPage(r, "Who are you?"), Candidates: cands})
}

// portalChoose makes the session the chosen person's.
func (h *Handler) portalChoose(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PostFormValue("person_id"), 10, 64)
	if err != nil {
		err = wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	} else {
		err = h.Portal.Choose(r.Context(), server.PortalToken(r), id)
	}
	if wubu.ErrorCode(err) == wubu.EUNAUTHORIZED {
		http.Redirect(w, r, server.PortalLoginPath, http.StatusSeeOther)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/my", http.StatusSeeOther)
}

// portalLogout signs this phone out.
func (h *Handler) portalLogout(w http.ResponseWriter, r *http.Request) {
	if err := h.Portal.Logout(r.Context(), server.PortalToken(r)); err != nil {
		h.fail(w, r, err)
		return
	}
	h.ClearPortalCookie(w)
	http.Redirect(w, r, server.PortalLoginPath, http.StatusSeeOther)
}

type portalDemoSMSView struct {
	Page
	Messages []notify.SunkMessage
}

// portalDemoSMS shows, in the demo only, the sign-in codes the demo's SMS
// sink received, so that a newcomer can sign in as a resident. A real
// server answers not found.
func (h *Handler) portalDemoSMS(w http.ResponseWriter, r *http.Request) {
	if h.DemoSink == nil {
		h.fail(w, r, wubu.Errorf(wubu.ENOTFOUND, "Not found."))
		return
	}
	v := &portalDemoSMSView{Page: h.newPage(r, "Demo SMS")}
	v.PortalShell = true
	v.Messages = h.DemoSink.MessagesOfKind("portal_code")
	h.render(w, r, http.StatusOK, "portal_demo_sms", v)
}
