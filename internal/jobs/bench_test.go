package jobs

import (
	"context"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// BenchmarkClockLateness arms many clocks on the real clock, due over a
// window of real time, lets River fire them and reports their lateness
// (fired time − due time): p50, p99 and max, in milliseconds. Run once per
// database (see docs/performance.md, "Clocks"):
//
//	WUBU_TEST_POSTGRES=postgres://… go test ./internal/jobs/ -run '^$' -bench ClockLateness -benchtime 1x -timeout 30m
//
// WUBU_BENCH_CLOCKS sets the number of clocks (default 100,000) and
// WUBU_BENCH_WINDOW the window their due times are spread over (default
// 60s); WUBU_BENCH_LEAD how long after the start the window opens (default
// 90s: arming must be done by then).
func BenchmarkClockLateness(b *testing.B) {
	n := envInt(b, "WUBU_BENCH_CLOCKS", 100_000)
	window := envDuration(b, "WUBU_BENCH_WINDOW", time.Minute)
	lead := envDuration(b, "WUBU_BENCH_LEAD", 90*time.Second)
	for _, dialect := range wubutest.Dialects(b) {
		b.Run(dialect, func(b *testing.B) {
			for range b.N {
				benchClockLateness(b, dialect, n, window, lead)
			}
		})
	}
}

func benchClockLateness(b *testing.B, dialect string, n int, window, lead time.Duration) {
	ctx := context.Background()
	db, _ := wubutest.MustOpenDB(b, dialect)
	f := wubutest.NewFixture(b, db)
	db.Clock = wubu.SystemClock{}
	cfg := Config{Logger: testLogger(), MaxWorkers: envInt(b, "WUBU_BENCH_WORKERS", 0)}
	s, err := New(ctx, db, newClocks(b, db), cfg)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer closeScheduler(b, s)
	admin := f.Ctx(f.Admin)

	// Due times spread evenly over the window, armed in random order, a
	// thousand per transaction.
	start := time.Now()
	open := start.Add(lead)
	order := rand.Perm(n)
	const batch = 1000
	for i := 0; i < n; i += batch {
		reqs := make([]wubu.ArmRequest, 0, batch)
		for _, k := range order[i:min(i+batch, n)] {
			reqs = append(reqs, wubu.ArmRequest{
				DeadlineKey: wubu.DeadlineKey{ProjectID: f.ProjectA.ID, ObjectType: "order", ObjectID: strconv.Itoa(k), Kind: "arrival"},
				Due:         open.Add(time.Duration(k) * window / time.Duration(n)),
			})
		}
		if _, err := s.Clocks().ArmMany(admin, reqs); err != nil {
			b.Fatal(err)
		}
	}
	armed := time.Since(start)
	b.Logf("%s: armed %d clocks in %v (%.0f/s); the first is due %v after the start", dialect, n, armed.Round(time.Millisecond), float64(n)/armed.Seconds(), lead)
	if armed > lead {
		b.Logf("WARNING: arming took longer than the lead: clocks fired while others were being armed")
	}

	// Wait for every clock to fire.
	deadline := open.Add(window + 5*time.Minute)
	for {
		fired := count(b, db, `SELECT COUNT(*) FROM clock_events`)
		if fired == n {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("only %d of %d clocks fired by %v after the window closed", fired, n, 5*time.Minute)
		}
		time.Sleep(250 * time.Millisecond)
	}
	b.Logf("%s: the last clock fired %v after the window closed", dialect, time.Since(open.Add(window)).Round(time.Millisecond))

	rows, err := db.SQL().Query(`SELECT lateness_us FROM clock_events`)
	if err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, n)
	for rows.Next() {
		var us int64
		if err := rows.Scan(&us); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Duration(us)*time.Microsecond)
	}
	rows.Close()
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(pct(0.50)), "p50-ms")
	b.ReportMetric(ms(pct(0.99)), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
	b.ReportMetric(0, "ns/op")
	b.Logf("%s: %d clocks over %v: lateness p50 %v, p90 %v, p99 %v, max %v, min %v", dialect, n, window,
		pct(0.50).Round(time.Millisecond), pct(0.90).Round(time.Millisecond), pct(0.99).Round(time.Millisecond),
		lat[len(lat)-1].Round(time.Millisecond), lat[0].Round(time.Millisecond))
	if db.Dialect == sqlstore.SQLite {
		var pages, size int64
		db.SQL().QueryRow(`PRAGMA page_count`).Scan(&pages)
		db.SQL().QueryRow(`PRAGMA page_size`).Scan(&size)
		b.Logf("sqlite file: %d MB", pages*size>>20)
	}
}

func envInt(tb testing.TB, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		tb.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

func envDuration(tb testing.TB, name string, def time.Duration) time.Duration {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		tb.Fatalf("%s=%q: want a positive duration such as 60s", name, v)
	}
	return d
}
