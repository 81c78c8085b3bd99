package calendar

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// TestHolidayFiles validates every embedded holiday file on its own: it
// parses, its dates are real dates of its year, adjusted working days are
// Saturdays or Sundays and no day off, each of the seven statutory festivals
// has one period, and each period contains its festival's own date.
func TestHolidayFiles(t *testing.T) {
	names, err := fs.Glob(holidayFiles, "holidays/*.json")
	if err != nil || len(names) == 0 {
		t.Fatalf("embedded holiday files: got %v, %v", names, err)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			b, err := fs.ReadFile(holidayFiles, name)
			if err != nil {
				t.Fatal(err)
			}
			a, err := parseYear(name, b)
			if err != nil {
				t.Fatalf("parseYear: %v", err)
			}

			// Each festival's own date lies within its holiday period
			// (元旦 1月1日, 正月初一, 清明, 5月1日, 端午, 中秋, 10月1日).
			var c *Calendar
			for _, key := range statutoryKeys {
				f, ok := c.Festival(a.Year, key)
				if !ok {
					t.Errorf("Festival(%d, %q): not found", a.Year, key)
					continue
				}
				var found bool
				for _, h := range a.Holidays {
					if h.Covers(key) {
						found = true
						if f.Date.Before(h.From) || f.Date.After(h.To) {
							t.Errorf("%s on %s is outside its holiday %s–%s", key,
								f.Date.Format(time.DateOnly), h.From.Format(time.DateOnly), h.To.Format(time.DateOnly))
						}
					}
				}
				if !found {
					t.Errorf("no holiday covers %s", key)
				}
			}
		})
	}
}

// TestHolidayFilesMatchLunarGo compares the days off and adjusted working
// days of each year with the independent table of github.com/6tail/lunar-go
// (HolidayUtil), for the years that table has. It guards against typos when
// a year is added by hand.
func TestHolidayFilesMatchLunarGo(t *testing.T) {
	c := mustNew(t)
	for _, y := range c.Years() {
		t.Run(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006"), func(t *testing.T) {
			var theirOff, theirWork []string
			for e := HolidayUtil.GetHolidaysByYear(y).Front(); e != nil; e = e.Next() {
				h := e.Value.(*HolidayUtil.Holiday)
				if h.IsWork() {
					theirWork = append(theirWork, h.GetDay())
				} else {
					theirOff = append(theirOff, h.GetDay())
				}
			}
			if len(theirOff) == 0 {
				t.Skipf("lunar-go has no holiday table for %d", y)
			}
			a, err := c.Year(y)
			if err != nil {
				t.Fatal(err)
			}
			var ourOff, ourWork []string
			for _, h := range a.Holidays {
				for d := h.From; !d.After(h.To); d = d.AddDate(0, 0, 1) {
					ourOff = append(ourOff, d.Format(time.DateOnly))
				}
				for _, w := range h.Work {
					ourWork = append(ourWork, w.Format(time.DateOnly))
				}
			}
			slices.Sort(ourOff)
			slices.Sort(ourWork)
			slices.Sort(theirOff)
			slices.Sort(theirWork)
			if !slices.Equal(ourOff, theirOff) {
				t.Errorf("days off: got %v, want %v", ourOff, theirOff)
			}
			if !slices.Equal(ourWork, theirWork) {
				t.Errorf("adjusted working days: got %v, want %v", ourWork, theirWork)
			}
		})
	}
}

// validFile is a minimal valid year; the rejection cases each break one rule.
const validFile = `{
  "year": 2026, "provisional": false, "source": "test",
  "holidays": [
    {"key": "new_year", "zh": "元旦", "en": "New Year's Day", "from": "2026-01-01", "to": "2026-01-03", "days": 3, "work": ["2026-01-04"]},
    {"key": "spring_festival", "zh": "春节", "en": "Spring Festival", "from": "2026-02-15", "to": "2026-02-23", "days": 9, "work": ["2026-02-14", "2026-02-28"]},
    {"key": "qingming", "zh": "清明节", "en": "Qingming", "from": "2026-04-04", "to": "2026-04-06", "days": 3, "work": []},
    {"key": "labour_day", "zh": "劳动节", "en": "Labour Day", "from": "2026-05-01", "to": "2026-05-05", "days": 5, "work": ["2026-05-09"]},
    {"key": "dragon_boat", "zh": "端午节", "en": "Dragon Boat", "from": "2026-06-19", "to": "2026-06-21", "days": 3, "work": []},
    {"key": "mid_autumn", "zh": "中秋节", "en": "Mid-Autumn", "from": "2026-09-25", "to": "2026-09-27", "days": 3, "work": []},
    {"key": "national_day", "zh": "国庆节", "en": "National Day", "from": "2026-10-01", "to": "2026-10-07", "days": 7, "work": ["2026-09-20", "2026-10-10"]}
  ]
}`

func TestParseYearRejects(t *testing.T) {
	if _, err := parseYear("2026.json", []byte(validFile)); err != nil {
		t.Fatalf("valid file: got %v, want nil", err)
	}
	tests := []struct {
		name    string
		file    string
		old     string // replaced by new in validFile
		new     string
		wantErr string
	}{
		{"NotADate", "2026.json", `"to": "2026-02-23"`, `"to": "2026-02-30"`, `to "2026-02-30" is not a date`},
		{"OtherYear", "2026.json", `"from": "2026-04-04"`, `"from": "2025-04-04"`, "from 2025-04-04 is not in 2026"},
		{"WeekdayWorked", "2026.json", `"2026-05-09"`, `"2026-05-08"`, "adjusted working day 2026-05-08 is a Friday"},
		{"WorkOnDayOff", "2026.json", `"2026-10-10"]`, `"2026-10-04"]`, "adjusted working day 2026-10-04 is a day off of national_day"},
		{"Overlap", "2026.json", `"to": "2026-09-27", "days": 3`, `"to": "2026-10-01", "days": 7`, "day off 2026-10-01 is also a day off of mid_autumn"},
		{"WrongCount", "2026.json", `"days": 9`, `"days": 8`, "days is 8, but 2026-02-15 to 2026-02-23 is 9 days"},
		{"Missing", "2026.json", `"key": "qingming"`, `"key": "dragon_boat"`, "qingming is covered by 0 holiday periods"},
		{"UnknownKey", "2026.json", `"key": "qingming"`, `"key": "tomb_sweeping"`, `unknown key "tomb_sweeping"`},
		{"UnknownField", "2026.json", `"source": "test"`, `"source": "test", "sauce": "x"`, `unknown field "sauce"`},
		{"NoName", "2026.json", `"en": "Qingming"`, `"en": ""`, "zh and en names are both required"},
		{"FileName", "2027.json", "", "", "year 2026 does not match the file name"},
		{"BadFileName", "cn.json", "", "", "holiday files are named YYYY.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := validFile
			if tt.old != "" {
				if !strings.Contains(file, tt.old) {
					t.Fatalf("test case: %q not in validFile", tt.old)
				}
				file = strings.Replace(file, tt.old, tt.new, 1)
			}
			_, err := parseYear(tt.file, []byte(file))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestParseYearNewYearFromDecember(t *testing.T) {
	// 2019's notice put 元旦 at 2018-12-30 to 2019-01-01, with Saturday
	// 2018-12-29 worked; a file for 2019 may say so.
	file := strings.ReplaceAll(validFile, "2026", "2019")
	file = strings.Replace(file,
		`"from": "2019-01-01", "to": "2019-01-03", "days": 3, "work": ["2019-01-04"]`,
		`"from": "2018-12-30", "to": "2019-01-01", "days": 3, "work": ["2018-12-29"]`, 1)
	// The other 2019 dates of validFile are not 2019's, but only the rules
	// that do not look at weekdays matter here: drop the other working days.
	for _, w := range []string{`"2019-02-14", "2019-02-28"`, `"2019-05-09"`, `"2019-09-20", "2019-10-10"`} {
		file = strings.Replace(file, w, "", 1)
	}
	if _, err := parseYear("2019.json", []byte(file)); err != nil {
		t.Errorf("got %v, want nil", err)
	}
}

func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{"2026.json": {Data: []byte(validFile)}}
	c, err := Load(fsys)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got, want := c.Years(), []int{2026}; !slices.Equal(got, want) {
		t.Errorf("Years: got %v, want %v", got, want)
	}
	if got, want := c.DayKind(date(2026, 2, 14)), AdjustedWorkday; got != want {
		t.Errorf("DayKind(2026-02-14): got %v, want %v", got, want)
	}

	bad := fstest.MapFS{"2026.json": {Data: []byte(`{"year": 2026`)}}
	if _, err := Load(bad); err == nil {
		t.Errorf("Load(truncated JSON): got nil, want an error")
	}
}
