package wubu

import (
	"bytes"
	"time"
)

// Photos: every object that takes photos — a work order, a release pass, a
// hazard, a parking problem — keeps them in one shape, at a stage of its
// life cycle (found, rectified, handled, the work, the goods), under one
// limit and one check of what the file really is.

// Photo is an uploaded picture of an object.
type Photo struct {
	ID          int64     `json:"id"`
	Stage       string    `json:"stage"`
	ContentType string    `json:"content_type"`
	Data        []byte    `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
}

// Photo stages.
const (
	PhotoFound     = "found"     // a hazard or parking problem as found
	PhotoRectified = "rectified" // a hazard after its rectification
	PhotoHandled   = "handled"   // a parking problem once handled
	PhotoWork      = "work"      // a work order's job
	PhotoDone      = "done"      // a work order's finished work
	PhotoGoods     = "goods"     // the goods of a release pass
)

// MaxPhotoSize is the largest photo accepted, in bytes (4 MB: a phone's
// photo).
const MaxPhotoSize = 4 << 20

// CheckPhoto checks an uploaded photo, whatever it claims to be: its
// content must be a JPEG or PNG image (by its signature) of at most
// MaxPhotoSize bytes. It returns the content type, or EINVALID on the field
// "photo".
func CheckPhoto(data []byte) (string, error) {
	var ct string
	switch {
	case bytes.HasPrefix(data, []byte("\xFF\xD8\xFF")):
		ct = "image/jpeg"
	case bytes.HasPrefix(data, []byte("\x89PNG\x0D\x0A\x1A\x0A")):
		ct = "image/png"
	}
	if ct == "" || len(data) > MaxPhotoSize {
		return "", FieldErrorf("photo", EINVALID, "Choose a JPEG or PNG photo of at most %d MB.", MaxPhotoSize>>20)
	}
	return ct, nil
}

// MaxDrawings is the most drawings a renovation application carries.
const MaxDrawings = 6

// CheckDrawing checks an uploaded drawing of a renovation: a JPEG or PNG
// image, or a PDF document (by its signature), of at most MaxPhotoSize
// bytes. It returns the content type, or EINVALID on the field "drawings".
func CheckDrawing(data []byte) (string, error) {
	if bytes.HasPrefix(data, []byte("%PDF-")) && len(data) <= MaxPhotoSize {
		return "application/pdf", nil
	}
	if ct, err := CheckPhoto(data); err == nil {
		return ct, nil
	}
	return "", FieldErrorf("drawings", EINVALID, "Choose drawings as JPEG, PNG or PDF files of at most %d MB each.", MaxPhotoSize>>20)
}
