package wubu

import (
	"context"
	"time"
)

// Duty managers (值班经理, E1): the roster of the project's duty manager for
// the nights, weekends and holidays of the business calendar. It is the
// night-duty roster (RosterEntry) with one more person per entry: the
// working days' and rest days' manager, and a manager per date that
// overrides them (a holiday needs its own). Every escalation to "the duty
// manager" (PartyDutyManager, a breach or escalation alerting
// role:duty_manager) goes to the manager on the roster at that moment, and
// to the project's duty managers when the roster names nobody or it is
// daytime on a working day.

// DutyManagerDay is the duty manager of one day of the coming week.
type DutyManagerDay struct {
	Date    string `json:"date"` // 2026-12-31
	RestDay bool   `json:"rest_day"`
	// Holiday names the statutory holiday, if it is one.
	Holiday     string `json:"holiday,omitempty"`
	ManagerID   *int64 `json:"manager_id,omitempty"`
	ManagerName string `json:"manager_name,omitempty"`
	// Missing: nobody is rostered (a holiday counts only its own date).
	Missing bool `json:"missing"`
}

// DutyManagerService keeps the duty managers' roster. Reading needs
// PermResidentView (every member of staff sees who is in charge);
// changing needs PermSettingsEdit. Another project answers ENOTFOUND.
type DutyManagerService interface {
	// DutyManagerNow returns the duty manager on the roster at t (nil
	// during a working day's day duty, or when nobody is rostered).
	DutyManagerNow(ctx context.Context, projectID int64, t time.Time) (*User, error)
	// DutyManagerWeek returns the days from the day of t, n of them.
	DutyManagerWeek(ctx context.Context, projectID int64, t time.Time, n int) ([]DutyManagerDay, error)
	// SaveDutyManager sets the duty manager of a roster day ("workday",
	// "restday" or a date); nil removes them. EINVALID (day; the user is
	// no duty manager or manager serving the project).
	SaveDutyManager(ctx context.Context, projectID int64, day string, userID *int64) error
}
