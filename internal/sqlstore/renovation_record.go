package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/wubu-oss/wubu"
)

// The renovation's record: a room's renovations (archived on the room's
// record once closed), the drawings of the application and the signatures
// drawn at the briefing.

// RoomRenovations lists a room's renovations, newest first.
func (s *RenovationService) RoomRenovations(ctx context.Context, roomID int64) ([]*wubu.Renovation, error) {
	var projectID int64
	err := s.db.queryRow(ctx, `SELECT project_id FROM rooms WHERE id = ?`, roomID).Scan(&projectID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	} else if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, projectID); err != nil {
		return nil, err
	}
	return s.queryRenovations(ctx, `SELECT `+renovationColumns+renovationFrom+` WHERE r.project_id = ? AND r.room_id = ? ORDER BY r.applied_at DESC, r.id DESC LIMIT 100`,
		projectID, roomID)
}

// BuildingRenovations lists the renovations of a building's rooms, newest
// first.
func (s *RenovationService) BuildingRenovations(ctx context.Context, buildingID int64) ([]*wubu.Renovation, error) {
	var projectID int64
	err := s.db.queryRow(ctx, `SELECT project_id FROM buildings WHERE id = ?`, buildingID).Scan(&projectID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	} else if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, projectID); err != nil {
		return nil, err
	}
	return s.queryRenovations(ctx, `SELECT `+renovationColumns+renovationFrom+` WHERE r.project_id = ? AND rm.building_id = ? ORDER BY r.applied_at DESC, r.id DESC LIMIT 200`,
		projectID, buildingID)
}

// FindRenovationFile returns a drawing or a drawn signature of a
// renovation, with its data.
func (s *RenovationService) FindRenovationFile(ctx context.Context, id, fileID int64) (*wubu.Photo, error) {
	r, err := s.FindRenovation(ctx, id)
	if err != nil {
		return nil, err
	}
	return photo(ctx, s.db, r.ProjectID, "renovation", r.ID, fileID)
}
