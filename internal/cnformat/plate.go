package cnformat

import (
	"strings"
)

// plateProvinces are the province abbreviations that start a civilian plate.
const plateProvinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

// plateSpecialSuffixes are the characters that may end a plate with a
// five-character serial: driving school, police, Hong Kong, Macau, trailer,
// consulate, test and over-length vehicles.
const plateSpecialSuffixes = "学警港澳挂领试超"

// foldPlate applies the normalisation common to NormalizePlate and
// PlateSuffix: full-width characters become ASCII, ASCII letters are
// upper-cased, and spaces and separators (. · • - and similar dots) are
// dropped.
func foldPlate(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = foldRune(r)
		switch {
		case isSpace(r):
			continue
		case r == '.', r == '-', r == '_',
			r == '\u00B7', // middle dot ·
			r == '\u2022', // bullet •
			r == '\u2027', // hyphenation point ‧
			r == '\u2219', // bullet operator ∙
			r == '\u22C5', // dot operator ⋅
			r == '\u30FB', // katakana middle dot ・
			r == '\uFF65', // half-width katakana middle dot ･
			r == '\u3002': // ideographic full stop 。
			continue
		}
		b.WriteRune(upperASCII(r))
	}
	return b.String()
}

// isSerialRune reports whether r may appear in a plate serial: a digit or an
// upper-case letter other than I and O.
func isSerialRune(r rune) bool {
	return isDigit(r) || (isUpper(r) && r != 'I' && r != 'O')
}

// NormalizePlate parses a civilian Chinese vehicle plate number and returns it
// normalised, for example "粤B12345" or, for a new-energy vehicle, "粤BD12345".
//
// Spaces, dots, "·", "•" and hyphens are removed, full-width characters become
// ASCII and letters are upper-cased. A plate is a province abbreviation, a
// letter A to Z, and a serial that is either five characters (digits and
// letters other than I and O, with at least one digit; the last may instead be
// one of 学警港澳挂领试超) or, for new-energy vehicles, six characters: D or F,
// then a digit or letter, then four digits for small vehicles, or five digits
// then D or F for large vehicles. Embassy (使) and military plates are not
// accepted.
func NormalizePlate(s string) (string, error) {
	p := foldPlate(s)
	if !isPlate([]rune(p)) {
		return "", newError(msgPlate, s)
	}
	return p, nil
}

// isPlate reports whether rs is a normalised plate number.
func isPlate(rs []rune) bool {
	if len(rs) != 7 && len(rs) != 8 {
		return false
	}
	if !strings.ContainsRune(plateProvinces, rs[0]) || !isUpper(rs[1]) {
		return false
	}
	serial := rs[2:]
	if len(serial) == 5 {
		digits := 0
		for i, r := range serial {
			switch {
			case isDigit(r):
				digits++
			case isSerialRune(r):
			case i == 4 && strings.ContainsRune(plateSpecialSuffixes, r):
			default:
				return false
			}
		}
		return digits > 0
	}
	isDF := func(r rune) bool { return r == 'D' || r == 'F' }
	allDigits := func(rs []rune) bool {
		for _, r := range rs {
			if !isDigit(r) {
				return false
			}
		}
		return true
	}
	// Small new-energy vehicle: D or F, a digit or letter, four digits.
	if isDF(serial[0]) && isSerialRune(serial[1]) && allDigits(serial[2:]) {
		return true
	}
	// Large new-energy vehicle: five digits, D or F.
	return allDigits(serial[:5]) && isDF(serial[5])
}

// PlateSuffix reports whether q, normalised as NormalizePlate does, could be
// the last 3 to 5 characters of a plate number being looked up: digits and
// letters other than I and O only, with at least one digit. If so it returns
// the normalised suffix, for example "a12-3" gives "A123".
func PlateSuffix(q string) (string, bool) {
	p := foldPlate(q)
	rs := []rune(p)
	if len(rs) < 3 || len(rs) > 5 {
		return "", false
	}
	digits := 0
	for _, r := range rs {
		if !isSerialRune(r) {
			return "", false
		}
		if isDigit(r) {
			digits++
		}
	}
	if digits == 0 {
		return "", false
	}
	return p, true
}
