package web

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// handbookRoutes are the printable contact cards per building (K5), the
// printable convenience handbook (H3) and the form of what they show.
func (h *Handler) handbookRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/projects/{id}/handbook", Perm: wubu.PermOrgView, Handler: h.handbookShow},
		{Method: "GET", Path: "/projects/{id}/contact-cards", Perm: wubu.PermOrgView, Handler: h.contactCards},
		{Method: "GET", Path: "/projects/{id}/community-info", Perm: wubu.PermSettingsEdit, Handler: h.communityInfo},
		{Method: "POST", Path: "/projects/{id}/community-info", Perm: wubu.PermSettingsEdit, Handler: h.communityInfoSave},
	}
}

type handbookView struct {
	Page
	Project     *wubu.Project
	Handbook    *wubu.Handbook
	Cards       []*wubu.ContactCard
	CanSettings bool
}

// Yuan shows an amount in fen as yuan.
func (v *handbookView) Yuan(fen int64) string {
	return strconv.FormatFloat(float64(fen)/100, 'f', 2, 64)
}

func (h *Handler) handbookPage(w http.ResponseWriter, r *http.Request, title string) (*handbookView, bool) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	p, err := h.Projects.FindProjectByID(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	return &handbookView{Page: h.newPage(r, title), Project: p, CanSettings: wubu.UserFromContext(r.Context()).Can(wubu.PermSettingsEdit)}, true
}

// handbookShow generates the handbook (a new version when its data
// changed) and shows it, ready to print.
func (h *Handler) handbookShow(w http.ResponseWriter, r *http.Request) {
	v, ok := h.handbookPage(w, r, "Convenience handbook")
	if !ok {
		return
	}
	var err error
	if v.Handbook, err = h.Handbook.Handbook(r.Context(), v.Project.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "handbook", v)
}

// contactCards shows a card per building: the hotline and its assistants.
func (h *Handler) contactCards(w http.ResponseWriter, r *http.Request) {
	v, ok := h.handbookPage(w, r, "Contact cards")
	if !ok {
		return
	}
	var err error
	if v.Cards, err = h.Handbook.ContactCards(r.Context(), v.Project.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "contact_cards", v)
}

func (h *Handler) communityInfo(w http.ResponseWriter, r *http.Request) {
	h.renderCommunityInfo(w, r, http.StatusOK, nil)
}

func (h *Handler) renderCommunityInfo(w http.ResponseWriter, r *http.Request, status int, refused error) {
	v, ok := h.handbookPage(w, r, "Hotline and handbook")
	if !ok {
		return
	}
	if refused != nil {
		v.Form = r.PostForm
		status = formError(r, &v.Page, refused, "")
	} else {
		in, err := h.Handbook.FindCommunityInfo(r.Context(), v.Project.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for k, val := range map[string]string{"hotline": in.Hotline, "hours": in.Hours, "channels": in.Channels, "safety": in.Safety, "facilities": in.Facilities, "surroundings": in.Surroundings} {
			v.Form.Set(k, val)
		}
	}
	h.render(w, r, status, "community_info", v)
}

func (h *Handler) communityInfoSave(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	in := &wubu.CommunityInfo{ProjectID: id, Hotline: r.PostFormValue("hotline"), Hours: r.PostFormValue("hours"), Channels: r.PostFormValue("channels"),
		Safety: r.PostFormValue("safety"), Facilities: r.PostFormValue("facilities"), Surroundings: r.PostFormValue("surroundings")}
	if err := h.Handbook.SaveCommunityInfo(r.Context(), in); err != nil {
		if wubu.ErrorCode(err) != wubu.EINVALID {
			h.fail(w, r, err)
			return
		}
		h.renderCommunityInfo(w, r, 0, err)
		return
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(id, 10)+"/handbook", h.T(r, "Saved: the handbook shows it now."))
}
