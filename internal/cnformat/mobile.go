package cnformat

import "strings"

// NormalizeMobile parses a mainland Chinese mobile number and returns its 11
// digits.
//
// Spaces, hyphens and parentheses are ignored, full-width characters are
// accepted, and the number may start with the country code as +86, 0086 or
// 86. The result must be 11 digits starting with 1 whose second digit is 3 to 9,
// for example "13812341234".
func NormalizeMobile(s string) (string, error) {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = foldRune(r)
		switch {
		case isSpace(r), r == '-', r == '(', r == ')':
			continue
		case isDigit(r), r == '+':
			b.WriteRune(r)
		default:
			return "", newError(msgMobile, s)
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "+86"):
		d = d[3:]
	case strings.HasPrefix(d, "0086"):
		d = d[4:]
	case len(d) == 13 && strings.HasPrefix(d, "86"):
		d = d[2:]
	}
	if !isMobileDigits(d) {
		return "", newError(msgMobile, s)
	}
	return d, nil
}

// isMobileDigits reports whether d is exactly 11 ASCII digits of the form
// 1[3-9]xxxxxxxxx.
func isMobileDigits(d string) bool {
	if len(d) != 11 || d[0] != '1' || d[1] < '3' || d[1] > '9' {
		return false
	}
	for i := 2; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	return true
}

// MaskPhone hides the middle of a phone number for display, for example
// "13812341234" becomes "138****1234".
//
// A valid mobile number in any form NormalizeMobile accepts is normalised
// first. Any other string is masked rune by rune after trimming spaces: with 8
// or more runes the first 3 and last 4 are kept, with 5 to 7 runes only the
// last 4 are kept, and shorter strings are masked completely. MaskPhone never
// panics.
func MaskPhone(s string) string {
	if d, err := NormalizeMobile(s); err == nil {
		return maskRunes([]rune(d), 3, 4)
	}
	rs := []rune(strings.TrimSpace(s))
	switch n := len(rs); {
	case n >= 8:
		return maskRunes(rs, 3, 4)
	case n > 4:
		return maskRunes(rs, 0, 4)
	default:
		return maskRunes(rs, 0, 0)
	}
}
