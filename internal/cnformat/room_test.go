package cnformat

import "testing"

func TestParseRoom(t *testing.T) {
	r := func(b, u, room string) RoomRef { return RoomRef{Building: b, Unit: u, Room: room} }
	good := []struct {
		in   string
		want RoomRef
	}{
		{"3-2-1201", r("3", "2", "1201")},
		{"3栋2单元1201", r("3", "2", "1201")},
		{"3#2-1201", r("3", "2", "1201")},
		{"3幢2单元1201室", r("3", "2", "1201")},
		{"3号楼2单元1201", r("3", "2", "1201")},
		{"3栋2-1201", r("3", "2", "1201")},
		{"3-2-1201室", r("3", "2", "1201")},
		{"A栋1单元101", r("A", "1", "101")},
		{"3 - 2 - 1201", r("3", "2", "1201")},
		{"  3-2-1201  ", r("3", "2", "1201")},
		{"３－２－１２０１", r("3", "2", "1201")},
		{"3—2—1201", r("3", "2", "1201")},
		{"3‐2‐1201", r("3", "2", "1201")},
		{"3–2–1201", r("3", "2", "1201")},
		{"３栋２单元１２０１", r("3", "2", "1201")},
		{"3/2/1201", r("3", "2", "1201")},
		{"3／2／1201", r("3", "2", "1201")},
		{"B2-1-1201", r("B2", "1", "1201")},
		{"b2栋1单元1201a", r("B2", "1", "1201A")},
		{"12-3-1201A", r("12", "3", "1201A")},
		{"3-2-1201A室", r("3", "2", "1201A")},
		{"A座2单元303", r("A", "2", "303")},
		{"3号2单元1201号", r("3", "2", "1201")},
		{"3#楼2单元1201", r("3", "2", "1201")},
		{"3栋-2单元-1201", r("3", "2", "1201")},
		{"3 栋 2 单元 1201 室", r("3", "2", "1201")},
		{"03-02-1201", r("3", "2", "1201")},
		{"0-0-1", r("0", "0", "1")},
		{"3-2-0101", r("3", "2", "0101")},
		{"3-2-1", r("3", "2", "1")},
		// Buildings without units.
		{"3-2", r("3", "", "2")},
		{"3栋1201", r("3", "", "1201")},
		{"1-301", r("1", "", "301")},
		{"1栋301室", r("1", "", "301")},
		{"1栋3楼1号", r("1", "", "301")},
		{"01-0301", r("1", "", "301")},
		{"A座302A", r("A", "", "302A")},
		{"123456-123-123456", r("123456", "123", "123456")},
		// Houses that are homes of their own (villas).
		{"12号", r("12", "", "")},
		{"012号", r("12", "", "")},
		{"１２号", r("12", "", "")},
		{"12号别墅", r("12", "", "")},
		{"B3号", r("B3", "", "")},
	}
	for _, tt := range good {
		got, err := ParseRoom(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseRoom(%q): got %+v, %v, want %+v, nil", tt.in, got, err, tt.want)
		}
		if !LooksLikeRoom(tt.in) {
			t.Errorf("LooksLikeRoom(%q): got %v, want %v", tt.in, false, true)
		}
	}
	bad := []string{
		"",
		"   ",
		"hello",
		"3栋2单元",
		"3栋",
		"号",
		"12号号",
		"1234567号",
		"1-2楼",
		"1-1234567",
		"3-2-",
		"-2-1201",
		"3--2-1201",
		"3-2-1201-5",
		"3-A-1201",
		"3-2-A1201",
		"3-2-1201AB",
		"3-2-1201室室",
		"1234567-1-101", // building too long
		"3-1234-101",    // unit too long
		"3-2-1234567",   // room too long
		"幸福小区3栋2单元1201", // estate name not understood
		"3栋2单元1201\xff",
		"3 2 1201",
		"3_2_1201",
		"3.2.1201",
	}
	for _, in := range bad {
		got, err := ParseRoom(in)
		if err == nil {
			t.Errorf("ParseRoom(%q): got %+v, nil, want error", in, got)
			continue
		}
		wantError(t, err, msgRoom, in)
		if LooksLikeRoom(in) {
			t.Errorf("LooksLikeRoom(%q): got %v, want %v", in, true, false)
		}
	}
}

func TestRoomRefString(t *testing.T) {
	for _, c := range []struct {
		ref  RoomRef
		want string
	}{
		{RoomRef{Building: "B2", Unit: "1", Room: "1201A"}, "B2-1-1201A"},
		{RoomRef{Building: "1", Room: "301"}, "1-301"},
		{RoomRef{Building: "12"}, "12号"},
	} {
		if got := c.ref.String(); got != c.want {
			t.Errorf("String(): got %v, want %v", got, c.want)
		}
		back, err := ParseRoom(c.ref.String())
		if err != nil || back != c.ref {
			t.Errorf("ParseRoom(%q): got %+v, %v, want %+v, nil", c.ref.String(), back, err, c.ref)
		}
	}
}

func BenchmarkParseRoom(b *testing.B) {
	inputs := []string{"3-2-1201", "3栋2单元1201室", "Ａ座２单元３０３", "hello"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_, _ = ParseRoom(inputs[i%len(inputs)])
	}
}
