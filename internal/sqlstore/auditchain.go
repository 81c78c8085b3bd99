package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/wubu-oss/wubu"
)

// The audit log is tamper-evident: SealAudit chains every committed entry
// to the one sealed before it (audit_chain), and VerifyAudit walks the
// chain and names the first entry that no longer matches. Sealing runs
// after the entries commit, in the order they are found committed, so no
// write waits on a lock of the whole log; what the chain protects is every
// entry sealed so far.

// sealBatch is the most entries one SealAudit transaction seals.
const sealBatch = 5000

// sealWindow is how far below the last sealed entry's id SealAudit looks
// for entries still unsealed: an entry whose transaction committed after
// later ones were sealed.
const sealWindow = 100000

// auditColumns are the columns of an entry that its hash covers.
const auditColumns = `a.id, a.at, a.user_id, a.login, a.project_id, a.action, a.object_type, a.object_id, a.field,
	COALESCE(CAST(a.before_json AS TEXT), ''), COALESCE(CAST(a.after_json AS TEXT), ''), a.ip`

func scanAuditEntry(dst []any, e *wubu.AuditEntry) []any {
	return append(dst, &e.ID, &e.At, &e.UserID, &e.Login, &e.ProjectID, &e.Action, &e.ObjectType, &e.ObjectID, &e.Field, &e.Before, &e.After, &e.IP)
}

// auditHash is the hash of an entry chained to the previous hash: SHA-256
// over the previous hash and the entry's fields as a JSON array.
func auditHash(prev string, e *wubu.AuditEntry) string {
	b, _ := json.Marshal([]any{e.ID, e.At.UTC().Format(time.RFC3339Nano), e.UserID, e.Login, e.ProjectID, e.Action,
		e.ObjectType, e.ObjectID, e.Field, e.Before, e.After, e.IP})
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{'\n'})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// chainHead returns the last sealed link, or the checkpoint the chain
// continues from after a purge (0 and "" for a new chain).
func chainHead(ctx context.Context, q rowQuerier, db *DB) (seq int64, hash string, err error) {
	err = q.QueryRowContext(ctx, db.rebind(`SELECT seq, hash FROM audit_chain ORDER BY seq DESC LIMIT 1`)).Scan(&seq, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		err = q.QueryRowContext(ctx, db.rebind(`SELECT seq, hash FROM audit_checkpoint ORDER BY seq DESC LIMIT 1`)).Scan(&seq, &hash)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, "", nil
		}
	}
	return seq, hash, err
}

// SealAudit chains the committed entries not yet sealed and returns how
// many it sealed. Run it until it returns 0 to seal everything.
func (db *DB) SealAudit(ctx context.Context) (int, error) {
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if db.Dialect == Postgres {
		// One sealer at a time (SQLite's write transaction is one already).
		if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(7211012)`); err != nil {
			return 0, err
		}
	}
	seq, prev, err := chainHead(ctx, tx, db)
	if err != nil {
		return 0, err
	}
	rows, err := tx.query(ctx, `SELECT `+auditColumns+` FROM audit_log a
		WHERE a.id > (SELECT COALESCE(MAX(audit_id), 0) FROM audit_chain) - ?
		AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.audit_id = a.id)
		ORDER BY a.id LIMIT ?`, sealWindow, sealBatch)
	if err != nil {
		return 0, err
	}
	var entries []*wubu.AuditEntry
	for rows.Next() {
		e := &wubu.AuditEntry{}
		if err := rows.Scan(scanAuditEntry(nil, e)...); err != nil {
			rows.Close()
			return 0, err
		}
		entries = append(entries, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, e := range entries {
		seq++
		h := auditHash(prev, e)
		if _, err := tx.exec(ctx, `INSERT INTO audit_chain (seq, audit_id, prev_hash, hash) VALUES (?, ?, ?, ?)`, seq, e.ID, prev, h); err != nil {
			return 0, err
		}
		prev = h
	}
	return len(entries), tx.Commit()
}

// SealAllAudit seals until nothing is left to seal.
func (db *DB) SealAllAudit(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := db.SealAudit(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// AuditVerification is what VerifyAudit found.
type AuditVerification struct {
	// Sealed is the number of links checked; From is the first link's
	// sequence number (after a purge, past the checkpoint).
	Sealed int64
	From   int64
	// HeadSeq and HeadHash are the last link: write them down outside
	// Wubu now and then, so that even a rewritten chain shows.
	HeadSeq  int64
	HeadHash string
	// Unsealed counts entries not yet chained (committed since the last
	// seal, or slipped in behind the chain's back).
	Unsealed int64
	// BrokenAt is the sequence number of the first link that does not
	// hold, BrokenEntry its audit entry's id, and Broken why; 0 and ""
	// when the chain is intact.
	BrokenAt, BrokenEntry int64
	Broken                string
}

// Intact reports whether the chain holds.
func (v *AuditVerification) Intact() bool { return v.Broken == "" }

// VerifyAudit walks the chain from its start (or its checkpoint) and
// reports the first link that does not hold: an entry changed, removed or
// put in another's place, a link removed, or a chain that does not start
// where the checkpoint says.
func (db *DB) VerifyAudit(ctx context.Context) (*AuditVerification, error) {
	v := &AuditVerification{}
	var checkSeq int64
	var checkHash string
	err := db.read.QueryRowContext(ctx, db.rebind(`SELECT seq, hash FROM audit_checkpoint ORDER BY seq DESC LIMIT 1`)).Scan(&checkSeq, &checkHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, db.rebind(`SELECT c.seq, c.audit_id, c.prev_hash, c.hash, a.id IS NOT NULL, `+auditColumnsOrNull+`
		FROM audit_chain c LEFT JOIN audit_log a ON a.id = c.audit_id ORDER BY c.seq`))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	expectSeq, prev := checkSeq+1, checkHash
	first := true
	for rows.Next() {
		var seq, auditID int64
		var prevHash, hash string
		var present bool
		var n nullableEntry
		if err := rows.Scan(append([]any{&seq, &auditID, &prevHash, &hash, &present}, n.dst()...)...); err != nil {
			return nil, err
		}
		if first {
			v.From, first = seq, false
		}
		broken := func(why string) {
			v.BrokenAt, v.BrokenEntry, v.Broken = seq, auditID, why
		}
		switch {
		case seq != expectSeq && seq < checkSeq+1:
			broken("the link lies before the checkpoint the chain continues from")
		case seq != expectSeq:
			broken(fmt.Sprintf("links %d to %d are missing", expectSeq, seq-1))
		case prevHash != prev:
			broken("the link does not continue the one before it")
		case !present:
			broken("the entry has been removed")
		case auditHash(prev, n.entry()) != hash:
			broken("the entry has been changed")
		}
		if v.Broken != "" {
			return v, nil
		}
		v.Sealed++
		v.HeadSeq, v.HeadHash = seq, hash
		expectSeq, prev = seq+1, hash
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if first {
		v.HeadSeq, v.HeadHash = checkSeq, checkHash
	}
	err = db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log a WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.audit_id = a.id)`).Scan(&v.Unsealed)
	return v, err
}

// auditColumnsOrNull are auditColumns read through a LEFT JOIN, where a
// removed entry reads as NULLs.
const auditColumnsOrNull = `a.id, a.at, a.user_id, COALESCE(a.login, ''), a.project_id, COALESCE(a.action, ''), COALESCE(a.object_type, ''), COALESCE(a.object_id, ''), COALESCE(a.field, ''),
	COALESCE(CAST(a.before_json AS TEXT), ''), COALESCE(CAST(a.after_json AS TEXT), ''), COALESCE(a.ip, '')`

// nullableEntry scans an audit entry that may be missing.
type nullableEntry struct {
	id sql.NullInt64
	at sql.NullTime
	e  wubu.AuditEntry
}

func (n *nullableEntry) dst() []any {
	e := &n.e
	return []any{&n.id, &n.at, &e.UserID, &e.Login, &e.ProjectID, &e.Action, &e.ObjectType, &e.ObjectID, &e.Field, &e.Before, &e.After, &e.IP}
}

func (n *nullableEntry) entry() *wubu.AuditEntry {
	n.e.ID, n.e.At = n.id.Int64, n.at.Time
	return &n.e
}
