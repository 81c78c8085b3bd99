// Package web is Wubu's server-rendered interface: one handler file per
// screen, templates parsed once at start-up, every text through the message
// catalogue.
package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/i18n"
	"github.com/wubu-oss/wubu/internal/server"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// China Standard Time: dates and times are shown in it.
var cst = time.FixedZone("CST", 8*3600)

// Handler serves the pages.
type Handler struct {
	*server.Server
	pages map[string]*template.Template
}

// New parses the templates and returns the page handler of the server,
// registering its routes and the static files.
func New(s *server.Server) (*Handler, error) {
	h := &Handler{Server: s, pages: map[string]*template.Template{}}
	funcs := template.FuncMap{
		"forumAuthor": forumAuthor,
		"deref": func(p *int64) int64 {
			if p == nil {
				return 0
			}
			return *p
		},
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if path.Base(name) == "layout.html" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, name)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		h.pages[strings.TrimSuffix(path.Base(name), ".html")] = t
	}
	s.ErrorPage = h.errorPage
	static, _ := fs.Sub(staticFS, "static")
	fileServer := http.StripPrefix("/static/", http.FileServerFS(static))
	s.HandleStatic("GET /static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Files only: no listing of a directory.
		if strings.HasSuffix(r.URL.Path, "/") {
			h.errorPage(w, r, http.StatusNotFound, h.T(r, "Not found."))
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fileServer.ServeHTTP(w, r)
	}))
	s.Handle(h.Routes()...)
	return h, nil
}

// Routes returns the page routes with the permission each needs.
func (h *Handler) Routes() []server.Route {
	routes := []server.Route{
		{Method: "GET", Path: "/login", Perm: server.Public, Handler: h.loginShow},
		{Method: "POST", Path: "/login", Perm: server.Public, Handler: h.loginSubmit},
		{Method: "POST", Path: "/logout", Perm: wubu.PermSelf, Handler: h.logout},
		{Method: "POST", Path: "/lang", Perm: server.Public, Handler: h.langSwitch},
		{Method: "GET", Path: "/{$}", Perm: wubu.PermSelf, Handler: h.home},

		{Method: "GET", Path: "/projects", Perm: wubu.PermOrgView, Handler: h.projectList},
		{Method: "POST", Path: "/projects", Perm: wubu.PermProjectCreate, Handler: h.projectCreate},
		{Method: "GET", Path: "/projects/{id}", Perm: wubu.PermOrgView, Handler: h.projectShow},
		{Method: "POST", Path: "/projects/{id}/rename", Perm: wubu.PermProjectCreate, Handler: h.projectRename},
		{Method: "POST", Path: "/projects/{id}/zones", Perm: wubu.PermOrgEdit, Handler: h.zoneCreate},
		{Method: "POST", Path: "/projects/{id}/zones/{zone}/rename", Perm: wubu.PermOrgEdit, Handler: h.zoneRename},
		{Method: "POST", Path: "/projects/{id}/buildings", Perm: wubu.PermOrgEdit, Handler: h.buildingCreate},
		{Method: "GET", Path: "/projects/{id}/rooms/generate", Perm: wubu.PermOrgEdit, Handler: h.roomsGenerateShow},
		{Method: "POST", Path: "/projects/{id}/rooms/generate", Perm: wubu.PermOrgEdit, Handler: h.roomsGenerate},
		{Method: "POST", Path: "/projects/{id}/assignments", Perm: wubu.PermStaffEdit, Handler: h.assignmentCreate},
		{Method: "POST", Path: "/projects/{id}/assignments/remove", Perm: wubu.PermStaffEdit, Handler: h.assignmentRemove},

		{Method: "GET", Path: "/buildings/{id}", Perm: wubu.PermOrgView, Handler: h.buildingShow},
		{Method: "POST", Path: "/buildings/{id}/edit", Perm: wubu.PermOrgEdit, Handler: h.buildingEdit},
		{Method: "POST", Path: "/buildings/{id}/rooms", Perm: wubu.PermOrgEdit, Handler: h.roomCreate},
		{Method: "POST", Path: "/units/{id}/rename", Perm: wubu.PermOrgEdit, Handler: h.unitRename},

		{Method: "GET", Path: "/staff", Perm: wubu.PermStaffView, Handler: h.staffList},
		{Method: "GET", Path: "/staff/new", Perm: wubu.PermStaffEdit, Handler: h.staffNew},
		{Method: "POST", Path: "/staff", Perm: wubu.PermStaffEdit, Handler: h.staffCreate},
		{Method: "GET", Path: "/staff/{id}", Perm: wubu.PermStaffView, Handler: h.staffShow},
		{Method: "POST", Path: "/staff/{id}", Perm: wubu.PermStaffEdit, Handler: h.staffUpdate},
		{Method: "POST", Path: "/staff/{id}/password", Perm: wubu.PermStaffEdit, Handler: h.staffPassword},

		{Method: "GET", Path: "/audit", Perm: wubu.PermAuditView, Handler: h.auditList},

		{Method: "GET", Path: "/lookup", Perm: wubu.PermResidentView, Handler: h.lookup},
		{Method: "GET", Path: "/projects/{id}/residents", Perm: wubu.PermResidentView, Handler: h.residentList},
		{Method: "GET", Path: "/projects/{id}/residents/new", Perm: wubu.PermResidentEdit, Handler: h.residentNew},
		{Method: "GET", Path: "/projects/{id}/residents/import", Perm: wubu.PermResidentImport, Handler: h.residentsImportShow},
		{Method: "POST", Path: "/projects/{id}/residents/import", Perm: wubu.PermResidentImport, Handler: h.residentsImport, MaxBody: MaxUploadSize + 1<<20},
		{Method: "GET", Path: "/projects/{id}/residents/import/template", Perm: wubu.PermResidentImport, Handler: h.residentsImportTemplate},
		{Method: "GET", Path: "/projects/{id}/residents/import/progress", Perm: wubu.PermResidentImport, Handler: h.residentsImportProgress},
		{Method: "GET", Path: "/projects/{id}/residents/export", Perm: wubu.PermResidentImport, Handler: h.residentsExport},
		{Method: "POST", Path: "/projects/{id}/residents", Perm: wubu.PermResidentEdit, Handler: h.residentCreate},
		{Method: "GET", Path: "/projects/{id}/completeness", Perm: wubu.PermResidentView, Handler: h.completeness},
		{Method: "GET", Path: "/residents/{id}", Perm: wubu.PermResidentView, Handler: h.residentShow},
		{Method: "POST", Path: "/residents/{id}/reveal", Perm: wubu.PermResidentView, Handler: h.residentReveal},
		{Method: "GET", Path: "/residents/{id}/edit", Perm: wubu.PermResidentEdit, Handler: h.residentEdit},
		{Method: "POST", Path: "/residents/{id}/edit", Perm: wubu.PermResidentEdit, Handler: h.residentUpdate},
		{Method: "POST", Path: "/residents/{id}/households", Perm: wubu.PermResidentEdit, Handler: h.residentAdd(wubu.CardRooms, h.householdAdd)},
		{Method: "GET", Path: "/residents/{id}/photo", Perm: wubu.PermResidentView, Handler: h.residentPhoto},
		{Method: "POST", Path: "/residents/{id}/photo", Perm: wubu.PermResidentEdit, Handler: h.residentAdd(wubu.CardPhoto, h.photoUpload)},
		{Method: "POST", Path: "/residents/{id}/contact", Perm: wubu.PermResidentEdit, Handler: h.residentAdd(wubu.CardTimeline, h.contactAdd)},
		{Method: "POST", Path: "/residents/{id}/vehicles", Perm: wubu.PermResidentEdit, Handler: h.residentAdd(wubu.CardPlates, h.vehicleAdd)},
		{Method: "POST", Path: "/residents/{id}/cards", Perm: wubu.PermResidentEdit, Handler: h.residentAdd(wubu.CardCards, h.cardAdd)},
		{Method: "POST", Path: "/residents/{id}/special-days", Perm: wubu.PermResidentEdit, Handler: h.residentAdd(wubu.CardSpecialDays, h.specialDayAdd)},
		{Method: "POST", Path: "/residents/{id}/appliances", Perm: wubu.PermResidentEdit, Handler: h.residentAdd(wubu.CardAppliances, h.applianceAdd)},
		{Method: "GET", Path: "/account", Perm: wubu.PermSelf, Handler: h.accountShow},
		{Method: "POST", Path: "/account/password", Perm: wubu.PermSelf, Handler: h.accountPassword},
	}
	// Each feature's routes, from its own file: one line each.
	routes = append(routes, h.orderRoutes()...)
	routes = append(routes, h.outboxRoutes()...)
	routes = append(routes, h.channelRoutes()...)
	routes = append(routes, h.todayRoutes()...)
	routes = append(routes, h.passRoutes()...)
	routes = append(routes, h.tenantRoutes()...)
	routes = append(routes, h.incidentRoutes()...)
	routes = append(routes, h.housekeepingRoutes()...)
	routes = append(routes, h.patrolRoutes()...)
	routes = append(routes, h.hazardRoutes()...)
	routes = append(routes, h.parkingRoutes()...)
	routes = append(routes, h.alarmRoutes()...)
	routes = append(routes, h.knowledgeRoutes()...)
	routes = append(routes, h.revisitRoutes()...)
	routes = append(routes, h.moveInRoutes()...)
	routes = append(routes, h.prospectRoutes()...)
	routes = append(routes, h.focusRoutes()...)
	routes = append(routes, h.handbookRoutes()...)
	routes = append(routes, h.localResourceRoutes()...)
	routes = append(routes, h.surveyRoutes()...)
	routes = append(routes, h.residentLinkRoutes()...)
	routes = append(routes, h.demoSinkRoutes()...)
	routes = append(routes, h.apiDocsRoutes()...)
	routes = append(routes, h.residentCallRoutes()...)
	routes = append(routes, h.residentRightsRoutes()...)
	routes = append(routes, h.retentionRoutes()...)
	routes = append(routes, h.complaintRoutes()...)
	routes = append(routes, h.complaintCardRoutes()...)
	routes = append(routes, h.complaintSettingsRoutes()...)
	routes = append(routes, h.keyProfileRoutes()...)
	routes = append(routes, h.dutyManagerRoutes()...)
	routes = append(routes, h.deskRoutes()...)
	routes = append(routes, h.noticeRoutes()...)
	routes = append(routes, h.giftRoutes()...)
	routes = append(routes, h.trainingRoutes()...)
	routes = append(routes, h.roomAreaRoutes()...)
	routes = append(routes, h.renovationRoutes()...)
	routes = append(routes, h.renovationNewRoutes()...)
	routes = append(routes, h.renovationSettingsRoutes()...)
	routes = append(routes, h.eventRoutes()...)
	routes = append(routes, h.bulletinRoutes()...)
	routes = append(routes, h.surveyAnswerRoutes()...)
	routes = append(routes, h.surveyLinkRoutes()...)
	routes = append(routes, h.forumRoutes()...)
	routes = append(routes, h.visitorRoutes()...)
	routes = append(routes, h.preMoveInRoutes()...)
	routes = append(routes, h.portalRoutes()...)
	routes = append(routes, h.portalRenovationRoutes()...)
	routes = append(routes, h.roundTableRoutes()...)
	routes = append(routes, h.lobbyRoutes()...)
	routes = append(routes, h.dashboardRoutes()...)
	routes = append(routes, h.segmentRoutes()...)
	routes = append(routes, h.scorecardRoutes()...)
	return routes
}

// Page is what every page view carries: the language, the user, the
// navigation, and a form's values and errors when it is shown again.
type Page struct {
	Lang  string
	User  *wubu.User
	Title string
	Path  string
	Nav   []NavItem
	Flash string
	Error string
	// Form holds what the user typed, shown again when a form is refused.
	Form url.Values
	// Errors holds messages by field, shown beside the field.
	Errors map[string]string
	// Unread is the user's count of unread inbox messages (inbox.go).
	Unread int
	// Portal is the resident signed in to the portal; PortalShell draws
	// the page in the residents' shell (portal.go).
	Portal      *wubu.PortalIdentity
	PortalShell bool
}

// NavItem is an entry of the navigation.
type NavItem struct {
	Label  string
	Href   string
	Active bool
	// Primary items show on a phone; the others are behind "more".
	Primary bool
}

// T translates a message into the page's language.
func (p *Page) T(msg string, args ...any) string { return i18n.T(p.Lang, msg, args...) }

// Date formats a date as 2026-11-27 in China Standard Time.
func (p *Page) Date(t time.Time) string { return t.In(cst).Format("2006-01-02") }

// DateTime formats a time as 2026-11-27 14:05:09 in China Standard Time.
func (p *Page) DateTime(t time.Time) string { return t.In(cst).Format("2006-01-02 15:04:05") }

func (p *Page) page() *Page { return p }

type view interface{ page() *Page }

// newPage returns the base of a page view for the request.
func (h *Handler) newPage(r *http.Request, title string) Page {
	u := wubu.UserFromContext(r.Context())
	if u != nil && u.Role == wubu.RoleResident {
		// A resident is no staff member: no staff menu, no inbox.
		u = nil
	}
	p := Page{Lang: server.Lang(r), User: u, Path: r.URL.RequestURI(), Form: url.Values{}, Errors: map[string]string{}}
	p.Portal = wubu.PortalIdentityFromContext(r.Context())
	p.PortalShell = p.Portal != nil || isPortalPath(r.URL.Path)
	p.Title = p.T(title)
	if u != nil {
		p.Nav = navFor(u, r.URL.Path)
		p.Unread = h.unreadCount(r)
	}
	if c, err := r.Cookie("flash"); err == nil {
		if msg, err := url.QueryUnescape(c.Value); err == nil {
			p.Flash = msg
		}
	}
	return p
}

// navFor returns the navigation of a user: the start page, then what their
// post and role use.
func navFor(u *wubu.User, current string) []NavItem {
	items := []NavItem{{Label: "Today", Href: "/today"}, {Label: "Start page", Href: "/"}}
	if u.Can(wubu.PermResidentView) {
		items = append(items, NavItem{Label: "Lookup", Href: "/lookup"})
	}
	if u.Can(wubu.PermOrgView) {
		items = append(items, NavItem{Label: "Projects", Href: "/projects"})
	}
	if u.Can(wubu.PermStaffView) {
		items = append(items, NavItem{Label: "Staff", Href: "/staff"})
	}
	if u.Can(wubu.PermAuditView) {
		items = append(items, NavItem{Label: "Audit log", Href: "/audit"})
	}
	if u.Can(wubu.PermReportView) && (u.Role == wubu.RoleQuality || u.Role == wubu.RoleManager || u.Role == wubu.RoleAdmin) {
		items = append(items, NavItem{Label: "Quality across projects", Href: "/quality"})
	}
	if u.Post == wubu.PostSecurity && u.Can(wubu.PermSecurityView) {
		items = append(items, NavItem{Label: "Security post", Href: "/guard"})
	} else if u.Can(wubu.PermPassConfirm) {
		items = append(items, NavItem{Label: "Release passes", Href: "/passes"})
	}
	if u.Can(wubu.PermResidentView) && (u.Post == wubu.PostService || u.Role == wubu.RoleDutyManager || u.Role == wubu.RoleManager || u.Role == wubu.RoleQuality) {
		items = append(items, NavItem{Label: "Complaints", Href: "/complaints"})
	}
	if u.Post == wubu.PostService || u.Role == wubu.RoleManager || u.Role == wubu.RoleDutyManager {
		items = append(items, NavItem{Label: "Front desk", Href: "/desk"})
		items = append(items, NavItem{Label: "Community forum", Href: "/forum"})
	}
	if u.Can(wubu.PermResidentEdit) && (u.Post == wubu.PostService || u.Role == wubu.RoleManager) {
		items = append(items, NavItem{Label: "Residents' change requests", Href: "/portal-changes"})
	}
	if u.Can(wubu.PermSecurityView) && (u.Post == wubu.PostSecurity || u.Can(wubu.PermSecurityManage)) {
		items = append(items, NavItem{Label: "Patrols and safety", Href: "/security/buildings"})
	}
	if u.Post != wubu.PostSecurity && u.Can(wubu.PermOrderView) {
		items = append(items, NavItem{Label: "Repairs", Href: "/orders"})
	}
	if u.Post == wubu.PostCleaning && u.Can(wubu.PermOrderView) {
		items = append(items, NavItem{Label: "My bookings", Href: "/my-bookings"})
	}
	if u.Post != wubu.PostSecurity && u.Can(wubu.PermOrderView) {
		items = append(items, NavItem{Label: "Home services", Href: "/housekeeping"})
	}
	if u.Can(wubu.PermOrderView) && (u.Post == wubu.PostMaintenance || u.Role == wubu.RoleManager || u.Role == wubu.RoleDutyManager) {
		items = append(items, NavItem{Label: "Renovations", Href: "/renovations"})
	}
	if u.Post == wubu.PostSecurity && u.Can(wubu.PermSecurityView) {
		items = append(items, NavItem{Label: "Renovation workers", Href: "/renovation-workers"})
	}
	if u.Can(wubu.PermResidentView) && u.Role != wubu.RoleQuality {
		items = append(items, NavItem{Label: "Training", Href: "/training"})
	}
	items = append(items, NavItem{Label: "My account", Href: "/account"})
	primary := phoneMenu[u.Post]
	if u.Post == wubu.PostNone || primary == nil {
		primary = phoneMenu[wubu.PostNone]
	}
	for i := range items {
		href := items[i].Href
		items[i].Active = current == href || (href != "/" && strings.HasPrefix(current, href))
		items[i].Primary = items[i].Active || slices.Contains(primary, href)
	}
	return items
}

// phoneMenu are the menu items each post keeps on a phone, besides the
// page it is on; the rest of its menu is behind "more".
var phoneMenu = map[wubu.Post][]string{
	wubu.PostSecurity:    {"/today", "/guard", "/lookup", "/security/buildings"},
	wubu.PostMaintenance: {"/today", "/orders", "/lookup"},
	wubu.PostCleaning:    {"/today", "/my-bookings", "/housekeeping", "/lookup"},
	wubu.PostService:     {"/today", "/lookup", "/passes", "/orders"},
	wubu.PostNone:        {"/today", "/lookup", "/projects", "/orders"},
}

// HasMore reports whether the menu has items behind "more" on a phone.
func (p *Page) HasMore() bool {
	for _, it := range p.Nav {
		if !it.Primary {
			return true
		}
	}
	return false
}

// render writes a page with the status.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	t, ok := h.pages[name]
	if !ok {
		h.Logger.Error("no such template", "name", name)
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	if v.page().Flash != "" {
		http.SetCookie(w, &http.Cookie{Name: "flash", Value: "", Path: "/", MaxAge: -1})
	}
	var buf bytes.Buffer
	layout := "layout"
	if v.page().PortalShell {
		layout = "portal-layout"
	}
	if err := t.ExecuteTemplate(&buf, layout, v); err != nil {
		h.Logger.Error("render", "name", name, "err", err)
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Referrer-Policy", "same-origin")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

type errorView struct {
	Page
	Heading, Message string
}

func (h *Handler) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	v := &errorView{Page: h.newPage(r, "Error"), Message: msg}
	switch status {
	case http.StatusNotFound:
		v.Heading = v.T("Not found")
	case http.StatusForbidden:
		v.Heading = v.T("Not allowed")
	default:
		v.Heading = v.T("Something went wrong")
	}
	h.render(w, r, status, "error", v)
}

// fail shows an error page for err.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) { h.Fail(w, r, false, err) }

// redirect sends the browser on after a successful form, with a message.
func (h *Handler) redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		http.SetCookie(w, &http.Cookie{Name: "flash", Value: url.QueryEscape(flash), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: 60})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// formError puts a refused form's error beside its field (or on top), keyed
// by the domain error's field with an optional prefix, and returns the
// status to answer with.
func formError(r *http.Request, p *Page, err error, prefix string) int {
	code := server.ErrorCode(err)
	msg := server.ErrMessage(r, err)
	if e := wubu.AsError(err); e != nil && e.Field != "" {
		p.Errors[prefix+e.Field] = msg
	} else {
		p.Error = msg
	}
	return server.Status(code)
}

// pathID returns a path value as an ID; a malformed one is ENOTFOUND.
func pathID(r *http.Request, name string) (int64, error) { return server.PathID(r, name) }

const pageSize = 50

// pageOffset returns the page of a list from ?page=, and the offset to
// query.
func pageOffset(r *http.Request) (page, offset int) {
	page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 {
		page = 1
	}
	return page, (page - 1) * pageSize
}

// newPager returns the pager of a list with total entries.
func newPager(p *Page, r *http.Request, page, total int) PagerView {
	pages := (total + pageSize - 1) / pageSize
	pv := PagerView{Page: p, Current: page, Pages: pages, Total: total}
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		pv.Prev = link(page - 1)
	}
	if page < pages {
		pv.Next = link(page + 1)
	}
	return pv
}

// PagerView is what the pager partial shows.
type PagerView struct {
	*Page
	Current, Pages, Total int
	Prev, Next            string
}

// T translates a message into the request's language.
func (h *Handler) T(r *http.Request, msg string, args ...any) string {
	return server.T(r, msg, args...)
}
