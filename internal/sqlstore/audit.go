package sqlstore

import (
	"context"
	"strings"

	"github.com/wubu-oss/wubu"
)

// AuditService implements wubu.AuditService.
type AuditService struct{ db *DB }

// NewAuditService returns an audit service over db.
func NewAuditService(db *DB) *AuditService { return &AuditService{db: db} }

// FindAuditEntries returns entries newest first and the total. Entries of
// projects the caller does not serve are left out; company-wide entries
// (accounts, sign-ins) are shown to admins only, and to others where they
// concern staff of their projects.
func (s *AuditService) FindAuditEntries(ctx context.Context, f wubu.AuditFilter) ([]*wubu.AuditEntry, int, error) {
	var pid int64
	if f.ProjectID != nil {
		pid = *f.ProjectID
	}
	caller, err := wubu.Authorize(ctx, wubu.PermAuditView, pid)
	if err != nil {
		return nil, 0, err
	}
	var where []string
	var args []any
	if !caller.AllProjects() {
		where = append(where, `(project_id IN (SELECT project_id FROM user_projects WHERE user_id = ?)
			OR (project_id IS NULL AND user_id IN (SELECT user_id FROM user_projects WHERE project_id IN (SELECT project_id FROM user_projects WHERE user_id = ?))))`)
		args = append(args, caller.ID, caller.ID)
	}
	if f.ProjectID != nil {
		where, args = append(where, "project_id = ?"), append(args, *f.ProjectID)
	}
	if f.UserID != nil {
		where, args = append(where, "user_id = ?"), append(args, *f.UserID)
	}
	if f.Login != "" {
		where, args = append(where, "login = ?"), append(args, strings.ToLower(strings.TrimSpace(f.Login)))
	}
	if f.ObjectType != "" {
		where, args = append(where, "object_type = ?"), append(args, f.ObjectType)
	}
	if f.ObjectID != "" {
		where, args = append(where, "object_id = ?"), append(args, f.ObjectID)
	}
	if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, f.Action)
	}
	if f.From != nil {
		where, args = append(where, "at >= ?"), append(args, f.From.UTC())
	}
	if f.To != nil {
		where, args = append(where, "at < ?"), append(args, f.To.UTC())
	}
	q := `SELECT id, at, user_id, login, project_id, action, object_type, object_id, field, COALESCE(CAST(before_json AS TEXT), ''), COALESCE(CAST(after_json AS TEXT), ''), ip, COUNT(*) OVER() FROM audit_log`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := s.db.query(ctx, q+` ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*wubu.AuditEntry
	total := 0
	for rows.Next() {
		e := &wubu.AuditEntry{}
		if err := rows.Scan(&e.ID, &e.At, &e.UserID, &e.Login, &e.ProjectID, &e.Action, &e.ObjectType, &e.ObjectID, &e.Field, &e.Before, &e.After, &e.IP, &total); err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// RecordRead records that the caller read a sensitive field.
func (s *AuditService) RecordRead(ctx context.Context, projectID int64, objectType, objectID, field string) error {
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	e := &wubu.AuditEntry{Action: wubu.ActionRead, ObjectType: objectType, ObjectID: objectID, Field: field, ProjectID: &projectID}
	if err := tx.writeAudit(ctx, e); err != nil {
		return err
	}
	return tx.Commit()
}
