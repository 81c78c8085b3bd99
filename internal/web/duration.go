package web

import "time"

// Duration formats a length of time the one way every page shows it, with
// its units: "45 秒", "9 分 05 秒", "1 小时 54 分", "3 天 2 小时" ("9 min 05 s",
// "1 h 54 min" in English). Seconds show only under an hour; a negative
// duration is formatted by its length.
func (p *Page) Duration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return p.T("%d s", int(d.Round(time.Second)/time.Second))
	case d < time.Hour:
		d = d.Round(time.Second)
		if d%time.Minute == 0 {
			return p.T("%d min", int(d/time.Minute))
		}
		return p.T("%d min %02d s", int(d/time.Minute), int(d%time.Minute/time.Second))
	case d < 48*time.Hour:
		d = d.Round(time.Minute)
		if d%time.Hour == 0 {
			return p.T("%d h", int(d/time.Hour))
		}
		return p.T("%d h %02d min", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	d = d.Round(time.Hour)
	if d%(24*time.Hour) == 0 {
		return p.T("%d days", int(d/(24*time.Hour)))
	}
	return p.T("%d days %d h", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
}
