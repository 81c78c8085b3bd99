package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/loadgen"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// cmdBenchDashboard measures the project dashboard (issue 17): the real
// server on a loopback port, a manager of one project signed in over the
// API, a closed loop of 16 clients on the dashboard page and on the
// figures its charts read; p50 and p99 per row.
func cmdBenchDashboard(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlags("bench-dashboard", "bench-dashboard [--db DSN] [--data DIR] [--clients 16] [--duration 20s] [--project CODE]", &cfg, stderr)
	clients := fs.Int("clients", 16, "concurrent clients")
	duration := fs.Duration("duration", 20*time.Second, "measured time of each row")
	warmup := fs.Duration("warmup", 2*time.Second, "unmeasured time before each row")
	code := fs.String("project", "LJY", "project `code`")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to `file`")
	only := fs.String("only", "", "measure only the rows whose name contains `text`")
	noCache := fs.Bool("no-cache", false, "read every page's figures from the roll-ups (turn the server's cache of figures off)")
	invalidate := fs.Duration("invalidate", 0, "with the cache on: move the project's roll-up version this often, as a step does, so that the next page reads its figures again (0: never)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m := &Main{Config: cfg, Logger: newLogger(stderr)}
	if err := m.Open(ctx); err != nil {
		return err
	}
	defer m.Close()
	if *noCache {
		m.DB.CacheFigures(false)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	sys := systemContext(ctx)
	p, err := sqlstore.NewProjectService(m.DB).FindProjectByCode(sys, *code)
	if err != nil {
		return err
	}
	password, err := benchAccount(sys, m.DB, "bench_manager", wubu.RoleManager, wubu.PostNone, []int64{p.ID})
	if err != nil {
		return err
	}
	// The quality department's company view: every project side by side.
	ps, err := sqlstore.NewProjectService(m.DB).FindProjects(sys)
	if err != nil {
		return err
	}
	var all []int64
	for _, q := range ps {
		all = append(all, q.ID)
	}
	qualityPassword, err := benchAccount(sys, m.DB, "bench_quality", wubu.RoleQuality, wubu.PostNone, all)
	if err != nil {
		return err
	}
	var rows int64
	if err := m.DB.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM daily_figures`).Scan(&rows); err != nil {
		return err
	}
	s, err := m.NewServer()
	if err != nil {
		return err
	}
	if err := s.Listen("127.0.0.1:0"); err != nil {
		return err
	}
	go s.Serve()
	defer func() {
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Shutdown(shutdown)
	}()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConns: *clients, MaxIdleConnsPerHost: *clients, MaxConnsPerHost: *clients, DisableCompression: true}}
	token, err := benchSignIn(ctx, client, s.URL(), "bench_manager", password)
	if err != nil {
		return err
	}
	qualityToken, err := benchSignIn(ctx, client, s.URL(), "bench_quality", qualityPassword)
	if err != nil {
		return err
	}
	today := m.DB.Clock.Now().In(time.FixedZone("CST", 8*3600))
	to := today.AddDate(0, 0, 1).Format(time.DateOnly)
	pid := strconv.FormatInt(p.ID, 10)
	targets := []struct{ name, path, token string }{
		{"dashboard page (30 days)", "/projects/" + pid + "/dashboard", token},
		{"dashboard page (a year, by month)", "/projects/" + pid + "/dashboard?trend=month&from=" + today.AddDate(-1, 0, 1).Format(time.DateOnly) + "&to=" + today.Format(time.DateOnly), token},
		{"figures API (promises, 12 weeks)", "/api/v1/projects/" + pid + "/figures?group=week&metric=promise.&from=" + today.AddDate(0, 0, -83).Format(time.DateOnly) + "&to=" + to, token},
		{fmt.Sprintf("company view (%d projects, 30 days)", len(all)), "/quality", qualityToken},
	}
	cache := "figures cached until the roll-ups change"
	if *noCache {
		cache = "no cache of figures"
	}
	if *invalidate > 0 {
		// What a step does to the cache, at a steady rate: the project's
		// roll-ups change, and every page reads its figures again once.
		tick := time.NewTicker(*invalidate)
		defer tick.Stop()
		done := make(chan struct{})
		defer close(done)
		go func() {
			for {
				select {
				case <-done:
					return
				case <-tick.C:
					if err := m.DB.TouchRollups(ctx, p.ID); err != nil {
						fmt.Fprintln(stderr, "wubu: bench-dashboard:", err)
					}
				}
			}
		}()
		cache += fmt.Sprintf(", the project's roll-ups changed every %s", *invalidate)
	}
	fmt.Fprintf(stdout, "Wubu dashboard benchmark — %s, project %s, %s rows of daily figures; %d clients, closed loop, %s per row after %s warm-up; %s; GOMAXPROCS %d, %s\n\n",
		m.DB.Dialect, p.Code, thousands(rows), *clients, *duration, *warmup, cache, runtime.GOMAXPROCS(0), runtime.Version())
	fmt.Fprintf(stdout, "%-40s %9s %9s %10s %10s %8s %8s %10s\n", "ROW", "REQUESTS", "REQ/S", "P50", "P99", "CPU", "OTHERS", "REQ/CPU-S")
	opts := loadgen.Options{Clients: *clients, Duration: *duration, Warmup: *warmup}
	for _, tg := range targets {
		if !strings.Contains(tg.name, *only) {
			continue
		}
		u := s.URL() + tg.path
		do := func(ctx context.Context, _, _ int) (bool, error) {
			req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
			if err != nil {
				return false, err
			}
			req.Header.Set("Authorization", "Bearer "+tg.token)
			resp, err := client.Do(req)
			if err != nil {
				return false, err
			}
			defer resp.Body.Close()
			n, err := io.Copy(io.Discard, resp.Body)
			if err != nil {
				return false, err
			}
			if resp.StatusCode != http.StatusOK {
				return false, fmt.Errorf("GET %s: status %d", tg.path, resp.StatusCode)
			}
			return n > 0, nil
		}
		cpu := loadgen.ReadCPU()
		res := loadgen.Run(ctx, opts, do)
		self, others := cpu.Shares(loadgen.ReadCPU())
		if res.FirstError != nil {
			return fmt.Errorf("bench %s: %w", tg.name, res.FirstError)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		perCPU := 0.0
		if self > 0 {
			perCPU = res.Throughput() / (self * float64(runtime.NumCPU()))
		}
		fmt.Fprintf(stdout, "%-40s %9d %9.0f %10s %10s %7.0f%% %7.0f%% %10.0f\n", tg.name, res.Requests, res.Throughput(),
			ms(res.Percentile(0.5)), ms(res.Percentile(0.99)), self*100, others*100, perCPU)
	}
	fmt.Fprintf(stdout, "\nCPU: this process's share of the machine's processor time; OTHERS: every other process's. REQ/CPU-S:\n"+
		"requests per second of this process's processor time, what the figures would be on a machine of its own.\n")
	return nil
}
