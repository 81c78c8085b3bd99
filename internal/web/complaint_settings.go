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
		{Method: "POST", Path: "/projects/{id}/complaint-settings", Perm: wubu.PermSettingsEdit,
			Handler: h.step(stepPage{path: "/projects/%d/complaint-settings", reshow: reshowWith(h, h.complaintSettingsView, "complaint_settings")}, "", h.complaintSettingsSave)},
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
	if r.Method == http.MethodPost {
		// A refused form shows the categories as they were ticked.
		v.Working = postedWorking(r)
	}
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

// complaintSettingsSave saves them through the one form handler.
func (h *Handler) complaintSettingsSave(r *http.Request, id int64) (string, error) {
	st := &wubu.ComplaintSettings{ProjectID: id, WorkingCategories: postedWorking(r)}
	dst := []*int{&st.AckMinutes, &st.HandleMinutes, &st.FastAckMinutes, &st.FastHandleMinutes, &st.ImportanceLevel, &st.ImportanceIndex, &st.DecayDays, &st.VisitPoints}
	for i, f := range complaintSettingsFields {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(f)))
		if err != nil {
			return "", wubu.FieldErrorf(f, wubu.EINVALID, "Enter a whole number.")
		}
		*dst[i] = n
	}
	return h.T(r, "Settings saved."), h.Complaints.SaveComplaintSettings(r.Context(), st)
}

// postedWorking are the categories a posted form counts in working time.
func postedWorking(r *http.Request) []wubu.ComplaintCategory {
	var out []wubu.ComplaintCategory
	for _, c := range r.PostForm["working"] {
		out = append(out, wubu.ComplaintCategory(c))
	}
	return out
}
