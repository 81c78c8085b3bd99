package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
)

// Agenda titles of housekeeping and inspections.
const (
	msgAgendaBooking = "Home service %s at %s, room %s"
	msgAgendaVisits  = "%d home visits to make for %s"
)

// HousekeepingAgenda is the agenda source of housekeeping and inspection
// campaigns: a cleaner's bookings of the day, by time, and a technician's
// visits still to make in each running campaign.
type HousekeepingAgenda struct{ db *DB }

// NewHousekeepingAgenda returns the agenda source over db.
func NewHousekeepingAgenda(db *DB) *HousekeepingAgenda { return &HousekeepingAgenda{db: db} }

var _ wubu.AgendaSource = (*HousekeepingAgenda)(nil)

// Agenda returns the signed-in user's housekeeping and inspection items.
func (a *HousekeepingAgenda) Agenda(ctx context.Context, now time.Time) ([]wubu.AgendaItem, error) {
	u := wubu.UserFromContext(ctx)
	if u == nil {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	if !u.Can(wubu.PermOrderView) {
		return nil, nil
	}
	// The user's projects, leading each query's index.
	scope, scopeArgs := "", []any{}
	if !u.AllProjects() {
		if len(u.ProjectIDs) == 0 {
			return nil, nil
		}
		scope, scopeArgs = ` AND %s.project_id IN (`+placeholders(len(u.ProjectIDs))+`)`, int64Args(u.ProjectIDs)
	}
	local := now.In(cst)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, cst)
	var items []wubu.AgendaItem

	// Today's bookings of the cleaner, still to do.
	rows, err := a.db.query(ctx, `SELECT `+bookingCols+bookingFrom+` WHERE b.cleaner_id = ? AND b.status = 'booked' AND b.slot_unix >= ? AND b.slot_unix < ?`+strings.Replace(scope, "%s", "b", 1)+`
		ORDER BY b.slot_unix LIMIT 50`, append([]any{u.ID, day.Unix(), day.AddDate(0, 0, 1).Unix()}, scopeArgs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		b, err := scanBooking(rows)
		if err != nil {
			return nil, err
		}
		if !u.Serves(b.ProjectID) {
			continue
		}
		due := b.SlotStart
		it := wubu.AgendaItem{ProjectID: b.ProjectID, Kind: "booking", Title: msgAgendaBooking, TitleArgs: []any{b.ServiceName, due.In(cst).Format("15:04"), b.RoomLabel},
			Urgency: wubu.UrgencyNormal, Due: &due, Remaining: due.Sub(now), ObjectType: "booking", ObjectID: strconv.FormatInt(b.ID, 10), Href: fmt.Sprintf("/bookings/%d", b.ID)}
		it.Overdue = it.Remaining < 0
		if it.Overdue {
			it.Urgency = wubu.UrgencyHigh
		}
		it.Text = fmt.Sprintf(it.Title, it.TitleArgs...)
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()

	// The technician's visits in running campaigns, one item per campaign.
	today := day.Format(time.DateOnly)
	vrows, err := a.db.query(ctx, `SELECT c.project_id, c.id, c.name, c.ends_on, COUNT(*) FROM inspection_visits v
		JOIN inspection_campaigns c ON c.project_id = v.project_id AND c.id = v.campaign_id
		WHERE v.assignee_id = ? AND v.status IN ('pending', 'not_home') AND c.starts_on <= ? AND c.ends_on >= ?`+strings.Replace(scope, "%s", "v", 1)+`
		GROUP BY c.project_id, c.id, c.name, c.ends_on ORDER BY c.ends_on LIMIT 20`, append([]any{u.ID, today, today}, scopeArgs...)...)
	if err != nil {
		return nil, err
	}
	defer vrows.Close()
	for vrows.Next() {
		var pid, cid int64
		var name, ends string
		var n int
		if err := vrows.Scan(&pid, &cid, &name, &ends, &n); err != nil {
			return nil, err
		}
		if !u.Serves(pid) {
			continue
		}
		end, err := parseDate(ends)
		if err != nil {
			return nil, err
		}
		due := end.AddDate(0, 0, 1)
		it := wubu.AgendaItem{ProjectID: pid, Kind: "inspection", Title: msgAgendaVisits, TitleArgs: []any{n, name}, Urgency: wubu.UrgencyLow,
			Due: &due, Remaining: due.Sub(now), ObjectType: "campaign", ObjectID: strconv.FormatInt(cid, 10), Href: "/my-visits"}
		if it.Remaining < 48*time.Hour {
			it.Urgency = wubu.UrgencyNormal
		}
		it.Text = fmt.Sprintf(it.Title, it.TitleArgs...)
		items = append(items, it)
	}
	return items, vrows.Err()
}
