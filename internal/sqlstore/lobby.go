package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
)

// LobbyService implements wubu.LobbyService: the assistants' monthly
// reception hours in the buildings' lobbies (A2) and the visits received
// there.
type LobbyService struct{ db *DB }

var _ wubu.LobbyService = (*LobbyService)(nil)

// NewLobbyService returns the lobby hours over db.
func NewLobbyService(db *DB) *LobbyService { return &LobbyService{db: db} }

// lobbyMonth reads a month (2026-12): its first day in China Standard
// Time.
func lobbyMonth(month string) (time.Time, error) {
	m, err := time.ParseInLocation("2006-01", strings.TrimSpace(month), cst)
	if err != nil {
		return time.Time{}, wubu.FieldErrorf("month", wubu.EINVALID, "Write the month as 2026-12.")
	}
	return m, nil
}

// lobbyClock reads a time of day (19:00).
func lobbyClock(field, s string) (string, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return "", wubu.FieldErrorf(field, wubu.EINVALID, "Write the time as 19:00.")
	}
	return t.Format("15:04"), nil
}

// lobbyBuilding returns the name of a building of the project; ENOTFOUND
// (building_id) for another project's or a missing one.
func lobbyBuilding(ctx context.Context, q interface {
	queryRow(context.Context, string, ...any) *sql.Row
}, projectID, buildingID int64) (string, error) {
	var name string
	err := q.queryRow(ctx, `SELECT name FROM buildings WHERE project_id = ? AND id = ?`, projectID, buildingID).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", wubu.FieldErrorf("building_id", wubu.ENOTFOUND, "Choose a building of the project.")
	}
	return name, err
}

// AddLobbyHours adds an entry to a month's schedule.
func (s *LobbyService) AddLobbyHours(ctx context.Context, h *wubu.LobbyHours) error {
	u, err := wubu.Authorize(ctx, wubu.PermResidentEdit, h.ProjectID)
	if err != nil {
		return err
	}
	first, err := lobbyMonth(h.Month)
	if err != nil {
		return err
	}
	h.Month, h.Date = first.Format("2006-01"), strings.TrimSpace(h.Date)
	switch {
	case h.Date == "" && (h.Weekday < 1 || h.Weekday > 7):
		return wubu.FieldErrorf("weekday", wubu.EINVALID, "Choose a weekday or a date.")
	case h.Date != "":
		d, err := time.ParseInLocation("2006-01-02", h.Date, cst)
		if err != nil || d.Format("2006-01") != h.Month {
			return wubu.FieldErrorf("date", wubu.EINVALID, "Choose a date in %s.", h.Month)
		}
		h.Weekday = 0
	}
	if h.Starts, err = lobbyClock("starts", h.Starts); err != nil {
		return err
	}
	if h.Ends, err = lobbyClock("ends", h.Ends); err != nil {
		return err
	}
	if h.Ends <= h.Starts {
		return wubu.FieldErrorf("ends", wubu.EINVALID, "The reception ends after it starts.")
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if h.BuildingName, err = lobbyBuilding(ctx, tx, h.ProjectID, h.BuildingID); err != nil {
		return err
	}
	a, err := servingStaff(ctx, tx, h.ProjectID, h.AssistantID, "assistant_id")
	if err != nil {
		return err
	}
	h.AssistantName = a.Name
	h.ID, err = tx.insert(ctx, `INSERT INTO lobby_hours (project_id, building_id, month, weekday, on_date, starts, ends, assistant_id, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, h.ProjectID, h.BuildingID, h.Month, h.Weekday, h.Date, h.Starts, h.Ends, h.AssistantID, u.ID, tx.now)
	if err != nil {
		return err
	}
	h.Dates = lobbyDates(first, h.Weekday, h.Date)
	if err := tx.audit(ctx, h.ProjectID, wubu.ActionCreate, "lobby_hours", h.ID, nil, lobbyHoursAudit(h)); err != nil {
		return err
	}
	return tx.Commit()
}

// lobbyHoursAudit is an entry as the audit log records it.
func lobbyHoursAudit(h *wubu.LobbyHours) map[string]any {
	return map[string]any{"building_id": h.BuildingID, "month": h.Month, "weekday": h.Weekday, "date": h.Date, "starts": h.Starts, "ends": h.Ends, "assistant_id": h.AssistantID}
}

// lobbyDates are the dates of the month an entry falls on.
func lobbyDates(first time.Time, weekday int, date string) []string {
	if date != "" {
		return []string{date}
	}
	var out []string
	for d := first; d.Month() == first.Month(); d = d.AddDate(0, 0, 1) {
		wd := int(d.Weekday())
		if wd == 0 {
			wd = 7
		}
		if wd == weekday {
			out = append(out, d.Format("2006-01-02"))
		}
	}
	return out
}

// RemoveLobbyHours removes an entry of the schedule.
func (s *LobbyService) RemoveLobbyHours(ctx context.Context, id int64) error {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentEdit, 0); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	h, err := scanLobbyHours(tx.queryRow(ctx, `SELECT `+lobbyHoursColumns+lobbyHoursFrom+` WHERE h.id = ?`, id))
	if err != nil {
		return err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentEdit, h.ProjectID); err != nil {
		if wubu.ErrorCode(err) == wubu.ENOTFOUND {
			return wubu.Errorf(wubu.ENOTFOUND, "Not found.")
		}
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM lobby_hours WHERE project_id = ? AND id = ?`, h.ProjectID, h.ID); err != nil {
		return err
	}
	if err := tx.audit(ctx, h.ProjectID, wubu.ActionDelete, "lobby_hours", h.ID, lobbyHoursAudit(h), nil); err != nil {
		return err
	}
	return tx.Commit()
}

const lobbyHoursColumns = `h.id, h.project_id, h.building_id, b.name, h.month, h.weekday, h.on_date, h.starts, h.ends, h.assistant_id, u.name`

const lobbyHoursFrom = ` FROM lobby_hours h JOIN buildings b ON b.project_id = h.project_id AND b.id = h.building_id JOIN users u ON u.id = h.assistant_id`

func scanLobbyHours(s interface{ Scan(...any) error }) (*wubu.LobbyHours, error) {
	h := &wubu.LobbyHours{}
	err := s.Scan(&h.ID, &h.ProjectID, &h.BuildingID, &h.BuildingName, &h.Month, &h.Weekday, &h.Date, &h.Starts, &h.Ends, &h.AssistantID, &h.AssistantName)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return h, err
}

// LobbyHours returns a month's schedule: by building, then by the first
// date each entry falls on and its start.
func (s *LobbyService) LobbyHours(ctx context.Context, projectID, buildingID int64, month string) ([]*wubu.LobbyHours, error) {
	if _, err := authorizePublished(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	first, err := lobbyMonth(month)
	if err != nil {
		return nil, err
	}
	q, args := `SELECT `+lobbyHoursColumns+lobbyHoursFrom+` WHERE h.project_id = ? AND h.month = ?`, []any{projectID, first.Format("2006-01")}
	if buildingID != 0 {
		if _, err := lobbyBuilding(ctx, s.db, projectID, buildingID); err != nil {
			return nil, err
		}
		q, args = q+` AND h.building_id = ?`, append(args, buildingID)
	}
	rows, err := s.db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []*wubu.LobbyHours{}
	for rows.Next() {
		h, err := scanLobbyHours(rows)
		if err != nil {
			return nil, err
		}
		h.Dates = lobbyDates(first, h.Weekday, h.Date)
		list = append(list, h)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sortLobbyHours(list)
	return list, nil
}

// sortLobbyHours orders a schedule by building name (natural order), first
// date and start.
func sortLobbyHours(list []*wubu.LobbyHours) {
	firstDate := func(h *wubu.LobbyHours) string {
		if len(h.Dates) == 0 {
			return "9999"
		}
		return h.Dates[0]
	}
	slices.SortStableFunc(list, func(a, b *wubu.LobbyHours) int {
		if c := compareNatural(a.BuildingName, b.BuildingName); c != 0 {
			return c
		}
		if c := strings.Compare(firstDate(a), firstDate(b)); c != 0 {
			return c
		}
		return strings.Compare(a.Starts, b.Starts)
	})
}

// LogLobbyVisit logs a visit received in a lobby, by default by the caller
// now; a resident named has it on their timeline.
func (s *LobbyService) LogLobbyVisit(ctx context.Context, v *wubu.LobbyVisit) error {
	u, err := wubu.Authorize(ctx, wubu.PermResidentEdit, v.ProjectID)
	if err != nil {
		return err
	}
	v.Topic, v.Note = strings.TrimSpace(v.Topic), strings.TrimSpace(v.Note)
	switch {
	case v.Topic == "" || utf8.RuneCountInString(v.Topic) > 80:
		return wubu.FieldErrorf("topic", wubu.EINVALID, "Say what the visit was about (at most %d characters).", 80)
	case utf8.RuneCountInString(v.Note) > 1000:
		return wubu.FieldErrorf("note", wubu.EINVALID, "The note may be at most %d characters.", 1000)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if v.At.IsZero() {
		v.At = tx.now
	}
	if v.At.After(tx.now) {
		return wubu.FieldErrorf("at", wubu.EINVALID, "The visit cannot be in the future.")
	}
	v.At = v.At.UTC().Truncate(time.Microsecond)
	if v.BuildingName, err = lobbyBuilding(ctx, tx, v.ProjectID, v.BuildingID); err != nil {
		return err
	}
	if v.AssistantID == 0 {
		v.AssistantID = u.ID
	}
	a, err := servingStaff(ctx, tx, v.ProjectID, v.AssistantID, "assistant_id")
	if err != nil {
		return err
	}
	v.AssistantName = a.Name
	if v.PersonID != nil {
		err := tx.queryRow(ctx, `SELECT name FROM persons WHERE project_id = ? AND id = ?`, v.ProjectID, *v.PersonID).Scan(&v.PersonName)
		if errors.Is(err, sql.ErrNoRows) {
			return wubu.FieldErrorf("resident", wubu.ENOTFOUND, "Not found.")
		} else if err != nil {
			return err
		}
	}
	v.ID, err = tx.insert(ctx, `INSERT INTO lobby_visits (project_id, building_id, assistant_id, person_id, topic, note, at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ProjectID, v.BuildingID, v.AssistantID, v.PersonID, v.Topic, v.Note, v.At, u.ID)
	if err != nil {
		return err
	}
	if err := tx.audit(ctx, v.ProjectID, wubu.ActionCreate, "lobby_visit", v.ID, nil,
		map[string]any{"building_id": v.BuildingID, "assistant_id": v.AssistantID, "person_id": v.PersonID, "topic": v.Topic, "note": v.Note, "at": v.At}); err != nil {
		return err
	}
	if v.PersonID != nil {
		if err := addTimeline(ctx, tx, v.ProjectID, *v.PersonID, "lobby_visit", v.BuildingName+" · "+v.AssistantName+": "+v.Topic); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// lobbyMonthSpan is a month's span in UTC, from its first day's start.
func lobbyMonthSpan(month string) (time.Time, time.Time, error) {
	first, err := lobbyMonth(month)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	return first.UTC(), first.AddDate(0, 1, 0).UTC(), nil
}

// FindLobbyVisits returns a month's visits, latest first.
func (s *LobbyService) FindLobbyVisits(ctx context.Context, projectID int64, month string) ([]*wubu.LobbyVisit, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	from, until, err := lobbyMonthSpan(month)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT v.id, v.project_id, v.building_id, b.name, v.assistant_id, u.name, v.person_id, COALESCE(p.name, ''), v.topic, v.note, v.at
		FROM lobby_visits v JOIN buildings b ON b.project_id = v.project_id AND b.id = v.building_id JOIN users u ON u.id = v.assistant_id
		LEFT JOIN persons p ON p.project_id = v.project_id AND p.id = v.person_id
		WHERE v.project_id = ? AND v.at >= ? AND v.at < ? ORDER BY v.at DESC, v.id DESC LIMIT 500`, projectID, from, until)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []*wubu.LobbyVisit{}
	for rows.Next() {
		v := &wubu.LobbyVisit{}
		if err := rows.Scan(&v.ID, &v.ProjectID, &v.BuildingID, &v.BuildingName, &v.AssistantID, &v.AssistantName, &v.PersonID, &v.PersonName, &v.Topic, &v.Note, &v.At); err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, rows.Err()
}

// LobbyVisitCounts counts a month's visits per assistant, most first.
func (s *LobbyService) LobbyVisitCounts(ctx context.Context, projectID int64, month string) ([]wubu.LobbyVisitCount, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	from, until, err := lobbyMonthSpan(month)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT v.assistant_id, u.name, COUNT(*) FROM lobby_visits v JOIN users u ON u.id = v.assistant_id
		WHERE v.project_id = ? AND v.at >= ? AND v.at < ? GROUP BY v.assistant_id, u.name ORDER BY COUNT(*) DESC, u.name`, projectID, from, until)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []wubu.LobbyVisitCount{}
	for rows.Next() {
		var c wubu.LobbyVisitCount
		if err := rows.Scan(&c.AssistantID, &c.AssistantName, &c.Visits); err != nil {
			return nil, err
		}
		list = append(list, c)
	}
	return list, rows.Err()
}
