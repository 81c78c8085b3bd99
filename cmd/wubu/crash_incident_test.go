package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestCrashIncidentAlert: guards report incidents to the real binary over
// the API while it is killed with SIGKILL; after a restart every incident
// that exists — every report acknowledged to a guard among them — has its
// urgent alert to the superior delivered exactly once, and no alert exists
// without its incident. The alert is queued in the report's own
// transaction, so no kill between the commit and the delivery can lose it.
func TestCrashIncidentAlert(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: not in -short mode")
	}
	bin := filepath.Join(t.TempDir(), "wubu")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Skipf("crash test: cannot build the binary: %v\n%s", err, out)
	}
	for _, dialect := range wubutest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) { crashIncidents(t, bin, dialect) })
	}
}

func crashIncidents(t *testing.T, bin, dialect string) {
	ctx := context.Background()
	dsn := wubutest.NewDSN(t, dialect)
	db, err := sqlstore.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	f := wubutest.NewFixture(t, db)
	f.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA)
	leader := f.User(t, "leader", wubu.RoleTeamLeader, wubu.PostSecurity, f.ProjectA)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	base := "http://" + addr + "/api/v1"
	var logs bytes.Buffer
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "serve", "--db", dsn, "--addr", addr)
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	client := &http.Client{Timeout: 30 * time.Second}
	waitUp := func() string {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			resp, err := client.Post(base+"/login", "application/json", strings.NewReader(`{"login":"guard","password":"`+wubutest.Password+`"}`))
			if err == nil {
				var out struct{ Token string }
				json.NewDecoder(resp.Body).Decode(&out)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK && out.Token != "" {
					return out.Token
				}
				t.Fatalf("sign-in answered %d", resp.StatusCode)
			}
			if time.Now().After(deadline) {
				t.Fatalf("the server did not come up: %v\n%s", err, tail(logs.String()))
			}
			time.Sleep(20 * time.Millisecond) // polling, not an assertion
		}
	}

	cmd := start()
	token := waitUp()
	var acked sync.Map // incident IDs the server answered 201 for
	var nAcked atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				body := `{"kind":"fire","place":"3栋地下车库","description":"B2 有烟"}`
				req, _ := http.NewRequest("POST", base+"/projects/"+itoa(f.ProjectA.ID)+"/incidents", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				var i wubu.Incident
				json.NewDecoder(resp.Body).Decode(&i)
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					acked.Store(i.ID, true)
					nAcked.Add(1)
				}
			}
		}()
	}
	deadline := time.Now().Add(120 * time.Second)
	for nAcked.Load() < 40 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d incidents reported in time\n%s", nAcked.Load(), tail(logs.String()))
		}
		time.Sleep(5 * time.Millisecond) // polling, not an assertion
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	close(stop)
	wg.Wait()

	cmd = start()
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	waitUp()

	count := func(q string, args ...any) int {
		t.Helper()
		if db.Dialect == sqlstore.Postgres {
			for i := 1; strings.Contains(q, "?"); i++ {
				q = strings.Replace(q, "?", "$"+itoa(int64(i)), 1)
			}
		}
		var n int
		if err := db.SQL().QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	incidents := count(`SELECT COUNT(*) FROM incidents`)
	t.Logf("killed after %d acknowledged reports; %d incidents stored", nAcked.Load(), incidents)
	acked.Range(func(k, _ any) bool {
		if count(`SELECT COUNT(*) FROM incidents WHERE id = ?`, k.(int64)) != 1 {
			t.Errorf("incident %d was acknowledged to the guard but is not stored", k)
		}
		return true
	})
	// Exactly one alert per incident, delivered to the superior's inbox.
	if n := count(`SELECT COUNT(*) FROM incidents i WHERE (SELECT COUNT(*) FROM outbox o WHERE o.kind = 'incident_reported' AND o.object_type = 'incident'
		AND o.object_id = CAST(i.id AS TEXT) AND o.user_id = ? AND o.status = 'sent') <> 1`, leader.ID); n != 0 {
		t.Errorf("%d of %d incidents do not have exactly one delivered alert", n, incidents)
	}
	if n := count(`SELECT COUNT(*) FROM outbox WHERE kind = 'incident_reported'`); n != incidents {
		t.Errorf("%d alerts for %d incidents", n, incidents)
	}
}
