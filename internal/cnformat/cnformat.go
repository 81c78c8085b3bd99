// Package cnformat parses and normalises the formats of Chinese daily life
// that residents' data comes in: mobile numbers, resident ID numbers, vehicle
// plate numbers, room addresses and the pinyin of names.
//
// Input is accepted the way people actually type it: with spaces, hyphens,
// full-width characters and mixed case. Parsing functions return a
// normalised form, or an *Error whose English Format callers translate.
package cnformat

import (
	"fmt"
	"unicode"
)

// Error is a parse error; Format is an English message format that callers
// translate via a catalogue, and Args fill it.
type Error struct {
	// Format is the English fmt format of the message, used as the
	// catalogue key for translation.
	Format string
	// Args are the values that fill Format.
	Args []any
}

// Error returns the English message, fmt.Sprintf(e.Format, e.Args...).
func (e *Error) Error() string {
	return fmt.Sprintf(e.Format, e.Args...)
}

// Message formats of the errors this package returns.
const (
	msgMobile  = "Mobile number %q is not valid: it must have 11 digits starting with 1 (an optional +86 is allowed)."
	msgIDLen   = "ID number %q is not valid: it must have 18 characters."
	msgIDChars = "ID number %q is not valid: it must be 17 digits followed by a digit or X."
	msgIDCheck = "ID number %q is not valid: its check digit is wrong."
	msgIDBirth = "ID number %q is not valid: its birth date is wrong."
	msgPlate   = "Plate number %q is not a valid Chinese plate number."
	msgRoom    = "Room %q is not understood: write it as 3-2-1201 or 3栋2单元1201."
)

func newError(format string, args ...any) error {
	return &Error{Format: format, Args: args}
}

// foldRune maps full-width ASCII variants to ASCII, the ideographic space to
// a space and the many dash characters to '-'.
func foldRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII: ！ … ～
		return r - 0xFEE0
	case r == 0x3000: // ideographic space
		return ' '
	}
	switch r {
	case '\u2010', // hyphen ‐
		'\u2011', // non-breaking hyphen ‑
		'\u2012', // figure dash ‒
		'\u2013', // en dash –
		'\u2014', // em dash —
		'\u2015', // horizontal bar ―
		'\u2212', // minus sign −
		'\uFE58', // small em dash ﹘
		'\uFE63': // small hyphen-minus ﹣
		return '-'
	}
	return r
}

// upperASCII upper-cases an ASCII letter and returns any other rune unchanged.
func upperASCII(r rune) rune {
	if r >= 'a' && r <= 'z' {
		return r - 'a' + 'A'
	}
	return r
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isUpper(r rune) bool { return r >= 'A' && r <= 'Z' }

func isSpace(r rune) bool { return unicode.IsSpace(r) }

// maskRunes keeps the first head and last tail runes of rs and replaces the
// rest with '*'. The caller guarantees head+tail <= len(rs).
func maskRunes(rs []rune, head, tail int) string {
	out := make([]rune, len(rs))
	for i, r := range rs {
		if i < head || i >= len(rs)-tail {
			out[i] = r
		} else {
			out[i] = '*'
		}
	}
	return string(out)
}
