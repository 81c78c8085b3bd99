package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
)

// LocalResourceService implements wubu.LocalResourceService: the
// directory of local services and procedures with their forms (H2).
type LocalResourceService struct {
	db *DB
}

var _ wubu.LocalResourceService = (*LocalResourceService)(nil)

// NewLocalResourceService returns the directory over db.
func NewLocalResourceService(db *DB) *LocalResourceService { return &LocalResourceService{db: db} }

// maxFormFile is the largest form file kept.
const maxFormFile = 5 << 20

// AddLocalResource adds an entry to the directory.
func (s *LocalResourceService) AddLocalResource(ctx context.Context, lr *wubu.LocalResource, file *wubu.LocalResourceFile) error {
	u, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, lr.ProjectID)
	if err != nil {
		return err
	}
	lr.Name, lr.Address, lr.Phone, lr.Note = strings.TrimSpace(lr.Name), strings.TrimSpace(lr.Address), strings.TrimSpace(lr.Phone), strings.TrimSpace(lr.Note)
	switch {
	case !wubu.ValidLocalResourceKind(lr.Kind):
		return wubu.FieldErrorf("kind", wubu.EINVALID, "Choose the section of the directory.")
	case lr.Name == "" || utf8.RuneCountInString(lr.Name) > 80:
		return wubu.FieldErrorf("name", wubu.EINVALID, "Name the entry (at most %d characters).", 80)
	case utf8.RuneCountInString(lr.Address) > 200 || utf8.RuneCountInString(lr.Phone) > 40 || utf8.RuneCountInString(lr.Note) > 2000:
		return wubu.FieldErrorf("note", wubu.EINVALID, "The address, phone or note is too long.")
	case file != nil && (len(file.Data) == 0 || len(file.Data) > maxFormFile):
		return wubu.FieldErrorf("file", wubu.EINVALID, "The form file must hold something and be at most %d MB.", 5)
	}
	var name, ct string
	var data []byte
	if file != nil {
		name, ct, data = path.Base(strings.ReplaceAll(file.Name, "\\", "/")), file.ContentType, file.Data
		if ct == "" {
			ct = "application/octet-stream"
		}
		lr.FileName, lr.FileSize = name, len(data)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	lr.CreatedAt = tx.now
	if lr.ID, err = tx.insert(ctx, `INSERT INTO local_resources (project_id, kind, name, address, phone, note, file_name, content_type, file_data, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, lr.ProjectID, lr.Kind, lr.Name, lr.Address, lr.Phone, lr.Note, name, ct, data, actorID(u), lr.CreatedAt); err != nil {
		return err
	}
	if err := tx.audit(ctx, lr.ProjectID, wubu.ActionCreate, "local_resource", lr.ID, nil, lr); err != nil {
		return err
	}
	return tx.Commit()
}

// FindLocalResources returns the directory by section and name.
func (s *LocalResourceService) FindLocalResources(ctx context.Context, projectID int64) ([]*wubu.LocalResource, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrgView, projectID); err != nil {
		return nil, err
	}
	return localResources(ctx, s.db, projectID)
}

// localResources reads a project's directory, for staff and for the
// buyers' pre-move-in pages.
func localResources(ctx context.Context, db *DB, projectID int64) ([]*wubu.LocalResource, error) {
	rows, err := db.query(ctx, `SELECT id, project_id, kind, name, address, phone, note, file_name, COALESCE(LENGTH(file_data), 0), created_at
		FROM local_resources WHERE project_id = ? ORDER BY kind, name, id`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []*wubu.LocalResource{}
	for rows.Next() {
		lr := &wubu.LocalResource{}
		if err := rows.Scan(&lr.ID, &lr.ProjectID, &lr.Kind, &lr.Name, &lr.Address, &lr.Phone, &lr.Note, &lr.FileName, &lr.FileSize, &lr.CreatedAt); err != nil {
			return nil, err
		}
		list = append(list, lr)
	}
	return list, rows.Err()
}

// LocalResourceForm returns an entry's form file.
func (s *LocalResourceService) LocalResourceForm(ctx context.Context, id int64) (*wubu.LocalResourceFile, error) {
	var projectID int64
	f := &wubu.LocalResourceFile{}
	err := s.db.queryRow(ctx, `SELECT project_id, file_name, content_type, file_data FROM local_resources WHERE id = ?`, id).Scan(&projectID, &f.Name, &f.ContentType, &f.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	} else if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrgView, projectID); err != nil {
		return nil, err
	}
	if f.Name == "" {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return f, nil
}
