package sqlstore

import (
	"sync"
	"time"

	"github.com/wubu-oss/wubu"
)

// sessionCache keeps, for a moment, who a token was last authenticated as,
// so that a burst of requests with one token (a guard's phone polling a
// pass, a front desk typing into the lookup box, a resident's phone
// opening the portal's pages) reads the sessions tables once, not on every
// request. Staff sessions keep the user and the session; the portal's keep
// the resident's identity with their homes.
//
// An entry lives TTL of the machine's time (it is a cache, not a rule of
// the domain: the session's own idle and absolute limits are checked on
// every hit, on the database's clock). Every change in this process that
// ends sessions or changes a user (sign-out, disabling, a new password, a
// new role or scope; a resident's sign-out, devices ended, a staff member
// ending a resident's sessions) empties the cache after its commit.
// Another process sharing a PostgreSQL database learns of such a change
// when its entry expires: a session ended elsewhere may serve at most TTL
// longer, and so may a resident's home they moved out of.
type sessionCache[V any] struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]cacheEntry[V]
}

type cacheEntry[V any] struct {
	v     V
	until time.Time
}

// staffSession is what a staff member's token is cached as.
type staffSession struct {
	user wubu.User
	sess wubu.Session
}

// maxCachedSessions bounds the cache: beyond it, it is emptied.
const maxCachedSessions = 10_000

// get returns the value of a token's hash, if cached and not expired.
// Values are copied: callers may change what they are given.
func (c *sessionCache[V]) get(hash string) (V, bool) {
	var zero V
	if c == nil {
		return zero, false
	}
	c.mu.Lock()
	e, ok := c.m[hash]
	c.mu.Unlock()
	if !ok || time.Now().After(e.until) {
		return zero, false
	}
	return e.v, true
}

func (c *sessionCache[V]) put(hash string, v V) {
	if c == nil {
		return
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedSessions {
		c.m = map[string]cacheEntry[V]{}
	}
	c.m[hash] = cacheEntry[V]{v: v, until: time.Now().Add(c.ttl)}
	c.mu.Unlock()
}

// flush empties the cache.
func (c *sessionCache[V]) flush() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

// CacheSessions makes the database keep authenticated sessions, staff's
// and residents', for ttl (see sessionCache); 0 turns the cache off.
// Servers turn it on; tests leave it off unless they test it. Call it
// before serving.
func (db *DB) CacheSessions(ttl time.Duration) {
	if ttl <= 0 {
		db.sessions, db.portalSessions = nil, nil
		return
	}
	db.sessions = &sessionCache[staffSession]{ttl: ttl}
	db.portalSessions = &sessionCache[portalCached]{ttl: ttl}
}
