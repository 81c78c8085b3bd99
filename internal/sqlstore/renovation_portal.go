package sqlstore

import (
	"context"

	"github.com/wubu-oss/wubu"
)

// MyRenovations lists the renovations of the signed-in resident's homes,
// newest first, for the two-way contact card on the portal: the room, the
// period, the state, the contractor's lead and the renovation manager with
// their numbers; never the workers, their ID numbers or the staff's notes.
func (s *RenovationService) MyRenovations(ctx context.Context) ([]*wubu.Renovation, error) {
	id := wubu.PortalIdentityFromContext(ctx)
	if id == nil {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermPortal, id.ProjectID); err != nil {
		return nil, err
	}
	if len(id.Homes) == 0 {
		return []*wubu.Renovation{}, nil
	}
	args := []any{id.ProjectID}
	for _, h := range id.Homes {
		args = append(args, h.RoomID)
	}
	list, err := s.queryRenovations(ctx, `SELECT `+renovationColumns+renovationFrom+` WHERE r.project_id = ? AND r.room_id IN (`+placeholders(len(id.Homes))+`)
		ORDER BY r.applied_at DESC, r.id DESC LIMIT 50`, args...)
	if err != nil {
		return nil, err
	}
	for _, r := range list {
		r.Workers, r.Photos, r.ReviewNote, r.DepositNote = nil, nil, "", ""
	}
	return list, nil
}
