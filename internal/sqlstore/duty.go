package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
)

// Order settings and night duty (M8): a project's promise minutes, the
// 1234 rule's free minutes, the follow-up delay, the day-duty hours, and the
// roster of duty people and on-call technicians.

// rowReader is what reads a row: the database outside transactions, or a
// transaction.
type rowReader interface {
	queryRow(ctx context.Context, q string, args ...any) *sql.Row
}

func (tx *Tx) orderSettings(ctx context.Context, projectID int64) (*wubu.OrderSettings, error) {
	return readOrderSettings(ctx, tx, projectID)
}

func readOrderSettings(ctx context.Context, q rowReader, projectID int64) (*wubu.OrderSettings, error) {
	s := wubu.DefaultOrderSettings(projectID)
	err := q.queryRow(ctx, `SELECT urgent_minutes, normal_minutes, warn_minutes, free_minutes, follow_up_days, day_from, day_until, rest_from, rest_until, done_photo, updated_at
		FROM order_settings WHERE project_id = ?`, projectID).Scan(&s.UrgentMinutes, &s.NormalMinutes, &s.WarnMinutes, &s.FreeMinutes, &s.FollowUpDays,
		&s.DayFrom, &s.DayUntil, &s.RestFrom, &s.RestUntil, &s.DonePhoto, &s.UpdatedAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	return s, nil
}

// Settings returns a project's order settings (the defaults if none were set).
func (s *OrderService) Settings(ctx context.Context, projectID int64) (*wubu.OrderSettings, error) {
	if projectID <= 0 {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, projectID); err != nil {
		return nil, err
	}
	return readOrderSettings(ctx, s.db, projectID)
}

// clockMinutes parses "HH:MM" into minutes after midnight.
func clockMinutes(s string) (int, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(h) == 0 || len(h) > 2 || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, false
	}
	return hh*60 + mm, true
}

// SaveSettings changes a project's order settings.
func (s *OrderService) SaveSettings(ctx context.Context, set *wubu.OrderSettings) error {
	if set.ProjectID <= 0 {
		return wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, set.ProjectID); err != nil {
		return err
	}
	for _, f := range []struct {
		name     string
		v        int
		min, max int
	}{{"urgent_minutes", set.UrgentMinutes, 1, 240}, {"normal_minutes", set.NormalMinutes, 1, 7 * 24 * 60}, {"warn_minutes", set.WarnMinutes, 0, 60},
		{"free_minutes", set.FreeMinutes, 0, 120}, {"follow_up_days", set.FollowUpDays, 1, 60}} {
		if f.v < f.min || f.v > f.max {
			return wubu.FieldErrorf(f.name, wubu.EINVALID, "Enter a number from %d to %d.", f.min, f.max)
		}
	}
	if set.WarnMinutes >= set.UrgentMinutes {
		return wubu.FieldErrorf("warn_minutes", wubu.EINVALID, "The warning must come before the urgent promise falls due.")
	}
	for _, pair := range [][2]string{{"day_from", "day_until"}, {"rest_from", "rest_until"}} {
		vals := map[string]*string{"day_from": &set.DayFrom, "day_until": &set.DayUntil, "rest_from": &set.RestFrom, "rest_until": &set.RestUntil}
		from, ok1 := clockMinutes(*vals[pair[0]])
		if !ok1 {
			return wubu.FieldErrorf(pair[0], wubu.EINVALID, "Write the time as HH:MM, such as 08:00.")
		}
		until, ok2 := clockMinutes(*vals[pair[1]])
		if !ok2 {
			return wubu.FieldErrorf(pair[1], wubu.EINVALID, "Write the time as HH:MM, such as 08:00.")
		}
		if until <= from {
			return wubu.FieldErrorf(pair[1], wubu.EINVALID, "The day duty must end after it starts.")
		}
		*vals[pair[0]] = fmt.Sprintf("%02d:%02d", from/60, from%60)
		*vals[pair[1]] = fmt.Sprintf("%02d:%02d", until/60, until%60)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	old, err := tx.orderSettings(ctx, set.ProjectID)
	if err != nil {
		return err
	}
	var one int
	if err := tx.queryRow(ctx, `SELECT 1 FROM projects WHERE id = ?`, set.ProjectID).Scan(&one); err != nil {
		return wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	set.UpdatedAt = tx.now
	if _, err := tx.exec(ctx, `DELETE FROM order_settings WHERE project_id = ?`, set.ProjectID); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO order_settings (project_id, urgent_minutes, normal_minutes, warn_minutes, free_minutes, follow_up_days,
		day_from, day_until, rest_from, rest_until, done_photo, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		set.ProjectID, set.UrgentMinutes, set.NormalMinutes, set.WarnMinutes, set.FreeMinutes, set.FollowUpDays,
		set.DayFrom, set.DayUntil, set.RestFrom, set.RestUntil, set.DonePhoto, set.UpdatedAt); err != nil {
		return err
	}
	if err := tx.audit(ctx, set.ProjectID, wubu.ActionUpdate, "order_settings", set.ProjectID, old, set); err != nil {
		return err
	}
	return tx.Commit()
}

// Roster returns a project's night-duty roster: the workday and rest-day
// entries first, then dated ones.
func (s *OrderService) Roster(ctx context.Context, projectID int64) ([]*wubu.RosterEntry, error) {
	if projectID <= 0 {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT d.project_id, d.day, d.duty_user_id, COALESCE(du.name, ''), d.oncall_user_id, COALESCE(ou.name, ''),
		d.manager_user_id, COALESCE(mu.name, '')
		FROM duty_roster d LEFT JOIN users du ON du.id = d.duty_user_id LEFT JOIN users ou ON ou.id = d.oncall_user_id LEFT JOIN users mu ON mu.id = d.manager_user_id
		WHERE d.project_id = ? ORDER BY CASE d.day WHEN 'workday' THEN 0 WHEN 'restday' THEN 1 ELSE 2 END, d.day`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*wubu.RosterEntry{}
	for rows.Next() {
		e := &wubu.RosterEntry{}
		if err := rows.Scan(&e.ProjectID, &e.Day, &e.DutyUserID, &e.DutyName, &e.OnCallUserID, &e.OnCallName, &e.ManagerUserID, &e.ManagerName); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// SaveRosterEntry sets a roster entry; one with neither user removes it.
func (s *OrderService) SaveRosterEntry(ctx context.Context, e *wubu.RosterEntry) error {
	if e.ProjectID <= 0 {
		return wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, e.ProjectID); err != nil {
		return err
	}
	e.Day = strings.TrimSpace(e.Day)
	if e.Day != "workday" && e.Day != "restday" {
		if _, err := time.Parse(time.DateOnly, e.Day); err != nil {
			return wubu.FieldErrorf("day", wubu.EINVALID, "Choose working days, rest days or a date such as 2026-12-31.")
		}
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	check := func(field string, id *int64, posts ...wubu.Post) error {
		if id == nil {
			return nil
		}
		var post wubu.Post
		var role wubu.Role
		err := tx.queryRow(ctx, `SELECT u.post, u.role FROM users u JOIN user_projects up ON up.user_id = u.id AND up.project_id = ? WHERE u.id = ? AND NOT u.disabled`,
			e.ProjectID, *id).Scan(&post, &role)
		if err != nil {
			return wubu.FieldErrorf(field, wubu.EINVALID, "Choose a member of staff who serves this project.")
		}
		if len(posts) > 0 && post != posts[0] {
			return wubu.FieldErrorf(field, wubu.EINVALID, "The on-call technician must be of the maintenance team.")
		}
		return nil
	}
	if err := check("duty_user_id", e.DutyUserID); err != nil {
		return err
	}
	if err := check("oncall_user_id", e.OnCallUserID, wubu.PostMaintenance); err != nil {
		return err
	}
	// The entry's duty manager stays as it is (SaveDutyManager sets it).
	var manager sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT manager_user_id FROM duty_roster WHERE project_id = ? AND day = ?`, e.ProjectID, e.Day).Scan(&manager); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if manager.Valid {
		e.ManagerUserID = &manager.Int64
	} else {
		e.ManagerUserID = nil
	}
	if err := tx.putRosterEntry(ctx, e); err != nil {
		return err
	}
	if err := tx.audit(ctx, e.ProjectID, wubu.ActionUpdate, "duty_roster", e.Day, nil, e); err != nil {
		return err
	}
	return tx.Commit()
}

// putRosterEntry writes a roster entry, or removes it when it names nobody.
func (tx *Tx) putRosterEntry(ctx context.Context, e *wubu.RosterEntry) error {
	if _, err := tx.exec(ctx, `DELETE FROM duty_roster WHERE project_id = ? AND day = ?`, e.ProjectID, e.Day); err != nil {
		return err
	}
	if e.DutyUserID == nil && e.OnCallUserID == nil && e.ManagerUserID == nil {
		return nil
	}
	_, err := tx.exec(ctx, `INSERT INTO duty_roster (project_id, day, duty_user_id, oncall_user_id, manager_user_id, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		e.ProjectID, e.Day, e.DutyUserID, e.OnCallUserID, e.ManagerUserID, tx.now)
	return err
}

// Duty returns the duty situation of a project at a time.
func (s *OrderService) Duty(ctx context.Context, projectID int64, t time.Time) (*wubu.DutyStatus, error) {
	if projectID <= 0 {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, projectID); err != nil {
		return nil, err
	}
	return s.duty(ctx, s.db, projectID, t)
}

// isRestDay reports whether a date (midnight, China time) is a weekend or
// holiday day by the business calendar cal (nil: weekends only).
func isRestDay(cal *calendar.Calendar, d time.Time) bool {
	if cal != nil {
		return !cal.IsWorkday(d)
	}
	return d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
}

// businessCalendar is the embedded business calendar (nil if it cannot be
// read: weekends only).
var businessCalendar = sync.OnceValue(func() *calendar.Calendar {
	cal, err := calendar.New()
	if err != nil {
		return nil
	}
	return cal
})

// duty works out whether t falls in the day duty of the project or at
// night, and who is on duty: the small hours belong to the night of the
// day before.
func (s *OrderService) duty(ctx context.Context, q rowReader, projectID int64, t time.Time) (*wubu.DutyStatus, error) {
	return dutyAt(ctx, q, s.cal, projectID, t)
}

// dutyAt is the duty situation of a project at t by the calendar cal.
func dutyAt(ctx context.Context, q rowReader, cal *calendar.Calendar, projectID int64, t time.Time) (*wubu.DutyStatus, error) {
	set, err := readOrderSettings(ctx, q, projectID)
	if err != nil {
		return nil, err
	}
	hours := func(rest bool) (int, int) {
		from, until := set.DayFrom, set.DayUntil
		if rest {
			from, until = set.RestFrom, set.RestUntil
		}
		f, _ := clockMinutes(from)
		u, _ := clockMinutes(until)
		return f, u
	}
	local := t.In(cst)
	date := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, cst)
	mins := local.Hour()*60 + local.Minute()
	rest := isRestDay(cal, date)
	from, until := hours(rest)
	st := &wubu.DutyStatus{}
	switch {
	case mins >= from && mins < until:
	case mins >= until:
		st.Night = true
	default:
		st.Night = true
		date = date.AddDate(0, 0, -1)
		rest = isRestDay(cal, date)
		_, until = hours(rest)
	}
	st.Date, st.RestDay = date.Format(time.DateOnly), rest
	st.DayUntil = fmt.Sprintf("%02d:%02d", until/60, until%60)
	kind := "workday"
	if rest {
		kind = "restday"
	}
	// The night duty's entry: the date's, else the kind of day's; an entry
	// that names only a duty manager is not one.
	for _, day := range []string{st.Date, kind} {
		e := &wubu.RosterEntry{ProjectID: projectID, Day: day}
		err := q.queryRow(ctx, `SELECT d.duty_user_id, COALESCE(du.name, ''), d.oncall_user_id, COALESCE(ou.name, '')
			FROM duty_roster d LEFT JOIN users du ON du.id = d.duty_user_id LEFT JOIN users ou ON ou.id = d.oncall_user_id
			WHERE d.project_id = ? AND d.day = ? AND (d.duty_user_id IS NOT NULL OR d.oncall_user_id IS NOT NULL)`, projectID, day).Scan(&e.DutyUserID, &e.DutyName, &e.OnCallUserID, &e.OnCallName)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		} else if err != nil {
			return nil, err
		}
		st.Roster = e
		break
	}
	return st, nil
}

// Technicians returns the active staff of a post serving the project, by
// name.
func (s *OrderService) Technicians(ctx context.Context, projectID int64, team wubu.Post) ([]*wubu.User, error) {
	if projectID <= 0 {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT u.id, u.login, u.name, u.role, u.post FROM users u JOIN user_projects up ON up.user_id = u.id AND up.project_id = ?
		WHERE u.post = ? AND NOT u.disabled ORDER BY u.name, u.id`, projectID, team)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*wubu.User{}
	for rows.Next() {
		u := &wubu.User{ProjectIDs: []int64{projectID}}
		if err := rows.Scan(&u.ID, &u.Login, &u.Name, &u.Role, &u.Post); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Room returns a room of the project.
func (s *OrderService) Room(ctx context.Context, projectID, roomID int64) (*wubu.Room, error) {
	if projectID <= 0 {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, projectID); err != nil {
		return nil, err
	}
	rm := &wubu.Room{}
	err := s.db.queryRow(ctx, `SELECT id, project_id, building_id, unit_id, floor, number, label FROM rooms WHERE project_id = ? AND id = ?`, projectID, roomID).
		Scan(&rm.ID, &rm.ProjectID, &rm.BuildingID, &rm.UnitID, &rm.Floor, &rm.Number, &rm.Label)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Room not found.")
	}
	return rm, err
}
