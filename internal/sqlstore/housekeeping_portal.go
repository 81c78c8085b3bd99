package sqlstore

import (
	"context"
	"slices"
	"time"

	"github.com/wubu-oss/wubu"
)

// Housekeeping on the residents' portal (issue 15): a resident sees the
// catalogue and the free slots, books for one of their homes and cancels
// their homes' bookings until the slot begins — through the bookings' life
// cycle, as staff do.

// myRoom reports whether a room is one of the signed-in resident's homes.
func myRoom(ctx context.Context, roomID int64) bool {
	_, ok := wubu.PortalIdentityFromContext(ctx).Home(roomID)
	return ok
}

// myRooms are the rooms of the resident's homes, as query arguments.
func myRooms(id *wubu.PortalIdentity) []any {
	var out []any
	for _, h := range id.Homes {
		if !slices.Contains(out, any(h.RoomID)) {
			out = append(out, h.RoomID)
		}
	}
	return out
}

// MyServices lists the resident's project's active catalogue.
func (s *HousekeepingService) MyServices(ctx context.Context) ([]*wubu.HomeService, error) {
	id, err := portalResident(ctx)
	if err != nil {
		return nil, err
	}
	return s.services(ctx, id.ProjectID, false)
}

// MySlots returns a day's slots of the resident's project.
func (s *HousekeepingService) MySlots(ctx context.Context, date wubu.Date) ([]*wubu.Slot, error) {
	id, err := portalResident(ctx)
	if err != nil {
		return nil, err
	}
	return s.slots(ctx, id.ProjectID, date)
}

// MyBookings lists the bookings of the resident's homes, latest slot first.
func (s *HousekeepingService) MyBookings(ctx context.Context) ([]*wubu.Booking, error) {
	id, err := portalResident(ctx)
	if err != nil {
		return nil, err
	}
	rooms := myRooms(id)
	out := []*wubu.Booking{}
	if len(rooms) == 0 {
		return out, nil
	}
	rows, err := s.db.query(ctx, `SELECT `+bookingCols+bookingFrom+` WHERE b.project_id = ? AND b.room_id IN (`+placeholders(len(rooms))+`)
		ORDER BY b.slot_unix DESC, b.id DESC LIMIT 100`, append([]any{id.ProjectID}, rooms...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		b, err := scanBooking(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// BookMine books a service for the resident in one of their homes.
func (s *HousekeepingService) BookMine(ctx context.Context, b *wubu.Booking) error {
	id, err := portalResident(ctx)
	if err != nil {
		return err
	}
	if _, ok := id.Home(b.RoomID); !ok {
		return wubu.FieldErrorf("room_id", wubu.EINVALID, "Choose one of your homes.")
	}
	b.PersonID = id.PersonID
	return s.Book(ctx, b)
}

// myBooking checks that a booking is of one of the resident's homes:
// another's is not found, as a missing one.
func (s *HousekeepingService) myBooking(ctx context.Context, bookingID int64) error {
	id, err := portalResident(ctx)
	if err != nil {
		return err
	}
	var roomID int64
	if err := s.db.queryRow(ctx, `SELECT COALESCE(MAX(room_id), 0) FROM hk_bookings WHERE project_id = ? AND id = ?`, id.ProjectID, bookingID).Scan(&roomID); err != nil {
		return err
	}
	if _, ok := id.Home(roomID); !ok {
		return wubu.Errorf(wubu.ENOTFOUND, "Booking not found.")
	}
	return nil
}

// CancelMyBooking cancels a booking of one of the resident's homes.
func (s *HousekeepingService) CancelMyBooking(ctx context.Context, bookingID int64) (*wubu.Booking, error) {
	if err := s.myBooking(ctx, bookingID); err != nil {
		return nil, err
	}
	return s.Cancel(ctx, bookingID, "")
}

// RescheduleMyBooking moves a booking of one of the resident's homes to
// another free slot.
func (s *HousekeepingService) RescheduleMyBooking(ctx context.Context, bookingID int64, slotStart time.Time) (*wubu.Booking, error) {
	if err := s.myBooking(ctx, bookingID); err != nil {
		return nil, err
	}
	return s.Reschedule(ctx, bookingID, slotStart)
}
