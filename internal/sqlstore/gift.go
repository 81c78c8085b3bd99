package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
)

// GiftService implements wubu.GiftService: gifts in stock, handed out to
// residents and by campaign to households (D2, C6, D4). The stock is taken
// by one conditional UPDATE (stock >= quantity), so two hand-outs at the
// same moment never take it below zero; the table's CHECK says so too.
type GiftService struct{ db *DB }

var _ wubu.GiftService = (*GiftService)(nil)

// NewGiftService returns the gifts over db.
func NewGiftService(db *DB) *GiftService { return &GiftService{db: db} }

const giftItemColumns = `id, project_id, name, kind, stock, created_at`

func scanGiftItem(s interface{ Scan(...any) error }) (*wubu.GiftItem, error) {
	it := &wubu.GiftItem{}
	err := s.Scan(&it.ID, &it.ProjectID, &it.Name, &it.Kind, &it.Stock, &it.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return it, err
}

// giftItem reads an item in tx, checking the caller's permission in its
// project; another project's item is not found.
func giftItem(ctx context.Context, tx *Tx, id int64, perm wubu.Permission) (*wubu.GiftItem, error) {
	it, err := scanGiftItem(tx.queryRow(ctx, `SELECT `+giftItemColumns+` FROM gift_items WHERE id = ?`, id))
	if err != nil {
		return nil, wubu.FieldErrorf("item_id", wubu.ENOTFOUND, "Choose one of the project's gifts.")
	}
	if _, err := wubu.Authorize(ctx, perm, it.ProjectID); err != nil {
		if wubu.ErrorCode(err) == wubu.ENOTFOUND {
			return nil, wubu.FieldErrorf("item_id", wubu.ENOTFOUND, "Choose one of the project's gifts.")
		}
		return nil, err
	}
	return it, nil
}

// CreateGiftItem adds an item.
func (s *GiftService) CreateGiftItem(ctx context.Context, it *wubu.GiftItem) error {
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, it.ProjectID); err != nil {
		return err
	}
	it.Name = strings.TrimSpace(it.Name)
	switch {
	case it.Name == "" || len([]rune(it.Name)) > 60:
		return wubu.FieldErrorf("name", wubu.EINVALID, "Name the gift (at most %d characters).", 60)
	case !it.Kind.Valid():
		return wubu.FieldErrorf("kind", wubu.EINVALID, "Choose what the gift is for.")
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := rulesProjectExists(ctx, s.db, it.ProjectID); err != nil {
		return err
	}
	it.Stock, it.CreatedAt = 0, tx.now
	if it.ID, err = tx.insert(ctx, `INSERT INTO gift_items (project_id, name, kind, stock, created_at) VALUES (?, ?, ?, 0, ?)`, it.ProjectID, it.Name, it.Kind, tx.now); err != nil {
		if isUniqueViolation(err) {
			return wubu.FieldErrorf("name", wubu.ECONFLICT, "A gift named %q exists already.", it.Name)
		}
		return err
	}
	if err := tx.audit(ctx, it.ProjectID, wubu.ActionCreate, "gift_item", it.ID, nil, it); err != nil {
		return err
	}
	return tx.Commit()
}

// ReceiveGift adds stock.
func (s *GiftService) ReceiveGift(ctx context.Context, itemID int64, quantity int, note string) (*wubu.GiftItem, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, 0); err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	if quantity < 1 || quantity > 100000 {
		return nil, wubu.FieldErrorf("quantity", wubu.EINVALID, "The quantity must be from %d to %d.", 1, 100000)
	}
	if len([]rune(note)) > 200 {
		return nil, wubu.FieldErrorf("note", wubu.EINVALID, "The note may be at most %d characters.", 200)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	it, err := giftItem(ctx, tx, itemID, wubu.PermSettingsEdit)
	if err != nil {
		return nil, err
	}
	if _, err := tx.exec(ctx, `UPDATE gift_items SET stock = stock + ? WHERE project_id = ? AND id = ?`, quantity, it.ProjectID, it.ID); err != nil {
		return nil, err
	}
	u := wubu.UserFromContext(ctx)
	id, err := tx.insert(ctx, `INSERT INTO gift_movements (project_id, item_id, kind, quantity, note, by_user, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		it.ProjectID, it.ID, wubu.GiftReceipt, quantity, note, u.ID, tx.now)
	if err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, it.ProjectID, wubu.ActionCreate, "gift_movement", id, nil, map[string]any{"item_id": it.ID, "kind": wubu.GiftReceipt, "quantity": quantity}); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	it.Stock += quantity
	return it, nil
}

// HandOutGift hands an item out to a resident.
func (s *GiftService) HandOutGift(ctx context.Context, r wubu.GiftHandoutRequest) (*wubu.GiftMovement, error) {
	u, err := wubu.Authorize(ctx, wubu.PermResidentEdit, 0)
	if err != nil {
		return nil, err
	}
	// A gift lands on the resident's timeline: for the posts that write it.
	if err := u.CheckCardEdit(wubu.CardTimeline); err != nil {
		return nil, err
	}
	r.Note = strings.TrimSpace(r.Note)
	if r.Quantity == 0 {
		r.Quantity = 1
	}
	switch {
	case r.Quantity < 1 || r.Quantity > 100:
		return nil, wubu.FieldErrorf("quantity", wubu.EINVALID, "The quantity must be from %d to %d.", 1, 100)
	case len([]rune(r.Note)) > 200:
		return nil, wubu.FieldErrorf("note", wubu.EINVALID, "The note may be at most %d characters.", 200)
	case r.PersonID == 0:
		return nil, wubu.FieldErrorf("person_id", wubu.EINVALID, "Choose the resident who receives it.")
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// The campaign gives its item to one household of its scope.
	var c *wubu.GiftCampaign
	if r.CampaignID != 0 {
		if c, err = s.campaign(ctx, tx, r.CampaignID, wubu.PermResidentEdit); err != nil {
			return nil, err
		}
		r.ItemID = c.ItemID
	}
	it, err := giftItem(ctx, tx, r.ItemID, wubu.PermResidentEdit)
	if err != nil {
		return nil, err
	}
	m := &wubu.GiftMovement{ProjectID: it.ProjectID, ItemID: it.ID, ItemName: it.Name, Kind: wubu.GiftHandout, Quantity: r.Quantity, Note: r.Note,
		By: u.ID, ByName: u.Name, At: tx.now}
	if err := tx.queryRow(ctx, `SELECT name FROM persons WHERE project_id = ? AND id = ?`, it.ProjectID, r.PersonID).Scan(&m.PersonName); errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.FieldErrorf("person_id", wubu.ENOTFOUND, "Resident not found.")
	} else if err != nil {
		return nil, err
	}
	m.PersonID = &r.PersonID
	// The household: the one given, else the resident's home.
	q := `SELECT r.id, r.label, r.building_id FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
		WHERE h.project_id = ? AND h.person_id = ? AND h.move_out = ''`
	args := []any{it.ProjectID, r.PersonID}
	if r.RoomID != 0 {
		q, args = q+` AND r.id = ?`, append(args, r.RoomID)
	}
	var roomID, buildingID int64
	err = tx.queryRow(ctx, q+` ORDER BY r.label LIMIT 1`, args...).Scan(&roomID, &m.RoomLabel, &buildingID)
	switch {
	case err == nil:
		m.RoomID = &roomID
	case !errors.Is(err, sql.ErrNoRows):
		return nil, err
	case r.RoomID != 0 || c != nil:
		return nil, wubu.FieldErrorf("room_id", wubu.EINVALID, "The resident does not live in that home.")
	}
	if c != nil {
		m.CampaignID = &c.ID
		if c.BuildingID != nil && *c.BuildingID != buildingID {
			return nil, wubu.FieldErrorf("room_id", wubu.EINVALID, "This campaign is for %s only.", c.BuildingName)
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM gift_movements WHERE project_id = ? AND campaign_id = ? AND room_id = ?`, it.ProjectID, c.ID, roomID).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, wubu.Errorf(wubu.ECONFLICT, "%s has already received the gift of %s.", m.RoomLabel, c.Name)
		}
	}
	// Take the stock: one statement, only while enough is left.
	res, err := tx.exec(ctx, `UPDATE gift_items SET stock = stock - ? WHERE project_id = ? AND id = ? AND stock >= ?`, r.Quantity, it.ProjectID, it.ID, r.Quantity)
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, err
	} else if n == 0 {
		var left int
		if err := tx.queryRow(ctx, `SELECT stock FROM gift_items WHERE project_id = ? AND id = ?`, it.ProjectID, it.ID).Scan(&left); err != nil {
			return nil, err
		}
		return nil, wubu.FieldErrorf("quantity", wubu.ECONFLICT, "Only %d left in stock of %s.", left, it.Name)
	}
	if m.ID, err = tx.insert(ctx, `INSERT INTO gift_movements (project_id, item_id, kind, quantity, person_id, room_id, campaign_id, note, by_user, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ProjectID, m.ItemID, m.Kind, m.Quantity, m.PersonID, m.RoomID, m.CampaignID, m.Note, u.ID, tx.now); err != nil {
		if isUniqueViolation(err) && c != nil {
			return nil, wubu.Errorf(wubu.ECONFLICT, "%s has already received the gift of %s.", m.RoomLabel, c.Name)
		}
		return nil, err
	}
	if err := tx.audit(ctx, m.ProjectID, wubu.ActionCreate, "gift_movement", m.ID, nil, m); err != nil {
		return nil, err
	}
	text := m.ItemName + " ×" + strconv.Itoa(m.Quantity)
	if c != nil {
		text = c.Name + ": " + text
	}
	if m.Note != "" {
		text += " " + m.Note
	}
	if err := addTimeline(ctx, tx, m.ProjectID, r.PersonID, "gift", text); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		if isUniqueViolation(err) && c != nil {
			return nil, wubu.Errorf(wubu.ECONFLICT, "%s has already received the gift of %s.", m.RoomLabel, c.Name)
		}
		return nil, err
	}
	return m, nil
}

// GiftItems lists a project's items.
func (s *GiftService) GiftItems(ctx context.Context, projectID int64) ([]*wubu.GiftItem, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+giftItemColumns+` FROM gift_items WHERE project_id = ? ORDER BY name`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.GiftItem
	for rows.Next() {
		it, err := scanGiftItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// GiftMovements lists the register, newest first.
func (s *GiftService) GiftMovements(ctx context.Context, projectID int64, f wubu.GiftFilter) ([]*wubu.GiftMovement, int, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, 0, err
	}
	where, args := []string{"m.project_id = ?"}, []any{projectID}
	if f.ItemID != 0 {
		where, args = append(where, "m.item_id = ?"), append(args, f.ItemID)
	}
	if f.PersonID != 0 {
		where, args = append(where, "m.person_id = ?"), append(args, f.PersonID)
	}
	if f.CampaignID != 0 {
		where, args = append(where, "m.campaign_id = ?"), append(args, f.CampaignID)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := s.db.query(ctx, `SELECT m.id, m.project_id, m.item_id, i.name, m.kind, m.quantity, m.person_id, COALESCE(p.name, ''), m.room_id, COALESCE(r.label, ''),
		m.campaign_id, m.note, m.by_user, u.name, m.at, COUNT(*) OVER()
		FROM gift_movements m JOIN gift_items i ON i.project_id = m.project_id AND i.id = m.item_id
		LEFT JOIN persons p ON p.project_id = m.project_id AND p.id = m.person_id
		LEFT JOIN rooms r ON r.project_id = m.project_id AND r.id = m.room_id
		JOIN users u ON u.id = m.by_user
		WHERE `+strings.Join(where, " AND ")+` ORDER BY m.at DESC, m.id DESC LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*wubu.GiftMovement
	total := 0
	for rows.Next() {
		m := &wubu.GiftMovement{}
		if err := rows.Scan(&m.ID, &m.ProjectID, &m.ItemID, &m.ItemName, &m.Kind, &m.Quantity, &m.PersonID, &m.PersonName, &m.RoomID, &m.RoomLabel,
			&m.CampaignID, &m.Note, &m.By, &m.ByName, &m.At, &total); err != nil {
			return nil, 0, err
		}
		out = append(out, m)
	}
	return out, total, rows.Err()
}
