package calendar

import (
	"testing"
	"time"

	lunar "github.com/6tail/lunar-go/calendar"
)

func TestFestival(t *testing.T) {
	c := mustNew(t)
	tests := []struct {
		year int
		key  string
		want time.Time
	}{
		{2025, "spring_festival", date(2025, 1, 29)},
		{2026, "spring_festival", date(2026, 2, 17)},
		{2027, "spring_festival", date(2027, 2, 6)},
		{2025, "mid_autumn", date(2025, 10, 6)},
		{2026, "mid_autumn", date(2026, 9, 25)},
		{2027, "mid_autumn", date(2027, 9, 15)},
		{2025, "dragon_boat", date(2025, 5, 31)},
		{2026, "dragon_boat", date(2026, 6, 19)},
		{2027, "dragon_boat", date(2027, 6, 9)},
		{2025, "qingming", date(2025, 4, 4)},
		{2026, "qingming", date(2026, 4, 5)},
		{2027, "qingming", date(2027, 4, 5)},
		// 腊月 of the lunar years 2024, 2025 and 2026 has 29 days: 除夕
		// is 腊月廿九.
		{2025, "new_years_eve", date(2025, 1, 28)},
		{2026, "new_years_eve", date(2026, 2, 16)},
		{2027, "new_years_eve", date(2027, 2, 5)},
		{2023, "new_years_eve", date(2023, 1, 21)}, // 腊月三十
		{2026, "lantern", date(2026, 3, 3)},
		{2025, "qixi", date(2025, 8, 29)},
		{2025, "double_ninth", date(2025, 10, 29)},
		{2026, "laba", date(2026, 1, 26)},
		{2026, "new_year", date(2026, 1, 1)},
		{2026, "womens_day", date(2026, 3, 8)},
		{2026, "labour_day", date(2026, 5, 1)},
		{2026, "mothers_day", date(2026, 5, 10)},
		{2025, "mothers_day", date(2025, 5, 11)},
		{2026, "childrens_day", date(2026, 6, 1)},
		{2026, "fathers_day", date(2026, 6, 21)},
		{2025, "fathers_day", date(2025, 6, 15)},
		{2026, "teachers_day", date(2026, 9, 10)},
		{2026, "national_day", date(2026, 10, 1)},
		{2026, "christmas", date(2026, 12, 25)},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			f, ok := c.Festival(tt.year, tt.key)
			if !ok {
				t.Fatalf("Festival(%d, %q): not found", tt.year, tt.key)
			}
			if !f.Date.Equal(tt.want) {
				t.Errorf("Festival(%d, %q): got %s, want %s", tt.year, tt.key, f.Date.Format(time.DateOnly), tt.want.Format(time.DateOnly))
			}
			if f.NameZH == "" || f.NameEN == "" {
				t.Errorf("Festival(%d, %q): names %q %q, want both", tt.year, tt.key, f.NameZH, f.NameEN)
			}
		})
	}
}

func TestNewYearsEveIsTheLastDayOfTheLunarYear(t *testing.T) {
	c := mustNew(t)
	for y := 2020; y <= 2035; y++ {
		f, ok := c.Festival(y, "new_years_eve")
		if !ok {
			t.Fatalf("Festival(%d, new_years_eve): not found", y)
		}
		l := lunar.NewSolarFromYmd(f.Date.Year(), int(f.Date.Month()), f.Date.Day()).GetLunar()
		next := lunar.NewSolarFromYmd(f.Date.Year(), int(f.Date.Month()), f.Date.Day()).NextDay(1).GetLunar()
		if l.GetMonth() != 12 || (l.GetDay() != 29 && l.GetDay() != 30) || next.GetMonth() != 1 || next.GetDay() != 1 {
			t.Errorf("%d: 除夕 on %s is lunar %d-%d, followed by %d-%d; want the last day of 腊月, then 正月初一",
				y, f.Date.Format(time.DateOnly), l.GetMonth(), l.GetDay(), next.GetMonth(), next.GetDay())
		}
	}
}

func TestLaba(t *testing.T) {
	c := mustNew(t)
	tests := []struct {
		year int
		want []time.Time
	}{
		{2022, []time.Time{date(2022, 1, 10), date(2022, 12, 30)}},
		{2023, nil},
		{2026, []time.Time{date(2026, 1, 26)}},
	}
	for _, tt := range tests {
		var got []time.Time
		for _, f := range c.Festivals(tt.year) {
			if f.Key == "laba" {
				got = append(got, f.Date)
			}
		}
		if len(got) != len(tt.want) {
			t.Errorf("腊八 in %d: got %v, want %v", tt.year, got, tt.want)
			continue
		}
		for i := range got {
			if !got[i].Equal(tt.want[i]) {
				t.Errorf("腊八 in %d: got %v, want %v", tt.year, got, tt.want)
			}
		}
	}
}

func TestFestivals(t *testing.T) {
	var c *Calendar // festivals need no holiday data
	fs := c.Festivals(2026)
	if got, want := len(fs), 18; got != want {
		t.Errorf("len(Festivals(2026)): got %v, want %v", got, want)
	}
	for i := 1; i < len(fs); i++ {
		if fs[i].Date.Before(fs[i-1].Date) {
			t.Errorf("Festivals(2026) not in date order: %s before %s", fs[i-1].Key, fs[i].Key)
		}
	}
	statutory := map[string]bool{}
	for _, f := range fs {
		if f.Statutory {
			statutory[f.Key] = true
		}
		if f.Date.Year() != 2026 || f.Date.Location() != ChinaStandardTime {
			t.Errorf("%s: got %v, want a date of 2026 in China Standard Time", f.Key, f.Date)
		}
	}
	for _, k := range statutoryKeys {
		if !statutory[k] {
			t.Errorf("%s: got Statutory false, want true", k)
		}
	}
	if got, want := len(statutory), len(statutoryKeys); got != want {
		t.Errorf("statutory festivals: got %v, want %v", got, want)
	}

	kinds := map[string]FestivalKind{"spring_festival": LunarFestival, "qingming": SolarTermFestival, "christmas": SolarFestival}
	for key, want := range kinds {
		f, _ := c.Festival(2026, key)
		if f.Kind != want {
			t.Errorf("%s Kind: got %v, want %v", key, f.Kind, want)
		}
	}
	if _, ok := c.Festival(2026, "halloween"); ok {
		t.Errorf("Festival(2026, halloween): got found, want not found")
	}
	if fs := c.Festivals(1800); fs != nil {
		t.Errorf("Festivals(1800): got %v, want nil", fs)
	}
}
