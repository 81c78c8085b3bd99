package web

import (
	"time"

	"github.com/wubu-oss/wubu"
)

// One clock view for every promise on every page — an order's on-site
// promise, a pass's confirmation, a tenant's check, an incident's
// acknowledgement, a hazard's rectification, a patrol's next run, Today's
// deadlines: the time left or how late, in the one duration format, and
// its colour. Templates draw it with {{template "clock" (.ClockOf x)}}.

// Clock is a promise's clock as a page draws it.
type Clock struct {
	// Text is "还剩 12 分" / "已超时 3 分 05 秒"; empty draws nothing.
	Text string
	// Class colours it: "clock", "clock soon" (in its last third, or its
	// last three minutes), "clock overdue".
	Class string
}

// clockOf draws the clock of a promise falling due at due, as of now; span
// is the promise's whole length (0: unknown), for the colour of its last
// third. x is a running *wubu.Deadline, a *time.Time due time, or a
// *time.Duration left (as orders carry it); anything else, or nil, draws
// nothing.
func (p *Page) clockOf(x any, now time.Time) Clock {
	var left, span time.Duration
	switch v := x.(type) {
	case *wubu.Deadline:
		if v == nil || !v.State.Running() {
			return Clock{}
		}
		left, span = v.DueAt.Sub(now), v.DueAt.Sub(v.ArmedAt)
	case *time.Time:
		if v == nil {
			return Clock{}
		}
		left = v.Sub(now)
	case *time.Duration:
		if v == nil {
			return Clock{}
		}
		left = *v
	default:
		return Clock{}
	}
	c := Clock{Text: p.formatLeft(left), Class: "clock"}
	switch {
	case left < 0:
		c.Class = "clock overdue"
	case left <= 3*time.Minute || span > 0 && left < span/3:
		c.Class = "clock soon"
	}
	return c
}

// ClockOf draws a promise's clock on an order page.
func (p *orderPage) ClockOf(x any) Clock { return p.clockOf(x, p.now) }

// ClockOf draws a promise's clock on a security page.
func (v *securityPage) ClockOf(x any) Clock { return v.clockOf(x, v.Now) }
