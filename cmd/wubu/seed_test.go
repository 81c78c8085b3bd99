package main

import (
	"strings"
	"testing"

	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestSeedAndBench seeds a small company from the command line, refuses a
// second seed, and runs the lookup benchmark briefly against it, on both
// databases.
func TestSeedAndBench(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			dsn := wubutest.NewDSN(t, d)
			out, errs, code := cli(t, dsn, "", "seed", "--households", "120", "--seed", "3")
			if code != 0 || !strings.Contains(out, "120 households") || !strings.Contains(out, "database size") {
				t.Fatalf("seed: %d %s %s", code, out, errs)
			}
			t.Run("ErrSeeded", func(t *testing.T) {
				_, errs, code := cli(t, dsn, "", "seed", "--households", "10")
				if code != 2 || !strings.Contains(errs, "already has projects") {
					t.Fatalf("got %d %q", code, errs)
				}
			})
			t.Run("ErrBadFlags", func(t *testing.T) {
				for _, args := range [][]string{{"seed", "--households", "-1"}, {"bench", "--queries", "shoe"}, {"bench", "--scope", "world"}, {"bench", "--clients", "0"}} {
					if _, _, code := cli(t, dsn, "", args...); code != 2 {
						t.Errorf("%v: got exit %d, want 2", args, code)
					}
				}
			})
			for _, scope := range []string{"project", "company"} {
				out, errs, code = cli(t, dsn, "", "bench", "--scope", scope, "--clients", "2", "--duration", "150ms", "--warmup", "0s", "--samples", "20")
				if code != 0 {
					t.Fatalf("bench %s: %d %s %s", scope, code, out, errs)
				}
				for _, want := range []string{"plate", "room", "name", "pinyin", "http", "service", "sql", "Resident memory"} {
					if !strings.Contains(out, want) {
						t.Fatalf("bench %s: no %q in\n%s", scope, want, out)
					}
				}
				// Every sampled value finds someone, on every path.
				for _, line := range strings.Split(out, "\n") {
					if f := strings.Fields(line); len(f) > 10 && (f[1] == "http" || f[1] == "service" || f[1] == "sql") && f[10] != "100%" {
						t.Errorf("bench %s: %s", scope, line)
					}
				}
			}
		})
	}
}
