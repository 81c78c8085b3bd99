package wubu

import (
	"context"
	"time"
)

// ExpiringCard is a card that expires soon, with its holder, for the front
// desk's list (E3).
type ExpiringCard struct {
	Card
	PersonName string `json:"person_name"`
	Room       string `json:"room,omitempty"`
	// DaysLeft is the number of days from today to the expiry: 0 on the
	// day it expires.
	DaysLeft int `json:"days_left"`
	// RemindedAt is when the holder was last reminded, if ever.
	RemindedAt *time.Time `json:"reminded_at,omitempty"`
}

// CardService lists the cards that expire soon (E3).
type CardService interface {
	// FindExpiringCards returns the project's cards expiring within the
	// days (from today, China time), soonest first. PermResidentView.
	FindExpiringCards(ctx context.Context, projectID int64, within int) ([]*ExpiringCard, error)
}
