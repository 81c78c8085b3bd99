package cnformat

import (
	"strings"
	"unicode"

	pinyin "github.com/mozillazg/go-pinyin"
)

// pinyinArgs converts one character to toneless pinyin, taking its first
// (most common) reading and ignoring characters without a reading.
var pinyinArgs = pinyin.Args{
	Style:     pinyin.Normal,
	Heteronym: false,
	Fallback:  func(rune, pinyin.Args) []string { return nil },
}

// surnameReadings are the readings of characters whose most common reading
// differs from their reading as a surname.
var surnameReadings = map[rune]string{
	'曾': "zeng",
	'单': "shan",
	'解': "xie",
	'区': "ou",
	'仇': "qiu",
	'朴': "piao",
	'查': "zha",
	'翟': "zhai",
	'盖': "ge",
	'覃': "qin",
	'乐': "yue",
	'缪': "miao",
	'薄': "bo",
	'种': "chong",
	'召': "shao",
	'卜': "bu",
}

// compoundSurnameReadings are the readings of two-character surnames that the
// per-character readings get wrong.
var compoundSurnameReadings = map[string][2]string{
	"尉迟": {"yu", "chi"},
	"万俟": {"mo", "qi"},
	"单于": {"chan", "yu"},
}

// pinyinToken is one syllable of a Han character, or one run of other
// letters, in a name.
type pinyinToken struct {
	text string
	han  bool
}

// nameTokens splits name into the pinyin syllables of its Han characters and
// the lower-cased runs of its other letters, dropping everything else. The
// first one or two characters are read as a surname.
func nameTokens(name string) []pinyinToken {
	rs := make([]rune, 0, len(name))
	for _, r := range strings.TrimSpace(name) {
		rs = append(rs, foldRune(r))
	}
	var toks []pinyinToken
	i := 0
	if len(rs) >= 2 {
		if pair, ok := compoundSurnameReadings[string(rs[:2])]; ok {
			toks = append(toks, pinyinToken{pair[0], true}, pinyinToken{pair[1], true})
			i = 2
		}
	}
	if i == 0 && len(rs) >= 1 {
		if py, ok := surnameReadings[rs[0]]; ok {
			toks = append(toks, pinyinToken{py, true})
			i = 1
		}
	}
	var word []rune
	flush := func() {
		if len(word) > 0 {
			toks = append(toks, pinyinToken{string(word), false})
			word = word[:0]
		}
	}
	for ; i < len(rs); i++ {
		r := rs[i]
		switch {
		case unicode.Is(unicode.Han, r):
			flush()
			if py := pinyin.SinglePinyin(r, pinyinArgs); len(py) > 0 && py[0] != "" {
				toks = append(toks, pinyinToken{py[0], true})
			}
		case unicode.IsLetter(r):
			word = append(word, unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return toks
}

// PinyinInitials returns the initials of name's pinyin for lookup, for
// example "张三" gives "zs" and "欧阳娜娜" gives "oynn".
//
// Each Han character contributes the first letter of its toneless reading (ü
// is written v); common surname readings such as 曾 zeng and 单 shan are used
// for the first character. Other letters are kept whole and lower-cased, so
// "张Tom" gives "ztom"; digits, spaces and punctuation are dropped.
func PinyinInitials(name string) string {
	var b strings.Builder
	for _, t := range nameTokens(name) {
		if t.han {
			b.WriteByte(t.text[0])
		} else {
			b.WriteString(t.text)
		}
	}
	return b.String()
}

// PinyinFull returns the toneless pinyin of name without separators for
// lookup, for example "张三" gives "zhangsan".
//
// ü is written v, and common surname readings such as 曾 zeng and 单 shan are
// used for the first character. Other letters are kept and lower-cased; digits,
// spaces and punctuation are dropped.
func PinyinFull(name string) string {
	var b strings.Builder
	for _, t := range nameTokens(name) {
		b.WriteString(t.text)
	}
	return b.String()
}

// IsPinyinQuery reports whether q could be a pinyin lookup query, full or
// initials: 1 to 30 ASCII letters and nothing else. Callers trim spaces first.
func IsPinyinQuery(q string) bool {
	if len(q) == 0 || len(q) > 30 {
		return false
	}
	for i := 0; i < len(q); i++ {
		c := q[i]
		if !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
