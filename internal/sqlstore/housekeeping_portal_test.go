package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestPortalBookings (issue 15, C5 resident side): a resident sees the
// catalogue and the free slots, books for one of their homes only (a
// tenant for their own room), sees only their homes' bookings, gets 404
// for another home's booking, cancels until the slot begins — the place is
// free again — and a full slot is refused with a clear message. Each step
// goes through the bookings' life cycle.
func TestPortalBookings(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newPortalWorld(t, db, clock)
		hk := sqlstore.NewHousekeepingService(db)
		svc := &wubu.HomeService{ProjectID: w.f.ProjectA.ID, Category: wubu.ServiceCleaning, Name: "日常保洁", Unit: "次", PriceFen: 20000, DurationMin: 120, Active: true}
		if err := hk.SaveService(w.adminCtx, svc); err != nil {
			t.Fatal(err)
		}
		if err := hk.SaveService(w.adminCtx, &wubu.HomeService{ProjectID: w.f.ProjectA.ID, Category: wubu.ServiceGarden, Name: "停用项目", Unit: "次", PriceFen: 100, DurationMin: 60}); err != nil {
			t.Fatal(err)
		}
		cleaner := w.f.User(t, "cleaner", wubu.RoleStaff, wubu.PostCleaning, w.f.ProjectA)
		st := wubu.DefaultHousekeepingSettings(w.f.ProjectA.ID)
		st.Cleaners = []int64{cleaner.ID}
		if err := hk.SaveSettings(w.adminCtx, st); err != nil {
			t.Fatal(err)
		}
		services, err := hk.MyServices(w.ownerACtx)
		if err != nil || len(services) != 1 || services[0].ID != svc.ID {
			t.Fatalf("catalogue: %v %v", services, err)
		}
		slot := hkAt(1, 10)
		// The tenant of room A books only for room A, not the owner's room C.
		err = hk.BookMine(w.tenantCtx, &wubu.Booking{ServiceID: svc.ID, RoomID: w.roomC.ID, SlotStart: slot})
		if e := wubu.AsError(err); e == nil || e.Code != wubu.EINVALID || e.Field != "room_id" {
			t.Fatalf("tenant books the owner's other room: %v", err)
		}
		b := &wubu.Booking{ServiceID: svc.ID, RoomID: w.roomA.ID, SlotStart: slot, Note: "请带吸尘器"}
		if err := hk.BookMine(w.ownerACtx, b); err != nil {
			t.Fatal(err)
		}
		if b.Status != wubu.BookingBooked || b.PersonID != w.ownerA.ID || b.CleanerID != cleaner.ID || b.PriceFen != 20000 {
			t.Fatalf("booked: %+v", b)
		}
		// The slot is full now: room B's owner is told so, and nothing is written.
		err = hk.BookMine(w.ownerBCtx, &wubu.Booking{ServiceID: svc.ID, RoomID: w.roomB.ID, SlotStart: slot})
		if e := wubu.AsError(err); e == nil || e.Code != wubu.EINVALID || e.Field != "slot" || e.Format != "The slot %s is full: choose another time." {
			t.Fatalf("full slot: %v", err)
		}
		slots, err := hk.MySlots(w.ownerBCtx, "2026-11-28")
		if err != nil || slots[1].Free != 0 || slots[0].Free != 1 {
			t.Fatalf("slots: %+v %v", slots, err)
		}
		// Scope: room A's people see it, room B's owner does not and cannot cancel it.
		for _, c := range []struct {
			name string
			ctx  context.Context
			sees bool
		}{{"owner A", w.ownerACtx, true}, {"tenant A", w.tenantCtx, true}, {"owner B", w.ownerBCtx, false}} {
			list, err := hk.MyBookings(c.ctx)
			if err != nil || (len(list) == 1) != c.sees {
				t.Fatalf("%s sees %d bookings (%v)", c.name, len(list), err)
			}
			if c.sees && (list[0].CleanerName != cleaner.Name || list[0].Note != "请带吸尘器") {
				t.Fatalf("%s sees %+v", c.name, list[0])
			}
		}
		// Moving it: not by another home, not into a full slot; to a free one.
		if _, err := hk.RescheduleMyBooking(w.ownerBCtx, b.ID, hkAt(1, 12)); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("another home moves it: %v", err)
		}
		other := &wubu.Booking{ServiceID: svc.ID, RoomID: w.roomB.ID, SlotStart: hkAt(1, 14)}
		if err := hk.BookMine(w.ownerBCtx, other); err != nil {
			t.Fatal(err)
		}
		if _, err := hk.RescheduleMyBooking(w.ownerACtx, b.ID, hkAt(1, 14)); wubu.AsError(err) == nil || wubu.AsError(err).Field != "slot" {
			t.Fatalf("moved into a full slot: %v", err)
		}
		if moved, err := hk.RescheduleMyBooking(w.ownerACtx, b.ID, hkAt(1, 12)); err != nil || !moved.SlotStart.Equal(hkAt(1, 12)) {
			t.Fatalf("moved: %+v %v", moved, err)
		}
		if moved, err := hk.RescheduleMyBooking(w.tenantCtx, b.ID, slot); err != nil || !moved.SlotStart.Equal(slot) {
			t.Fatalf("moved back: %+v %v", moved, err)
		}
		if _, err := hk.CancelMyBooking(w.ownerBCtx, b.ID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("another home's booking: %v", err)
		}
		if _, err := hk.CancelMyBooking(w.ownerBCtx, b.ID+1000); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("a missing booking: %v", err)
		}
		// The tenant of the room cancels it: the place is free again.
		got, err := hk.CancelMyBooking(w.tenantCtx, b.ID)
		if err != nil || got.Status != wubu.BookingCancelled {
			t.Fatalf("cancel: %+v %v", got, err)
		}
		if _, err := hk.CancelMyBooking(w.tenantCtx, b.ID); wubu.ErrorCode(err) != wubu.ECONFLICT {
			t.Fatalf("cancelled twice: %v", err)
		}
		b2 := &wubu.Booking{ServiceID: svc.ID, RoomID: w.roomB.ID, SlotStart: slot}
		if err := hk.BookMine(w.ownerBCtx, b2); err != nil {
			t.Fatalf("the freed slot: %v", err)
		}
		// The steps are the life cycle's, by the portal's account.
		var n int
		if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM lifecycle_events WHERE object_type = 'booking' AND action IN ('book', 'cancel', 'reschedule')`).Scan(&n); err != nil || n != 6 {
			t.Fatalf("events: %d %v", n, err)
		}
		// Once the slot has begun the resident may no longer cancel.
		clock.Set(slot.Add(time.Minute))
		if _, err := hk.CancelMyBooking(w.ownerBCtx, b2.ID); wubu.ErrorCode(err) != wubu.ECONFLICT {
			t.Fatalf("cancel after the start: %v", err)
		}
		// Staff still can.
		if _, err := hk.Cancel(w.assistantCtx, b2.ID, "住户电话取消"); err != nil {
			t.Fatal(err)
		}
	})
}
