package web

import (
	"net/http"
	"slices"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/i18n"
	"github.com/wubu-oss/wubu/internal/notify"
	"github.com/wubu-oss/wubu/internal/server"
)

// residentLinkRoutes are the customer card's forms that reach other
// features: the resident's notification opt-outs per kind (F8).
func (h *Handler) residentLinkRoutes() []server.Route {
	return []server.Route{
		{Method: "POST", Path: "/residents/{id}/opt-outs", Perm: wubu.PermResidentEdit, Handler: h.residentAdd(wubu.CardOptOuts, h.optOutsSave)},
		{Method: "POST", Path: "/residents/{id}/email", Perm: wubu.PermResidentEdit, Handler: h.residentAdd(wubu.CardOptOuts, h.residentEmailSave)},
		{Method: "POST", Path: "/residents/{id}/channels", Perm: wubu.PermResidentEdit, Handler: h.residentAdd(wubu.CardOptOuts, h.residentChannelsSave)},
	}
}

// residentLinks fills in what the card shows of other features: the
// opt-outs and whether a care visit can be recorded.
func (h *Handler) residentLinks(r *http.Request, v *residentView) error {
	v.CanCareVisit = v.CanEdit && len(v.Resident.CareFlags) > 0
	if v.CanCareVisit && h.Surveys != nil {
		f, err := h.Surveys.FormFor(r.Context(), v.Resident.ProjectID, wubu.SurveyCare)
		if err != nil && wubu.ErrorCode(err) != wubu.ENOTFOUND {
			return err
		}
		v.Survey = f
	}
	if h.Bulletins != nil && wubu.UserFromContext(r.Context()).Sees(wubu.CardOptOuts) {
		email, err := h.Bulletins.ResidentEmail(r.Context(), v.Resident.ID)
		if err != nil {
			return err
		}
		v.Form.Set("email", email)
	}
	v.OptedOut = map[string]bool{}
	if h.Outbox == nil {
		return nil
	}
	v.MessageKinds = notify.Kinds()
	kinds, err := h.Outbox.OptOuts(r.Context(), v.Resident.ID)
	if err != nil {
		return err
	}
	for _, k := range kinds {
		v.OptedOut[k] = true
	}
	return h.residentChannels(r, v)
}

// KindLabel names a kind of message in the page's language.
func (v *residentView) KindLabel(kind string) string {
	if key := "message_kind:" + kind; i18n.Has(key) {
		return v.T(key)
	}
	return kind
}

// OptOutChecked reports whether a kind's "do not send" box is ticked: as
// typed when a form was refused, else as stored.
func (v *residentView) OptOutChecked(kind string) bool {
	if v.Form.Has("sent") {
		return slices.Contains(v.Form["out"], kind)
	}
	return v.OptedOut[kind]
}

// optOutsSave stores the card's opt-out boxes: each kind ticked is opted
// out of, each unticked one withdrawn. An unknown kind changes nothing.
func (h *Handler) optOutsSave(r *http.Request, id int64) error {
	if h.Outbox == nil {
		return wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	if err := r.ParseForm(); err != nil {
		return wubu.Errorf(wubu.EINVALID, "The form could not be read.")
	}
	want := map[string]bool{}
	for _, k := range r.PostForm["out"] {
		if !notify.HasKind(k) {
			return wubu.FieldErrorf("out", wubu.EINVALID, "There is no message template of kind %q.", k)
		}
		want[k] = true
	}
	have, err := h.Outbox.OptOuts(r.Context(), id)
	if err != nil {
		return err
	}
	for _, k := range have {
		if !want[k] {
			if err := h.Outbox.SetOptOut(r.Context(), id, k, false); err != nil {
				return err
			}
		}
		delete(want, k)
	}
	for _, k := range notify.Kinds() {
		if want[k] {
			if err := h.Outbox.SetOptOut(r.Context(), id, k, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// careVisitFromCard reports whether a care visit form was posted from the
// customer card (which it then answers), not from the care list.
func careVisitFromCard(r *http.Request) bool { return r.PostFormValue("from") == "card" }
