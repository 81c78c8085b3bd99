package sqlstore

import (
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
)

// Quizzes are generated from the project's own records, one building's
// records at a time: a question's wrong answers come from the same building
// as its right one, so that guessing by building does not work. A quiz
// reads at most a few buildings, whatever the project's size.

// The questions' prompts: catalogue messages.
const (
	msgQuizPhotoName  = "Who is this?"
	msgQuizNameRoom   = "Which room does %s live in?"
	msgQuizPlateOwner = "Whose car is %s?"
	msgQuizRoomMember = "Who lives in %s?"
	msgQuizHKRoom     = "Which room does housekeeping customer %s live in?"
	msgQuizHKNeed     = "What did %s ask for?"
	msgQuizAppliance  = "Which appliance is recorded for %s?"
	msgQuizSpecialDay = "When is the %[2]s of %[1]s?"
)

// quizQuestionsPerBuilding is how many questions a quiz asks of one
// building before it moves to another.
const quizQuestionsPerBuilding = 10

// poolPerson is a resident of a building as a quiz sees them: the name and
// the room, never a phone or an ID number.
type poolPerson struct {
	personID, roomID int64
	name, room       string
	photo, hk        bool
}

// poolThing is a record of a building a question may ask about: a plate, a
// special day, an appliance, a need.
type poolThing struct {
	id, personID, roomID int64
	text, detail         string
}

// pool is what a quiz knows of one building.
type pool struct {
	buildingID int64
	people     []poolPerson
	vehicles   []poolThing
	days       []poolThing
	appliances []poolThing
	needs      []poolThing
	// subjects, when set, are the only persons questions are about.
	subjects map[int64]bool
}

// generator makes the questions of one quiz.
type generator struct {
	db        *DB
	projectID int64
	kinds     []wubu.QuizSubject
	rng       *rand.Rand
	pools     map[int64]*pool
	used      map[string]bool
}

// poolRooms is about how many homes a pool reads of a big building: the
// floors around one, so that a quiz reads a few hundred rows whatever the
// building's size, its wrong answers still the building's own.
const poolRooms = 120

// floors returns the floors a pool reads of a building: all of a small
// one; of a big one, a band of floors around the floor asked for (-1: a
// random band).
func (g *generator) floors(ctx context.Context, buildingID int64, around int) (lo, hi int, err error) {
	var n int
	if err := g.db.queryRow(ctx, `SELECT COUNT(*), COALESCE(MIN(floor), 0), COALESCE(MAX(floor), 0) FROM rooms WHERE project_id = ? AND building_id = ?`,
		g.projectID, buildingID).Scan(&n, &lo, &hi); err != nil {
		return 0, 0, err
	}
	if n <= poolRooms*3/2 {
		return lo, hi, nil
	}
	span := hi - lo + 1
	w := max(1, (span*poolRooms+n-1)/n)
	start := lo + g.rng.IntN(span-w+1)
	if around >= 0 {
		start = min(max(lo, around-w/2), hi-w+1)
	}
	return start, start + w - 1, nil
}

// loadPool reads a building's residents and the records its questions
// need: of the floors around one (around; -1 for a random band, kept for
// the quiz's other questions).
func (g *generator) loadPool(ctx context.Context, buildingID int64, around int) (*pool, error) {
	if p, ok := g.pools[buildingID]; ok && around < 0 {
		return p, nil
	}
	lo, hi, err := g.floors(ctx, buildingID, around)
	if err != nil {
		return nil, err
	}
	p := &pool{buildingID: buildingID}
	has := func(k ...wubu.QuizSubject) bool {
		return slices.ContainsFunc(k, func(x wubu.QuizSubject) bool { return slices.Contains(g.kinds, x) })
	}
	photo, hk := "0", "0"
	if has(wubu.QuestionPhotoName) {
		photo = `CASE WHEN EXISTS (SELECT 1 FROM person_photos pp WHERE pp.project_id = h.project_id AND pp.person_id = h.person_id) THEN 1 ELSE 0 END`
	}
	if has(wubu.QuestionHKRoom, wubu.QuestionHKNeed) {
		hk = `CASE WHEN EXISTS (SELECT 1 FROM hk_bookings b WHERE b.project_id = h.project_id AND b.person_id = h.person_id) THEN 1 ELSE 0 END`
	}
	const from = ` FROM rooms r JOIN households h ON h.project_id = r.project_id AND h.room_id = r.id `
	const where = ` WHERE r.project_id = ? AND r.building_id = ? AND r.floor BETWEEN ? AND ? AND h.move_out = ''`
	rows, err := g.db.query(ctx, `SELECT h.person_id, p.name, r.id, r.label, `+photo+`, `+hk+from+
		`JOIN persons p ON p.project_id = h.project_id AND p.id = h.person_id`+where, g.projectID, buildingID, lo, hi)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var pp poolPerson
		var ph, k int
		if err := rows.Scan(&pp.personID, &pp.name, &pp.roomID, &pp.room, &ph, &k); err != nil {
			rows.Close()
			return nil, err
		}
		pp.photo, pp.hk = ph == 1, k == 1
		p.people = append(p.people, pp)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	things := func(q string, into *[]poolThing) error {
		rows, err := g.db.query(ctx, q, g.projectID, buildingID, lo, hi)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var t poolThing
			if err := rows.Scan(&t.id, &t.personID, &t.roomID, &t.text, &t.detail); err != nil {
				return err
			}
			*into = append(*into, t)
		}
		return rows.Err()
	}
	if has(wubu.QuestionPlateOwner) {
		if err := things(`SELECT v.id, v.person_id, r.id, v.plate, ''`+from+`JOIN vehicles v ON v.project_id = h.project_id AND v.person_id = h.person_id`+where, &p.vehicles); err != nil {
			return nil, err
		}
	}
	if has(wubu.QuestionSpecialDay) {
		if err := things(`SELECT d.id, d.person_id, r.id, d.month_day, d.kind`+from+`JOIN special_days d ON d.project_id = h.project_id AND d.person_id = h.person_id`+where, &p.days); err != nil {
			return nil, err
		}
	}
	if has(wubu.QuestionHKNeed) {
		if err := things(`SELECT n.id, n.person_id, r.id, n.text, ''`+from+`JOIN person_needs n ON n.project_id = h.project_id AND n.person_id = h.person_id`+where, &p.needs); err != nil {
			return nil, err
		}
	}
	if has(wubu.QuestionAppliance) {
		if err := things(`SELECT a.id, 0, r.id, a.type, TRIM(a.brand || ' ' || a.model) FROM rooms r JOIN appliances a ON a.project_id = r.project_id AND a.room_id = r.id
			WHERE r.project_id = ? AND r.building_id = ? AND r.floor BETWEEN ? AND ?`, &p.appliances); err != nil {
			return nil, err
		}
	}
	if around < 0 {
		g.pools[buildingID] = p
	}
	return p, nil
}

// options returns the right answer and up to three wrong ones drawn from
// candidates (none equal to the right one or excluded), shuffled, with the
// right one's index; ok is false when there is no wrong answer at all.
func (g *generator) options(right string, candidates []string, exclude func(string) bool) ([]string, int, bool) {
	opts := []string{right}
	for _, i := range g.rng.Perm(len(candidates)) {
		c := candidates[i]
		if c == "" || slices.Contains(opts, c) || exclude != nil && exclude(c) {
			continue
		}
		opts = append(opts, c)
		if len(opts) == 4 {
			break
		}
	}
	if len(opts) < 2 {
		return nil, 0, false
	}
	g.rng.Shuffle(len(opts), func(i, j int) { opts[i], opts[j] = opts[j], opts[i] })
	return opts, slices.Index(opts, right), true
}

// roomsOf returns the rooms of a person in a pool.
func (p *pool) roomsOf(personID int64) []string {
	var out []string
	for _, pp := range p.people {
		if pp.personID == personID {
			out = append(out, pp.room)
		}
	}
	return out
}

// about reports whether questions may be about a person.
func (p *pool) about(personID int64) bool { return p.subjects == nil || p.subjects[personID] }

// person returns the first line of a person in a pool.
func (p *pool) person(personID int64) (poolPerson, bool) {
	i := slices.IndexFunc(p.people, func(pp poolPerson) bool { return pp.personID == personID })
	if i < 0 {
		return poolPerson{}, false
	}
	return p.people[i], true
}

// question makes a question of a kind about a subject of the pool (its ID;
// 0 for any not yet asked), or nil when the pool cannot.
func (g *generator) question(p *pool, kind wubu.QuizSubject, subject int64) *wubu.Question {
	names := func(skip func(poolPerson) bool) []string {
		var out []string
		for _, pp := range p.people {
			if !skip(pp) {
				out = append(out, pp.name)
			}
		}
		return out
	}
	rooms := func() []string {
		out := make([]string, len(p.people))
		for i, pp := range p.people {
			out[i] = pp.room
		}
		return out
	}
	// pick returns the index of the subject among n candidates: the one
	// asked for, else a random one not yet asked.
	pick := func(n int, id func(int) int64, ok func(int) bool) int {
		for _, i := range g.rng.Perm(n) {
			if (subject == 0 || id(i) == subject) && ok(i) && (subject != 0 || !g.used[string(kind)+":"+strconv.FormatInt(id(i), 10)]) {
				return i
			}
		}
		return -1
	}
	q := &wubu.Question{Kind: kind, Chosen: -1}
	var right string
	var candidates []string
	var exclude func(string) bool
	var id int64
	switch kind {
	case wubu.QuestionNameRoom, wubu.QuestionHKRoom, wubu.QuestionPhotoName:
		i := pick(len(p.people), func(i int) int64 { return p.people[i].personID }, func(i int) bool {
			return (kind != wubu.QuestionPhotoName || p.people[i].photo) && (kind != wubu.QuestionHKRoom || p.people[i].hk) && p.about(p.people[i].personID)
		})
		if i < 0 {
			return nil
		}
		pp := p.people[i]
		id = pp.personID
		if kind == wubu.QuestionPhotoName {
			q.Prompt, q.Photo = msgQuizPhotoName, true
			right, candidates = pp.name, names(func(o poolPerson) bool { return o.personID == pp.personID })
			break
		}
		q.Prompt, q.Subject = msgQuizNameRoom, pp.name
		if kind == wubu.QuestionHKRoom {
			q.Prompt = msgQuizHKRoom
		}
		mine := p.roomsOf(pp.personID)
		right, candidates, exclude = pp.room, rooms(), func(s string) bool { return slices.Contains(mine, s) }
	case wubu.QuestionRoomMember:
		i := pick(len(p.people), func(i int) int64 { return p.people[i].roomID }, func(i int) bool { return p.about(p.people[i].personID) })
		if i < 0 {
			return nil
		}
		pp := p.people[i]
		id = pp.roomID
		q.Prompt, q.Subject = msgQuizRoomMember, pp.room
		right, candidates = pp.name, names(func(o poolPerson) bool { return o.roomID == pp.roomID })
		var here []string
		for _, o := range p.people {
			if o.roomID == pp.roomID {
				here = append(here, o.name)
			}
		}
		exclude = func(s string) bool { return slices.Contains(here, s) }
	case wubu.QuestionPlateOwner:
		i := pick(len(p.vehicles), func(i int) int64 { return p.vehicles[i].id }, func(int) bool { return true })
		if i < 0 {
			return nil
		}
		v := p.vehicles[i]
		owner, ok := p.person(v.personID)
		if !ok {
			return nil
		}
		id = v.id
		q.Prompt, q.Subject = msgQuizPlateOwner, v.text
		right = owner.name + " · " + owner.room
		for _, o := range p.people {
			if o.personID != v.personID && o.name != owner.name {
				candidates = append(candidates, o.name+" · "+o.room)
			}
		}
	case wubu.QuestionSpecialDay, wubu.QuestionHKNeed, wubu.QuestionAppliance:
		list := map[wubu.QuizSubject][]poolThing{wubu.QuestionSpecialDay: p.days, wubu.QuestionHKNeed: p.needs, wubu.QuestionAppliance: p.appliances}[kind]
		i := pick(len(list), func(i int) int64 { return list[i].id }, func(int) bool { return true })
		if i < 0 {
			return nil
		}
		t := list[i]
		id = t.id
		answer := func(t poolThing) string {
			if kind == wubu.QuestionAppliance {
				return strings.TrimSpace(t.text + " " + t.detail)
			}
			return t.text
		}
		right = answer(t)
		var same []string // the subject's other records: not wrong answers
		for _, o := range list {
			if kind == wubu.QuestionAppliance && o.roomID == t.roomID || kind != wubu.QuestionAppliance && o.personID == t.personID {
				same = append(same, answer(o))
			} else {
				candidates = append(candidates, answer(o))
			}
		}
		exclude = func(s string) bool { return slices.Contains(same, s) }
		switch kind {
		case wubu.QuestionAppliance:
			q.Prompt = msgQuizAppliance
			for _, pp := range p.people {
				if pp.roomID == t.roomID {
					q.Subject = pp.room
					break
				}
			}
		case wubu.QuestionSpecialDay:
			pp, _ := p.person(t.personID)
			q.Prompt, q.Subject, q.Detail = msgQuizSpecialDay, pp.name, "day:"+t.detail
			right = monthDay(t.text)
			for i := range candidates {
				candidates[i] = monthDay(candidates[i])
			}
			for i := range same {
				same[i] = monthDay(same[i])
			}
			for _, d := range []string{"01-01", "02-14", "05-20", "08-08", "10-01", "12-12"} {
				candidates = append(candidates, monthDay(d))
			}
		case wubu.QuestionHKNeed:
			pp, _ := p.person(t.personID)
			q.Prompt, q.Subject = msgQuizHKNeed, pp.name+" ("+pp.room+")"
		}
		if q.Subject == "" {
			return nil
		}
	default:
		return nil
	}
	opts, answer, ok := g.options(right, candidates, exclude)
	if !ok {
		return nil
	}
	q.Options, q.Answer = opts, answer
	q.Key = string(kind) + ":" + strconv.FormatInt(id, 10)
	return q
}

// monthDay writes a month and day "03-15" as 3月15日.
func monthDay(md string) string {
	m, d, ok := strings.Cut(md, "-")
	if !ok {
		return md
	}
	mi, _ := strconv.Atoi(m)
	di, _ := strconv.Atoi(d)
	return strconv.Itoa(mi) + "月" + strconv.Itoa(di) + "日"
}

// fresh adds up to n new questions drawn from buildings, a few buildings
// at most.
func (g *generator) fresh(ctx context.Context, buildings []int64, n int, onlyPersons map[int64]bool) ([]*wubu.Question, error) {
	var out []*wubu.Question
	ask := func(p *pool, want int) {
		misses := 0
		for got := 0; got < want && misses < 4*len(g.kinds); {
			q := g.question(p, g.kinds[g.rng.IntN(len(g.kinds))], 0)
			if q == nil || g.used[q.Key] {
				misses++
				continue
			}
			g.used[q.Key] = true
			out = append(out, q)
			got++
		}
	}
	// A few buildings at most: each gives a handful of questions.
	maxLoads := 6 + 2*((n+quizQuestionsPerBuilding-1)/quizQuestionsPerBuilding)
	var read []*pool
	for i, bi := range g.rng.Perm(len(buildings)) {
		if len(out) >= n || i >= maxLoads {
			break
		}
		p, err := g.loadPool(ctx, buildings[bi], -1)
		if err != nil {
			return nil, err
		}
		if onlyPersons != nil {
			p = p.only(onlyPersons)
		}
		if len(p.people) < 2 {
			continue
		}
		read = append(read, p)
		ask(p, min(n-len(out), quizQuestionsPerBuilding))
	}
	// Still short: more of the buildings read.
	for _, p := range read {
		if len(out) >= n {
			break
		}
		ask(p, n-len(out))
	}
	return out, nil
}

// only returns the pool narrowed to questions about some persons (the
// week's new residents); the wrong answers still come from everyone.
func (p *pool) only(persons map[int64]bool) *pool {
	c := *p
	c.subjects = persons
	c.vehicles, c.days, c.appliances, c.needs = nil, nil, nil, nil
	return &c
}
