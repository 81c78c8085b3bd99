package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// bulletinRoutes are the pages of the notices on the board (公告) and the
// pest-control plans (C3): the list with the forms, and a notice as
// printed on A4.
func (h *Handler) bulletinRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/bulletins", Perm: wubu.PermResidentView, Handler: h.bulletinList},
		{Method: "POST", Path: "/bulletins", Perm: wubu.PermResidentEdit, Handler: h.bulletinPost, MaxBody: bulletinMaxBody},
		{Method: "GET", Path: "/bulletins/{id}", Perm: wubu.PermResidentView, Handler: h.bulletinShow},
		{Method: "GET", Path: "/bulletins/{id}/files/{file}", Perm: wubu.PermResidentView, Handler: h.bulletinFile},
		{Method: "POST", Path: "/pest-plans", Perm: wubu.PermSettingsEdit, Handler: h.pestPlanSave},
		{Method: "POST", Path: "/four-pests", Perm: wubu.PermSettingsEdit, Handler: h.fourPestsSave},
		{Method: "POST", Path: "/events/{id}/bulletin", Perm: wubu.PermResidentEdit, Handler: h.step(h.eventSteps(), "bulletin_", h.eventBulletin)},
	}
}

type bulletinListView struct {
	securityPage
	Bulletins []*wubu.Bulletin
	Plans     []*wubu.PestPlan
	Buildings []*wubu.Building
	Segments  []*wubu.Segment
	CanPlan   bool
	// FourPests is the project's "four pests" schedule (C4).
	FourPests *wubu.FourPestsSchedule
}

func (h *Handler) bulletinListView(r *http.Request) (*bulletinListView, error) {
	base, err := h.newSecurityPage(r, "Notices")
	if err != nil {
		return nil, err
	}
	u := wubu.UserFromContext(r.Context())
	base.CanEdit = u.Can(wubu.PermResidentEdit)
	v := &bulletinListView{securityPage: base, CanPlan: u.Can(wubu.PermSettingsEdit)}
	if v.ProjectID == 0 {
		return v, nil
	}
	ctx := r.Context()
	if v.Bulletins, err = h.Bulletins.FindBulletins(ctx, v.ProjectID); err != nil {
		return nil, err
	}
	if v.Plans, err = h.Bulletins.FindPestPlans(ctx, v.ProjectID); err != nil {
		return nil, err
	}
	if v.Buildings, err = h.Org.FindBuildings(ctx, v.ProjectID); err != nil {
		return nil, err
	}
	if v.FourPests, err = h.Bulletins.FourPestsSchedule(ctx, v.ProjectID); err != nil {
		return nil, err
	}
	if v.Segments, err = h.audienceSegments(r, v.ProjectID); err != nil {
		return nil, err
	}
	return v, nil
}

func (h *Handler) bulletinList(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.bulletinListView, "bulletins")
}

func (h *Handler) bulletinPost(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
		h.fail(w, r, server.TooLarge(err))
		return
	}
	v, err := h.bulletinListView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n := &wubu.Bulletin{ProjectID: v.ProjectID, Title: r.PostFormValue("title"), Body: r.PostFormValue("body"), BoardFrom: r.PostFormValue("board_from"),
		BoardUntil: r.PostFormValue("board_until"), SendSMS: r.PostFormValue("send_sms") == "1", SendEmail: r.PostFormValue("send_email") == "1",
		SegmentID: optID(r, "segment_id")}
	for _, b := range r.PostForm["building_id"] {
		if id, err := strconv.ParseInt(b, 10, 64); err == nil {
			n.BuildingIDs = append(n.BuildingIDs, id)
		}
	}
	if n.UnitIDs, err = h.unitIDs(r, v.Buildings, r.PostFormValue("units")); err == nil {
		n.Attachments, err = formFiles(r, "files")
	}
	if err == nil {
		err = h.Bulletins.PostBulletin(r.Context(), n)
	}
	if err != nil {
		h.render(w, r, refuse(r, v, r.PostForm, err, ""), "bulletins", v)
		return
	}
	flash := h.T(r, "Notice posted.")
	if n.SendSMS || n.SendEmail {
		flash = h.T(r, "Notice posted and %d messages queued.", n.Sent+n.Emailed)
	}
	h.redirect(w, r, "/bulletins/"+strconv.FormatInt(n.ID, 10), flash)
}

func (h *Handler) pestPlanSave(w http.ResponseWriter, r *http.Request) {
	parseForm(w, r)
	v, err := h.bulletinListView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	every, _ := strconv.Atoi(r.FormValue("every_days"))
	days, _ := strconv.Atoi(r.FormValue("notice_days"))
	p := &wubu.PestPlan{ProjectID: v.ProjectID, Areas: r.FormValue("areas"), FirstDate: r.FormValue("first_date"), EveryDays: every,
		Until: r.FormValue("until"), NoticeDays: days, SendSMS: r.FormValue("send_sms") == "1"}
	if err := h.Bulletins.SavePestPlan(r.Context(), p); err != nil {
		h.render(w, r, refuse(r, v, r.Form, err, "plan_"), "bulletins", v)
		return
	}
	h.redirect(w, r, fmt.Sprintf("/bulletins?project=%d", v.ProjectID), h.T(r, "Pest-control plan saved."))
}

type bulletinView struct {
	Page
	Notice *wubu.Bulletin
}

// KB returns a size in kilobytes, at least 1.
func (v *bulletinView) KB(size int) int { return max(1, (size+1023)/1024) }

// bulletinShow shows a notice as printed on A4.
func (h *Handler) bulletinShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := h.Bulletins.FindBulletin(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "bulletin", &bulletinView{Page: h.newPage(r, "Notice"), Notice: n})
}

// eventBulletin posts an event's notice on the board of its audience,
// until the event's day.
func (h *Handler) eventBulletin(r *http.Request, id int64) (string, error) {
	e, err := h.Events.FindEvent(r.Context(), id)
	if err != nil {
		return "", err
	}
	day := e.StartsAt.In(cst)
	n := &wubu.Bulletin{ProjectID: e.ProjectID, Kind: wubu.BulletinEvent, Title: e.Title, BuildingID: e.BuildingID,
		Body: fmt.Sprintf("尊敬的各位业主、住户：\n\n物业服务中心将于%d年%d月%d日 %s 在%s举办“%s”，名额%d人，欢迎到物业服务中心报名参加。\n\n%s",
			day.Year(), day.Month(), day.Day(), day.Format("15:04"), e.Place, e.Title, e.Capacity, e.Note),
		BoardUntil: day.Format(time.DateOnly), SendSMS: r.FormValue("send_sms") == "1"}
	if err := h.Bulletins.PostBulletin(r.Context(), n); err != nil {
		return "", err
	}
	if n.SendSMS {
		return h.T(r, "Notice posted and %d messages queued.", n.Sent), nil
	}
	return h.T(r, "Notice posted."), nil
}
