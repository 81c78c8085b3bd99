package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/notify"
	"github.com/wubu-oss/wubu/internal/server"
)

// channelRoutes are a staff member's own channels (WeCom userid,
// preference), a project's channel settings (whether WeChat and WeCom are
// configured; its WeCom group robot), the resident's own in the portal
// (WeChat link, preference) and the WeChat account's server URL.
func (h *Handler) channelRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/account/channels", Perm: wubu.PermSelf, Handler: h.accountChannelsShow},
		{Method: "POST", Path: "/account/channels", Perm: wubu.PermSelf, Handler: h.accountChannelsSave},
		{Method: "GET", Path: "/projects/{id}/channels", Perm: wubu.PermSettingsEdit, Handler: h.projectChannelsShow},
		{Method: "POST", Path: "/projects/{id}/channels", Perm: wubu.PermSettingsEdit, Handler: h.projectChannelsSave},
		// The resident's own, in the portal.
		{Method: "GET", Path: "/my/notifications", Perm: wubu.PermPortal, Handler: h.portalChannelsShow},
		{Method: "POST", Path: "/my/notifications", Perm: wubu.PermPortal, Handler: h.portalChannelsSave},
		{Method: "GET", Path: "/my/wechat/link", Perm: wubu.PermPortal, Handler: h.linkWeChatStart},
		{Method: "GET", Path: "/my/wechat/link/callback", Perm: wubu.PermPortal, Handler: h.linkWeChatCallback},
		// The WeChat account's server URL: WeChat signs each request.
		{Method: "GET", Path: "/wechat/server", Perm: server.Public, Handler: h.wechatServer},
		{Method: "POST", Path: "/wechat/server", Perm: server.Public, Handler: h.wechatServer},
	}
}

// wechatServer is the account's server URL (服务器配置): WeChat checks it
// with a signed GET whose echostr is answered back, and posts events to
// it, each signed with the account's token (sha1 of token, timestamp and
// nonce sorted) within 5 minutes of now. An "unsubscribe" event forgets
// the openid's link, so the resident's messages go by SMS again.
func (h *Handler) wechatServer(w http.ResponseWriter, r *http.Request) {
	if h.WeChat == nil || h.WeChat.Token == "" {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	ts, err := strconv.ParseInt(q.Get("timestamp"), 10, 64)
	fresh := err == nil && h.Clock.Now().Sub(time.Unix(ts, 0)).Abs() <= 5*time.Minute
	if !fresh || !notify.VerifyWeChatSignature(h.WeChat.Token, q.Get("signature"), q.Get("timestamp"), q.Get("nonce")) {
		http.Error(w, "signature", http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Method == http.MethodGet {
		io.WriteString(w, q.Get("echostr"))
		return
	}
	var ev struct {
		FromUserName string `xml:"FromUserName"`
		MsgType      string `xml:"MsgType"`
		Event        string `xml:"Event"`
	}
	if err := xml.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&ev); err != nil {
		http.Error(w, "xml", http.StatusBadRequest)
		return
	}
	if ev.MsgType == "event" && ev.Event == "unsubscribe" {
		if err := h.Channels.WeChatUnfollowed(r.Context(), ev.FromUserName); err != nil {
			h.Logger.Warn("wechat unsubscribe", "err", err)
			http.Error(w, "retry", http.StatusInternalServerError) // WeChat tries again
			return
		}
	}
	io.WriteString(w, "success")
}

// channelOption is one channel offered in a preference list.
type channelOption struct {
	Channel wubu.Channel
	Label   string
}

type accountChannelsView struct {
	Page
	Options []channelOption
	// WeComReady says whether the company's WeCom application is set up.
	WeComReady bool
}

func (h *Handler) accountChannelsView(r *http.Request) *accountChannelsView {
	v := &accountChannelsView{Page: h.newPage(r, "My notification channels"), WeComReady: h.WeCom.Configured()}
	for _, c := range wubu.StaffChannelChoices {
		v.Options = append(v.Options, channelOption{c, v.T("channel:" + string(c))})
	}
	return v
}

// accountChannelsShow shows the signed-in staff member's WeCom userid and
// the channel they prefer.
func (h *Handler) accountChannelsShow(w http.ResponseWriter, r *http.Request) {
	u := wubu.UserFromContext(r.Context())
	c, err := h.Channels.StaffChannels(r.Context(), u.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := h.accountChannelsView(r)
	v.Form.Set("wecom_userid", c.WeComUserID)
	if len(c.Preference) > 0 {
		v.Form.Set("first", string(c.Preference[0]))
	}
	if len(c.Preference) > 1 {
		v.Form.Set("then", string(c.Preference[1]))
	}
	h.render(w, r, http.StatusOK, "account_channels", v)
}

// accountChannelsSave stores them; a refused form keeps what was typed.
func (h *Handler) accountChannelsSave(w http.ResponseWriter, r *http.Request) {
	u := wubu.UserFromContext(r.Context())
	r.ParseForm()
	v := h.accountChannelsView(r)
	v.Form = r.PostForm
	pref, err := wubu.ParsePreference(r.PostFormValue("first")+","+r.PostFormValue("then"), wubu.StaffChannelChoices)
	if err == nil {
		err = h.Channels.SetStaffChannels(r.Context(), wubu.StaffChannels{UserID: u.ID, WeComUserID: r.PostFormValue("wecom_userid"), Preference: pref})
	}
	if err != nil {
		h.render(w, r, formError(r, &v.Page, err, ""), "account_channels", v)
		return
	}
	h.redirect(w, r, "/account/channels", h.T(r, "Notification channels saved."))
}

type projectChannelsView struct {
	Page
	Project  *wubu.Project
	Settings *wubu.ProjectChannels
	// WeChatReady and WeComReady say whether the accounts are configured
	// (by the server's administrator, in its environment); the secrets
	// are never shown.
	WeChatReady, WeComReady bool
	WeChatAppID             string
}

// pathProject returns the project the path's {id} names, or answers the
// error and returns false.
func (h *Handler) pathProject(w http.ResponseWriter, r *http.Request) (*wubu.Project, bool) {
	id, err := pathID(r, "id")
	if err == nil {
		var p *wubu.Project
		if p, err = h.Projects.FindProjectByID(r.Context(), id); err == nil {
			return p, true
		}
	}
	h.fail(w, r, err)
	return nil, false
}

func (h *Handler) projectChannelsView(w http.ResponseWriter, r *http.Request) (*projectChannelsView, bool) {
	p, ok := h.pathProject(w, r)
	if !ok {
		return nil, false
	}
	st, err := h.Channels.ProjectChannels(r.Context(), p.ID)
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	v := &projectChannelsView{Page: h.newPage(r, "WeChat and WeCom"), Project: p, Settings: st, WeChatReady: h.WeChat.Configured(), WeComReady: h.WeCom.Configured()}
	if v.WeChatReady {
		v.WeChatAppID = h.WeChat.AppID
	}
	return v, true
}

// projectChannelsShow shows whether WeChat and WeCom are configured and
// the project's group robot.
func (h *Handler) projectChannelsShow(w http.ResponseWriter, r *http.Request) {
	if v, ok := h.projectChannelsView(w, r); ok {
		h.render(w, r, http.StatusOK, "project_channels", v)
	}
}

// projectChannelsSave stores the project's group robot key.
func (h *Handler) projectChannelsSave(w http.ResponseWriter, r *http.Request) {
	v, ok := h.projectChannelsView(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	v.Form = r.PostForm
	in := wubu.ProjectChannels{ProjectID: v.Project.ID, WeComRobotKey: r.PostFormValue("wecom_robot_key")}
	if _, err := h.Channels.UpdateProjectChannels(r.Context(), in, r.PostFormValue("clear") == "1"); err != nil {
		h.render(w, r, formError(r, &v.Page, err, ""), "project_channels", v)
		return
	}
	h.redirect(w, r, fmt.Sprintf("/projects/%d/channels", v.Project.ID), h.T(r, "Notification channels saved."))
}

// --- The customer card: a resident's channels ---

// residentChannels fills in the card's WeChat link and channel order.
func (h *Handler) residentChannels(r *http.Request, v *residentView) error {
	if h.Channels == nil || !v.User.Sees(wubu.CardOptOuts) {
		return nil
	}
	c, err := h.Channels.PersonChannels(r.Context(), v.Resident.ID)
	if err != nil {
		return err
	}
	v.Channels = c
	if !v.Form.Has("first") {
		for i, name := range []string{"first", "then"} {
			if i < len(c.Preference) {
				v.Form.Set(name, string(c.Preference[i]))
			}
		}
	}
	return nil
}

// WeChatLinkedOn is the day the resident linked their WeChat.
func (v *residentView) WeChatLinkedOn() string {
	if v.Channels == nil || v.Channels.WeChatLinkedAt == nil {
		return ""
	}
	return v.Date(*v.Channels.WeChatLinkedAt)
}

// ResidentChannelOptions are the channels the card offers for a resident.
func (v *residentView) ResidentChannelOptions() []channelOption {
	var out []channelOption
	for _, c := range wubu.ResidentChannelChoices {
		out = append(out, channelOption{c, v.T("channel:" + string(c))})
	}
	return out
}

// residentChannelsSave stores the card's channel order and, when asked,
// forgets the resident's WeChat.
func (h *Handler) residentChannelsSave(r *http.Request, id int64) error {
	if h.Channels == nil {
		return wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	pref, err := wubu.ParsePreference(r.PostFormValue("first")+","+r.PostFormValue("then"), wubu.ResidentChannelChoices)
	if err != nil {
		return err
	}
	if r.PostFormValue("unlink") == "1" {
		if err := h.Channels.UnlinkWeChat(r.Context(), id); err != nil {
			return err
		}
	}
	return h.Channels.SetPersonPreference(r.Context(), id, pref)
}

// --- The resident's WeChat link and channels, in the portal ---

// wechatStateCookie holds the state of a WeChat link in progress, checked
// against the state WeChat sends back (so no other site can finish a link
// for the resident: CSRF).
const wechatStateCookie = "wubu_wechat_state"

// portalChannelsHome is the portal page of the resident's channels.
const portalChannelsHome = "/my/notifications"

type portalChannelsView struct {
	Page
	Channels *wubu.PersonChannels
	Options  []channelOption
	// WeChatReady says whether the centre set up WeChat; InWeChat whether
	// the page is open in WeChat's in-app browser, where the link works.
	WeChatReady, InWeChat bool
}

func (h *Handler) portalChannelsView(w http.ResponseWriter, r *http.Request) (*portalChannelsView, bool) {
	id, _ := h.portalResident(r)
	c, err := h.Channels.ResidentChannels(r.Context(), id.ProjectID, id.PersonID)
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	v := &portalChannelsView{Page: h.newPage(r, "My notifications"), Channels: c, WeChatReady: h.WeChat.Configured(),
		InWeChat: strings.Contains(r.UserAgent(), "MicroMessenger")}
	for _, ch := range wubu.ResidentChannelChoices {
		v.Options = append(v.Options, channelOption{ch, v.T("channel:" + string(ch))})
	}
	for i, name := range []string{"first", "then"} {
		if i < len(c.Preference) {
			v.Form.Set(name, string(c.Preference[i]))
		}
	}
	return v, true
}

// portalChannelsShow shows the resident whether their WeChat is linked and
// the order of their channels.
func (h *Handler) portalChannelsShow(w http.ResponseWriter, r *http.Request) {
	if v, ok := h.portalChannelsView(w, r); ok {
		h.render(w, r, http.StatusOK, "portal_channels", v)
	}
}

// portalChannelsSave stores the resident's channel order and, when asked,
// unlinks their WeChat.
func (h *Handler) portalChannelsSave(w http.ResponseWriter, r *http.Request) {
	v, ok := h.portalChannelsView(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	v.Form = r.PostForm
	id, _ := h.portalResident(r)
	pref, err := wubu.ParsePreference(r.PostFormValue("first")+","+r.PostFormValue("then"), wubu.ResidentChannelChoices)
	if err == nil && r.PostFormValue("unlink") == "1" {
		err = h.Channels.UnlinkResidentWeChat(r.Context(), id.ProjectID, id.PersonID)
	}
	if err == nil {
		err = h.Channels.SetResidentPreference(r.Context(), id.ProjectID, id.PersonID, pref)
	}
	if err != nil {
		h.render(w, r, formError(r, &v.Page, err, ""), "portal_channels", v)
		return
	}
	h.redirect(w, r, portalChannelsHome, h.T(r, "Notification channels saved."))
}

// linkWeChatStart sends the signed-in resident's browser (WeChat's in-app
// browser) to WeChat's web authorization, with a fresh state kept in a
// cookie bound to the resident.
func (h *Handler) linkWeChatStart(w http.ResponseWriter, r *http.Request) {
	id, _ := h.portalResident(r)
	if !h.WeChat.Configured() {
		h.redirect(w, r, portalChannelsHome, h.T(r, "WeChat messages are not set up by your service centre yet."))
		return
	}
	var b [16]byte
	rand.Read(b[:])
	state := hex.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{Name: wechatStateCookie, Value: state + "." + fmt.Sprint(id.PersonID), Path: "/my/wechat", HttpOnly: true,
		Secure: h.Secure, SameSite: http.SameSiteLaxMode, MaxAge: 600})
	http.Redirect(w, r, h.WeChat.AuthorizeURL(h.absURL(r, "/my/wechat/link/callback"), state), http.StatusFound)
}

// linkWeChatCallback checks the state, trades WeChat's code for the
// openid and links it to the signed-in resident.
func (h *Handler) linkWeChatCallback(w http.ResponseWriter, r *http.Request) {
	id, _ := h.portalResident(r)
	if !h.WeChat.Configured() {
		h.redirect(w, r, portalChannelsHome, h.T(r, "WeChat messages are not set up by your service centre yet."))
		return
	}
	c, err := r.Cookie(wechatStateCookie)
	http.SetCookie(w, &http.Cookie{Name: wechatStateCookie, Value: "", Path: "/my/wechat", HttpOnly: true, Secure: h.Secure, MaxAge: -1})
	want := ""
	if err == nil {
		want = c.Value
	}
	state := r.URL.Query().Get("state")
	got := state + "." + fmt.Sprint(id.PersonID)
	if want == "" || state == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		h.errorPage(w, r, http.StatusBadRequest, h.T(r, "This WeChat link has expired or was not started here. Please start it again."))
		return
	}
	code := r.URL.Query().Get("code")
	if code == "" { // the resident declined
		h.redirect(w, r, portalChannelsHome, h.T(r, "WeChat was not linked."))
		return
	}
	openid, err := h.WeChat.ExchangeCode(r.Context(), code)
	if err != nil {
		h.Logger.Warn("wechat link", "person", id.PersonID, "err", err)
		h.errorPage(w, r, http.StatusBadGateway, h.T(r, "WeChat did not confirm who you are. Please try again."))
		return
	}
	if err := h.Channels.LinkWeChat(r.Context(), id.ProjectID, id.PersonID, openid); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, portalChannelsHome, h.T(r, "WeChat linked: notices from your service centre now arrive in WeChat."))
}

// absURL returns the absolute address of a path on this server, as the
// browser reaches it.
func (h *Handler) absURL(r *http.Request, path string) string {
	scheme := "http"
	if h.Secure || r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + strings.TrimSuffix(r.Host, "/") + path
}
