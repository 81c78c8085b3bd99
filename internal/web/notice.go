package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// noticeRoutes are the screens of the stairwell notices (E4): the log with
// the form to post one, a notice printed on A4, and the project's standard
// notices.
func (h *Handler) noticeRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/notices", Perm: wubu.PermResidentView, Handler: h.noticeList},
		{Method: "POST", Path: "/notices", Perm: wubu.PermResidentEdit, Handler: h.noticePost},
		{Method: "GET", Path: "/notices/{id}", Perm: wubu.PermResidentView, Handler: h.noticeShow},
		{Method: "GET", Path: "/notices/templates", Perm: wubu.PermSettingsEdit, Handler: h.noticeTemplates},
		{Method: "POST", Path: "/notices/templates", Perm: wubu.PermSettingsEdit, Handler: h.noticeTemplateSave},
	}
}

// unitChoice is a unit of the post form.
type unitChoice struct {
	ID    int64
	Label string
}

type noticeListView struct {
	securityPage
	Notices    []*wubu.StairwellNotice
	Pager      PagerView
	Templates  []*wubu.NoticeTemplate
	Units      []unitChoice
	Buildings  []*wubu.Building
	BuildingID int64
	UnitID     int64
	CanPost    bool
	CanSetup   bool
}

func (h *Handler) noticeListView(r *http.Request) (*noticeListView, error) {
	base, err := h.newSecurityPage(r, "Stairwell notices")
	if err != nil {
		return nil, err
	}
	u := wubu.UserFromContext(r.Context())
	v := &noticeListView{securityPage: base, CanPost: u.Can(wubu.PermResidentEdit), CanSetup: u.Can(wubu.PermSettingsEdit)}
	v.BuildingID, _ = strconv.ParseInt(r.URL.Query().Get("building"), 10, 64)
	v.UnitID, _ = strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
	if v.ProjectID == 0 {
		return v, nil
	}
	ctx := r.Context()
	if v.Templates, err = h.Stairwell.NoticeTemplates(ctx, v.ProjectID, false); err != nil {
		return nil, err
	}
	if v.Buildings, err = h.Org.FindBuildings(ctx, v.ProjectID); err != nil {
		return nil, err
	}
	for _, b := range v.Buildings {
		units, err := h.Org.FindUnits(ctx, b.ID)
		if err != nil {
			return nil, err
		}
		for _, un := range units {
			v.Units = append(v.Units, unitChoice{ID: un.ID, Label: v.T("Building %s, unit %s", b.Name, un.Name)})
		}
	}
	f := wubu.NoticeFilter{BuildingID: v.BuildingID, UnitID: v.UnitID, Limit: pageSize}
	v.Notices, v.Pager, err = listPage(r, &v.securityPage, func(offset int) ([]*wubu.StairwellNotice, int, error) {
		f.Offset = offset
		return h.Stairwell.FindNotices(ctx, v.ProjectID, f)
	})
	return v, err
}

// noticeList shows the log of notices (per unit with ?unit=: its history)
// and the form to post one.
func (h *Handler) noticeList(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.noticeListView, "notices")
}

// noticePost logs a notice posted in a unit and opens it for printing.
func (h *Handler) noticePost(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	unit, _ := strconv.ParseInt(r.PostFormValue("unit_id"), 10, 64)
	n := &wubu.StairwellNotice{UnitID: unit, TemplateID: optID(r, "template_id"), Title: r.PostFormValue("title"), Body: r.PostFormValue("body"), Reason: r.PostFormValue("reason")}
	if err := h.Stairwell.PostNotice(r.Context(), n); err != nil {
		answerRefused(h, w, r, err, h.noticeListView, "notices", "")
		return
	}
	h.redirect(w, r, fmt.Sprintf("/notices/%d", n.ID), h.T(r, "Notice logged: print it and post it in the unit."))
}

type noticeView struct {
	Page
	Notice *wubu.StairwellNotice
}

// Day is the notice's date as it is printed: 2026年12月7日.
func (v *noticeView) Day() string {
	t := v.Notice.PostedAt.In(cst)
	if v.Lang == "en" {
		return t.Format("2 January 2006")
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}

// noticeShow shows a notice as it is printed on A4 (the print stylesheet
// leaves out everything but the sheet), with its log line.
func (h *Handler) noticeShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := h.Stairwell.FindNotice(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "notice", &noticeView{Page: h.newPage(r, "Stairwell notice"), Notice: n})
}

type noticeTemplatesView struct {
	securityPage
	Templates []*wubu.NoticeTemplate
}

func (h *Handler) noticeTemplatesView(r *http.Request) (*noticeTemplatesView, error) {
	base, err := h.newSecurityPage(r, "Standard notices")
	if err != nil {
		return nil, err
	}
	v := &noticeTemplatesView{securityPage: base}
	if v.ProjectID != 0 {
		v.Templates, err = h.Stairwell.NoticeTemplates(r.Context(), v.ProjectID, true)
	}
	return v, err
}

// noticeTemplates lists the project's standard notices to edit.
func (h *Handler) noticeTemplates(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.noticeTemplatesView, "notice_templates")
}

// noticeTemplateSave adds or changes a standard notice.
func (h *Handler) noticeTemplateSave(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	pid, _ := strconv.ParseInt(r.PostFormValue("project"), 10, 64)
	id, _ := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	t := &wubu.NoticeTemplate{ID: id, ProjectID: pid, Title: r.PostFormValue("title"), Body: r.PostFormValue("body"), Archived: r.PostFormValue("archived") == "1"}
	if err := h.Stairwell.SaveNoticeTemplate(r.Context(), t); err != nil {
		prefix := "new_"
		if id != 0 {
			prefix = fmt.Sprintf("t%d_", id)
		}
		answerRefused(h, w, r, err, h.noticeTemplatesView, "notice_templates", prefix)
		return
	}
	h.redirect(w, r, fmt.Sprintf("/notices/templates?project=%d", pid), h.T(r, "Saved."))
}

// unitNotices returns the notices posted in each unit of a building, newest
// first, for the building's page (none for whoever may not read them).
func (h *Handler) unitNotices(r *http.Request, b *wubu.Building) map[int64][]*wubu.StairwellNotice {
	out := map[int64][]*wubu.StairwellNotice{}
	if h.Stairwell == nil || !wubu.UserFromContext(r.Context()).Can(wubu.PermResidentView) {
		return out
	}
	ns, _, err := h.Stairwell.FindNotices(r.Context(), b.ProjectID, wubu.NoticeFilter{BuildingID: b.ID, Limit: 500})
	if err != nil {
		h.Logger.Error("notices of a building", "building", b.ID, "err", err)
		return out
	}
	for _, n := range ns {
		out[n.UnitID] = append(out[n.UnitID], n)
	}
	return out
}
