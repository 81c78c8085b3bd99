package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/auth"
)

// AuthService implements wubu.AuthService: sign-in with throttling, and
// server-side sessions kept in the database.
type AuthService struct{ db *DB }

// NewAuthService returns an auth service over db.
func NewAuthService(db *DB) *AuthService { return &AuthService{db: db} }

func currentSessionID(ctx context.Context) int64 {
	if s := wubu.SessionFromContext(ctx); s != nil {
		return s.ID
	}
	return 0
}

// Login checks the credentials and starts a session.
func (s *AuthService) Login(ctx context.Context, login, password, kind string) (string, *wubu.User, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	ip := wubu.RequestInfoFromContext(ctx).IP
	if login == "" || password == "" {
		return "", nil, wubu.Errorf(wubu.EINVALID, "Enter your login and password.")
	}
	if kind != "api" {
		kind = "web"
	}
	// Throttle: the attempt is counted as a failure before the password
	// is checked, in one write, so parallel attempts see each other.
	keys := throttleKeys(login, ip)
	if err := s.reserveAttempt(ctx, keys); err != nil {
		return "", nil, err
	}

	var hash string
	u, err := scanUserWithHash(s.db.queryRow(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE login = ?`, login), &hash)
	ok := err == nil && !u.Disabled && auth.CheckPassword(hash, password)
	if err != nil && wubu.ErrorCode(err) != wubu.ENOTFOUND {
		return "", nil, err
	} else if err != nil {
		auth.WasteTime(password)
	}

	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return "", nil, err
	}
	defer tx.Rollback()
	if _, err := tx.exec(ctx, `INSERT INTO login_attempts (login, ip, at, ok) VALUES (?, ?, ?, ?)`, login, ip, tx.now, ok); err != nil {
		return "", nil, err
	}
	if !ok {
		e := &wubu.AuditEntry{Action: wubu.ActionLoginFailed, ObjectType: "user", ObjectID: login, Login: login}
		if u != nil {
			e.UserID = &u.ID
		}
		if err := tx.writeAudit(ctx, e); err != nil {
			return "", nil, err
		}
		if err := tx.Commit(); err != nil {
			return "", nil, err
		}
		return "", nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Wrong login or password.")
	}
	if err := loadProjects(ctx, s.db, tx, u); err != nil {
		return "", nil, err
	}
	token, err := auth.NewToken()
	if err != nil {
		return "", nil, err
	}
	ri := wubu.RequestInfoFromContext(ctx)
	if _, err := tx.exec(ctx, `INSERT INTO sessions (token_hash, user_id, kind, created_at, last_seen, expires_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		auth.HashToken(token), u.ID, kind, tx.now, tx.now, tx.now.Add(wubu.MaxSessionAge), ri.IP, truncate(ri.UserAgent, 200)); err != nil {
		return "", nil, err
	}
	if err := tx.writeAudit(ctx, &wubu.AuditEntry{Action: wubu.ActionLogin, ObjectType: "user", ObjectID: login, UserID: &u.ID, Login: u.Login}); err != nil {
		return "", nil, err
	}
	// The right password clears the login's count from this address and
	// takes back its provisional failure from the address's.
	if err := releaseAttempt(ctx, tx, keys); err != nil {
		return "", nil, err
	}
	// Old attempts are of no more use.
	if _, err := tx.exec(ctx, `DELETE FROM login_attempts WHERE at < ?`, tx.now.Add(-24*time.Hour)); err != nil {
		return "", nil, err
	}
	return token, u, tx.Commit()
}

// throttleKey is a counter of failed sign-ins and the failures it allows
// before attempts must wait.
type throttleKey struct {
	key  string
	free int
}

// throttleKeys returns the counters an attempt counts against: the login
// from this address, and the address. Failures from one address never hold
// up the right password from another.
func throttleKeys(login, ip string) []throttleKey {
	keys := []throttleKey{{key: "pair:" + login + " " + ip, free: wubu.MaxFailedLogins}}
	if ip != "" {
		keys = append(keys, throttleKey{key: "ip:" + ip, free: wubu.MaxFailedPerIP})
	}
	return keys
}

// reserveAttempt refuses the attempt while any of its counters waits out
// a delay, and otherwise counts it as a failure, setting the delay the
// next attempt waits. Each counter's row is locked by the upsert until the
// commit (SQLite: the write transaction holds the database), so parallel
// attempts are counted one after another.
func (s *AuthService) reserveAttempt(ctx context.Context, keys []throttleKey) error {
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	failures := make([]int, len(keys))
	for i, k := range keys {
		var last, blocked time.Time
		if err := tx.queryRow(ctx, `INSERT INTO login_throttle (key, failures, last_at, blocked_until) VALUES (?, 0, ?, ?)
			ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING failures, last_at, blocked_until`, k.key, tx.now, tx.now).Scan(&failures[i], &last, &blocked); err != nil {
			return err
		}
		if tx.now.Sub(last) > wubu.LoginWindow {
			failures[i] = 0
			continue
		}
		if wait := blocked.Sub(tx.now); wait > 0 {
			if wait < 2*time.Minute {
				return wubu.Errorf(wubu.ETOOMANYREQUEST, "Too many failed sign-ins. Try again in %d seconds.", int((wait+time.Second-1)/time.Second))
			}
			return wubu.Errorf(wubu.ETOOMANYREQUEST, "Too many failed sign-ins. Try again in %d minutes.", int((wait+time.Minute-1)/time.Minute))
		}
	}
	for i, k := range keys {
		n := failures[i] + 1
		if _, err := tx.exec(ctx, `UPDATE login_throttle SET failures = ?, last_at = ?, blocked_until = ? WHERE key = ?`,
			n, tx.now, tx.now.Add(wubu.LoginDelay(n, k.free)), k.key); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// releaseAttempt undoes a successful attempt's provisional failure: the
// login's count from the address starts again; the address's loses one.
func releaseAttempt(ctx context.Context, tx *Tx, keys []throttleKey) error {
	if _, err := tx.exec(ctx, `DELETE FROM login_throttle WHERE key = ?`, keys[0].key); err != nil {
		return err
	}
	for _, k := range keys[1:] {
		if _, err := tx.exec(ctx, `UPDATE login_throttle SET failures = failures - 1 WHERE key = ? AND failures > 0`, k.key); err != nil {
			return err
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func scanUserWithHash(s interface{ Scan(...any) error }, hash *string) (*wubu.User, error) {
	u := &wubu.User{}
	err := s.Scan(&u.ID, &u.Login, &u.Name, &u.Role, &u.Post, &u.Phone, &u.Email, &u.Disabled, &u.Lang, &u.CreatedAt, &u.UpdatedAt, hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Staff member not found.")
	}
	return u, err
}

// sessionTouchEvery limits how often a session's last use is written.
const sessionTouchEvery = time.Minute

// Authenticate returns the user of a live session and extends it.
func (s *AuthService) Authenticate(ctx context.Context, token string) (*wubu.User, *wubu.Session, error) {
	expired := wubu.Errorf(wubu.EUNAUTHORIZED, "Your session has ended. Please sign in again.")
	if token == "" {
		return nil, nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	hash := auth.HashToken(token)
	now := s.db.now()
	if c, ok := s.db.sessions.get(hash); ok && now.Before(c.sess.ExpiresAt) && now.Sub(c.sess.LastSeen) < sessionTouchEvery {
		return &c.user, &c.sess, nil
	}
	sess := &wubu.Session{}
	var disabled bool
	err := s.db.queryRow(ctx, `SELECT s.id, s.user_id, s.kind, s.created_at, s.last_seen, s.expires_at, s.ip, u.disabled
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, hash).
		Scan(&sess.ID, &sess.UserID, &sess.Kind, &sess.CreatedAt, &sess.LastSeen, &sess.ExpiresAt, &sess.IP, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, expired
	} else if err != nil {
		return nil, nil, err
	}
	if disabled || !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeen) >= wubu.IdleTimeout {
		if _, err := s.db.write.ExecContext(ctx, s.db.rebind(`DELETE FROM sessions WHERE id = ?`), sess.ID); err != nil {
			return nil, nil, err
		}
		return nil, nil, expired
	}
	u, err := findUser(ctx, s.db, s.db.reader(), `id = ?`, sess.UserID)
	if err != nil {
		return nil, nil, err
	}
	if now.Sub(sess.LastSeen) >= sessionTouchEvery {
		sess.LastSeen = now
		if _, err := s.db.write.ExecContext(ctx, s.db.rebind(`UPDATE sessions SET last_seen = ? WHERE id = ?`), now, sess.ID); err != nil {
			return nil, nil, err
		}
	}
	s.db.sessions.put(hash, staffSession{user: *u, sess: *sess})
	return u, sess, nil
}

// Logout ends the session of the token.
func (s *AuthService) Logout(ctx context.Context, token string) error {
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var id, uid int64
	err = tx.queryRow(ctx, `SELECT id, user_id FROM sessions WHERE token_hash = ?`, auth.HashToken(token)).Scan(&id, &uid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return err
	}
	tx.flushSessions = true
	if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE id = ?`, id); err != nil {
		return err
	}
	if err := tx.writeAudit(ctx, &wubu.AuditEntry{Action: wubu.ActionLogout, ObjectType: "session", ObjectID: "", UserID: &uid}); err != nil {
		return err
	}
	return tx.Commit()
}
