package wubu

import (
	"slices"
	"strings"
	"time"
)

// "Four pests" information (四害, C4): rats, flies, mosquitoes and
// cockroaches. A project keeps a schedule — a day of the month, in every
// month or only in the season's months — and the rules post the same
// information notice, from the schedule's editable text, on the board of
// the whole project once in each month of the schedule.

// FourPestsSchedule is a project's schedule of "four pests" information.
type FourPestsSchedule struct {
	ProjectID int64 `json:"project_id"`
	// Day is the day of the month the notice is posted (1–28).
	Day int `json:"day"`
	// Months are the months (1–12) it is posted in; empty: every month.
	Months []int `json:"months,omitempty"`
	// Title and Body are the notice's text; "{月份}" in either becomes the
	// month it is posted for ("12月").
	Title string `json:"title"`
	Body  string `json:"body"`
	// BoardDays is how many days the notice stays on the board.
	BoardDays int       `json:"board_days"`
	Enabled   bool      `json:"enabled"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// DefaultFourPestsSchedule is the schedule of a project that saved none:
// disabled, the 5th of the months from March to October, with the standard
// text.
func DefaultFourPestsSchedule(projectID int64) *FourPestsSchedule {
	return &FourPestsSchedule{ProjectID: projectID, Day: 5, Months: []int{3, 4, 5, 6, 7, 8, 9, 10}, Title: FourPestsTitle, Body: FourPestsBody, BoardDays: 14}
}

// FourPestsTitle and FourPestsBody are the standard "four pests" notice.
const (
	FourPestsTitle = "{月份}“除四害”温馨提示"
	FourPestsBody  = "尊敬的各位业主、住户：\n\n天气转暖，老鼠、苍蝇、蚊子、蟑螂（“四害”）进入活跃期。为了您和家人的健康，请配合做好以下几点：\n\n一、及时清倒积水，花盆托盘、水桶等不留积水，防止蚊虫滋生；\n二、生活垃圾袋装密封，投放到指定垃圾桶，不随意堆放杂物；\n三、食物加盖存放，厨房保持干燥清洁，防止蟑螂、苍蝇；\n四、门窗加装纱网，下水道口加盖，发现鼠洞、鼠迹请告知物业服务中心。\n\n物业服务中心将定期在公共区域投放药物，请看护好儿童和宠物，勿触碰药饵。感谢您的配合！"
)

// DueMonth returns the month ("2026-12") whose notice is due on day (a
// date in China): the schedule is enabled, the month is one of its months
// and its day has come.
func (s *FourPestsSchedule) DueMonth(day time.Time) (string, bool) {
	if !s.Enabled || day.Day() < s.Day {
		return "", false
	}
	if len(s.Months) > 0 && !slices.Contains(s.Months, int(day.Month())) {
		return "", false
	}
	return day.Format("2006-01"), true
}

// ForMonth returns the title and body for a month ("2026-12").
func (s *FourPestsSchedule) ForMonth(month string) (title, body string) {
	m, err := time.Parse("2006-01", month)
	label := month
	if err == nil {
		label = m.Format("1") + "月"
	}
	return strings.ReplaceAll(s.Title, "{月份}", label), strings.ReplaceAll(s.Body, "{月份}", label)
}
