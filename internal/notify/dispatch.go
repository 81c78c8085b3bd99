package notify

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/wubu-oss/wubu"
)

// Store is the outbox as the Dispatcher sees it (sqlstore.OutboxService).
//
// Exactly once: Claim marks the messages it returns "sending" with a lease
// in one commit before any is sent, so no other dispatcher takes them;
// Finish marks each sent or due for another attempt. A process that dies
// between sending a message and committing Finish leaves it "sending": when
// the lease runs out, Claim returns it again and it is sent again with the
// same MessageID. That is the residual window — at most the messages in
// flight when the process died, each sent at most twice, the second time
// with the ID the receiver has already seen. SMTP servers and SMS
// providers do not drop such copies by themselves; receivers that must see
// each message once (and the test receivers) drop a Message-ID / OutId they
// have seen.
type Store interface {
	// Claim claims up to limit due messages for lease and returns the
	// claim's token and the messages to send. Messages due in quiet hours
	// are held instead, and those to residents who opted out are skipped.
	Claim(ctx context.Context, limit int, lease time.Duration) (string, []*Outgoing, error)
	// Finish records the outcome of a claim's messages.
	Finish(ctx context.Context, claim string, results []Result) error
}

// Result is the outcome of sending one message.
type Result struct {
	ID        int64
	ProjectID int64
	Err       error
}

// Dispatcher is the delivery loop: it claims due messages in batches and
// sends them concurrently on their channels.
type Dispatcher struct {
	Store   Store
	Senders map[wubu.Channel]Sender
	// Workers is how many messages are sent at once (default 64).
	Workers int
	// Batch is the most messages one claim takes (default 500).
	Batch int
	// Lease is how long a claimed message stays claimed (default 2 min);
	// a message still "sending" after it is sent again.
	Lease time.Duration
	// Poll is how often an idle loop looks for due messages (default
	// 250 ms).
	Poll time.Duration
	// SendTimeout bounds one send (default 30 s).
	SendTimeout time.Duration
	Logger      *slog.Logger

	stop context.CancelFunc
	done chan struct{}
}

func (d *Dispatcher) defaults() {
	if d.Workers <= 0 {
		d.Workers = 64
	}
	if d.Batch <= 0 {
		d.Batch = 500
	}
	if d.Lease <= 0 {
		d.Lease = 2 * time.Minute
	}
	if d.Poll <= 0 {
		d.Poll = 250 * time.Millisecond
	}
	if d.SendTimeout <= 0 {
		d.SendTimeout = 30 * time.Second
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
}

// RunOnce claims one batch of due messages, sends them and records the
// outcomes; it returns how many it claimed.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	d.defaults()
	claim, msgs, err := d.Store.Claim(ctx, d.Batch, d.Lease)
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	results := make([]Result, len(msgs))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(d.Workers, len(msgs)) {
		wg.Go(func() {
			for i := range work {
				m := msgs[i]
				results[i] = Result{ID: m.ID, ProjectID: m.ProjectID, Err: d.send(ctx, m)}
			}
		})
	}
	for i := range msgs {
		work <- i
	}
	close(work)
	wg.Wait()
	// Record the outcomes even if ctx ended meanwhile: what was sent must
	// be marked so.
	if err := d.Store.Finish(context.WithoutCancel(ctx), claim, results); err != nil {
		return len(msgs), err
	}
	return len(msgs), nil
}

func (d *Dispatcher) send(ctx context.Context, m *Outgoing) error {
	s := d.Senders[m.Channel]
	if s == nil {
		return Permanent(ErrNoChannel)
	}
	ctx, cancel := context.WithTimeout(ctx, d.SendTimeout)
	defer cancel()
	err := s.Send(ctx, m)
	if err != nil {
		d.Logger.Debug("message not sent", "id", m.ID, "channel", m.Channel, "attempt", m.Attempt, "err", err)
	}
	return err
}

// Drain runs batches until none is due and returns how many messages it
// claimed: the deterministic path for tests and tools.
func (d *Dispatcher) Drain(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := d.RunOnce(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// Start runs the delivery loop in the background until Close.
func (d *Dispatcher) Start(ctx context.Context) {
	d.defaults()
	ctx, d.stop = context.WithCancel(context.WithoutCancel(ctx))
	d.done = make(chan struct{})
	go func() {
		defer close(d.done)
		for {
			n, err := d.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				d.Logger.Warn("outbox delivery", "err", err)
			}
			if n > 0 && err == nil {
				continue // more may be due
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(d.Poll):
			}
		}
	}()
}

// Close stops the loop, letting the batch in hand finish.
func (d *Dispatcher) Close() {
	if d.stop == nil {
		return
	}
	d.stop()
	<-d.done
	d.stop = nil
}
