package sqlstore

import (
	"context"

	"github.com/wubu-oss/wubu"
)

// MyRoundTables returns the free slots to come and the resident's own
// bookings, for the portal.
func (s *RoundTableService) MyRoundTables(ctx context.Context) ([]*wubu.RoundTableSlot, error) {
	id := wubu.PortalIdentityFromContext(ctx)
	if id == nil {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermPortal, id.ProjectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+roundTableColumns+roundTableFrom+` WHERE t.project_id = ? AND t.starts_at > ? AND (t.state = ? OR (t.state = ? AND t.person_id = ?))
		ORDER BY t.starts_at, t.id LIMIT 200`, id.ProjectID, s.db.now().UTC(), wubu.RoundTableOpen, wubu.RoundTableBooked, id.PersonID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []*wubu.RoundTableSlot{}
	for rows.Next() {
		t, err := scanRoundTable(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, t)
	}
	return list, rows.Err()
}

// BookMyRoundTable books the signed-in resident into a free slot.
func (s *RoundTableService) BookMyRoundTable(ctx context.Context, slotID int64) (*wubu.RoundTableSlot, error) {
	id := wubu.PortalIdentityFromContext(ctx)
	if id == nil {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	return s.BookRoundTable(ctx, slotID, id.PersonID, wubu.BookedByResident)
}

// CancelMyRoundTable cancels the signed-in resident's booking of a slot;
// another's slot (or a free one) is not found.
func (s *RoundTableService) CancelMyRoundTable(ctx context.Context, slotID int64) (*wubu.RoundTableSlot, error) {
	id, err := portalResident(ctx)
	if err != nil {
		return nil, err
	}
	var n int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM round_tables WHERE project_id = ? AND id = ? AND person_id = ? AND state = ?`,
		id.ProjectID, slotID, id.PersonID, wubu.RoundTableBooked).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Slot not found.")
	}
	return s.CancelRoundTable(ctx, slotID, "")
}
