package seed

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// TestPlanCompany plans a company of a million households without writing
// it: one community per 20,000 households, homes for all, valid names.
func TestPlanCompany(t *testing.T) {
	for _, n := range []int{0, 3000, 1_000_000} {
		plans := planCompany(n, rand.New(rand.NewPCG(1, 2)))
		want := max(2, n/HouseholdsPerProject)
		if len(plans) != want {
			t.Fatalf("%d households: got %d projects, want %d", n, len(plans), want)
		}
		codes, households, rooms := map[string]bool{}, 0, 0
		for _, pp := range plans {
			if !sqlstore.ValidProjectCode(pp.code) || codes[pp.code] || !wubu.ValidName(pp.name, 64) {
				t.Fatalf("project %q %q", pp.code, pp.name)
			}
			codes[pp.code] = true
			households += pp.households
			rooms += pp.roomCount()
			if pp.roomCount() < pp.households {
				t.Fatalf("%s: %d rooms for %d households", pp.code, pp.roomCount(), pp.households)
			}
			names := map[string]bool{}
			for _, z := range pp.zones {
				if len(z.buildings) > 12 || !wubu.ValidName(z.name, 32) {
					t.Fatalf("%s: zone %q with %d buildings", pp.code, z.name, len(z.buildings))
				}
				for _, b := range z.buildings {
					if err := b.Validate(); err != nil || names[b.Building] {
						t.Fatalf("%s: building %q: %v", pp.code, b.Building, err)
					}
					names[b.Building] = true
					if n > 0 && strings.Contains(b.Building, "4") {
						t.Fatalf("%s: building %q has a 4", pp.code, b.Building)
					}
				}
			}
		}
		if households != n || float64(rooms) < float64(n)/occupancy {
			t.Fatalf("%d households: planned %d households in %d rooms", n, households, rooms)
		}
	}
}
