package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// generator makes the households of one community.
type generator struct {
	b     *sqlstore.Bulk
	rng   *rand.Rand
	pp    *projectPlan
	today time.Time

	surnameCDF []float64
	plates     map[string]bool // plates of the community, unique
	parking    int             // card numbers so far
	access     int
	pending    []laterDay // special days of members not yet written
}

func newGenerator(b *sqlstore.Bulk, rng *rand.Rand, pp *projectPlan, today time.Time) *generator {
	g := &generator{b: b, rng: rng, pp: pp, today: today, plates: map[string]bool{}, access: 10000000 + rng.IntN(80000000)}
	sum := 0.0
	for _, s := range surnames {
		sum += s.w
		g.surnameCDF = append(g.surnameCDF, sum)
	}
	return g
}

// member is a person of a household to write.
type member struct {
	p      *wubu.Person
	rel    wubu.Relation
	age    int
	birth  time.Time
	male   bool
	region string
	away   bool // an owner who lets the home and lives elsewhere
}

// households writes the community's households into randomly chosen
// rooms, calling done after each.
func (g *generator) households(ctx context.Context, done func()) error {
	rooms := g.pp.rooms
	order := g.rng.Perm(len(rooms))
	n := min(g.pp.households, len(rooms))
	g.occupyTourRoom(order, n)
	for _, i := range order[:n] {
		if err := g.household(ctx, rooms[i]); err != nil {
			return err
		}
		done()
	}
	g.pp.rooms = nil
	return nil
}

// TourRoom is the room of the first project that is always occupied, so
// that the README's first lookup finds someone.
const TourRoom = "3-2-1201"

// occupyTourRoom makes sure TourRoom is among the first n rooms of order
// (the occupied ones), swapping it with the last occupied one if needed:
// every other household keeps its room and its random draws.
func (g *generator) occupyTourRoom(order []int, n int) {
	if g.pp.code != "LJY" || n == 0 {
		return
	}
	for k, i := range order {
		if g.pp.rooms[i].label != TourRoom {
			continue
		}
		if k >= n {
			order[k], order[n-1] = order[n-1], order[k]
		}
		return
	}
}

// Kinds of household, with how often each occurs: about 2.5 persons and
// one car a household on average.
const (
	kindElderlyAlone = iota // 独居老人
	kindSingle
	kindCouple
	kindOneChild
	kindTwoChildren
	kindThreeGenerations
	kindRented
)

var kindCDF = []float64{0.04, 0.18, 0.46, 0.70, 0.78, 0.86, 1.0}

// cars per household by kind: the chance of 0, 1, 2, 3.
var carOdds = [][]float64{
	{0.95, 0.05, 0, 0},
	{0.35, 0.65, 0, 0},
	{0.10, 0.60, 0.30, 0},
	{0.10, 0.55, 0.35, 0},
	{0.10, 0.55, 0.30, 0.05},
	{0.10, 0.50, 0.35, 0.05},
	{0.40, 0.50, 0.10, 0},
}

func (g *generator) household(ctx context.Context, rm room) error {
	r := g.rng
	kind := 0
	for x := r.Float64(); x >= kindCDF[kind]; kind++ {
	}
	local := g.pp.city.districts
	region := func() string {
		if r.IntN(100) < 45 {
			return local[r.IntN(len(local))]
		}
		return migrantDistricts[r.IntN(len(migrantDistricts))]
	}
	var ms []*member
	add := func(rel wubu.Relation, age int, male bool, surname, reg string) *member {
		m := g.person(rel, age, male, surname, reg)
		ms = append(ms, m)
		return m
	}
	ownerMale := r.IntN(100) < 55
	switch kind {
	case kindElderlyAlone:
		m := add(wubu.RelationOwner, 70+r.IntN(23), r.IntN(100) < 30, "", region())
		m.p.CareFlags = append(m.p.CareFlags, wubu.CareElderlyAlone)
	case kindSingle:
		add(wubu.RelationOwner, 23+r.IntN(23), ownerMale, "", region())
	case kindRented:
		add(wubu.RelationOwner, 35+r.IntN(31), ownerMale, "", region()).away = true
		n := 1
		if x := r.IntN(100); x >= 85 {
			n = 3
		} else if x >= 50 {
			n = 2
		}
		t := add(wubu.RelationTenant, 22+r.IntN(19), r.IntN(2) == 0, "", region())
		for i := 1; i < n; i++ {
			if i == 1 && r.IntN(2) == 0 { // a couple renting together
				add(wubu.RelationTenant, max(20, t.age-3+r.IntN(7)), !t.male, "", region())
			} else {
				add(wubu.RelationTenant, 20+r.IntN(21), r.IntN(2) == 0, "", region())
			}
		}
	default:
		var age int
		switch kind {
		case kindCouple:
			age = 25 + r.IntN(51)
		case kindOneChild:
			age = 28 + r.IntN(28)
		case kindTwoChildren:
			age = 32 + r.IntN(21)
		default:
			age = 30 + r.IntN(16)
		}
		reg := region()
		owner := add(wubu.RelationOwner, age, ownerMale, "", reg)
		spouse := add(wubu.RelationFamily, max(22, age-4+r.IntN(9)), !ownerMale, "", region())
		father := owner
		if !ownerMale {
			father = spouse
		}
		surname := g.surnameOf(father.p.Name)
		children := 0
		switch kind {
		case kindOneChild:
			children = 1
		case kindTwoChildren:
			children = 2
		case kindThreeGenerations:
			children = 1 + r.IntN(2)
		}
		youngest := min(owner.age, spouse.age) - 22
		for range children {
			a := r.IntN(max(1, min(youngest, 26)))
			add(wubu.RelationFamily, a, r.IntN(2) == 0, surname, father.region)
		}
		if kind == kindThreeGenerations {
			gp := add(wubu.RelationFamily, father.age+25+r.IntN(8), true, surname, father.region)
			if r.IntN(2) == 0 {
				add(wubu.RelationFamily, gp.age-r.IntN(4), false, "", region())
			} else if r.IntN(2) == 0 {
				gp.male = false // a widowed grandmother
				gp.p.Gender = "f"
				gp.p.Name = surname + g.given(false, gp.birth.Year())
				if gp.p.IDNumber != "" {
					gp.p.IDNumber = idNumber(gp.region, gp.birth, false, r)
				}
			}
		}
		wife := spouse
		if !ownerMale {
			wife = owner
		}
		if wife.age <= 40 && r.IntN(100) < 4 {
			wife.p.CareFlags = append(wife.p.CareFlags, wubu.CarePregnant)
		}
		if kind == kindCouple || kind == kindOneChild {
			if r.IntN(100) < 15 {
				// A wedding anniversary for the owner.
				yrs := 1 + r.IntN(max(1, min(owner.age, spouse.age)-22))
				d := g.today.AddDate(-yrs, 0, -r.IntN(365)).Format(time.DateOnly)
				g.later(owner, &wubu.SpecialDay{Kind: wubu.DayWedding, Date: d, Yearly: true, Note: "结婚纪念日"})
			}
		}
	}
	if r.IntN(100) < 1 {
		ms[0].p.CareFlags = append(ms[0].p.CareFlags, wubu.CareHardship)
	}
	// Whoever is the owner knows the state of the home alarm.
	ms[0].p.AlarmStatus = []wubu.AlarmStatus{wubu.AlarmOn, wubu.AlarmOn, wubu.AlarmOff, wubu.AlarmNone, wubu.AlarmNone, wubu.AlarmNone, wubu.AlarmUnknown, wubu.AlarmUnknown}[r.IntN(8)]

	// Persons, then their links to the room.
	moveIn := g.today.AddDate(-1-r.IntN(17), 0, -r.IntN(365))
	for _, m := range ms {
		if err := g.b.Person(ctx, m.p); err != nil {
			return fmt.Errorf("person %s: %w", m.p.Name, err)
		}
		h := &wubu.Household{ProjectID: g.pp.project.ID, RoomID: rm.id, PersonID: m.p.ID, Relation: m.rel, MoveIn: moveIn.Format(time.DateOnly)}
		if m.rel == wubu.RelationTenant {
			h.MoveIn = g.today.AddDate(0, 0, -30-r.IntN(3*365)).Format(time.DateOnly)
		}
		if m.age == 0 || m.birth.After(moveIn) {
			h.MoveIn = m.birth.Format(time.DateOnly)
		}
		if err := g.b.Household(ctx, h); err != nil {
			return err
		}
	}
	if err := g.flushLater(ctx); err != nil {
		return err
	}

	// Special days: birthdays many residents told us, a new baby.
	for _, m := range ms {
		if m.p.Birthday != "" && r.IntN(100) < 60 {
			if err := g.b.SpecialDay(ctx, &wubu.SpecialDay{ProjectID: g.pp.project.ID, PersonID: m.p.ID, Kind: wubu.DayBirthday, Date: m.p.Birthday, Yearly: true}); err != nil {
				return err
			}
		}
		if m.age == 0 && m.rel == wubu.RelationFamily {
			for _, mother := range ms[:2] {
				if !mother.male && mother.rel != wubu.RelationTenant {
					d := &wubu.SpecialDay{ProjectID: g.pp.project.ID, PersonID: mother.p.ID, Kind: wubu.DayNewBaby, Date: m.birth.Format(time.DateOnly), Note: "宝宝出生：" + m.p.Name}
					if err := g.b.SpecialDay(ctx, d); err != nil {
						return err
					}
				}
			}
		}
		if m.age >= 70 && r.IntN(100) < 2 {
			d := &wubu.SpecialDay{ProjectID: g.pp.project.ID, PersonID: m.p.ID, Kind: wubu.DayRecovery, Date: g.today.AddDate(0, 0, -r.IntN(60)).Format(time.DateOnly), Note: "术后康复，注意回访"}
			if err := g.b.SpecialDay(ctx, d); err != nil {
				return err
			}
		}
	}

	// Cars of those who drive, with parking cards; access cards.
	var drivers []*member
	for _, m := range ms {
		if m.age >= 20 && m.age <= 72 && !m.away {
			drivers = append(drivers, m)
		}
	}
	if len(drivers) == 0 {
		drivers = ms[len(ms)-1:]
	}
	nCars, odds := 0, carOdds[kind]
	for x := r.Float64(); nCars < len(odds)-1 && x >= odds[nCars]; nCars++ {
		x -= odds[nCars]
	}
	for i := range nCars {
		m := drivers[i%len(drivers)]
		plate, ev := g.plate()
		note := ""
		if r.IntN(100) < 40 {
			note = colors[r.IntN(len(colors))] + " " + carModel(ev, r)
		}
		v := &wubu.Vehicle{ProjectID: g.pp.project.ID, PersonID: m.p.ID, Plate: plate, Note: note}
		if err := g.b.Vehicle(ctx, v); err != nil {
			return err
		}
		if r.IntN(100) < 85 {
			g.parking++
			c := &wubu.Card{ProjectID: g.pp.project.ID, PersonID: m.p.ID, Kind: wubu.CardParking, Number: fmt.Sprintf("P%07d", g.parking), ExpiresOn: g.today.AddDate(0, 0, 1+r.IntN(365)).Format(time.DateOnly)}
			if err := g.b.Card(ctx, c); err != nil {
				return err
			}
		}
	}
	for _, m := range ms {
		if m.age >= 12 && !m.away && r.IntN(100) < 50 {
			g.access += 1 + r.IntN(9)
			c := &wubu.Card{ProjectID: g.pp.project.ID, PersonID: m.p.ID, Kind: wubu.CardAccess, Number: fmt.Sprintf("%d", g.access)}
			if r.IntN(100) < 60 {
				c.ExpiresOn = g.today.AddDate(0, 0, 1+r.IntN(365)).Format(time.DateOnly)
			}
			if err := g.b.Card(ctx, c); err != nil {
				return err
			}
		}
	}

	// Appliances of some homes: the ones the technicians are called for.
	if r.IntN(100) < 30 {
		for _, i := range r.Perm(len(appliances))[:1+r.IntN(3)] {
			a := appliances[i]
			ap := &wubu.Appliance{ProjectID: g.pp.project.ID, RoomID: rm.id, Type: a.kind, Brand: a.brands[r.IntN(len(a.brands))], Model: a.models[r.IntN(len(a.models))]}
			if err := g.b.Appliance(ctx, ap); err != nil {
				return err
			}
		}
	}
	return nil
}

// laterDay is a special day of a member not yet written, so without an ID.
type laterDay struct {
	m *member
	d *wubu.SpecialDay
}

// later records a special day of a member, written by flushLater once the
// member is.
func (g *generator) later(m *member, d *wubu.SpecialDay) {
	g.pending = append(g.pending, laterDay{m, d})
}

// flushLater writes the special days recorded with later.
func (g *generator) flushLater(ctx context.Context) error {
	for _, l := range g.pending {
		l.d.ProjectID, l.d.PersonID = l.m.p.ProjectID, l.m.p.ID
		if err := g.b.SpecialDay(ctx, l.d); err != nil {
			return err
		}
	}
	g.pending = g.pending[:0]
	return nil
}

// carModel draws a make and model, electric for a new-energy plate.
func carModel(ev bool, r *rand.Rand) string {
	if ev {
		return evCars[r.IntN(len(evCars))]
	}
	return cars[r.IntN(len(cars))]
}

// person makes a resident of the age: a name (the surname given, or drawn
// by frequency), most with phones, an ID number, an occupation; care flags,
// importance and notes for some.
func (g *generator) person(rel wubu.Relation, age int, male bool, surname, region string) *member {
	r := g.rng
	birth := g.today.AddDate(-age, 0, -r.IntN(365))
	if surname == "" {
		surname = g.surname()
	}
	p := &wubu.Person{ProjectID: g.pp.project.ID, Name: surname + g.given(male, birth.Year()), Gender: "f", AlarmStatus: wubu.AlarmUnknown, CareFlags: []wubu.CareFlag{}}
	if male {
		p.Gender = "m"
	}
	m := &member{p: p, rel: rel, age: age, birth: birth, male: male, region: region}
	// Phones: adults nearly all, teenagers half, the very old most.
	phones := 0
	switch {
	case age >= 75:
		phones = b2i(r.IntN(100) < 70)
	case age >= 18:
		phones = 1 + b2i(r.IntN(100) < 10)
	case age >= 13:
		phones = b2i(r.IntN(100) < 50)
	}
	for range phones {
		p.Phones = append(p.Phones, mobilePrefixes[r.IntN(len(mobilePrefixes))]+fmt.Sprintf("%08d", r.IntN(100000000)))
	}
	// ID numbers: most adults gave theirs, fewer for children. Without
	// one, some told us their birthday.
	hasID := r.IntN(100) < 90
	if age < 16 {
		hasID = r.IntN(100) < 65
	}
	if hasID {
		p.IDNumber = idNumber(region, birth, male, r)
	} else if r.IntN(100) < 40 {
		p.Birthday = birth.Format(time.DateOnly)
	}
	switch {
	case age >= 60:
		if r.IntN(100) < 70 {
			p.Occupation = "退休"
		}
	case age >= 23:
		if r.IntN(100) < 60 {
			p.Occupation = occupations[r.IntN(len(occupations))]
		}
	case age >= 6:
		p.Occupation = "学生"
	}
	if age >= 75 && r.IntN(100) < 25 || r.IntN(1000) < 3 {
		p.CareFlags = append(p.CareFlags, wubu.CareMobility)
	}
	switch x := r.IntN(1000); {
	case x < 5:
		p.Importance = 5
	case x < 20:
		p.Importance = 4
	case x < 50:
		p.Importance = 3
	case x < 100:
		p.Importance = 2
	case x < 200:
		p.Importance = 1
	}
	p.ImportanceIndex = min(100, p.Importance*18+r.IntN(20))
	if r.IntN(200) == 0 {
		p.Notes = []string{"喜欢安静，夜间勿扰", "家中养狗，上门前请先电话", "常年出差，快递请放前台", "听力不好，请大声说话", "对装修噪音敏感"}[r.IntN(5)]
	}
	return m
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// surname draws a surname by frequency.
func (g *generator) surname() string {
	x := g.rng.Float64() * g.surnameCDF[len(g.surnameCDF)-1]
	lo, hi := 0, len(g.surnameCDF)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if g.surnameCDF[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return surnames[lo].v
}

// surnameOf returns the surname of a name drawn by the generator.
func (g *generator) surnameOf(name string) string {
	for _, s := range surnames {
		if len(s.v) > 3 && strings.HasPrefix(name, s.v) {
			return s.v
		}
	}
	_, size := utf8.DecodeRuneInString(name)
	return name[:size]
}

// given draws a given name of the generation born in the year.
func (g *generator) given(male bool, year int) string {
	var list []string
	switch {
	case year < 1966 && male:
		list = maleOld
	case year < 1966:
		list = femaleOld
	case year < 1996 && male:
		list = maleMid
	case year < 1996:
		list = femaleMid
	case male:
		list = maleYoung
	default:
		list = femaleYoung
	}
	return list[g.rng.IntN(len(list))]
}

// idNumber makes a resident ID number (GB 11643): district, birth date,
// a sequence whose last digit is odd for men and even for women, and the
// ISO 7064 MOD 11-2 check character.
func idNumber(region string, birth time.Time, male bool, r *rand.Rand) string {
	b := make([]byte, 0, 18)
	b = append(b, region...)
	b = birth.AppendFormat(b, "20060102")
	sex := r.IntN(5) * 2
	if male {
		sex++
	}
	b = fmt.Appendf(b, "%02d%d", r.IntN(100), sex)
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(b[i]-'0') * w
	}
	return string(append(b, "10X98765432"[sum%11]))
}

// serial are the letters and digits of plate serials: no I or O.
const (
	plateLetters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	plateDigits  = "0123456789"
)

// plate draws a plate not yet taken in the community: mostly of the
// community's city, some of elsewhere; about one in five new-energy.
func (g *generator) plate() (string, bool) {
	r := g.rng
	prefix := g.pp.city.plate
	if r.IntN(100) < 8 {
		prefix = otherPlates[r.IntN(len(otherPlates))]
	}
	for {
		var s []byte
		ev := r.IntN(100) < 20
		if ev {
			// Small new-energy vehicle: D (electric) or F (hybrid), a
			// letter or digit, four digits.
			s = append(s, "DDDF"[r.IntN(4)])
			if r.IntN(2) == 0 {
				s = append(s, plateLetters[r.IntN(len(plateLetters))])
			} else {
				s = append(s, plateDigits[r.IntN(10)])
			}
			for range 4 {
				s = append(s, plateDigits[r.IntN(10)])
			}
		} else {
			// Five characters, at most two letters, at least one digit.
			letters := map[int]bool{}
			switch x := r.IntN(100); {
			case x < 30:
			case x < 65:
				letters[0] = true
			case x < 85:
				letters[r.IntN(5)] = true
			default:
				letters[r.IntN(5)], letters[r.IntN(5)] = true, true
			}
			for i := range 5 {
				if letters[i] {
					s = append(s, plateLetters[r.IntN(len(plateLetters))])
				} else {
					s = append(s, plateDigits[r.IntN(10)])
				}
			}
		}
		p := prefix + string(s)
		if !g.plates[p] {
			g.plates[p] = true
			return p, ev
		}
	}
}
