package sqlstore

import (
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
)

// permittedHours says, by a project's renovation settings and the business
// calendar cal (nil: weekends only), which hours renovation work is
// permitted on t's day in China ("08:00–18:00"; empty when none), whether t
// is within them, and whether t's day is a statutory holiday without work.
// Working days (adjusted ones too) take the working-day hours; weekends,
// and holidays when the project allows work on them, the rest-day hours.
func permittedHours(st *wubu.RenovationSettings, cal *calendar.Calendar, t time.Time) (hours string, in, holiday bool) {
	t = t.In(china)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, china)
	from, to := st.WorkFrom, st.WorkTo
	if isRestDay(cal, day) {
		if cal != nil {
			if _, ok := cal.IsHoliday(day); ok && !st.HolidayWork {
				return "", false, true
			}
		}
		from, to = st.RestFrom, st.RestTo
	}
	now := t.Format("15:04")
	return from + "–" + to, from <= now && now < to, false
}
