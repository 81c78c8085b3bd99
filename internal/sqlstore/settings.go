package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
)

// SettingsService implements wubu.SettingsService: each project's working
// hours and the settings of its proactive rules.
type SettingsService struct{ db *DB }

var _ wubu.SettingsService = (*SettingsService)(nil)

// NewSettingsService returns the settings service over db.
func NewSettingsService(db *DB) *SettingsService { return &SettingsService{db: db} }

// loadProjectSettings reads a project's settings, the defaults if it has none. q
// runs the query with ? placeholders already rebound.
func loadProjectSettings(ctx context.Context, db *DB, q querier, projectID int64) (*wubu.ProjectSettings, error) {
	s := wubu.DefaultSettings(projectID)
	var start, end int
	var days string
	var updated time.Time
	err := q.QueryRowContext(ctx, db.rebind(`SELECT work_start_min, work_end_min, card_reminder_days, special_day_lead, care_visit_days, care_escalate_days, updated_at
		FROM project_settings WHERE project_id = ?`), projectID).Scan(&start, &end, &days, &s.SpecialDayLeadDays, &s.CareVisitDays, &s.CareEscalateDays, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	} else if err != nil {
		return nil, err
	}
	s.Default = false
	s.WorkStart, s.WorkEnd = wubu.FormatClock(time.Duration(start)*time.Minute), wubu.FormatClock(time.Duration(end)*time.Minute)
	s.CardReminderDays = nil
	for _, f := range strings.Split(days, ",") {
		if n, err := strconv.Atoi(f); err == nil {
			s.CardReminderDays = append(s.CardReminderDays, n)
		}
	}
	s.UpdatedAt = &updated
	return s, nil
}

// projectHours returns the working hours of a project for its deadlines.
func projectHours(ctx context.Context, db *DB, q querier, projectID int64) (calendar.Hours, error) {
	s, err := loadProjectSettings(ctx, db, q, projectID)
	if err != nil {
		return calendar.Hours{}, err
	}
	start, end := s.Hours()
	return calendar.Hours{Start: start, End: end}, nil
}

// FindSettings returns a project's settings; see wubu.SettingsService.
func (s *SettingsService) FindSettings(ctx context.Context, projectID int64) (*wubu.ProjectSettings, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrgView, projectID); err != nil {
		return nil, err
	}
	if err := rulesProjectExists(ctx, s.db, projectID); err != nil {
		return nil, err
	}
	return loadProjectSettings(ctx, s.db, s.db.read, projectID)
}

// rulesProjectExists returns ENOTFOUND for a project that does not exist (admins
// serve every project ID).
func rulesProjectExists(ctx context.Context, db *DB, projectID int64) error {
	var one int
	err := db.queryRow(ctx, `SELECT 1 FROM projects WHERE id = ?`, projectID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return err
}

// UpdateSettings replaces a project's settings; see wubu.SettingsService.
func (s *SettingsService) UpdateSettings(ctx context.Context, in *wubu.ProjectSettings) (*wubu.ProjectSettings, error) {
	u, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, in.ProjectID)
	if err != nil {
		return nil, err
	}
	if err := rulesProjectExists(ctx, s.db, in.ProjectID); err != nil {
		return nil, err
	}
	next := *in
	if err := next.Validate(); err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	before, err := loadProjectSettings(ctx, s.db, tx, in.ProjectID)
	if err != nil {
		return nil, err
	}
	start, end := next.Hours()
	days := make([]string, len(next.CardReminderDays))
	for i, d := range next.CardReminderDays {
		days[i] = strconv.Itoa(d)
	}
	var by *int64
	if u.ID != 0 {
		by = &u.ID
	}
	if _, err := tx.exec(ctx, `DELETE FROM project_settings WHERE project_id = ?`, in.ProjectID); err != nil {
		return nil, err
	}
	if _, err := tx.exec(ctx, `INSERT INTO project_settings (project_id, work_start_min, work_end_min, card_reminder_days, special_day_lead, care_visit_days, care_escalate_days, updated_at, updated_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.ProjectID, int(start/time.Minute), int(end/time.Minute), strings.Join(days, ","),
		next.SpecialDayLeadDays, next.CareVisitDays, next.CareEscalateDays, tx.now, by); err != nil {
		return nil, err
	}
	next.Default, next.UpdatedAt = false, &tx.now
	if err := tx.audit(ctx, in.ProjectID, wubu.ActionUpdate, "settings", in.ProjectID, before, &next); err != nil {
		return nil, err
	}
	return &next, tx.Commit()
}
