package cnformat

import (
	"testing"

	pinyin "github.com/mozillazg/go-pinyin"
)

func TestPinyin(t *testing.T) {
	tests := []struct {
		in, initials, full string
	}{
		{"张三", "zs", "zhangsan"},
		{"欧阳娜娜", "oynn", "ouyangnana"},
		{"李四", "ls", "lisi"},
		{"吕布", "lb", "lvbu"},
		{" 王 小明 ", "wxm", "wangxiaoming"},
		{"曾国藩", "zgf", "zengguofan"},
		{"单田芳", "stf", "shantianfang"},
		{"解缙", "xj", "xiejin"},
		{"区志强", "ozq", "ouzhiqiang"},
		{"仇英", "qy", "qiuying"},
		{"朴树", "ps", "piaoshu"},
		{"查良镛", "zly", "zhaliangyong"},
		{"翟志刚", "zzg", "zhaizhigang"},
		{"盖聂", "gn", "genie"},
		{"覃玉", "qy", "qinyu"},
		{"乐嘉", "yj", "yuejia"},
		{"缪斯", "ms", "miaosi"},
		{"尉迟恭", "ycg", "yuchigong"},
		{"万俟卨", "mqx", "moqixie"},
		{"单于", "cy", "chanyu"},
		{"小曾", "xc", "xiaoceng"}, // the surname reading only applies first
		{"张Tom", "ztom", "zhangtom"},
		{"Tom Lee", "tomlee", "tomlee"},
		{"ＴＯＭ", "tom", "tom"},
		{"买买提·艾力", "mmtal", "maimaitiaili"},
		{"卜凡", "bf", "bufan"},
		{"张三3号", "zsh", "zhangsanhao"},
		{"", "", ""},
		{"123", "", ""},
		{"\xff张", "z", "zhang"},
	}
	for _, tt := range tests {
		if got := PinyinInitials(tt.in); got != tt.initials {
			t.Errorf("PinyinInitials(%q): got %v, want %v", tt.in, got, tt.initials)
		}
		if got := PinyinFull(tt.in); got != tt.full {
			t.Errorf("PinyinFull(%q): got %v, want %v", tt.in, got, tt.full)
		}
	}
}

// TestPinyinDictASCII checks that every reading in the dictionary comes out
// as lower-case ASCII letters, so that the results can be matched against
// IsPinyinQuery queries.
func TestPinyinDictASCII(t *testing.T) {
	for code := range pinyin.PinyinDict {
		r := rune(code)
		for _, py := range pinyin.SinglePinyin(r, pinyinArgs) {
			if py == "" || !isLowerASCII(py) {
				t.Errorf("reading of %q: got %q, want lower-case ASCII letters", r, py)
			}
		}
	}
	for r, py := range surnameReadings {
		if !isLowerASCII(py) {
			t.Errorf("surname reading of %q: got %q, want lower-case ASCII letters", r, py)
		}
	}
}

func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

func TestIsPinyinQuery(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"zs", true},
		{"ZhangSan", true},
		{"z", true},
		{"abcdefghijklmnopqrstuvwxyzabcd", true}, // 30
		{"abcdefghijklmnopqrstuvwxyzabcde", false},
		{"", false},
		{"zhang san", false},
		{"zs1", false},
		{"张三", false},
		{"ｚｓ", false},
		{"lü", false},
	}
	for _, tt := range tests {
		if got := IsPinyinQuery(tt.in); got != tt.want {
			t.Errorf("IsPinyinQuery(%q): got %v, want %v", tt.in, got, tt.want)
		}
	}
}
