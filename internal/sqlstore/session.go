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
	now := s.db.now()

	// Throttle: too many recent failures for this login or from this address.
	since := now.Add(-wubu.LoginWindow)
	var byLogin, byIP int
	if err := s.db.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM login_attempts WHERE login = ? AND at > ? AND ok = ?),
		(SELECT COUNT(*) FROM login_attempts WHERE ip = ? AND at > ? AND ok = ?)`,
		login, since, false, ip, since, false).Scan(&byLogin, &byIP); err != nil {
		return "", nil, err
	}
	if byLogin >= wubu.MaxFailedLogins || (ip != "" && byIP >= wubu.MaxFailedPerIP) {
		return "", nil, wubu.Errorf(wubu.ETOOMANYREQUEST, "Too many failed sign-ins. Try again in %d minutes.", int(wubu.LoginWindow/time.Minute))
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
	// Old attempts are of no more use to the throttle.
	if _, err := tx.exec(ctx, `DELETE FROM login_attempts WHERE at < ?`, tx.now.Add(-24*time.Hour)); err != nil {
		return "", nil, err
	}
	return token, u, tx.Commit()
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
	if u, sess, ok := s.db.sessions.get(hash); ok && now.Before(sess.ExpiresAt) && now.Sub(sess.LastSeen) < sessionTouchEvery {
		return u, sess, nil
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
	s.db.sessions.put(hash, u, sess)
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
