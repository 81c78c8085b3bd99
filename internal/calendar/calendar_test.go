package calendar

import (
	"errors"
	"testing"
	"time"
)

// mustNew returns the calendar of the embedded data.
func mustNew(tb testing.TB) *Calendar {
	tb.Helper()
	c, err := New()
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return c
}

// date returns midnight of y-m-d in China Standard Time.
func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, ChinaStandardTime)
}

// at returns y-m-d hh:mm in China Standard Time.
func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, ChinaStandardTime)
}

func TestDayKind(t *testing.T) {
	c := mustNew(t)
	tests := []struct {
		day  time.Time
		want Kind
	}{
		// 2026 Spring Festival: off 15–23 February, 14 and 28 February worked.
		{date(2026, 2, 13), Workday},
		{date(2026, 2, 14), AdjustedWorkday}, // Saturday
		{date(2026, 2, 15), StatutoryHoliday},
		{date(2026, 2, 16), StatutoryHoliday}, // 除夕, Monday
		{date(2026, 2, 17), StatutoryHoliday}, // 正月初一
		{date(2026, 2, 21), StatutoryHoliday}, // Saturday within the period
		{date(2026, 2, 23), StatutoryHoliday},
		{date(2026, 2, 24), Workday},
		{date(2026, 2, 28), AdjustedWorkday},
		{date(2026, 3, 1), Weekend},
		// 2026 Mid-Autumn and National Day.
		{date(2026, 9, 20), AdjustedWorkday},
		{date(2026, 9, 25), StatutoryHoliday},
		{date(2026, 9, 27), StatutoryHoliday},
		{date(2026, 10, 7), StatutoryHoliday},
		{date(2026, 10, 8), Workday},
		{date(2026, 10, 10), AdjustedWorkday},
		{date(2026, 10, 11), Weekend},
		// 2025.
		{date(2025, 1, 26), AdjustedWorkday},
		{date(2025, 1, 28), StatutoryHoliday},
		{date(2025, 2, 4), StatutoryHoliday},
		{date(2025, 2, 8), AdjustedWorkday},
		{date(2025, 9, 28), AdjustedWorkday},
		{date(2025, 10, 6), StatutoryHoliday},
		{date(2025, 10, 8), StatutoryHoliday},
		{date(2025, 10, 11), AdjustedWorkday},
		// A year without data: weekends only.
		{date(2030, 1, 1), Workday}, // a Tuesday, though New Year's Day
		{date(2030, 2, 4), Workday}, // Monday
		{date(2030, 2, 9), Weekend}, // Saturday
	}
	for _, tt := range tests {
		if got := c.DayKind(tt.day); got != tt.want {
			t.Errorf("DayKind(%s %s): got %v, want %v", tt.day.Format(time.DateOnly), tt.day.Weekday(), got, tt.want)
		}
		if got, want := c.IsWorkday(tt.day), tt.want == Workday || tt.want == AdjustedWorkday; got != want {
			t.Errorf("IsWorkday(%s): got %v, want %v", tt.day.Format(time.DateOnly), got, want)
		}
	}
}

func TestDayKindUsesTheTimesLocation(t *testing.T) {
	c := mustNew(t)
	// 2026-02-13 20:00 UTC is already Saturday 14 February, a working day,
	// in China; in UTC it is still Friday.
	utc := time.Date(2026, 2, 13, 20, 0, 0, 0, time.UTC)
	if got, want := c.DayKind(utc), Workday; got != want {
		t.Errorf("DayKind(%v): got %v, want %v", utc, got, want)
	}
	if got, want := c.DayKind(utc.In(ChinaStandardTime)), AdjustedWorkday; got != want {
		t.Errorf("DayKind(%v): got %v, want %v", utc.In(ChinaStandardTime), got, want)
	}
}

func TestIsHoliday(t *testing.T) {
	c := mustNew(t)
	tests := []struct {
		day     time.Time
		wantKey string
		wantOK  bool
	}{
		{date(2026, 2, 16), "spring_festival", true},
		{date(2026, 2, 14), "", false}, // an adjusted working day is no holiday
		{date(2026, 2, 24), "", false},
		{date(2026, 9, 26), "mid_autumn", true},
		{date(2026, 10, 3), "national_day", true},
		{date(2025, 10, 6), "national_day", true}, // combined with Mid-Autumn
		{date(2030, 10, 1), "", false},
	}
	for _, tt := range tests {
		h, ok := c.IsHoliday(tt.day)
		if ok != tt.wantOK || h.Key != tt.wantKey {
			t.Errorf("IsHoliday(%s): got %q %v, want %q %v", tt.day.Format(time.DateOnly), h.Key, ok, tt.wantKey, tt.wantOK)
		}
	}

	h, _ := c.IsHoliday(date(2026, 2, 16))
	if got, want := h.NameZH, "春节"; got != want {
		t.Errorf("NameZH: got %v, want %v", got, want)
	}
	if got, want := h.Days(), 9; got != want {
		t.Errorf("Days: got %v, want %v", got, want)
	}
	if got, want := len(h.Work), 2; got != want {
		t.Fatalf("len(Work): got %v, want %v", got, want)
	}
	if !h.Work[0].Equal(date(2026, 2, 14)) || !h.Work[1].Equal(date(2026, 2, 28)) {
		t.Errorf("Work: got %v, want 2026-02-14 and 2026-02-28", h.Work)
	}

	// The 2025 period covers Mid-Autumn too.
	h, _ = c.IsHoliday(date(2025, 10, 6))
	if !h.Covers("mid_autumn") || !h.Covers("national_day") || h.Covers("new_year") {
		t.Errorf("2025-10-06 Covers: got key %q also %v, want national_day also mid_autumn", h.Key, h.Also)
	}

	// Callers cannot change the calendar through a returned Holiday.
	h, _ = c.IsHoliday(date(2026, 2, 16))
	h.Work[0] = date(2026, 2, 24)
	if got := c.DayKind(date(2026, 2, 24)); got != Workday {
		t.Errorf("DayKind after editing a returned Holiday: got %v, want %v", got, Workday)
	}
	h2, _ := c.IsHoliday(date(2026, 2, 16))
	if !h2.Work[0].Equal(date(2026, 2, 14)) {
		t.Errorf("Work[0] after editing a returned copy: got %v, want 2026-02-14", h2.Work[0])
	}
}

func TestYearWithoutData(t *testing.T) {
	c := mustNew(t)
	for _, y := range []int{2025, 2026, 2027} {
		if !c.HasYear(y) {
			t.Errorf("HasYear(%d): got false, want true", y)
		}
	}
	if c.HasYear(2030) {
		t.Errorf("HasYear(2030): got true, want false")
	}
	_, err := c.Year(2030)
	if !errors.Is(err, ErrNoData) {
		t.Errorf("Year(2030): got %v, want ErrNoData", err)
	}
	if got, want := c.IsWorkday(date(2030, 3, 4)), true; got != want { // Monday
		t.Errorf("IsWorkday(2030-03-04 Monday): got %v, want %v", got, want)
	}
	if got, want := c.IsWorkday(date(2030, 3, 9)), false; got != want { // Saturday
		t.Errorf("IsWorkday(2030-03-09 Saturday): got %v, want %v", got, want)
	}

	// The nil calendar is weekends only, everywhere.
	var none *Calendar
	if none.HasYear(2026) || none.IsWorkday(date(2026, 2, 14)) || !none.IsWorkday(date(2026, 2, 16)) {
		t.Errorf("nil Calendar: want weekends only")
	}
}

func TestYear(t *testing.T) {
	c := mustNew(t)
	a, err := c.Year(2026)
	if err != nil {
		t.Fatalf("Year(2026): %v", err)
	}
	if a.Provisional {
		t.Errorf("2026 Provisional: got true, want false")
	}
	var keys []string
	for _, h := range a.Holidays {
		keys = append(keys, h.Key)
	}
	want := []string{"new_year", "spring_festival", "qingming", "labour_day", "dragon_boat", "mid_autumn", "national_day"}
	if len(keys) != len(want) {
		t.Fatalf("2026 holidays: got %v, want %v", keys, want)
	}
	for i := range want {
		if keys[i] != want[i] {
			t.Errorf("2026 holiday %d: got %v, want %v", i, keys[i], want[i])
		}
	}
	a27, err := c.Year(2027)
	if err != nil {
		t.Fatalf("Year(2027): %v", err)
	}
	if !a27.Provisional || !a27.Holidays[0].Provisional {
		t.Errorf("2027 Provisional: got false, want true")
	}
}

func TestDayNumber(t *testing.T) {
	// dayNumber and civilDate agree with the time package over four
	// centuries, leap years and the epoch included.
	start := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 400*366; i++ {
		tm := start.AddDate(0, 0, i)
		n := dayNumber(tm.Date())
		if want := int(tm.Unix() / 86400); n != want {
			t.Fatalf("dayNumber(%s): got %v, want %v", tm.Format(time.DateOnly), n, want)
		}
		y, m, d := civilDate(n)
		if y != tm.Year() || m != tm.Month() || d != tm.Day() {
			t.Fatalf("civilDate(%d): got %d-%d-%d, want %s", n, y, m, d, tm.Format(time.DateOnly))
		}
		if got := weekday(n); got != tm.Weekday() {
			t.Fatalf("weekday(%s): got %v, want %v", tm.Format(time.DateOnly), got, tm.Weekday())
		}
	}
}

func TestKindString(t *testing.T) {
	tests := []struct {
		k    Kind
		want string
	}{
		{Workday, "workday"},
		{Weekend, "weekend"},
		{StatutoryHoliday, "holiday"},
		{AdjustedWorkday, "adjusted_workday"},
		{Kind(0), "Kind(0)"},
	}
	for _, tt := range tests {
		if got := tt.k.String(); got != tt.want {
			t.Errorf("Kind(%d).String(): got %v, want %v", int(tt.k), got, tt.want)
		}
	}
}
