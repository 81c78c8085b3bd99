// Package server is Wubu's HTTP server: the route table, the middleware
// (recovery, logging, sign-in, the one permission check by role, cross-site
// request protection, language) and the helpers that handlers share.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/i18n"
	"github.com/wubu-oss/wubu/internal/importer"
	"github.com/wubu-oss/wubu/internal/notify"
)

// Services are the domain services that handlers call.
type Services struct {
	Projects  wubu.ProjectService
	Org       wubu.OrgService
	Users     wubu.UserService
	Auth      wubu.AuthService
	Audit     wubu.AuditService
	Residents wubu.ResidentService
	Importer  wubu.ResidentImporter
	// Rights serves residents' rights: export of everything held, erasure;
	// Retention how long each project keeps what, and the daily purge.
	Rights    wubu.ResidentRights
	Retention wubu.RetentionService
	Clocks    wubu.ClockService
	// Settings, Cards, Care, Greetings and Agenda are the proactive rules
	// (E3, D4, H1, D3) and each staff member's Today (F9).
	Settings  wubu.SettingsService
	Cards     wubu.CardService
	Care      wubu.CareService
	Greetings wubu.GreetingService
	Agenda    wubu.AgendaService
	// Outbox is the notification outbox: inboxes, messages, delivery rules.
	Outbox wubu.OutboxService
	// Passes, Tenants and Incidents are the security post's flows (S2, S8, S9).
	Passes    wubu.PassService
	Tenants   wubu.TenantService
	Incidents wubu.IncidentService
	// The security post's patrols, hazards, parking, alarms and knowledge.
	Patrols   wubu.PatrolService
	Hazards   wubu.HazardService
	Parking   wubu.ParkingService
	Security  wubu.SecurityService
	Knowledge wubu.KnowledgeService
	// Inspections are the household archive's campaigns (M3, M9);
	// Housekeeping the home-services catalogue and bookings (C2, C5, C7).
	Inspections  wubu.InspectionService
	Housekeeping wubu.HousekeepingService
	// Orders are the repair and home-service work orders (M5–M8).
	Orders wubu.OrderService
	// Revisits are the service assistants' revisits of residents (U4, S3).
	Revisits wubu.RevisitService
	// Complaints are the residents' complaints with their fast lane (U4).
	Complaints wubu.ComplaintService
	// KeyProfiles are the key customers' profiles (U3).
	KeyProfiles wubu.KeyProfileService
	// DutyManagers is the roster of duty managers (E1).
	DutyManagers wubu.DutyManagerService
	// Surveys are the survey forms of visits and community surveys, and
	// their results (K3, D1, D4).
	Surveys wubu.SurveyService
	// MoveIns are the move-ins by zone (K7).
	MoveIns wubu.MoveInService
	// Desk is the front-desk queue (E2); Stairwell the standard notices
	// posted in the units (E4); Gifts the gifts handed out (D2, C6, D4).
	Desk      wubu.DeskService
	Stairwell wubu.StairwellService
	Gifts     wubu.GiftService
	// Renovations are the residents' renovations, from the application to
	// the acceptance (M4, S11).
	Renovations wubu.RenovationService
	// Prospects are the sales office's buyer lists (K6).
	Prospects wubu.ProspectService
	// Focus is the anticipated-issue register (K8).
	Focus wubu.FocusService
	// Handbook is the hotline, contact cards and convenience handbook (K5, H3).
	Handbook wubu.HandbookService
	// LocalResources is the directory of local services and procedures (H2).
	LocalResources wubu.LocalResourceService
	// Segments are the query and analysis of customer data (U2).
	Segments wubu.SegmentService
	// Scorecards are the six-step scorecard and the quality view (issue 17).
	Scorecards wubu.ScorecardService
	// Training is knowing the residents: quizzes, assessments, new hires'
	// sign-off and reward points (S1, C1, M1, K2, S6, U1).
	Training wubu.TrainingService
	// Events are community events and lectures with their sign-ups (K1, H4, M4).
	Events wubu.EventService
	// Bulletins are the notices on the board and the pest-control plans (C3).
	Bulletins wubu.BulletinService
	// Forum is the community forum and the interest groups' boards (K4,
	// U5); VisitorPasses the visitors residents invite (访客); PreMoveIn the
	// buyers' pages before move-in (K4).
	Forum         wubu.ForumService
	VisitorPasses wubu.VisitorPassService
	PreMoveIn     wubu.PreMoveInService
	// Portal signs residents in to their portal (issue 15).
	Portal wubu.PortalAuth
	// PortalService is what a signed-in resident sees and does, and the
	// desk's queue of their change requests.
	PortalService interface {
		wubu.PortalService
		wubu.PortalChanges
	}
	// RoundTables are the one-to-one talks' slots, bookings and follow-ups
	// (A1); Lobby the assistants' reception hours in the lobbies (A2).
	RoundTables wubu.RoundTableService
	Lobby       wubu.LobbyService
	// Rollups are the daily figures of the dashboards (U2, issue 17).
	Rollups wubu.RollupService
	// DemoSink, in the demo only, holds the SMS and e-mail that would have
	// been sent.
	DemoSink *notify.DemoSink
	// Channels are who can be reached where (WeChat, WeCom); WeChat and
	// WeCom are the configured accounts (nil when not configured), for the
	// residents' WeChat link and the channel settings page.
	Channels wubu.ChannelService
	WeChat   *notify.WeChat
	WeCom    *notify.WeCom
}

// Route is one entry of the route table: a ServeMux pattern, the
// permission its role must have ("" for public routes such as sign-in),
// and whether it answers in JSON.
type Route struct {
	Method  string
	Path    string
	Perm    wubu.Permission
	API     bool
	Handler http.HandlerFunc
	// MaxBody is the most the route's request body may hold, for routes
	// that take more than the server's limits (0: those limits).
	MaxBody int64
}

// Pattern returns the ServeMux pattern of the route.
func (rt Route) Pattern() string { return rt.Method + " " + rt.Path }

// Public is the Perm of routes that need no sign-in.
const Public wubu.Permission = ""

// SessionCookie is the name of the cookie holding a browser's session token.
const SessionCookie = "wubu_session"

// Server serves Wubu's pages and API.
type Server struct {
	Services
	Clock  wubu.Clock
	Logger *slog.Logger
	// Secure marks cookies Secure and sends HSTS (set when served over
	// HTTPS: --public-url https://…).
	Secure bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For gives
	// the client's address; nobody else's is believed.
	TrustedProxies []netip.Prefix
	// MaxBody and MaxUpload limit request bodies, multipart ones by
	// MaxUpload (0: DefaultMaxBody, DefaultMaxUpload); a route may declare
	// its own.
	MaxBody, MaxUpload int64
	// Imports are the big imports running in the background, which the
	// screen and the API follow.
	Imports *importer.Jobs
	// ErrorPage renders an error as a page; the web package sets it.
	ErrorPage func(w http.ResponseWriter, r *http.Request, status int, msg string)

	routes  []Route
	mux     *http.ServeMux
	handler http.Handler
	srv     *http.Server
	ln      net.Listener
}

// New returns a server with no routes; Handle registers them.
func New(svc Services, clock wubu.Clock, logger *slog.Logger) *Server {
	s := &Server{Services: svc, Clock: clock, Logger: logger, Imports: importer.NewJobs(clock)}
	mux := http.NewServeMux()
	s.mux = mux
	mux.HandleFunc("/", s.notFound)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Fail(w, r, strings.HasPrefix(r.URL.Path, "/api/"), wubu.Errorf(wubu.EFORBIDDEN, "Cross-site request refused."))
	}))
	s.handler = s.recover(s.securityHeaders(s.logRequests(cop.Handler(mux))))
	return s
}

// Handle registers routes, each behind the guard of its permission.
func (s *Server) Handle(routes ...Route) {
	for _, rt := range routes {
		s.mux.Handle(rt.Pattern(), s.guard(rt))
	}
	s.routes = append(s.routes, routes...)
}

// HandleStatic registers a handler for static files, public and unguarded.
func (s *Server) HandleStatic(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Routes returns the route table.
func (s *Server) Routes() []Route { return s.routes }

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Listen opens the listening socket (":0" picks a free port).
func (s *Server) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	s.ln = ln
	return nil
}

// URL returns the base URL the server listens on.
func (s *Server) URL() string {
	addr := s.ln.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "localhost"
	}
	return fmt.Sprintf("http://%s", net.JoinHostPort(host, fmt.Sprint(addr.Port)))
}

// Serve serves until Shutdown.
func (s *Server) Serve() error {
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	if err := s.srv.Serve(s.ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops the server gracefully.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.srv == nil {
		return nil
	}
	return s.srv.Shutdown(ctx)
}

func (s *Server) recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Logger.Error("panic", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				http.Error(w, "Internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: 200}
		next.ServeHTTP(sw, r)
		if sw.status >= 500 {
			s.Logger.Error("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "dur", time.Since(start))
		} else {
			s.Logger.Debug("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "dur", time.Since(start))
		}
	})
}

// guard wraps a route's handler: it finds the signed-in user, applies the
// role check of the route's permission, and sets the language. Project
// scope is checked by the services (wubu.Authorize), which answer
// ENOTFOUND for another project's objects.
func (s *Server) guard(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.limitBody(w, r, rt) {
			return
		}
		ctx := wubu.NewContextWithRequestInfo(r.Context(), wubu.RequestInfo{IP: s.ClientIP(r), UserAgent: r.UserAgent()})
		ctx = wubu.NewContextWithFigureVersions(ctx)
		if rt.Perm == wubu.PermPortal {
			s.portalGuard(w, r.WithContext(ctx), rt)
			return
		}
		var authErr error
		if token := Token(r); token != "" {
			u, sess, err := s.Auth.Authenticate(ctx, token)
			if err == nil {
				ctx = wubu.NewContextWithUser(ctx, u)
				ctx = wubu.NewContextWithSession(ctx, sess)
			} else if wubu.ErrorCode(err) == wubu.EUNAUTHORIZED {
				authErr = err
			} else {
				s.Fail(w, r, rt.API, err)
				return
			}
		}
		u := wubu.UserFromContext(ctx)
		var userLang string
		if u != nil {
			userLang = u.Lang
		}
		ctx = context.WithValue(ctx, langKey{}, i18n.FromRequest(r, userLang))
		r = r.WithContext(ctx)
		if rt.Perm != Public {
			if u == nil {
				if authErr == nil {
					authErr = wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
				}
				if rt.API {
					s.Fail(w, r, true, authErr)
				} else {
					s.redirectToLogin(w, r, authErr)
				}
				return
			}
			if !u.Can(rt.Perm) {
				s.Fail(w, r, rt.API, wubu.Errorf(wubu.EFORBIDDEN, "You do not have permission to do this."))
				return
			}
		}
		rt.Handler(w, r)
	})
}

func (s *Server) redirectToLogin(w http.ResponseWriter, r *http.Request, err error) {
	target := "/login?next=" + urlQueryEscape(r.URL.RequestURI())
	if ErrMessage(r, err) != "" && Token(r) != "" {
		target += "&expired=1"
	}
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", target)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	api := strings.HasPrefix(r.URL.Path, "/api/")
	ctx := context.WithValue(r.Context(), langKey{}, i18n.FromRequest(r, ""))
	s.Fail(w, r.WithContext(ctx), api, wubu.Errorf(wubu.ENOTFOUND, "Not found."))
}

// Token returns the session token of a request: a Bearer token, else the
// session cookie.
func Token(r *http.Request) string {
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	}
	if c, err := r.Cookie(SessionCookie); err == nil {
		return c.Value
	}
	return ""
}

type langKey struct{}

// Lang returns the language of the request.
func Lang(r *http.Request) string {
	if l, ok := r.Context().Value(langKey{}).(string); ok {
		return l
	}
	return i18n.Default
}

// T translates a message into the request's language.
func T(r *http.Request, msg string, args ...any) string { return i18n.T(Lang(r), msg, args...) }

// SetSessionCookie gives the browser its session token.
func (s *Server) SetSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(wubu.MaxSessionAge / time.Second)})
}

// ClearSessionCookie removes the session cookie.
func (s *Server) ClearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.Secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// SetLangCookie remembers the chosen language in the browser.
func (s *Server) SetLangCookie(w http.ResponseWriter, lang string) {
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: lang, Path: "/", Secure: s.Secure, SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
}
