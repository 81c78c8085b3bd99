package sqlstore_test

import (
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestImportForeignKeys imports residents on both databases, then checks
// that every reference the import wrote has its parent (on SQLite, where
// the import's own transaction leaves SQLite's check to the import:
// PRAGMA foreign_key_check; on PostgreSQL the database checked each row)
// and that the database refuses a broken reference again afterwards,
// also after an import refused part way.
func TestImportForeignKeys(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := newImportFixture(t, db)
		good := importFile(importFields,
			[]string{"3-1-201", "李雷", "13800000001", "440106199001011235", "业主", "粤B12345", "P100", "2027-06-30", "独居老人", "男"},
			[]string{"3-2-302", "韩梅梅", "13800000003", "", "租户", "粤B54321", "", "", "", "女"},
		)
		if res, err := f.rs.ImportResidents(f.manager, f.ProjectA.ID, good, false); err != nil {
			t.Fatalf("%v: %v", err, importErrs(res))
		}
		bad := importFile(importFields, []string{"9-9-999", "无房", "", "", "业主", "", "", "", "", ""})
		if _, err := f.rs.ImportResidents(f.manager, f.ProjectA.ID, bad, false); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("bad list: got %v", err)
		}
		if db.Dialect == sqlstore.SQLite {
			rows, err := db.SQL().Query(`PRAGMA foreign_key_check`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var table, parent string
				var rowid, fk any
				rows.Scan(&table, &rowid, &parent, &fk)
				t.Errorf("%s row %v: no %s", table, rowid, parent)
			}
			rows.Close()
		}
		// Through the services' own write path: a household of a room
		// that does not exist is refused by the database.
		for i := 0; i < 2; i++ {
			if _, err := db.SQL().Exec(`INSERT INTO households (project_id, room_id, person_id, relation, move_in, created_at) VALUES ($1, $2, $3, 'owner', '', CURRENT_TIMESTAMP)`,
				f.ProjectA.ID, 999999, f.wang.ID); err == nil || !strings.Contains(strings.ToLower(err.Error()), "foreign key") {
				t.Errorf("attempt %d: a household of no room: got %v, want a foreign key error", i, err)
			}
		}
	})
}
