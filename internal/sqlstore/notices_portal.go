package sqlstore

import (
	"context"

	"github.com/wubu-oss/wubu"
)

// What the centre publishes, read on the residents' portal (issue 15):
// the notices on the board for the resident's project and buildings, the
// hotline and zone contacts, the lobby hours.

// authorizePublished authorizes a read of what a project publishes to its
// residents: staff with perm, or a resident of the project signed in to
// the portal.
func authorizePublished(ctx context.Context, perm wubu.Permission, projectID int64) (*wubu.User, error) {
	if u := wubu.UserFromContext(ctx); u != nil && u.Role == wubu.RoleResident {
		return wubu.Authorize(ctx, wubu.PermPortal, projectID)
	}
	return wubu.Authorize(ctx, perm, projectID)
}

// MyBulletins returns the notices on the board today for the resident
// signed in to the portal: those whose audience (buildings, units; none:
// the whole project) holds one of their homes, the newest first.
func (s *BulletinService) MyBulletins(ctx context.Context) ([]*wubu.Bulletin, error) {
	id := wubu.PortalIdentityFromContext(ctx)
	if id == nil {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermPortal, id.ProjectID); err != nil {
		return nil, err
	}
	today := s.db.now().In(cst).Format("2006-01-02")
	rows, err := s.db.query(ctx, `SELECT `+bulletinColumns+bulletinFrom+` WHERE n.project_id = ? AND n.board_from <= ? AND n.board_until >= ?
		AND (n.building_id IS NULL
				AND NOT EXISTS (SELECT 1 FROM bulletin_buildings x WHERE x.project_id = n.project_id AND x.bulletin_id = n.id)
				AND NOT EXISTS (SELECT 1 FROM bulletin_units x WHERE x.project_id = n.project_id AND x.bulletin_id = n.id)
			OR EXISTS (SELECT 1 FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
				WHERE h.project_id = n.project_id AND h.person_id = ? AND h.move_out = ''
				AND (r.building_id = n.building_id
					OR r.building_id IN (SELECT x.building_id FROM bulletin_buildings x WHERE x.project_id = n.project_id AND x.bulletin_id = n.id)
					OR r.unit_id IN (SELECT x.unit_id FROM bulletin_units x WHERE x.project_id = n.project_id AND x.bulletin_id = n.id))))
		ORDER BY n.posted_at DESC, n.id DESC LIMIT 100`, id.ProjectID, today, today, id.PersonID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*wubu.Bulletin{}
	for rows.Next() {
		n, err := scanBulletin(rows)
		if err != nil {
			return nil, err
		}
		n.Sent, n.PostedBy, n.PostedByName = 0, nil, ""
		out = append(out, n)
	}
	return out, rows.Err()
}
