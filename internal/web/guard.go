package web

import (
	"net/http"

	"github.com/wubu-oss/wubu"
)

// guardView is the guard's start page: every action of the post within
// three taps, and the passes waiting at the gate.
type guardView struct {
	securityPage
	Pending []*wubu.Pass
	Ready   []*wubu.Pass
}

// guardHome is the security post's start page (item 10 of the issue):
// lookup, start a pass, check in at a checkpoint, report a hazard, a
// parking problem or an incident, register a tenant. The passes of the
// gate refresh by themselves.
func (h *Handler) guardHome(w http.ResponseWriter, r *http.Request) {
	sp, err := h.newSecurityPage(r, "Security post")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &guardView{securityPage: sp}
	if v.ProjectID != 0 {
		for st, dst := range map[wubu.PassState]*[]*wubu.Pass{wubu.PassPending: &v.Pending, wubu.PassConfirmed: &v.Ready} {
			if *dst, _, err = h.Passes.FindPasses(r.Context(), wubu.PassFilter{ProjectID: v.ProjectID, State: &st, Limit: 20}); err != nil {
				h.fail(w, r, err)
				return
			}
		}
	}
	if r.Header.Get("HX-Request") == "true" {
		h.renderBlock(w, r, "guard", "gate-passes", v)
		return
	}
	h.render(w, r, http.StatusOK, "guard", v)
}
