package sqlstore

import (
	"context"
	"maps"
	"slices"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
)

// maxImportColumnHeader is the longest header remembered.
const maxImportColumnHeader = 64

// ImportColumns returns the project's remembered column mappings.
func (s *ResidentService) ImportColumns(ctx context.Context, projectID int64) (map[string]wubu.ImportField, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentImport, projectID); err != nil {
		return nil, err
	}
	out := map[string]wubu.ImportField{}
	rows, err := s.db.read.QueryContext(ctx, s.db.rebind(`SELECT header, field FROM import_columns WHERE project_id = ?`), projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var h, f string
		if err := rows.Scan(&h, &f); err != nil {
			return nil, err
		}
		out[h] = wubu.ImportField(f)
	}
	return out, rows.Err()
}

// SaveImportColumns remembers the project's column mappings.
func (s *ResidentService) SaveImportColumns(ctx context.Context, projectID int64, cols map[string]wubu.ImportField) error {
	u, err := wubu.Authorize(ctx, wubu.PermResidentImport, projectID)
	if err != nil {
		return err
	}
	if len(cols) == 0 {
		return nil
	}
	for h, f := range cols {
		if h == "" || utf8.RuneCountInString(h) > maxImportColumnHeader {
			return wubu.Errorf(wubu.EINVALID, "A column header must be 1 to %d characters.", maxImportColumnHeader)
		}
		if !f.Mappable() {
			return wubu.Errorf(wubu.EINVALID, "Field %q is not one a column can hold.", string(f))
		}
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var by any
	if u != nil && u.ID != 0 {
		by = u.ID
	}
	headers := slices.Sorted(maps.Keys(cols))
	for _, h := range headers {
		if _, err := tx.exec(ctx, `INSERT INTO import_columns (project_id, header, field, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (project_id, header) DO UPDATE SET field = excluded.field, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			projectID, h, string(cols[h]), tx.now, by); err != nil {
			return err
		}
	}
	if err := tx.audit(ctx, projectID, wubu.ActionUpdate, "import_columns", projectID, nil, cols); err != nil {
		return err
	}
	return tx.Commit()
}
