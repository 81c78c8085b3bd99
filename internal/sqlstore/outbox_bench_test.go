package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/notify"
	"github.com/wubu-oss/wubu/internal/notify/notifytest"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// benchN is how many messages the outbox benchmarks queue
// (WUBU_BENCH_OUTBOX_N, default 200,000; 1,000,000 for the campaign figure).
func benchN() int {
	if n, err := strconv.Atoi(os.Getenv("WUBU_BENCH_OUTBOX_N")); err == nil && n > 0 {
		return n
	}
	return 200_000
}

// BenchmarkOutboxQueue queues SMS messages in calls of 10,000, as a
// festival campaign does, and reports messages queued per second.
func BenchmarkOutboxQueue(b *testing.B) {
	for _, dialect := range wubutest.Dialects(b) {
		b.Run(dialect, func(b *testing.B) {
			for range b.N {
				db, _ := wubutest.MustOpenDB(b, dialect)
				db.Clock = wubu.SystemClock{}
				f := wubutest.NewFixture(b, db)
				ob := sqlstore.NewOutboxService(db)
				n := benchN()
				start := time.Now()
				queueBench(b, ob, f.Ctx(f.Admin), f.ProjectA.ID, n, "q")
				el := time.Since(start)
				b.ReportMetric(float64(n)/el.Seconds(), "msgs/s")
				b.ReportMetric(el.Seconds(), "s/queue")
			}
		})
	}
}

func queueBench(b *testing.B, ob *sqlstore.OutboxService, ctx context.Context, project int64, n int, prefix string) {
	const batch = 10_000
	ns := make([]wubu.Notification, 0, batch)
	for i := 0; i < n; i++ {
		ns = append(ns, wubu.Notification{ProjectID: project, Kind: "festival_greeting", Urgent: true, DedupKey: prefix + strconv.Itoa(i),
			To: wubu.Recipient{Address: fmt.Sprintf("139%08d", i)}, Vars: map[string]string{"festival": "春节", "project": "丽景苑"}})
		if len(ns) == batch || i == n-1 {
			if err := ob.Notify(ctx, ns...); err != nil {
				b.Fatal(err)
			}
			ns = ns[:0]
		}
	}
}

// BenchmarkOutboxSend sends queued SMS through the Alibaba Cloud adapter
// to the loopback fake provider (which verifies every signature) with 64
// concurrent senders, and reports messages sent per second.
func BenchmarkOutboxSend(b *testing.B) {
	for _, dialect := range wubutest.Dialects(b) {
		b.Run(dialect, func(b *testing.B) {
			for range b.N {
				db, _ := wubutest.MustOpenDB(b, dialect)
				db.Clock = wubu.SystemClock{}
				f := wubutest.NewFixture(b, db)
				ob := sqlstore.NewOutboxService(db)
				n := min(benchN(), 50_000)
				queueBench(b, ob, f.Ctx(f.Admin), f.ProjectA.ID, n, "s")
				fake := notifytest.StartFakeAliyun("LTAI-bench", "bench-secret")
				d := &notify.Dispatcher{Store: ob, Workers: 64, Batch: 1000, Senders: map[wubu.Channel]notify.Sender{
					wubu.ChannelSMS: &notify.SMSSender{Provider: &notify.Aliyun{Endpoint: fake.URL, AccessKeyID: "LTAI-bench", AccessKeySecret: "bench-secret", SignName: "物业", DefaultTemplate: "SMS_1"}}}}
				start := time.Now()
				if _, err := d.Drain(context.Background()); err != nil {
					b.Fatal(err)
				}
				el := time.Since(start)
				fake.Close()
				if fake.Unique() != n || fake.Rejected() != 0 {
					b.Fatalf("fake received %d of %d, rejected %d", fake.Unique(), n, fake.Rejected())
				}
				b.ReportMetric(float64(n)/el.Seconds(), "msgs/s")
			}
		})
	}
}
