package web

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// knowledgeRoutes are the pages of safety campaigns and the knowledge base
// (S6, S7).
func (h *Handler) knowledgeRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/safety-campaigns", Perm: wubu.PermSecurityView, Handler: h.safetyList},
		{Method: "POST", Path: "/safety-campaigns", Perm: wubu.PermSecurityManage, Handler: h.safetyCreate},
		{Method: "GET", Path: "/knowledge", Perm: wubu.PermSecurityView, Handler: h.kbList},
		{Method: "POST", Path: "/knowledge", Perm: wubu.PermSecurityManage, Handler: h.kbSave},
		{Method: "GET", Path: "/knowledge/{id}", Perm: wubu.PermSecurityView, Handler: h.kbShow},
		{Method: "POST", Path: "/knowledge/{id}", Perm: wubu.PermSecurityManage, Handler: h.kbSave},
	}
}

type safetyCampaignView struct {
	securityPage
	Day       string
	Campaigns []*wubu.SafetyCampaign
	Themes    []string
}

// safetyList shows the safety campaigns: where each board stands on the
// day (this week by default), the activities, and the form for leaders.
func (h *Handler) safetyList(w http.ResponseWriter, r *http.Request) {
	base, err := h.newSecurityPage(r, "Safety campaigns")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderSafety(w, r, &safetyCampaignView{securityPage: base}, http.StatusOK)
}

func (h *Handler) renderSafety(w http.ResponseWriter, r *http.Request, v *safetyCampaignView, status int) {
	v.Themes = wubu.SafetyThemes
	v.Day = r.URL.Query().Get("day")
	if v.Day == "" {
		v.Day = v.Now.In(cst).Format("2006-01-02")
	}
	if v.ProjectID != 0 {
		var err error
		if v.Campaigns, err = h.Knowledge.FindSafetyCampaigns(r.Context(), v.ProjectID, v.Day); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.render(w, r, status, "safety_campaigns", v)
}

func (h *Handler) safetyCreate(w http.ResponseWriter, r *http.Request) {
	base, err := h.newSecurityPage(r, "Safety campaigns")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	weeks, _ := strconv.Atoi(r.PostFormValue("weeks_per_stop"))
	c := &wubu.SafetyCampaign{ProjectID: base.ProjectID, Kind: wubu.SafetyCampaignKind(r.PostFormValue("kind")), Theme: r.PostFormValue("theme"),
		Title: r.PostFormValue("title"), Description: r.PostFormValue("description"), StartsOn: r.PostFormValue("starts_on"), EndsOn: r.PostFormValue("ends_on"),
		Places: []string{r.PostFormValue("places")}, WeeksPerStop: weeks}
	if err := h.Knowledge.CreateSafetyCampaign(r.Context(), c); err != nil {
		v := &safetyCampaignView{securityPage: base}
		h.renderSafety(w, r, v, refuse(r, v, r.PostForm, err, ""))
		return
	}
	h.redirect(w, r, "/safety-campaigns?project="+strconv.FormatInt(c.ProjectID, 10), h.T(r, "Campaign %s created.", c.Title))
}

type kbListView struct {
	securityPage
	Category   string
	Query      string
	Entries    []*wubu.KBEntry
	Categories []string
}

// kbList is the staff knowledge base, by category, searchable, readable
// on the phone.
func (h *Handler) kbList(w http.ResponseWriter, r *http.Request) {
	base, err := h.newSecurityPage(r, "Knowledge base")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderKBList(w, r, &kbListView{securityPage: base}, http.StatusOK)
}

func (h *Handler) renderKBList(w http.ResponseWriter, r *http.Request, v *kbListView, status int) {
	v.Categories = wubu.KBCategories
	v.Category, v.Query = r.URL.Query().Get("category"), r.URL.Query().Get("q")
	if v.ProjectID != 0 {
		var err error
		if v.Entries, err = h.Knowledge.FindKB(r.Context(), v.ProjectID, v.Category, v.Query); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.render(w, r, status, "knowledge", v)
}

type kbView struct {
	securityPage
	Entry      *wubu.KBEntry
	Categories []string
}

func (h *Handler) kbShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	base, err := h.newSecurityPage(r, "Knowledge base")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &kbView{securityPage: base, Categories: wubu.KBCategories}
	if v.Entry, err = h.Knowledge.FindKBEntry(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	v.Title = v.Entry.Title
	h.render(w, r, http.StatusOK, "knowledge_entry", v)
}

// kbSave creates an entry (POST /knowledge) or changes one.
func (h *Handler) kbSave(w http.ResponseWriter, r *http.Request) {
	base, err := h.newSecurityPage(r, "Knowledge base")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	e := &wubu.KBEntry{ProjectID: base.ProjectID, Category: r.PostFormValue("category"), Title: r.PostFormValue("title"), Body: r.PostFormValue("body")}
	if r.PathValue("id") != "" {
		if e.ID, err = pathID(r, "id"); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if err := h.Knowledge.SaveKBEntry(r.Context(), e); err != nil {
		if codeIn(err, wubu.EINTERNAL, wubu.ENOTFOUND) {
			h.fail(w, r, err)
			return
		}
		if e.ID != 0 {
			v := &kbView{securityPage: base, Categories: wubu.KBCategories}
			if v.Entry, _ = h.Knowledge.FindKBEntry(r.Context(), e.ID); v.Entry == nil {
				h.fail(w, r, err)
				return
			}
			h.render(w, r, refuse(r, v, r.PostForm, err, ""), "knowledge_entry", v)
			return
		}
		v := &kbListView{securityPage: base}
		h.renderKBList(w, r, v, refuse(r, v, r.PostForm, err, ""))
		return
	}
	h.redirect(w, r, "/knowledge/"+strconv.FormatInt(e.ID, 10), h.T(r, "Saved."))
}
