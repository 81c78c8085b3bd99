package sqlstore

import (
	"slices"
	"strconv"
)

// sortNatural sorts items by a name in natural order, so building "2" comes
// before "10" and "A" after both.
func sortNatural[T any](items []T, name func(T) string) {
	slices.SortStableFunc(items, func(a, b T) int { return compareNatural(name(a), name(b)) })
}

func compareNatural(a, b string) int {
	na, ea := strconv.Atoi(a)
	nb, eb := strconv.Atoi(b)
	switch {
	case ea == nil && eb == nil:
		return na - nb
	case ea == nil:
		return -1
	case eb == nil:
		return 1
	case len(a) != len(b):
		return len(a) - len(b)
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
