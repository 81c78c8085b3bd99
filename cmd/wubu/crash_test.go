package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wubu-oss/wubu/internal/notify/notifytest"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestCrash starts the real binary on a fresh database with a loopback
// SMTP server and a loopback fake SMS provider, arms 1,000 clocks and
// queues 1,000 messages due over a few seconds, kills the process with
// SIGKILL midway, restarts it, and checks that every clock stage fired
// exactly once and every message arrived exactly once.
//
// Real time, short deadlines: the controlled clock cannot cross processes.
// The test waits by polling the database and the receivers, with a
// deadline. The receivers drop a copy of a message ID they have seen, as
// the outbox's design expects (see notify.Store): such copies can come only
// from messages in flight at the kill, and are counted and bounded.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: not in -short mode")
	}
	bin := filepath.Join(t.TempDir(), "wubu")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Skipf("crash test: cannot build the binary: %v\n%s", err, out)
	}
	for _, dialect := range wubutest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) { crashRun(t, bin, wubutest.NewDSN(t, dialect)) })
	}
}

const (
	crashClocks   = 1000
	crashMessages = 1000
	crashStages   = 2 * crashClocks // a warning and a breach each
)

func crashRun(t *testing.T, bin, dsn string) {
	ctx := context.Background()
	smtpSrv, err := notifytest.StartSMTP()
	if err != nil {
		t.Fatal(err)
	}
	defer smtpSrv.Close()
	sms := notifytest.StartFakeAliyun("LTAI-crash", "crash-secret")
	defer sms.Close()

	run := func(args ...string) {
		t.Helper()
		out, err := exec.Command(bin, append(args, "--db", dsn)...).CombinedOutput()
		if err != nil {
			t.Fatalf("wubu %s: %v\n%s", args[0], err, out)
		}
	}
	run("migrate")
	run("crashload", "--clocks", "1000", "--messages", "1000", "--lead", "3s", "--spread", "8s")

	var logs bytes.Buffer
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "serve", "--db", dsn, "--addr", "127.0.0.1:0",
			"--smtp-host", smtpSrv.Host, "--smtp-port", itoa(int64(smtpSrv.Port)), "--smtp-from", "wubu@example.com",
			"--sms-endpoint", sms.URL, "--sms-key-id", "LTAI-crash", "--sms-template", "SMS_0001", "--notify-workers", "16")
		cmd.Env = append(os.Environ(), "WUBU_SMS_KEY_SECRET=crash-secret")
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	db, err := sqlstore.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func(q string) int {
		var n int
		if err := db.SQL().QueryRowContext(ctx, q).Scan(&n); err != nil && err != sql.ErrNoRows {
			t.Fatal(err)
		}
		return n
	}
	events := func() int { return count(`SELECT COUNT(*) FROM clock_events`) }
	arrived := func() int { return smtpSrv.Unique() + sms.Unique() }
	waitFor := func(what string, limit time.Duration, done func() bool) {
		t.Helper()
		deadline := time.Now().Add(limit)
		for !done() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not done after %v (clock events %d/%d, messages %d/%d)\n%s", what, limit, events(), crashStages, arrived(), crashMessages, tail(logs.String()))
			}
			time.Sleep(20 * time.Millisecond) // polling, not an assertion
		}
	}

	// First run: kill it midway.
	cmd := start()
	waitFor("first stages", 60*time.Second, func() bool { return events() >= crashStages/4 && arrived() >= crashMessages/4 })
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	firedAtKill, arrivedAtKill := events(), arrived()
	t.Logf("killed with %d/%d stages fired and %d/%d messages arrived", firedAtKill, crashStages, arrivedAtKill, crashMessages)
	if firedAtKill >= crashStages && arrivedAtKill >= crashMessages {
		t.Fatal("the kill came after everything was done: the test proves nothing")
	}

	// Second run: everything completes. A message left "sending" by the
	// killed process is sent again when its lease (2 min by default) runs
	// out; the test shortens that wait by expiring the leases, as time
	// passing would.
	cmd = start()
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	expire := `UPDATE outbox SET lease_until = ? WHERE status = 'sending'`
	if db.Dialect == sqlstore.Postgres {
		expire = strings.Replace(expire, "?", "$1", 1)
	}
	if _, err := db.SQL().ExecContext(ctx, expire, time.Now().UTC().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	waitFor("all stages and messages", 240*time.Second, func() bool {
		return events() >= crashStages && arrived() >= crashMessages && count(`SELECT COUNT(*) FROM outbox WHERE channel <> 'inbox' AND status = 'sent'`) >= crashMessages
	})

	// Every stage fired exactly once.
	if n := events(); n != crashStages {
		t.Errorf("clock events: got %d, want %d", n, crashStages)
	}
	if n := count(`SELECT COUNT(*) FROM (SELECT deadline_id, stage FROM clock_events GROUP BY deadline_id, stage HAVING COUNT(*) > 1) x`); n != 0 {
		t.Errorf("stages fired twice: %d", n)
	}
	if n := count(`SELECT COUNT(*) FROM deadlines WHERE state = 'breached'`); n != crashClocks {
		t.Errorf("breached deadlines: got %d, want %d", n, crashClocks)
	}
	// Each warning alerted the technician once.
	if n := count(`SELECT COUNT(*) FROM outbox WHERE kind = 'clock_warning' AND channel = 'inbox' AND status = 'sent'`); n != crashClocks {
		t.Errorf("warning messages: got %d, want %d", n, crashClocks)
	}
	// Every message arrived exactly once (copies dropped by ID), and a copy
	// came only from a message in flight at the kill.
	if smtpSrv.Unique() != crashMessages/2 || sms.Unique() != crashMessages/2 {
		t.Errorf("arrived: e-mail %d, SMS %d; want %d each", smtpSrv.Unique(), sms.Unique(), crashMessages/2)
	}
	for name, in := range map[string]*notifytest.Inbox{"e-mail": smtpSrv.Inbox, "SMS": sms.Inbox} {
		for id, n := range in.Counts() {
			if n > 2 {
				t.Errorf("%s %s delivered %d times", name, id, n)
			}
		}
	}
	copies := smtpSrv.Copies() + sms.Copies()
	if copies > 2*500 { // at most one claimed batch per channel in flight
		t.Errorf("copies: %d, more than a batch in flight", copies)
	}
	if sms.Rejected() != 0 {
		t.Errorf("SMS requests refused: %d", sms.Rejected())
	}
	t.Logf("copies dropped by the receivers (sent before the kill, not yet marked sent): %d", copies)
}

func tail(s string) string {
	if lines := strings.Split(s, "\n"); len(lines) > 30 {
		return strings.Join(lines[len(lines)-30:], "\n")
	}
	return s
}
