package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// focusRoutes are the screens of the anticipated-issue register (K8): the
// project's ranked view with its formula, recording an issue, an issue's
// page with its escalations to the developer and its follow-ups.
func (h *Handler) focusRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/projects/{id}/focus-issues", Perm: wubu.PermResidentView, Handler: h.focusList},
		{Method: "POST", Path: "/projects/{id}/focus-issues", Perm: wubu.PermResidentEdit, Handler: h.focusCreate},
		{Method: "GET", Path: "/focus-issues/{id}", Perm: wubu.PermResidentView, Handler: h.focusShow},
		{Method: "POST", Path: "/focus-issues/{id}/escalate", Perm: wubu.PermResidentEdit, Handler: h.focusStep},
		{Method: "POST", Path: "/focus-issues/{id}/answer", Perm: wubu.PermResidentEdit, Handler: h.focusStep},
		{Method: "POST", Path: "/focus-issues/{id}/resolve", Perm: wubu.PermResidentEdit, Handler: h.focusStep},
		{Method: "POST", Path: "/focus-issues/{id}/follow-ups", Perm: wubu.PermResidentEdit, Handler: h.focusStep},
		{Method: "POST", Path: "/focus-follow-ups/{id}/done", Perm: wubu.PermResidentEdit, Handler: h.focusFollowUpDone},
	}
}

type focusView struct {
	Page
	Project *wubu.Project
	Issues  []*wubu.FocusIssue
	Issue   *wubu.FocusIssue
	Staff   []*wubu.User
	Sources []string
	CanEdit bool
}

func (h *Handler) focusList(w http.ResponseWriter, r *http.Request) {
	h.renderFocusList(w, r, http.StatusOK, nil)
}

func (h *Handler) renderFocusList(w http.ResponseWriter, r *http.Request, status int, refused error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &focusView{Page: h.newPage(r, "Anticipated issues"), Sources: wubu.FocusSources, CanEdit: wubu.UserFromContext(ctx).Can(wubu.PermResidentEdit)}
	if v.Project, err = h.Projects.FindProjectByID(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Issues, err = h.Focus.FindFocusIssues(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Staff, err = h.focusStaff(r, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if refused != nil {
		v.Form = r.PostForm
		status = formError(r, &v.Page, refused, "")
	}
	h.render(w, r, status, "focus_issues", v)
}

// focusCreate records an issue on the register.
func (h *Handler) focusCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	households, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("households")))
	severity, _ := strconv.Atoi(r.PostFormValue("severity"))
	owner, _ := strconv.ParseInt(r.PostFormValue("owner_id"), 10, 64)
	i := &wubu.FocusIssue{ProjectID: id, Title: r.PostFormValue("title"), Description: r.PostFormValue("description"), Source: r.PostFormValue("source"),
		Households: households, Severity: severity, OwnerID: owner}
	if err := h.Focus.RecordFocusIssue(r.Context(), i); err != nil {
		if wubu.ErrorCode(err) != wubu.EINVALID {
			h.fail(w, r, err)
			return
		}
		h.renderFocusList(w, r, 0, err)
		return
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(id, 10)+"/focus-issues", h.T(r, "Issue recorded."))
}

// focusStaff are the owners to choose from: the project's staff for those
// who may list them, else oneself.
func (h *Handler) focusStaff(r *http.Request, projectID int64) ([]*wubu.User, error) {
	u := wubu.UserFromContext(r.Context())
	if !u.Can(wubu.PermStaffView) {
		return []*wubu.User{u}, nil
	}
	staff, _, err := h.Users.FindUsers(r.Context(), wubu.UserFilter{ProjectID: &projectID, Limit: 500})
	return staff, err
}

func (h *Handler) focusShow(w http.ResponseWriter, r *http.Request) {
	h.renderFocus(w, r, http.StatusOK, nil)
}

func (h *Handler) renderFocus(w http.ResponseWriter, r *http.Request, status int, refused error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &focusView{Page: h.newPage(r, "Anticipated issues"), CanEdit: wubu.UserFromContext(ctx).Can(wubu.PermResidentEdit)}
	if v.Issue, err = h.Focus.FindFocusIssue(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Project, err = h.Projects.FindProjectByID(ctx, v.Issue.ProjectID); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Staff, err = h.focusStaff(r, v.Issue.ProjectID); err != nil {
		h.fail(w, r, err)
		return
	}
	if refused != nil {
		v.Form = r.PostForm
		status = formError(r, &v.Page, refused, "")
	}
	h.render(w, r, status, "focus_issue", v)
}

// focusStep takes a step of an issue: escalate, answer, resolve or plan a
// follow-up, as the path's last segment says.
func (h *Handler) focusStep(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	var flash string
	switch r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:] {
	case "escalate":
		_, err = h.Focus.EscalateFocusIssue(ctx, id, r.PostFormValue("question"))
		flash = h.T(r, "Escalated to the developer.")
	case "answer":
		_, err = h.Focus.AnswerFocusIssue(ctx, id, r.PostFormValue("answer"))
		flash = h.T(r, "The developer's answer is recorded.")
	case "resolve":
		_, err = h.Focus.ResolveFocusIssue(ctx, id)
		flash = h.T(r, "Issue resolved.")
	default:
		f := &wubu.FocusFollowUp{IssueID: id, Action: r.PostFormValue("action")}
		f.OwnerID, _ = strconv.ParseInt(r.PostFormValue("owner_id"), 10, 64)
		if d := strings.TrimSpace(r.PostFormValue("due_on")); d != "" {
			t, perr := time.ParseInLocation("2006-01-02", d, cst)
			if perr != nil {
				h.renderFocus(w, r, 0, wubu.FieldErrorf("due_at", wubu.EINVALID, "Write the date as 2026-11-27."))
				return
			}
			f.DueAt = t.Add(24*time.Hour - time.Minute).UTC()
		}
		err, flash = h.Focus.PlanFocusFollowUp(ctx, f), h.T(r, "Follow-up planned.")
	}
	if err != nil {
		if c := wubu.ErrorCode(err); c != wubu.EINVALID && c != wubu.ECONFLICT {
			h.fail(w, r, err)
			return
		}
		h.renderFocus(w, r, 0, err)
		return
	}
	h.redirect(w, r, "/focus-issues/"+strconv.FormatInt(id, 10), flash)
}

// focusFollowUpDone records a follow-up as done.
func (h *Handler) focusFollowUpDone(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, err := h.Focus.RecordFocusFollowUp(r.Context(), id, r.PostFormValue("note"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/focus-issues/"+strconv.FormatInt(f.IssueID, 10), h.T(r, "Follow-up done."))
}
