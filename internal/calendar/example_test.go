package calendar_test

import (
	"fmt"
	"time"

	"github.com/wubu-oss/wubu/internal/calendar"
)

func ExampleSchedule_AddWorkingDays() {
	cal, err := calendar.New()
	if err != nil {
		panic(err)
	}
	s := calendar.Schedule{Calendar: cal} // 08:30–17:30, China Standard Time

	// A complaint received the afternoon before National Day, to be answered
	// within 2 working days.
	received := time.Date(2026, 9, 30, 15, 0, 0, 0, calendar.ChinaStandardTime)
	fmt.Println(s.AddWorkingDays(received, 2).Format("2006-01-02 15:04 Mon"))
	// Output: 2026-10-09 17:30 Fri
}

func ExampleSchedule_AddWorking() {
	cal, err := calendar.New()
	if err != nil {
		panic(err)
	}
	s := calendar.Schedule{Calendar: cal}

	// Two working hours from Friday 13 February 2026 at 16:30: Saturday the
	// 14th is an adjusted working day before the Spring Festival.
	start := time.Date(2026, 2, 13, 16, 30, 0, 0, calendar.ChinaStandardTime)
	fmt.Println(s.AddWorking(start, 2*time.Hour).Format("2006-01-02 15:04 Mon"))
	// Output: 2026-02-14 09:30 Sat
}
