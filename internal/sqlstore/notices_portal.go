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
// signed in to the portal: their project's and their buildings', the
// newest first.
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
		ORDER BY n.posted_at DESC, n.id DESC LIMIT 100`, id.ProjectID, today, today)
	if err != nil {
		return nil, err
	}
	var board []*wubu.Bulletin
	for rows.Next() {
		n, err := scanBulletin(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		board = append(board, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Only the notices whose audience (buildings, units; none: the whole
	// project) holds one of the resident's homes.
	out := []*wubu.Bulletin{}
	for _, n := range board {
		if err := loadBulletinAudience(ctx, s.db, n); err != nil {
			return nil, err
		}
		if len(n.BuildingIDs) > 0 || len(n.UnitIDs) > 0 {
			cond, args := audienceCond(n.BuildingIDs, n.UnitIDs)
			var c int
			if err := s.db.queryRow(ctx, `SELECT COUNT(*)`+audienceFrom+cond+` AND h.person_id = ?`,
				append(append([]any{id.ProjectID}, args...), id.PersonID)...).Scan(&c); err != nil {
				return nil, err
			} else if c == 0 {
				continue
			}
		}
		n.Sent, n.PostedBy, n.PostedByName = 0, nil, ""
		out = append(out, n)
	}
	return out, nil
}
