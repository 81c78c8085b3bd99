package loadgen

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestRun(t *testing.T) {
	t.Run("MaxRequests", func(t *testing.T) {
		// The duration is only a bound for failing: the run must end on
		// its 1,000th request, however slow the machine.
		opts := Options{Clients: 4, Duration: 2 * time.Minute, MaxRequests: 1000}
		res := Run(context.Background(), opts, func(ctx context.Context, client, i int) (bool, error) {
			return i%2 == 0, nil
		})
		// Requests still running when the run stops are not counted: at
		// most one per other client.
		if res.Requests > 1000 || res.Requests < 1000-(opts.Clients-1) || res.Elapsed >= opts.Duration || res.Errors != 0 {
			t.Fatalf("got %d requests in %s, %d errors; want %d to 1000, before the %s the run may last", res.Requests, res.Elapsed, res.Errors, 1000-(opts.Clients-1), opts.Duration)
		}
		if res.Found == 0 || res.Found == res.Requests {
			t.Fatalf("got %d found of %d", res.Found, res.Requests)
		}
	})
	t.Run("Duration", func(t *testing.T) {
		res := Run(context.Background(), Options{Clients: 2, Duration: 200 * time.Millisecond, Warmup: 50 * time.Millisecond}, func(ctx context.Context, client, i int) (bool, error) {
			time.Sleep(time.Millisecond)
			return true, nil
		})
		// No upper bound on the time: a loaded machine may run late.
		if res.Elapsed < 200*time.Millisecond || res.Requests == 0 {
			t.Fatalf("got %d requests in %s, want some in 200 ms or more", res.Requests, res.Elapsed)
		}
		// A request counted started and ended within the measured time.
		if p := res.Percentile(0.5); p < time.Millisecond || p > res.Elapsed {
			t.Fatalf("got p50 %s, want from 1 ms (the request's sleep) to %s (the run)", p, res.Elapsed)
		}
		if res.Throughput() <= 0 {
			t.Fatal("no throughput")
		}
	})
	t.Run("Errors", func(t *testing.T) {
		boom := errors.New("boom")
		res := Run(context.Background(), Options{Clients: 1, Duration: 50 * time.Millisecond, MaxRequests: 10}, func(ctx context.Context, client, i int) (bool, error) {
			return false, boom
		})
		if res.Errors == 0 || !errors.Is(res.FirstError, boom) || res.Requests != 0 {
			t.Fatalf("got %+v", res)
		}
	})
}

func TestPercentile(t *testing.T) {
	r := &Result{}
	for i := 1; i <= 100; i++ {
		r.Latencies = append(r.Latencies, time.Duration(i)*time.Millisecond)
	}
	for p, want := range map[float64]time.Duration{0.5: 50 * time.Millisecond, 0.99: 99 * time.Millisecond, 1: 100 * time.Millisecond, 0: time.Millisecond} {
		if got := r.Percentile(p); got != want {
			t.Errorf("p%v: got %s, want %s", p*100, got, want)
		}
	}
	if m := ReadMemory(); m.RSS <= 0 || m.Peak < m.RSS {
		t.Errorf("got memory %+v", m)
	}
}
