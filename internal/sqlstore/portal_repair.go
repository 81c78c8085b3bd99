package sqlstore

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
)

// A resident's repairs on the portal (M5, M6): reported with photos and a
// preferred time, followed live, the quote confirmed or refused, rated
// when done. Each is the order's own life-cycle step.

// notFoundOrder answers an order that is not the resident's, as a missing
// one.
func notFoundOrder() error { return wubu.Errorf(wubu.ENOTFOUND, "Order not found.") }

// Repairs lists the orders of the resident's rooms, newest first.
func (s *PortalService) Repairs(ctx context.Context) ([]*wubu.Order, error) {
	id, err := portalResident(ctx)
	if err != nil {
		return nil, err
	}
	in, args := roomArgs(id)
	return readOrders(ctx, s.db, `SELECT `+orderColumns+orderFrom+` WHERE o.project_id = ? AND o.room_id IN (`+in+`) ORDER BY o.id DESC LIMIT 100`, args...)
}

// repair reads an order of the resident's rooms; another is not found.
func (s *PortalService) repair(ctx context.Context, orderID int64) (*wubu.Order, error) {
	id, err := portalResident(ctx)
	if err != nil {
		return nil, err
	}
	o, err := scanOrder(s.db.queryRow(ctx, `SELECT `+orderColumns+orderFrom+` WHERE o.id = ?`, orderID))
	if err != nil {
		return nil, notFoundOrder()
	}
	if !inHome(id, o.ProjectID, o.RoomID) {
		return nil, notFoundOrder()
	}
	return o, nil
}

// Repair returns an order of the resident's rooms with its lines, photos
// and promised arrival.
func (s *PortalService) Repair(ctx context.Context, orderID int64) (*wubu.Order, error) {
	o, err := s.repair(ctx, orderID)
	if err != nil {
		return nil, err
	}
	return s.orders.withDetails(ctx, o)
}

// RepairPhoto returns a photo of an order of the resident's rooms.
func (s *PortalService) RepairPhoto(ctx context.Context, orderID, photoID int64) (string, []byte, error) {
	o, err := s.repair(ctx, orderID)
	if err != nil {
		return "", nil, err
	}
	p, err := photo(ctx, s.db, o.ProjectID, "order", o.ID, photoID)
	if err != nil {
		return "", nil, err
	}
	return p.ContentType, p.Data, nil
}

// ReportRepair opens an order for one of the resident's rooms.
func (s *PortalService) ReportRepair(ctx context.Context, r *wubu.PortalRepair, photos ...*wubu.Photo) (*wubu.Order, error) {
	id, err := portalResident(ctx)
	if err != nil {
		return nil, err
	}
	if !inHome(id, id.ProjectID, &r.RoomID) {
		return nil, wubu.FieldErrorf("room_id", wubu.EINVALID, "Choose one of your homes.")
	}
	if len(photos) > wubu.MaxOrderPhotos {
		return nil, wubu.FieldErrorf("photo", wubu.EINVALID, "An order has at most %d photos.", wubu.MaxOrderPhotos)
	}
	for _, p := range photos {
		if err := checkPhoto(p, "photo"); err != nil {
			return nil, err
		}
	}
	n := &wubu.NewOrder{ProjectID: id.ProjectID, Category: wubu.CategoryRepair, Urgency: wubu.OrderNormal, Source: wubu.SourceResident,
		Description: r.Description, PersonID: &id.PersonID, RoomID: &r.RoomID}
	switch {
	case r.Urgent:
		n.Urgency = wubu.OrderUrgent
	case r.PreferredAt != nil:
		n.Urgency, n.AppointmentAt = wubu.OrderPlanned, r.PreferredAt
	}
	if strings.TrimSpace(r.Description) == "" {
		return nil, wubu.FieldErrorf("description", wubu.EINVALID, "Say what needs repairing.")
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	o, err := s.orders.createOrder(ctx, tx, n)
	if err != nil {
		if e := wubu.AsError(err); e != nil && e.Field == "appointment_at" {
			e.Field = "preferred_at"
		}
		return nil, err
	}
	for _, p := range photos {
		if err := addPhoto(ctx, tx, o.ProjectID, "order", o.ID, wubu.PhotoFound, p); err != nil {
			return nil, err
		}
	}
	if err := s.orders.runner().commit(ctx, tx); err != nil {
		return nil, err
	}
	return s.Repair(ctx, o.ID)
}

// repairStep takes a step on an order of the resident's rooms.
func (s *PortalService) repairStep(ctx context.Context, orderID int64, action wubu.OrderAction, fn stepFunc[*wubu.Order]) (*wubu.Order, error) {
	if _, err := s.repair(ctx, orderID); err != nil {
		return nil, err
	}
	if _, err := runStep(ctx, s.orders.runner(), orders, orderID, string(action), fn); err != nil {
		return nil, err
	}
	return s.Repair(ctx, orderID)
}

// ConfirmQuote confirms the quote of a quoted order.
func (s *PortalService) ConfirmQuote(ctx context.Context, orderID int64) (*wubu.Order, error) {
	return s.repairStep(ctx, orderID, wubu.ActConfirm, func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error) {
		o.ConfirmedAt, o.ConfirmedBy, o.ConfirmMethod = at(tx.now), u.Name, wubu.ConfirmMethodPortal
		return u.Name + " " + yuan(o.QuoteTotal()), nil
	})
}

// RefuseQuote cancels a quoted order with the resident's reason.
func (s *PortalService) RefuseQuote(ctx context.Context, orderID int64, reason string) (*wubu.Order, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return nil, wubu.FieldErrorf("reason", wubu.EINVALID, "Say why you refuse the quote (at most %d characters).", 500)
	}
	return s.repairStep(ctx, orderID, wubu.ActCancel, func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error) {
		if o.QuotedAt == nil || o.ConfirmedAt != nil {
			return "", wubu.Errorf(wubu.ECONFLICT, "Order %d has no quote waiting for your answer.", o.ID)
		}
		o.CancelledAt, o.CancelReason = at(tx.now), reason
		return reason, nil
	})
}

// RateRepair answers the follow-up of a done order.
func (s *PortalService) RateRepair(ctx context.Context, orderID int64, req wubu.FollowUpRequest) (*wubu.Order, error) {
	action, fn, err := followUpStep(req)
	if err != nil {
		return nil, err
	}
	return s.repairStep(ctx, orderID, action, fn)
}
