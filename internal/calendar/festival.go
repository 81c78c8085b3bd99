package calendar

import (
	"slices"
	"strconv"
	"time"

	lunar "github.com/6tail/lunar-go/calendar"
)

// FestivalKind says how a festival's date is found.
type FestivalKind int

// The kinds of festival.
const (
	// LunarFestival falls on a day of the Chinese lunar calendar, such as
	// 八月十五 for Mid-Autumn.
	LunarFestival FestivalKind = iota + 1
	// SolarFestival falls on a Gregorian date, fixed (10月1日) or by
	// weekday (the second Sunday of May).
	SolarFestival
	// SolarTermFestival falls on a solar term (节气): Qingming.
	SolarTermFestival
)

// String returns the kind's stable name: "lunar", "solar" or "solar_term".
func (k FestivalKind) String() string {
	switch k {
	case LunarFestival:
		return "lunar"
	case SolarFestival:
		return "solar"
	case SolarTermFestival:
		return "solar_term"
	}
	return "FestivalKind(" + strconv.Itoa(int(k)) + ")"
}

// Festival is one occurrence of a festival, for greeting campaigns and the
// calendar pages. Whether it brings days off is a matter for the year's
// holiday arrangement (Calendar.IsHoliday), not for the festival.
type Festival struct {
	// Key is a stable identifier, such as "spring_festival" or "christmas".
	Key string
	// NameZH and NameEN are the festival's names, such as "中秋节" and
	// "Mid-Autumn Festival".
	NameZH, NameEN string
	// Date is the festival's day, at midnight China Standard Time.
	Date time.Time
	// Kind says how the date is found.
	Kind FestivalKind
	// Statutory is true for the seven festivals of the 全国年节及纪念日放假办法
	// that give everybody days off: 元旦, 春节, 清明节, 劳动节, 端午节,
	// 中秋节 and 国庆节. Its key is then also a Holiday key.
	Statutory bool
}

// festivalDef describes one festival and how to find its date.
type festivalDef struct {
	key, zh, en string
	kind        FestivalKind
	statutory   bool
	month, day  int          // lunar or Gregorian month and day; for nth-weekday rules, the month
	nth         int          // for "the nth weekday of month": 1 = first
	weekday     time.Weekday // with nth
}

// festivalDefs are the festivals Festivals returns, 除夕 and 清明 apart.
var festivalDefs = []festivalDef{
	{key: "spring_festival", zh: "春节", en: "Spring Festival", kind: LunarFestival, statutory: true, month: 1, day: 1},
	{key: "lantern", zh: "元宵节", en: "Lantern Festival", kind: LunarFestival, month: 1, day: 15},
	{key: "dragon_boat", zh: "端午节", en: "Dragon Boat Festival", kind: LunarFestival, statutory: true, month: 5, day: 5},
	{key: "qixi", zh: "七夕节", en: "Qixi Festival", kind: LunarFestival, month: 7, day: 7},
	{key: "mid_autumn", zh: "中秋节", en: "Mid-Autumn Festival", kind: LunarFestival, statutory: true, month: 8, day: 15},
	{key: "double_ninth", zh: "重阳节", en: "Double Ninth Festival", kind: LunarFestival, month: 9, day: 9},
	{key: "laba", zh: "腊八节", en: "Laba Festival", kind: LunarFestival, month: 12, day: 8},

	{key: "new_year", zh: "元旦", en: "New Year's Day", kind: SolarFestival, statutory: true, month: 1, day: 1},
	{key: "womens_day", zh: "妇女节", en: "International Women's Day", kind: SolarFestival, month: 3, day: 8},
	{key: "labour_day", zh: "劳动节", en: "Labour Day", kind: SolarFestival, statutory: true, month: 5, day: 1},
	{key: "mothers_day", zh: "母亲节", en: "Mother's Day", kind: SolarFestival, month: 5, nth: 2, weekday: time.Sunday},
	{key: "childrens_day", zh: "儿童节", en: "Children's Day", kind: SolarFestival, month: 6, day: 1},
	{key: "fathers_day", zh: "父亲节", en: "Father's Day", kind: SolarFestival, month: 6, nth: 3, weekday: time.Sunday},
	{key: "teachers_day", zh: "教师节", en: "Teachers' Day", kind: SolarFestival, month: 9, day: 10},
	{key: "national_day", zh: "国庆节", en: "National Day", kind: SolarFestival, statutory: true, month: 10, day: 1},
	{key: "christmas", zh: "圣诞节", en: "Christmas", kind: SolarFestival, month: 12, day: 25},
}

// The years Festivals computes.
const (
	minFestivalYear = 1901
	maxFestivalYear = 2100
)

// Festivals returns the festivals whose dates fall in the Gregorian year,
// in date order: the lunar festivals 春节, 元宵, 端午, 七夕, 中秋, 重阳, 腊八
// and 除夕 (the day before 正月初一, 腊月廿九 in years whose twelfth month has
// 29 days), the solar festivals 元旦, 妇女节, 劳动节, 母亲节, 儿童节, 父亲节,
// 教师节, 国庆节 and 圣诞节, and 清明 from the solar terms. Lunar dates come
// from github.com/6tail/lunar-go.
//
// 腊八 of a lunar year can fall in the following January or at the very end
// of the December of the same year, so a Gregorian year has it once, twice
// (2022: 1月10日 and 12月30日) or not at all (2023). It returns nil for a year
// outside 1901–2100. It does not depend on the calendar's holiday data; the
// nil *Calendar works too.
func (c *Calendar) Festivals(year int) []Festival {
	if year < minFestivalYear || year > maxFestivalYear {
		return nil
	}
	var fs []Festival
	add := func(def festivalDef, y, m, d int) {
		if y != year {
			return
		}
		fs = append(fs, Festival{
			Key: def.key, NameZH: def.zh, NameEN: def.en, Kind: def.kind, Statutory: def.statutory,
			Date: time.Date(y, time.Month(m), d, 0, 0, 0, 0, ChinaStandardTime),
		})
	}
	for _, def := range festivalDefs {
		switch {
		case def.kind == LunarFestival:
			// The lunar year that starts in the Gregorian year, and the one
			// before it, whose 腊月 may reach into this January.
			for _, ly := range []int{year - 1, year} {
				s := lunar.NewLunarFromYmd(ly, def.month, def.day).GetSolar()
				add(def, s.GetYear(), s.GetMonth(), s.GetDay())
			}
		case def.nth > 0:
			first := time.Date(year, time.Month(def.month), 1, 0, 0, 0, 0, time.UTC)
			offset := (int(def.weekday) - int(first.Weekday()) + 7) % 7
			add(def, year, def.month, 1+offset+7*(def.nth-1))
		default:
			add(def, year, def.month, def.day)
		}
	}

	// 除夕 is the eve of 正月初一, whatever the length of 腊月.
	eve := lunar.NewLunarFromYmd(year, 1, 1).GetSolar().NextDay(-1)
	add(festivalDef{key: "new_years_eve", zh: "除夕", en: "Chinese New Year's Eve", kind: LunarFestival},
		eve.GetYear(), eve.GetMonth(), eve.GetDay())

	// 清明 is a solar term, on 4 or 5 April.
	if qm, ok := lunar.NewSolarFromYmd(year, 4, 1).GetLunar().GetJieQiTable()["清明"]; ok {
		add(festivalDef{key: "qingming", zh: "清明节", en: "Qingming Festival", kind: SolarTermFestival, statutory: true},
			qm.GetYear(), qm.GetMonth(), qm.GetDay())
	}

	slices.SortStableFunc(fs, func(a, b Festival) int { return a.Date.Compare(b.Date) })
	return fs
}

// Festival returns the festival with the stable key in the Gregorian year,
// and whether there is one: "spring_festival", "lantern", "dragon_boat",
// "qixi", "mid_autumn", "double_ninth", "laba", "new_years_eve", "qingming",
// "new_year", "womens_day", "labour_day", "mothers_day", "childrens_day",
// "fathers_day", "teachers_day", "national_day" or "christmas". In a year
// with two 腊八 it returns the first.
func (c *Calendar) Festival(year int, key string) (Festival, bool) {
	for _, f := range c.Festivals(year) {
		if f.Key == key {
			return f, true
		}
	}
	return Festival{}, false
}
