package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/wubu-oss/wubu"
)

// Agenda titles of round tables.
const (
	msgAgendaTalkFollowUp = "Round-table follow-up: %s (%s)"
	msgAgendaTalk         = "Round-table talk at %s with %s"
)

// RoundTableAgenda is the round tables' source of the agenda: the open
// follow-ups a staff member owns, due within three days or overdue, and
// the talks they hold today.
type RoundTableAgenda struct{ db *DB }

var _ wubu.AgendaSource = (*RoundTableAgenda)(nil)

// NewRoundTableAgenda returns the round tables' agenda source over db.
func NewRoundTableAgenda(db *DB) *RoundTableAgenda { return &RoundTableAgenda{db: db} }

// Agenda returns the signed-in user's round-table items as of now.
func (a *RoundTableAgenda) Agenda(ctx context.Context, now time.Time) ([]wubu.AgendaItem, error) {
	u := wubu.UserFromContext(ctx)
	if u == nil {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	if !u.Can(wubu.PermResidentView) {
		return nil, nil
	}
	var items []wubu.AgendaItem
	// The follow-ups the user owns, due within three days or overdue.
	rows, err := a.db.query(ctx, `SELECT `+talkFollowUpColumns+talkFollowUpFrom+` WHERE f.owner_id = ? AND f.state = ? AND f.due_at < ? ORDER BY f.due_at LIMIT 50`,
		u.ID, wubu.TalkFollowUpOpen, now.Add(72*time.Hour))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		f, err := scanTalkFollowUp(rows, now)
		if err != nil {
			return nil, err
		}
		if !u.Serves(f.ProjectID) {
			continue
		}
		due := f.DueAt
		it := wubu.AgendaItem{ProjectID: f.ProjectID, Kind: "follow_up", Title: msgAgendaTalkFollowUp, TitleArgs: []any{f.Action, due.In(cst).Format("01-02 15:04")},
			Urgency: wubu.UrgencyNormal, Due: &due, Remaining: due.Sub(now), Overdue: f.Overdue, ObjectType: "talk_followup", ObjectID: strconv.FormatInt(f.ID, 10),
			Href: fmt.Sprintf("/round-tables/%d", f.SlotID)}
		switch {
		case f.Overdue:
			it.Urgency = wubu.UrgencyCritical
		case it.Remaining < 24*time.Hour:
			it.Urgency = wubu.UrgencyHigh
		}
		it.Text = fmt.Sprintf(it.Title, it.TitleArgs...)
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	// The talks the user holds today.
	local := now.In(cst)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, cst)
	trows, err := a.db.query(ctx, `SELECT `+roundTableColumns+roundTableFrom+` WHERE t.host_id = ? AND t.state = ? AND t.starts_at >= ? AND t.starts_at < ? ORDER BY t.starts_at LIMIT 50`,
		u.ID, wubu.RoundTableBooked, day.UTC(), day.AddDate(0, 0, 1).UTC())
	if err != nil {
		return nil, err
	}
	defer trows.Close()
	for trows.Next() {
		t, err := scanRoundTable(trows)
		if err != nil {
			return nil, err
		}
		if !u.Serves(t.ProjectID) {
			continue
		}
		due := t.StartsAt
		it := wubu.AgendaItem{ProjectID: t.ProjectID, Kind: "round_table", Title: msgAgendaTalk, TitleArgs: []any{due.In(cst).Format("15:04"), t.PersonName},
			Urgency: wubu.UrgencyNormal, Due: &due, Remaining: due.Sub(now), ObjectType: "round_table", ObjectID: strconv.FormatInt(t.ID, 10),
			Href: fmt.Sprintf("/round-tables/%d", t.ID)}
		it.Text = fmt.Sprintf(it.Title, it.TitleArgs...)
		items = append(items, it)
	}
	return items, trows.Err()
}
