package calendar

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// statutoryKeys are the keys of the seven statutory festivals of the
// 全国年节及纪念日放假办法 whose holidays every year's arrangement covers,
// in calendar order.
var statutoryKeys = []string{
	"new_year", "spring_festival", "qingming", "labour_day",
	"dragon_boat", "mid_autumn", "national_day",
}

// yearFile is the JSON shape of holidays/YYYY.json.
type yearFile struct {
	Year        int             `json:"year"`
	Provisional bool            `json:"provisional"`
	Source      string          `json:"source"`
	Note        string          `json:"note"`
	Holidays    []holidayRecord `json:"holidays"`
}

// holidayRecord is one holiday period in a yearFile.
type holidayRecord struct {
	Key  string   `json:"key"`
	Also []string `json:"also"`
	ZH   string   `json:"zh"`
	EN   string   `json:"en"`
	From string   `json:"from"`
	To   string   `json:"to"`
	Days int      `json:"days"`
	Work []string `json:"work"`
}

// parseYear decodes and validates the holiday file name. It returns every
// problem it finds, joined, so that one run shows all the typos of a new
// year.
func parseYear(name string, b []byte) (Arrangement, error) {
	fileYear, err := yearOfFile(name)
	if err != nil {
		return Arrangement{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f yearFile
	if err := dec.Decode(&f); err != nil {
		return Arrangement{}, fmt.Errorf("%s: %w", name, err)
	}
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{name}, args...)...))
	}
	if f.Year != fileYear {
		bad("year %d does not match the file name", f.Year)
	}
	if f.Source == "" {
		bad("no source")
	}

	a := Arrangement{Year: f.Year, Provisional: f.Provisional, Source: f.Source}
	covered := make(map[string]int)
	off := make(map[int]string)  // day number → key, for overlaps
	work := make(map[int]string) // day number → key
	for i, r := range f.Holidays {
		id := r.Key
		if id == "" {
			id = fmt.Sprintf("holiday %d", i+1)
		}
		// Names and keys.
		for _, k := range append([]string{r.Key}, r.Also...) {
			if !slices.Contains(statutoryKeys, k) {
				bad("%s: unknown key %q", id, k)
			}
			covered[k]++
		}
		if r.ZH == "" || r.EN == "" {
			bad("%s: zh and en names are both required", id)
		}

		// Dates: real dates of the year (元旦 may start in the last days of
		// the December before, as 2019's did).
		date := func(field, s string) (int, bool) {
			t, err := time.Parse(time.DateOnly, s)
			if err != nil {
				bad("%s: %s %q is not a date: %v", id, field, s, err)
				return 0, false
			}
			y, m, d := t.Date()
			if y != f.Year && !(r.Key == "new_year" && y == f.Year-1 && m == time.December && d >= 20) {
				bad("%s: %s %s is not in %d", id, field, s, f.Year)
			}
			return dayNumber(y, m, d), true
		}
		from, ok1 := date("from", r.From)
		to, ok2 := date("to", r.To)
		if !ok1 || !ok2 {
			continue
		}
		if to < from {
			bad("%s: to %s is before from %s", id, r.To, r.From)
			continue
		}
		if r.Days != to-from+1 {
			bad("%s: days is %d, but %s to %s is %d days", id, r.Days, r.From, r.To, to-from+1)
		}
		for n := from; n <= to; n++ {
			if other, ok := off[n]; ok {
				bad("%s: day off %s is also a day off of %s", id, formatDay(n), other)
			}
			off[n] = id
		}
		h := Holiday{
			Key: r.Key, Also: r.Also, NameZH: r.ZH, NameEN: r.EN, Year: f.Year,
			From: midnight(from), To: midnight(to), Provisional: f.Provisional,
		}
		for _, s := range r.Work {
			n, ok := date("work", s)
			if !ok {
				continue
			}
			if wd := weekday(n); wd != time.Saturday && wd != time.Sunday {
				bad("%s: adjusted working day %s is a %s, not a Saturday or Sunday", id, s, wd)
			}
			if other, ok := work[n]; ok {
				bad("%s: adjusted working day %s is listed twice (also by %s)", id, s, other)
			}
			work[n] = id
			h.Work = append(h.Work, midnight(n))
		}
		a.Holidays = append(a.Holidays, h)
	}

	// Days off and working days are disjoint; each festival has one period.
	for _, n := range slices.Sorted(maps.Keys(work)) {
		if other, ok := off[n]; ok {
			bad("%s: adjusted working day %s is a day off of %s", work[n], formatDay(n), other)
		}
	}
	for _, k := range statutoryKeys {
		if covered[k] != 1 {
			bad("%s is covered by %d holiday periods, want 1", k, covered[k])
		}
	}
	if len(errs) > 0 {
		return Arrangement{}, errors.Join(errs...)
	}
	slices.SortFunc(a.Holidays, func(x, y Holiday) int { return x.From.Compare(y.From) })
	return a, nil
}

// formatDay formats day number n as YYYY-MM-DD.
func formatDay(n int) string {
	y, m, d := civilDate(n)
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}
