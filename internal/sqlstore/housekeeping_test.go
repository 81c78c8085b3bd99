package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

var hkCST = time.FixedZone("CST", 8*3600)

// hkFixture adds to project A building 5 (1 unit × 2 floors × 3 rooms: 4
// occupied, one whose resident moved out) and building 6 (2 rooms, none
// occupied); project B gets building 1 with one resident.
type hkFixture struct {
	*wubutest.Fixture
	admin     context.Context
	rs        *sqlstore.ResidentService
	ins       *sqlstore.InspectionService
	hk        *sqlstore.HousekeepingService
	persons   map[string]*wubu.Person // by room label
	rooms     map[string]int64
	buildings map[string]int64 // "A5", "A6", "B1"
}

func newHKFixture(t *testing.T, db *sqlstore.DB) *hkFixture {
	t.Helper()
	f := &hkFixture{Fixture: wubutest.NewFixture(t, db), rs: sqlstore.NewResidentService(db), ins: sqlstore.NewInspectionService(db),
		hk: sqlstore.NewHousekeepingService(db), persons: map[string]*wubu.Person{}, rooms: map[string]int64{}, buildings: map[string]int64{}}
	f.admin = f.Ctx(f.Admin)
	org := sqlstore.NewOrgService(db)
	for _, g := range []struct {
		key      string
		p        *wubu.Project
		b        string
		floors   int
		perFloor int
	}{{"A5", f.ProjectA, "5", 2, 3}, {"A6", f.ProjectA, "6", 1, 2}, {"B1", f.ProjectB, "1", 1, 2}} {
		res, err := org.GenerateRooms(f.admin, wubu.RoomGeneration{ProjectID: g.p.ID, Building: g.b, Units: 1, Floors: g.floors, PerFloor: g.perFloor})
		if err != nil {
			t.Fatal(err)
		}
		f.buildings[g.key] = res.Building.ID
		rooms, _, err := org.FindRooms(f.admin, wubu.RoomFilter{ProjectID: g.p.ID, BuildingID: &res.Building.ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rooms {
			f.rooms[r.Label] = r.ID
		}
	}
	add := func(p *wubu.Project, label, name, moveOut string) {
		person := &wubu.Person{ProjectID: p.ID, Name: name}
		if err := f.rs.CreatePersonInRoom(f.admin, person, &wubu.Household{RoomID: f.rooms[label], Relation: wubu.RelationOwner, MoveOut: moveOut}); err != nil {
			t.Fatalf("resident of %s: %v", label, err)
		}
		f.persons[label] = person
	}
	add(f.ProjectA, "5-1-101", "王一", "")
	add(f.ProjectA, "5-1-102", "王二", "")
	add(f.ProjectA, "5-1-201", "王三", "")
	add(f.ProjectA, "5-1-202", "王四", "")
	add(f.ProjectA, "5-1-203", "王五", "2025-01-01") // moved out
	add(f.ProjectB, "1-1-101", "李一", "")
	// A second resident of 5-1-101: still one visit for the room.
	family := &wubu.Person{ProjectID: f.ProjectA.ID, Name: "王一妻"}
	if err := f.rs.CreatePersonInRoom(f.admin, family, &wubu.Household{RoomID: f.rooms["5-1-101"], Relation: wubu.RelationFamily}); err != nil {
		t.Fatal(err)
	}
	return f
}

func hkCount(t *testing.T, db *sqlstore.DB, table string) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInspectionCampaign(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newHKFixture(t, db)
		tech := f.User(t, "tech", wubu.RoleStaff, wubu.PostMaintenance, f.ProjectA)
		techCtx := f.Ctx(tech)
		lead := f.User(t, "techlead", wubu.RoleTeamLeader, wubu.PostMaintenance, f.ProjectA)
		leadCtx := f.Ctx(lead)

		t.Run("NothingOnFailure", func(t *testing.T) {
			for name, c := range map[string]*wubu.Campaign{
				"OtherProjectsBuilding": {ProjectID: f.ProjectA.ID, Kind: wubu.CampaignHomeInspection, Name: "免费入户检查", StartsOn: "2026-12-01", EndsOn: "2026-12-10",
					BuildingIDs: []int64{f.buildings["A5"], f.buildings["B1"]}},
				"NoOccupiedRooms": {ProjectID: f.ProjectA.ID, Kind: wubu.CampaignHomeInspection, Name: "空楼", StartsOn: "2026-12-01", EndsOn: "2026-12-10",
					BuildingIDs: []int64{f.buildings["A6"]}},
				"EndBeforeStart": {ProjectID: f.ProjectA.ID, Kind: wubu.CampaignHolidayElectrical, Name: "节前电气检查", StartsOn: "2026-12-10", EndsOn: "2026-12-01",
					BuildingIDs: []int64{f.buildings["A5"]}},
				"BadKind": {ProjectID: f.ProjectA.ID, Kind: "party", Name: "x", StartsOn: "2026-12-01", EndsOn: "2026-12-10", BuildingIDs: []int64{f.buildings["A5"]}},
			} {
				if err := f.ins.CreateCampaign(f.admin, c); err == nil {
					t.Fatalf("%s: created", name)
				}
				if n := hkCount(t, db, "inspection_campaigns") + hkCount(t, db, "inspection_visits") + hkCount(t, db, "campaign_buildings"); n != 0 {
					t.Fatalf("%s: %d rows left behind", name, n)
				}
			}
			// A technician may not set campaigns up.
			err := f.ins.CreateCampaign(techCtx, &wubu.Campaign{ProjectID: f.ProjectA.ID, Kind: wubu.CampaignOther, Name: "x", StartsOn: "2026-12-01", EndsOn: "2026-12-01", BuildingIDs: []int64{f.buildings["A5"]}})
			wantCode(t, err, wubu.EFORBIDDEN)
		})

		c := &wubu.Campaign{ProjectID: f.ProjectA.ID, Kind: wubu.CampaignHolidayElectrical, Name: "春节前电气检查", StartsOn: "2026-11-27", EndsOn: "2026-12-10",
			BuildingIDs: []int64{f.buildings["A5"], f.buildings["A6"], f.buildings["A5"]}}
		if err := f.ins.CreateCampaign(f.admin, c); err != nil {
			t.Fatal(err)
		}
		t.Run("OneVisitPerOccupiedRoom", func(t *testing.T) {
			visits, total, err := f.ins.FindVisits(f.admin, wubu.VisitFilter{CampaignID: c.ID})
			if err != nil {
				t.Fatal(err)
			}
			if total != 4 || len(visits) != 4 || c.Visits != 4 {
				t.Fatalf("got %d visits (%d, campaign says %d), want 4", len(visits), total, c.Visits)
			}
			seen := map[string]bool{}
			for _, v := range visits {
				if seen[v.RoomLabel] {
					t.Errorf("room %s visited twice", v.RoomLabel)
				}
				seen[v.RoomLabel] = true
			}
			for _, want := range []string{"5-1-101", "5-1-102", "5-1-201", "5-1-202"} {
				if !seen[want] {
					t.Errorf("no visit for %s", want)
				}
			}
			if visits[0].RoomLabel != "5-1-101" || len(visits[0].Residents) != 2 {
				t.Errorf("first visit %s with residents %v, want 5-1-101 with two", visits[0].RoomLabel, visits[0].Residents)
			}
			// Another project's staff sees nothing of it.
			other := f.User(t, "othertech", wubu.RoleStaff, wubu.PostMaintenance, f.ProjectB)
			_, err = f.ins.FindCampaign(f.Ctx(other), c.ID)
			wantCode(t, err, wubu.ENOTFOUND)
		})

		visits, _, _ := f.ins.FindVisits(f.admin, wubu.VisitFilter{CampaignID: c.ID})
		byRoom := map[string]*wubu.InspectionVisit{}
		for _, v := range visits {
			byRoom[v.RoomLabel] = v
		}

		t.Run("Assign", func(t *testing.T) {
			_, err := f.ins.AssignVisits(techCtx, c.ID, &c.BuildingIDs[0], nil, tech.ID)
			wantCode(t, err, wubu.EFORBIDDEN)
			n, err := f.ins.AssignVisits(leadCtx, c.ID, &c.BuildingIDs[0], nil, tech.ID)
			if err != nil || n != 4 {
				t.Fatalf("assigned %d: %v, want 4", n, err)
			}
			other := f.User(t, "btech", wubu.RoleStaff, wubu.PostMaintenance, f.ProjectB)
			_, err = f.ins.AssignVisits(leadCtx, c.ID, nil, []int64{visits[0].ID}, other.ID)
			wantCode(t, err, wubu.EINVALID)
			mine, err := f.ins.MyVisits(techCtx, f.ProjectA.ID)
			if err != nil || len(mine) != 4 {
				t.Fatalf("my visits: %d, %v", len(mine), err)
			}
		})

		t.Run("FindingLandsOnTimelineAndAppliance", func(t *testing.T) {
			clock.Add(2 * time.Hour)
			png := []byte("\x89PNG\r\n\x1a\n0000000000000000")
			v, err := f.ins.RecordVisit(techCtx, byRoom["5-1-101"].ID, wubu.VisitRecord{Status: wubu.VisitDone, Note: "已提醒节日用电注意事项",
				Findings: []*wubu.Finding{
					{Appliance: "空调", Problem: "插座发热", Severity: wubu.SeverityHigh, NeedsRepair: true, Photo: png},
					{Appliance: "配电箱", Problem: "漏电保护未测试", Severity: wubu.SeverityLow},
				}})
			if err != nil {
				t.Fatal(err)
			}
			if v.Status != wubu.VisitDone || len(v.Findings) != 2 || !v.Findings[0].HasPhoto {
				t.Fatalf("got %+v", v)
			}
			for _, p := range []string{"王一"} {
				_ = p
			}
			res, err := f.rs.FindResident(f.admin, f.persons["5-1-101"].ID)
			if err != nil {
				t.Fatal(err)
			}
			types := map[string]bool{}
			for _, a := range res.Appliances {
				types[a.Type] = true
			}
			if !types["空调"] || !types["配电箱"] {
				t.Errorf("appliances %v, want 空调 and 配电箱 on the record", types)
			}
			tl, err := f.rs.Timeline(f.admin, f.persons["5-1-101"].ID, 20)
			if err != nil {
				t.Fatal(err)
			}
			kinds := map[string]string{}
			for _, e := range tl {
				kinds[e.Kind] = e.Text
			}
			if kinds["inspection.needs_repair"] != "空调: 插座发热" || kinds["inspection.finding"] != "配电箱: 漏电保护未测试" || kinds["inspection.done"] != "春节前电气检查" {
				t.Errorf("timeline %v", kinds)
			}
			room, err := f.ins.RoomFindings(f.admin, f.rooms["5-1-101"])
			if err != nil || len(room) != 2 || room[0].CampaignName != "春节前电气检查" {
				t.Fatalf("room findings %v: %v", room, err)
			}
			ct, data, err := f.ins.FindingPhoto(f.admin, v.Findings[0].ID)
			if err != nil || ct != "image/png" || len(data) != len(png) {
				t.Errorf("photo %s %d: %v", ct, len(data), err)
			}
			// Once done, a visit is not recorded again.
			_, err = f.ins.RecordVisit(techCtx, byRoom["5-1-101"].ID, wubu.VisitRecord{Status: wubu.VisitRefused})
			wantCode(t, err, wubu.ECONFLICT)
		})

		t.Run("NotHomeThenDoneAndProgress", func(t *testing.T) {
			_, err := f.ins.RecordVisit(techCtx, byRoom["5-1-102"].ID, wubu.VisitRecord{Status: wubu.VisitNotHome, Findings: []*wubu.Finding{{Appliance: "灯", Problem: "x"}}})
			wantCode(t, err, wubu.EINVALID)
			if _, err := f.ins.RecordVisit(techCtx, byRoom["5-1-102"].ID, wubu.VisitRecord{Status: wubu.VisitNotHome}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.ins.RecordVisit(techCtx, byRoom["5-1-201"].ID, wubu.VisitRecord{Status: wubu.VisitRefused}); err != nil {
				t.Fatal(err)
			}
			prog, err := f.ins.CampaignProgress(f.admin, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(prog) != 2 || prog[0].BuildingName != "5" || prog[0].Visits != 4 || prog[0].Done != 1 || prog[0].NotHome != 1 || prog[0].Refused != 1 || prog[0].PercentDone != 25 {
				t.Fatalf("progress %+v", prog[0])
			}
			if prog[1].Visits != 0 || prog[1].PercentDone != 0 {
				t.Errorf("empty building progress %+v", prog[1])
			}
			if _, err := f.ins.RecordVisit(techCtx, byRoom["5-1-102"].ID, wubu.VisitRecord{Status: wubu.VisitDone}); err != nil {
				t.Fatalf("a visit not at home may be made again: %v", err)
			}
			got, _ := f.ins.FindCampaign(f.admin, c.ID)
			if got.Done != 2 || got.Recorded != 3 || got.Percent() != 50 {
				t.Errorf("campaign progress %d done, %d recorded, %d%%", got.Done, got.Recorded, got.Percent())
			}
		})
	})
}

// hkSetup gives project A a catalogue entry and a roster of n cleaners.
func hkSetup(t *testing.T, f *hkFixture, n, perCleaner int) (*wubu.HomeService, []*wubu.User) {
	t.Helper()
	svc := &wubu.HomeService{ProjectID: f.ProjectA.ID, Category: wubu.ServiceCleaning, Name: "日常保洁", Unit: "次", PriceFen: 20000, DurationMin: 120, Active: true}
	if err := f.hk.SaveService(f.admin, svc); err != nil {
		t.Fatal(err)
	}
	st := wubu.DefaultHousekeepingSettings(f.ProjectA.ID)
	st.PerCleaner = perCleaner
	var cleaners []*wubu.User
	for i := range n {
		u := f.User(t, fmt.Sprintf("cleaner%d", i), wubu.RoleStaff, wubu.PostCleaning, f.ProjectA)
		cleaners = append(cleaners, u)
		st.Cleaners = append(st.Cleaners, u.ID)
	}
	if err := f.hk.SaveSettings(f.admin, st); err != nil {
		t.Fatal(err)
	}
	return svc, cleaners
}

// at returns a time of a day after the fixture clock's start, China time.
func hkAt(days, hour int) time.Time {
	return time.Date(2026, 11, 27+days, hour, 0, 0, 0, hkCST)
}

func TestBookings(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newHKFixture(t, db)
		svc, cleaners := hkSetup(t, f, 1, 1)
		desk := f.User(t, "desk", wubu.RoleStaff, wubu.PostService, f.ProjectA)
		ctx := f.Ctx(desk)
		p1, p2 := f.persons["5-1-101"], f.persons["5-1-102"]

		b1 := &wubu.Booking{ServiceID: svc.ID, PersonID: p1.ID, SlotStart: hkAt(1, 10)}
		if err := f.hk.Book(ctx, b1); err != nil {
			t.Fatal(err)
		}
		if b1.CleanerID != cleaners[0].ID || b1.PriceFen != 20000 || b1.RoomLabel != "5-1-101" || !b1.SlotEnd.Equal(hkAt(1, 12)) {
			t.Fatalf("booking %+v", b1)
		}

		t.Run("FullSlotRefused", func(t *testing.T) {
			before := hkCount(t, db, "hk_bookings")
			err := f.hk.Book(ctx, &wubu.Booking{ServiceID: svc.ID, PersonID: p2.ID, SlotStart: hkAt(1, 10)})
			wantCode(t, err, wubu.EINVALID)
			if e := wubu.AsError(err); e.Field != "slot" || e.Format != "The slot %s is full: choose another time." {
				t.Errorf("got %q on %q", e.Format, e.Field)
			}
			if hkCount(t, db, "hk_bookings") != before {
				t.Error("a refused booking was written")
			}
			slots, err := f.hk.Slots(ctx, f.ProjectA.ID, "2026-11-28")
			if err != nil || len(slots) != 5 || slots[1].Free != 0 || slots[1].Booked != 1 || slots[0].Free != 1 {
				t.Fatalf("slots %v: %v", slots, err)
			}
		})
		t.Run("BadSlots", func(t *testing.T) {
			for name, slot := range map[string]time.Time{"Past": hkAt(0, 8), "OffGrid": hkAt(1, 9), "AfterHours": hkAt(1, 18), "TooFarAhead": hkAt(90, 10)} {
				err := f.hk.Book(ctx, &wubu.Booking{ServiceID: svc.ID, PersonID: p2.ID, SlotStart: slot})
				if e := wubu.AsError(err); e == nil || e.Field != "slot" {
					t.Errorf("%s: got %v", name, err)
				}
			}
			err := f.hk.Book(ctx, &wubu.Booking{ServiceID: svc.ID, PersonID: f.persons["1-1-101"].ID, SlotStart: hkAt(1, 14)})
			wantCode(t, err, wubu.ENOTFOUND)
		})

		b2 := &wubu.Booking{ServiceID: svc.ID, PersonID: p2.ID, SlotStart: hkAt(1, 12)}
		if err := f.hk.Book(ctx, b2); err != nil {
			t.Fatal(err)
		}
		t.Run("Reschedule", func(t *testing.T) {
			_, err := f.hk.Reschedule(ctx, b2.ID, hkAt(1, 10))
			wantCode(t, err, wubu.EINVALID)
			got, _ := f.hk.FindBooking(ctx, b2.ID)
			if !got.SlotStart.Equal(hkAt(1, 12)) {
				t.Fatalf("a refused reschedule moved the booking to %v", got.SlotStart)
			}
			moved, err := f.hk.Reschedule(ctx, b2.ID, hkAt(1, 14))
			if err != nil || !moved.SlotStart.Equal(hkAt(1, 14)) {
				t.Fatalf("reschedule: %v %v", moved, err)
			}
			// The old slot is free again.
			if err := f.hk.Book(ctx, &wubu.Booking{ServiceID: svc.ID, PersonID: f.persons["5-1-201"].ID, SlotStart: hkAt(1, 12)}); err != nil {
				t.Fatalf("the freed slot: %v", err)
			}
		})
		t.Run("CancelFreesThePlace", func(t *testing.T) {
			if _, err := f.hk.Cancel(ctx, b1.ID, "客户临时出差"); err != nil {
				t.Fatal(err)
			}
			_, err := f.hk.Cancel(ctx, b1.ID, "")
			wantCode(t, err, wubu.ECONFLICT)
			b3 := &wubu.Booking{ServiceID: svc.ID, PersonID: f.persons["5-1-202"].ID, SlotStart: hkAt(1, 10)}
			if err := f.hk.Book(ctx, b3); err != nil {
				t.Fatalf("the cancelled place: %v", err)
			}
		})
		t.Run("CompleteWithNeeds", func(t *testing.T) {
			cctx := f.Ctx(cleaners[0])
			_, err := f.hk.Complete(cctx, b2.ID, "", nil)
			wantCode(t, err, wubu.EINVALID) // the slot has not begun
			clock.Set(hkAt(1, 15))
			done, err := f.hk.Complete(cctx, b2.ID, "厨房油污较重", []string{"窗帘需要清洗", " ", "空调滤网脏"})
			if err != nil || done.Status != wubu.BookingDone {
				t.Fatalf("complete: %v %v", done, err)
			}
			needs, err := f.hk.Needs(ctx, p2.ID)
			if err != nil || len(needs) != 2 || needs[0].Source != "housekeeping" || needs[0].BookingID == nil {
				t.Fatalf("needs %v: %v", needs, err)
			}
			tl, _ := f.rs.Timeline(f.admin, p2.ID, 20)
			n := 0
			for _, e := range tl {
				if e.Kind == "need.noted" {
					n++
				}
			}
			if n != 2 {
				t.Errorf("%d needs on the timeline, want 2", n)
			}
			_, err = f.hk.Reschedule(ctx, b2.ID, hkAt(2, 10))
			wantCode(t, err, wubu.ECONFLICT)
		})
		t.Run("MyBookingsToday", func(t *testing.T) {
			from, to := hkAt(1, 0), hkAt(2, 0)
			mine, total, err := f.hk.FindBookings(f.Ctx(cleaners[0]), wubu.BookingFilter{ProjectID: f.ProjectA.ID, CleanerID: &cleaners[0].ID, From: &from, To: &to})
			if err != nil || total != 4 || len(mine) != 4 || !mine[0].SlotStart.Equal(hkAt(1, 10)) {
				t.Fatalf("my bookings %d %v", total, err)
			}
		})
	})
}

func TestPromotionWeek(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newHKFixture(t, db)
		svc, _ := hkSetup(t, f, 3, 1)
		promo := &wubu.Promotion{ProjectID: f.ProjectA.ID, Name: "家政优惠周", StartsOn: "2026-11-30", EndsOn: "2026-12-06",
			Prices: []wubu.PromotionPrice{{ServiceID: svc.ID, PriceFen: 15000}}}
		bad := *promo
		bad.Prices = []wubu.PromotionPrice{{ServiceID: svc.ID, PriceFen: 25000}}
		wantCode(t, f.hk.CreatePromotion(f.admin, &bad), wubu.EINVALID)
		if err := f.hk.CreatePromotion(f.admin, promo); err != nil {
			t.Fatal(err)
		}
		p := f.persons["5-1-101"]
		for _, c := range []struct {
			name  string
			slot  time.Time
			price int64
			promo bool
		}{
			{"DayBefore", hkAt(2, 16), 20000, false}, // 11-29
			{"FirstDay", hkAt(3, 8), 15000, true},    // 11-30
			{"LastDay", hkAt(9, 16), 15000, true},    // 12-06
			{"DayAfter", hkAt(10, 8), 20000, false},  // 12-07
		} {
			b := &wubu.Booking{ServiceID: svc.ID, PersonID: p.ID, SlotStart: c.slot}
			if err := f.hk.Book(f.admin, b); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if b.PriceFen != c.price || b.ListPriceFen != 20000 || (b.PromotionID != nil) != c.promo {
				t.Errorf("%s: price %d (list %d, promotion %v), want %d", c.name, b.PriceFen, b.ListPriceFen, b.PromotionID, c.price)
			}
			if c.name == "FirstDay" {
				moved, err := f.hk.Reschedule(f.admin, b.ID, hkAt(11, 10))
				if err != nil || moved.PriceFen != 20000 || moved.PromotionID != nil {
					t.Errorf("rescheduled out of the week: %v, %v", moved, err)
				}
			}
		}
		services, err := f.hk.FindServices(f.admin, f.ProjectA.ID, false)
		if err != nil || len(services) != 1 || services[0].PromoPriceFen != nil {
			t.Errorf("today (before the week) shows a promotion: %v", err)
		}
		clock.Set(hkAt(4, 9))
		services, _ = f.hk.FindServices(f.admin, f.ProjectA.ID, false)
		if services[0].PromoPriceFen == nil || *services[0].PromoPriceFen != 15000 {
			t.Errorf("during the week the catalogue shows %v", services[0].PromoPriceFen)
		}
	})
}

// TestBookingRace books the last places of a slot from many clients at
// once: exactly as many win as there are places, on both databases.
func TestBookingRace(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newHKFixture(t, db)
		svc, _ := hkSetup(t, f, 2, 1)
		labels := []string{"5-1-101", "5-1-102", "5-1-201", "5-1-202"}
		for round := range 3 {
			slot := hkAt(1, 8+2*round)
			// One place taken: one left for four clients. The other
			// cleaner's load row exists already (booked, then cancelled), so
			// the race is on an update, not on creating the row.
			for i := range 2 {
				b := &wubu.Booking{ServiceID: svc.ID, PersonID: f.persons[labels[i]].ID, SlotStart: slot}
				if err := f.hk.Book(f.admin, b); err != nil {
					t.Fatal(err)
				}
				if i == 1 {
					if _, err := f.hk.Cancel(f.admin, b.ID, ""); err != nil {
						t.Fatal(err)
					}
				}
			}
			var wg sync.WaitGroup
			errs := make([]error, 4)
			for i := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[i] = f.hk.Book(f.admin, &wubu.Booking{ServiceID: svc.ID, PersonID: f.persons[labels[i]].ID, SlotStart: slot})
				}()
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				switch wubu.ErrorCode(err) {
				case "":
					won++
				case wubu.EINVALID:
				default:
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if won != 1 {
				t.Fatalf("round %d: %d bookings won the last place, want 1", round, won)
			}
			slots, _ := f.hk.Slots(f.admin, f.ProjectA.ID, "2026-11-28")
			if s := slots[round]; s.Booked != 2 || s.Free != 0 {
				t.Errorf("round %d: slot %+v", round, s)
			}
		}
		// A race to reschedule into the last place: one wins.
		b1 := &wubu.Booking{ServiceID: svc.ID, PersonID: f.persons[labels[0]].ID, SlotStart: hkAt(2, 8)}
		b2 := &wubu.Booking{ServiceID: svc.ID, PersonID: f.persons[labels[1]].ID, SlotStart: hkAt(2, 8)}
		b3 := &wubu.Booking{ServiceID: svc.ID, PersonID: f.persons[labels[2]].ID, SlotStart: hkAt(2, 10)}
		for _, b := range []*wubu.Booking{b1, b2, b3} {
			if err := f.hk.Book(f.admin, b); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, b := range []*wubu.Booking{b1, b2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.hk.Reschedule(f.admin, b.ID, hkAt(2, 10))
			}()
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("reschedule race: %v, %v; want one winner", errs[0], errs[1])
		}
		slots, _ := f.hk.Slots(f.admin, f.ProjectA.ID, "2026-11-29")
		if slots[0].Booked != 1 || slots[1].Booked != 2 {
			t.Errorf("after the race: %+v %+v", slots[0], slots[1])
		}

		// Cancelling and rescheduling one booking at once: either both in
		// turn (reschedule, then cancel) or one refused; the places taken
		// match the booking's final state.
		b4 := &wubu.Booking{ServiceID: svc.ID, PersonID: f.persons[labels[3]].ID, SlotStart: hkAt(3, 8)}
		if err := f.hk.Book(f.admin, b4); err != nil {
			t.Fatal(err)
		}
		wg.Add(2)
		go func() { defer wg.Done(); _, errs[0] = f.hk.Cancel(f.admin, b4.ID, "") }()
		go func() { defer wg.Done(); _, errs[1] = f.hk.Reschedule(f.admin, b4.ID, hkAt(3, 10)) }()
		wg.Wait()
		if errs[0] != nil && errs[1] != nil {
			t.Fatalf("cancel/reschedule race: %v, %v; want one to win", errs[0], errs[1])
		}
		slots, _ = f.hk.Slots(f.admin, f.ProjectA.ID, "2026-11-30")
		got := slots[0].Booked + slots[1].Booked
		if want := map[bool]int{true: 0, false: 1}[errs[0] == nil]; got != want {
			t.Errorf("after cancel/reschedule race: %d places taken, want %d", got, want)
		}

		// Two technicians record one visit at once: one is told it is done.
		c := &wubu.Campaign{ProjectID: f.ProjectA.ID, Kind: wubu.CampaignOther, Name: "复查", StartsOn: "2026-11-27", EndsOn: "2026-11-30", BuildingIDs: []int64{f.buildings["A5"]}}
		if err := f.ins.CreateCampaign(f.admin, c); err != nil {
			t.Fatal(err)
		}
		visits, _, _ := f.ins.FindVisits(f.admin, wubu.VisitFilter{CampaignID: c.ID})
		wg.Add(2)
		for i := range 2 {
			go func() {
				defer wg.Done()
				_, errs[i] = f.ins.RecordVisit(f.admin, visits[0].ID, wubu.VisitRecord{Status: wubu.VisitDone, Findings: []*wubu.Finding{{Appliance: "燃气灶", Problem: "软管老化"}}})
			}()
		}
		wg.Wait()
		if wubu.ErrorCode(errs[0]) == "" == (wubu.ErrorCode(errs[1]) == "") {
			t.Fatalf("record race: %v, %v; want one winner", errs[0], errs[1])
		}
		if fs, _ := f.ins.RoomFindings(f.admin, visits[0].RoomID); len(fs) != 1 {
			t.Errorf("%d findings recorded, want 1", len(fs))
		}
	})
}

// TestHousekeepingAgenda puts a cleaner's bookings of the day and a
// technician's visits on their agenda.
func TestHousekeepingAgenda(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newHKFixture(t, db)
		svc, cleaners := hkSetup(t, f, 1, 1)
		tech := f.User(t, "agendatech", wubu.RoleStaff, wubu.PostMaintenance, f.ProjectA)
		for i, label := range []string{"5-1-101", "5-1-102"} {
			if err := f.hk.Book(f.admin, &wubu.Booking{ServiceID: svc.ID, PersonID: f.persons[label].ID, SlotStart: hkAt(0, 10+2*i)}); err != nil {
				t.Fatal(err)
			}
		}
		// Tomorrow's booking is not on today's agenda.
		if err := f.hk.Book(f.admin, &wubu.Booking{ServiceID: svc.ID, PersonID: f.persons["5-1-201"].ID, SlotStart: hkAt(1, 10)}); err != nil {
			t.Fatal(err)
		}
		c := &wubu.Campaign{ProjectID: f.ProjectA.ID, Kind: wubu.CampaignHomeInspection, Name: "免费入户检查", StartsOn: "2026-11-27", EndsOn: "2026-11-28", BuildingIDs: []int64{f.buildings["A5"]}}
		if err := f.ins.CreateCampaign(f.admin, c); err != nil {
			t.Fatal(err)
		}
		a5 := f.buildings["A5"]
		if _, err := f.ins.AssignVisits(f.admin, c.ID, &a5, nil, tech.ID); err != nil {
			t.Fatal(err)
		}
		src := sqlstore.NewHousekeepingAgenda(db)
		clock.Set(hkAt(0, 11))
		items, err := src.Agenda(f.Ctx(cleaners[0]), clock.Now())
		if err != nil || len(items) != 2 || !items[0].Overdue || items[0].Urgency != wubu.UrgencyHigh || items[1].Overdue || items[0].Href == "" {
			t.Fatalf("cleaner's agenda %+v: %v", items, err)
		}
		items, err = src.Agenda(f.Ctx(tech), clock.Now())
		if err != nil || len(items) != 1 || items[0].Text != "4 home visits to make for 免费入户检查" || items[0].Urgency != wubu.UrgencyNormal {
			t.Fatalf("technician's agenda %+v: %v", items, err)
		}
	})
}
