package sqlstore

import (
	"sync"
	"time"

	"github.com/wubu-oss/wubu"
)

// sessionCache keeps, for a moment, the user and session a token was last
// authenticated as, so that a burst of requests with one token (a guard's
// phone polling a pass, a front desk typing into the lookup box) reads the
// sessions and users tables once, not on every request.
//
// An entry lives TTL of the machine's time (it is a cache, not a rule of
// the domain: the session's own idle and absolute limits are checked on
// every hit, on the database's clock). Every change in this process that
// ends sessions or changes a user (sign-out, disabling, a new password, a
// new role or scope) empties the cache after its commit. Another process
// sharing a PostgreSQL database learns of such a change when its entry
// expires: a session ended elsewhere may serve at most TTL longer.
type sessionCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]sessionEntry
}

type sessionEntry struct {
	user  wubu.User
	sess  wubu.Session
	until time.Time
}

// maxCachedSessions bounds the cache: beyond it, it is emptied.
const maxCachedSessions = 10_000

func (c *sessionCache) get(hash string) (*wubu.User, *wubu.Session, bool) {
	if c == nil {
		return nil, nil, false
	}
	c.mu.Lock()
	e, ok := c.m[hash]
	c.mu.Unlock()
	if !ok || time.Now().After(e.until) {
		return nil, nil, false
	}
	// Copies: callers may change what they are given.
	u, s := e.user, e.sess
	return &u, &s, true
}

func (c *sessionCache) put(hash string, u *wubu.User, s *wubu.Session) {
	if c == nil {
		return
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedSessions {
		c.m = map[string]sessionEntry{}
	}
	c.m[hash] = sessionEntry{user: *u, sess: *s, until: time.Now().Add(c.ttl)}
	c.mu.Unlock()
}

// flush empties the cache.
func (c *sessionCache) flush() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

// CacheSessions makes the database keep authenticated sessions for ttl
// (see sessionCache); 0 turns the cache off. Servers turn it on; tests
// leave it off unless they test it. Call it before serving.
func (db *DB) CacheSessions(ttl time.Duration) {
	if ttl <= 0 {
		db.sessions = nil
		return
	}
	db.sessions = &sessionCache{ttl: ttl}
}
