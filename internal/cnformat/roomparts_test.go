package cnformat

import "testing"

func TestJoinRoom(t *testing.T) {
	r := func(b, u, room string) RoomRef { return RoomRef{Building: b, Unit: u, Room: room} }
	good := []struct {
		building, unit, floor, number string
		want                          RoomRef
	}{
		{"3", "2", "", "1201", r("3", "2", "1201")},
		{"3栋", "2单元", "", "1201", r("3", "2", "1201")},
		{"03", "02", "", "0801", r("3", "2", "801")},
		{"3号楼", "二单元", "", "0801室", r("3", "2", "801")},
		{"第12幢", "十一单元", "", "101号", r("12", "11", "101")},
		{"A座", "1", "", "1201a", r("A", "1", "1201A")},
		{"ａ栋", "１", "", "３楼１号", r("A", "1", "301")},
		{"1栋", "1单元", "", "12楼1号", r("1", "1", "1201")},
		{"1", "1", "", "12层01", r("1", "1", "1201")},
		{"1", "1", "12", "1", r("1", "1", "1201")},
		{"1", "1", "12楼", "01", r("1", "1", "1201")},
		{"1", "1", "12", "1201", r("1", "1", "1201")},
		{"3", "2", "", "3-2-1201", r("3", "2", "1201")},
		{"3#", "2", "", "1201", r("3", "2", "1201")},
		{"1栋", "", "", "3楼1号", r("1", "", "301")},
		{"1", "", "", "0301", r("1", "", "301")},
		// A house that is a home of its own (a villa): the building alone.
		{"12号", "", "", "", r("12", "", "")},
		{"12栋", "", "", "", r("12", "", "")},
		{"012", "", "", "", r("12", "", "")},
	}
	for _, c := range good {
		got, err := JoinRoom(c.building, c.unit, c.floor, c.number)
		if err != nil || got != c.want {
			t.Errorf("JoinRoom(%q, %q, %q, %q): got %+v, %v, want %+v", c.building, c.unit, c.floor, c.number, got, err, c.want)
		}
	}
	bad := []struct {
		building, unit, floor, number, format string
	}{
		{"", "2", "", "1201", msgRoomBuilding},
		{"三号院东区", "2", "", "1201", msgRoomBuilding},
		{"3", "东", "", "1201", msgRoomUnit},
		{"3", "2", "", "", msgRoomNumber},
		{"3", "2", "", "顶楼", msgRoomNumber},
		{"3", "2", "12", "901", msgRoomNumber},
		{"3", "2", "", "4-2-1201", msgRoomNumber},
	}
	for _, c := range bad {
		got, err := JoinRoom(c.building, c.unit, c.floor, c.number)
		var ce *Error
		if err == nil || !asError(err, &ce) || ce.Format != c.format {
			t.Errorf("JoinRoom(%q, %q, %q, %q): got %+v, %v, want %q", c.building, c.unit, c.floor, c.number, got, err, c.format)
		}
	}
}

func asError(err error, target **Error) bool {
	e, ok := err.(*Error)
	*target = e
	return ok
}

func TestChineseNumber(t *testing.T) {
	for in, want := range map[string]string{"一": "1", "十": "10", "十二": "12", "二十": "20", "九十九": "99", "两": "2", "东": "东", "3": "3", "一二": "一二"} {
		if got := chineseNumber(in); got != want {
			t.Errorf("chineseNumber(%q): got %q, want %q", in, got, want)
		}
	}
}
