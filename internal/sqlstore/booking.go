package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
)

// Bookings take a place in a slot through hk_slot_load: one row per
// project, slot and cleaner, whose booked count a booking raises with
//
//	UPDATE hk_slot_load SET booked = booked + 1 WHERE … AND booked < cap
//
// On SQLite writers take turns; on PostgreSQL the update locks the row and
// a concurrent one re-checks the condition once the first commits, so two
// bookings never both take the last place (TestBookingRace).

// maxBookingDays is how far ahead a slot may be booked.
const maxBookingDays = 60

// slotOf checks that start begins a slot of the project's day and returns
// its end. Errors concern the field "slot".
func slotOf(st *wubu.HousekeepingSettings, start, now time.Time) (time.Time, error) {
	local := start.In(cst)
	mod := local.Hour()*60 + local.Minute()
	if local.Second() != 0 || local.Nanosecond() != 0 || mod < st.DayStart || mod+st.SlotMinutes > st.DayEnd || (mod-st.DayStart)%st.SlotMinutes != 0 {
		return time.Time{}, wubu.FieldErrorf("slot", wubu.EINVALID, "%s is not the start of a booking slot.", local.Format("2006-01-02 15:04"))
	}
	if !start.After(now) {
		return time.Time{}, wubu.FieldErrorf("slot", wubu.EINVALID, "This slot has already begun: choose a later one.")
	}
	if start.After(now.AddDate(0, 0, maxBookingDays)) {
		return time.Time{}, wubu.FieldErrorf("slot", wubu.EINVALID, "Slots can be booked at most %d days ahead.", maxBookingDays)
	}
	return start.Add(time.Duration(st.SlotMinutes) * time.Minute), nil
}

// hkSlotText is a slot as the timeline shows it: 2026-11-28 10:00.
func hkSlotText(t time.Time) string { return t.In(cst).Format("2006-01-02 15:04") }

// takePlace takes one of a cleaner's places in a slot; false if the
// cleaner has none left.
func takePlace(ctx context.Context, tx *Tx, projectID int64, slot time.Time, cleanerID int64, perCleaner int) (bool, error) {
	if _, err := tx.exec(ctx, `INSERT INTO hk_slot_load (project_id, slot_unix, cleaner_id, booked) VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING`,
		projectID, slot.Unix(), cleanerID); err != nil {
		return false, err
	}
	res, err := tx.exec(ctx, `UPDATE hk_slot_load SET booked = booked + 1 WHERE project_id = ? AND slot_unix = ? AND cleaner_id = ? AND booked < ?`,
		projectID, slot.Unix(), cleanerID, perCleaner)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// releasePlace gives a booking's place back.
func releasePlace(ctx context.Context, tx *Tx, projectID int64, slot time.Time, cleanerID int64) error {
	_, err := tx.exec(ctx, `UPDATE hk_slot_load SET booked = booked - 1 WHERE project_id = ? AND slot_unix = ? AND cleaner_id = ? AND booked > 0`,
		projectID, slot.Unix(), cleanerID)
	return err
}

// placeFor takes a place in the slot with a cleaner of the roster: first
// the preferred one (if any), then the least busy of the day. It returns
// the cleaner, or EINVALID when the slot is full.
func placeFor(ctx context.Context, tx *Tx, st *wubu.HousekeepingSettings, slot time.Time, prefer int64) (int64, error) {
	if len(st.Cleaners) == 0 {
		return 0, wubu.FieldErrorf("slot", wubu.EINVALID, "No cleaners are on this project's housekeeping roster yet.")
	}
	// The day's load of each cleaner, to spread the work.
	local := slot.In(cst)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, cst)
	load := map[int64]int{}
	rows, err := tx.query(ctx, `SELECT cleaner_id, SUM(booked) FROM hk_slot_load WHERE project_id = ? AND slot_unix >= ? AND slot_unix < ? GROUP BY cleaner_id`,
		st.ProjectID, day.Unix(), day.AddDate(0, 0, 1).Unix())
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var c int64
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			rows.Close()
			return 0, err
		}
		load[c] = n
	}
	rows.Close()
	order := append([]int64(nil), st.Cleaners...)
	hkSortStable(order, func(a, b int64) bool {
		if (a == prefer) != (b == prefer) {
			return a == prefer
		}
		return load[a] < load[b]
	})
	for _, c := range order {
		ok, err := takePlace(ctx, tx, st.ProjectID, slot, c, st.PerCleaner)
		if err != nil {
			return 0, err
		}
		if ok {
			return c, nil
		}
	}
	return 0, wubu.FieldErrorf("slot", wubu.EINVALID, "The slot %s is full: choose another time.", hkSlotText(slot))
}

func hkSortStable(ids []int64, less func(a, b int64) bool) {
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0 && less(ids[j], ids[j-1]); j-- {
			ids[j], ids[j-1] = ids[j-1], ids[j]
		}
	}
}

// priceOn prices a service for a slot: the lowest promotion price of the
// slot's date, else the catalogue's.
func priceOn(ctx context.Context, tx *Tx, hs *wubu.HomeService, slot time.Time) (int64, *int64, error) {
	price, promo, ok, err := promoPrice(ctx, tx, tx.db, hs.ProjectID, hs.ID, hkToday(slot))
	if err != nil || !ok {
		return hs.PriceFen, nil, err
	}
	return price, &promo, nil
}

// bookings is how the life-cycle runner reads and writes bookings. The
// steps write their own timeline entries (the resident's: booked,
// rescheduled, cancelled, done).
var bookings = &machine[*wubu.Booking]{
	lc: wubu.BookingLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.Booking, error) {
		q := `SELECT ` + bookingCols + bookingFrom + ` WHERE b.id = ?`
		if lock {
			q += tx.db.forUpdate("b")
		}
		return scanBooking(tx.queryRow(ctx, q, id))
	},
	facts: func(b *wubu.Booking) facts {
		return facts{ProjectID: b.ProjectID, ID: b.ID, State: string(b.Status), Post: wubu.PostService, AssigneeID: &b.CleanerID, AssigneeName: b.CleanerName,
			PersonID: &b.PersonID}
	},
	setState: func(b *wubu.Booking, s string) { b.Status = wubu.BookingStatus(s) },
	insert: func(ctx context.Context, tx *Tx, b *wubu.Booking) (err error) {
		var uid *int64
		if u := wubu.UserFromContext(ctx); u != nil && u.ID != 0 {
			uid = &u.ID
		}
		b.ID, err = tx.insert(ctx, `INSERT INTO hk_bookings (project_id, service_id, person_id, room_id, slot_start, slot_end, slot_unix, cleaner_id, status,
			list_price_fen, price_fen, promotion_id, note, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			b.ProjectID, b.ServiceID, b.PersonID, b.RoomID, b.SlotStart, b.SlotEnd, b.SlotStart.Unix(), b.CleanerID, b.Status,
			b.ListPriceFen, b.PriceFen, b.PromotionID, b.Note, uid, tx.now, tx.now)
		return err
	},
	save: func(ctx context.Context, tx *Tx, b *wubu.Booking) error {
		_, err := tx.exec(ctx, `UPDATE hk_bookings SET slot_start = ?, slot_end = ?, slot_unix = ?, cleaner_id = ?, status = ?, list_price_fen = ?, price_fen = ?,
			promotion_id = ?, done_note = ?, done_at = ?, updated_at = ? WHERE project_id = ? AND id = ?`,
			b.SlotStart, b.SlotEnd, b.SlotStart.Unix(), b.CleanerID, b.Status, b.ListPriceFen, b.PriceFen, b.PromotionID, b.DoneNote, b.DoneAt, tx.now, b.ProjectID, b.ID)
		return err
	},
	clone: func(b *wubu.Booking) *wubu.Booking { c := *b; return &c },
}

// Book books a service for a resident in a slot (the life cycle's creating
// step): staff for any resident of the project, a resident on the portal
// for one of their homes (BookMine).
func (s *HousekeepingService) Book(ctx context.Context, b *wubu.Booking) error {
	b.Note = strings.TrimSpace(b.Note)
	if utf8.RuneCountInString(b.Note) > 500 {
		return wubu.FieldErrorf("note", wubu.EINVALID, "Notes must be at most %d characters.", 500)
	}
	if _, err := authorizeAction(ctx, wubu.BookingLifecycle, wubu.BookingBook, 0); err != nil {
		return err
	}
	hs, err := scanService(s.db.queryRow(ctx, `SELECT `+serviceCols+` FROM hk_services WHERE id = ?`, b.ServiceID))
	if err != nil {
		return err
	}
	if _, err := authorizeAction(ctx, wubu.BookingLifecycle, wubu.BookingBook, hs.ProjectID); err != nil {
		return wubu.FieldErrorf("service_id", wubu.ENOTFOUND, "Service not found.")
	}
	return hkWithRetry(func() error {
		_, err := runCreate(ctx, s.run, bookings, hs.ProjectID, wubu.BookingBook, b, s.book)
		return err
	})
}

// book checks and fills a new booking in the creating step's transaction:
// the service, the resident and their home, the slot and a cleaner's place
// in it (atomic), the price.
func (s *HousekeepingService) book(ctx context.Context, tx *Tx, b *wubu.Booking, _ *wubu.User) (string, error) {
	hs, err := scanService(tx.queryRow(ctx, `SELECT `+serviceCols+` FROM hk_services WHERE id = ?`, b.ServiceID))
	if err != nil {
		return "", err
	}
	if !hs.Active {
		return "", wubu.FieldErrorf("service_id", wubu.EINVALID, "This service is no longer offered.")
	}
	b.ProjectID, b.ServiceName = hs.ProjectID, hs.Name
	if err := tx.queryRow(ctx, `SELECT name FROM persons WHERE project_id = ? AND id = ?`, b.ProjectID, b.PersonID).Scan(&b.PersonName); errors.Is(err, sql.ErrNoRows) {
		return "", wubu.FieldErrorf("person_id", wubu.ENOTFOUND, "Resident not found.")
	} else if err != nil {
		return "", err
	}
	// The room is one of the resident's homes (the first when none is given).
	q := `SELECT h.room_id, r.label FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id WHERE h.project_id = ? AND h.person_id = ?`
	args := []any{b.ProjectID, b.PersonID}
	if b.RoomID != 0 {
		q, args = q+` AND h.room_id = ?`, append(args, b.RoomID)
	}
	if err := tx.queryRow(ctx, q+` ORDER BY h.id LIMIT 1`, args...).Scan(&b.RoomID, &b.RoomLabel); errors.Is(err, sql.ErrNoRows) {
		return "", wubu.FieldErrorf("room_id", wubu.EINVALID, "Choose one of the resident's homes.")
	} else if err != nil {
		return "", err
	}
	st, err := loadSettings(ctx, tx, s.db, b.ProjectID)
	if err != nil {
		return "", err
	}
	b.SlotStart = b.SlotStart.UTC()
	if b.SlotEnd, err = slotOf(st, b.SlotStart, tx.now); err != nil {
		return "", err
	}
	if b.CleanerID, err = placeFor(ctx, tx, st, b.SlotStart, 0); err != nil {
		return "", err
	}
	b.ListPriceFen = hs.PriceFen
	if b.PriceFen, b.PromotionID, err = priceOn(ctx, tx, hs, b.SlotStart); err != nil {
		return "", err
	}
	b.CreatedAt = tx.now
	if err := tx.queryRow(ctx, `SELECT name FROM users WHERE id = ?`, b.CleanerID).Scan(&b.CleanerName); err != nil {
		return "", err
	}
	return "", addTimeline(ctx, tx, b.ProjectID, b.PersonID, "housekeeping.booked", b.ServiceName+" "+hkSlotText(b.SlotStart))
}

const bookingCols = `b.id, b.project_id, b.service_id, s.name, b.person_id, p.name, b.room_id, r.label, b.slot_start, b.slot_end, b.cleaner_id, COALESCE(u.name, ''),
	b.status, b.list_price_fen, b.price_fen, b.promotion_id, b.note, b.done_note, b.done_at, b.created_at`

const bookingFrom = ` FROM hk_bookings b
	JOIN hk_services s ON s.project_id = b.project_id AND s.id = b.service_id
	JOIN persons p ON p.project_id = b.project_id AND p.id = b.person_id
	JOIN rooms r ON r.project_id = b.project_id AND r.id = b.room_id
	LEFT JOIN users u ON u.id = b.cleaner_id`

func scanBooking(s interface{ Scan(...any) error }, extra ...any) (*wubu.Booking, error) {
	b := &wubu.Booking{}
	err := s.Scan(append([]any{&b.ID, &b.ProjectID, &b.ServiceID, &b.ServiceName, &b.PersonID, &b.PersonName, &b.RoomID, &b.RoomLabel, &b.SlotStart, &b.SlotEnd,
		&b.CleanerID, &b.CleanerName, &b.Status, &b.ListPriceFen, &b.PriceFen, &b.PromotionID, &b.Note, &b.DoneNote, &b.DoneAt, &b.CreatedAt}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Booking not found.")
	}
	return b, err
}

// findBooking loads a booking, checking the caller may perm on its project.
func (s *HousekeepingService) findBooking(ctx context.Context, q rowQuerier, perm wubu.Permission, id int64) (*wubu.Booking, error) {
	if _, err := wubu.Authorize(ctx, perm, 0); err != nil {
		return nil, err
	}
	b, err := scanBooking(q.QueryRowContext(ctx, s.db.rebind(`SELECT `+bookingCols+bookingFrom+` WHERE b.id = ?`), id))
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, perm, b.ProjectID); err != nil {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Booking not found.")
	}
	return b, nil
}

// FindBooking returns a booking.
func (s *HousekeepingService) FindBooking(ctx context.Context, id int64) (*wubu.Booking, error) {
	return s.findBooking(ctx, s.db.reader(), wubu.PermOrderView, id)
}

// FindBookings lists bookings by slot.
func (s *HousekeepingService) FindBookings(ctx context.Context, f wubu.BookingFilter) ([]*wubu.Booking, int, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, f.ProjectID); err != nil {
		return nil, 0, err
	}
	where := []string{"b.project_id = ?"}
	args := []any{f.ProjectID}
	if f.CleanerID != nil {
		where, args = append(where, "b.cleaner_id = ?"), append(args, *f.CleanerID)
	}
	if f.PersonID != nil {
		where, args = append(where, "b.person_id = ?"), append(args, *f.PersonID)
	}
	if f.Status != nil {
		where, args = append(where, "b.status = ?"), append(args, *f.Status)
	}
	if f.From != nil {
		where, args = append(where, "b.slot_unix >= ?"), append(args, f.From.Unix())
	}
	if f.To != nil {
		where, args = append(where, "b.slot_unix < ?"), append(args, f.To.Unix())
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.db.query(ctx, `SELECT `+bookingCols+`, COUNT(*) OVER()`+bookingFrom+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY b.slot_unix, r.label, b.id LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*wubu.Booking{}
	total := 0
	for rows.Next() {
		b, err := scanBooking(rows, &total)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, b)
	}
	return out, total, rows.Err()
}

// Slots returns a day's slots with their places.
func (s *HousekeepingService) Slots(ctx context.Context, projectID int64, date wubu.Date) ([]*wubu.Slot, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, projectID); err != nil {
		return nil, err
	}
	return s.slots(ctx, projectID, date)
}

// slots returns a day's slots with their places, for a caller already
// authorized.
func (s *HousekeepingService) slots(ctx context.Context, projectID int64, date wubu.Date) ([]*wubu.Slot, error) {
	day, err := parseDate(date)
	if err != nil {
		return nil, wubu.FieldErrorf("date", wubu.EINVALID, "Date %q is not valid: write it as 2026-11-27.", date)
	}
	st, err := loadSettings(ctx, s.db.reader(), s.db, projectID)
	if err != nil {
		return nil, err
	}
	from, to := day.Add(time.Duration(st.DayStart)*time.Minute), day.Add(time.Duration(st.DayEnd)*time.Minute)
	load := map[int64]map[int64]int{}
	rows, err := s.db.query(ctx, `SELECT slot_unix, cleaner_id, booked FROM hk_slot_load WHERE project_id = ? AND slot_unix >= ? AND slot_unix < ?`, projectID, from.Unix(), to.Unix())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var slot, cleaner int64
		var n int
		if err := rows.Scan(&slot, &cleaner, &n); err != nil {
			return nil, err
		}
		if load[slot] == nil {
			load[slot] = map[int64]int{}
		}
		load[slot][cleaner] = n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	now := s.db.now()
	out := []*wubu.Slot{}
	for t := from; !t.Add(time.Duration(st.SlotMinutes) * time.Minute).After(to); t = t.Add(time.Duration(st.SlotMinutes) * time.Minute) {
		sl := &wubu.Slot{Start: t.UTC(), End: t.Add(time.Duration(st.SlotMinutes) * time.Minute).UTC(), Capacity: len(st.Cleaners) * st.PerCleaner, Past: !t.After(now)}
		for _, n := range load[t.Unix()] {
			sl.Booked += n
		}
		for _, c := range st.Cleaners {
			sl.Free += max(0, st.PerCleaner-load[t.Unix()][c])
		}
		out = append(out, sl)
	}
	return out, nil
}

// changeBooking takes a step of a booked booking through the life-cycle
// runner (which locks its row and checks its state): fn changes b and
// returns the timeline entry's kind and text (none when the kind is empty)
// and the event's note.
func (s *HousekeepingService) changeBooking(ctx context.Context, action string, id int64, fn func(tx *Tx, b *wubu.Booking, u *wubu.User) (string, string, error)) (*wubu.Booking, error) {
	var out *wubu.Booking
	err := hkWithRetry(func() error {
		b, err := runStep(ctx, s.run, bookings, id, action, func(ctx context.Context, tx *Tx, b *wubu.Booking, u *wubu.User) (string, error) {
			kind, text, err := fn(tx, b, u)
			if err != nil {
				return "", err
			}
			if err := tx.queryRow(ctx, `SELECT name FROM users WHERE id = ?`, b.CleanerID).Scan(&b.CleanerName); err != nil {
				return "", err
			}
			if kind != "" {
				if err := addTimeline(ctx, tx, b.ProjectID, b.PersonID, kind, text); err != nil {
					return "", err
				}
			}
			return text, nil
		})
		out = b
		return err
	})
	return out, err
}

// Reschedule moves a booking to another slot.
func (s *HousekeepingService) Reschedule(ctx context.Context, id int64, slotStart time.Time) (*wubu.Booking, error) {
	return s.changeBooking(ctx, wubu.BookingReschedule, id, func(tx *Tx, b *wubu.Booking, u *wubu.User) (string, string, error) {
		if err := residentMayChange(ctx, tx, b, u); err != nil {
			return "", "", err
		}
		slotStart = slotStart.UTC()
		if slotStart.Equal(b.SlotStart) {
			return "", "", wubu.FieldErrorf("slot", wubu.EINVALID, "Choose a different slot.")
		}
		st, err := loadSettings(ctx, tx, s.db, b.ProjectID)
		if err != nil {
			return "", "", err
		}
		end, err := slotOf(st, slotStart, tx.now)
		if err != nil {
			return "", "", err
		}
		// Take the new place first (the same cleaner if free), then give
		// the old one back: a full slot changes nothing.
		cleaner, err := placeFor(ctx, tx, st, slotStart, b.CleanerID)
		if err != nil {
			return "", "", err
		}
		if err := releasePlace(ctx, tx, b.ProjectID, b.SlotStart, b.CleanerID); err != nil {
			return "", "", err
		}
		hs, err := scanService(tx.queryRow(ctx, `SELECT `+serviceCols+` FROM hk_services WHERE project_id = ? AND id = ?`, b.ProjectID, b.ServiceID))
		if err != nil {
			return "", "", err
		}
		old := b.SlotStart
		b.SlotStart, b.SlotEnd, b.CleanerID, b.ListPriceFen = slotStart, end, cleaner, hs.PriceFen
		if b.PriceFen, b.PromotionID, err = priceOn(ctx, tx, hs, slotStart); err != nil {
			return "", "", err
		}
		return "housekeeping.rescheduled", b.ServiceName + " " + hkSlotText(old) + " → " + hkSlotText(slotStart), nil
	})
}

// Reassign gives a booking to another cleaner of the roster.
func (s *HousekeepingService) Reassign(ctx context.Context, id, cleanerID int64) (*wubu.Booking, error) {
	return s.changeBooking(ctx, wubu.BookingReassign, id, func(tx *Tx, b *wubu.Booking, _ *wubu.User) (string, string, error) {
		if cleanerID == b.CleanerID {
			return "", "", nil
		}
		st, err := loadSettings(ctx, tx, s.db, b.ProjectID)
		if err != nil {
			return "", "", err
		}
		if !hkContains(st.Cleaners, cleanerID) {
			return "", "", wubu.FieldErrorf("cleaner_id", wubu.EINVALID, "Choose a cleaner on the housekeeping roster.")
		}
		ok, err := takePlace(ctx, tx, b.ProjectID, b.SlotStart, cleanerID, st.PerCleaner)
		if err != nil {
			return "", "", err
		}
		if !ok {
			return "", "", wubu.FieldErrorf("cleaner_id", wubu.EINVALID, "This cleaner has no free place in the slot.")
		}
		if err := releasePlace(ctx, tx, b.ProjectID, b.SlotStart, b.CleanerID); err != nil {
			return "", "", err
		}
		b.CleanerID = cleanerID
		return "", "", nil
	})
}

func hkContains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// Cancel cancels a booking, freeing its place.
func (s *HousekeepingService) Cancel(ctx context.Context, id int64, reason string) (*wubu.Booking, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > 500 {
		return nil, wubu.FieldErrorf("reason", wubu.EINVALID, "Notes must be at most %d characters.", 500)
	}
	return s.changeBooking(ctx, wubu.BookingCancel, id, func(tx *Tx, b *wubu.Booking, u *wubu.User) (string, string, error) {
		if err := residentMayChange(ctx, tx, b, u); err != nil {
			return "", "", err
		}
		if err := releasePlace(ctx, tx, b.ProjectID, b.SlotStart, b.CleanerID); err != nil {
			return "", "", err
		}
		if _, err := tx.exec(ctx, `UPDATE hk_bookings SET cancel_reason = ? WHERE project_id = ? AND id = ?`, reason, b.ProjectID, b.ID); err != nil {
			return "", "", err
		}
		b.Status = wubu.BookingCancelled
		text := b.ServiceName + " " + hkSlotText(b.SlotStart)
		if reason != "" {
			text += " · " + reason
		}
		return "housekeeping.cancelled", text, nil
	})
}

// Complete records a booking done, with the needs noticed.
func (s *HousekeepingService) Complete(ctx context.Context, id int64, note string, needs []string) (*wubu.Booking, error) {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 1000 {
		return nil, wubu.FieldErrorf("note", wubu.EINVALID, "Notes must be at most %d characters.", 1000)
	}
	var clean []string
	for _, n := range needs {
		if strings.TrimSpace(n) == "" {
			continue
		}
		t, err := validNeed("needs", n)
		if err != nil {
			return nil, err
		}
		clean = append(clean, t)
	}
	if len(clean) > 10 {
		return nil, wubu.FieldErrorf("needs", wubu.EINVALID, "Note at most %d needs per visit.", 10)
	}
	return s.changeBooking(ctx, wubu.BookingComplete, id, func(tx *Tx, b *wubu.Booking, _ *wubu.User) (string, string, error) {
		if tx.now.Before(b.SlotStart) {
			return "", "", wubu.Errorf(wubu.EINVALID, "A booking can be completed only once its slot has begun.")
		}
		for _, text := range clean {
			bid := b.ID
			if err := addNeed(ctx, tx, &wubu.Need{ProjectID: b.ProjectID, PersonID: b.PersonID, Text: text, Source: "housekeeping", BookingID: &bid}); err != nil {
				return "", "", err
			}
		}
		now := tx.now
		b.Status, b.DoneNote, b.DoneAt = wubu.BookingDone, note, &now
		text := b.ServiceName
		if note != "" {
			text += " · " + note
		}
		return "housekeeping.done", text, nil
	})
}

// residentMayChange lets a resident change only a booking of their own
// homes, until its slot begins; staff as their permission says.
func residentMayChange(ctx context.Context, tx *Tx, b *wubu.Booking, u *wubu.User) error {
	if u.Role != wubu.RoleResident {
		return nil
	}
	if !myRoom(ctx, b.RoomID) {
		return wubu.Errorf(wubu.ENOTFOUND, "Booking not found.")
	}
	if !tx.now.Before(b.SlotStart) {
		return wubu.Errorf(wubu.ECONFLICT, "The slot of this booking has begun: call the service centre to change it.")
	}
	return nil
}
