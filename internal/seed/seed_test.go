package seed_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/cnformat"
	"github.com/wubu-oss/wubu/internal/seed"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

func TestSeed(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		ctx := context.Background()
		res, err := seed.Seed(ctx, db, seed.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Projects) != 2 || res.Rooms < 1000 || len(res.Logins) != len(seed.Logins()) || res.Persons != 0 {
			t.Fatalf("got %d projects, %d rooms, %d persons, %d logins", len(res.Projects), res.Rooms, res.Persons, len(res.Logins))
		}
		// Every post and role has an account that signs in with the demo password.
		posts, roles := map[wubu.Post]bool{}, map[wubu.Role]bool{}
		for _, l := range res.Logins {
			_, u, err := sqlstore.NewAuthService(db).Login(ctx, l.Login, seed.Password, "web")
			if err != nil {
				t.Fatalf("%s: %v", l.Login, err)
			}
			posts[u.Post], roles[u.Role] = true, true
		}
		if len(posts) != len(wubu.Posts) || len(roles) != len(wubu.Roles) {
			t.Fatalf("got posts %v and roles %v, want every one", posts, roles)
		}
		// The staff's assignments point at the buildings of the plan.
		as, err := sqlstore.NewUserService(db).FindAssignments(seed.SystemContext(ctx), res.Projects[0].ID)
		if err != nil || len(as) != 7 {
			t.Fatalf("got %d assignments, %v", len(as), err)
		}
		// A second seed refuses and changes nothing.
		if _, err := seed.Seed(ctx, db, seed.Options{Households: 10}); wubu.ErrorCode(err) != wubu.ECONFLICT {
			t.Fatalf("second seed: got %v, want ECONFLICT", err)
		}
	})
}

// TestSeedHouseholds seeds 200 households and checks that the data passes
// the services' validation, that the lookup finds the residents, and that
// the services go on working on the seeded database.
func TestSeedHouseholds(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		ctx := context.Background()
		res, err := seed.Seed(ctx, db, seed.Options{Households: 200, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		if res.Households != 200 || res.Persons < 400 || res.Persons > 620 || res.Vehicles < 140 || res.Vehicles > 270 || res.Cards == 0 || res.SpecialDays == 0 {
			t.Fatalf("got %+v", res)
		}
		sys := seed.SystemContext(ctx)
		q := func(query string) [][]string { t.Helper(); return rows(t, db, query) }

		t.Run("Valid", func(t *testing.T) {
			for _, r := range q(`SELECT id_number, name, pinyin_initials, pinyin_full, gender, birthday FROM persons`) {
				var err error
				if r[0], err = db.Keys().Open(r[0]); err != nil { // stored sealed
					t.Fatal(err)
				}
				if r[0] != "" {
					id, err := cnformat.ParseIDNumber(r[0])
					if err != nil || id != r[0] {
						t.Fatalf("ID number %q: %v", r[0], err)
					}
					// The 17th digit is odd for men, even for women.
					if male := (id[16]-'0')%2 == 1; male != (r[4] == "m") {
						t.Fatalf("ID number %q does not match gender %q", id, r[4])
					}
					if b, _ := cnformat.IDBirthDate(id); b.Format(time.DateOnly) != r[5] {
						t.Fatalf("birthday %q, ID number %q", r[5], id)
					}
				}
				if !wubu.ValidName(r[1], 32) || r[2] != cnformat.PinyinInitials(r[1]) || r[3] != cnformat.PinyinFull(r[1]) || r[2] == "" {
					t.Fatalf("person %v", r)
				}
			}
			for _, r := range q(`SELECT phone, last4 FROM person_phones`) {
				if n, err := cnformat.NormalizeMobile(r[0]); err != nil || n != r[0] || r[1] != r[0][7:] {
					t.Fatalf("phone %v: %v", r, err)
				}
			}
			for _, r := range q(`SELECT plate, plate_rev FROM vehicles`) {
				rs := []rune(r[0])
				slices.Reverse(rs)
				if n, err := cnformat.NormalizePlate(r[0]); err != nil || n != r[0] || string(rs) != r[1] {
					t.Fatalf("plate %v: %v", r, err)
				}
			}
			today := clock.Now().Format(time.DateOnly)
			for _, r := range q(`SELECT kind, expires_on FROM cards WHERE expires_on <> ''`) {
				if r[1] <= today || r[1] > clock.Now().AddDate(1, 0, 1).Format(time.DateOnly) {
					t.Fatalf("card %v expires outside the coming year", r)
				}
			}
			for _, r := range q(`SELECT kind, date, month_day FROM special_days`) {
				if !wubu.SpecialDayKind(r[0]).Valid() || r[2] != r[1][5:] {
					t.Fatalf("special day %v", r)
				}
			}
			if db.Dialect == sqlstore.SQLite {
				if bad := q(`PRAGMA foreign_key_check`); len(bad) > 0 {
					t.Fatalf("foreign keys broken: %v", bad[:min(5, len(bad))])
				}
			}
			// Plates are local to the community's city: 粤B in Shenzhen.
			local := q(`SELECT COUNT(*) FROM vehicles v JOIN projects p ON p.id = v.project_id WHERE p.code = 'LJY' AND v.plate LIKE '粤B%'`)[0][0]
			all := q(`SELECT COUNT(*) FROM vehicles v JOIN projects p ON p.id = v.project_id WHERE p.code = 'LJY'`)[0][0]
			if atoi(local) < atoi(all)*8/10 {
				t.Fatalf("%s of %s plates of 丽景苑 are local", local, all)
			}
			// One audit entry for the whole load.
			entries, _, err := sqlstore.NewAuditService(db).FindAuditEntries(sys, wubu.AuditFilter{ObjectType: "seed"})
			if err != nil || len(entries) != 1 {
				t.Fatalf("got %d seed audit entries, %v", len(entries), err)
			}
		})

		t.Run("Lookup", func(t *testing.T) {
			rs := sqlstore.NewResidentService(db)
			find := func(q string, personID int64) {
				t.Helper()
				got, err := rs.Lookup(sys, 0, q, sqlstore.MaxLookupResults)
				if err != nil {
					t.Fatalf("%q: %v", q, err)
				}
				for _, r := range got {
					if r.PersonID == personID {
						return
					}
				}
				t.Fatalf("lookup %q: person %d not among %d results", q, personID, len(got))
			}
			for _, r := range q(`SELECT person_id, plate FROM vehicles ORDER BY id LIMIT 20`) {
				plate := []rune(r[1])
				find(string(plate[len(plate)-4:]), int64(atoi(r[0])))
				find(r[1], int64(atoi(r[0])))
			}
			// The load fills every lookup card once at the end (its
			// triggers paused): each person's card shows their plates,
			// homes and first phone.
			if n, err := db.StaleLookupCards(ctx); err != nil || n != 0 {
				t.Errorf("stale lookup cards after the load: %d, %v", n, err)
			}
			for _, r := range q(`SELECT p.card_plates, v.plate FROM vehicles v JOIN persons p ON p.project_id = v.project_id AND p.id = v.person_id ORDER BY v.id LIMIT 50`) {
				if !strings.Contains(r[0], r[1]) {
					t.Errorf("lookup card plates %q lack %s", r[0], r[1])
				}
			}
			for _, r := range q(`SELECT h.person_id, r.label FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id ORDER BY h.id LIMIT 20`) {
				find(r[1], int64(atoi(r[0])))
				parts := strings.Split(r[1], "-")
				find(parts[0]+"栋"+parts[1]+"单元"+parts[2], int64(atoi(r[0])))
			}
			for _, r := range q(`SELECT id, name, pinyin_full FROM persons ORDER BY id LIMIT 20`) {
				find(r[1], int64(atoi(r[0])))
				find(r[2], int64(atoi(r[0])))
			}
		})

		t.Run("ServicesAfterSeed", func(t *testing.T) {
			// New rows get IDs past the seeded ones (PostgreSQL sequences).
			rs := sqlstore.NewResidentService(db)
			p := &wubu.Person{ProjectID: res.Projects[0].ID, Name: "新业主", Phones: []string{"13800000000"}}
			if err := rs.CreatePerson(sys, p); err != nil {
				t.Fatal(err)
			}
			if err := rs.AddVehicle(sys, &wubu.Vehicle{PersonID: p.ID, Plate: "粤BZ0001"}); err != nil {
				t.Fatal(err)
			}
			// The cards' triggers work again after the load.
			if got := q(`SELECT card_plates, card_phone FROM persons WHERE id = ` + strconv.FormatInt(p.ID, 10)); got[0][0] != "粤BZ0001" || got[0][1] != "13800000000" {
				t.Errorf("lookup card of a person added after the load: %v", got)
			}
			if _, err := sqlstore.NewOrgService(db).GenerateRooms(sys, wubu.RoomGeneration{ProjectID: res.Projects[0].ID, Building: "99", Units: 1, Floors: 2, PerFloor: 2}); err != nil {
				t.Fatal(err)
			}
			if err := sqlstore.NewProjectService(db).CreateProject(sys, &wubu.Project{Code: "NEW", Name: "新项目"}); err != nil {
				t.Fatal(err)
			}
		})
	})
}

// TestSeedDeterministic seeds twice with the same options and compares.
func TestSeedDeterministic(t *testing.T) {
	dump := func(seedValue uint64) []string {
		db, _ := wubutest.MustOpenDB(t, sqlstore.SQLite)
		if _, err := seed.Seed(context.Background(), db, seed.Options{Households: 60, Seed: seedValue}); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows(t, db, `SELECT p.name, p.id_number, COALESCE(v.plate, '') FROM persons p LEFT JOIN vehicles v ON v.project_id = p.project_id AND v.person_id = p.id ORDER BY p.id, v.id`) {
			r[1], _ = db.Keys().Open(r[1]) // stored sealed, with a random nonce
			out = append(out, strings.Join(r, " "))
		}
		return out
	}
	a, b, c := dump(1), dump(1), dump(2)
	if !slices.Equal(a, b) {
		t.Fatal("the same seed gave different data")
	}
	if slices.Equal(a, c) {
		t.Fatal("another seed gave the same data")
	}
}

// rows runs a query on the database and returns its rows as strings.
func rows(t *testing.T, db *sqlstore.DB, query string) [][]string {
	t.Helper()
	rs, err := db.SQL().Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var out [][]string
	for rs.Next() {
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(any)
		}
		if err := rs.Scan(vals...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = toString(*(v.(*any)))
		}
		out = append(out, row)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func toString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(x)
	case string:
		return x
	case time.Time:
		return x.Format(time.RFC3339)
	}
	return fmt.Sprint(v)
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
