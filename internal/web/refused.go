package web

import "net/http"

// answerRefused answers a form whose service call failed: the page again
// (build, as tmpl) with what was typed and the message beside its field
// (under prefix) when the user can mend it, else the error page.
func answerRefused[V view](h *Handler, w http.ResponseWriter, r *http.Request, err error, build func(*http.Request) (V, error), tmpl, prefix string) {
	if !refusedStep(err) {
		h.fail(w, r, err)
		return
	}
	reshowForm(h, w, r, err, build, r.PostForm, tmpl, prefix)
}
