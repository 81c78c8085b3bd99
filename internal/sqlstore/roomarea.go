package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/wubu-oss/wubu"
)

// msgAreaRange is the error of an area no home has.
const msgAreaRange = "Area must be between 0.01 and %d square metres."

// SetRoomArea sets the floor area of a room of a building (0: not
// known), with an audit entry of the change.
func (s *OrgService) SetRoomArea(ctx context.Context, buildingID, roomID int64, area wubu.Area) (*wubu.Room, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrgEdit, 0); err != nil {
		return nil, err
	}
	if area < 0 || area > wubu.MaxArea {
		return nil, wubu.FieldErrorf("area", wubu.EINVALID, msgAreaRange, wubu.MaxArea/100)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	r := &wubu.Room{}
	err = tx.queryRow(ctx, `SELECT `+roomColumns+`, area FROM rooms WHERE id = ? AND building_id = ?`, roomID, buildingID).
		Scan(&r.ID, &r.ProjectID, &r.BuildingID, &r.UnitID, &r.Floor, &r.Number, &r.Label, &r.Area)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Room not found.")
	} else if err != nil {
		return nil, err
	}
	// Another project's room answers like a missing one.
	if _, err := wubu.Authorize(ctx, wubu.PermOrgEdit, r.ProjectID); wubu.ErrorCode(err) == wubu.ENOTFOUND {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Room not found.")
	} else if err != nil {
		return nil, err
	}
	if r.Area == area {
		return r, nil
	}
	before := *r
	r.Area = area
	if _, err := tx.exec(ctx, `UPDATE rooms SET area = ? WHERE project_id = ? AND id = ?`, area, r.ProjectID, r.ID); err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, r.ProjectID, wubu.ActionUpdate, "room", r.ID, before, r); err != nil {
		return nil, err
	}
	return r, tx.Commit()
}
