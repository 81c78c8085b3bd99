package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
)

// "Four pests" information (C4): a project's schedule, from which the
// rules post the information notice once in each month of it.

// FourPestsSchedule returns the project's schedule, or the disabled
// default.
func (s *BulletinService) FourPestsSchedule(ctx context.Context, projectID int64) (*wubu.FourPestsSchedule, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	return fourPestsSchedule(ctx, s.db, projectID)
}

func fourPestsSchedule(ctx context.Context, db *DB, projectID int64) (*wubu.FourPestsSchedule, error) {
	sc := &wubu.FourPestsSchedule{ProjectID: projectID}
	var months string
	err := db.queryRow(ctx, `SELECT day, months, title, body, board_days, enabled, updated_at FROM four_pests_schedules WHERE project_id = ?`, projectID).
		Scan(&sc.Day, &months, &sc.Title, &sc.Body, &sc.BoardDays, &sc.Enabled, &sc.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return wubu.DefaultFourPestsSchedule(projectID), nil
	} else if err != nil {
		return nil, err
	}
	for _, m := range strings.Split(months, ",") {
		if n, err := strconv.Atoi(m); err == nil {
			sc.Months = append(sc.Months, n)
		}
	}
	return sc, nil
}

// SaveFourPestsSchedule saves the project's schedule.
func (s *BulletinService) SaveFourPestsSchedule(ctx context.Context, sc *wubu.FourPestsSchedule) error {
	u, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, sc.ProjectID)
	if err != nil {
		return err
	}
	sc.Title, sc.Body = strings.TrimSpace(sc.Title), strings.TrimSpace(sc.Body)
	slices.Sort(sc.Months)
	sc.Months = slices.Compact(sc.Months)
	switch {
	case sc.Day < 1 || sc.Day > 28:
		return wubu.FieldErrorf("day", wubu.EINVALID, "Post it on a day from 1 to %d of the month.", 28)
	case len(sc.Months) > 0 && (sc.Months[0] < 1 || sc.Months[len(sc.Months)-1] > 12):
		return wubu.FieldErrorf("months", wubu.EINVALID, "Choose months from 1 to 12.")
	case sc.Title == "" || utf8.RuneCountInString(sc.Title) > 80:
		return wubu.FieldErrorf("title", wubu.EINVALID, "Give the notice a title (at most %d characters).", 80)
	case sc.Body == "" || utf8.RuneCountInString(sc.Body) > 5000:
		return wubu.FieldErrorf("body", wubu.EINVALID, "Write the notice (at most %d characters).", 5000)
	case sc.BoardDays < 1 || sc.BoardDays > 60:
		return wubu.FieldErrorf("board_days", wubu.EINVALID, "Keep it on the board 1 to %d days.", 60)
	}
	months := make([]string, len(sc.Months))
	for i, m := range sc.Months {
		months[i] = strconv.Itoa(m)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	before, err := fourPestsSchedule(ctx, s.db, sc.ProjectID)
	if err != nil {
		return err
	}
	sc.UpdatedAt = tx.now
	if _, err := tx.exec(ctx, `INSERT INTO four_pests_schedules (project_id, day, months, title, body, board_days, enabled, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (project_id) DO UPDATE SET day = excluded.day, months = excluded.months, title = excluded.title, body = excluded.body,
		board_days = excluded.board_days, enabled = excluded.enabled, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		sc.ProjectID, sc.Day, strings.Join(months, ","), sc.Title, sc.Body, sc.BoardDays, sc.Enabled, actorID(u), tx.now); err != nil {
		return err
	}
	if err := tx.audit(ctx, sc.ProjectID, wubu.ActionUpdate, "four_pests_schedule", sc.ProjectID, before, sc); err != nil {
		return err
	}
	return tx.Commit()
}

// PostFourPestsInfo posts this month's information notice when due. The
// unique index on (project, kind, occurrence) makes a second run, or two
// at once, post nothing.
func (s *BulletinService) PostFourPestsInfo(ctx context.Context, projectID int64, now time.Time) (int, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentEdit, projectID); err != nil {
		return 0, err
	}
	sc, err := fourPestsSchedule(ctx, s.db, projectID)
	if err != nil {
		return 0, err
	}
	today := rulesDate(now)
	month, due := sc.DueMonth(today)
	if !due {
		return 0, nil
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var c int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM bulletins WHERE project_id = ? AND kind = ? AND occurrence = ?`, projectID, wubu.BulletinFourPests, month).Scan(&c); err != nil {
		return 0, err
	} else if c > 0 {
		return 0, nil
	}
	n := &wubu.Bulletin{ProjectID: projectID, Kind: wubu.BulletinFourPests, BoardFrom: today.Format(time.DateOnly),
		BoardUntil: today.AddDate(0, 0, sc.BoardDays-1).Format(time.DateOnly), Occurrence: month}
	n.Title, n.Body = sc.ForMonth(month)
	if err := s.insert(ctx, tx, n, nil); err != nil {
		if isUniqueViolation(err) {
			return 0, nil
		}
		return 0, err
	}
	return 1, tx.Commit()
}
