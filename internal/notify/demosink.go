package notify

import (
	"context"
	"sync"
	"time"

	"github.com/wubu-oss/wubu"
)

// DemoSinkSize is how many messages a DemoSink keeps: the oldest go first.
const DemoSinkSize = 2000

// SunkMessage is a message a DemoSink took instead of sending it.
type SunkMessage struct {
	At        time.Time
	ProjectID int64
	OutboxID  int64
	Kind      string
	Channel   wubu.Channel
	Address   string
	Subject   string
	Body      string
}

// DemoSink is the SMS and e-mail channel of the demo: it delivers every
// message into memory, where the demo's sink page lists what would have been
// sent, so the outbox shows deliveries instead of "channel not configured".
// It keeps the last DemoSinkSize messages and forgets them when the server
// stops. Safe for concurrent use.
type DemoSink struct {
	// Now is the clock stamping each message (db.Clock.Now).
	Now func() time.Time

	mu   sync.Mutex
	msgs []SunkMessage
}

// Send implements Sender: the message is delivered into the sink.
func (s *DemoSink) Send(_ context.Context, m *Outgoing) error {
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.msgs) >= DemoSinkSize {
		s.msgs = append(s.msgs[:0], s.msgs[len(s.msgs)-DemoSinkSize+1:]...)
	}
	s.msgs = append(s.msgs, SunkMessage{At: now, ProjectID: m.ProjectID, OutboxID: m.ID, Kind: m.Kind, Channel: m.Channel,
		Address: m.Address, Subject: m.Subject, Body: m.Body})
	return nil
}

// Messages returns the project's messages in the sink, newest first, on
// the channel if one is given.
func (s *DemoSink) Messages(projectID int64, channel wubu.Channel) []SunkMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SunkMessage
	for i := len(s.msgs) - 1; i >= 0; i-- {
		if m := s.msgs[i]; m.ProjectID == projectID && (channel == "" || m.Channel == channel) {
			out = append(out, m)
		}
	}
	return out
}

// MessagesOfKind returns the messages of a kind in the sink, of every
// project, newest first (the demo's residents' sign-in codes).
func (s *DemoSink) MessagesOfKind(kind string) []SunkMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SunkMessage
	for i := len(s.msgs) - 1; i >= 0; i-- {
		if s.msgs[i].Kind == kind {
			out = append(out, s.msgs[i])
		}
	}
	return out
}
