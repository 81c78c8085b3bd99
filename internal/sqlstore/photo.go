package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/wubu-oss/wubu"
)

// Photos of every object that takes them, in one table (photos): the
// object's type and ID, the stage of its life cycle, the image. They are
// written by the object's steps, in the step's transaction.

// checkPhoto checks an uploaded photo (nil or empty: none) and sets its
// content type; the error names the field.
func checkPhoto(p *wubu.Photo, field string) error {
	if p == nil || len(p.Data) == 0 {
		return nil
	}
	ct, err := wubu.CheckPhoto(p.Data)
	if err != nil {
		return wubu.FieldErrorf(field, wubu.EINVALID, "Choose a JPEG or PNG photo of at most %d MB.", wubu.MaxPhotoSize>>20)
	}
	p.ContentType = ct
	return nil
}

// checkDrawing checks an uploaded drawing (an image or a PDF; nil or
// empty: none) and sets its content type; the error names the field.
func checkDrawing(p *wubu.Photo, field string) error {
	if p == nil || len(p.Data) == 0 {
		return nil
	}
	ct, err := wubu.CheckDrawing(p.Data)
	if err != nil {
		return wubu.FieldErrorf(field, wubu.EINVALID, "Choose drawings as JPEG, PNG or PDF files of at most %d MB each.", wubu.MaxPhotoSize>>20)
	}
	p.ContentType = ct
	return nil
}

// addPhoto stores a photo of an object at a stage (nil or empty: none).
func addPhoto(ctx context.Context, tx *Tx, projectID int64, objectType string, objectID int64, stage string, p *wubu.Photo) error {
	return addFile(ctx, tx, projectID, objectType, objectID, stage, p, checkPhoto)
}

// addFile stores a file of an object at a stage (nil or empty: none),
// after check.
func addFile(ctx context.Context, tx *Tx, projectID int64, objectType string, objectID int64, stage string, p *wubu.Photo, check func(*wubu.Photo, string) error) error {
	if p == nil || len(p.Data) == 0 {
		return nil
	}
	if err := check(p, "photo"); err != nil {
		return err
	}
	p.Stage, p.CreatedAt = stage, tx.now
	var err error
	p.ID, err = tx.insert(ctx, `INSERT INTO photos (project_id, object_type, object_id, stage, content_type, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		projectID, objectType, objectID, stage, p.ContentType, p.Data, tx.now)
	return err
}

// photos lists the photos of an object, oldest first, without their data.
func photos(ctx context.Context, db *DB, projectID int64, objectType string, objectID int64) ([]*wubu.Photo, error) {
	rows, err := db.query(ctx, `SELECT id, stage, content_type, created_at FROM photos WHERE project_id = ? AND object_type = ? AND object_id = ? ORDER BY id`,
		projectID, objectType, objectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.Photo
	for rows.Next() {
		p := &wubu.Photo{}
		if err := rows.Scan(&p.ID, &p.Stage, &p.ContentType, &p.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// photo returns a photo of an object with its data.
func photo(ctx context.Context, db *DB, projectID int64, objectType string, objectID, photoID int64) (*wubu.Photo, error) {
	p := &wubu.Photo{}
	err := db.queryRow(ctx, `SELECT id, stage, content_type, data, created_at FROM photos WHERE project_id = ? AND object_type = ? AND object_id = ? AND id = ?`,
		projectID, objectType, objectID, photoID).Scan(&p.ID, &p.Stage, &p.ContentType, &p.Data, &p.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Photo not found.")
	}
	return p, err
}

// countPhotos counts an object's photos in tx.
func countPhotos(ctx context.Context, tx *Tx, projectID int64, objectType string, objectID int64) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM photos WHERE project_id = ? AND object_type = ? AND object_id = ?`, projectID, objectType, objectID).Scan(&n)
	return n, err
}
