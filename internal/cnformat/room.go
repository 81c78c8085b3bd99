package cnformat

import (
	"strings"
)

// RoomRef identifies a flat by building, unit and room number, as in
// "3-2-1201": building 3, unit 2, room 1201.
type RoomRef struct {
	// Building is the building number, letters and digits such as "3",
	// "12", "A" or "B2".
	Building string
	// Unit is the unit (entrance) number, digits only; "" for a building
	// without units (garden houses), whose rooms read "1-301".
	Unit string
	// Room is the room number, digits optionally followed by one letter,
	// such as "1201" or "1201A"; "" for a house that is a home of its own
	// (a villa, "12号"), which has neither units nor rooms.
	Room string
}

// IsHouse reports whether r is a house that is a home of its own (a
// villa, "12号"): a building without units or room numbers.
func (r RoomRef) IsHouse() bool { return r.Unit == "" && r.Room == "" }

// String returns the room in the canonical form "Building-Unit-Room", for
// example "3-2-1201", or "Building-Room" in a building without units
// ("1-301"), or "Building号" for a house ("12号"), which ParseRoom parses
// back to r.
func (r RoomRef) String() string {
	if r.IsHouse() {
		return r.Building + houseMarker
	}
	if r.Unit == "" {
		return r.Building + "-" + r.Room
	}
	return r.Building + "-" + r.Unit + "-" + r.Room
}

// Length limits of the parts of a room address.
const (
	maxBuildingLen = 6
	maxUnitLen     = 3
	maxRoomDigits  = 6
)

// Markers that may follow each part, longest first so that a prefix never
// shadows a longer marker.
var (
	buildingMarkers = []string{"号楼", "号栋", "号幢", "#楼", "栋", "幢", "座", "楼", "号", "#"}
	unitMarkers     = []string{"单元"}
	roomMarkers     = []string{"室", "号", "房"}
	// houseMarker ends a house's name: "12号", also written "12号别墅".
	houseMarker = "号"
	houseWords  = []string{"别墅", "独栋"}
)

// roomScanner walks the folded runes of a room address.
type roomScanner struct {
	rs  []rune
	pos int
}

// eatAny consumes the first of words that follows the current position and
// reports whether one did.
func (p *roomScanner) eatAny(words []string) bool {
	for _, w := range words {
		n := 0
		ok := true
		for _, r := range w {
			if p.pos+n >= len(p.rs) || p.rs[p.pos+n] != r {
				ok = false
				break
			}
			n++
		}
		if ok {
			p.pos += n
			return true
		}
	}
	return false
}

// eatSep consumes a '-' or '/' separator and reports whether there was one.
func (p *roomScanner) eatSep() bool {
	if p.pos < len(p.rs) && (p.rs[p.pos] == '-' || p.rs[p.pos] == '/') {
		p.pos++
		return true
	}
	return false
}

// span consumes the longest run of runes satisfying ok and returns it.
func (p *roomScanner) span(ok func(rune) bool) string {
	start := p.pos
	for p.pos < len(p.rs) && ok(p.rs[p.pos]) {
		p.pos++
	}
	return string(p.rs[start:p.pos])
}

// separator consumes what follows a building or unit: one of markers,
// optionally followed by '-' or '/', or just '-' or '/'.
func (p *roomScanner) separator(markers []string) bool {
	if p.eatAny(markers) {
		p.eatSep()
		return true
	}
	return p.eatSep()
}

// trimZeros removes the leading zeros of a number, keeping at least one digit;
// strings that are not all digits are returned unchanged.
func trimZeros(s string) string {
	for _, r := range s {
		if !isDigit(r) {
			return s
		}
	}
	t := strings.TrimLeft(s, "0")
	if t == "" && s != "" {
		return "0"
	}
	return t
}

// ParseRoom parses a room address in the forms people write, such as
// "3-2-1201", "3栋2单元1201", "3幢2单元1201室", "3号楼2单元1201", "3#2-1201",
// "3栋2-1201", "A栋1单元101" or "3/2/1201"; and, in a building without
// units, "1-301", "1栋301" or "1栋3楼1号" (room 301, unit ""); a house
// that is a home of its own (a villa) is "12号" or "12号别墅" (building 12,
// no unit, no room).
//
// Spaces are ignored, full-width characters and dashes (－ — ‐) are accepted
// and letters are upper-cased. The building is up to 6 letters and digits, the
// unit up to 3 digits and the room up to 6 digits optionally followed by one
// letter; leading zeros of numeric buildings and units are dropped. A building
// may be marked by 栋, 幢, 座, 楼, 号, 号楼 or #, a unit by 单元, and a room may
// end in 室, 号 or 房; otherwise the parts are separated by '-' or '/'.
func ParseRoom(s string) (RoomRef, error) {
	rs := make([]rune, 0, len(s))
	for _, r := range s {
		r = foldRune(r)
		if isSpace(r) {
			continue
		}
		rs = append(rs, upperASCII(r))
	}
	p := &roomScanner{rs: rs}
	fail := func() (RoomRef, error) { return RoomRef{}, newError(msgRoom, s) }

	building := p.span(func(r rune) bool { return isDigit(r) || isUpper(r) })
	if house := p.pos; len(building) > 0 && len(building) <= maxBuildingLen && p.eatAny([]string{houseMarker}) {
		// A house: "12号", "12号别墅".
		p.eatAny(houseWords)
		if p.pos == len(p.rs) {
			return RoomRef{Building: trimZeros(building)}, nil
		}
		p.pos = house
	}
	if len(building) == 0 || len(building) > maxBuildingLen || !p.separator(buildingMarkers) {
		return fail()
	}
	unit := p.span(isDigit)
	if len(unit) == 0 {
		return fail()
	}
	if !p.separator(unitMarkers) {
		// A building without units: "1-301", "1栋301室", "1栋3楼1号".
		if n, ok := roomNumber(string(p.rs[p.pos-len(unit):]), ""); ok && len(unit) <= maxRoomDigits {
			return RoomRef{Building: trimZeros(building), Room: n}, nil
		}
		return fail()
	}
	if len(unit) > maxUnitLen {
		return fail()
	}
	room := p.span(isDigit)
	if len(room) == 0 || len(room) > maxRoomDigits {
		return fail()
	}
	if p.pos < len(p.rs) && isUpper(p.rs[p.pos]) {
		room += string(p.rs[p.pos])
		p.pos++
	}
	p.eatAny(roomMarkers)
	if p.pos != len(p.rs) {
		return fail()
	}
	return RoomRef{Building: trimZeros(building), Unit: trimZeros(unit), Room: room}, nil
}

// LooksLikeRoom reports whether s is a room address that ParseRoom accepts,
// for example to route a search query to the room lookup.
func LooksLikeRoom(s string) bool {
	_, err := ParseRoom(s)
	return err == nil
}
