package web

import (
	"testing"
	"time"
)

// TestDuration: one format with units, in both languages; never "2:19" or
// "1h54m".
func TestDuration(t *testing.T) {
	for _, c := range []struct {
		d      time.Duration
		zh, en string
	}{
		{45 * time.Second, "45 秒", "45 s"},
		{7 * time.Minute, "7 分钟", "7 min"},
		{2*time.Minute + 19*time.Second, "2 分 19 秒", "2 min 19 s"},
		{time.Hour + 54*time.Minute + 20*time.Second, "1 小时 54 分", "1 h 54 min"},
		{3 * time.Hour, "3 小时", "3 h"},
		{-(90 * time.Minute), "1 小时 30 分", "1 h 30 min"},
		{50 * time.Hour, "2 天 2 小时", "2 days 2 h"},
		{72 * time.Hour, "3 天", "3 days"},
	} {
		zh, en := &Page{Lang: "zh-CN"}, &Page{Lang: "en"}
		if got := zh.Duration(c.d); got != c.zh {
			t.Errorf("%v in Chinese: got %q, want %q", c.d, got, c.zh)
		}
		if got := en.Duration(c.d); got != c.en {
			t.Errorf("%v in English: got %q, want %q", c.d, got, c.en)
		}
	}
}
