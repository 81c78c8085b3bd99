package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// cli runs the command line with the database given by --db and returns
// what it printed and the exit code main would use.
func cli(t *testing.T, db string, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	if len(args) > 0 && db != "" {
		args = append([]string{args[0]}, append([]string{"--db", db}, args[1:]...)...)
		if args[0] == "project" || args[0] == "rooms" || args[0] == "user" {
			args = append([]string{args[0], args[3]}, append([]string{"--db", db}, args[4:]...)...)
		}
	}
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		code = exitCode(err)
		errb.WriteString("wubu: " + cliMessage(err) + "\n")
	}
	return out.String(), errb.String(), code
}

// TestCLI runs the administration commands on both databases.
func TestCLI(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			dsn := wubutest.NewDSN(t, d)
			if out, _, code := cli(t, dsn, "", "migrate"); code != 0 || !strings.Contains(out, "Migrations applied") {
				t.Fatalf("migrate: %d %s", code, out)
			}
			if out, errs, code := cli(t, dsn, "", "project", "add", "ljy", "丽景苑"); code != 0 || !strings.Contains(out, "Project LJY (丽景苑) created") {
				t.Fatalf("project add: %d %s %s", code, out, errs)
			}
			t.Run("ErrDuplicateProject", func(t *testing.T) {
				_, errs, code := cli(t, dsn, "", "project", "add", "LJY", "again")
				if code != 2 || !strings.Contains(errs, `Project code "LJY" is already taken.`) {
					t.Fatalf("got %d %q", code, errs)
				}
			})
			if out, errs, code := cli(t, dsn, "", "rooms", "add", "--project", "LJY", "--building", "3", "--units", "2", "--floors", "33", "--per-floor", "4", "--zone", "东区"); code != 0 || !strings.Contains(out, "264 rooms generated (3-1-101 … 3-2-3304)") {
				t.Fatalf("rooms add: %d %s %s", code, out, errs)
			}
			t.Run("ErrDuplicateRooms", func(t *testing.T) {
				_, errs, code := cli(t, dsn, "", "rooms", "add", "--project", "LJY", "--building", "3", "--units", "1", "--floors", "2", "--per-floor", "4")
				if code != 2 || !strings.Contains(errs, "Room 3-1-101 already exists; nothing was generated.") {
					t.Fatalf("got %d %q", code, errs)
				}
			})
			t.Run("ErrUnknownProject", func(t *testing.T) {
				_, errs, code := cli(t, dsn, "", "rooms", "add", "--project", "NOPE", "--building", "1", "--floors", "2", "--per-floor", "2")
				if code != 2 || !strings.Contains(errs, `Project "NOPE" does not exist.`) {
					t.Fatalf("got %d %q", code, errs)
				}
				_, errs, code = cli(t, dsn, "Strong2026\n", "user", "add", "--project", "NOPE", "--login", "nobody1", "--role", "staff", "--post", "security")
				if code != 2 || !strings.Contains(errs, `Project "NOPE" does not exist.`) {
					t.Fatalf("got %d %q", code, errs)
				}
			})
			if out, errs, code := cli(t, dsn, "Strong2026\n", "user", "add", "--project", "LJY", "--login", "wang", "--name", "王强", "--role", "team_leader", "--post", "security"); code != 0 || !strings.Contains(out, "Account wang (team_leader, security) created") {
				t.Fatalf("user add: %d %s %s", code, out, errs)
			}
			if out, errs, code := cli(t, dsn, "Admin2026pass\n", "user", "add", "--login", "boss", "--role", "admin"); code != 0 || !strings.Contains(out, "Account boss (admin, none)") {
				t.Fatalf("admin add: %d %s %s", code, out, errs)
			}
			t.Run("ErrWeakPassword", func(t *testing.T) {
				for _, pw := range []string{"", "\n", "short1\n", "onlyletters\n"} {
					_, errs, code := cli(t, dsn, pw, "user", "add", "--project", "LJY", "--login", "weakling", "--role", "staff", "--post", "cleaning")
					if code != 2 || !strings.Contains(errs, "Password") {
						t.Fatalf("password %q: got %d %q", pw, code, errs)
					}
				}
			})
			t.Run("ErrBadRole", func(t *testing.T) {
				_, errs, code := cli(t, dsn, "Strong2026\n", "user", "add", "--project", "LJY", "--login", "king_x", "--role", "king", "--post", "security")
				if code != 2 || !strings.Contains(errs, `Role "king" is not valid.`) {
					t.Fatalf("got %d %q", code, errs)
				}
			})
			t.Run("SignInWithCreatedAccount", func(t *testing.T) {
				db, err := sqlstore.Open(dsn)
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				if _, u, err := sqlstore.NewAuthService(db).Login(context.Background(), "wang", "Strong2026", "web"); err != nil || u.Name != "王强" || len(u.ProjectIDs) != 1 {
					t.Fatalf("got %v %v", u, err)
				}
			})
			if out, _, _ := cli(t, dsn, "", "project", "list"); !strings.Contains(out, "LJY") {
				t.Fatalf("project list: %s", out)
			}
		})
	}
}

func TestCLIHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"serve", "-h"}, {"demo", "-h"}, {"migrate", "-h"}, {"project", "add", "-h"}, {"rooms", "add", "-h"}, {"user", "add", "-h"}} {
		out, errs, code := cli(t, "", "", args...)
		if code != 0 || len(out+errs) < 40 || !strings.Contains(out+errs, "wubu") {
			t.Errorf("%v: got %d %q", args, code, out+errs)
		}
	}
	if _, _, code := cli(t, "", "", "frobnicate"); code != 2 {
		t.Errorf("unknown command: got exit %d, want 2", code)
	}
}
