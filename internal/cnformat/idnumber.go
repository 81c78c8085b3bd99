package cnformat

import (
	"strings"
	"time"
	"unicode/utf8"
)

// idWeights are the ISO 7064 MOD 11-2 weights of the first 17 digits of a
// resident ID number (GB 11643).
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheckChars maps the weighted sum modulo 11 to the check character.
const idCheckChars = "10X98765432"

// ParseIDNumber parses an 18-character resident ID number (GB 11643) and
// returns it normalised: spaces removed, full-width characters made ASCII and
// a lower-case check character x upper-cased.
//
// The number must be 17 digits followed by a digit or X, its birth date
// (characters 7 to 14, YYYYMMDD) must be a real calendar date in the years
// 1900 to 2100, and its check character must match the ISO 7064 MOD 11-2
// checksum of the first 17 digits.
func ParseIDNumber(s string) (string, error) {
	var b strings.Builder
	b.Grow(18)
	for _, r := range s {
		r = foldRune(r)
		if isSpace(r) {
			continue
		}
		b.WriteRune(upperASCII(r))
	}
	id := b.String()
	if utf8.RuneCountInString(id) != 18 {
		return "", newError(msgIDLen, s)
	}
	for i := 0; i < 17; i++ {
		if id[i] < '0' || id[i] > '9' {
			return "", newError(msgIDChars, s)
		}
	}
	if last := id[17]; len(id) != 18 || (last != 'X' && (last < '0' || last > '9')) {
		return "", newError(msgIDChars, s)
	}
	if _, ok := idDate(id); !ok {
		return "", newError(msgIDBirth, s)
	}
	if id[17] != idCheckChar(id) {
		return "", newError(msgIDCheck, s)
	}
	return id, nil
}

// idCheckChar returns the check character for the first 17 digits of id,
// which the caller guarantees are ASCII digits.
func idCheckChar(id string) byte {
	sum := 0
	for i, w := range idWeights {
		sum += int(id[i]-'0') * w
	}
	return idCheckChars[sum%11]
}

// idDate returns the birth date in characters 7 to 14 of id, whose first 17
// characters the caller guarantees are ASCII digits.
func idDate(id string) (time.Time, bool) {
	atoi := func(s string) int {
		n := 0
		for i := 0; i < len(s); i++ {
			n = n*10 + int(s[i]-'0')
		}
		return n
	}
	y, m, d := atoi(id[6:10]), atoi(id[10:12]), atoi(id[12:14])
	if y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m {
		return time.Time{}, false
	}
	return t, true
}

// IDBirthDate returns the birth date recorded in a resident ID number, as
// midnight UTC of that day. It reports false if ParseIDNumber rejects id.
func IDBirthDate(id string) (time.Time, bool) {
	id, err := ParseIDNumber(id)
	if err != nil {
		return time.Time{}, false
	}
	return idDate(id)
}

// MaskID hides the middle of a resident ID number for display, for example
// "440106199001011234" becomes "4401**********1234".
//
// A valid ID number is normalised by ParseIDNumber first. Any other string is
// masked rune by rune after trimming spaces, keeping its length: with 9 or
// more runes the first 4 and last 4 are kept, with 5 to 8 runes only the last
// 2 are kept, and shorter strings are masked completely. MaskID never panics.
func MaskID(s string) string {
	if id, err := ParseIDNumber(s); err == nil {
		return maskRunes([]rune(id), 4, 4)
	}
	rs := []rune(strings.TrimSpace(s))
	switch n := len(rs); {
	case n >= 9:
		return maskRunes(rs, 4, 4)
	case n > 4:
		return maskRunes(rs, 0, 2)
	default:
		return maskRunes(rs, 0, 0)
	}
}

// IDGender returns the gender recorded in a resident ID number: "m" when
// its 17th character is odd, "f" when even. It reports false if
// ParseIDNumber rejects id.
func IDGender(id string) (string, bool) {
	id, err := ParseIDNumber(id)
	if err != nil {
		return "", false
	}
	if (id[16]-'0')%2 == 1 {
		return "m", true
	}
	return "f", true
}
