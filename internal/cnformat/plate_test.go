package cnformat

import "testing"

func TestNormalizePlate(t *testing.T) {
	good := []struct {
		in, want string
	}{
		{"粤B12345", "粤B12345"},
		{"粤b12345", "粤B12345"},
		{"粤B 12345", "粤B12345"},
		{" 粤 B 1 2 3 4 5 ", "粤B12345"},
		{"粤B·12345", "粤B12345"},
		{"粤B•12345", "粤B12345"},
		{"粤B.12345", "粤B12345"},
		{"粤B-12345", "粤B12345"},
		{"粤B－12345", "粤B12345"},
		{"粤B—12345", "粤B12345"},
		{"粤Ｂ１２３４５", "粤B12345"},
		{"粤ｂ．１２３４５", "粤B12345"},
		{"京A8X5K9", "京A8X5K9"},
		{"京AAB123", "京AAB123"},
		{"沪C1234Z", "沪C1234Z"},
		{"京A0001警", "京A0001警"},
		{"粤Z1234港", "粤Z1234港"},
		{"粤Z1234澳", "粤Z1234澳"},
		{"苏A1234学", "苏A1234学"},
		{"鲁B1234挂", "鲁B1234挂"},
		{"沪A1234领", "沪A1234领"},
		{"浙A1234试", "浙A1234试"},
		{"冀A1234超", "冀A1234超"},
		{"粤BD12345", "粤BD12345"}, // small new-energy, pure electric
		{"粤BF12345", "粤BF12345"}, // small new-energy, other
		{"京ADA1234", "京ADA1234"}, // small new-energy with a letter
		{"粤B12345D", "粤B12345D"}, // large new-energy
		{"粤B12345F", "粤B12345F"},
		{"粤b·d12345", "粤BD12345"},
		{"琼I12345", "琼I12345"}, // the issuing letter is accepted leniently
		{"藏O12345", "藏O12345"},
	}
	for _, tt := range good {
		got, err := NormalizePlate(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("NormalizePlate(%q): got %v, %v, want %v, nil", tt.in, got, err, tt.want)
		}
	}
	bad := []string{
		"",
		"粤",
		"粤B",
		"粤B1234",     // too short
		"粤B1234567",  // too long
		"港B12345",    // not a province
		"使014123",    // embassy plate
		"B12345",     // no province
		"粤112345",    // no letter
		"粤B1234O",    // O in the serial
		"粤B12I45",    // I in the serial
		"粤BABCDE",    // no digit
		"粤B123警5",    // special suffix not last
		"粤B1234粤",    // not a special suffix
		"粤BA12345",   // six characters, not new-energy
		"粤BD1234A",   // small new-energy must end in four digits
		"粤BDO1234",   // O in a small new-energy plate
		"粤B1234AD",   // large new-energy must be five digits then D/F
		"粤B12345E",   // large new-energy ends in D or F
		"粤B12345警",   // eight characters with a suffix
		"粤B1234\xff", // invalid UTF-8
		"粤B12#45",
		"hello world",
	}
	for _, in := range bad {
		got, err := NormalizePlate(in)
		if err == nil {
			t.Errorf("NormalizePlate(%q): got %v, nil, want error", in, got)
			continue
		}
		wantError(t, err, msgPlate, in)
	}
}

func TestNormalizePlateAllProvinces(t *testing.T) {
	for _, p := range plateProvinces {
		in := string(p) + "a12345"
		want := string(p) + "A12345"
		if got, err := NormalizePlate(in); err != nil || got != want {
			t.Errorf("NormalizePlate(%q): got %v, %v, want %v, nil", in, got, err, want)
		}
	}
	if n := len([]rune(plateProvinces)); n != 31 {
		t.Errorf("number of provinces: got %v, want %v", n, 31)
	}
}

func TestPlateSuffix(t *testing.T) {
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		{"123", "123", true},
		{"2345", "2345", true},
		{"12345", "12345", true},
		{"a12", "A12", true},
		{"x5k9", "X5K9", true},
		{" 1-2·3 ", "123", true},
		{"１２３４５", "12345", true},
		{"12", "", false},
		{"123456", "", false},
		{"abc", "", false},
		{"O12", "", false},
		{"粤B1", "", false},
		{"1234警", "", false},
		{"", "", false},
		{"1 2", "", false},
		{"12\xff", "", false},
	}
	for _, tt := range tests {
		got, ok := PlateSuffix(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("PlateSuffix(%q): got %v, %v, want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func BenchmarkNormalizePlate(b *testing.B) {
	inputs := []string{"粤B12345", "粤 b·d12345", "京A0001警", "not a plate"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_, _ = NormalizePlate(inputs[i%len(inputs)])
	}
}
