package sqlstore

import (
	"context"
	"strconv"
	"time"

	"github.com/wubu-oss/wubu"
)

// RenovationAgenda puts on the renovation manager's Today the on-site
// briefings of approved renovations, until each is done.
type RenovationAgenda struct{ db *DB }

var _ wubu.AgendaSource = (*RenovationAgenda)(nil)

// NewRenovationAgenda returns the renovations' agenda source over db.
func NewRenovationAgenda(db *DB) *RenovationAgenda { return &RenovationAgenda{db: db} }

// msgAgendaBriefing is the agenda's line of a briefing to do.
const msgAgendaBriefing = "Renovation of %s: the on-site briefing with the resident and the contractor"

// Agenda returns the briefings the signed-in renovation manager has to do.
func (s *RenovationAgenda) Agenda(ctx context.Context, now time.Time) ([]wubu.AgendaItem, error) {
	u := wubu.UserFromContext(ctx)
	if u == nil {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	if !u.Can(wubu.PermOrderEdit) {
		return nil, nil
	}
	rows, err := s.db.query(ctx, `SELECT r.project_id, r.id, rm.label FROM renovations r JOIN rooms rm ON rm.project_id = r.project_id AND rm.id = r.room_id
		WHERE r.manager_id = ? AND r.state = ? ORDER BY r.applied_at, r.id`, u.ID, wubu.RenovationApproved)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []wubu.AgendaItem
	for rows.Next() {
		var pid, id int64
		var room string
		if err := rows.Scan(&pid, &id, &room); err != nil {
			return nil, err
		}
		if !u.Serves(pid) {
			continue
		}
		out = append(out, wubu.AgendaItem{ProjectID: pid, Kind: "renovation_briefing", Title: msgAgendaBriefing, TitleArgs: []any{room}, Urgency: wubu.UrgencyNormal,
			ObjectType: "renovation", ObjectID: strconv.FormatInt(id, 10), Href: "/renovations/" + strconv.FormatInt(id, 10)})
	}
	return out, rows.Err()
}
