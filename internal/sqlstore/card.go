package sqlstore

import (
	"context"
	"slices"

	"github.com/wubu-oss/wubu"
)

// CardService implements wubu.CardService: the front desk's list of cards
// that expire soon.
type CardService struct{ db *DB }

var _ wubu.CardService = (*CardService)(nil)

// NewCardService returns the card service over db.
func NewCardService(db *DB) *CardService { return &CardService{db: db} }

// FindExpiringCards returns the cards expiring within the days; see
// wubu.CardService. within ≤ 0 means the project's largest reminder
// setting.
func (s *CardService) FindExpiringCards(ctx context.Context, projectID int64, within int) ([]*wubu.ExpiringCard, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	if err := rulesProjectExists(ctx, s.db, projectID); err != nil {
		return nil, err
	}
	if within <= 0 {
		st, err := loadProjectSettings(ctx, s.db, s.db.read, projectID)
		if err != nil {
			return nil, err
		}
		within = slices.Max(st.CardReminderDays)
	}
	if within > 366 {
		return nil, wubu.FieldErrorf("within", wubu.EINVALID, "List cards expiring within at most %d days.", 366)
	}
	return findExpiringCards(ctx, s.db, projectID, rulesDate(s.db.now()), within)
}
