package wubu

import (
	"context"
	"slices"
	"time"
)

// Gifts and handed-out items (D2, C6, D4): what the service centre gives
// residents — gifts for expectant mothers, Spring Festival and Mid-Autumn
// gifts, free pest-control supplies, framed event photos — with the stock
// of each item (receipts in, hand-outs out; never below zero, whoever hands
// out at the same moment), the register of who received what, on the
// resident's timeline, and a campaign's list of the households still to
// receive its gift.

// GiftKind is what a gift is for.
type GiftKind string

// Gift kinds.
const (
	GiftExpectantMother GiftKind = "expectant_mother"
	GiftSpringFestival  GiftKind = "spring_festival"
	GiftMidAutumn       GiftKind = "mid_autumn"
	GiftPestControl     GiftKind = "pest_control"
	GiftEventPhoto      GiftKind = "event_photo"
	GiftOther           GiftKind = "other"
)

// GiftKinds lists every kind.
var GiftKinds = []GiftKind{GiftExpectantMother, GiftSpringFestival, GiftMidAutumn, GiftPestControl, GiftEventPhoto, GiftOther}

// Valid reports whether k is a known kind.
func (k GiftKind) Valid() bool { return slices.Contains(GiftKinds, k) }

// GiftItem is an item the centre keeps in stock to give away.
type GiftItem struct {
	ID        int64     `json:"id"`
	ProjectID int64     `json:"project_id"`
	Name      string    `json:"name"`
	Kind      GiftKind  `json:"kind"`
	Stock     int       `json:"stock"`
	CreatedAt time.Time `json:"created_at"`
}

// Gift movements.
const (
	GiftReceipt = "receipt"
	GiftHandout = "handout"
)

// GiftMovement is stock received or an item handed out.
type GiftMovement struct {
	ID         int64     `json:"id"`
	ProjectID  int64     `json:"project_id"`
	ItemID     int64     `json:"item_id"`
	ItemName   string    `json:"item_name"`
	Kind       string    `json:"kind"`
	Quantity   int       `json:"quantity"`
	PersonID   *int64    `json:"person_id,omitempty"`
	PersonName string    `json:"person_name,omitempty"`
	RoomID     *int64    `json:"room_id,omitempty"`
	RoomLabel  string    `json:"room_label,omitempty"`
	CampaignID *int64    `json:"campaign_id,omitempty"`
	Note       string    `json:"note,omitempty"`
	By         int64     `json:"by"`
	ByName     string    `json:"by_name"`
	At         time.Time `json:"at"`
}

// GiftHandoutRequest hands an item to a resident: ItemID, or CampaignID
// for the campaign's item to the resident's household.
type GiftHandoutRequest struct {
	ItemID     int64 `json:"item_id"`
	CampaignID int64 `json:"campaign_id"`
	PersonID   int64 `json:"person_id"`
	// RoomID is the household; default the resident's (first) home.
	RoomID   int64  `json:"room_id"`
	Quantity int    `json:"quantity"`
	Note     string `json:"note"`
}

// GiftCampaign gives one item to every household of the project (or of
// one building).
type GiftCampaign struct {
	ID           int64     `json:"id"`
	ProjectID    int64     `json:"project_id"`
	Name         string    `json:"name"`
	ItemID       int64     `json:"item_id"`
	ItemName     string    `json:"item_name"`
	BuildingID   *int64    `json:"building_id,omitempty"`
	BuildingName string    `json:"building_name,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	// Households are the occupied homes it covers; Given those that
	// received its gift.
	Households int `json:"households"`
	Given      int `json:"given"`
}

// GiftHousehold is a home still to receive a campaign's gift, with its
// residents.
type GiftHousehold struct {
	RoomID    int64        `json:"room_id"`
	RoomLabel string       `json:"room_label"`
	Residents []GiftPerson `json:"residents"`
}

// GiftPerson is a resident of a household on a campaign's list.
type GiftPerson struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
}

// GiftFilter selects movements of a project.
type GiftFilter struct {
	ItemID     int64
	PersonID   int64
	CampaignID int64
	Offset     int
	Limit      int
}

// GiftService keeps the gifts. Reads need PermResidentView, handing out
// PermResidentEdit, items, receipts and campaigns PermSettingsEdit.
// Another project's item, campaign or resident answers ENOTFOUND.
type GiftService interface {
	// CreateGiftItem adds an item (stock 0). EINVALID, ECONFLICT (name).
	CreateGiftItem(ctx context.Context, it *GiftItem) error
	// ReceiveGift adds stock. EINVALID (quantity 1–100000).
	ReceiveGift(ctx context.Context, itemID int64, quantity int, note string) (*GiftItem, error)
	// HandOutGift hands an item out, taking it from the stock, and writes
	// the resident's timeline. ECONFLICT when the stock is short or the
	// household already received the campaign's gift; EINVALID.
	HandOutGift(ctx context.Context, r GiftHandoutRequest) (*GiftMovement, error)
	// GiftItems lists a project's items.
	GiftItems(ctx context.Context, projectID int64) ([]*GiftItem, error)
	// GiftMovements lists the register, newest first, and the total.
	GiftMovements(ctx context.Context, projectID int64, f GiftFilter) ([]*GiftMovement, int, error)
	// CreateGiftCampaign starts a campaign. EINVALID, ENOTFOUND.
	CreateGiftCampaign(ctx context.Context, c *GiftCampaign) error
	// GiftCampaigns lists a project's campaigns with their progress.
	GiftCampaigns(ctx context.Context, projectID int64) ([]*GiftCampaign, error)
	// FindGiftCampaign returns a campaign with its progress.
	FindGiftCampaign(ctx context.Context, id int64) (*GiftCampaign, error)
	// PendingHouseholds lists the homes still to receive a campaign's gift.
	PendingHouseholds(ctx context.Context, campaignID int64) ([]*GiftHousehold, error)
}
