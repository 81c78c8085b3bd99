package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
)

// HandbookService implements wubu.HandbookService: the hotline and zone
// contacts (K5) and the convenience handbook with its versions (H3).
type HandbookService struct {
	db *DB
}

var _ wubu.HandbookService = (*HandbookService)(nil)

// NewHandbookService returns the handbook service over db.
func NewHandbookService(db *DB) *HandbookService { return &HandbookService{db: db} }

func (s *HandbookService) info(ctx context.Context, q rowQuerier, projectID int64) (*wubu.CommunityInfo, error) {
	in := &wubu.CommunityInfo{ProjectID: projectID}
	err := q.QueryRowContext(ctx, s.db.rebind(`SELECT hotline, hours, channels, safety, facilities, surroundings, updated_at FROM community_info WHERE project_id = ?`), projectID).
		Scan(&in.Hotline, &in.Hours, &in.Channels, &in.Safety, &in.Facilities, &in.Surroundings, &in.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return in, nil
	}
	return in, err
}

// FindCommunityInfo returns what the centre keeps for its handbook.
func (s *HandbookService) FindCommunityInfo(ctx context.Context, projectID int64) (*wubu.CommunityInfo, error) {
	if _, err := authorizePublished(ctx, wubu.PermOrgView, projectID); err != nil {
		return nil, err
	}
	return s.info(ctx, s.db.reader(), projectID)
}

// SaveCommunityInfo changes the hotline and the handbook's texts.
func (s *HandbookService) SaveCommunityInfo(ctx context.Context, in *wubu.CommunityInfo) error {
	u, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, in.ProjectID)
	if err != nil {
		return err
	}
	in.Hotline = strings.TrimSpace(in.Hotline)
	for _, f := range []*string{&in.Hours, &in.Channels, &in.Safety, &in.Facilities, &in.Surroundings} {
		*f = strings.TrimSpace(*f)
	}
	if in.Hotline == "" || len(in.Hotline) > 20 || strings.Trim(in.Hotline, "0123456789- ") != "" {
		return wubu.FieldErrorf("hotline", wubu.EINVALID, "The hotline is a telephone number: digits and hyphens, at most %d.", 20)
	}
	for field, v := range map[string]string{"hours": in.Hours, "channels": in.Channels, "safety": in.Safety, "facilities": in.Facilities, "surroundings": in.Surroundings} {
		if utf8.RuneCountInString(v) > 2000 {
			return wubu.FieldErrorf(field, wubu.EINVALID, "At most %d characters.", 2000)
		}
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	before, err := s.info(ctx, tx, in.ProjectID)
	if err != nil {
		return err
	}
	now := tx.now
	in.UpdatedAt = &now
	if _, err := tx.exec(ctx, `DELETE FROM community_info WHERE project_id = ?`, in.ProjectID); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO community_info (project_id, hotline, hours, channels, safety, facilities, surroundings, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		in.ProjectID, in.Hotline, in.Hours, in.Channels, in.Safety, in.Facilities, in.Surroundings, actorID(u), now); err != nil {
		return err
	}
	if err := tx.audit(ctx, in.ProjectID, wubu.ActionUpdate, "community_info", in.ProjectID, before, in); err != nil {
		return err
	}
	return tx.Commit()
}

// ContactCards returns each building's card: the hotline and the zone
// assistants with their numbers.
func (s *HandbookService) ContactCards(ctx context.Context, projectID int64) ([]*wubu.ContactCard, error) {
	if _, err := authorizePublished(ctx, wubu.PermOrgView, projectID); err != nil {
		return nil, err
	}
	return s.cards(ctx, projectID)
}

func (s *HandbookService) cards(ctx context.Context, projectID int64) ([]*wubu.ContactCard, error) {
	in, err := s.info(ctx, s.db.reader(), projectID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT b.id, b.name, COALESCE(u.name, ''), COALESCE(u.phone, '') FROM buildings b
		LEFT JOIN building_assignments a ON a.project_id = b.project_id AND a.building_id = b.id AND a.kind = ?
		LEFT JOIN users u ON u.id = a.user_id AND u.disabled = ?
		WHERE b.project_id = ? ORDER BY b.id, u.name`, wubu.AssignZoneAssistant, false, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cards := []*wubu.ContactCard{}
	for rows.Next() {
		var id int64
		var building, name, phone string
		if err := rows.Scan(&id, &building, &name, &phone); err != nil {
			return nil, err
		}
		if len(cards) == 0 || cards[len(cards)-1].BuildingID != id {
			cards = append(cards, &wubu.ContactCard{BuildingID: id, BuildingName: building, Hotline: in.Hotline, Assistants: []wubu.ZoneContact{}})
		}
		if name != "" {
			c := cards[len(cards)-1]
			c.Assistants = append(c.Assistants, wubu.ZoneContact{Name: name, Phone: phone})
		}
	}
	return cards, rows.Err()
}

// Handbook generates the handbook; a content different from the last
// version's is recorded as the next version. Residents read their
// project's on the portal: it is published to them.
func (s *HandbookService) Handbook(ctx context.Context, projectID int64) (*wubu.Handbook, error) {
	if _, err := authorizePublished(ctx, wubu.PermOrgView, projectID); err != nil {
		return nil, err
	}
	in, err := s.info(ctx, s.db.reader(), projectID)
	if err != nil {
		return nil, err
	}
	hb := &wubu.Handbook{ProjectID: projectID, Info: *in, Prices: []wubu.HandbookPrice{}}
	hb.Info.UpdatedAt = nil
	rows, err := s.db.query(ctx, `SELECT name, unit, price FROM price_items WHERE project_id = ? AND active = ? ORDER BY category, kind, name`, projectID, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p wubu.HandbookPrice
		if err := rows.Scan(&p.Name, &p.Unit, &p.Price); err != nil {
			return nil, err
		}
		hb.Prices = append(hb.Prices, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if hb.Cards, err = s.cards(ctx, projectID); err != nil {
		return nil, err
	}
	content, err := json.Marshal(struct {
		Info   wubu.CommunityInfo
		Prices []wubu.HandbookPrice
		Cards  []*wubu.ContactCard
	}{hb.Info, hb.Prices, hb.Cards})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(content)
	digest := hex.EncodeToString(sum[:])
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var last string
	err = tx.queryRow(ctx, `SELECT version, digest, created_at FROM handbook_versions WHERE project_id = ? ORDER BY version DESC LIMIT 1`, projectID).
		Scan(&hb.Version, &last, &hb.GeneratedAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if last == digest {
		return hb, nil
	}
	hb.Version++
	hb.GeneratedAt = tx.now
	if _, err := tx.exec(ctx, `INSERT INTO handbook_versions (project_id, version, digest, created_at) VALUES (?, ?, ?, ?)`, projectID, hb.Version, digest, tx.now); err != nil {
		if isUniqueViolation(err) {
			// Generated at the same moment by another reader.
			return hb, nil
		}
		return nil, err
	}
	return hb, tx.Commit()
}
