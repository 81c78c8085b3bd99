package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/secret"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// Valid ID numbers (GB 11643 check digits) of the sealing tests.
const (
	idWang   = "11010519491231002X" // newImportFixture's 王五
	idByForm = "440305198001011235"
	idImport = "440305199002152341"
	idTenant = "310104197511203455"
	idLater  = "440305198001011251"
)

// TestIDNumbersSealed is item 8 of issue 12 on both databases: residents
// created by hand, by import and by filing a tenant leave no ID number in
// clear in any column (nor, on SQLite, in the file); the look-ups by ID
// number (duplicate refusal, import matching, tenant filing) still work
// through the keyed hash; the reveal gives the full number.
func TestIDNumbersSealed(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newImportFixture(t, db)
		admin := f.Ctx(f.Admin)
		room := func(label string) int64 {
			rooms, _, err := sqlstore.NewOrgService(db).FindRooms(admin, wubu.RoomFilter{ProjectID: f.ProjectA.ID, Label: &label})
			if err != nil || len(rooms) != 1 {
				t.Fatalf("room %s: %v", label, err)
			}
			return rooms[0].ID
		}
		byForm := &wubu.Person{ProjectID: f.ProjectA.ID, Name: "陈一", IDNumber: " " + idByForm + " "}
		if err := f.rs.CreatePersonInRoom(f.manager, byForm, &wubu.Household{RoomID: room("3-1-102"), Relation: wubu.RelationOwner}); err != nil {
			t.Fatal(err)
		}

		t.Run("ErrDuplicateByHash", func(t *testing.T) {
			err := f.rs.CreatePerson(f.manager, &wubu.Person{ProjectID: f.ProjectA.ID, Name: "陈二", IDNumber: idByForm})
			if e := wubu.AsError(err); e == nil || e.Code != wubu.ECONFLICT || e.Field != "id_number" {
				t.Fatalf("got %v, want the same ID number refused", err)
			}
			// Another project may hold the same number.
			if err := f.rs.CreatePerson(f.Ctx(f.Admin), &wubu.Person{ProjectID: f.ProjectB.ID, Name: "陈二", IDNumber: idByForm}); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("ImportMatchesByID", func(t *testing.T) {
			fields := []wubu.ImportField{wubu.FieldRoom, wubu.FieldName, wubu.FieldIDNumber, wubu.FieldOccupation, wubu.FieldRelation}
			file := importFile(fields,
				[]string{"3-1-101", "王五", strings.ToLower(idWang), "退休教师", "业主"},
				[]string{"3-2-101", "林三", idImport, "", "业主"})
			res, err := f.rs.ImportResidents(f.manager, f.ProjectA.ID, file, false)
			if err != nil {
				t.Fatalf("%v %+v", err, res)
			}
			if res.Created != 1 || res.Updated != 1 {
				t.Fatalf("got %d created, %d updated; want 王五 matched by ID number and 林三 created", res.Created, res.Updated)
			}
			wang, err := f.rs.FindResident(admin, f.wang.ID)
			if err != nil || wang.Occupation != "退休教师" {
				t.Fatalf("got %+v %v", wang, err)
			}
		})

		wubutest.NoClearIDs(t, db, idWang, idByForm, idImport)
		full, err := f.rs.RevealPersonField(f.manager, byForm.ID, "id_number")
		if err != nil || len(full) != 1 || full[0] != idByForm {
			t.Fatalf("reveal: got %v %v", full, err)
		}
		res, err := f.rs.FindResident(f.manager, byForm.ID)
		if err != nil || res.IDNumber != "4403**********1235" {
			t.Fatalf("masked: got %q %v", res.IDNumber, err)
		}

		t.Run("Rotation", func(t *testing.T) {
			ctx := context.Background()
			old := db.Keys()
			db.SetKeys(old.WithNewKey(), "the rotated test keys")
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			later := &wubu.Person{ProjectID: f.ProjectA.ID, Name: "何四", IDNumber: idLater}
			if err := f.rs.CreatePerson(f.manager, later); err != nil {
				t.Fatal(err)
			}
			// Rows of both keys read, and match by ID number.
			for id, want := range map[int64]string{byForm.ID: idByForm, later.ID: idLater} {
				if got, err := f.rs.RevealPersonField(f.manager, id, "id_number"); err != nil || got[0] != want {
					t.Fatalf("before re-encryption: got %v %v, want %s", got, err, want)
				}
			}
			if err := f.rs.CreatePerson(f.manager, &wubu.Person{ProjectID: f.ProjectA.ID, Name: "陈三", IDNumber: idByForm}); wubu.ErrorCode(err) != wubu.ECONFLICT {
				t.Fatalf("a row of the old key not matched: %v", err)
			}
			n, err := db.ReencryptIDNumbers(f.Ctx(f.Admin))
			if err != nil || n != 4 { // 王五, 陈一, 陈二 (project B), 林三
				t.Fatalf("re-encrypted %d %v, want 4", n, err)
			}
			cur := db.Keys().CurrentID()
			rows, err := db.SQL().Query(`SELECT id_number FROM persons WHERE id_number <> '' UNION ALL SELECT id_number FROM tenant_registrations WHERE id_number <> ''`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var v string
				rows.Scan(&v)
				if secret.KeyID(v) != cur {
					t.Errorf("%s not sealed with the current key %s", v, cur)
				}
			}
			rows.Close()
			var keys int
			db.SQL().QueryRow(`SELECT COUNT(*) FROM secret_keys`).Scan(&keys)
			if keys != 1 {
				t.Errorf("%d keys recorded after re-encryption, want the current one", keys)
			}
			// The old key is needed no more.
			raw, _ := secret.New(secret.TestKey)
			newOnly, _ := secret.Parse(strings.TrimSpace(strings.Split(string(db.Keys().File()), "\n")[2]))
			db.SetKeys(newOnly, "the new key alone")
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if got, err := f.rs.RevealPersonField(f.manager, byForm.ID, "id_number"); err != nil || got[0] != idByForm {
				t.Fatalf("after re-encryption, with the new key alone: got %v %v", got, err)
			}
			// The old key alone is refused at start, naming the key wanted.
			db.SetKeys(raw, "the old test key")
			if err := db.Migrate(ctx); err == nil || !strings.Contains(err.Error(), "sealed with key "+cur) || !strings.Contains(err.Error(), secret.EnvVar) {
				t.Fatalf("got %v, want the old key refused", err)
			}
			db.SetKeys(newOnly, "the new key alone")
		})

		t.Run("ClearRowsSealedAtMigrate", func(t *testing.T) {
			// A row as an older version wrote it.
			if _, err := db.SQL().Exec(pgOr(db, `UPDATE persons SET id_number = ?, id_hash = '' WHERE id = ?`, `UPDATE persons SET id_number = $1, id_hash = '' WHERE id = $2`), idWang, f.wang.ID); err != nil {
				t.Fatal(err)
			}
			if err := db.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			wubutest.NoClearIDs(t, db, idWang)
			err := f.rs.CreatePerson(f.manager, &wubu.Person{ProjectID: f.ProjectA.ID, Name: "王六", IDNumber: idWang})
			if wubu.ErrorCode(err) != wubu.ECONFLICT {
				t.Fatalf("got %v, want the sealed row matched", err)
			}
		})
	})
}

// TestTenantFiledByIDNumber files a tenant registration whose ID number a
// resident has: the look-up goes through the keyed hash, and the
// registration holds the number sealed.
func TestTenantFiledByIDNumber(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newSecurityWorld(t, db, clock)
		rs := sqlstore.NewResidentService(db)
		known := &wubu.Person{ProjectID: w.f.ProjectA.ID, Name: "周租客", IDNumber: idTenant}
		if err := rs.CreatePerson(w.f.Ctx(w.f.Admin), known); err != nil {
			t.Fatal(err)
		}
		reg, err := w.tenants.RegisterTenant(w.guardCtx, &wubu.NewTenant{ProjectID: w.f.ProjectA.ID, Room: "3-1-102", Name: "周租客", Phone: "13900003333", IDNumber: idTenant, MoveIn: "2026-11-27"})
		if err != nil {
			t.Fatal(err)
		}
		wubutest.NoClearIDs(t, db, idTenant)
		if _, err := w.tenants.CheckTenant(w.leaderCtx, reg.ID); err != nil {
			t.Fatal(err)
		}
		reg, err = w.tenants.FileTenant(w.assistantCtx, reg.ID)
		if err != nil {
			t.Fatal(err)
		}
		if reg.PersonID == nil || *reg.PersonID != known.ID {
			t.Fatalf("filed as %v, want the resident with the same ID number (%d)", reg.PersonID, known.ID)
		}
		// Erasure empties the sealed copies: the filed registration and
		// another one, not filed, with the same number.
		if _, err := w.tenants.RegisterTenant(w.guardCtx, &wubu.NewTenant{ProjectID: w.f.ProjectA.ID, Room: "3-1-101", Name: "周某", Phone: "13900004444", IDNumber: idTenant, MoveIn: "2026-11-28"}); err != nil {
			t.Fatal(err)
		}
		if err := sqlstore.NewResidentRights(db).ErasePerson(w.f.Ctx(w.f.Admin), known.ID, known.Name); err != nil {
			t.Fatal(err)
		}
		var left int
		db.SQL().QueryRow(`SELECT COUNT(*) FROM tenant_registrations WHERE id_number <> ''`).Scan(&left)
		if left != 0 {
			t.Fatalf("%d registrations keep the erased resident's sealed ID number", left)
		}
	})
}

// pgOr returns the query of the database's dialect.
func pgOr(db *sqlstore.DB, sqlite, postgres string) string {
	if db.Dialect == sqlstore.Postgres {
		return postgres
	}
	return sqlite
}
