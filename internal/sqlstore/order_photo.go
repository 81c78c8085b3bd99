package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/wubu-oss/wubu"
)

// AddPhoto adds a photo to an order.
func (s *OrderService) AddPhoto(ctx context.Context, id int64, contentType string, data []byte) (int64, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrderEdit, 0); err != nil {
		return 0, err
	}
	if contentType != "image/jpeg" && contentType != "image/png" {
		return 0, wubu.FieldErrorf("photo", wubu.EINVALID, "The photo must be a JPEG or PNG image.")
	}
	if len(data) == 0 || len(data) > MaxPhotoSize {
		return 0, wubu.FieldErrorf("photo", wubu.EINVALID, "The photo must be at most %d MB.", MaxPhotoSize>>20)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	o, err := tx.findOrder(ctx, id, true)
	if err != nil {
		return 0, err
	}
	if err := authorizeOrder(ctx, wubu.PermOrderEdit, o); err != nil {
		return 0, err
	}
	if o.State.Final() {
		return 0, wubu.OrderLifecycle.Refuse(string(o.State), o.ID)
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM order_photos WHERE project_id = ? AND order_id = ?`, o.ProjectID, o.ID).Scan(&n); err != nil {
		return 0, err
	}
	if n >= wubu.MaxOrderPhotos {
		return 0, wubu.FieldErrorf("photo", wubu.EINVALID, "An order has at most %d photos.", wubu.MaxOrderPhotos)
	}
	pid, err := tx.insert(ctx, `INSERT INTO order_photos (project_id, order_id, content_type, data, created_at) VALUES (?, ?, ?, ?, ?)`,
		o.ProjectID, o.ID, contentType, data, tx.now)
	if err != nil {
		return 0, err
	}
	if err := tx.audit(ctx, o.ProjectID, wubu.ActionCreate, "order.photo", o.ID, nil, map[string]any{"photo": pid, "bytes": len(data)}); err != nil {
		return 0, err
	}
	return pid, tx.Commit()
}

// Photo returns a photo of an order.
func (s *OrderService) Photo(ctx context.Context, id, photoID int64) (string, []byte, error) {
	o, err := s.FindOrder(ctx, id)
	if err != nil {
		return "", nil, err
	}
	var ct string
	var data []byte
	err = s.db.queryRow(ctx, `SELECT content_type, data FROM order_photos WHERE project_id = ? AND order_id = ? AND id = ?`, o.ProjectID, o.ID, photoID).Scan(&ct, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, wubu.Errorf(wubu.ENOTFOUND, "Photo not found.")
	}
	return ct, data, err
}

// photoIDs returns the IDs of an order's photos.
func (s *OrderService) photoIDs(ctx context.Context, o *wubu.Order) ([]int64, error) {
	rows, err := s.db.query(ctx, `SELECT id FROM order_photos WHERE project_id = ? AND order_id = ? ORDER BY id`, o.ProjectID, o.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
