package server

import (
	"context"
	"io"
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
)

// MaxPhotosBody is the largest body of a form or request that carries an
// order's photos: each at the photo limit, and the fields around them.
const MaxPhotosBody = int64(wubu.MaxOrderPhotos)*wubu.MaxPhotoSize + 1<<20

// ReadPhotos reads the photos uploaded in a parsed multipart form's field
// (none when the form is not multipart or the field is empty): at most max
// files, each a JPEG or PNG image of at most wubu.MaxPhotoSize bytes by its
// content. The one upload reader of every form and API route that takes
// photos; its errors name the field.
func ReadPhotos(r *http.Request, field string, max int) ([]*wubu.Photo, error) {
	return ReadFiles(r, field, max, wubu.CheckPhoto, photoError(field), wubu.FieldErrorf(field, wubu.EINVALID, "At most %d photos.", max))
}

// ReadFiles reads the files uploaded in a parsed multipart form's field
// (none when the form is not multipart or the field is empty): at most max
// files (else tooMany), each of at most wubu.MaxPhotoSize bytes and passing
// check, which gives its content type (else bad).
func ReadFiles(r *http.Request, field string, max int, check func([]byte) (string, error), bad, tooMany error) ([]*wubu.Photo, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []*wubu.Photo
	for _, fh := range r.MultipartForm.File[field] {
		if fh.Size == 0 {
			continue
		}
		if len(out) == max {
			return nil, tooMany
		}
		if fh.Size > wubu.MaxPhotoSize {
			return nil, bad
		}
		f, err := fh.Open()
		if err != nil {
			return nil, bad
		}
		data, err := io.ReadAll(io.LimitReader(f, wubu.MaxPhotoSize+1))
		f.Close()
		if err != nil {
			return nil, bad
		}
		ct, err := check(data)
		if err != nil {
			return nil, bad
		}
		out = append(out, &wubu.Photo{ContentType: ct, Data: data})
	}
	return out, nil
}

// ReadPhoto reads the one photo of a field, nil when none was sent.
func ReadPhoto(r *http.Request, field string) (*wubu.Photo, error) {
	ps, err := ReadPhotos(r, field, 1)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return ps[0], nil
}

func photoError(field string) error {
	return wubu.FieldErrorf(field, wubu.EINVALID, "Choose a JPEG or PNG photo of at most %d MB.", wubu.MaxPhotoSize>>20)
}

// WriteImage answers an image read from the database: its content type as
// checked on upload, kept privately by the browser for an hour, never
// sniffed as anything else.
func WriteImage(w http.ResponseWriter, contentType string, data []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(data)
}

// PathID reads a positive ID from the request's path; anything else is
// not found.
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return id, nil
}

// PhotoHandler answers GET …/{id}/photos/{photo}, the page's and the
// API's: the image get reads of the object id, or the failure through fail.
func PhotoHandler(fail func(http.ResponseWriter, *http.Request, error), get func(ctx context.Context, id, photoID int64) (string, []byte, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := PathID(r, "id")
		if err != nil {
			fail(w, r, err)
			return
		}
		pid, err := PathID(r, "photo")
		if err != nil {
			fail(w, r, err)
			return
		}
		ct, data, err := get(r.Context(), id, pid)
		if err != nil {
			fail(w, r, err)
			return
		}
		WriteImage(w, ct, data)
	}
}
