package sqlstore_test

import (
	"context"
	"slices"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestCardByPost is finding 2 and the guard half of finding 10 of issue
// 12: a guard saw 4503**********6132 beside the birthday in clear (digits
// 7–14 of the ID number: a handful of candidates), and could open and
// edit the whole record and the resident's opt-outs. What each post sees
// and changes is the table wubu.CardView.
func TestCardByPost(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newResidentFixture(t, db)
		rs, outbox := f.rs, sqlstore.NewOutboxService(db)
		zhang := f.zhang.ID
		occupation, notes := "退休教师", "每周三女儿来"
		if _, err := rs.UpdatePerson(f.admin, zhang, wubu.PersonUpdate{Occupation: &occupation, Notes: &notes,
			CareFlags: &[]wubu.CareFlag{wubu.CareElderlyAlone, wubu.CareHardship}}); err != nil {
			t.Fatal(err)
		}
		if err := rs.AddCard(f.admin, &wubu.Card{PersonID: zhang, Kind: wubu.CardParking, Number: "P77"}); err != nil {
			t.Fatal(err)
		}
		if err := rs.AddSpecialDay(f.admin, &wubu.SpecialDay{PersonID: zhang, Kind: wubu.DayBirthday, Date: "1949-12-31", Yearly: true}); err != nil {
			t.Fatal(err)
		}
		guard := f.Ctx(f.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA))
		cleaner := f.Ctx(f.User(t, "cleaner", wubu.RoleStaff, wubu.PostCleaning, f.ProjectA))
		asst := f.Ctx(f.User(t, "asst", wubu.RoleStaff, wubu.PostService, f.ProjectA))
		quality := f.Ctx(f.User(t, "quality", wubu.RoleQuality, wubu.PostNone, f.ProjectA))

		t.Run("GuardSees", func(t *testing.T) {
			r, err := rs.FindResident(guard, zhang)
			if err != nil {
				t.Fatal(err)
			}
			if r.Name != "张三" || len(r.Households) != 1 || len(r.Vehicles) != 1 {
				t.Fatalf("guard misses name, room or plate: %+v", r)
			}
			if r.IDNumber != "" || r.Birthday != "" || len(r.Phones) != 0 || r.Occupation != "" || r.Notes != "" ||
				len(r.Cards) != 0 || len(r.SpecialDays) != 0 || len(r.Appliances) != 0 {
				t.Fatalf("guard sees more than the post needs: %+v", r.Person)
			}
			if !slices.Equal(r.CareFlags, []wubu.CareFlag{wubu.CareElderlyAlone}) {
				t.Fatalf("guard sees care flags %v, want only the safety-relevant one", r.CareFlags)
			}
			hits, err := rs.Lookup(guard, f.ProjectA.ID, "粤B12345", 5)
			if err != nil || len(hits) != 1 || hits[0].Phone != "" || len(hits[0].Plates) != 1 || !slices.Equal(hits[0].CareFlags, []wubu.CareFlag{wubu.CareElderlyAlone}) {
				t.Fatalf("guard's lookup: %+v %v", hits, err)
			}
			rows, _, err := rs.FindResidents(guard, wubu.ResidentFilter{ProjectID: f.ProjectA.ID})
			if err != nil || len(rows) != 1 || rows[0].Person.IDNumber != "" || rows[0].Person.Birthday != "" || len(rows[0].Cards) != 0 || len(rows[0].Plates) != 1 {
				t.Fatalf("guard's resident list: %+v %v", rows, err)
			}
		})
		t.Run("GuardChanges", func(t *testing.T) {
			name, birthday := "李四", "1950-01-01"
			_, err := rs.UpdatePerson(guard, zhang, wubu.PersonUpdate{Name: &name})
			wantCode(t, err, wubu.EFORBIDDEN)
			_, err = rs.UpdatePerson(guard, zhang, wubu.PersonUpdate{Birthday: &birthday})
			wantCode(t, err, wubu.EFORBIDDEN)
			wantCode(t, outbox.SetOptOut(guard, zhang, "festival_greeting", true), wubu.EFORBIDDEN)
			wantCode(t, rs.AddCard(guard, &wubu.Card{PersonID: zhang, Kind: wubu.CardAccess, Number: "A1"}), wubu.EFORBIDDEN)
			wantCode(t, rs.AddSpecialDay(guard, &wubu.SpecialDay{PersonID: zhang, Kind: wubu.DayWedding, Date: "1975-05-01"}), wubu.EFORBIDDEN)
			_, err = rs.AddContact(guard, zhang, "聊天")
			wantCode(t, err, wubu.EFORBIDDEN)
			wantCode(t, rs.CreatePerson(guard, &wubu.Person{ProjectID: f.ProjectA.ID, Name: "王五"}), wubu.EFORBIDDEN)
			// What the gate needs: plates and the photo.
			if err := rs.AddVehicle(guard, &wubu.Vehicle{PersonID: zhang, Plate: "粤B99999"}); err != nil {
				t.Fatal(err)
			}
			if err := rs.SetPhoto(guard, zhang, "image/png", testPNG); err != nil {
				t.Fatal(err)
			}
			if r, _ := rs.FindResident(f.admin, zhang); r.Name != "张三" || r.Birthday != "12-31" {
				t.Fatalf("refused changes changed the record: %+v", r.Person)
			}
		})
		t.Run("Cleaner", func(t *testing.T) {
			r, err := rs.FindResident(cleaner, zhang)
			if err != nil || r.HasPhoto || len(r.Vehicles) != 0 || r.Name != "张三" {
				t.Fatalf("cleaner's card: %+v %v", r, err)
			}
			_, _, err = rs.Photo(cleaner, zhang)
			wantCode(t, err, wubu.EFORBIDDEN)
			wantCode(t, rs.AddVehicle(cleaner, &wubu.Vehicle{PersonID: zhang, Plate: "粤B88888"}), wubu.EFORBIDDEN)
		})
		t.Run("NoBirthYearBesideMaskedID", func(t *testing.T) {
			for name, ctx := range map[string]context.Context{"assistant": asst, "quality": quality, "admin": f.admin} {
				r, err := rs.FindResident(ctx, zhang)
				if err != nil {
					t.Fatal(err)
				}
				if r.IDNumber != "1101**********002X" || r.Birthday != "12-31" {
					t.Fatalf("%s: ID %q beside birthday %q", name, r.IDNumber, r.Birthday)
				}
				for _, d := range r.SpecialDays {
					if d.Kind == wubu.DayBirthday && d.Date != "12-31" {
						t.Fatalf("%s: birthday special day %q", name, d.Date)
					}
				}
				tl, _ := rs.Timeline(ctx, zhang, 50)
				for _, e := range tl {
					if e.Kind == "special_day.added" && e.Text != "birthday 12-31" {
						t.Fatalf("%s: timeline %q", name, e.Text)
					}
				}
			}
			// The year is a read of its own, audited, for those who may
			// see the ID number.
			_, err := rs.RevealPersonField(quality, zhang, "birthday")
			wantCode(t, err, wubu.EFORBIDDEN)
			bd, err := rs.RevealPersonField(asst, zhang, "birthday")
			if err != nil || bd[0] != "1949-12-31" {
				t.Fatalf("got %v %v", bd, err)
			}
			entries, _, _ := sqlstore.NewAuditService(db).FindAuditEntries(f.admin, wubu.AuditFilter{Action: wubu.ActionRead, Login: "asst"})
			if len(entries) != 1 || entries[0].Field != "birthday" {
				t.Fatalf("birthday read not audited: %+v", entries)
			}
			// Without an ID number the birthday is no key to anything.
			li := &wubu.Person{ProjectID: f.ProjectA.ID, Name: "李四", Birthday: "1980-03-04"}
			if err := rs.CreatePerson(f.admin, li); err != nil {
				t.Fatal(err)
			}
			if r, _ := rs.FindResident(asst, li.ID); r.Birthday != "1980-03-04" {
				t.Fatalf("birthday without ID number: %q", r.Birthday)
			}
		})
		t.Run("QualityReadsOnly", func(t *testing.T) {
			r, err := rs.FindResident(quality, zhang)
			if err != nil || r.Occupation != occupation || len(r.Cards) != 1 || len(r.CareFlags) != 2 {
				t.Fatalf("quality's card: %+v %v", r, err)
			}
			if u := wubu.UserFromContext(quality); u.MayEdit(wubu.CardName) || len(u.CardView().Edit) != 0 {
				t.Fatal("quality may change a card")
			}
		})
	})
}
