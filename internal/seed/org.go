package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/cnformat"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// occupancy is the share of homes with a household; the rest stand empty.
const occupancy = 0.9

// projectPlan is a community to create.
type projectPlan struct {
	code, name string
	city       city
	garden     bool // low-rise garden buildings instead of high-rises
	zones      []*zonePlan
	households int

	project *wubu.Project
	rooms   []room // filled in as the rooms are written
}

type zonePlan struct {
	name      string
	buildings []*buildingPlan
}

type buildingPlan struct {
	wubu.RoomGeneration
	id int64
}

// room is a written room, for placing households and appliances.
type room struct {
	id    int64
	label string
}

// buildingID returns the ID of the building with the name, once written.
func (pp *projectPlan) buildingID(name string) int64 {
	for _, z := range pp.zones {
		for _, b := range z.buildings {
			if b.Building == name {
				return b.id
			}
		}
	}
	return 0
}

func (pp *projectPlan) roomCount() int {
	n := 0
	for _, z := range pp.zones {
		for _, b := range z.buildings {
			n += b.Count()
		}
	}
	return n
}

func gen(building string, units, floors, perFloor int) *buildingPlan {
	return &buildingPlan{RoomGeneration: wubu.RoomGeneration{Building: building, Units: units, FirstFloor: 1, Floors: floors, PerFloor: perFloor}}
}

// basePlan is the demo company without households: 丽景苑, high-rises in
// Shenzhen, and 海棠花园, a smaller garden community in Guangzhou. The
// staff's building assignments refer to these buildings.
func basePlan() []*projectPlan {
	return []*projectPlan{
		{code: "LJY", name: "丽景苑", city: shenzhen, zones: []*zonePlan{
			{name: "东区", buildings: []*buildingPlan{gen("1", 2, 33, 4), gen("2", 2, 33, 4), gen("3", 2, 33, 4)}},
			{name: "西区", buildings: []*buildingPlan{gen("5", 3, 26, 2), gen("6", 3, 26, 2)}},
		}},
		{code: "HTHY", name: "海棠花园", city: guangzhou, garden: true, zones: []*zonePlan{
			{name: "花园区", buildings: []*buildingPlan{gen("1", 2, 11, 2), gen("2", 2, 11, 2), gen("3", 1, 6, 2)}},
		}},
	}
}

// planCompany plans the communities for n households: the two of the base
// plan, and one more for about every HouseholdsPerProject; 海棠花园 gets a
// quarter of the share of the others. Each gets buildings until it has
// homes for its households at the occupancy rate.
func planCompany(n int, rng *rand.Rand) []*projectPlan {
	plans := basePlan()
	count := max(2, (n+HouseholdsPerProject-1)/HouseholdsPerProject)
	codes := map[string]bool{"LJY": true, "HTHY": true}
	for i := 2; i < count; i++ {
		name := communities[(i-2)%len(communities)]
		if round := (i - 2) / len(communities); round > 0 {
			name += cnNumber(round+1) + "期"
		}
		code := strings.ToUpper(cnformat.PinyinInitials(name))
		for k := 2; codes[code]; k++ {
			code = strings.ToUpper(cnformat.PinyinInitials(name)) + strconv.Itoa(k)
		}
		codes[code] = true
		plans = append(plans, &projectPlan{code: code, name: name, city: cities[i%len(cities)]})
	}
	// Share the households out by weight.
	weights := make([]float64, len(plans))
	total := 0.0
	for i, pp := range plans {
		weights[i] = 1
		if pp.garden {
			weights[i] = 0.25
		}
		total += weights[i]
	}
	left := n
	for i := len(plans) - 1; i >= 1; i-- {
		plans[i].households = int(float64(n) * weights[i] / total)
		left -= plans[i].households
	}
	plans[0].households = left
	for _, pp := range plans {
		addBuildings(pp, int(float64(pp.households)/occupancy+0.999), rng)
	}
	return plans
}

// cnNumber writes 2…99 in Chinese numerals, for "二期".
func cnNumber(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return digits[n]
	case n < 20:
		return "十" + digits[n%10]
	}
	return digits[n/10] + "十" + digits[n%10]
}

// addBuildings adds buildings to the community until it has at least
// rooms homes: 33-floor high-rises (a few lower) with 2 or 3 units of 4
// homes a floor, or garden buildings of 11 to 18 floors. Building numbers
// skip those with a 4, as many developers do; zones hold 12 buildings.
func addBuildings(pp *projectPlan, rooms int, rng *rand.Rand) {
	have := pp.roomCount()
	next := 1
	used := map[string]bool{}
	for _, z := range pp.zones {
		used[z.name] = true
		for _, b := range z.buildings {
			if n, err := strconv.Atoi(b.Building); err == nil && n >= next {
				next = n + 1
			}
		}
	}
	for have < rooms {
		for strings.Contains(strconv.Itoa(next), "4") {
			next++
		}
		var b *buildingPlan
		if pp.garden {
			b = gen(strconv.Itoa(next), 2, 11+rng.IntN(8), 2)
		} else {
			floors := []int{33, 33, 33, 33, 32, 31, 30, 28}[rng.IntN(8)]
			b = gen(strconv.Itoa(next), 2+rng.IntN(2), floors, 4)
		}
		next++
		if len(pp.zones) == 0 || len(pp.zones[len(pp.zones)-1].buildings) >= 12 {
			name := ""
			for _, n := range zoneNames {
				if !used[n] {
					name = n
					break
				}
			}
			if name == "" {
				name = fmt.Sprintf("第%d区", len(pp.zones)+1)
			}
			used[name] = true
			pp.zones = append(pp.zones, &zonePlan{name: name})
		}
		last := pp.zones[len(pp.zones)-1]
		last.buildings = append(last.buildings, b)
		have += b.Count()
	}
}

// writeOrg writes the communities, zones, buildings, units and rooms.
func writeOrg(ctx context.Context, b *sqlstore.Bulk, company []*projectPlan, res *Result) error {
	for _, pp := range company {
		pp.project = &wubu.Project{Code: pp.code, Name: pp.name}
		if err := b.Project(ctx, pp.project); err != nil {
			return err
		}
		res.Projects = append(res.Projects, pp.project)
		pid := pp.project.ID
		for _, zp := range pp.zones {
			z := &wubu.Zone{ProjectID: pid, Name: zp.name}
			if err := b.Zone(ctx, z); err != nil {
				return err
			}
			for _, bp := range zp.buildings {
				bl := &wubu.Building{ProjectID: pid, ZoneID: &z.ID, Name: bp.Building}
				if err := b.Building(ctx, bl); err != nil {
					return err
				}
				bp.id = bl.ID
				for unit := 1; unit <= bp.Units; unit++ {
					u := &wubu.Unit{ProjectID: pid, BuildingID: bl.ID, Name: strconv.Itoa(unit)}
					if err := b.Unit(ctx, u); err != nil {
						return err
					}
					for floor := bp.FirstFloor; floor <= bp.Floors; floor++ {
						for pos := 1; pos <= bp.PerFloor; pos++ {
							num := wubu.RoomNumber(floor, pos)
							r := &wubu.Room{ProjectID: pid, BuildingID: bl.ID, UnitID: u.ID, Floor: floor, Number: num, Label: wubu.RoomLabel(bl.Name, u.Name, num),
								Area: roomAreas[(pos-1)%len(roomAreas)]}
							if err := b.Room(ctx, r); err != nil {
								return err
							}
							pp.rooms = append(pp.rooms, room{id: r.ID, label: r.Label})
						}
					}
				}
			}
		}
	}
	return nil
}

// roomAreas are the floor areas of the homes of a floor, from the end
// flats in: two large, two medium.
var roomAreas = []wubu.Area{12860, 8950, 8950, 10420}
