package web

import "net/http"

// A section that a page loads into itself with htmx (the complaints on
// the customer card, the duty managers on the project page) is also a
// page of its own: the same view, drawn whole for a plain request and as
// its template's block for htmx.

// renderPart draws v as the page tmpl, or for an htmx request only its
// block, never cached.
func renderPart(h *Handler, w http.ResponseWriter, r *http.Request, v view, tmpl, block string) {
	w.Header().Set("Cache-Control", "no-store")
	if r.Header.Get("HX-Request") == "" {
		h.render(w, r, http.StatusOK, tmpl, v)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := h.pages[tmpl].ExecuteTemplate(w, block, v); err != nil {
		h.Logger.Error("render", "name", tmpl, "block", block, "err", err)
	}
}

// showPart answers a section that build makes from the request, or fails.
func showPart[V view](h *Handler, w http.ResponseWriter, r *http.Request, build func(*http.Request) (V, error), tmpl, block string) {
	v, err := build(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	renderPart(h, w, r, v, tmpl, block)
}
