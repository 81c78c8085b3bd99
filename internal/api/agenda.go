package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/i18n"
	"github.com/wubu-oss/wubu/internal/server"
)

// rulesRoutes are the agenda (F9) and the proactive rules' API: settings,
// expiring cards, care visits and festival greeting campaigns.
func (h *Handler) rulesRoutes(r route) []server.Route {
	return []server.Route{
		r("GET", "/agenda", wubu.PermSelf, call(h, http.StatusOK, h.agenda)),
		r("GET", "/projects/{id}/settings", wubu.PermOrgView, call(h, http.StatusOK, h.settingsGet)),
		r("PUT", "/projects/{id}/settings", wubu.PermSettingsEdit, call(h, http.StatusOK, h.settingsPut)),
		r("GET", "/projects/{id}/cards/expiring", wubu.PermResidentView, call(h, http.StatusOK, h.cardsExpiring)),
		r("GET", "/projects/{id}/care", wubu.PermResidentView, call(h, http.StatusOK, h.careDue)),
		r("GET", "/residents/{id}/care-visits", wubu.PermResidentView, call(h, http.StatusOK, h.careVisits)),
		r("POST", "/residents/{id}/care-visits", wubu.PermResidentEdit, call(h, http.StatusCreated, h.careVisitAdd)),
		r("GET", "/projects/{id}/greetings", wubu.PermOutboxManage, call(h, http.StatusOK, h.greetingList)),
		r("POST", "/projects/{id}/greetings", wubu.PermOutboxManage, call(h, http.StatusCreated, h.greetingCreate)),
		r("POST", "/projects/{id}/greetings/preview", wubu.PermOutboxManage, call(h, http.StatusOK, h.greetingPreview)),
		r("GET", "/projects/{id}/greetings/{greeting}", wubu.PermOutboxManage, call(h, http.StatusOK, h.greetingReport)),
		r("POST", "/projects/{id}/greetings/{greeting}/cancel", wubu.PermOutboxManage, call(h, http.StatusOK, h.greetingCancel)),
		r("POST", "/projects/{id}/greetings/{greeting}/send", wubu.PermOutboxManage, call(h, http.StatusOK, h.greetingSend)),
	}
}

// agendaResponse is the signed-in user's agenda, most urgent first.
type agendaResponse struct {
	Items []wubu.AgendaItem `json:"items"`
	Now   time.Time         `json:"now"`
}

func (h *Handler) agenda(r *http.Request, _ int64, _ none) (*agendaResponse, error) {
	if h.Agenda == nil {
		return &agendaResponse{Items: []wubu.AgendaItem{}, Now: h.Clock.Now()}, nil
	}
	items, err := h.Agenda.Agenda(r.Context())
	if err != nil {
		return nil, err
	}
	lang := server.Lang(r)
	for i := range items {
		items[i].Text = agendaText(lang, items[i])
	}
	return &agendaResponse{Items: items, Now: h.Clock.Now()}, nil
}

func (h *Handler) settingsGet(r *http.Request, id int64, _ none) (*wubu.ProjectSettings, error) {
	return h.Settings.FindSettings(r.Context(), id)
}

func (h *Handler) settingsPut(r *http.Request, id int64, s wubu.ProjectSettings) (*wubu.ProjectSettings, error) {
	s.ProjectID = id
	return h.Settings.UpdateSettings(r.Context(), &s)
}

func (h *Handler) cardsExpiring(r *http.Request, id int64, _ none) (list[*wubu.ExpiringCard], error) {
	within := 0
	if s := r.URL.Query().Get("within"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return list[*wubu.ExpiringCard]{}, wubu.FieldErrorf("within", wubu.EINVALID, "within must be a number of days.")
		}
		within = n
	}
	cs, err := h.Cards.FindExpiringCards(r.Context(), id, within)
	return newList(cs, len(cs), 0), err
}

func (h *Handler) careDue(r *http.Request, id int64, _ none) (list[*wubu.CareDue], error) {
	ds, err := h.Care.FindCareDue(r.Context(), id, r.URL.Query().Get("overdue") == "1")
	return newList(ds, len(ds), 0), err
}

func (h *Handler) careVisits(r *http.Request, id int64, _ none) (list[*wubu.CareVisit], error) {
	vs, err := h.Care.FindCareVisits(r.Context(), id)
	return newList(vs, len(vs), 0), err
}

func (h *Handler) careVisitAdd(r *http.Request, id int64, v wubu.CareVisit) (*wubu.CareVisit, error) {
	v.PersonID = id
	return &v, h.Care.RecordCareVisit(r.Context(), &v)
}

func (h *Handler) greetingList(r *http.Request, id int64, _ none) (list[*wubu.GreetingCampaign], error) {
	cs, err := h.Greetings.FindGreetings(r.Context(), id)
	return newList(cs, len(cs), 0), err
}

func (h *Handler) greetingCreate(r *http.Request, id int64, c wubu.GreetingCampaign) (*wubu.GreetingCampaign, error) {
	c.ProjectID = id
	return &c, h.Greetings.CreateGreeting(r.Context(), &c)
}

func (h *Handler) greetingPreview(r *http.Request, id int64, c wubu.GreetingCampaign) (*wubu.GreetingPreview, error) {
	c.ProjectID = id
	return h.Greetings.PreviewGreeting(r.Context(), &c)
}

func (h *Handler) greetingReport(r *http.Request, id int64, _ none) (*wubu.GreetingReport, error) {
	gid, err := pathID(r, "greeting")
	if err != nil {
		return nil, err
	}
	return h.Greetings.GreetingReport(r.Context(), id, gid)
}

func (h *Handler) greetingCancel(r *http.Request, id int64, _ none) (*wubu.GreetingCampaign, error) {
	gid, err := pathID(r, "greeting")
	if err != nil {
		return nil, err
	}
	return h.Greetings.CancelGreeting(r.Context(), id, gid)
}

func (h *Handler) greetingSend(r *http.Request, id int64, _ none) (*wubu.GreetingCampaign, error) {
	gid, err := pathID(r, "greeting")
	if err != nil {
		return nil, err
	}
	return h.Greetings.SendGreetingNow(r.Context(), id, gid)
}

// agendaText translates an item's title, and its arguments that are
// catalogue keys, as the Today page does (web.AgendaText).
func agendaText(lang string, it wubu.AgendaItem) string {
	args := make([]any, len(it.TitleArgs))
	for i, a := range it.TitleArgs {
		if s, ok := a.(string); ok && (strings.HasPrefix(s, "day:") || strings.HasPrefix(s, "object:") || strings.HasPrefix(s, "deadline:")) {
			if i18n.Has(s) {
				a = i18n.T(lang, s)
			} else {
				_, a, _ = strings.Cut(s, ":")
			}
		}
		args[i] = a
	}
	return i18n.T(lang, it.Title, args...)
}
