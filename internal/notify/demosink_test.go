package notify

import (
	"context"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
)

// TestDemoSink keeps the newest DemoSinkSize messages, newest first, per
// project and channel.
func TestDemoSink(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	s := &DemoSink{Now: func() time.Time { return at }}
	for i := range DemoSinkSize + 10 {
		ch := wubu.ChannelSMS
		if i%2 == 1 {
			ch = wubu.ChannelEmail
		}
		if err := s.Send(context.Background(), &Outgoing{ID: int64(i + 1), ProjectID: 1, Channel: ch, Address: "13800138000", Body: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	s.Send(context.Background(), &Outgoing{ID: 9999, ProjectID: 2, Channel: wubu.ChannelSMS})
	all := s.Messages(1, "")
	if len(all) != DemoSinkSize-1 {
		t.Fatalf("got %d messages, want %d", len(all), DemoSinkSize-1)
	}
	if all[0].OutboxID != DemoSinkSize+10 || !all[0].At.Equal(at) {
		t.Errorf("newest: got %+v, want message %d", all[0], DemoSinkSize+10)
	}
	for _, m := range s.Messages(1, wubu.ChannelEmail) {
		if m.Channel != wubu.ChannelEmail {
			t.Fatalf("got %s in the e-mail list", m.Channel)
		}
	}
	if got := s.Messages(2, ""); len(got) != 1 || got[0].OutboxID != 9999 {
		t.Errorf("project 2: got %+v", got)
	}
}
