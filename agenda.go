package wubu

import (
	"context"
	"time"
)

// The agenda (SPEC F9): what the method asks of each staff member today —
// clocks running and their remaining time, reminders due, overdue items,
// residents' special days — ordered by urgency. Each feature contributes the
// items it knows of through an AgendaSource; the Today page and
// GET /api/v1/agenda show them together.

// Urgency orders agenda items: higher first.
type Urgency int

// Urgencies.
const (
	UrgencyLow      Urgency = 1 // today, no clock (a birthday, a greeting)
	UrgencyNormal   Urgency = 2 // due today (a follow-up call, a card reminder)
	UrgencyHigh     Urgency = 3 // a clock running, or an item overdue
	UrgencyCritical Urgency = 4 // a clock breached, or an escalation to this person
)

// AgendaItem is one thing on a staff member's agenda.
type AgendaItem struct {
	ProjectID int64 `json:"project_id"`
	// Kind says what it is: "clock", "card_expiry", "special_day",
	// "care_visit", "follow_up", "hazard", "pass"…
	Kind string `json:"kind"`
	// Title is a catalogue message (English key) with its arguments,
	// translated when shown.
	Title     string  `json:"-"`
	TitleArgs []any   `json:"-"`
	Text      string  `json:"title"` // Title translated into the caller's language
	Urgency   Urgency `json:"urgency"`
	// Due is when it is due; nil for items of the whole day.
	Due *time.Time `json:"due,omitempty"`
	// Remaining is Due minus now: negative when overdue.
	Remaining time.Duration `json:"remaining"`
	Overdue   bool          `json:"overdue"`
	// ObjectType and ObjectID name the object; Href is its page.
	ObjectType string `json:"object_type,omitempty"`
	ObjectID   string `json:"object_id,omitempty"`
	Href       string `json:"href,omitempty"`
}

// AgendaSource gives the items of one feature for the signed-in user of
// ctx, as of now, in the projects they serve.
//
// A feature plugs its source into the agenda with one argument in
// cmd/wubu/main.go (Main.Services):
//
//	Agenda: sqlstore.NewAgendaService(m.DB, m.Clocks, orders, security),
//
// where orders and security implement AgendaSource. A source returns only
// what its user is to act on, sets Title to a catalogue message (English
// key; arguments that are themselves keys such as "day:birthday" are
// translated too), Urgency, Due (nil for the whole day) and Href; the
// agenda fills in Remaining and Overdue and orders every item.
type AgendaSource interface {
	Agenda(ctx context.Context, now time.Time) ([]AgendaItem, error)
}

// AgendaService assembles a staff member's agenda from every source.
type AgendaService interface {
	// Agenda returns the signed-in user's items, most urgent first (then
	// soonest due). Returns EUNAUTHORIZED when nobody is signed in.
	Agenda(ctx context.Context) ([]AgendaItem, error)
}
