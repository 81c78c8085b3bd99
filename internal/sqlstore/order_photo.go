package sqlstore

import (
	"context"

	"github.com/wubu-oss/wubu"
)

// AddPhoto adds a photo of the job to an order not yet closed or
// cancelled: a step of the order.
func (s *OrderService) AddPhoto(ctx context.Context, id int64, contentType string, data []byte) (int64, error) {
	p := &wubu.Photo{ContentType: contentType, Data: data}
	if len(data) == 0 {
		return 0, wubu.FieldErrorf("photo", wubu.EINVALID, "Choose a JPEG or PNG photo of at most %d MB.", wubu.MaxPhotoSize>>20)
	}
	_, err := runStep(ctx, s.runner(), orders, id, string(wubu.ActPhoto), func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error) {
		n, err := countPhotos(ctx, tx, o.ProjectID, "order", o.ID)
		if err != nil {
			return "", err
		}
		if n >= wubu.MaxOrderPhotos {
			return "", wubu.FieldErrorf("photo", wubu.EINVALID, "An order has at most %d photos.", wubu.MaxOrderPhotos)
		}
		return "", addPhoto(ctx, tx, o.ProjectID, "order", o.ID, wubu.PhotoWork, p)
	})
	return p.ID, err
}

// Photo returns a photo of an order.
func (s *OrderService) Photo(ctx context.Context, id, photoID int64) (string, []byte, error) {
	o, err := s.FindOrder(ctx, id)
	if err != nil {
		return "", nil, err
	}
	p, err := photo(ctx, s.db, o.ProjectID, "order", o.ID, photoID)
	if err != nil {
		return "", nil, err
	}
	return p.ContentType, p.Data, nil
}

// photoIDs returns the IDs of an order's photos.
func (s *OrderService) photoIDs(ctx context.Context, o *wubu.Order) ([]int64, error) {
	ps, err := photos(ctx, s.db, o.ProjectID, "order", o.ID)
	if err != nil {
		return nil, err
	}
	out := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out, nil
}
