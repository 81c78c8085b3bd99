package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/auth"
	"github.com/wubu-oss/wubu/internal/cnformat"
)

// PortalAuth implements wubu.PortalAuth: residents' sign-in to the portal
// by mobile number and a one-time code sent through the outbox's SMS
// channel, and the portal's sessions.
type PortalAuth struct {
	db *DB
	// AddressFree is how many codes one address asks for in an hour
	// before each further one waits (wubu.PortalAddressFree; tests lower
	// it).
	AddressFree int
	newCode     func() (string, error)
	// account is the portal's account, once known.
	account atomic.Int64
}

var _ wubu.PortalAuth = (*PortalAuth)(nil)

// NewPortalAuth returns the portal's sign-in over db.
func NewPortalAuth(db *DB) *PortalAuth {
	return &PortalAuth{db: db, AddressFree: wubu.PortalAddressFree, newCode: randomCode}
}

// Messages of the portal's sign-in.
const (
	msgPortalPhone       = "Enter your 11-digit mobile number."
	msgPortalUnknown     = "This number is not registered with a service centre: ask your service centre to register this number."
	msgPortalPlaceholder = "This number is a placeholder on the register, not yours: ask your service centre to register your own number."
	msgPortalTooMany     = "At most %d codes an hour are sent to one number: try again after %s."
	msgPortalCodeFormat  = "Enter the 6-digit code from the SMS."
	msgPortalCodeWrong   = "The code is wrong: check the SMS, or ask for a new code."
	msgPortalCodeUsed    = "This code has been used already: ask for a new code."
	msgPortalCodeExpired = "This code has expired: ask for a new code."
	msgPortalEnded       = "Your session has ended. Please sign in again."
)

// randomCode returns a random code of wubu.PortalCodeDigits digits.
func randomCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("sign-in code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// codeHash is how a code is stored: only a hash, bound to its number.
func codeHash(phone, code string) string { return auth.HashToken(phone + ":" + code) }

// placeholderPhone reports whether a number is a known placeholder of
// resident lists (18999999999 and the like): the values the import reads
// as empty, and numbers whose last eight digits are all one digit.
func placeholderPhone(p string) bool {
	if placeholderValues[p] {
		return true
	}
	if len(p) != 11 {
		return false
	}
	return strings.Count(p[3:], p[3:4]) == 8
}

// portalPhone normalises a number typed by a resident.
func portalPhone(s string) (string, error) {
	p, err := cnformat.NormalizeMobile(strings.TrimSpace(s))
	if err != nil {
		return "", wubu.FieldErrorf("phone", wubu.EINVALID, msgPortalPhone)
	}
	if placeholderPhone(p) {
		return "", wubu.FieldErrorf("phone", wubu.EINVALID, msgPortalPlaceholder)
	}
	return p, nil
}

// candidates returns the persons registered with a number who live in a
// home (a household not moved out), each with their rooms.
func portalCandidates(ctx context.Context, q rowQuerier, db *DB, phone string) ([]*wubu.PortalCandidate, error) {
	rows, err := q.QueryContext(ctx, db.rebind(`SELECT p.project_id, p.id, p.name, pr.name, r.label, h.relation
		FROM person_phones pp
		JOIN persons p ON p.project_id = pp.project_id AND p.id = pp.person_id
		JOIN projects pr ON pr.id = p.project_id
		JOIN households h ON h.project_id = p.project_id AND h.person_id = p.id AND h.move_out = ''
		JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
		WHERE pp.phone = ?
		ORDER BY p.project_id, p.id, r.label`), phone)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.PortalCandidate
	for rows.Next() {
		var c wubu.PortalCandidate
		var label string
		var rel wubu.Relation
		if err := rows.Scan(&c.ProjectID, &c.PersonID, &c.Name, &c.ProjectName, &label, &rel); err != nil {
			return nil, err
		}
		if n := len(out); n > 0 && out[n-1].PersonID == c.PersonID && out[n-1].ProjectID == c.ProjectID {
			out[n-1].Rooms = append(out[n-1].Rooms, label+" "+string(rel))
			continue
		}
		c.Rooms = []string{label + " " + string(rel)}
		out = append(out, &c)
	}
	return out, rows.Err()
}

// RequestCode sends a sign-in code to a registered number.
func (s *PortalAuth) RequestCode(ctx context.Context, phone string) (*wubu.PortalCodeSent, error) {
	p, err := portalPhone(phone)
	if err != nil {
		return nil, err
	}
	cands, err := portalCandidates(ctx, s.db.reader(), s.db, p)
	if err != nil {
		return nil, err
	}
	if len(cands) == 0 {
		return nil, wubu.FieldErrorf("phone", wubu.EINVALID, msgPortalUnknown)
	}
	ip := wubu.RequestInfoFromContext(ctx).IP
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// The number's and the address's rows are locked until the commit, so
	// parallel requests are counted one after another.
	for _, key := range []string{"phone:" + p, "ip:" + ip} {
		if _, err := tx.exec(ctx, `INSERT INTO portal_throttle (key, last_at) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET last_at = excluded.last_at`, key, tx.now); err != nil {
			return nil, err
		}
	}
	since := tx.now.Add(-time.Hour)
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM portal_codes WHERE phone = ? AND created_at > ?`, p, since).Scan(&n); err != nil {
		return nil, err
	}
	if n >= wubu.PortalCodesPerHour {
		var oldest time.Time
		if err := tx.queryRow(ctx, `SELECT created_at FROM portal_codes WHERE phone = ? AND created_at > ? ORDER BY created_at LIMIT 1`, p, since).Scan(&oldest); err != nil {
			return nil, err
		}
		next := oldest.Add(time.Hour)
		return nil, wubu.FieldErrorf("phone", wubu.ETOOMANYREQUEST, msgPortalTooMany, wubu.PortalCodesPerHour, next.In(china).Format("15:04"))
	}
	var fromIP int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM portal_codes WHERE ip = ? AND created_at > ?`, ip, since).Scan(&fromIP); err != nil {
		return nil, err
	}
	// An address that asks for many codes is slowed, never refused: a
	// whole estate may sit behind one address.
	sendAt := tx.now.Add(wubu.PortalAddressDelay(fromIP+1, s.AddressFree))
	code, err := s.newCode()
	if err != nil {
		return nil, err
	}
	expires := sendAt.Add(wubu.PortalCodeTTL)
	id, err := tx.insert(ctx, `INSERT INTO portal_codes (phone, code_hash, ip, created_at, send_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		p, codeHash(p, code), ip, tx.now, sendAt, expires)
	if err != nil {
		return nil, err
	}
	n1 := wubu.Notification{ProjectID: cands[0].ProjectID, Kind: "portal_code", Channel: wubu.ChannelSMS, To: wubu.Recipient{Address: p}, Urgent: true,
		Vars:     map[string]string{"code": code, "minutes": strconv.Itoa(int(wubu.PortalCodeTTL / time.Minute))},
		DedupKey: "portal_code:" + strconv.FormatInt(id, 10), ObjectType: "portal_code", ObjectID: strconv.FormatInt(id, 10)}
	if sendAt.After(tx.now) {
		n1.NotBefore = sendAt
	}
	if err := tx.notify(ctx, []wubu.Notification{n1}); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return &wubu.PortalCodeSent{Phone: cnformat.MaskPhone(p), SendAt: sendAt, ExpiresAt: expires}, nil
}

// VerifyCode checks a code and starts a portal session.
func (s *PortalAuth) VerifyCode(ctx context.Context, phone, code string) (string, []*wubu.PortalCandidate, error) {
	p, err := portalPhone(phone)
	if err != nil {
		return "", nil, err
	}
	code = strings.TrimSpace(code)
	if len(code) != wubu.PortalCodeDigits || strings.Trim(code, "0123456789") != "" {
		return "", nil, wubu.FieldErrorf("code", wubu.EINVALID, msgPortalCodeFormat)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return "", nil, err
	}
	defer tx.Rollback()
	var id int64
	var expires time.Time
	var used sql.NullTime
	var tries int
	err = tx.queryRow(ctx, `SELECT id, expires_at, used_at, tries FROM portal_codes WHERE phone = ? AND code_hash = ? ORDER BY id DESC LIMIT 1`,
		p, codeHash(p, code)).Scan(&id, &expires, &used, &tries)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// A wrong code counts against every live code of the number: after
		// PortalCodeTries wrong ones, none of them works any more.
		if _, err := tx.exec(ctx, `UPDATE portal_codes SET tries = tries + 1 WHERE phone = ? AND used_at IS NULL AND expires_at > ?`, p, tx.now); err != nil {
			return "", nil, err
		}
		if err := tx.Commit(); err != nil {
			return "", nil, err
		}
		return "", nil, wubu.FieldErrorf("code", wubu.EINVALID, msgPortalCodeWrong)
	case err != nil:
		return "", nil, err
	case used.Valid:
		return "", nil, wubu.FieldErrorf("code", wubu.EINVALID, msgPortalCodeUsed)
	case !tx.now.Before(expires):
		return "", nil, wubu.FieldErrorf("code", wubu.EINVALID, msgPortalCodeExpired)
	case tries >= wubu.PortalCodeTries:
		return "", nil, wubu.FieldErrorf("code", wubu.EINVALID, msgPortalCodeWrong)
	}
	// One use: the first verification marks the code; a parallel one finds
	// it used.
	res, err := tx.exec(ctx, `UPDATE portal_codes SET used_at = ? WHERE id = ? AND used_at IS NULL`, tx.now, id)
	if err != nil {
		return "", nil, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return "", nil, wubu.FieldErrorf("code", wubu.EINVALID, msgPortalCodeUsed)
	}
	cands, err := portalCandidates(ctx, tx, s.db, p)
	if err != nil {
		return "", nil, err
	}
	if len(cands) == 0 {
		return "", nil, wubu.FieldErrorf("phone", wubu.EINVALID, msgPortalUnknown)
	}
	token, err := auth.NewToken()
	if err != nil {
		return "", nil, err
	}
	var project, person *int64
	if len(cands) == 1 {
		project, person = &cands[0].ProjectID, &cands[0].PersonID
	}
	ri := wubu.RequestInfoFromContext(ctx)
	if _, err := tx.exec(ctx, `INSERT INTO portal_sessions (token_hash, phone, project_id, person_id, created_at, last_seen, expires_at, ip, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, auth.HashToken(token), p, project, person, tx.now, tx.now, tx.now.Add(wubu.PortalSessionAge), ri.IP, truncate(ri.UserAgent, 200)); err != nil {
		return "", nil, err
	}
	e := &wubu.AuditEntry{Action: wubu.ActionLogin, ObjectType: "portal", ObjectID: cnformat.MaskPhone(p), Login: "resident:" + cnformat.MaskPhone(p)}
	if person != nil {
		e.ProjectID, e.Login = project, "resident:"+strconv.FormatInt(*person, 10)
	}
	if err := tx.writeAudit(ctx, e); err != nil {
		return "", nil, err
	}
	return token, cands, tx.Commit()
}

// portalSession is a portal session's row.
type portalSession struct {
	id        int64
	phone     string
	projectID sql.NullInt64
	personID  sql.NullInt64
	lastSeen  time.Time
	expires   time.Time
}

// session reads the live session of a token; an expired one is ended.
func (s *PortalAuth) session(ctx context.Context, token string) (*portalSession, error) {
	ended := wubu.Errorf(wubu.EUNAUTHORIZED, msgPortalEnded)
	if token == "" {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	var ps portalSession
	err := s.db.queryRow(ctx, `SELECT id, phone, project_id, person_id, last_seen, expires_at FROM portal_sessions WHERE token_hash = ?`, auth.HashToken(token)).
		Scan(&ps.id, &ps.phone, &ps.projectID, &ps.personID, &ps.lastSeen, &ps.expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ended
	} else if err != nil {
		return nil, err
	}
	if !s.db.now().Before(ps.expires) {
		if _, err := s.db.write.ExecContext(ctx, s.db.rebind(`DELETE FROM portal_sessions WHERE id = ?`), ps.id); err != nil {
			return nil, err
		}
		return nil, ended
	}
	return &ps, nil
}

// Choose makes the session that of one of the number's persons.
func (s *PortalAuth) Choose(ctx context.Context, token string, personID int64) error {
	ps, err := s.session(ctx, token)
	if err != nil {
		return err
	}
	cands, err := portalCandidates(ctx, s.db.reader(), s.db, ps.phone)
	if err != nil {
		return err
	}
	for _, c := range cands {
		if c.PersonID == personID {
			_, err := s.db.write.ExecContext(ctx, s.db.rebind(`UPDATE portal_sessions SET project_id = ?, person_id = ? WHERE id = ?`), c.ProjectID, c.PersonID, ps.id)
			s.db.portalSessions.flush()
			return err
		}
	}
	return wubu.Errorf(wubu.ENOTFOUND, "Not found.")
}

// Candidates returns the persons registered with the session's number.
func (s *PortalAuth) Candidates(ctx context.Context, token string) ([]*wubu.PortalCandidate, error) {
	ps, err := s.session(ctx, token)
	if err != nil {
		return nil, err
	}
	return portalCandidates(ctx, s.db.reader(), s.db, ps.phone)
}

// Authenticate returns the resident of a live session. A resident whose
// number was taken off their record, or who moved out of every home, is
// signed out.
func (s *PortalAuth) Authenticate(ctx context.Context, token string) (*wubu.PortalIdentity, error) {
	hash := auth.HashToken(token)
	if c, ok := s.db.portalSessions.get(hash); ok && token != "" {
		if now := s.db.now(); now.Before(c.expires) && now.Sub(c.lastSeen) < sessionTouchEvery {
			return c.identity(), nil
		}
	}
	ps, err := s.session(ctx, token)
	if err != nil {
		return nil, err
	}
	id := &wubu.PortalIdentity{SessionID: ps.id, Phone: ps.phone}
	if !ps.personID.Valid {
		return id, nil
	}
	if id.AccountID, err = s.portalAccount(ctx); err != nil {
		return nil, err
	}
	id.PersonID, id.ProjectID = ps.personID.Int64, ps.projectID.Int64
	err = s.db.queryRow(ctx, `SELECT p.name, pr.name FROM persons p JOIN projects pr ON pr.id = p.project_id
		JOIN person_phones pp ON pp.project_id = p.project_id AND pp.person_id = p.id AND pp.phone = ?
		WHERE p.project_id = ? AND p.id = ?`, ps.phone, id.ProjectID, id.PersonID).Scan(&id.Name, &id.ProjectName)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, s.end(ctx, ps.id)
	} else if err != nil {
		return nil, err
	}
	if id.Homes, err = portalHomes(ctx, s.db, id.ProjectID, id.PersonID); err != nil {
		return nil, err
	}
	if len(id.Homes) == 0 {
		return nil, s.end(ctx, ps.id)
	}
	if now := s.db.now(); now.Sub(ps.lastSeen) >= sessionTouchEvery {
		if _, err := s.db.write.ExecContext(ctx, s.db.rebind(`UPDATE portal_sessions SET last_seen = ? WHERE id = ?`), now, ps.id); err != nil {
			return nil, err
		}
		ps.lastSeen = now
	}
	c := portalCached{id: *id, expires: ps.expires, lastSeen: ps.lastSeen}
	s.db.portalSessions.put(hash, c)
	return c.identity(), nil
}

// portalCached is a resident's session as the session cache keeps it.
type portalCached struct {
	id                wubu.PortalIdentity
	expires, lastSeen time.Time
}

// identity returns a copy of the cached identity, homes included.
func (c portalCached) identity() *wubu.PortalIdentity {
	id := c.id
	id.Homes = make([]*wubu.PortalHome, len(c.id.Homes))
	for i, h := range c.id.Homes {
		home := *h
		id.Homes[i] = &home
	}
	return &id
}

// portalLogin is the login of the account the portal's steps are recorded
// under: disabled, with no password and no project, so no one signs in
// with it; a staff login cannot contain ':'.
const portalLogin = "portal:residents"

// portalAccount returns the portal's account, creating it on first use.
func (s *PortalAuth) portalAccount(ctx context.Context) (int64, error) {
	if id := s.account.Load(); id != 0 {
		return id, nil
	}
	var id int64
	err := s.db.queryRow(ctx, `SELECT id FROM users WHERE login = ?`, portalLogin).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		now := s.db.now()
		if _, err := s.db.write.ExecContext(ctx, s.db.rebind(`INSERT INTO users (login, name, role, post, password_hash, disabled, created_at, updated_at)
			VALUES (?, ?, ?, ?, '!', ?, ?, ?) ON CONFLICT (login) DO NOTHING`), portalLogin, "住户自助", wubu.RoleStaff, wubu.PostNone, true, now, now); err != nil {
			return 0, fmt.Errorf("portal account: %w", err)
		}
		err = s.db.write.QueryRowContext(ctx, s.db.rebind(`SELECT id FROM users WHERE login = ?`), portalLogin).Scan(&id)
	}
	if err != nil {
		return 0, fmt.Errorf("portal account: %w", err)
	}
	s.account.Store(id)
	return id, nil
}

// end ends a session that no longer stands and says so.
func (s *PortalAuth) end(ctx context.Context, id int64) error {
	if _, err := s.db.write.ExecContext(ctx, s.db.rebind(`DELETE FROM portal_sessions WHERE id = ?`), id); err != nil {
		return err
	}
	return wubu.Errorf(wubu.EUNAUTHORIZED, msgPortalEnded)
}

// portalHomes returns a person's households not moved out.
func portalHomes(ctx context.Context, db *DB, projectID, personID int64) ([]*wubu.PortalHome, error) {
	rows, err := db.query(ctx, `SELECT h.id, h.room_id, r.label, r.building_id, h.relation FROM households h
		JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
		WHERE h.project_id = ? AND h.person_id = ? AND h.move_out = '' ORDER BY r.label`, projectID, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.PortalHome
	for rows.Next() {
		h := &wubu.PortalHome{}
		if err := rows.Scan(&h.HouseholdID, &h.RoomID, &h.RoomLabel, &h.BuildingID, &h.Relation); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// Logout ends the session of the token.
func (s *PortalAuth) Logout(ctx context.Context, token string) error {
	_, err := s.db.write.ExecContext(ctx, s.db.rebind(`DELETE FROM portal_sessions WHERE token_hash = ?`), auth.HashToken(token))
	s.db.portalSessions.flush()
	return err
}

// resident returns the signed-in resident of ctx.
func portalResident(ctx context.Context) (*wubu.PortalIdentity, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermPortal, 0); err != nil {
		return nil, err
	}
	id := wubu.PortalIdentityFromContext(ctx)
	if id == nil || id.PersonID == 0 {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	return id, nil
}

// sessionsOf lists a person's portal sessions.
func (s *PortalAuth) sessionsOf(ctx context.Context, projectID, personID, current int64) ([]*wubu.PortalSession, error) {
	rows, err := s.db.query(ctx, `SELECT id, created_at, last_seen, expires_at, ip, user_agent FROM portal_sessions
		WHERE project_id = ? AND person_id = ? AND expires_at > ? ORDER BY last_seen DESC`, projectID, personID, s.db.now())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.PortalSession
	for rows.Next() {
		ps := &wubu.PortalSession{}
		if err := rows.Scan(&ps.ID, &ps.CreatedAt, &ps.LastSeen, &ps.ExpiresAt, &ps.IP, &ps.UserAgent); err != nil {
			return nil, err
		}
		ps.Current = ps.ID == current
		out = append(out, ps)
	}
	return out, rows.Err()
}

// Sessions lists the signed-in resident's devices.
func (s *PortalAuth) Sessions(ctx context.Context) ([]*wubu.PortalSession, error) {
	id, err := portalResident(ctx)
	if err != nil {
		return nil, err
	}
	return s.sessionsOf(ctx, id.ProjectID, id.PersonID, id.SessionID)
}

// EndSession ends one of the resident's own sessions.
func (s *PortalAuth) EndSession(ctx context.Context, sessionID int64) error {
	id, err := portalResident(ctx)
	if err != nil {
		return err
	}
	res, err := s.db.write.ExecContext(ctx, s.db.rebind(`DELETE FROM portal_sessions WHERE id = ? AND project_id = ? AND person_id = ?`), sessionID, id.ProjectID, id.PersonID)
	s.db.portalSessions.flush()
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return nil
}

// EndSessions ends every session of the resident but the current one.
func (s *PortalAuth) EndSessions(ctx context.Context) error {
	id, err := portalResident(ctx)
	if err != nil {
		return err
	}
	_, err = s.db.write.ExecContext(ctx, s.db.rebind(`DELETE FROM portal_sessions WHERE project_id = ? AND person_id = ? AND id <> ?`), id.ProjectID, id.PersonID, id.SessionID)
	s.db.portalSessions.flush()
	return err
}

// personProject returns the project of a person after checking the caller
// may perform perm there; another project's person is not found.
func personProject(ctx context.Context, db *DB, perm wubu.Permission, personID int64) (int64, error) {
	if _, err := wubu.Authorize(ctx, perm, 0); err != nil {
		return 0, err
	}
	var project int64
	err := db.queryRow(ctx, `SELECT project_id FROM persons WHERE id = ?`, personID).Scan(&project)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, wubu.Errorf(wubu.ENOTFOUND, "Resident not found.")
	} else if err != nil {
		return 0, err
	}
	if _, err := wubu.Authorize(ctx, perm, project); wubu.ErrorCode(err) == wubu.ENOTFOUND {
		return 0, wubu.Errorf(wubu.ENOTFOUND, "Resident not found.")
	} else if err != nil {
		return 0, err
	}
	return project, nil
}

// PersonSessions lists a resident's portal sessions, for staff.
func (s *PortalAuth) PersonSessions(ctx context.Context, personID int64) ([]*wubu.PortalSession, error) {
	project, err := personProject(ctx, s.db, wubu.PermResidentView, personID)
	if err != nil {
		return nil, err
	}
	return s.sessionsOf(ctx, project, personID, 0)
}

// EndPersonSessions ends every portal session of a resident, for staff.
func (s *PortalAuth) EndPersonSessions(ctx context.Context, personID int64) error {
	project, err := personProject(ctx, s.db, wubu.PermResidentEdit, personID)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.exec(ctx, `DELETE FROM portal_sessions WHERE project_id = ? AND person_id = ?`, project, personID); err != nil {
		return err
	}
	tx.flushSessions = true
	if err := tx.audit(ctx, project, wubu.ActionUpdate, "portal_sessions", personID, nil, map[string]any{"ended": true}); err != nil {
		return err
	}
	return tx.Commit()
}
