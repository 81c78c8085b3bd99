package cnformat

import (
	"strconv"
	"strings"
)

// msgArea is the error of an area that is not a number of square metres.
const msgArea = "Area %q is not understood: write it in square metres, such as 89.5 or 89.5㎡."

// MaxArea is the largest floor area a home may have, in square metres.
const MaxArea = 10000

// areaUnits are the ways a square metre is written after a number.
var areaUnits = []string{"平方米", "平米", "平方", "M²", "M2", "㎡", "平"}

// ParseArea reads a floor area as people write it ("89.5", "89.5㎡",
// "89.5平方米", "89.50 m²", "１２０") and returns it in hundredths of a
// square metre (8950), as wubu.Area keeps it. It accepts at most two decimals and an area from
// 0.01 to MaxArea square metres.
func ParseArea(s string) (int64, error) {
	t := fold(s)
	for _, u := range areaUnits {
		if v, ok := strings.CutSuffix(t, u); ok {
			t = v
			break
		}
	}
	whole, frac, dot := strings.Cut(t, ".")
	if whole == "" || len(whole) > 5 || !allRunes(whole, isDigit) || len(frac) > 2 || !allRunes(frac, isDigit) || (dot && frac == "") {
		return 0, newError(msgArea, s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	n, _ := strconv.ParseInt(whole+frac, 10, 64)
	if n <= 0 || n > MaxArea*100 {
		return 0, newError(msgArea, s)
	}
	return n, nil
}
