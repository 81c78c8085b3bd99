package cnformat

import "testing"

func TestParseArea(t *testing.T) {
	good := map[string]int64{"89.5": 8950, "89.5㎡": 8950, "89.5平方米": 8950, "89.50 m²": 8950, "１２０": 12000, "120平米": 12000,
		"0.01": 1, "10000": 1000000, "95M2": 9500, " 76.25 ": 7625, "130.0": 13000}
	for in, want := range good {
		got, err := ParseArea(in)
		if err != nil || got != want {
			t.Errorf("ParseArea(%q): got %d, %v, want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "㎡", "大", "89.555", "-5", "0", "0.00", "10000.01", "89.", ".5", "89,5", "一百", "1e3", "89.5 ㎡ 左右"} {
		if got, err := ParseArea(in); err == nil {
			t.Errorf("ParseArea(%q): got %d, want an error", in, got)
		} else {
			wantError(t, err, msgArea, in)
		}
	}
}
