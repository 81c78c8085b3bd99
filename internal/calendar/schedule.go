package calendar

import (
	"fmt"
	"time"
)

// Hours are the daily working hours of a project, as offsets from midnight
// on the wall clock: Start 8h30m and End 17h30m mean 08:30–17:30.
type Hours struct {
	Start, End time.Duration
}

// DefaultHours are the working hours of a project that sets none,
// 08:30–17:30.
var DefaultHours = Hours{Start: 8*time.Hour + 30*time.Minute, End: 17*time.Hour + 30*time.Minute}

// Valid reports whether the hours are a non-empty span within one day:
// 0 ≤ Start < End ≤ 24h.
func (h Hours) Valid() bool {
	return h.Start >= 0 && h.Start < h.End && h.End <= 24*time.Hour
}

// String formats the hours as "08:30–17:30".
func (h Hours) String() string {
	hm := func(d time.Duration) string {
		return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return hm(h.Start) + "–" + hm(h.End)
}

// Schedule is the working time of one project: the business calendar, the
// daily working hours and the time zone they are read in. The zero Schedule
// is usable: a nil Calendar means weekends only, zero or invalid Hours mean
// DefaultHours, and a nil Location means ChinaStandardTime.
//
// Every method is a pure function of its arguments; none reads the clock.
// Results are in the schedule's Location.
type Schedule struct {
	Calendar *Calendar
	Hours    Hours
	Location *time.Location
}

// loc returns the schedule's location, ChinaStandardTime by default.
func (s Schedule) loc() *time.Location {
	if s.Location == nil {
		return ChinaStandardTime
	}
	return s.Location
}

// hours returns the schedule's working hours, DefaultHours if they are
// unset or invalid.
func (s Schedule) hours() Hours {
	if !s.Hours.Valid() {
		return DefaultHours
	}
	return s.Hours
}

// window returns the opening and closing times of day number n. The hours
// are wall-clock times, so a day with a daylight-saving change still opens
// at Start.
func (s Schedule) window(n int) (open, close time.Time) {
	y, m, d := civilDate(n)
	h, loc := s.hours(), s.loc()
	return time.Date(y, m, d, 0, 0, 0, int(h.Start), loc), time.Date(y, m, d, 0, 0, 0, int(h.End), loc)
}

// day returns t in the schedule's location and its day number.
func (s Schedule) day(t time.Time) (time.Time, int) {
	t = t.In(s.loc())
	return t, dayNumber(t.Date())
}

// IsWorkday reports whether t falls on a working day in the schedule's
// location.
func (s Schedule) IsWorkday(t time.Time) bool {
	_, n := s.day(t)
	return s.Calendar.kind(n).IsWorkday()
}

// IsWorkingTime reports whether t is within the working hours of a working
// day: Start included, End excluded.
func (s Schedule) IsWorkingTime(t time.Time) bool {
	t, n := s.day(t)
	if !s.Calendar.kind(n).IsWorkday() {
		return false
	}
	open, close := s.window(n)
	return !t.Before(open) && t.Before(close)
}

// AddCalendar returns t plus d of elapsed time, whatever the day: the
// deadline of a promise counted in calendar time, such as an urgent repair
// within 10 minutes.
func (s Schedule) AddCalendar(t time.Time, d time.Duration) time.Time {
	return t.Add(d).In(s.loc())
}

// AddWorking returns the instant at which d of working time has passed since
// t, counting only the working hours of working days. Received on Friday at
// 16:30 with 08:30–17:30 hours, 2h ends on Monday at 09:30, or later when
// Monday is a holiday. A deadline that uses up a day's hours exactly ends at
// that day's closing time, not the next opening. For d ≤ 0 it returns t.
func (s Schedule) AddWorking(t time.Time, d time.Duration) time.Time {
	t, n := s.day(t)
	if d <= 0 {
		return t
	}
	for ; ; n++ {
		if !s.Calendar.kind(n).IsWorkday() {
			continue
		}
		open, close := s.window(n)
		start := t
		if start.Before(open) {
			start = open
		}
		if !start.Before(close) {
			continue
		}
		left := close.Sub(start)
		if d <= left {
			return start.Add(d)
		}
		d -= left
	}
}

// WorkingBetween returns the working time between a and b: the part of
// [a, b) that falls within the working hours of working days. It is negative
// when b is before a, so that an overdue promise shows how much working time
// it is late by. WorkingBetween(t, AddWorking(t, d)) == d for d ≥ 0.
func (s Schedule) WorkingBetween(a, b time.Time) time.Duration {
	if b.Before(a) {
		return -s.WorkingBetween(b, a)
	}
	a, first := s.day(a)
	b, last := s.day(b)
	var total time.Duration
	for n := first; n <= last; n++ {
		if !s.Calendar.kind(n).IsWorkday() {
			continue
		}
		open, close := s.window(n)
		lo, hi := open, close
		if a.After(lo) {
			lo = a
		}
		if b.Before(hi) {
			hi = b
		}
		if hi.After(lo) {
			total += hi.Sub(lo)
		}
	}
	return total
}

// AddWorkingDays returns the deadline of a promise made at t to be kept
// "within n working days" (n个工作日内).
//
// The rule follows the way the Civil Code counts periods in days (民法典
// 第二百零一条、第二百零三条): the day of t itself is never counted, whatever
// the hour or the kind of day, and the deadline is the closing time (Hours.End)
// of the n-th working day after t's date. So a complaint received on
// Wednesday at 15:00 or at 20:00 is due on Friday at 17:30 with n = 2, and
// one received on a Saturday or during a holiday is due at the close of the
// second working day after it.
//
// n ≤ 0 means "the same working day": the closing time of t's day if that is
// a working day and t is before its close, otherwise the closing time of the
// next working day.
func (s Schedule) AddWorkingDays(t time.Time, n int) time.Time {
	t, day := s.day(t)
	if n <= 0 {
		if s.Calendar.kind(day).IsWorkday() {
			if _, close := s.window(day); t.Before(close) {
				return close
			}
		}
		n = 1
	}
	for n > 0 {
		day++
		if s.Calendar.kind(day).IsWorkday() {
			n--
		}
	}
	_, close := s.window(day)
	return close
}

// NextWorkingTime returns t if it is working time, otherwise the next
// opening time of a working day: when a technician on day hours can start
// on a request received at t.
func (s Schedule) NextWorkingTime(t time.Time) time.Time {
	t, n := s.day(t)
	for ; ; n++ {
		if !s.Calendar.kind(n).IsWorkday() {
			continue
		}
		open, close := s.window(n)
		if t.Before(open) {
			return open
		}
		if t.Before(close) {
			return t
		}
	}
}
