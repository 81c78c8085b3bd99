package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/secret"
)

// Residents' ID numbers at rest (issue 12, item 8): persons.id_number and
// tenant_registrations.id_number hold values sealed by the installation's
// keyring (AES-256-GCM, internal/secret), persons.id_hash a keyed hash of
// the number for equality look-ups; secret_keys records the keys the data
// is sealed with and a check value of each, never the keys.

// SetKeys gives the database the keys that seal ID numbers, and says where
// they came from (for messages). Call it before Migrate; without it,
// Migrate reads WUBU_SECRET_KEY or the key file in KeyDir (made on first
// start).
func (db *DB) SetKeys(k *secret.Keyring, source string) {
	db.keys, db.keySource = k, source
}

// NewKeyFile returns the key file Migrate made (on a new database without
// WUBU_SECRET_KEY), or "": the operator must keep a copy of it.
func (db *DB) NewKeyFile() string { return db.newKeyFile }

// Keys returns the keys that seal ID numbers (nil: none given).
func (db *DB) Keys() *secret.Keyring { return db.keys }

// errNoKeys is returned when an ID number is to be sealed without keys.
var errNoKeys = errors.New("no key to seal ID numbers with: set " + secret.EnvVar + " or give the data directory its key file")

// sealID returns an ID number sealed and its keyed hash ("" and "" for
// none).
func (db *DB) sealID(id string) (sealed, hash string, err error) {
	if id == "" {
		return "", "", nil
	}
	if db.keys == nil {
		return "", "", errNoKeys
	}
	return db.keys.Seal(id), db.keys.Hash(id), nil
}

// openID returns a sealed ID number in clear.
func (db *DB) openID(s string) (string, error) {
	if !secret.IsSealed(s) {
		return s, nil
	}
	if db.keys == nil {
		return "", errNoKeys
	}
	return db.keys.Open(s)
}

// idHashes returns the keyed hashes an ID number has under every key, and
// the placeholders to match them: id_hash IN (…).
func (db *DB) idHashes(id string) (string, []any, error) {
	if db.keys == nil {
		return "", nil, errNoKeys
	}
	hs := db.keys.Hashes(id)
	args := make([]any, len(hs))
	for i, h := range hs {
		args[i] = h
	}
	return placeholders(len(hs)), args, nil
}

// sealedID is a scan destination that opens a sealed ID number into dst.
type sealedID struct {
	db  *DB
	dst *string
}

// Scan implements sql.Scanner.
func (s sealedID) Scan(v any) error {
	var raw string
	switch v := v.(type) {
	case nil:
	case string:
		raw = v
	case []byte:
		raw = string(v)
	default:
		return fmt.Errorf("sealed ID number: unexpected %T", v)
	}
	clear, err := s.db.openID(raw)
	*s.dst = clear
	return err
}

// openedID returns the scan destination that opens a sealed ID number
// into dst.
func (db *DB) openedID(dst *string) sql.Scanner { return sealedID{db, dst} }

// keyRecord is a row of secret_keys.
type keyRecord struct{ id, check string }

// checkKeys returns an error naming the first recorded key the keyring
// lacks or holds a different key under, and how to supply it.
func checkKeys(records []keyRecord, keys *secret.Keyring, source string) error {
	for _, r := range records {
		if keys == nil {
			return fmt.Errorf("the residents' ID numbers are sealed with key %s, and no key is given: set %s to the installation's keys, or put its key file (%s) in the data directory", r.id, secret.EnvVar, secret.FileName)
		}
		check, ok := keys.Check(r.id)
		if !ok {
			return fmt.Errorf("the residents' ID numbers are sealed with key %s, which the keys of %s do not hold (they hold %s): set %s to the installation's keys, or put its key file (%s) in the data directory",
				r.id, source, strings.Join(keys.IDs(), ", "), secret.EnvVar, secret.FileName)
		}
		if check != r.check {
			return fmt.Errorf("key %s of %s is not the key the residents' ID numbers are sealed with: its check value differs", r.id, source)
		}
	}
	return nil
}

func readKeyRecords(ctx context.Context, q rowQuerier, rebind func(string) string) ([]keyRecord, error) {
	rows, err := q.QueryContext(ctx, rebind(`SELECT key_id, check_value FROM secret_keys ORDER BY key_id`))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []keyRecord
	for rows.Next() {
		var r keyRecord
		if err := rows.Scan(&r.id, &r.check); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// setupKeys runs after the migrations: it finds the keys if none were
// given, refuses keys that do not match the ones the data is sealed with,
// records the current key, and seals the ID numbers written in clear
// (before encryption existed, or by an older version).
func (db *DB) setupKeys(ctx context.Context) error {
	records, err := readKeyRecords(ctx, db.write, db.rebind)
	if err != nil {
		return fmt.Errorf("read key records: %w", err)
	}
	if db.keys == nil {
		dir := db.KeyDir
		if dir == "" && db.Dialect == SQLite {
			dir = filepath.Dir(SQLitePath(db.DSN))
		}
		keys, src, err := secret.Load(dir, dir != "" && len(records) == 0)
		switch {
		case errors.Is(err, secret.ErrNoKeyFile) && dir == "" && len(records) == 0:
			return nil // PostgreSQL opened bare (a tool, a test): nothing to seal with
		case err != nil:
			return err
		}
		db.SetKeys(keys, src.String())
		if src.Created {
			db.newKeyFile = src.File
		}
	}
	if err := checkKeys(records, db.keys, db.keySource); err != nil {
		return err
	}
	cur := db.keys.CurrentID()
	recorded := false
	for _, r := range records {
		recorded = recorded || r.id == cur
	}
	if !recorded {
		check, _ := db.keys.Check(cur)
		if _, err := db.write.ExecContext(ctx, db.rebind(`INSERT INTO secret_keys (key_id, check_value, created_at) VALUES (?, ?, ?)`), cur, check, db.now()); err != nil {
			return fmt.Errorf("record key: %w", err)
		}
	}
	n, err := db.resealIDs(ctx, `NOT LIKE '`+secret.Prefix+`%'`)
	if err != nil || n == 0 {
		return err
	}
	// The values in clear are gone from the rows, not yet from the pages
	// that held them: rewrite the files. Best effort: the rows are sealed
	// either way, and a role that does not own the tables (PostgreSQL's
	// application role) may not rewrite them; "wubu migrate" as the owner
	// does.
	vacuum := []string{`VACUUM`, `PRAGMA wal_checkpoint(TRUNCATE)`}
	if db.Dialect == Postgres {
		vacuum = []string{`VACUUM FULL persons`, `VACUUM FULL tenant_registrations`, `VACUUM FULL renovation_workers`}
	}
	for _, q := range vacuum {
		db.write.ExecContext(ctx, q)
	}
	return nil
}

// sealedTables hold sealed ID numbers: residents, tenant registrations and
// renovation workers (all but tenant_registrations with their keyed hash).
var sealedTables = []string{"persons", "tenant_registrations", "renovation_workers"}

// resealIDs seals again, with the current key, the ID numbers of persons
// and tenant registrations whose stored value matches the LIKE condition,
// a thousand rows a transaction, and returns how many it sealed.
func (db *DB) resealIDs(ctx context.Context, cond string) (int, error) {
	n := 0
	for _, table := range sealedTables {
		for {
			m, err := db.resealBatch(ctx, table, cond)
			if err != nil {
				return n, fmt.Errorf("seal ID numbers of %s: %w", table, err)
			}
			n += m
			if m == 0 {
				break
			}
		}
	}
	return n, nil
}

func (db *DB) resealBatch(ctx context.Context, table, cond string) (int, error) {
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT id, id_number FROM `+table+` WHERE id_number <> '' AND id_number `+cond+` ORDER BY id LIMIT 1000`)
	if err != nil {
		return 0, err
	}
	type row struct {
		id    int64
		clear string
	}
	var batch []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, db.openedID(&r.clear)); err != nil {
			rows.Close()
			return 0, err
		}
		batch = append(batch, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, r := range batch {
		sealed, hash, err := db.sealID(r.clear)
		if err != nil {
			return 0, err
		}
		if table != "tenant_registrations" {
			_, err = tx.exec(ctx, `UPDATE `+table+` SET id_number = ?, id_hash = ? WHERE id = ?`, sealed, hash, r.id)
		} else {
			_, err = tx.exec(ctx, `UPDATE `+table+` SET id_number = ? WHERE id = ?`, sealed, r.id)
		}
		if err != nil {
			return 0, err
		}
	}
	return len(batch), tx.Commit()
}

// ReencryptIDNumbers seals every ID number again with the current key (a
// key rotation: the new key first, the old ones kept for opening), then
// forgets the records of the keys no longer in use, and audits it. It
// returns how many values it sealed again.
func (db *DB) ReencryptIDNumbers(ctx context.Context) (int, error) {
	if db.keys == nil {
		return 0, errNoKeys
	}
	cur := db.keys.CurrentID()
	n, err := db.resealIDs(ctx, `NOT LIKE '`+secret.Prefix+cur+`:%'`)
	if err != nil {
		return n, err
	}
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return n, err
	}
	defer tx.Rollback()
	if _, err := tx.exec(ctx, `DELETE FROM secret_keys WHERE key_id <> ?`, cur); err != nil {
		return n, err
	}
	if err := tx.audit(ctx, 0, wubu.ActionUpdate, "secret_key", cur, nil, map[string]any{"values": n}); err != nil {
		return n, err
	}
	return n, tx.Commit()
}

// SQLitePath returns the file of an SQLite DSN.
func SQLitePath(dsn string) string {
	path := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	return path
}

// KeyUse is how many sealed values a key holds in the database, and
// whether the database records it (its data needs it).
type KeyUse struct {
	KeyID    string
	Values   int
	Recorded bool
}

// KeysInUse lists the keys the database's ID numbers are sealed with and
// the keys it records, with the values each seals.
func (db *DB) KeysInUse(ctx context.Context) ([]KeyUse, error) {
	records, err := readKeyRecords(ctx, db.write, db.rebind)
	if err != nil {
		return nil, err
	}
	byID := map[string]*KeyUse{}
	var out []*KeyUse
	use := func(id string) *KeyUse {
		if byID[id] == nil {
			byID[id] = &KeyUse{KeyID: id}
			out = append(out, byID[id])
		}
		return byID[id]
	}
	for _, r := range records {
		use(r.id).Recorded = true
	}
	for _, table := range sealedTables {
		rows, err := db.write.QueryContext(ctx, `SELECT id_number FROM `+table+` WHERE id_number <> ''`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return nil, err
			}
			use(secret.KeyID(v)).Values++ // "": in clear
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	res := make([]KeyUse, len(out))
	for i, u := range out {
		res[i] = *u
	}
	return res, nil
}
