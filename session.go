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

// Sign-in throttling, counted atomically per login and address together,
// and per address: after MaxFailedLogins failures of one login from one
// address (MaxFailedPerIP from one address, whatever the logins), each
// further attempt waits a delay that doubles with every failure, from
// LoginFirstDelay up to LoginMaxDelay. The right password from another
// address is never held up by someone else's failures. Counts are
// forgotten after LoginWindow without attempts.
const (
	MaxFailedLogins = 5
	MaxFailedPerIP  = 30
	LoginFirstDelay = 30 * time.Second
	LoginMaxDelay   = 15 * time.Minute
	LoginWindow     = time.Hour
)

// LoginDelay returns how long a login waits after its nth failure when
// free failures are allowed without waiting.
func LoginDelay(n, free int) time.Duration {
	if n < free {
		return 0
	}
	d := LoginFirstDelay
	for i := free; i < n && d < LoginMaxDelay; i++ {
		d *= 2
	}
	return min(d, LoginMaxDelay)
}

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
