package calendar

import (
	"math/rand/v2"
	"testing"
	"time"
)

const layout = "2006-01-02 15:04 Mon"

func TestAddCalendar(t *testing.T) {
	s := Schedule{Calendar: mustNew(t)}
	// An urgent repair reported at 23:55 on New Year's Eve is due ten
	// minutes later, holiday or not.
	got := s.AddCalendar(time.Date(2026, 2, 16, 15, 55, 0, 0, time.UTC), 10*time.Minute)
	if want := at(2026, 2, 17, 0, 5); !got.Equal(want) || got.Location() != ChinaStandardTime {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestAddWorking(t *testing.T) {
	s := Schedule{Calendar: mustNew(t)}
	tests := []struct {
		name  string
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		{"AcrossWeekend", at(2026, 3, 6, 16, 30), 2 * time.Hour, at(2026, 3, 9, 9, 30)},
		{"WithinDay", at(2026, 3, 9, 10, 0), 90 * time.Minute, at(2026, 3, 9, 11, 30)},
		{"BeforeOpening", at(2026, 3, 9, 7, 0), time.Hour, at(2026, 3, 9, 9, 30)},
		{"AfterClosing", at(2026, 3, 9, 18, 0), 30 * time.Minute, at(2026, 3, 10, 9, 0)},
		{"FullDayEndsAtClosing", at(2026, 3, 9, 8, 30), 9 * time.Hour, at(2026, 3, 9, 17, 30)},
		{"StartOnSaturday", at(2026, 3, 7, 10, 0), time.Hour, at(2026, 3, 9, 9, 30)},
		{"TwoFullDays", at(2026, 3, 6, 8, 30), 18 * time.Hour, at(2026, 3, 9, 17, 30)},
		// Friday before the Spring Festival: Saturday 14 February is worked.
		{"IntoAdjustedSaturday", at(2026, 2, 13, 16, 30), 2 * time.Hour, at(2026, 2, 14, 9, 30)},
		// From that Saturday, the next working day is Tuesday 24 February.
		{"AcrossSpringFestival", at(2026, 2, 14, 17, 0), time.Hour, at(2026, 2, 24, 9, 0)},
		{"StartInSpringFestival", at(2026, 2, 17, 10, 0), time.Hour, at(2026, 2, 24, 9, 30)},
		{"AcrossNationalDay", at(2026, 9, 30, 17, 0), time.Hour, at(2026, 10, 8, 9, 0)},
		// Qingming makes Monday 6 April 2026 a holiday.
		{"HolidayMonday", at(2026, 4, 3, 16, 30), 2 * time.Hour, at(2026, 4, 7, 9, 30)},
		{"Zero", at(2026, 3, 7, 10, 0), 0, at(2026, 3, 7, 10, 0)},
		{"Negative", at(2026, 3, 9, 10, 0), -time.Hour, at(2026, 3, 9, 10, 0)},
		{"UTCInput", time.Date(2026, 3, 6, 8, 30, 0, 0, time.UTC), 2 * time.Hour, at(2026, 3, 9, 9, 30)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.AddWorking(tt.start, tt.d)
			if !got.Equal(tt.want) {
				t.Errorf("AddWorking(%s, %v): got %s, want %s", tt.start.Format(layout), tt.d, got.Format(layout), tt.want.Format(layout))
			}
			if got.Location() != ChinaStandardTime {
				t.Errorf("location: got %v, want %v", got.Location(), ChinaStandardTime)
			}
		})
	}
}

func TestAddWorkingHoursAndLocation(t *testing.T) {
	// A project open 09:00–18:00, and the same schedule read in UTC.
	s := Schedule{Calendar: mustNew(t), Hours: Hours{Start: 9 * time.Hour, End: 18 * time.Hour}}
	if got, want := s.AddWorking(at(2026, 3, 6, 17, 0), 2*time.Hour), at(2026, 3, 9, 10, 0); !got.Equal(want) {
		t.Errorf("09:00–18:00: got %s, want %s", got.Format(layout), want.Format(layout))
	}
	s.Location = time.UTC
	start := time.Date(2026, 3, 6, 17, 0, 0, 0, time.UTC)
	if got, want := s.AddWorking(start, 2*time.Hour), time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("UTC: got %s, want %s", got.Format(layout), want.Format(layout))
	}
	// Invalid hours fall back to the defaults.
	s = Schedule{Hours: Hours{Start: 18 * time.Hour, End: 9 * time.Hour}}
	if got, want := s.AddWorking(at(2026, 3, 9, 8, 30), time.Hour), at(2026, 3, 9, 9, 30); !got.Equal(want) {
		t.Errorf("invalid hours: got %s, want %s", got.Format(layout), want.Format(layout))
	}
}

func TestAddWorkingDays(t *testing.T) {
	s := Schedule{Calendar: mustNew(t)}
	tests := []struct {
		name  string
		start time.Time
		n     int
		want  time.Time
	}{
		// A complaint received the afternoon before National Day: 1–7
		// October are off, Thursday 8 and Friday 9 October are the first
		// and second working days after it.
		{"BeforeNationalDay", at(2026, 9, 30, 15, 0), 2, at(2026, 10, 9, 17, 30)},
		{"BeforeNationalDayAfterClosing", at(2026, 9, 30, 20, 0), 2, at(2026, 10, 9, 17, 30)},
		{"DuringNationalDay", at(2026, 10, 3, 10, 0), 2, at(2026, 10, 9, 17, 30)},
		// From Thursday 8 October, the second working day is Saturday 10
		// October, an adjusted working day.
		{"IntoAdjustedSaturday", at(2026, 10, 8, 9, 0), 2, at(2026, 10, 10, 17, 30)},
		{"BeforeSpringFestival", at(2026, 2, 13, 10, 0), 1, at(2026, 2, 14, 17, 30)},
		{"AcrossSpringFestival", at(2026, 2, 14, 10, 0), 1, at(2026, 2, 24, 17, 30)},
		{"OrdinaryWeek", at(2026, 3, 4, 11, 0), 2, at(2026, 3, 6, 17, 30)},
		{"AcrossWeekend", at(2026, 3, 5, 11, 0), 2, at(2026, 3, 9, 17, 30)},
		{"ReceivedSaturday", at(2026, 3, 7, 11, 0), 1, at(2026, 3, 9, 17, 30)},
		{"SameDay", at(2026, 3, 6, 10, 0), 0, at(2026, 3, 6, 17, 30)},
		{"SameDayAfterClosing", at(2026, 3, 6, 18, 0), 0, at(2026, 3, 9, 17, 30)},
		{"SameDayOnHoliday", at(2026, 10, 1, 10, 0), 0, at(2026, 10, 8, 17, 30)},
		{"NoDataYear", at(2030, 3, 8, 10, 0), 1, at(2030, 3, 11, 17, 30)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.AddWorkingDays(tt.start, tt.n)
			if !got.Equal(tt.want) {
				t.Errorf("AddWorkingDays(%s, %d): got %s, want %s", tt.start.Format(layout), tt.n, got.Format(layout), tt.want.Format(layout))
			}
		})
	}
}

func TestWorkingBetween(t *testing.T) {
	s := Schedule{Calendar: mustNew(t)}
	tests := []struct {
		name string
		a, b time.Time
		want time.Duration
	}{
		{"AcrossWeekend", at(2026, 3, 6, 16, 30), at(2026, 3, 9, 9, 30), 2 * time.Hour},
		{"Same", at(2026, 3, 6, 16, 30), at(2026, 3, 6, 16, 30), 0},
		{"Reversed", at(2026, 3, 9, 9, 30), at(2026, 3, 6, 16, 30), -2 * time.Hour},
		{"Night", at(2026, 3, 9, 18, 0), at(2026, 3, 10, 8, 0), 0},
		{"Holiday", at(2026, 10, 1, 0, 0), at(2026, 10, 8, 0, 0), 0},
		// 15:00–17:30 on 30 September, then all of 8 and 9 October.
		{"AcrossNationalDay", at(2026, 9, 30, 15, 0), at(2026, 10, 9, 17, 30), 2*time.Hour + 30*time.Minute + 18*time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.WorkingBetween(tt.a, tt.b); got != tt.want {
				t.Errorf("WorkingBetween(%s, %s): got %v, want %v", tt.a.Format(layout), tt.b.Format(layout), got, tt.want)
			}
		})
	}
}

// TestWorkingRoundTrip checks that WorkingBetween undoes AddWorking, from
// random starts in 2025–2027 and random durations of up to two weeks of
// working time.
func TestWorkingRoundTrip(t *testing.T) {
	s := Schedule{Calendar: mustNew(t)}
	r := rand.New(rand.NewPCG(1, 2))
	base := at(2025, 1, 1, 0, 0)
	for i := 0; i < 2000; i++ {
		start := base.Add(time.Duration(r.Int64N(int64(3 * 365 * 24 * time.Hour))))
		d := time.Duration(r.Int64N(int64(90*time.Hour))) / time.Minute * time.Minute
		end := s.AddWorking(start, d)
		if got := s.WorkingBetween(start, end); got != d {
			t.Fatalf("WorkingBetween(%s, AddWorking(…, %v) = %s): got %v, want %v", start.Format(layout), d, end.Format(layout), got, d)
		}
		if d > 0 && !s.IsWorkingTime(end.Add(-time.Nanosecond)) {
			t.Fatalf("AddWorking(%s, %v) = %s: the instant before it is not working time", start.Format(layout), d, end.Format(layout))
		}
	}
}

func TestWorkingTime(t *testing.T) {
	s := Schedule{Calendar: mustNew(t)}
	tests := []struct {
		t        time.Time
		working  bool
		nextOpen time.Time
	}{
		{at(2026, 3, 9, 8, 29), false, at(2026, 3, 9, 8, 30)},
		{at(2026, 3, 9, 8, 30), true, at(2026, 3, 9, 8, 30)},
		{at(2026, 3, 9, 17, 30), false, at(2026, 3, 10, 8, 30)},
		{at(2026, 2, 14, 12, 0), true, at(2026, 2, 14, 12, 0)},   // adjusted Saturday
		{at(2026, 2, 16, 12, 0), false, at(2026, 2, 24, 8, 30)},  // 除夕
		{at(2026, 10, 10, 7, 0), false, at(2026, 10, 10, 8, 30)}, // adjusted Saturday, early
	}
	for _, tt := range tests {
		if got := s.IsWorkingTime(tt.t); got != tt.working {
			t.Errorf("IsWorkingTime(%s): got %v, want %v", tt.t.Format(layout), got, tt.working)
		}
		if got := s.NextWorkingTime(tt.t); !got.Equal(tt.nextOpen) {
			t.Errorf("NextWorkingTime(%s): got %s, want %s", tt.t.Format(layout), got.Format(layout), tt.nextOpen.Format(layout))
		}
	}
	if got, want := s.IsWorkday(at(2026, 2, 14, 3, 0)), true; got != want {
		t.Errorf("IsWorkday(2026-02-14): got %v, want %v", got, want)
	}
}

func TestHours(t *testing.T) {
	if got, want := DefaultHours.String(), "08:30–17:30"; got != want {
		t.Errorf("DefaultHours.String(): got %v, want %v", got, want)
	}
	tests := []struct {
		h    Hours
		want bool
	}{
		{DefaultHours, true},
		{Hours{0, 24 * time.Hour}, true},
		{Hours{}, false},
		{Hours{9 * time.Hour, 9 * time.Hour}, false},
		{Hours{-time.Hour, 9 * time.Hour}, false},
		{Hours{9 * time.Hour, 25 * time.Hour}, false},
	}
	for _, tt := range tests {
		if got := tt.h.Valid(); got != tt.want {
			t.Errorf("%v.Valid(): got %v, want %v", tt.h, got, tt.want)
		}
	}
}

func BenchmarkAddWorkingDays(b *testing.B) {
	s := Schedule{Calendar: mustNew(b)}
	start := at(2026, 9, 30, 15, 0)
	for b.Loop() {
		s.AddWorkingDays(start, 2)
	}
}

func BenchmarkAddWorking(b *testing.B) {
	s := Schedule{Calendar: mustNew(b)}
	start := at(2026, 9, 30, 15, 0)
	for b.Loop() {
		s.AddWorking(start, 16*time.Hour)
	}
}
