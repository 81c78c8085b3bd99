package cnformat

import (
	"strconv"
	"strings"
)

// Messages of the room parts given in separate columns.
const (
	msgRoomBuilding = "Building %q is not understood: write it as 3, 3栋 or A座."
	msgRoomUnit     = "Unit %q is not understood: write it as 2 or 2单元."
	msgRoomNumber   = "Room number %q is not understood: write it as 1201, 1201室 or 12楼1号."
)

// JoinRoom reads a room given in separate columns, as most resident lists
// keep it: building ("3", "3栋", "3号楼", "A座", "03"), unit ("2", "2单元",
// "二单元"; none in a building without units) and room number ("1201", "1201室", "0801", or floor and number
// such as "12楼1号" or "12层01", read as 1201; none for a house that is a
// home of its own, a villa "12号"). A floor, when given in a
// column of its own, makes a short number ("1", "01") the room of that
// floor: floor 12, number 1 is 1201. A room-number cell that holds a whole
// room ("3-2-1201") is read as one, if its building and unit agree.
func JoinRoom(building, unit, floor, number string) (RoomRef, error) {
	b := BuildingKey(building)
	if b == "" {
		return RoomRef{}, newError(msgRoomBuilding, building)
	}
	// No unit: a building without units ("1-301").
	u := ""
	if strings.TrimSpace(unit) != "" {
		if u = UnitKey(unit); u == "" {
			return RoomRef{}, newError(msgRoomUnit, unit)
		}
	}
	if u == "" && strings.TrimSpace(number) == "" && strings.TrimSpace(floor) == "" {
		// A house: the building column alone ("12号", "12栋").
		return RoomRef{Building: b}, nil
	}
	n, ok := roomNumber(fold(number), fold(floor))
	if !ok {
		// A whole room in the number column.
		if ref, err := ParseRoom(number); err == nil && ref.Building == b && ref.Unit == u {
			return ref, nil
		}
		return RoomRef{}, newError(msgRoomNumber, number)
	}
	return RoomRef{Building: b, Unit: u, Room: n}, nil
}

// BuildingKey returns a building's name as rooms are found by it:
// markers, 第 and leading zeros dropped, Chinese numerals as digits,
// letters upper-cased — "3栋", "03", "第三幢" and "3号楼" are all "3", "a座"
// is "A". It returns "" for a name that is not such a number or code.
func BuildingKey(s string) string {
	b := chineseNumber(trimMarkers(fold(s), buildingMarkers))
	if b == "" || len(b) > maxBuildingLen || !allRunes(b, func(r rune) bool { return isDigit(r) || isUpper(r) }) {
		return ""
	}
	return trimZeros(b)
}

// UnitKey returns a unit's name as rooms are found by it: "2", "02",
// "2单元" and "二单元" are all "2"; "" for a name that is not a number.
func UnitKey(s string) string {
	u := chineseNumber(trimMarkers(fold(s), unitMarkers))
	if u == "" || len(u) > maxUnitLen || !allRunes(u, isDigit) {
		return ""
	}
	return trimZeros(u)
}

// roomNumber reads a room number: digits with an optional letter and
// 室/号/房; a floor and a number ("12楼1号", "12层01", "12-01" is not one);
// or a short number on the floor given apart.
func roomNumber(s, floor string) (string, bool) {
	s = trimMarkers(s, roomMarkers)
	if f, n, ok := cutAny(s, "楼", "层", "F"); ok && f != "" {
		// 12楼1号: floor 12, room 1 of the floor.
		if !allRunes(f, isDigit) || len(f) > 3 {
			return "", false
		}
		floor, s = f, n
	}
	digits := strings.TrimRightFunc(s, isUpper)
	suffix := s[len(digits):]
	if digits == "" || len(suffix) > 1 || !allRunes(digits, isDigit) {
		return "", false
	}
	floor = trimMarkers(floor, []string{"楼", "层", "F"})
	if floor != "" {
		if !allRunes(floor, isDigit) || len(floor) > 3 {
			return "", false
		}
		f, _ := strconv.Atoi(floor)
		n, _ := strconv.Atoi(digits)
		switch {
		case len(digits) <= 2:
			digits = strconv.Itoa(f) + pad2(n)
		case strings.HasPrefix(trimZeros(digits), strconv.Itoa(f)):
			// 1201 on floor 12: already the whole number.
		default:
			return "", false
		}
	}
	digits = trimZeros(digits)
	if len(digits) > maxRoomDigits {
		return "", false
	}
	return digits + suffix, true
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// fold returns s with full-width characters folded, spaces removed and
// letters upper-cased.
func fold(s string) string {
	var b strings.Builder
	for _, r := range s {
		r = foldRune(r)
		if isSpace(r) {
			continue
		}
		b.WriteRune(upperASCII(r))
	}
	return b.String()
}

// trimMarkers removes one of the markers from the end of s, and 第 from
// its start ("第3栋").
func trimMarkers(s string, markers []string) string {
	s = strings.TrimPrefix(s, "第")
	for _, m := range markers {
		if t, ok := strings.CutSuffix(s, m); ok && t != "" {
			return t
		}
	}
	return s
}

// cutAny cuts s around the first of the separators it holds.
func cutAny(s string, seps ...string) (before, after string, found bool) {
	for _, sep := range seps {
		if b, a, ok := strings.Cut(s, sep); ok {
			return b, a, true
		}
	}
	return s, "", false
}

func allRunes(s string, ok func(rune) bool) bool {
	for _, r := range s {
		if !ok(r) {
			return false
		}
	}
	return true
}

// chineseNumber turns a number written in Chinese numerals from 一 to 九十九
// ("二", "十二", "二十") into digits; other text is returned as it is.
func chineseNumber(s string) string {
	digit := func(r rune) int { return strings.IndexRune("〇一二三四五六七八九", r) / 3 }
	rs := []rune(s)
	if len(rs) == 0 || len(rs) > 3 {
		return s
	}
	for _, r := range rs {
		if r != '十' && r != '两' && !strings.ContainsRune("〇一二三四五六七八九", r) {
			return s
		}
	}
	val := func(r rune) int {
		if r == '两' {
			return 2
		}
		return digit(r)
	}
	switch i := strings.IndexRune(s, '十'); {
	case i < 0 && len(rs) == 1:
		return strconv.Itoa(val(rs[0]))
	case i < 0:
		return s
	default:
		tens, ones := 1, 0
		before, after, _ := strings.Cut(s, "十")
		if b := []rune(before); len(b) == 1 {
			tens = val(b[0])
		} else if len(b) > 1 {
			return s
		}
		if a := []rune(after); len(a) == 1 {
			ones = val(a[0])
		} else if len(a) > 1 {
			return s
		}
		return strconv.Itoa(tens*10 + ones)
	}
}
