package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/loadgen"
	"github.com/wubu-oss/wubu/internal/server"
)

// runPortalBench measures the residents' portal (issue 15) over the real
// server on a loopback port: sign-in codes asked for at a steady 200 a
// second for distinct registered numbers, each of which must be queued
// exactly once; then the resident's start page and repair list under a
// closed-loop load of bc.clients residents, each with their own portal
// session.
func runPortalBench(ctx context.Context, m *Main, bc benchConfig, stdout io.Writer) error {
	db := m.DB
	s, stop, err := benchServer(m)
	if err != nil {
		return err
	}
	defer stop()
	base := s.URL()
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: noRedirect, Transport: &http.Transport{
		MaxIdleConns: 64, MaxIdleConnsPerHost: 64, DisableCompression: true}}

	// Registered numbers with a home, spread over the company.
	rows, err := db.SQL().QueryContext(ctx, `SELECT pp.phone FROM person_phones pp WHERE pp.position = 0
		AND EXISTS (SELECT 1 FROM households h WHERE h.project_id = pp.project_id AND h.person_id = pp.person_id AND h.move_out = '')
		LIMIT 4000`)
	if err != nil {
		return err
	}
	var phones []string
	seen := map[string]bool{}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return err
		}
		if !seen[p] {
			seen[p] = true
			phones = append(phones, p)
		}
	}
	rows.Close()
	if len(phones) < bc.clients+100 {
		return wubu.Errorf(wubu.EINVALID, "The database has too few residents with phones: seed it first (wubu seed --households N).")
	}
	codePhones, sessionPhones := phones[bc.clients:], phones[:bc.clients]
	fmt.Fprintf(stdout, "Residents' portal on %s: %d registered numbers sampled\n\n", db.Dialect, len(phones))

	// Sign-in codes at 200 a second, each number once.
	const rate = 200
	n := min(len(codePhones), int(bc.duration.Seconds())*rate)
	var mu sync.Mutex
	var lat []time.Duration
	failures := 0
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Second / rate)
	start := time.Now()
	for i := 0; i < n; i++ {
		<-tick.C
		wg.Add(1)
		go func(p string) {
			defer wg.Done()
			t0 := time.Now()
			resp, err := client.PostForm(base+"/my/login", url.Values{"phone": {p}})
			d := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			if err != nil || resp.StatusCode != http.StatusOK {
				failures++
			} else {
				lat = append(lat, d)
			}
			if resp != nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}(codePhones[i])
	}
	wg.Wait()
	tick.Stop()
	elapsed := time.Since(start)
	var queued, doubles int
	if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*), COUNT(*) - COUNT(DISTINCT address) FROM outbox WHERE kind = 'portal_code' AND created_at >= ?`,
		start.Add(-time.Second).UTC()).Scan(&queued, &doubles); err != nil {
		return err
	}
	res := &loadgen.Result{Requests: len(lat), Latencies: lat, Elapsed: elapsed}
	slices.Sort(res.Latencies)
	fmt.Fprintf(stdout, "sign-in codes: %d asked at %d/s in %s (%.0f/s answered), %d failed; p50 %s, p99 %s; %d queued in the outbox, %d numbers with two\n\n",
		n, rate, elapsed.Round(time.Millisecond), float64(len(lat))/elapsed.Seconds(), failures, res.Percentile(0.5).Round(time.Microsecond),
		res.Percentile(0.99).Round(time.Microsecond), queued, doubles)

	// A portal session per client, signed in with the code from the outbox.
	tokens := make([]string, bc.clients)
	for i, p := range sessionPhones {
		if _, err := s.Portal.RequestCode(ctx, p); err != nil {
			return err
		}
		var vars string
		if err := db.SQL().QueryRowContext(ctx, `SELECT vars FROM outbox WHERE kind = 'portal_code' AND address = ? ORDER BY id DESC LIMIT 1`, p).Scan(&vars); err != nil {
			return err
		}
		var v map[string]string
		if err := json.Unmarshal([]byte(vars), &v); err != nil {
			return err
		}
		token, cands, err := s.Portal.VerifyCode(ctx, p, v["code"])
		if err != nil {
			return err
		}
		if len(cands) > 1 {
			if err := s.Portal.Choose(ctx, token, cands[0].PersonID); err != nil {
				return err
			}
		}
		tokens[i] = token
	}
	for _, page := range []string{"/my", "/my/repairs"} {
		res := loadgen.Run(ctx, loadgen.Options{Clients: bc.clients, Duration: bc.duration, Warmup: bc.warmup, MaxRequests: bc.maxRequests},
			func(ctx context.Context, c, i int) (bool, error) {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+page, nil)
				req.AddCookie(&http.Cookie{Name: server.PortalCookie, Value: tokens[c]})
				resp, err := client.Do(req)
				if err != nil {
					return false, err
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					return false, fmt.Errorf("%s: status %d", page, resp.StatusCode)
				}
				return strings.Contains(string(body), "portal-main"), nil
			})
		fmt.Fprintf(stdout, "GET %-12s %d clients: %d requests, %.0f/s, p50 %s, p99 %s, %d errors\n", page, bc.clients, res.Requests, res.Throughput(),
			res.Percentile(0.5).Round(time.Microsecond), res.Percentile(0.99).Round(time.Microsecond), res.Errors)
		if res.FirstError != nil {
			fmt.Fprintf(stdout, "  first error: %v\n", res.FirstError)
		}
	}
	return nil
}
