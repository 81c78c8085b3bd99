package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/cnformat"
	"github.com/wubu-oss/wubu/internal/i18n"
)

// Status returns the HTTP status of an error code: the one place where
// domain codes meet HTTP.
func Status(code string) int {
	switch code {
	case wubu.EINVALID:
		return http.StatusUnprocessableEntity
	case wubu.ENOTFOUND:
		return http.StatusNotFound
	case wubu.ECONFLICT:
		return http.StatusConflict
	case wubu.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case wubu.EFORBIDDEN:
		return http.StatusForbidden
	case wubu.ETOOMANYREQUEST:
		return http.StatusTooManyRequests
	case wubu.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// ErrMessage returns the message of an error in the request's language.
// Internal errors read "Internal error.".
func ErrMessage(r *http.Request, err error) string {
	if err == nil {
		return ""
	}
	if e := wubu.AsError(err); e != nil {
		return i18n.T(Lang(r), e.Format, e.Args...)
	}
	var ce *cnformat.Error
	if errors.As(err, &ce) {
		return i18n.T(Lang(r), ce.Format, ce.Args...)
	}
	return i18n.T(Lang(r), "Internal error.")
}

// ErrorCode returns the domain code of err; a parse error of cnformat is
// EINVALID.
func ErrorCode(err error) string {
	var ce *cnformat.Error
	if errors.As(err, &ce) {
		return wubu.EINVALID
	}
	return wubu.ErrorCode(err)
}

// ErrorBody is the JSON shape of every API error.
type ErrorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
}

// Fail answers a request with an error: JSON for the API, a page otherwise.
// Internal errors are logged and never shown.
func (s *Server) Fail(w http.ResponseWriter, r *http.Request, api bool, err error) {
	// A client that went away is not a fault of Wubu's: nobody reads the answer.
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		w.WriteHeader(499) // client closed request (nginx's convention)
		return
	}
	code := ErrorCode(err)
	if code == wubu.EINTERNAL {
		s.Logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	status := Status(code)
	msg := ErrMessage(r, err)
	if api {
		var body ErrorBody
		body.Error.Code, body.Error.Message = code, msg
		if e := wubu.AsError(err); e != nil {
			body.Error.Field = e.Field
		}
		WriteJSON(w, status, body)
		return
	}
	if s.ErrorPage != nil {
		s.ErrorPage(w, r, status, msg)
		return
	}
	http.Error(w, msg, status)
}

// WriteJSON writes v as JSON with the status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// ReadJSON decodes a JSON request body of at most 1 MiB into v, refusing
// unknown fields. Errors are EINVALID with a message for the client.
func ReadJSON(r *http.Request, v any) error {
	// The body is read as JSON whatever its Content-Type says: curl's -d
	// sends form encoding by default, and a clear parse error helps more
	// than a refusal. Cross-site posts are stopped before this, by the
	// cross-origin protection.
	// The body is limited by the route (Server.MaxBody); a body of null
	// or with anything after the value is refused, not half-read.
	b, err := io.ReadAll(r.Body)
	if err != nil {
		if err := TooLarge(err); wubu.ErrorCode(err) == wubu.ETOOLARGE {
			return err
		}
		return wubu.Errorf(wubu.EINVALID, "The request body could not be read.")
	}
	if t := bytes.TrimSpace(b); len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return wubu.Errorf(wubu.EINVALID, "The request body must be a JSON value, not empty or null.")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return wubu.Errorf(wubu.EINVALID, "The request body is not valid JSON: %s", err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return wubu.Errorf(wubu.EINVALID, "The request body has more after its JSON value.")
	}
	return nil
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// FieldError returns a parse error of cnformat as a domain error on the
// field, so a form shows it beside the field; other errors pass through.
func FieldError(field string, err error) error {
	var ce *cnformat.Error
	if errors.As(err, &ce) {
		return &wubu.Error{Code: wubu.EINVALID, Format: ce.Format, Args: ce.Args, Field: field}
	}
	return err
}
