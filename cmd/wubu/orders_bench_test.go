package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/loadgen"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestOrderLifecycleThroughput measures full order life cycles over HTTP
// (open → dispatch → accept → arrive → quote → confirm → start → done →
// follow-up → close: ten durable transitions, the clock armed on dispatch
// and disarmed on arrival, River queuing its stages) with 16 concurrent
// clients, each a front desk and a technician of its own, on each
// database. It runs only when WUBU_BENCH_ORDERS is set to a duration
// ("20s"); figures go to docs/performance.md.
func TestOrderLifecycleThroughput(t *testing.T) {
	d, err := time.ParseDuration(os.Getenv("WUBU_BENCH_ORDERS"))
	if err != nil {
		t.Skip("set WUBU_BENCH_ORDERS=20s to measure order life cycles over HTTP")
	}
	const clients = 16
	for _, dialect := range wubutest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			app := newOrderApp(t, dialect)
			ctx := context.Background()
			if err := app.Main.StartJobs(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { app.Main.Jobs.Close(context.Background()) })
			httpc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2 * clients}}
			type pair struct {
				desk, tech string
				techID     int64
			}
			pairs := make([]pair, clients)
			for i := range pairs {
				app.User(t, fmt.Sprintf("bdesk%d", i), wubu.RoleStaff, wubu.PostService, app.ProjectA)
				tech := app.User(t, fmt.Sprintf("btech%d", i), wubu.RoleStaff, wubu.PostMaintenance, app.ProjectA)
				pairs[i] = pair{app.apiLogin(t, fmt.Sprintf("bdesk%d", i)).token, app.apiLogin(t, fmt.Sprintf("btech%d", i)).token, tech.ID}
			}
			call := func(ctx context.Context, token, method, path string, body any, out any) error {
				var rd io.Reader
				if body != nil {
					b, _ := json.Marshal(body)
					rd = bytes.NewReader(b)
				}
				req, _ := http.NewRequestWithContext(ctx, method, app.URL+path, rd)
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := httpc.Do(req)
				if err != nil {
					return err
				}
				defer resp.Body.Close()
				data, _ := io.ReadAll(resp.Body)
				if resp.StatusCode >= 300 {
					return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, data)
				}
				if out != nil {
					return json.Unmarshal(data, out)
				}
				return nil
			}
			pid := itoa(app.ProjectA.ID)
			checklist := map[string]any{"checklist": fullChecklistJSON()}
			lifecycle := func(ctx context.Context, client, _ int) (bool, error) {
				p := pairs[client]
				var o wubu.Order
				if err := call(ctx, p.desk, "POST", "/api/v1/projects/"+pid+"/orders", map[string]any{"person_id": app.person.ID, "urgency": "urgent", "item_id": app.faucet.ID}, &o); err != nil {
					return false, err
				}
				path := "/api/v1/orders/" + itoa(o.ID)
				steps := []struct {
					token, step string
					body        any
				}{
					{p.desk, "/dispatch", map[string]any{"assignee_id": p.techID}},
					{p.tech, "/accept", nil},
					{p.tech, "/arrive", nil},
					{p.tech, "/quote", map[string]any{"lines": []map[string]any{{"price_item_id": app.faucet.ID, "quantity": 1}}}},
					{p.tech, "/confirm", map[string]any{"by": "张三", "method": "signature"}},
					{p.tech, "/start", nil},
					{p.tech, "/done", checklist},
					{p.desk, "/follow-up", map[string]any{"works": true, "satisfaction": 5}},
					{p.desk, "/close", nil},
				}
				for _, s := range steps {
					if err := call(ctx, s.token, "POST", path+s.step, s.body, nil); err != nil {
						return false, err
					}
				}
				return true, nil
			}
			res := loadgen.Run(ctx, loadgen.Options{Clients: clients, Duration: d, Warmup: 2 * time.Second}, lifecycle)
			if res.Errors > 0 {
				t.Fatalf("%d life cycles failed: %v", res.Errors, res.FirstError)
			}
			t.Logf("%s: %d life cycles in %v: %.1f life cycles/s = %.0f transitions/s; life cycle p50 %v, p99 %v",
				dialect, res.Requests, res.Elapsed.Round(time.Millisecond), res.Throughput(), 10*res.Throughput(),
				res.Percentile(0.5).Round(time.Millisecond), res.Percentile(0.99).Round(time.Millisecond))
			// Every armed clock was disarmed on arrival: none is left running.
			var running int
			if err := app.DB.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM deadlines WHERE object_type = 'order' AND state IN ('armed', 'warned', 'breached', 'escalated')`).Scan(&running); err != nil {
				t.Fatal(err)
			}
			if running != 0 {
				t.Errorf("%d order clocks still running after their orders closed", running)
			}
		})
	}
}
