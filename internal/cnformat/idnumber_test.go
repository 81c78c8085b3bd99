package cnformat

import (
	"testing"
	"time"
)

func TestParseIDNumber(t *testing.T) {
	good := []struct {
		in, want string
	}{
		{"440106199001011235", "440106199001011235"},
		{"11010519491231002X", "11010519491231002X"}, // the example in GB 11643
		{"11010519491231002x", "11010519491231002X"},
		{"110105 19491231 002X", "11010519491231002X"},
		{" 110101200002290018 ", "110101200002290018"}, // 29 February of a leap year
		{"31011519000101001X", "31011519000101001X"},   // earliest year
		{"510101210012310012", "510101210012310012"},   // latest year
		{"１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"},
		{"１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"},
		{"1101051949123100２X", "11010519491231002X"},
	}
	for _, tt := range good {
		got, err := ParseIDNumber(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseIDNumber(%q): got %v, %v, want %v, nil", tt.in, got, err, tt.want)
		}
	}
	bad := []struct {
		in, format string
	}{
		{"", msgIDLen},
		{"11010519491231002", msgIDLen},   // 17
		{"11010519491231002X1", msgIDLen}, // 19
		{"110105491231002", msgIDLen},     // old 15-digit number
		{"身份证号码", msgIDLen},
		{"1101051949123100XX", msgIDChars},
		{"X10105194912310020", msgIDChars},
		{"11010519491231002Y", msgIDChars},
		{"11010519491231002号", msgIDChars},
		{"11010519491231002\xff", msgIDChars},
		{"11010519491231002-", msgIDChars},
		{"110105194912310021", msgIDCheck},
		{"440106199001011234", msgIDCheck},
		{"110101190002290011", msgIDBirth}, // 1900 is not a leap year
		{"110101202302300010", msgIDBirth}, // 30 February
		{"110101189912310017", msgIDBirth}, // before 1900
		{"110101210101010010", msgIDBirth}, // after 2100
		{"110101199013010010", msgIDBirth}, // month 13
		{"110101199000010010", msgIDBirth}, // month 0
		{"110101199001000010", msgIDBirth}, // day 0
		{"110101199004310010", msgIDBirth}, // 31 April
	}
	for _, tt := range bad {
		got, err := ParseIDNumber(tt.in)
		if err == nil {
			t.Errorf("ParseIDNumber(%q): got %v, nil, want error", tt.in, got)
			continue
		}
		wantError(t, err, tt.format, tt.in)
	}
}

// TestIDCheckChar checks the check character against every possible
// remainder, using an independent computation of the weights 2^(17-i) mod 11.
func TestIDCheckChar(t *testing.T) {
	for i, w := range idWeights {
		want := 1
		for k := 0; k < 17-i; k++ {
			want = want * 2 % 11
		}
		if w != want {
			t.Errorf("weight %d: got %v, want %v", i, w, want)
		}
	}
	// The check character c makes sum + value(c) ≡ 1 (mod 11), X being 10.
	for sum := 0; sum < 11; sum++ {
		c := idCheckChars[sum]
		v := int(c - '0')
		if c == 'X' {
			v = 10
		}
		if got := (sum + v) % 11; got != 1 {
			t.Errorf("check char for remainder %d: got %v, want 1", sum, got)
		}
	}
}

func TestIDBirthDate(t *testing.T) {
	tests := []struct {
		in     string
		want   time.Time
		wantOK bool
	}{
		{"440106199001011235", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"11010519491231002x", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), true},
		{"110101200002290018", time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC), true},
		{"440106199001011234", time.Time{}, false},
		{"110101202302300010", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := IDBirthDate(tt.in)
		if ok != tt.wantOK || !got.Equal(tt.want) {
			t.Errorf("IDBirthDate(%q): got %v, %v, want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestMaskID(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"440106199001011234", "4401**********1234"},
		{"440106199001011235", "4401**********1235"},
		{"11010519491231002x", "1101**********002X"},
		{"110105 19491231 002X", "1101**********002X"},
		{"110105491231002", "1101*******1002"},
		{"123456789", "1234*6789"},
		{"12345678", "******78"},
		{"12345", "***45"},
		{"1234", "****"},
		{"", ""},
		{"  ", ""},
		{"护照E12345678", "护照E1***5678"},
		{"\xff\xff\xff\xff\xff\xff\xff\xff\xff", "\ufffd\ufffd\ufffd\ufffd*\ufffd\ufffd\ufffd\ufffd"},
	}
	for _, tt := range tests {
		if got := MaskID(tt.in); got != tt.want {
			t.Errorf("MaskID(%q): got %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestIDGender(t *testing.T) {
	for id, want := range map[string]string{"11010519491231002X": "f", "110105194912310038": "m"} {
		if got, ok := IDGender(id); !ok || got != want {
			t.Errorf("IDGender(%q): got %q, %v, want %q", id, got, ok, want)
		}
	}
	if _, ok := IDGender("1234"); ok {
		t.Error("IDGender of a bad number: got true")
	}
}
