package web

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// residentCallRoutes are the call links to a resident: the full number is
// revealed (and audited as a reveal) only to call it.
func (h *Handler) residentCallRoutes() []server.Route {
	return []server.Route{
		{Method: "POST", Path: "/residents/{id}/call", Perm: wubu.PermResidentView, Handler: h.residentCall},
	}
}

type residentCallView struct {
	Page
	Name   string
	Phones []string
	Next   string
}

// Tel is the call link of a phone number: its digits only, so the link is
// safe to draw.
func (v *residentCallView) Tel(phone string) template.URL {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == '+' {
			return r
		}
		return -1
	}, phone)
	return template.URL("tel:" + digits)
}

// residentCall reveals a resident's phone numbers to call them — the
// service checks the permission to see a full number and writes the read
// to the audit log — and shows them as call links, with the way back.
func (h *Handler) residentCall(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	res, err := h.Residents.FindResident(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	phones, err := h.Residents.RevealPersonField(r.Context(), id, "phones")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &residentCallView{Page: h.newPage(r, "Call"), Name: res.Name, Phones: phones, Next: r.PostFormValue("next")}
	if !strings.HasPrefix(v.Next, "/") || strings.HasPrefix(v.Next, "//") {
		v.Next = "/residents/" + r.PathValue("id")
	}
	h.render(w, r, http.StatusOK, "resident_call", v)
}

// ownerPhones returns the owners' phones, masked, by person; an owner the
// user may not see has none.
func (h *Handler) ownerPhones(r *http.Request, owners []*wubu.PassOwner) map[int64][]string {
	out := map[int64][]string{}
	for _, o := range owners {
		if res, err := h.Residents.FindResident(r.Context(), o.PersonID); err == nil {
			out[o.PersonID] = res.Phones
		}
	}
	return out
}
