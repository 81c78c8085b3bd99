package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// retentionRoutes are the screen of how long a project keeps what (PIPL
// Art. 19); the daily purge applies it.
func (h *Handler) retentionRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/projects/{id}/retention", Perm: wubu.PermSettingsEdit, Handler: h.retentionShow},
		{Method: "POST", Path: "/projects/{id}/retention", Perm: wubu.PermSettingsEdit, Handler: h.retentionUpdate},
	}
}

type retentionView struct {
	Page
	Project   *wubu.Project
	Retention *wubu.RetentionSettings
	MinAudit  int
}

// retentionFields are the form's fields, each a number of days.
var retentionFields = []string{"moved_out_days", "outbox_days", "sign_in_days", "audit_days", "photos_days"}

func (h *Handler) retentionView(r *http.Request) (*retentionView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := h.Projects.FindProjectByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	set, err := h.Retention.Retention(r.Context(), id)
	if err != nil {
		return nil, err
	}
	v := &retentionView{Page: h.newPage(r, "Retention of personal information"), Project: p, Retention: set, MinAudit: wubu.MinAuditDays}
	for i, n := range []int{set.MovedOutDays, set.OutboxDays, set.SignInDays, set.AuditDays, set.PhotosDays} {
		v.Form.Set(retentionFields[i], strconv.Itoa(n))
	}
	return v, nil
}

func (h *Handler) retentionShow(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.retentionView, "retention")
}

// retentionUpdate saves the settings; a refused form keeps what was typed.
func (h *Handler) retentionUpdate(w http.ResponseWriter, r *http.Request) {
	v, err := h.retentionView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	set := &wubu.RetentionSettings{ProjectID: v.Project.ID}
	err = nil
	for i, dst := range []*int{&set.MovedOutDays, &set.OutboxDays, &set.SignInDays, &set.AuditDays, &set.PhotosDays} {
		n, perr := strconv.Atoi(strings.TrimSpace(r.PostFormValue(retentionFields[i])))
		if perr != nil {
			err = wubu.FieldErrorf(retentionFields[i], wubu.EINVALID, "Enter a whole number.")
			break
		}
		*dst = n
	}
	if err == nil {
		err = h.Retention.SaveRetention(r.Context(), set)
	}
	if err != nil {
		v.Form = r.PostForm
		h.render(w, r, formError(r, &v.Page, err, ""), "retention", v)
		return
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(v.Project.ID, 10)+"/retention", h.T(r, "Saved."))
}
