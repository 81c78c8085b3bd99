// Package calendar is the business calendar of a Chinese property service
// centre: statutory holidays and adjusted working days (调休) from a yearly
// data file, lunar and solar festivals, working hours per project, and
// deadlines counted in calendar time or in working time.
//
// The holiday arrangement of each year is data, not a rule: the State Council
// publishes it every November for the next year. It lives in holidays/*.json,
// one file per year, embedded in the binary (see README.md for how to add a
// year). A year without a file falls back to weekends only, and HasYear says
// so.
//
// Nothing here reads the clock: every function is a pure function of the
// times it is given, so SLA clocks can be tested with an injected wubu.Clock.
package calendar

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ChinaStandardTime is UTC+8, the one time zone of mainland China, without
// daylight saving time. It is the default Location of a Schedule and the zone
// of the dates this package returns.
var ChinaStandardTime = time.FixedZone("CST", 8*60*60)

// ErrNoData is returned, wrapped, by Calendar.Year for a year without holiday
// data.
var ErrNoData = errors.New("no holiday data")

//go:embed holidays/*.json
var holidayFiles embed.FS

// Kind is the kind of a calendar day.
type Kind int

// The kinds of day.
const (
	// Workday is a Monday to Friday that is no holiday.
	Workday Kind = iota + 1
	// Weekend is a Saturday or Sunday that is neither part of a holiday nor
	// an adjusted working day.
	Weekend
	// StatutoryHoliday is a day off of a statutory holiday period as the
	// State Council arranges it (放假), whatever its weekday.
	StatutoryHoliday
	// AdjustedWorkday is a Saturday or Sunday that is a working day because
	// of a holiday arrangement (调休上班).
	AdjustedWorkday
)

// String returns the kind's stable name: "workday", "weekend", "holiday" or
// "adjusted_workday".
func (k Kind) String() string {
	switch k {
	case Workday:
		return "workday"
	case Weekend:
		return "weekend"
	case StatutoryHoliday:
		return "holiday"
	case AdjustedWorkday:
		return "adjusted_workday"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// IsWorkday reports whether a day of kind k is a working day.
func (k Kind) IsWorkday() bool { return k == Workday || k == AdjustedWorkday }

// Holiday is one holiday period of a year's arrangement: its days off
// (From to To, both included) and its adjusted working days.
type Holiday struct {
	// Key names the statutory festival the period is for: "new_year",
	// "spring_festival", "qingming", "labour_day", "dragon_boat",
	// "mid_autumn" or "national_day".
	Key string
	// Also lists the keys of other statutory festivals the period covers,
	// such as "mid_autumn" in 2025, when Mid-Autumn fell within National Day.
	Also []string
	// NameZH and NameEN are the period's names, e.g. "春节" and
	// "Spring Festival", or "国庆节、中秋节" for a combined period.
	NameZH, NameEN string
	// Year is the year of the arrangement the period belongs to.
	Year int
	// From and To are the first and last days off, at midnight China
	// Standard Time.
	From, To time.Time
	// Work holds the adjusted working days (调休上班) of the period, at
	// midnight China Standard Time.
	Work []time.Time
	// Provisional is true when the year's data has not been checked against
	// the State Council's notice.
	Provisional bool
}

// Days returns the number of days off in the period.
func (h Holiday) Days() int {
	return dayNumber(h.To.Date()) - dayNumber(h.From.Date()) + 1
}

// Covers reports whether the period is the holiday of the statutory festival
// key, either as its own or as a combined period.
func (h Holiday) Covers(key string) bool {
	return h.Key == key || slices.Contains(h.Also, key)
}

func (h Holiday) clone() Holiday {
	h.Also = slices.Clone(h.Also)
	h.Work = slices.Clone(h.Work)
	return h
}

// Arrangement is the holiday arrangement of one year.
type Arrangement struct {
	// Year is the year the arrangement is for.
	Year int
	// Provisional is true when the data has not been checked against the
	// State Council's notice, as for a year computed from the rules before
	// the notice is published.
	Provisional bool
	// Source names where the data comes from, normally the notice's title,
	// number and date.
	Source string
	// Holidays are the year's holiday periods in date order.
	Holidays []Holiday
}

// day is what the calendar knows about one date.
type day struct {
	kind    Kind
	holiday int // index into Calendar.holidays
}

// Calendar is the business calendar: the statutory holidays and adjusted
// working days of the years it has data for, weekends only for the others.
// A Calendar is immutable once built and safe for concurrent use; the nil
// *Calendar is a valid calendar without any holiday data.
type Calendar struct {
	years    map[int]Arrangement
	holidays []Holiday
	days     map[int]day // by dayNumber
}

// New returns the calendar built from the holiday data embedded in the
// binary.
func New() (*Calendar, error) {
	sub, err := fs.Sub(holidayFiles, "holidays")
	if err != nil {
		return nil, fmt.Errorf("embedded holiday data: %w", err)
	}
	return Load(sub)
}

// Load returns the calendar built from the files named YYYY.json at the root
// of fsys, one per year, in the shape README.md describes. It returns an
// error if a file cannot be read or parsed, or fails validation.
func Load(fsys fs.FS) (*Calendar, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, fmt.Errorf("list holiday files: %w", err)
	}
	sort.Strings(names)
	c := &Calendar{years: make(map[int]Arrangement), days: make(map[int]day)}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read holiday file: %w", err)
		}
		a, err := parseYear(name, b)
		if err != nil {
			return nil, err
		}
		if err := c.add(name, a); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// add indexes the days of one year's arrangement.
func (c *Calendar) add(name string, a Arrangement) error {
	if _, ok := c.years[a.Year]; ok {
		return fmt.Errorf("%s: a second file for %d", name, a.Year)
	}
	c.years[a.Year] = a
	set := func(n int, d day) error {
		if old, ok := c.days[n]; ok && c.holidays[old.holiday].Year != a.Year {
			y, m, dd := civilDate(n)
			return fmt.Errorf("%s: %04d-%02d-%02d is also in the data for %d", name, y, m, dd, c.holidays[old.holiday].Year)
		}
		c.days[n] = d
		return nil
	}
	for _, h := range a.Holidays {
		i := len(c.holidays)
		c.holidays = append(c.holidays, h)
		for n := dayNumber(h.From.Date()); n <= dayNumber(h.To.Date()); n++ {
			if err := set(n, day{kind: StatutoryHoliday, holiday: i}); err != nil {
				return err
			}
		}
		for _, w := range h.Work {
			if err := set(dayNumber(w.Date()), day{kind: AdjustedWorkday, holiday: i}); err != nil {
				return err
			}
		}
	}
	return nil
}

// HasYear reports whether the calendar has holiday data for year y. Without
// it, the days of y are workdays from Monday to Friday and weekends otherwise.
func (c *Calendar) HasYear(y int) bool {
	if c == nil {
		return false
	}
	_, ok := c.years[y]
	return ok
}

// Years returns the years the calendar has holiday data for, in order.
func (c *Calendar) Years() []int {
	if c == nil {
		return nil
	}
	ys := make([]int, 0, len(c.years))
	for y := range c.years {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	return ys
}

// Year returns the holiday arrangement of year y. It returns an error
// wrapping ErrNoData if the calendar has no data for y, in which case the
// calendar treats y as weekends only.
func (c *Calendar) Year(y int) (Arrangement, error) {
	if !c.HasYear(y) {
		return Arrangement{}, fmt.Errorf("calendar year %d: %w", y, ErrNoData)
	}
	a := c.years[y]
	hs := make([]Holiday, len(a.Holidays))
	for i, h := range a.Holidays {
		hs[i] = h.clone()
	}
	a.Holidays = hs
	return a, nil
}

// DayKind returns the kind of the day d falls on. The day is d's date in d's
// own location, as for d.Weekday(): convert an instant to China Standard Time
// first (Schedule does).
func (c *Calendar) DayKind(d time.Time) Kind {
	return c.kind(dayNumber(d.Date()))
}

// IsWorkday reports whether d's date is a working day: a Monday to Friday
// that is not a holiday, or an adjusted working day.
func (c *Calendar) IsWorkday(d time.Time) bool {
	return c.DayKind(d).IsWorkday()
}

// IsHoliday returns the holiday period whose days off include d's date, and
// whether there is one. An adjusted working day is not a holiday.
func (c *Calendar) IsHoliday(d time.Time) (Holiday, bool) {
	if c == nil {
		return Holiday{}, false
	}
	e, ok := c.days[dayNumber(d.Date())]
	if !ok || e.kind != StatutoryHoliday {
		return Holiday{}, false
	}
	return c.holidays[e.holiday].clone(), true
}

// kind returns the kind of day number n.
func (c *Calendar) kind(n int) Kind {
	if c != nil {
		if e, ok := c.days[n]; ok {
			return e.kind
		}
	}
	if wd := weekday(n); wd == time.Saturday || wd == time.Sunday {
		return Weekend
	}
	return Workday
}

// dayNumber returns the number of days from 1970-01-01 to the civil date
// y-m-d of the proleptic Gregorian calendar (days_from_civil, after Howard
// Hinnant). It is plain integer arithmetic, cheaper than time.Date.
func dayNumber(y int, m time.Month, d int) int {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := (int(m) + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilDate is the inverse of dayNumber.
func civilDate(n int) (int, time.Month, int) {
	z := n + 719468
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, time.Month(m), d
}

// weekday returns the weekday of day number n (1970-01-01 was a Thursday).
func weekday(n int) time.Weekday {
	return time.Weekday(((n % 7) + 7 + 4) % 7)
}

// midnight returns the start of day number n in China Standard Time.
func midnight(n int) time.Time {
	y, m, d := civilDate(n)
	return time.Date(y, m, d, 0, 0, 0, 0, ChinaStandardTime)
}

// yearOfFile returns the year a file named YYYY.json is for.
func yearOfFile(name string) (int, error) {
	base := strings.TrimSuffix(path.Base(name), ".json")
	y, err := strconv.Atoi(base)
	if err != nil || len(base) != 4 {
		return 0, fmt.Errorf("%s: holiday files are named YYYY.json", name)
	}
	return y, nil
}
