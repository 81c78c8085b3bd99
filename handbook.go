package wubu

import (
	"context"
	"time"
)

// The service hotline and zone contacts (K5) and the convenience handbook
// (H3): the project's hotline, hours, channels, safety advice, facilities
// and surroundings as the centre keeps them; a printable contact card per
// building with the hotline and the building's zone assistants; the
// handbook generated from all of it and the price list, versioned — a new
// version whenever what it shows changes.

// CommunityInfo is what the centre keeps for its handbook and contact
// cards.
type CommunityInfo struct {
	ProjectID int64  `json:"project_id"`
	Hotline   string `json:"hotline"`
	// Hours are the centre's opening hours; Channels how residents reach
	// it (desk, phone, app…); Safety the home-safety advice; Facilities
	// the community's facilities; Surroundings the resources around it.
	Hours        string     `json:"hours"`
	Channels     string     `json:"channels"`
	Safety       string     `json:"safety"`
	Facilities   string     `json:"facilities"`
	Surroundings string     `json:"surroundings"`
	UpdatedAt    *time.Time `json:"updated_at,omitempty"`
}

// ZoneContact is a zone assistant of a building, with their number.
type ZoneContact struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

// ContactCard is the contact card of a building: the hotline and the
// building's zone assistants.
type ContactCard struct {
	BuildingID   int64         `json:"building_id"`
	BuildingName string        `json:"building_name"`
	Hotline      string        `json:"hotline"`
	Assistants   []ZoneContact `json:"assistants"`
}

// HandbookPrice is one service of the handbook with its price in fen.
type HandbookPrice struct {
	Name  string `json:"name"`
	Unit  string `json:"unit"`
	Price int64  `json:"price"`
}

// Handbook is the convenience handbook of a project as generated now.
type Handbook struct {
	ProjectID int64 `json:"project_id"`
	// Version counts the handbook's changes; GeneratedAt is when this
	// version was first generated.
	Version     int             `json:"version"`
	GeneratedAt time.Time       `json:"generated_at"`
	Info        CommunityInfo   `json:"info"`
	Prices      []HandbookPrice `json:"prices"`
	Cards       []*ContactCard  `json:"cards"`
}

// HandbookService keeps the community information and generates the
// contact cards and the handbook.
type HandbookService interface {
	FindCommunityInfo(ctx context.Context, projectID int64) (*CommunityInfo, error)
	// SaveCommunityInfo changes it (settings); EINVALID (hotline…)
	// changes nothing.
	SaveCommunityInfo(ctx context.Context, info *CommunityInfo) error
	// ContactCards returns a contact card per building.
	ContactCards(ctx context.Context, projectID int64) ([]*ContactCard, error)
	// Handbook generates the handbook, recording a new version when its
	// content differs from the last one's. A resident on the portal reads
	// their own project's (PermPortal).
	Handbook(ctx context.Context, projectID int64) (*Handbook, error)
}
