package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestResidentRights checks PIPL Art. 45 and 47: a copy of everything
// held about a resident, audited; and erasure that leaves none of the
// person's values in any table but the audit log (every column scanned),
// which holds no full phone or ID number, while orders and passes keep
// their rows.
func TestResidentRights(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newOrderFixture(t, db, clock)
		admin := f.Ctx(f.Admin)
		rs, rights := sqlstore.NewResidentService(db), sqlstore.NewResidentRights(db)
		wang := f.person.ID
		idn, notes := "11010519491231002X", "女儿住在深圳南山区"
		occupation := "退休会计师"
		if _, err := rs.UpdatePerson(admin, wang, wubu.PersonUpdate{IDNumber: &idn, Notes: &notes, Occupation: &occupation}); err != nil {
			t.Fatal(err)
		}
		for _, err := range []error{
			rs.AddVehicle(admin, &wubu.Vehicle{PersonID: wang, Plate: "粤B6K321"}),
			rs.AddCard(admin, &wubu.Card{PersonID: wang, Kind: wubu.CardAccess, Number: "MJ-4711"}),
			rs.AddSpecialDay(admin, &wubu.SpecialDay{PersonID: wang, Kind: wubu.DayWedding, Date: "1975-05-01", Yearly: true}),
			rs.SetPhoto(admin, wang, "image/png", testPNG),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := rs.AddContact(admin, wang, "王芳来电：13800138000 打不通时打座机"); err != nil {
			t.Fatal(err)
		}
		f.open(t, wubu.OrderNormal, nil)
		guard := f.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA)
		passes := sqlstore.NewPassService(db, f.clocks)
		if _, err := passes.StartPass(f.Ctx(guard), &wubu.NewPass{ProjectID: f.ProjectA.ID, RoomID: f.room, PersonID: &wang, Items: []string{"王芳的沙发"}, Gate: "东门"}); err != nil {
			t.Fatal(err)
		}
		values := []string{"王芳", "13800138000", idn, "粤B6K321", "MJ-4711", notes, occupation}

		t.Run("Export", func(t *testing.T) {
			_, err := rights.ExportPerson(f.Ctx(f.desk), wang)
			wantCode(t, err, wubu.EFORBIDDEN)
			data, err := rights.ExportPerson(admin, wang)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(data)
			for _, v := range values {
				if !strings.Contains(string(b), v) {
					t.Errorf("export lacks %q", v)
				}
			}
			for _, table := range []string{"persons", "person_phones", "vehicles", "cards", "special_days", "person_photos", "timeline", "orders", "passes", "households"} {
				if len(data.Tables[table]) == 0 {
					t.Errorf("export has no rows of %s", table)
				}
			}
			entries, _, _ := sqlstore.NewAuditService(db).FindAuditEntries(admin, wubu.AuditFilter{Action: wubu.ActionRead, ObjectID: fmt.Sprint(wang)})
			if len(entries) == 0 || entries[0].Field != "export" {
				t.Fatalf("export not audited: %+v", entries)
			}
		})

		t.Run("Erase", func(t *testing.T) {
			orders, passRows := countRows(t, db, "SELECT COUNT(*) FROM orders"), countRows(t, db, "SELECT COUNT(*) FROM passes")
			// The scan finds the values while they are held.
			found := map[string]bool{}
			for _, cell := range wubutest.TextCells(t, db, func(table string) bool { return table == "audit_log" }) {
				for _, v := range values {
					found[v] = found[v] || strings.Contains(cell, v)
				}
			}
			n := 0
			for _, ok := range found {
				if ok {
					n++
				}
			}
			// All but the ID number, which is sealed (issue 12, item 8).
			if n != len(values)-1 || found[idn] {
				t.Fatalf("before the erasure the scan finds %v of %v", found, values)
			}
			wantCode(t, rights.ErasePerson(f.Ctx(f.desk), wang, "王芳"), wubu.EFORBIDDEN)
			wantCode(t, rights.ErasePerson(admin, wang, "王"), wubu.EINVALID)
			if err := rights.ErasePerson(admin, wang, "王芳"); err != nil {
				t.Fatal(err)
			}
			for _, cell := range wubutest.TextCells(t, db, func(table string) bool { return table == "audit_log" }) {
				for _, v := range values {
					if strings.Contains(cell, v) {
						t.Errorf("erased value %q left in %s", v, cell)
					}
				}
			}
			for _, e := range wubutest.TextCells(t, db, func(table string) bool { return table != "audit_log" }) {
				if strings.Contains(e, "13800138000") || strings.Contains(e, idn) {
					t.Errorf("the audit log holds a full value: %s", e)
				}
			}
			if countRows(t, db, "SELECT COUNT(*) FROM orders") != orders || countRows(t, db, "SELECT COUNT(*) FROM passes") != passRows {
				t.Fatal("orders or passes lost rows")
			}
			r, err := rs.FindResident(admin, wang)
			if err != nil || r.Name != wubu.ErasedName || len(r.Phones) != 0 || r.HasPhoto || len(r.Households) != 1 {
				t.Fatalf("erased card: %+v %v", r, err)
			}
			entries, _, _ := sqlstore.NewAuditService(db).FindAuditEntries(admin, wubu.AuditFilter{Action: wubu.ActionErase})
			if len(entries) != 1 || entries[0].ObjectID != fmt.Sprint(wang) {
				t.Fatalf("erasure not audited: %+v", entries)
			}
			wantCode(t, rights.ErasePerson(admin, wang, wubu.ErasedName), wubu.ECONFLICT)
			if _, err := db.SealAllAudit(context.Background()); err != nil {
				t.Fatal(err)
			}
			if v, err := db.VerifyAudit(context.Background()); err != nil || !v.Intact() {
				t.Fatalf("audit chain after the erasure: %+v %v", v, err)
			}
		})
	})
}
