package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// One handler for the forms of every object's steps (the life-cycle engine's
// steps on the pages): orders, passes, tenant registrations, incidents,
// hazards, parking problems and patrol runs.

// stepDo takes a step on the object of the path's ID with the request's
// form and returns the message shown once it is taken.
type stepDo func(r *http.Request, id int64) (string, error)

// stepPage is what the step handler needs of an object's pages.
type stepPage struct {
	// path is the object's page: "/hazards/%d".
	path string
	// reshow shows the object's page again after a refused step, with what
	// was typed and the message beside its field (under prefix).
	reshow func(w http.ResponseWriter, r *http.Request, id int64, err error, prefix string)
	// card, when set, answers an htmx request from a list's card
	// (card=1) with the object's card instead of a page.
	card func(w http.ResponseWriter, r *http.Request, id int64, err error)
}

// reshowWith makes a stepPage's reshow from the page's builder and
// template.
func reshowWith[V view](h *Handler, build func(*http.Request) (V, error), tmpl string) func(http.ResponseWriter, *http.Request, int64, error, string) {
	return func(w http.ResponseWriter, r *http.Request, _ int64, err error, prefix string) {
		reshowForm(h, w, r, err, build, r.Form, tmpl, prefix)
	}
}

// step handles the form of one step: the object's ID from the path, the
// form (multipart when it carries a photo, within the photo limit), the
// step itself. Taken, it goes on to the page the form names (next, a local
// path) or the object's page, with do's message. Refused for what the user
// can mend — bad input, a field naming something not found, the object's
// state, a rule of who may take the step — it shows the page again with the
// message beside the field (under prefix) and what was typed kept; anything
// else fails the page.
func (h *Handler) step(p stepPage, prefix string, do stepDo) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			h.fail(w, r, err)
			return
		}
		flash, err := "", readStepForm(w, r)
		if err == nil {
			flash, err = do(r, id)
		}
		fromCard := p.card != nil && r.Header.Get("HX-Request") != "" && r.FormValue("card") == "1"
		if err != nil && !refusedStep(err) {
			h.fail(w, r, err)
			return
		}
		switch {
		case fromCard:
			p.card(w, r, id, err)
		case err != nil:
			p.reshow(w, r, id, err, prefix)
		default:
			next := r.FormValue("next")
			if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
				next = fmt.Sprintf(p.path, id)
			}
			h.redirect(w, r, next, flash)
		}
	}
}

// refusedStep reports whether a step's error is one the user can mend on
// the page: bad input, a field naming something not found, the object's
// state, or a rule of who may take the step.
func refusedStep(err error) bool {
	switch server.ErrorCode(err) {
	case wubu.EINVALID, wubu.ECONFLICT, wubu.EFORBIDDEN:
		return true
	case wubu.ENOTFOUND:
		return wubu.AsError(err) != nil && wubu.AsError(err).Field != ""
	}
	return false
}

// readStepForm reads a step's form, multipart (with photos) or not, of at
// most MaxStepForm bytes.
func readStepForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, MaxStepForm)
	err := r.ParseMultipartForm(1 << 20)
	if err == http.ErrNotMultipart {
		return nil
	}
	if err != nil {
		return wubu.FieldErrorf("photo", wubu.EINVALID, "Choose JPEG or PNG photos of at most %d MB each.", wubu.MaxPhotoSize>>20)
	}
	return nil
}

// MaxStepForm is the largest step form: the most photos a step takes at
// once, each at the photo limit, and the fields.
const MaxStepForm = server.MaxPhotosBody
