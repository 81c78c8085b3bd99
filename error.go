// Package wubu is the domain of Wubu, the operations platform for residential
// property service centres: its types, the service interfaces with their error
// contracts, and the permission policy. It imports no database or HTTP package.
package wubu

import (
	"errors"
	"fmt"
)

// Error codes. They map to HTTP statuses in one place (internal/server).
const (
	ECONFLICT       = "conflict"          // the object already exists, or the change collides
	EINTERNAL       = "internal"          // a fault of Wubu's, logged and not shown
	EINVALID        = "invalid"           // the input is wrong; nothing was written
	ENOTFOUND       = "not_found"         // missing, or not visible to the caller
	EUNAUTHORIZED   = "unauthorized"      // not signed in, or the session has ended
	EFORBIDDEN      = "forbidden"         // signed in, but the role may not do this
	ETOOMANYREQUEST = "too_many_requests" // throttled (repeated failed sign-ins)
	ETOOLARGE       = "too_large"         // the request body is over its limit
)

// Error is a domain error meant for the user. Format is an English format
// string that doubles as the message catalogue key, so the web and API layers
// can show the message in the user's language; Args fill it in.
type Error struct {
	Code   string
	Format string
	Args   []any
	// Field names the input field the error concerns, if any, so a form can
	// show the message beside it.
	Field string
}

// Error implements the error interface with the English message.
func (e *Error) Error() string {
	return fmt.Sprintf("wubu error: code=%s message=%s", e.Code, e.Message())
}

// Message returns the English message.
func (e *Error) Message() string {
	if len(e.Args) == 0 {
		return e.Format
	}
	return fmt.Sprintf(e.Format, e.Args...)
}

// Errorf returns an *Error with the code, the catalogue format and its args.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Format: format, Args: args}
}

// FieldErrorf returns an *Error that concerns one input field.
func FieldErrorf(field, code, format string, args ...any) *Error {
	return &Error{Code: code, Format: format, Args: args, Field: field}
}

// ErrorCode returns the code of a domain error, EINTERNAL for any other
// non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the English message of a domain error, and
// "Internal error." for any other error.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message()
	}
	return "Internal error."
}

// AsError returns the domain error inside err, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
