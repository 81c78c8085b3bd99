package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/wubu-oss/wubu"
)

// DutyManagerService implements wubu.DutyManagerService: the duty
// managers of the roster (E1), on the night-duty roster's entries.
type DutyManagerService struct{ db *DB }

var _ wubu.DutyManagerService = (*DutyManagerService)(nil)

// NewDutyManagerService returns the duty managers' roster over db.
func NewDutyManagerService(db *DB) *DutyManagerService { return &DutyManagerService{db: db} }

// rosteredManager returns the duty manager of a roster day or its kind of
// day ("workday", "restday"), the first that names one, active and serving
// the project.
func rosteredManager(ctx context.Context, q rowReader, projectID int64, days ...string) (*wubu.User, error) {
	for _, day := range days {
		u := &wubu.User{}
		err := q.queryRow(ctx, `SELECT u.id, u.login, u.name, u.role, u.post FROM duty_roster d JOIN users u ON u.id = d.manager_user_id AND NOT u.disabled
			JOIN user_projects up ON up.user_id = u.id AND up.project_id = d.project_id
			WHERE d.project_id = ? AND d.day = ?`, projectID, day).Scan(&u.ID, &u.Login, &u.Name, &u.Role, &u.Post)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		} else if err != nil {
			return nil, err
		}
		return u, nil
	}
	return nil, nil
}

// dutyManagerAt returns the duty manager on the roster at t: at night and
// on rest days, the manager of the duty date, else of its kind of day; nil
// in a working day's day duty or when the roster names nobody.
func dutyManagerAt(ctx context.Context, q rowReader, projectID int64, t time.Time) (*wubu.User, error) {
	st, err := dutyAt(ctx, q, businessCalendar(), projectID, t)
	if err != nil {
		return nil, err
	}
	if !st.Night && !st.RestDay {
		return nil, nil
	}
	kind := "workday"
	if st.RestDay {
		kind = "restday"
	}
	return rosteredManager(ctx, q, projectID, st.Date, kind)
}

// roleRecipients returns the staff a role of a project reaches now: for
// the duty managers of the whole project, the one on the roster at the
// moment, else every duty manager serving it; for other roles, every
// holder (staffOfRole).
func (tx *Tx) roleRecipients(ctx context.Context, projectID int64, role wubu.Role, post wubu.Post) ([]int64, error) {
	if role == wubu.RoleDutyManager && post == "" {
		u, err := dutyManagerAt(ctx, tx, projectID, tx.now)
		if err != nil {
			return nil, err
		}
		if u != nil {
			return []int64{u.ID}, nil
		}
	}
	return tx.staffOfRole(ctx, projectID, role, post)
}

// DutyManagerNow returns the duty manager on the roster at t.
func (s *DutyManagerService) DutyManagerNow(ctx context.Context, projectID int64, t time.Time) (*wubu.User, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	return dutyManagerAt(ctx, s.db, projectID, t)
}

// DutyManagerWeek returns the duty managers of n days from t's date. A
// holiday counts only a manager named for its date: the rest days' manager
// is not assumed to work over the Spring Festival.
func (s *DutyManagerService) DutyManagerWeek(ctx context.Context, projectID int64, t time.Time, n int) ([]wubu.DutyManagerDay, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	return dutyManagerWeek(ctx, s.db, projectID, t, n)
}

func dutyManagerWeek(ctx context.Context, q rowReader, projectID int64, t time.Time, n int) ([]wubu.DutyManagerDay, error) {
	cal := businessCalendar()
	local := t.In(cst)
	first := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, cst)
	out := make([]wubu.DutyManagerDay, 0, n)
	for i := range max(0, min(n, 62)) {
		d := first.AddDate(0, 0, i)
		day := wubu.DutyManagerDay{Date: d.Format(time.DateOnly), RestDay: isRestDay(cal, d)}
		days := []string{day.Date, "workday"}
		if h, ok := cal.IsHoliday(d); ok {
			day.Holiday, days = h.NameZH, days[:1]
		} else if day.RestDay {
			days[1] = "restday"
		}
		u, err := rosteredManager(ctx, q, projectID, days...)
		if err != nil {
			return nil, err
		}
		if u != nil {
			day.ManagerID, day.ManagerName = &u.ID, u.Name
		}
		day.Missing = u == nil
		out = append(out, day)
	}
	return out, nil
}

// SaveDutyManager sets the duty manager of a roster day, keeping its
// night-duty people.
func (s *DutyManagerService) SaveDutyManager(ctx context.Context, projectID int64, day string, userID *int64) error {
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, projectID); err != nil {
		return err
	}
	if day != "workday" && day != "restday" {
		if _, err := time.Parse(time.DateOnly, day); err != nil {
			return wubu.FieldErrorf("day", wubu.EINVALID, "Choose working days, rest days or a date such as 2026-12-31.")
		}
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if userID != nil {
		var role wubu.Role
		err := tx.queryRow(ctx, `SELECT u.role FROM users u JOIN user_projects up ON up.user_id = u.id AND up.project_id = ? WHERE u.id = ? AND NOT u.disabled`,
			projectID, *userID).Scan(&role)
		if err != nil || role != wubu.RoleDutyManager && role != wubu.RoleManager {
			return wubu.FieldErrorf("manager_user_id", wubu.EINVALID, "Choose a duty manager or manager who serves this project.")
		}
	}
	e := &wubu.RosterEntry{ProjectID: projectID, Day: day, ManagerUserID: userID}
	err = tx.queryRow(ctx, `SELECT duty_user_id, oncall_user_id FROM duty_roster WHERE project_id = ? AND day = ?`, projectID, day).Scan(&e.DutyUserID, &e.OnCallUserID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if err := tx.putRosterEntry(ctx, e); err != nil {
		return err
	}
	if err := tx.audit(ctx, projectID, wubu.ActionUpdate, "duty_roster", day, nil, e); err != nil {
		return err
	}
	return tx.Commit()
}
