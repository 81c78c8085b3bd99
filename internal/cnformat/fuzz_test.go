package cnformat

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkError fails unless err is an *Error with the given format and the
// input as its only argument.
func checkError(t *testing.T, err error, format, input string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Format != format || len(e.Args) != 1 || e.Args[0] != input {
		t.Fatalf("error for %q: got %#v, want *Error with format %q", input, err, format)
	}
	_ = e.Error()
}

func FuzzNormalizePlate(f *testing.F) {
	for _, s := range []string{
		"粤B12345", "粤b·d12345", "京A0001警", "粤B12345D", "京ADA1234", "粤Ｂ１２３４５",
		"使014123", "粤B1234O", "", "粤", "a12-3", "1234警", "粤B 1-2.3•4·5",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := NormalizePlate(s)
		if err != nil {
			checkError(t, err, msgPlate, s)
		} else {
			if !utf8.ValidString(p) {
				t.Fatalf("NormalizePlate(%q): got invalid UTF-8 %q", s, p)
			}
			if n := utf8.RuneCountInString(p); n != 7 && n != 8 {
				t.Fatalf("NormalizePlate(%q): got %v with %d runes, want 7 or 8", s, p, n)
			}
			if again, err := NormalizePlate(p); err != nil || again != p {
				t.Fatalf("NormalizePlate(%q): got %v, %v, want %v, nil", p, again, err, p)
			}
			// The last three characters of a plate without a special suffix
			// and with a digit among them are a lookup suffix.
			rs := []rune(p)
			tail := string(rs[len(rs)-3:])
			if got, ok := PlateSuffix(tail); ok && got != tail {
				t.Fatalf("PlateSuffix(%q): got %v, want %v", tail, got, tail)
			}
		}
		if q, ok := PlateSuffix(s); ok {
			if n := len(q); n < 3 || n > 5 {
				t.Fatalf("PlateSuffix(%q): got %v with length %d, want 3 to 5", s, q, n)
			}
			if again, ok := PlateSuffix(q); !ok || again != q {
				t.Fatalf("PlateSuffix(%q): got %v, %v, want %v, true", q, again, ok, q)
			}
		}
	})
}

func FuzzParseRoom(f *testing.F) {
	for _, s := range []string{
		"3-2-1201", "3栋2单元1201", "3#2-1201", "3幢2单元1201室", "3号楼2单元1201",
		"3栋2-1201", "3-2-1201室", "A栋1单元101", "3 - 2 - 1201", "３－２－１２０１",
		"3—2—1201", "3/2/1201", "b2栋1单元1201a", "03-02-1201", "hello", "3-2", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := ParseRoom(s)
		if LooksLikeRoom(s) != (err == nil) {
			t.Fatalf("LooksLikeRoom(%q): got %v, want %v", s, !(err == nil), err == nil)
		}
		if err != nil {
			checkError(t, err, msgRoom, s)
			return
		}
		if ref.Building == "" || ref.Room == "" {
			t.Fatalf("ParseRoom(%q): got %+v, want the building and the room set", s, ref)
		}
		if len(ref.Building) > maxBuildingLen || len(ref.Unit) > maxUnitLen || len(ref.Room) > maxRoomDigits+1 {
			t.Fatalf("ParseRoom(%q): got %+v, want parts within the length limits", s, ref)
		}
		for _, part := range []string{ref.Building, ref.Unit, ref.Room} {
			if strings.ContainsFunc(part, func(r rune) bool { return !isDigit(r) && !isUpper(r) }) {
				t.Fatalf("ParseRoom(%q): got %+v, want ASCII digits and upper-case letters", s, ref)
			}
		}
		canon := ref.Building + "-" + ref.Unit + "-" + ref.Room
		if ref.Unit == "" {
			// A building without units.
			canon = ref.Building + "-" + ref.Room
		}
		if canon != ref.String() {
			t.Fatalf("String(): got %v, want %v", ref.String(), canon)
		}
		if again, err := ParseRoom(canon); err != nil || again != ref {
			t.Fatalf("ParseRoom(%q): got %+v, %v, want %+v, nil", canon, again, err, ref)
		}
	})
}

func FuzzNormalizeMobile(f *testing.F) {
	for _, s := range []string{
		"13812341234", "138 1234 1234", "138-1234-1234", "+86 138 1234 1234", "+8613812341234",
		"008613812341234", "8613812341234", "１３８１２３４１２３４", "(+86)13812341234",
		"12812341234", "+", "", "\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := NormalizeMobile(s)
		if err != nil {
			checkError(t, err, msgMobile, s)
			return
		}
		if !isMobileDigits(d) {
			t.Fatalf("NormalizeMobile(%q): got %v, want 11 digits 1[3-9]…", s, d)
		}
		if again, err := NormalizeMobile(d); err != nil || again != d {
			t.Fatalf("NormalizeMobile(%q): got %v, %v, want %v, nil", d, again, err, d)
		}
		want := d[:3] + "****" + d[7:]
		if got := MaskPhone(s); got != want {
			t.Fatalf("MaskPhone(%q): got %v, want %v", s, got, want)
		}
	})
}

func FuzzParseIDNumber(f *testing.F) {
	for _, s := range []string{
		"440106199001011235", "11010519491231002X", "11010519491231002x", "110105 19491231 002X",
		"110101200002290018", "110101190002290011", "440106199001011234", "１１０１０５１９４９１２３１００２Ｘ",
		"", "11010519491231002\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseIDNumber(s)
		birth, ok := IDBirthDate(s)
		if ok != (err == nil) {
			t.Fatalf("IDBirthDate(%q): got ok %v, want %v", s, ok, err == nil)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("ParseIDNumber(%q): got %#v, want *Error", s, err)
			}
			switch e.Format {
			case msgIDLen, msgIDChars, msgIDCheck, msgIDBirth:
			default:
				t.Fatalf("ParseIDNumber(%q): got format %v, want an ID number format", s, e.Format)
			}
			checkError(t, err, e.Format, s)
			return
		}
		if len(id) != 18 || id[17] != idCheckChar(id) {
			t.Fatalf("ParseIDNumber(%q): got %v, want 18 characters with a valid check digit", s, id)
		}
		if again, err := ParseIDNumber(id); err != nil || again != id {
			t.Fatalf("ParseIDNumber(%q): got %v, %v, want %v, nil", id, again, err, id)
		}
		if got := birth.Format("20060102"); got != id[6:14] {
			t.Fatalf("IDBirthDate(%q): got %v, want %v", s, got, id[6:14])
		}
		if got, want := MaskID(s), id[:4]+strings.Repeat("*", 10)+id[14:]; got != want {
			t.Fatalf("MaskID(%q): got %v, want %v", s, got, want)
		}
	})
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{
		"13812341234", "+86 138 1234 1234", "440106199001011234", "11010519491231002x",
		"", " ", "1", "1234", "12345", "12345678", "123456789", "电话号码未知的", "\xff\xfe\xfd",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range []struct {
			name string
			fn   func(string) string
		}{{"MaskPhone", MaskPhone}, {"MaskID", MaskID}} {
			got := m.fn(s)
			if !utf8.ValidString(got) {
				t.Fatalf("%s(%q): got invalid UTF-8 %q", m.name, s, got)
			}
			if again := m.fn(got); again != got {
				t.Fatalf("%s(%q): got %v, want %v (idempotent)", m.name, got, again, got)
			}
			trimmed := strings.TrimSpace(s)
			if got != "" && !strings.Contains(got, "*") {
				t.Fatalf("%s(%q): got %v, want something masked", m.name, s, got)
			}
			_, errPhone := NormalizeMobile(s)
			_, errID := ParseIDNumber(s)
			parsed := (m.name == "MaskPhone" && errPhone == nil) || (m.name == "MaskID" && errID == nil)
			if !parsed {
				if n, want := utf8.RuneCountInString(got), len([]rune(trimmed)); n != want {
					t.Fatalf("%s(%q): got %v with %d runes, want %d", m.name, s, got, n, want)
				}
			}
		}
	})
}
