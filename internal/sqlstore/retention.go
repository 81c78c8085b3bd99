package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
)

// RetentionService implements wubu.RetentionService.
type RetentionService struct{ db *DB }

// NewRetentionService returns the retention service over db.
func NewRetentionService(db *DB) *RetentionService { return &RetentionService{db: db} }

func (s *RetentionService) load(ctx context.Context, q rowQuerier, projectID int64) (*wubu.RetentionSettings, error) {
	r := &wubu.RetentionSettings{ProjectID: projectID}
	var at time.Time
	err := q.QueryRowContext(ctx, s.db.rebind(`SELECT moved_out_days, outbox_days, sign_in_days, audit_days, photos_days, updated_at FROM retention_settings WHERE project_id = ?`), projectID).
		Scan(&r.MovedOutDays, &r.OutboxDays, &r.SignInDays, &r.AuditDays, &r.PhotosDays, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return wubu.DefaultRetention(projectID), nil
	}
	r.UpdatedAt = &at
	return r, err
}

// Retention returns a project's retention settings.
func (s *RetentionService) Retention(ctx context.Context, projectID int64) (*wubu.RetentionSettings, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrgView, projectID); err != nil {
		return nil, err
	}
	return s.load(ctx, s.db.read, projectID)
}

// SaveRetention changes a project's retention settings.
func (s *RetentionService) SaveRetention(ctx context.Context, r *wubu.RetentionSettings) error {
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, r.ProjectID); err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	before, err := s.load(ctx, tx, r.ProjectID)
	if err != nil {
		return err
	}
	r.Default, r.UpdatedAt = false, &tx.now
	if _, err := tx.exec(ctx, `INSERT INTO retention_settings (project_id, moved_out_days, outbox_days, sign_in_days, audit_days, photos_days, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (project_id) DO UPDATE SET moved_out_days = excluded.moved_out_days, outbox_days = excluded.outbox_days,
		sign_in_days = excluded.sign_in_days, audit_days = excluded.audit_days, photos_days = excluded.photos_days, updated_at = excluded.updated_at`,
		r.ProjectID, r.MovedOutDays, r.OutboxDays, r.SignInDays, r.AuditDays, r.PhotosDays, tx.now); err != nil {
		return err
	}
	if err := tx.audit(ctx, r.ProjectID, wubu.ActionUpdate, "retention", r.ProjectID, before, r); err != nil {
		return err
	}
	return tx.Commit()
}

// retentionActor is who the purge acts as: the system, with no account.
func retentionActor(ctx context.Context) context.Context {
	return wubu.NewContextWithUser(ctx, &wubu.User{ID: 0, Login: "system:retention", Name: "retention", Role: wubu.RoleAdmin, Post: wubu.PostNone})
}

// Purge removes what has passed its time in every project.
func (s *RetentionService) Purge(ctx context.Context) (*wubu.PurgeResult, error) {
	ctx = retentionActor(ctx)
	now := s.db.now()
	rows, err := s.db.query(ctx, `SELECT id FROM projects ORDER BY id`)
	if err != nil {
		return nil, err
	}
	var projects []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		projects = append(projects, id)
	}
	rows.Close()
	total := &wubu.PurgeResult{}
	signInDays, auditDays := 0, 0
	for _, pid := range projects {
		set, err := s.load(ctx, s.db.read, pid)
		if err != nil {
			return nil, err
		}
		signInDays, auditDays = max(signInDays, set.SignInDays), max(auditDays, set.AuditDays)
		res, err := s.purgeProject(ctx, set, now)
		if err != nil {
			return nil, fmt.Errorf("purge project %d: %w", pid, err)
		}
		total.PersonsErased += res.PersonsErased
		total.MessagesEmptied += res.MessagesEmptied
		total.PhotosDeleted += res.PhotosDeleted
	}
	if signInDays == 0 {
		signInDays, auditDays = wubu.DefaultRetention(0).SignInDays, wubu.DefaultRetention(0).AuditDays
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	res, err := tx.exec(ctx, `DELETE FROM login_attempts WHERE at < ?`, now.AddDate(0, 0, -signInDays))
	if err != nil {
		return nil, err
	}
	n, _ := res.RowsAffected()
	total.SignInsDeleted = int(n)
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	if total.AuditPurged, err = s.purgeAudit(ctx, now.AddDate(0, 0, -max(auditDays, wubu.MinAuditDays))); err != nil {
		return nil, err
	}
	if total.SignInsDeleted > 0 || total.AuditPurged > 0 {
		tx, err := s.db.BeginTx(ctx)
		if err != nil {
			return nil, err
		}
		defer tx.Rollback()
		if err := tx.audit(ctx, 0, wubu.ActionDelete, "retention", "company", nil, map[string]int{"sign_ins_deleted": total.SignInsDeleted, "audit_purged": total.AuditPurged}); err != nil {
			return nil, err
		}
		if err := tx.Commit(); err != nil {
			return nil, err
		}
	}
	return total, nil
}

// purgeProject erases residents long moved out, empties old messages and
// deletes old photos of one project, and records it.
func (s *RetentionService) purgeProject(ctx context.Context, set *wubu.RetentionSettings, now time.Time) (*wubu.PurgeResult, error) {
	res := &wubu.PurgeResult{}
	pid := set.ProjectID
	cutoff := now.In(cst).AddDate(0, 0, -set.MovedOutDays).Format(time.DateOnly)
	rows, err := s.db.query(ctx, `SELECT p.id, p.name FROM persons p WHERE p.project_id = ? AND p.name <> ?
		AND EXISTS (SELECT 1 FROM households h WHERE h.project_id = p.project_id AND h.person_id = p.id)
		AND NOT EXISTS (SELECT 1 FROM households h WHERE h.project_id = p.project_id AND h.person_id = p.id AND (h.move_out = '' OR h.move_out >= ?))`,
		pid, wubu.ErasedName, cutoff)
	if err != nil {
		return nil, err
	}
	type person struct {
		id   int64
		name string
	}
	var gone []person
	for rows.Next() {
		var p person
		if err := rows.Scan(&p.id, &p.name); err != nil {
			rows.Close()
			return nil, err
		}
		gone = append(gone, p)
	}
	rows.Close()
	rights := NewResidentRights(s.db)
	for _, p := range gone {
		if err := rights.ErasePerson(ctx, p.id, p.name); err != nil {
			return nil, fmt.Errorf("erase person %d: %w", p.id, err)
		}
	}
	res.PersonsErased = len(gone)

	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	r, err := tx.exec(ctx, `UPDATE outbox SET vars = '{}', address = '' WHERE project_id = ? AND created_at < ? AND status IN (?, ?, ?) AND (vars <> '{}' OR address <> '')`,
		pid, now.AddDate(0, 0, -set.OutboxDays), wubu.MessageSent, wubu.MessageFailed, wubu.MessageSkipped)
	if err != nil {
		return nil, err
	}
	n, _ := r.RowsAffected()
	res.MessagesEmptied = int(n)
	if r, err = tx.exec(ctx, `DELETE FROM photos WHERE project_id = ? AND created_at < ?`, pid, now.AddDate(0, 0, -set.PhotosDays)); err != nil {
		return nil, err
	}
	n, _ = r.RowsAffected()
	res.PhotosDeleted = int(n)
	if res.PersonsErased > 0 || res.MessagesEmptied > 0 || res.PhotosDeleted > 0 {
		if err := tx.audit(ctx, pid, wubu.ActionDelete, "retention", pid, nil, res); err != nil {
			return nil, err
		}
	}
	return res, tx.Commit()
}

// sqliteAuditGuards are the append-only triggers of the audit log on
// SQLite, as the migrations create them.
var sqliteAuditGuards = map[string]string{
	"audit_log_no_update":   `CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END`,
	"audit_log_no_delete":   `CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END`,
	"audit_chain_no_delete": `CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain BEGIN SELECT RAISE(ABORT, 'audit chain is append-only'); END`,
}

// purgeAudit removes the sealed entries older than cutoff from the front
// of the chain, leaving a checkpoint the rest continues from. The guards
// are lifted inside the purge's transaction only; on PostgreSQL that takes
// the tables' owner, so an application role without it leaves the log
// whole (0, nil).
func (s *RetentionService) purgeAudit(ctx context.Context, cutoff time.Time) (int, error) {
	if _, err := s.db.SealAllAudit(ctx); err != nil {
		return 0, err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	// The front of the chain up to the first entry still kept.
	var keepFrom sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT MIN(c.seq) FROM audit_chain c JOIN audit_log a ON a.id = c.audit_id WHERE a.at >= ?`, cutoff).Scan(&keepFrom); err != nil {
		return 0, err
	}
	var last sql.NullInt64
	q := `SELECT MAX(seq) FROM audit_chain`
	args := []any{}
	if keepFrom.Valid {
		q, args = q+` WHERE seq < ?`, append(args, keepFrom.Int64)
	}
	if err := tx.queryRow(ctx, q, args...).Scan(&last); err != nil || !last.Valid {
		return 0, err
	}
	var hash string
	if err := tx.queryRow(ctx, `SELECT hash FROM audit_chain WHERE seq = ?`, last.Int64).Scan(&hash); err != nil {
		return 0, err
	}
	if s.db.Dialect == Postgres {
		if _, err := tx.exec(ctx, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`); err != nil {
			if strings.Contains(err.Error(), "owner") {
				return 0, nil // the application role: the log stays whole
			}
			return 0, err
		}
		if _, err := tx.exec(ctx, `ALTER TABLE audit_chain DISABLE TRIGGER audit_chain_no_change`); err != nil {
			return 0, err
		}
	} else {
		for name := range sqliteAuditGuards {
			if _, err := tx.exec(ctx, `DROP TRIGGER IF EXISTS `+name); err != nil {
				return 0, err
			}
		}
	}
	if _, err := tx.exec(ctx, `INSERT INTO audit_checkpoint (seq, hash, at) VALUES (?, ?, ?)`, last.Int64, hash, tx.now); err != nil {
		return 0, err
	}
	res, err := tx.exec(ctx, `DELETE FROM audit_log WHERE id IN (SELECT audit_id FROM audit_chain WHERE seq <= ?)`, last.Int64)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	if _, err := tx.exec(ctx, `DELETE FROM audit_chain WHERE seq <= ?`, last.Int64); err != nil {
		return 0, err
	}
	if s.db.Dialect == Postgres {
		for _, q := range []string{`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change`, `ALTER TABLE audit_chain ENABLE TRIGGER audit_chain_no_change`} {
			if _, err := tx.exec(ctx, q); err != nil {
				return 0, err
			}
		}
	} else {
		for _, create := range sqliteAuditGuards {
			if _, err := tx.exec(ctx, create); err != nil {
				return 0, err
			}
		}
	}
	return int(n), tx.Commit()
}
