package wubu

import (
	"context"
	"time"
)

// Session lengths: a session ends after IdleTimeout without use, and at the
// latest MaxSessionAge after sign-in. A night shift fits in both.
const (
	IdleTimeout   = 12 * time.Hour
	MaxSessionAge = 7 * 24 * time.Hour
)

// Sign-in throttling: after MaxFailedLogins failures for one login (or from
// one address) within LoginWindow, sign-in is refused until the window
// passes.
const (
	MaxFailedLogins = 5
	LoginWindow     = 15 * time.Minute
	MaxFailedPerIP  = 30
)

// Session is a signed-in browser or API client. Only a hash of its token is
// stored.
type Session struct {
	ID        int64
	UserID    int64
	Kind      string // "web" or "api"
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time
	IP        string
}

// AuthService signs staff in and out.
type AuthService interface {
	// Login checks the credentials and starts a session, returning its
	// token. EUNAUTHORIZED for a wrong login or password (the same answer
	// for both), ETOOMANYREQUEST when throttled. Every attempt is recorded.
	Login(ctx context.Context, login, password, kind string) (token string, u *User, err error)
	// Authenticate returns the user of a live session and extends it.
	// EUNAUTHORIZED if the token is unknown, ended or expired.
	Authenticate(ctx context.Context, token string) (*User, *Session, error)
	// Logout ends the session of the token.
	Logout(ctx context.Context, token string) error
}
