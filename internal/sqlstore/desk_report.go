package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/auth"
)

// DeskReport returns the wait and service times per day and business.
func (s *DeskService) DeskReport(ctx context.Context, projectID int64, from, to string) ([]*wubu.DeskStat, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermReportView, projectID); err != nil {
		return nil, err
	}
	f, err1 := time.ParseInLocation("2006-01-02", from, cst)
	t, err2 := time.ParseInLocation("2006-01-02", to, cst)
	if err1 != nil || err2 != nil || t.Before(f) || t.Sub(f) > 93*24*time.Hour {
		return nil, wubu.FieldErrorf("from", wubu.EINVALID, "Choose a period of at most %d days.", 93)
	}
	rows, err := s.db.query(ctx, `SELECT day, business, state, taken_at, serve_start, serve_end FROM desk_tickets
		WHERE project_id = ? AND day >= ? AND day <= ? ORDER BY day, business`, projectID, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type key struct {
		day string
		b   wubu.DeskBusiness
	}
	stats := map[key]*wubu.DeskStat{}
	var serviced = map[key]int{}
	for rows.Next() {
		var k key
		var state wubu.TicketState
		var taken time.Time
		var start, end sql.NullTime
		if err := rows.Scan(&k.day, &k.b, &state, &taken, &start, &end); err != nil {
			return nil, err
		}
		st := stats[k]
		if st == nil {
			st = &wubu.DeskStat{Day: k.day, Business: k.b}
			stats[k] = st
		}
		st.Tickets++
		if state == wubu.TicketLeft {
			st.Left++
		}
		if start.Valid {
			st.Served++
			w := start.Time.Sub(taken).Minutes()
			st.AvgWaitMin += w
			st.MaxWaitMin = max(st.MaxWaitMin, w)
			if end.Valid {
				serviced[k]++
				st.AvgServiceMin += end.Time.Sub(start.Time).Minutes()
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*wubu.DeskStat, 0, len(stats))
	for k, st := range stats {
		if st.Served > 0 {
			st.AvgWaitMin /= float64(st.Served)
		}
		if n := serviced[k]; n > 0 {
			st.AvgServiceMin /= float64(n)
		}
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Day != out[j].Day {
			return out[i].Day < out[j].Day
		}
		return deskOrder(out[i].Business) < deskOrder(out[j].Business)
	})
	return out, nil
}

func deskOrder(b wubu.DeskBusiness) int {
	for i, x := range wubu.DeskBusinesses {
		if x == b {
			return i
		}
	}
	return len(wubu.DeskBusinesses)
}

// CreateKiosk opens a kiosk of the project's desk.
func (s *DeskService) CreateKiosk(ctx context.Context, projectID int64, name string) (*wubu.DeskKiosk, error) {
	u, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, projectID)
	if err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 40 {
		return nil, wubu.FieldErrorf("name", wubu.EINVALID, "Name the kiosk (at most %d characters).", 40)
	}
	token, err := auth.NewToken()
	if err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := rulesProjectExists(ctx, s.db, projectID); err != nil {
		return nil, err
	}
	k := &wubu.DeskKiosk{ProjectID: projectID, Name: name, CreatedAt: tx.now}
	if k.ID, err = tx.insert(ctx, `INSERT INTO desk_kiosks (project_id, name, token_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
		projectID, name, auth.HashToken(token), u.ID, tx.now); err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, projectID, wubu.ActionCreate, "desk_kiosk", k.ID, nil, k); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	k.Token = token
	return k, nil
}

// RevokeKiosk closes a kiosk's link.
func (s *DeskService) RevokeKiosk(ctx context.Context, projectID, id int64) error {
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, projectID); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.exec(ctx, `UPDATE desk_kiosks SET revoked_at = ? WHERE project_id = ? AND id = ? AND revoked_at IS NULL`, tx.now, projectID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	if err := tx.audit(ctx, projectID, wubu.ActionUpdate, "desk_kiosk", id, nil, map[string]any{"revoked_at": tx.now}); err != nil {
		return err
	}
	return tx.Commit()
}

const kioskColumns = `id, project_id, name, created_at, revoked_at`

func scanKiosk(s interface{ Scan(...any) error }) (*wubu.DeskKiosk, error) {
	k := &wubu.DeskKiosk{}
	err := s.Scan(&k.ID, &k.ProjectID, &k.Name, &k.CreatedAt, &k.RevokedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return k, err
}

// Kiosks lists a project's kiosks, open ones first.
func (s *DeskService) Kiosks(ctx context.Context, projectID int64) ([]*wubu.DeskKiosk, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+kioskColumns+` FROM desk_kiosks WHERE project_id = ? ORDER BY revoked_at IS NOT NULL, id`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.DeskKiosk
	for rows.Next() {
		k, err := scanKiosk(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// KioskByToken returns the open kiosk of a token; it needs no sign-in.
func (s *DeskService) KioskByToken(ctx context.Context, token string) (*wubu.DeskKiosk, error) {
	if token == "" || len(token) > 100 {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return scanKiosk(s.db.queryRow(ctx, `SELECT `+kioskColumns+` FROM desk_kiosks WHERE token_hash = ? AND revoked_at IS NULL`, auth.HashToken(token)))
}
