package cnformat

import "strings"

// compoundSurnames are the two-character surnames still in use.
var compoundSurnames = []string{"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "司空",
	"夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门", "百里", "呼延", "申屠", "万俟", "钟离", "闻人", "澹台", "太史"}

// Surname returns the surname of a Chinese name: its first character, or
// its first two for a compound surname (欧阳娜娜 → 欧阳). A name that is
// not Chinese (or a single character) is returned as it is.
func Surname(name string) string {
	name = strings.TrimSpace(name)
	r := []rune(name)
	if len(r) < 2 || r[0] < 0x4e00 || r[0] > 0x9fff {
		return name
	}
	for _, c := range compoundSurnames {
		if strings.HasPrefix(name, c) && len(r) > 2 {
			return c
		}
	}
	return string(r[0])
}
