package wubu

import (
	"context"
	"time"
)

// Clock tells the time. Production uses the system clock; tests use a
// controlled one, so that deadlines, sessions and throttles never need sleeps.
type Clock interface {
	Now() time.Time
}

// SystemClock is the Clock of the machine.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

type contextKey int

const (
	userContextKey contextKey = iota + 1
	requestInfoContextKey
)

// NewContextWithUser returns a copy of ctx that carries the signed-in user.
// Every service call is made on behalf of the user in its context.
func NewContextWithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userContextKey, u)
}

// UserFromContext returns the signed-in user, or nil.
func UserFromContext(ctx context.Context) *User {
	u, _ := ctx.Value(userContextKey).(*User)
	return u
}

// RequestInfo describes where a request came from, for the audit log and the
// sign-in throttle.
type RequestInfo struct {
	IP        string
	UserAgent string
}

// NewContextWithRequestInfo returns a copy of ctx carrying the request info.
func NewContextWithRequestInfo(ctx context.Context, ri RequestInfo) context.Context {
	return context.WithValue(ctx, requestInfoContextKey, ri)
}

// RequestInfoFromContext returns the request info carried by ctx.
func RequestInfoFromContext(ctx context.Context) RequestInfo {
	ri, _ := ctx.Value(requestInfoContextKey).(RequestInfo)
	return ri
}

type sessionContextKey struct{}

// NewContextWithSession returns a copy of ctx that carries the session the
// request was made in, so that, say, a password change can end every other
// session but this one.
func NewContextWithSession(ctx context.Context, s *Session) context.Context {
	return context.WithValue(ctx, sessionContextKey{}, s)
}

// SessionFromContext returns the session of ctx, or nil.
func SessionFromContext(ctx context.Context) *Session {
	s, _ := ctx.Value(sessionContextKey{}).(*Session)
	return s
}
