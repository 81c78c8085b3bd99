package api

import (
	"errors"
	"mime"
	"net/http"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// photoResponse is an order after photos were added, with the IDs of the
// photos just added.
type photoResponse struct {
	*wubu.Order
	Added []int64 `json:"added"`
}

// orderPhotoAdd adds photos to an order: POST /api/v1/orders/{id}/photos,
// multipart/form-data with one or more files in the field "photo", each a
// JPEG or PNG of at most wubu.MaxPhotoSize, at most 6 an order. The photos are checked
// as the web form checks them, all before any is stored: a bad one stores
// none. It answers 201 with the order and the new photos' IDs.
func (h *Handler) orderPhotoAdd(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// Another project's order is not found, whatever the body.
	o, err := h.Orders.FindOrder(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	files, err := readPhotos(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(o.PhotoIDs)+len(files) > wubu.MaxOrderPhotos {
		h.fail(w, r, wubu.FieldErrorf("photo", wubu.EINVALID, "An order has at most %d photos.", wubu.MaxOrderPhotos))
		return
	}
	added := make([]int64, 0, len(files))
	for _, f := range files {
		pid, err := h.Orders.AddPhoto(r.Context(), id, f.ContentType, f.Data)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		added = append(added, pid)
	}
	if o, err = h.Orders.FindOrder(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteJSON(w, http.StatusCreated, photoResponse{Order: o, Added: added})
}

// withBody gives a route its own body limit.
func withBody(rt server.Route, max int64) server.Route {
	rt.MaxBody = max
	return rt
}

// readPhotos reads and checks the files of the multipart field "photo".
func readPhotos(w http.ResponseWriter, r *http.Request) ([]*wubu.Photo, error) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return nil, wubu.FieldErrorf("photo", wubu.EINVALID, "Send the photos as multipart/form-data in the field \"photo\".")
	}
	r.Body = http.MaxBytesReader(w, r.Body, server.MaxPhotosBody)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, wubu.FieldErrorf("photo", wubu.EINVALID, "Choose a JPEG or PNG photo of at most %d MB.", wubu.MaxPhotoSize>>20)
		}
		return nil, wubu.FieldErrorf("photo", wubu.EINVALID, "Send the photos as multipart/form-data in the field \"photo\".")
	}
	defer r.MultipartForm.RemoveAll()
	files, err := server.ReadPhotos(r, "photo", wubu.MaxOrderPhotos)
	if err == nil && len(files) == 0 {
		err = wubu.FieldErrorf("photo", wubu.EINVALID, "Choose a JPEG or PNG photo of at most %d MB.", wubu.MaxPhotoSize>>20)
	}
	return files, err
}

// orderPhoto answers a photo of an order: GET
// /api/v1/orders/{id}/photos/{photo}, the image itself.
func (h *Handler) orderPhoto(w http.ResponseWriter, r *http.Request) {
	server.PhotoHandler(h.fail, h.Orders.Photo)(w, r)
}
