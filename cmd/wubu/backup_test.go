package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestBackupWhileWriting is finding 9 of issue 12: a backup taken while 8
// clients write holds, once restored, every write acknowledged before the
// backup began, and passes the integrity and foreign key checks; a
// restore refuses a target that holds a database.
func TestBackupWhileWriting(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			dsn := wubutest.NewDSN(t, d)
			if _, errs, code := cli(t, dsn, "", "project", "add", "ljy", "丽景苑"); code != 0 {
				t.Fatal(errs)
			}
			db, err := sqlstore.Open(dsn)
			if err != nil {
				t.Fatal(err)
			}
			ctx := systemContext(context.Background())
			projects, err := sqlstore.NewProjectService(db).FindProjects(ctx)
			if err != nil || len(projects) != 1 {
				t.Fatal(projects, err)
			}
			org := sqlstore.NewOrgService(db)

			var mu sync.Mutex
			acked := map[string]bool{}
			ackc := make(chan struct{}, 1<<20)
			waitAcks := func(n int) {
				t.Helper()
				for range n {
					select {
					case <-ackc:
					case <-time.After(time.Minute):
						t.Fatal("the writers stopped acknowledging")
					}
				}
			}
			var stop atomic.Bool
			var writes sync.WaitGroup
			var failed atomic.Value
			for w := range 8 {
				writes.Add(1)
				go func() {
					defer writes.Done()
					for i := 0; !stop.Load(); i++ {
						name := fmt.Sprintf("w%d-%d", w, i)
						if err := org.CreateZone(ctx, &wubu.Zone{ProjectID: projects[0].ID, Name: name}); err != nil {
							failed.Store(err)
							return
						}
						mu.Lock()
						acked[name] = true
						mu.Unlock()
						ackc <- struct{}{}
					}
				}()
			}
			waitAcks(40)
			mu.Lock()
			before := make([]string, 0, len(acked))
			for name := range acked {
				before = append(before, name)
			}
			mu.Unlock()
			file := filepath.Join(t.TempDir(), "wubu.backup")
			out, errs, code := cli(t, dsn, "", "backup", file)
			// Keep writing a little after the backup too.
			waitAcks(20)
			stop.Store(true)
			writes.Wait()
			if err, _ := failed.Load().(error); err != nil {
				t.Fatalf("a writer failed: %v", err)
			}
			if code != 0 || !strings.Contains(out, "Backup of the "+d+" database written") {
				t.Fatalf("backup: %d %s %s", code, out, errs)
			}
			if _, errs, code := cli(t, dsn, "", "backup", file); code == 0 || !strings.Contains(errs, "exists already") {
				t.Fatalf("backup over an existing file: %d %s", code, errs)
			}

			// Restore: never over a database, then into an empty target.
			if _, errs, code := cli(t, dsn, "", "restore", file); code != 2 || !strings.Contains(errs, "restore into an empty") {
				t.Fatalf("restore over the live database: %d %s", code, errs)
			}
			target := filepath.Join(t.TempDir(), "restored", "wubu.db")
			if d == sqlstore.Postgres {
				emptySchema(t, db, dsn)
				target = dsn
			}
			db.Close()
			if out, errs, code := cli(t, target, "", "restore", file); code != 0 {
				t.Fatalf("restore: %d %s %s", code, out, errs)
			}
			if d == sqlstore.SQLite {
				if err := sqlstore.CheckSQLiteFile(context.Background(), target); err != nil {
					t.Fatal(err)
				}
			}
			restored, err := sqlstore.Open(target)
			if err != nil {
				t.Fatal(err)
			}
			defer restored.Close()
			if err := restored.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			rows, err := restored.SQL().Query(`SELECT name FROM zones`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var n string
				rows.Scan(&n)
				got[n] = true
			}
			rows.Close()
			for _, name := range before {
				if !got[name] {
					t.Fatalf("zone %s, acknowledged before the backup began, is not in the restored database (%d of %d there)", name, len(got), len(before))
				}
			}
			if _, err := restored.SealAllAudit(context.Background()); err != nil {
				t.Fatal(err)
			}
			if v, err := restored.VerifyAudit(context.Background()); err != nil || !v.Intact() {
				t.Fatalf("restored audit log: %+v %v", v, err)
			}
			t.Logf("%d writes acknowledged before the backup, %d in the restored database", len(before), len(got))
		})
	}
}

// TestDailyBackup runs the scheduled backup on a controlled clock: one a
// day, the newest kept, nothing else in the directory touched.
func TestDailyBackup(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			db, clock := wubutest.MustOpenDB(t, d)
			dir := t.TempDir()
			other := filepath.Join(dir, "notes.txt")
			os.WriteFile(other, []byte("keep me"), 0o600)
			var written []string
			for day := range 5 {
				for range 2 { // twice a day: one backup
					file, err := dailyBackup(context.Background(), db, dir, 3)
					if err != nil {
						t.Fatalf("day %d: %v", day, err)
					}
					if file != "" {
						written = append(written, filepath.Base(file))
					}
				}
				clock.Add(24 * time.Hour)
			}
			entries, _ := os.ReadDir(dir)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			if len(written) != 5 || len(names) != 4 || !slices.Contains(names, "notes.txt") || !slices.Contains(names, written[4]) || slices.Contains(names, written[1]) {
				t.Fatalf("wrote %v, directory holds %v: want one a day, the newest 3 kept and notes.txt", written, names)
			}
		})
	}
}

// emptySchema empties the PostgreSQL schema of dsn, as a new server's
// would be: the dump names its schema, which a restore creates.
func emptySchema(t *testing.T, db *sqlstore.DB, dsn string) {
	t.Helper()
	u, _ := url.Parse(dsn)
	schema := u.Query().Get("search_path")
	for _, q := range []string{`DROP SCHEMA ` + schema + ` CASCADE`, `CREATE SCHEMA ` + schema} {
		if _, err := db.SQL().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}
