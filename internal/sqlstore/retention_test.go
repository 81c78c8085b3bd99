package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestRetentionPurge runs the daily purge on a controlled clock: a
// resident moved out longer ago than the project keeps is erased, old
// sign-in records go, and audit entries past their retention leave the
// front of the chain, which still verifies; what the purge removed is
// itself in the audit log.
func TestRetentionPurge(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newResidentFixture(t, db)
		ret := sqlstore.NewRetentionService(db)
		mgr := f.Ctx(f.User(t, "mgr", wubu.RoleManager, wubu.PostNone, f.ProjectA))
		guard := f.Ctx(f.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA))

		t.Run("Settings", func(t *testing.T) {
			set, err := ret.Retention(mgr, f.ProjectA.ID)
			if err != nil || !set.Default || set.AuditDays < wubu.MinAuditDays {
				t.Fatalf("defaults: %+v %v", set, err)
			}
			short := *set
			short.AuditDays = 90
			wantCode(t, ret.SaveRetention(mgr, &short), wubu.EINVALID)
			wantCode(t, ret.SaveRetention(guard, set), wubu.EFORBIDDEN)
			set.OutboxDays, set.MovedOutDays, set.PhotosDays = 90, 365, 365
			if err := ret.SaveRetention(mgr, set); err != nil {
				t.Fatal(err)
			}
			if got, _ := ret.Retention(mgr, f.ProjectA.ID); got.Default || got.OutboxDays != 90 {
				t.Fatalf("saved: %+v", got)
			}
		})

		gone := &wubu.Person{ProjectID: f.ProjectA.ID, Name: "搬走的人", Phones: []string{"13900009999"}}
		if err := f.rs.CreatePersonInRoom(f.admin, gone, &wubu.Household{RoomID: f.roomA, Relation: wubu.RelationTenant, MoveIn: "2020-01-01", MoveOut: clock.Now().AddDate(0, 0, -100).Format(time.DateOnly)}); err != nil {
			t.Fatal(err)
		}
		sqlstore.NewAuthService(db).Login(context.Background(), "nobody", "WrongPass1", "web")
		hs := sqlstore.NewHazardService(db, newClocks(t, db))
		old := &wubu.Hazard{ProjectID: f.ProjectA.ID, Place: "3栋楼道", Description: "堆放纸箱", Severity: wubu.SeverityLow}
		if err := hs.ReportHazard(guard, old, &wubu.Photo{Data: testPNG}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SealAllAudit(context.Background()); err != nil {
			t.Fatal(err)
		}
		// Nothing has passed its time yet: moved out 100 days ago, kept 365.
		if res, err := ret.Purge(context.Background()); err != nil || *res != (wubu.PurgeResult{}) {
			t.Fatalf("first purge: %+v %v", res, err)
		}

		clock.Add(400 * 24 * time.Hour)
		recent := &wubu.Hazard{ProjectID: f.ProjectA.ID, Place: "5栋楼道", Description: "电动车", Severity: wubu.SeverityLow}
		if err := hs.ReportHazard(guard, recent, &wubu.Photo{Data: testPNG}); err != nil {
			t.Fatal(err)
		}
		res, err := ret.Purge(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		// The photo taken 400 days ago is past the project's 365; the
		// hazard keeps its row, the recent one its photo.
		if res.PhotosDeleted != 1 {
			t.Fatalf("photos deleted: %+v", res)
		}
		for _, c := range []struct {
			h    *wubu.Hazard
			want int
		}{{old, 0}, {recent, 1}} {
			got, err := hs.FindHazard(mgr, c.h.ID)
			if err != nil || len(got.Photos) != c.want {
				t.Fatalf("hazard %q after the purge: %v photos, err %v; want %d", c.h.Place, len(got.Photos), err, c.want)
			}
		}
		if res.PersonsErased != 1 || res.SignInsDeleted != 1 || res.AuditPurged == 0 {
			t.Fatalf("purge after 400 days: %+v", res)
		}
		if r, _ := f.rs.FindResident(f.admin, gone.ID); r.Name != wubu.ErasedName {
			t.Fatalf("moved-out resident kept: %q", r.Name)
		}
		if r, _ := f.rs.FindResident(f.admin, f.zhang.ID); r.Name != "张三" {
			t.Fatalf("a current resident was erased: %q", r.Name)
		}
		v, err := db.VerifyAudit(context.Background())
		if err != nil || !v.Intact() || v.From <= 1 {
			t.Fatalf("audit chain after the purge: %+v %v", v, err)
		}
		entries, _, _ := sqlstore.NewAuditService(db).FindAuditEntries(f.admin, wubu.AuditFilter{ObjectType: "retention", Action: wubu.ActionDelete})
		if len(entries) < 2 {
			t.Fatalf("the purge is not in the audit log: %+v", entries)
		}
		if res, err := ret.Purge(context.Background()); err != nil || res.PersonsErased != 0 || res.AuditPurged != 0 {
			t.Fatalf("second purge the same day: %+v %v", res, err)
		}
	})
}
