package cnformat

import "testing"

func TestNormalizeMobile(t *testing.T) {
	good := []struct {
		in, want string
	}{
		{"13812341234", "13812341234"},
		{"138 1234 1234", "13812341234"},
		{"138-1234-1234", "13812341234"},
		{"+86 138 1234 1234", "13812341234"},
		{"+8613812341234", "13812341234"},
		{"+86-138-1234-1234", "13812341234"},
		{"0086 13812341234", "13812341234"},
		{"008613812341234", "13812341234"},
		{"8613812341234", "13812341234"},
		{"(+86) 138 1234 1234", "13812341234"},
		{"１３８１２３４１２３４", "13812341234"},
		{"１３８－１２３４－１２３４", "13812341234"},
		{"＋８６　１３８１２３４１２３４", "13812341234"},
		{"  19912345678\t", "19912345678"},
		{"15000000000", "15000000000"},
	}
	for _, tt := range good {
		got, err := NormalizeMobile(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("NormalizeMobile(%q): got %v, %v, want %v, nil", tt.in, got, err, tt.want)
		}
	}
	bad := []string{
		"",
		"1381234123",      // 10 digits
		"138123412345",    // 12 digits
		"23812341234",     // does not start with 1
		"12812341234",     // second digit 2
		"10812341234",     // second digit 0
		"+85213812341234", // other country
		"+1 138 1234 1234",
		"1381234123a",
		"138.1234.1234",
		"138+12341234",
		"+86",
		"0086",
		"86138123412345",
		"０２０－１２３４５６７８",
		"phone: 13812341234",
		"\xff13812341234",
	}
	for _, in := range bad {
		got, err := NormalizeMobile(in)
		if err == nil {
			t.Errorf("NormalizeMobile(%q): got %v, nil, want error", in, got)
			continue
		}
		wantError(t, err, msgMobile, in)
	}
}

func TestMaskPhone(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"13812341234", "138****1234"},
		{"+86 138 1234 1234", "138****1234"},
		{"１３８１２３４１２３４", "138****1234"},
		{"02012345678", "020****5678"},
		{"020-12345678", "020*****5678"},
		{"12345678", "123*5678"},
		{"1234567", "***4567"},
		{"12345", "*2345"},
		{"1234", "****"},
		{"1", "*"},
		{"", ""},
		{"   ", ""},
		{" 110 ", "***"},
		{"电话号码未知的", "***码未知的"},
		{"\xff\xfe12345678", "\ufffd\ufffd1***5678"},
	}
	for _, tt := range tests {
		if got := MaskPhone(tt.in); got != tt.want {
			t.Errorf("MaskPhone(%q): got %v, want %v", tt.in, got, tt.want)
		}
	}
}
