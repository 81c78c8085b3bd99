package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// complaintSettingsRoutes are the page of a project's complaint rules: the
// clocks of both lanes, which categories count working time, the
// importance that takes the fast lane, and the points' decay and
// threshold (U4).
func (h *Handler) complaintSettingsRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/projects/{id}/complaint-settings", Perm: wubu.PermResidentView, Handler: h.complaintSettingsShow},
		{Method: "POST", Path: "/projects/{id}/complaint-settings", Perm: wubu.PermSettingsEdit, Handler: h.complaintSettingsSave},
	}
}

// complaintSettingsFields are the form's whole-number fields.
var complaintSettingsFields = []string{"ack_minutes", "handle_minutes", "fast_ack_minutes", "fast_handle_minutes", "importance_level", "importance_index", "decay_days", "visit_points"}

type complaintSettingsView struct {
	Page
	Project    *wubu.Project
	Fields     []string
	Categories []wubu.ComplaintCategory
	Working    []wubu.ComplaintCategory
	CanEdit    bool
}

func (h *Handler) complaintSettingsView(r *http.Request) (*complaintSettingsView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := h.Projects.FindProjectByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	st, err := h.Complaints.ComplaintSettings(r.Context(), id)
	if err != nil {
		return nil, err
	}
	v := &complaintSettingsView{Page: h.newPage(r, "Complaint settings"), Project: p, Fields: complaintSettingsFields, Categories: wubu.ComplaintCategories,
		Working: st.WorkingCategories, CanEdit: wubu.UserFromContext(r.Context()).Can(wubu.PermSettingsEdit)}
	v.Title = p.Name + " · " + v.T("Complaint settings")
	for i, n := range []int{st.AckMinutes, st.HandleMinutes, st.FastAckMinutes, st.FastHandleMinutes, st.ImportanceLevel, st.ImportanceIndex, st.DecayDays, st.VisitPoints} {
		v.Form.Set(complaintSettingsFields[i], strconv.Itoa(n))
	}
	return v, nil
}

// IsWorking reports whether the category's clocks count working time.
func (v *complaintSettingsView) IsWorking(c wubu.ComplaintCategory) bool {
	return slices.Contains(v.Working, c)
}

func (h *Handler) complaintSettingsShow(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.complaintSettingsView, "complaint_settings")
}

// complaintSettingsSave saves them; a refused form keeps what was typed.
func (h *Handler) complaintSettingsSave(w http.ResponseWriter, r *http.Request) {
	parseForm(w, r)
	v, err := h.complaintSettingsView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	st := &wubu.ComplaintSettings{ProjectID: v.Project.ID}
	dst := []*int{&st.AckMinutes, &st.HandleMinutes, &st.FastAckMinutes, &st.FastHandleMinutes, &st.ImportanceLevel, &st.ImportanceIndex, &st.DecayDays, &st.VisitPoints}
	for i, f := range complaintSettingsFields {
		n, perr := strconv.Atoi(strings.TrimSpace(r.PostFormValue(f)))
		if perr != nil && err == nil {
			err = wubu.FieldErrorf(f, wubu.EINVALID, "Enter a whole number.")
		}
		*dst[i] = n
	}
	for _, c := range r.PostForm["working"] {
		st.WorkingCategories = append(st.WorkingCategories, wubu.ComplaintCategory(c))
	}
	if err == nil {
		err = h.Complaints.SaveComplaintSettings(r.Context(), st)
	}
	if err != nil {
		if !refusedStep(err) {
			h.fail(w, r, err)
			return
		}
		v.Working = st.WorkingCategories
		h.render(w, r, refuse(r, v, r.PostForm, err, ""), "complaint_settings", v)
		return
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(v.Project.ID, 10)+"/complaint-settings", h.T(r, "Settings saved."))
}
