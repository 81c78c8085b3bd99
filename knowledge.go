package wubu

import (
	"context"
	"slices"
	"time"
)

// Safety campaigns (S7) and the staff knowledge base (S6). A display-board
// campaign tours the courtyards: its boards stand at each place for some
// weeks, then move on, so "what is where this week" follows from its start
// date. A themed activity happens at a place on its dates. The knowledge
// base holds what staff must know beyond drills — useful numbers, emergency
// plans, legal basics, convenience information — readable on the phone.

// SafetyCampaignKind is a display-board tour or a themed activity.
type SafetyCampaignKind string

// Campaign kinds.
const (
	SafetyBoard    SafetyCampaignKind = "board"
	SafetyActivity SafetyCampaignKind = "activity"
)

// SafetyCampaignKinds lists every kind.
var SafetyCampaignKinds = []SafetyCampaignKind{SafetyBoard, SafetyActivity}

// Valid reports whether k is a known kind.
func (k SafetyCampaignKind) Valid() bool { return slices.Contains(SafetyCampaignKinds, k) }

// SafetyThemes are the themes of the guideline (4.1.3).
var SafetyThemes = []string{"fire", "theft", "fraud", "accident", "disaster", "civility"}

// SafetyCampaign is a safety campaign.
type SafetyCampaign struct {
	ID          int64              `json:"id"`
	ProjectID   int64              `json:"project_id"`
	Kind        SafetyCampaignKind `json:"kind"`
	Theme       string             `json:"theme"`
	Title       string             `json:"title"`
	Description string             `json:"description,omitempty"`
	StartsOn    Date               `json:"starts_on"`
	EndsOn      Date               `json:"ends_on"`
	// Places are the courtyards or zones the boards visit, in order (an
	// activity has one).
	Places []string `json:"places"`
	// WeeksPerStop is how long the boards stand at each place.
	WeeksPerStop int       `json:"weeks_per_stop"`
	CreatedAt    time.Time `json:"created_at"`

	// Where is the place of the boards on the day asked for ("" when the
	// campaign is not on that day).
	Where string `json:"where,omitempty"`
}

// PlaceOn returns where the campaign's boards stand on a date ("2006-01-02"),
// or "" when the campaign is not on.
func (c *SafetyCampaign) PlaceOn(day Date) string {
	if day < c.StartsOn || day > c.EndsOn || len(c.Places) == 0 {
		return ""
	}
	if c.Kind == SafetyActivity || c.WeeksPerStop < 1 {
		return c.Places[0]
	}
	start, err1 := time.Parse("2006-01-02", c.StartsOn)
	d, err2 := time.Parse("2006-01-02", day)
	if err1 != nil || err2 != nil {
		return ""
	}
	weeks := int(d.Sub(start).Hours()/24) / 7
	return c.Places[(weeks/c.WeeksPerStop)%len(c.Places)]
}

// KBCategories are the knowledge base's categories.
var KBCategories = []string{"numbers", "emergency", "legal", "convenience", KBRenovation, "other"}

// KBRenovation is the category of the articles shown with a renovation
// application in the peak season: formaldehyde-testing agencies, odour
// removal (M4).
const KBRenovation = "renovation"

// KBEntry is an entry of the staff knowledge base.
type KBEntry struct {
	ID            int64     `json:"id"`
	ProjectID     int64     `json:"project_id"`
	Category      string    `json:"category"`
	Title         string    `json:"title"`
	Body          string    `json:"body"`
	UpdatedBy     *int64    `json:"updated_by,omitempty"`
	UpdatedByName string    `json:"updated_by_name,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// KnowledgeService keeps campaigns and the knowledge base. Reads need
// PermSecurityView; changes PermSecurityManage.
type KnowledgeService interface {
	// FindSafetyCampaigns returns a project's campaigns not ended by the day,
	// with where each stands that day.
	FindSafetyCampaigns(ctx context.Context, projectID int64, day Date) ([]*SafetyCampaign, error)
	// CreateSafetyCampaign creates a campaign. EINVALID (kind, theme, title,
	// dates, places, weeks).
	CreateSafetyCampaign(ctx context.Context, c *SafetyCampaign) error
	// FindKB returns a project's entries of a category ("" for all) whose
	// title or text contains q.
	FindKB(ctx context.Context, projectID int64, category, q string) ([]*KBEntry, error)
	// FindKBEntry returns an entry. ENOTFOUND.
	FindKBEntry(ctx context.Context, id int64) (*KBEntry, error)
	// SaveKBEntry creates an entry (ID 0) or changes one. EINVALID
	// (category, title, body), ENOTFOUND.
	SaveKBEntry(ctx context.Context, e *KBEntry) error
}
