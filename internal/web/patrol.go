package web

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// patrolRoutes are the pages of patrols and inspection rounds (S3).
// /patrol/checkin is linked from the guard's start page and must stay.
func (h *Handler) patrolRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/patrol", Perm: wubu.PermSecurityView, Handler: h.patrolHome},
		{Method: "GET", Path: "/patrol/checkin", Perm: wubu.PermSecurityEdit, Handler: h.checkinShow},
		{Method: "POST", Path: "/patrol/checkin", Perm: wubu.PermSecurityEdit, Handler: h.checkinSubmit},
		{Method: "POST", Path: "/patrol/runs", Perm: wubu.PermSecurityEdit, Handler: h.runStart},
		{Method: "GET", Path: "/patrol/runs/{id}", Perm: wubu.PermSecurityView, Handler: h.runShow},
		{Method: "POST", Path: "/patrol/runs/{id}/finish", Perm: wubu.PermSecurityEdit, Handler: h.step(h.runSteps(), "", h.runFinish)},
		{Method: "POST", Path: "/patrol/runs/{id}/review", Perm: wubu.PermSecurityManage, Handler: h.step(h.runSteps(), "", h.runReview)},
		{Method: "POST", Path: "/patrol/routes", Perm: wubu.PermSecurityManage, Handler: h.routeCreate},
		{Method: "GET", Path: "/patrol/routes/{id}", Perm: wubu.PermSecurityView, Handler: h.routeShow},
		{Method: "POST", Path: "/patrol/routes/{id}/checkpoints", Perm: wubu.PermSecurityManage, Handler: h.checkpointAdd},
		{Method: "GET", Path: "/patrol/routes/{id}/qr", Perm: wubu.PermSecurityView, Handler: h.routeQR},
	}
}

// ProjectName returns the name of the chosen project.
func (v *securityPage) ProjectName() string {
	for _, p := range v.Projects {
		if p.ID == v.ProjectID {
			return p.Name
		}
	}
	return ""
}

// When shows a time as 11-27 14:05 in China Standard Time.
func (v *securityPage) When(t time.Time) string { return t.In(cst).Format("01-02 15:04") }

// WhenP shows an optional time, "—" for none.
func (v *securityPage) WhenP(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return v.When(*t)
}

// Label translates a symbolic key: Label "severity" "high" → "高".
func (v *securityPage) Label(prefix string, value any) string {
	return v.T(prefix + ":" + fmt.Sprint(value))
}

// parseForm reads a form, multipart or not, of at most 6 MB.
func parseForm(w http.ResponseWriter, r *http.Request) {
	if readStepForm(w, r) != nil {
		r.ParseForm()
	}
}

// optID reads an optional ID from a form field.
func optID(r *http.Request, name string) *int64 {
	id, err := strconv.ParseInt(r.FormValue(name), 10, 64)
	if err != nil || id <= 0 {
		return nil
	}
	return &id
}

type patrolHomeView struct {
	securityPage
	Runs    []*wubu.PatrolRun
	Routes  []*wubu.PatrolRoute
	Flagged []*wubu.PatrolRun
	Rooms   []*wubu.Room
}

// patrolHome shows the guard's runs going on, the project's routes to
// start, and for leaders the flagged runs and the route form.
func (h *Handler) patrolHome(w http.ResponseWriter, r *http.Request) {
	base, err := h.newSecurityPage(r, "Patrols")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderPatrolHome(w, r, &patrolHomeView{securityPage: base}, http.StatusOK)
}

func (h *Handler) renderPatrolHome(w http.ResponseWriter, r *http.Request, v *patrolHomeView, status int) {
	ctx := r.Context()
	var err error
	if v.Runs, err = h.Patrols.MyRuns(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.ProjectID != 0 {
		if v.Routes, err = h.Patrols.FindRoutes(ctx, v.ProjectID); err != nil {
			h.fail(w, r, err)
			return
		}
		if v.CanManage {
			if v.Flagged, _, err = h.Patrols.FindRuns(ctx, v.ProjectID, wubu.RunFilter{Flagged: true, Unreviewed: true, Limit: 50}); err != nil {
				h.fail(w, r, err)
				return
			}
		}
	}
	h.render(w, r, status, "patrol", v)
}

type checkinView struct {
	securityPage
	Code       string
	Checkpoint *wubu.Checkpoint
	Result     *wubu.CheckinResult
}

// checkinShow is the check-in page: a box for the code, or, opened from a
// scanned QR code, the checkpoint with one button to check in.
func (h *Handler) checkinShow(w http.ResponseWriter, r *http.Request) {
	base, err := h.newSecurityPage(r, "Check in at a checkpoint")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &checkinView{securityPage: base, Code: r.URL.Query().Get("code")}
	status := http.StatusOK
	if v.Code != "" {
		if v.Checkpoint, err = h.Patrols.FindCheckpoint(r.Context(), v.Code); err != nil {
			status = formError(r, &v.Page, err, "")
		}
	}
	h.render(w, r, status, "patrol_checkin", v)
}

func (h *Handler) checkinSubmit(w http.ResponseWriter, r *http.Request) {
	base, err := h.newSecurityPage(r, "Check in at a checkpoint")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &checkinView{securityPage: base, Code: r.PostFormValue("code")}
	method := wubu.CheckinTyped
	if r.PostFormValue("method") == string(wubu.CheckinScan) {
		method = wubu.CheckinScan
	}
	res, err := h.Patrols.Checkin(r.Context(), v.Code, method)
	if err != nil {
		h.render(w, r, refuse(r, v, r.PostForm, err, ""), "patrol_checkin", v)
		return
	}
	v.Result, v.Checkpoint, v.Code = res, res.Checkpoint, ""
	v.Flash = v.T("Checked in at %s.", res.Checkpoint.Name)
	h.render(w, r, http.StatusOK, "patrol_checkin", v)
}

func (h *Handler) runStart(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PostFormValue("route_id"), 10, 64)
	run, err := h.Patrols.StartRun(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/patrol/runs/"+strconv.FormatInt(run.ID, 10), h.T(r, "Run started: scan each checkpoint's code."))
}

type runView struct {
	securityPage
	Run *wubu.PatrolRun
}

func (h *Handler) runShow(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.runView, "patrol_run")
}

func (h *Handler) runView(r *http.Request) (*runView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	base, err := h.newSecurityPage(r, "Patrol run")
	if err != nil {
		return nil, err
	}
	v := &runView{securityPage: base}
	if v.Run, err = h.Patrols.FindRun(r.Context(), id); err != nil {
		return nil, err
	}
	v.Title = v.Run.RouteName + " · " + v.T("Patrol run")
	return v, nil
}

// runSteps are a patrol run's pages for its steps.
func (h *Handler) runSteps() stepPage {
	return stepPage{path: "/patrol/runs/%d", reshow: reshowWith(h, h.runView, "patrol_run")}
}

func (h *Handler) runFinish(r *http.Request, id int64) (string, error) {
	run, err := h.Patrols.FinishRun(r.Context(), id)
	if err != nil {
		return "", err
	}
	if run.Missed > 0 || run.Late > 0 {
		return h.T(r, "Run finished: %d checkpoints missed and %d late; your leader has been told.", run.Missed, run.Late), nil
	}
	return h.T(r, "Run finished: every checkpoint visited in time."), nil
}

func (h *Handler) runReview(r *http.Request, id int64) (string, error) {
	_, err := h.Patrols.ReviewRun(r.Context(), id)
	return h.T(r, "Marked as reviewed."), err
}

func (h *Handler) routeCreate(w http.ResponseWriter, r *http.Request) {
	base, err := h.newSecurityPage(r, "Patrols")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	interval, _ := strconv.Atoi(r.PostFormValue("interval_minutes"))
	every, _ := strconv.Atoi(r.PostFormValue("every_days"))
	rt := &wubu.PatrolRoute{ProjectID: base.ProjectID, Name: r.PostFormValue("name"), Kind: wubu.RouteKind(r.PostFormValue("kind")),
		IntervalMinutes: interval, EveryDays: every, LeaderID: optID(r, "leader_id")}
	if label := strings.TrimSpace(r.PostFormValue("room")); label != "" && base.ProjectID != 0 {
		var rooms []*wubu.Room
		rooms, _, err = h.Org.FindRooms(r.Context(), wubu.RoomFilter{ProjectID: base.ProjectID, Label: &label, Limit: 1})
		if err == nil && len(rooms) == 1 {
			rt.RoomID = &rooms[0].ID
		} else if err == nil {
			err = wubu.FieldErrorf("room", wubu.EINVALID, "Room %s does not exist in this project.", label)
		}
	}
	if err == nil {
		err = h.Patrols.CreateRoute(r.Context(), rt)
	}
	if err != nil {
		v := &patrolHomeView{securityPage: base}
		h.renderPatrolHome(w, r, v, refuse(r, v, r.PostForm, err, "route_"))
		return
	}
	h.redirect(w, r, "/patrol/routes/"+strconv.FormatInt(rt.ID, 10), h.T(r, "Route %s created: add its checkpoints.", rt.Name))
}

type routeView struct {
	securityPage
	Route *wubu.PatrolRoute
	Runs  []*wubu.PatrolRun
	Kinds []wubu.CheckpointKind
}

func (h *Handler) routeView(r *http.Request) (*routeView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	base, err := h.newSecurityPage(r, "Patrol route")
	if err != nil {
		return nil, err
	}
	v := &routeView{securityPage: base, Kinds: wubu.CheckpointKinds}
	if v.Route, err = h.Patrols.FindRoute(r.Context(), id); err != nil {
		return nil, err
	}
	v.Title = v.Route.Name
	if v.Runs, _, err = h.Patrols.FindRuns(r.Context(), v.Route.ProjectID, wubu.RunFilter{RouteID: &id, Limit: 20}); err != nil {
		return nil, err
	}
	return v, nil
}

func (h *Handler) routeShow(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.routeView, "patrol_route")
}

func (h *Handler) checkpointAdd(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	visits, _ := strconv.Atoi(r.PostFormValue("visits"))
	c := &wubu.Checkpoint{RouteID: id, Name: r.PostFormValue("name"), Place: r.PostFormValue("place"), Kind: wubu.CheckpointKind(r.PostFormValue("kind")), Visits: visits}
	if err := h.Patrols.AddCheckpoint(r.Context(), c); err != nil {
		reshowForm(h, w, r, err, h.routeView, r.PostForm, "patrol_route", "")
		return
	}
	h.redirect(w, r, "/patrol/routes/"+strconv.FormatInt(id, 10), h.T(r, "Checkpoint %s added with code %s.", c.Name, c.Code))
}

// qrLabel is one printable checkpoint label.
type qrLabel struct {
	Checkpoint *wubu.Checkpoint
	Image      template.URL
	Link       string
}

type qrView struct {
	securityPage
	Route  *wubu.PatrolRoute
	Labels []qrLabel
}

// routeQR is the printable sheet of a route's checkpoint labels: each QR
// code is the link /patrol/checkin?code=…, which any phone camera opens.
func (h *Handler) routeQR(w http.ResponseWriter, r *http.Request) {
	v, err := h.routeView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	qv := &qrView{securityPage: v.securityPage, Route: v.Route}
	qv.Title = v.T("QR labels") + " · " + v.Route.Name
	scheme := "http"
	if r.TLS != nil || h.Secure {
		scheme = "https"
	}
	for _, c := range v.Route.Checkpoints {
		link := scheme + "://" + r.Host + "/patrol/checkin?code=" + url.QueryEscape(c.Code)
		png, err := qrcode.Encode(link, qrcode.Medium, 256)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		qv.Labels = append(qv.Labels, qrLabel{Checkpoint: c, Link: link, Image: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))})
	}
	h.render(w, r, http.StatusOK, "patrol_qr", qv)
}

// securityPhoto serves a photo of a hazard or parking problem.
func (h *Handler) securityPhoto(objectType string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			h.fail(w, r, err)
			return
		}
		pid, err := pathID(r, "photo")
		if err != nil {
			h.fail(w, r, err)
			return
		}
		p, err := h.Hazards.FindSecurityPhoto(r.Context(), objectType, id, pid)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		server.WriteImage(w, p.ContentType, p.Data)
	}
}
