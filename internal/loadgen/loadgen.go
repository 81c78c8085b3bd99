// Package loadgen is a closed-loop load generator: a fixed number of
// clients, each sending its next request as soon as the last one is
// answered, for a bounded time and a bounded number of requests. It
// records every latency, so percentiles are exact.
package loadgen

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options bound a run.
type Options struct {
	// Clients is the number of concurrent clients.
	Clients int
	// Duration is how long the measured part of the run lasts.
	Duration time.Duration
	// Warmup is how long clients run before measuring starts; what they do
	// then is not counted.
	Warmup time.Duration
	// MaxRequests stops the measured run after this many requests, if
	// sooner than Duration (0: no bound but Duration).
	MaxRequests int
}

// Request does one request of client (0 … Clients-1), its i-th. It
// reports whether the answer found anything, for a check that the load
// is what it claims to be; an error counts the request as failed.
type Request func(ctx context.Context, client, i int) (found bool, err error)

// Result is what a run measured.
type Result struct {
	Requests int           // requests answered without error
	Errors   int           // requests that failed
	Found    int           // requests whose answer found something
	Elapsed  time.Duration // the measured time
	// Latencies of the requests answered without error, sorted.
	Latencies []time.Duration
	// FirstError is the first error seen, if any.
	FirstError error
}

// Throughput returns the requests answered a second.
func (r *Result) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Percentile returns the latency below which the fraction p (0 … 1) of
// requests were answered.
func (r *Result) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(p*float64(len(r.Latencies))+0.5) - 1
	return r.Latencies[min(max(i, 0), len(r.Latencies)-1)]
}

// Run runs the clients until opts.Duration has passed after the warm-up,
// opts.MaxRequests requests were measured, or ctx ends. Requests still
// running at the end are let finish, not cancelled, and not counted.
func Run(ctx context.Context, opts Options, do Request) *Result {
	var (
		measuring, stopped atomic.Bool
		count              atomic.Int64
		wg                 sync.WaitGroup
		done               = make(chan struct{})
		once               sync.Once
	)
	stop := func() { once.Do(func() { stopped.Store(true); close(done) }) }
	type clientResult struct {
		lat           []time.Duration
		errors, found int
		err           error
	}
	results := make([]clientResult, opts.Clients)
	for c := range opts.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cr := &results[c]
			cr.lat = make([]time.Duration, 0, 4096)
			for i := 0; !stopped.Load() && ctx.Err() == nil; i++ {
				// Let the other clients run: a client whose requests never
				// block (in-process calls) would otherwise keep its
				// processor for a whole time slice while the others wait.
				runtime.Gosched()
				counted := measuring.Load()
				if counted && opts.MaxRequests > 0 && count.Add(1) > int64(opts.MaxRequests) {
					stop()
					return
				}
				start := time.Now()
				found, err := do(ctx, c, i)
				lat := time.Since(start)
				if !counted || stopped.Load() {
					continue
				}
				if err != nil {
					cr.errors++
					if cr.err == nil {
						cr.err = err
					}
					continue
				}
				cr.lat = append(cr.lat, lat)
				if found {
					cr.found++
				}
			}
		}()
	}
	// Warm up, then measure for the duration.
	select {
	case <-time.After(opts.Warmup):
	case <-ctx.Done():
	}
	measuring.Store(true)
	start := time.Now()
	select {
	case <-time.After(opts.Duration):
	case <-done:
	case <-ctx.Done():
	}
	stop()
	res := &Result{Elapsed: time.Since(start)}
	wg.Wait()
	for _, cr := range results {
		res.Latencies = append(res.Latencies, cr.lat...)
		res.Errors += cr.errors
		res.Found += cr.found
		if res.FirstError == nil {
			res.FirstError = cr.err
		}
	}
	res.Requests = len(res.Latencies)
	slices.Sort(res.Latencies)
	return res
}

// Memory is the resident memory of this process, from /proc/self/status
// (Linux).
type Memory struct {
	RSS  int64 // VmRSS: resident now, in bytes
	Peak int64 // VmHWM: the most resident so far, in bytes
}

// ReadMemory reads the resident memory of this process; zero where the
// system does not tell.
func ReadMemory() Memory {
	var m Memory
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return m
	}
	for _, line := range strings.Split(string(b), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			continue
		}
		switch name {
		case "VmRSS":
			m.RSS = kb << 10
		case "VmHWM":
			m.Peak = kb << 10
		}
	}
	return m
}

// WatchMemory samples the resident memory every interval until ctx ends
// and returns the largest RSS seen through the channel.
func WatchMemory(ctx context.Context, every time.Duration) <-chan int64 {
	out := make(chan int64, 1)
	go func() {
		most := ReadMemory().RSS
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				out <- most
				return
			case <-t.C:
				most = max(most, ReadMemory().RSS)
			}
		}
	}()
	return out
}

// MiB formats bytes as mebibytes.
func MiB(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }

// CPU is a reading of processor time: this process's, and the machine's
// busy and total time over all CPUs, in seconds since boot (Linux).
type CPU struct {
	Self, Busy, Total float64
}

// ReadCPU reads the processor time of this process and of the machine;
// zero where the system does not tell.
func ReadCPU() CPU {
	var c CPU
	const tick = 100 // USER_HZ: clock ticks a second on Linux
	if b, err := os.ReadFile("/proc/self/stat"); err == nil {
		// The fields after the command name in parentheses: utime and
		// stime are the 12th and 13th.
		if i := strings.LastIndexByte(string(b), ')'); i > 0 {
			f := strings.Fields(string(b[i+1:]))
			if len(f) > 12 {
				u, _ := strconv.ParseFloat(f[11], 64)
				s, _ := strconv.ParseFloat(f[12], 64)
				c.Self = (u + s) / tick
			}
		}
	}
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := strings.Cut(string(b), "\n")
		f := strings.Fields(line)
		for i, v := range f[1:] {
			n, _ := strconv.ParseFloat(v, 64)
			c.Total += n / tick
			if i != 3 && i != 4 { // idle, iowait
				c.Busy += n / tick
			}
		}
	}
	return c
}

// Shares returns, between two readings, the share of the machine's
// processor time this process used and the share others used.
func (c CPU) Shares(later CPU) (self, others float64) {
	total := later.Total - c.Total
	if total <= 0 {
		return 0, 0
	}
	self = (later.Self - c.Self) / total
	others = (later.Busy-c.Busy)/total - self
	return self, max(0, others)
}
