package sqlstore_test

import (
	"path/filepath"
	"testing"

	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// TestSQLiteSync checks --sqlite-sync: FULL by default (a committed write
// survives a power loss), NORMAL on request, nothing else accepted.
func TestSQLiteSync(t *testing.T) {
	mode := func() int {
		t.Helper()
		db, err := sqlstore.Open(filepath.Join(t.TempDir(), "wubu.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		if err := db.SQL().QueryRow(`PRAGMA synchronous`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	defer sqlstore.SetSQLiteSync("full")
	if err := sqlstore.SetSQLiteSync("full"); err != nil || mode() != 2 {
		t.Fatal("full is not FULL (2)")
	}
	if err := sqlstore.SetSQLiteSync("Normal"); err != nil || mode() != 1 {
		t.Fatal("normal is not NORMAL (1)")
	}
	if err := sqlstore.SetSQLiteSync("off"); err == nil {
		t.Fatal("off accepted")
	}
}
