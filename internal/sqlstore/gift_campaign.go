package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/wubu-oss/wubu"
)

// A gift campaign gives its item to every occupied home of the project, or
// of one building; the homes still to receive it are those with a resident
// living there and no hand-out of the campaign.

// campaignColumns read a campaign with its progress.
const campaignColumns = `c.id, c.project_id, c.name, c.item_id, i.name, c.building_id, COALESCE(b.name, ''), c.created_at,
	(SELECT COUNT(DISTINCT h.room_id) FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
		WHERE h.project_id = c.project_id AND h.move_out = '' AND (c.building_id IS NULL OR r.building_id = c.building_id)),
	(SELECT COUNT(*) FROM gift_movements m WHERE m.project_id = c.project_id AND m.campaign_id = c.id)`

const campaignFrom = ` FROM gift_campaigns c JOIN gift_items i ON i.project_id = c.project_id AND i.id = c.item_id
	LEFT JOIN buildings b ON b.project_id = c.project_id AND b.id = c.building_id`

func scanGiftCampaign(s interface{ Scan(...any) error }) (*wubu.GiftCampaign, error) {
	c := &wubu.GiftCampaign{}
	err := s.Scan(&c.ID, &c.ProjectID, &c.Name, &c.ItemID, &c.ItemName, &c.BuildingID, &c.BuildingName, &c.CreatedAt, &c.Households, &c.Given)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return c, err
}

// campaign reads a campaign in tx, checking perm in its project.
func (s *GiftService) campaign(ctx context.Context, tx *Tx, id int64, perm wubu.Permission) (*wubu.GiftCampaign, error) {
	c, err := scanGiftCampaign(tx.queryRow(ctx, `SELECT `+campaignColumns+campaignFrom+` WHERE c.id = ?`, id))
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, perm, c.ProjectID); err != nil {
		return nil, err
	}
	return c, nil
}

// CreateGiftCampaign starts a campaign.
func (s *GiftService) CreateGiftCampaign(ctx context.Context, c *wubu.GiftCampaign) error {
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, c.ProjectID); err != nil {
		return err
	}
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" || len([]rune(c.Name)) > 60 {
		return wubu.FieldErrorf("name", wubu.EINVALID, "Name the campaign (at most %d characters).", 60)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	it, err := giftItem(ctx, tx, c.ItemID, wubu.PermSettingsEdit)
	if err != nil {
		return err
	}
	if it.ProjectID != c.ProjectID {
		return wubu.FieldErrorf("item_id", wubu.ENOTFOUND, "Choose one of the project's gifts.")
	}
	if c.BuildingID != nil {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM buildings WHERE project_id = ? AND id = ?`, c.ProjectID, *c.BuildingID).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			return wubu.FieldErrorf("building_id", wubu.ENOTFOUND, "Building not found.")
		}
	}
	u := wubu.UserFromContext(ctx)
	if c.ID, err = tx.insert(ctx, `INSERT INTO gift_campaigns (project_id, name, item_id, building_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		c.ProjectID, c.Name, c.ItemID, c.BuildingID, u.ID, tx.now); err != nil {
		return err
	}
	c.ItemName, c.CreatedAt = it.Name, tx.now
	if err := tx.audit(ctx, c.ProjectID, wubu.ActionCreate, "gift_campaign", c.ID, nil, map[string]any{"name": c.Name, "item_id": c.ItemID, "building_id": c.BuildingID}); err != nil {
		return err
	}
	return tx.Commit()
}

// GiftCampaigns lists a project's campaigns, newest first.
func (s *GiftService) GiftCampaigns(ctx context.Context, projectID int64) ([]*wubu.GiftCampaign, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+campaignColumns+campaignFrom+` WHERE c.project_id = ? ORDER BY c.created_at DESC, c.id DESC LIMIT 200`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.GiftCampaign
	for rows.Next() {
		c, err := scanGiftCampaign(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindGiftCampaign returns a campaign with its progress.
func (s *GiftService) FindGiftCampaign(ctx context.Context, id int64) (*wubu.GiftCampaign, error) {
	c, err := scanGiftCampaign(s.db.queryRow(ctx, `SELECT `+campaignColumns+campaignFrom+` WHERE c.id = ?`, id))
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, c.ProjectID); err != nil {
		return nil, err
	}
	return c, nil
}

// PendingHouseholds lists the homes still to receive a campaign's gift, in
// the order of their room labels, with their residents.
func (s *GiftService) PendingHouseholds(ctx context.Context, campaignID int64) ([]*wubu.GiftHousehold, error) {
	c, err := s.FindGiftCampaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT r.id, r.label, p.id, p.name FROM households h
		JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
		JOIN persons p ON p.project_id = h.project_id AND p.id = h.person_id
		WHERE h.project_id = ? AND h.move_out = '' AND (? = 0 OR r.building_id = ?)
		AND NOT EXISTS (SELECT 1 FROM gift_movements m WHERE m.project_id = h.project_id AND m.campaign_id = ? AND m.room_id = h.room_id)
		ORDER BY r.label, p.id LIMIT 5000`, c.ProjectID, derefID(c.BuildingID), derefID(c.BuildingID), c.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.GiftHousehold
	for rows.Next() {
		var rid int64
		var label string
		var gp wubu.GiftPerson
		if err := rows.Scan(&rid, &label, &gp.PersonID, &gp.Name); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].RoomID != rid {
			out = append(out, &wubu.GiftHousehold{RoomID: rid, RoomLabel: label})
		}
		h := out[len(out)-1]
		h.Residents = append(h.Residents, gp)
	}
	// 1-1-201 before 1-1-1201, as on the doors.
	sortNatural(out, func(h *wubu.GiftHousehold) string { return h.RoomLabel })
	return out, rows.Err()
}

// derefID returns an optional ID, 0 for none.
func derefID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
