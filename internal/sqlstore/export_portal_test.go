package sqlstore

import (
	"context"
	"encoding/json"
	"time"
)

// PortalCodeSent returns the last sign-in code queued for a number in the
// outbox, and when it leaves: what the resident's SMS says.
func PortalCodeSent(ctx context.Context, db *DB, phone string) (code string, notBefore time.Time, err error) {
	var vars string
	err = db.queryRow(ctx, `SELECT vars, not_before FROM outbox WHERE kind = 'portal_code' AND address = ? ORDER BY id DESC LIMIT 1`, phone).Scan(&vars, &notBefore)
	if err != nil {
		return "", notBefore, err
	}
	var v map[string]string
	if err := json.Unmarshal([]byte(vars), &v); err != nil {
		return "", notBefore, err
	}
	return v["code"], notBefore, nil
}
