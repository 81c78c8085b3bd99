package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// The rates of generated activity (issue 17): per household a year, and per
// project a day.
const (
	OrdersPerHousehold     = 2.0
	ComplaintsPerHousehold = 0.3
	RevisitsPerHousehold   = 1.0
	PassesPerHousehold     = 0.5
	PatrolRunsPerDay       = 24
	HazardsPerDay          = 2
)

// Outcomes of the clocks of generated activity whose due time has passed:
// a share broken and still open, a share kept late (missed), the rest kept.
const (
	shareBreachedOpen = 0.02
	shareMissed       = 0.08
)

// ActivityOptions say how much activity to generate.
type ActivityOptions struct {
	// Days is how many days back from the database's clock the activity
	// reaches; 0 means a year (365).
	Days int
	// Seed seeds the random generator: the same Seed and database give the
	// same activity.
	Seed uint64
	// Progress, if set, is called after each project with its code and the
	// rows written so far.
	Progress func(code string, rows int)
}

// ActivityResult counts what Activity wrote.
type ActivityResult struct {
	Projects, Households                                   int
	Orders, Complaints, Revisits, Passes, Runs, Hazards    int
	Deadlines, DeadlinesMet, DeadlinesMissed, BreachedOpen int
}

// Rows is the number of rows written.
func (r *ActivityResult) Rows() int {
	return r.Orders + r.Complaints + r.Revisits + r.Passes + r.Runs + r.Hazards + r.Deadlines
}

// Activity generates the past of a seeded company: for every project, Days
// of repair orders, complaints, revisits and release passes of its current
// households, patrol runs and hazards, at the rates above, each with its
// clock and a realistic outcome — most promises kept, some kept late, some
// broken and still open; what is recent is still under way. Rows are
// written in bulk (sqlstore.BeginActivity), not through the services: they
// get no timeline, audit or notices of their own, and one audit entry
// records the run. Projects without a guard, technician or service
// assistant get one (password Password).
func Activity(ctx context.Context, db *sqlstore.DB, opts ActivityOptions) (*ActivityResult, error) {
	ctx = SystemContext(ctx)
	if opts.Days == 0 {
		opts.Days = 365
	}
	if opts.Days < 0 {
		return nil, wubu.Errorf(wubu.EINVALID, "The number of days must not be negative.")
	}
	ps := sqlstore.NewProjectService(db)
	projects, err := ps.FindProjects(ctx)
	if err != nil {
		return nil, err
	}
	// Staff and households first: the load then holds the write connection.
	plans := make([]*activityProject, 0, len(projects))
	for _, p := range projects {
		ap := &activityProject{project: p}
		if err := ap.staff(ctx, db); err != nil {
			return nil, fmt.Errorf("activity %s: %w", p.Code, err)
		}
		if ap.households, err = db.ActivityHouseholds(ctx, p.ID); err != nil {
			return nil, err
		}
		if ap.routeID, err = db.ActivityPatrolRoute(ctx, p.ID); err != nil {
			return nil, err
		}
		plans = append(plans, ap)
	}
	b, err := db.BeginActivity(ctx)
	if err != nil {
		return nil, err
	}
	committed := false
	defer func() {
		if !committed {
			b.Rollback()
		}
	}()
	res := &ActivityResult{Projects: len(plans)}
	now := db.Clock.Now().UTC()
	for _, ap := range plans {
		g := &activityGen{b: b, rng: rand.New(rand.NewPCG(opts.Seed, uint64(ap.project.ID))), p: ap, now: now,
			start: now.AddDate(0, 0, -opts.Days), days: opts.Days, res: res}
		if err := g.run(ctx); err != nil {
			return nil, fmt.Errorf("activity %s: %w", ap.project.Code, err)
		}
		res.Households += len(ap.households)
		if opts.Progress != nil {
			opts.Progress(ap.project.Code, res.Rows())
		}
	}
	if err := b.Audit(ctx, "seed", fmt.Sprintf("activity days=%d seed=%d", opts.Days, opts.Seed), res); err != nil {
		return nil, err
	}
	if err := b.Commit(ctx); err != nil {
		return nil, err
	}
	committed = true
	return res, nil
}

// activityProject is what the generator needs of a project.
type activityProject struct {
	project                *wubu.Project
	guard, tech, assistant int64
	leader                 *int64 // the security team leader, if any
	households             []sqlstore.ActivityHousehold
	routeID                int64
}

// staff finds the project's guard, technician and service assistant,
// creating those it lacks.
func (ap *activityProject) staff(ctx context.Context, db *sqlstore.DB) error {
	us := sqlstore.NewUserService(db)
	users, _, err := us.FindUsers(ctx, wubu.UserFilter{ProjectID: &ap.project.ID, Limit: 1000})
	if err != nil {
		return err
	}
	pick := func(post wubu.Post, role wubu.Role) int64 {
		for _, u := range users {
			if u.Post == post && u.Role == role && !u.Disabled {
				return u.ID
			}
		}
		return 0
	}
	code := strings.ToLower(ap.project.Code)
	need := func(post wubu.Post, login, name string) (int64, error) {
		if id := pick(post, wubu.RoleStaff); id != 0 {
			return id, nil
		}
		nu := &wubu.NewUser{User: wubu.User{Login: code + "_" + login, Name: ap.project.Name + " " + name, Role: wubu.RoleStaff, Post: post,
			ProjectIDs: []int64{ap.project.ID}}, Password: Password}
		if err := us.CreateUser(ctx, nu); err != nil {
			return 0, err
		}
		return nu.ID, nil
	}
	if ap.guard, err = need(wubu.PostSecurity, "guard", "保安"); err != nil {
		return err
	}
	if ap.tech, err = need(wubu.PostMaintenance, "tech", "维修工"); err != nil {
		return err
	}
	if ap.assistant, err = need(wubu.PostService, "assistant", "客服助理"); err != nil {
		return err
	}
	if id := pick(wubu.PostSecurity, wubu.RoleTeamLeader); id != 0 {
		ap.leader = &id
	}
	return nil
}

// activityGen generates one project's activity.
type activityGen struct {
	b          *sqlstore.Bulk
	rng        *rand.Rand
	p          *activityProject
	now, start time.Time
	days       int
	res        *ActivityResult
}

func (g *activityGen) run(ctx context.Context) error {
	if g.p.routeID == 0 {
		id, err := g.b.Row(ctx, "patrol_routes", g.p.project.ID, "日常巡逻线", "patrol", 10, 0, g.p.leader, true, g.start, g.start)
		if err != nil {
			return err
		}
		g.p.routeID = id
	}
	years := float64(g.days) / 365
	n := float64(len(g.p.households))
	if n > 0 {
		for _, k := range []struct {
			rate float64
			f    func(context.Context, sqlstore.ActivityHousehold, time.Time) error
		}{{OrdersPerHousehold, g.order}, {ComplaintsPerHousehold, g.complaint}, {RevisitsPerHousehold, g.revisit}, {PassesPerHousehold, g.pass}} {
			for range g.count(k.rate * n * years) {
				if err := k.f(ctx, g.p.households[g.rng.IntN(len(g.p.households))], g.when()); err != nil {
					return err
				}
			}
		}
	}
	return g.patrols(ctx)
}

// count rounds an expected number of events to a whole one, the fraction
// by chance.
func (g *activityGen) count(x float64) int {
	k := int(x)
	if g.rng.Float64() < x-float64(k) {
		k++
	}
	return k
}

// when returns a moment of the period, mostly in the day (08:00–21:00
// Beijing time).
func (g *activityGen) when() time.Time {
	day := g.start.Add(time.Duration(g.rng.IntN(g.days)) * 24 * time.Hour)
	d := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC).Add(-8 * time.Hour) // midnight in Beijing
	var minute int
	if g.rng.Float64() < 0.85 {
		minute = 8*60 + g.rng.IntN(13*60)
	} else {
		minute = g.rng.IntN(24 * 60)
	}
	t := d.Add(time.Duration(minute)*time.Minute + time.Duration(g.rng.IntN(60))*time.Second)
	if t.Before(g.start) {
		t = t.Add(24 * time.Hour)
	}
	if !t.Before(g.now) {
		t = g.now.Add(-time.Duration(1+g.rng.IntN(3600)) * time.Second)
	}
	return t
}

// outcome says how a clock armed at a moment and due at another ends: kept
// (met), kept late (missed), broken and still open (breached), or still
// running (armed) if it is not yet due.
type outcome int

const (
	kept outcome = iota
	late
	breachedOpen
	running
)

func (g *activityGen) outcome(due time.Time) outcome {
	if !due.Before(g.now) {
		return running
	}
	x := g.rng.Float64()
	switch {
	case x < shareBreachedOpen:
		return breachedOpen
	case x < shareBreachedOpen+shareMissed:
		return late
	}
	return kept
}

// stop returns when a clock due at due is stopped under the outcome: before
// the due time if kept, after it (but not after now) if late, never if open.
func (g *activityGen) stop(o outcome, armed, due time.Time) *time.Time {
	var t time.Time
	switch o {
	case kept:
		t = armed.Add(time.Duration(float64(due.Sub(armed)) * (0.2 + 0.75*g.rng.Float64())))
	case late:
		t = due.Add(time.Duration(float64(due.Sub(armed)) * (0.1 + g.rng.Float64())))
		if t.After(g.now) {
			t = g.now
		}
	default:
		return nil
	}
	return &t
}

// deadline writes an object's clock under its outcome.
func (g *activityGen) deadline(ctx context.Context, objectType string, id int64, kind, basis string, armed, due time.Time, o outcome, stopped *time.Time) error {
	state, met := string(wubu.DeadlineMet), any(true)
	switch o {
	case late:
		state, met = string(wubu.DeadlineMissed), false
		g.res.DeadlinesMissed++
	case breachedOpen:
		state, met = string(wubu.DeadlineBreached), nil
		g.res.BreachedOpen++
	case running:
		state, met = string(wubu.DeadlineArmed), nil
	default:
		g.res.DeadlinesMet++
	}
	upd := armed
	if stopped != nil {
		upd = *stopped
	} else if o == breachedOpen {
		upd = due
	}
	g.res.Deadlines++
	_, err := g.b.Row(ctx, "deadlines", g.p.project.ID, objectType, strconv.FormatInt(id, 10), kind, basis, due, nil, state, 1, armed, stopped, met, upd)
	return err
}

// after returns t plus between lo and hi minutes, not later than now; nil
// if t is nil.
func (g *activityGen) after(t *time.Time, lo, hi int) *time.Time {
	if t == nil {
		return nil
	}
	u := t.Add(time.Duration(lo*60+g.rng.IntN((hi-lo)*60+1)) * time.Second)
	if u.After(g.now) {
		return nil
	}
	return &u
}

func ptr(t time.Time) *time.Time { return &t }

var activityRepairs = []string{"更换水龙头", "更换灯泡/灯管", "更换开关/插座", "疏通下水道", "马桶维修", "门锁维修", "空调清洗", "油烟机清洗"}

// order writes a repair order and its arrival clock (M7): urgent orders
// promise 10 minutes, normal ones 2 hours (the settings' defaults).
func (g *activityGen) order(ctx context.Context, h sqlstore.ActivityHousehold, at time.Time) error {
	urgency, promise := wubu.OrderNormal, 120*time.Minute
	if g.rng.Float64() < 0.2 {
		urgency, promise = wubu.OrderUrgent, 10*time.Minute
	}
	item := activityRepairs[g.rng.IntN(len(activityRepairs))]
	category, team := wubu.CategoryRepair, wubu.PostMaintenance
	if item == "油烟机清洗" {
		category, team = wubu.CategoryCleaning, wubu.PostCleaning
	}
	dispatched := g.after(&at, 1, 3)
	if dispatched == nil {
		dispatched = &at
	}
	due := dispatched.Add(promise)
	o := g.outcome(due)
	accepted := g.after(dispatched, 0, 1)
	var quoted, confirmed, started, done, followed, closed, cancelled *time.Time
	if g.rng.Float64() < 0.03 && accepted != nil {
		// Cancelled before anyone arrived: the clock stops without judgement.
		cancelled = accepted
	}
	arrived := g.stop(o, *dispatched, due)
	if cancelled != nil {
		arrived = nil
	}
	state := wubu.OrderAccepted
	var promiseKept, works any
	satisfaction, reason := 0, ""
	if arrived != nil {
		promiseKept = o == kept
		state = wubu.OrderArrived
		// The price shown and confirmed before the work (M5), mostly.
		if g.rng.Float64() < 0.9 {
			if quoted = g.after(arrived, 1, 3); quoted != nil {
				state = wubu.OrderQuoted
			}
			if confirmed = g.after(quoted, 1, 2); confirmed != nil {
				state = wubu.OrderConfirmed
			}
		}
		from := arrived
		if confirmed != nil {
			from = confirmed
		}
		if quoted == nil || confirmed != nil { // not waiting for the resident's answer
			if started = g.after(from, 1, 5); started != nil {
				state = wubu.OrderInProgress
			}
		}
		if done = g.after(started, 15, 120); done != nil {
			state = wubu.OrderDone
		}
		if followed = g.after(done, 24*60, 3*24*60); followed != nil {
			state, closed = wubu.OrderClosed, followed
			satisfaction, works = g.satisfaction(), true
		}
	}
	if cancelled != nil {
		state, reason = wubu.OrderCancelled, "住户自行处理"
	}
	var assignee any = g.p.tech
	id, err := g.b.Row(ctx, "orders", g.p.project.ID, category, urgency, wubu.SourcePhone, state, item, item, h.PersonID, h.RoomID, team, assignee,
		due, promiseKept, at, dispatched, accepted, arrived, quoted, confirmed, started, done, followed, closed, cancelled, satisfaction, works, reason, at)
	if err != nil {
		return err
	}
	g.res.Orders++
	if cancelled != nil {
		g.res.Deadlines++
		_, err := g.b.Row(ctx, "deadlines", g.p.project.ID, "order", strconv.FormatInt(id, 10), "arrival", "at", due, nil, string(wubu.DeadlineCancelled), 1, *dispatched, cancelled, nil, *cancelled)
		return err
	}
	return g.deadline(ctx, "order", id, "arrival", "at", *dispatched, due, o, arrived)
}

// satisfaction is a resident's answer, 1–5, mostly content.
func (g *activityGen) satisfaction() int {
	x := g.rng.Float64()
	switch {
	case x < 0.68:
		return 5
	case x < 0.9:
		return 4
	case x < 0.97:
		return 3
	case x < 0.99:
		return 2
	}
	return 1
}

var activityComplaints = []struct {
	category wubu.ComplaintCategory
	team     wubu.Post
	text     string
}{
	{wubu.ComplaintNoise, wubu.PostSecurity, "楼上装修晚上十点后还在施工。"},
	{wubu.ComplaintHygiene, wubu.PostCleaning, "单元门口垃圾桶没有及时清运。"},
	{wubu.ComplaintParking, wubu.PostSecurity, "车位被外来车辆占用。"},
	{wubu.ComplaintRepair, wubu.PostMaintenance, "上次修好的水管又漏水了。"},
	{wubu.ComplaintAttitude, wubu.PostService, "前台电话打了几次没人接。"},
	{wubu.ComplaintSecurity, wubu.PostSecurity, "单元门禁坏了好几天。"},
}

// complaint writes a complaint with its acknowledge clock (30 minutes, 10
// in the fast lane) and its handling clock (a day, 4 hours in the fast
// lane).
func (g *activityGen) complaint(ctx context.Context, h sqlstore.ActivityHousehold, at time.Time) error {
	c := activityComplaints[g.rng.IntN(len(activityComplaints))]
	fast := g.rng.Float64() < 0.1
	ackKind, ackIn, handleKind, handleIn := "acknowledge", 30*time.Minute, "handle", 24*time.Hour
	severity := "medium"
	if fast {
		ackKind, ackIn, handleKind, handleIn, severity = "acknowledge_fast", 10*time.Minute, "handle_fast", 4*time.Hour, "high"
	}
	ackDue := at.Add(ackIn)
	ao := g.outcome(ackDue)
	if ao == breachedOpen {
		ao = late // the open complaints are those not handled in time
	}
	acked := g.stop(ao, at, ackDue)
	state := wubu.ComplaintReceived
	var assigned, handled, replied, revisited, closed *time.Time
	var ackBy, assignee, handledBy, revisitedBy any
	var handleDue time.Time
	ho := running
	if acked != nil {
		state, ackBy = wubu.ComplaintAcknowledged, g.p.assistant
		if assigned = g.after(acked, 1, 20); assigned != nil {
			state, assignee = wubu.ComplaintAssigned, g.p.assistant
			handleDue = assigned.Add(handleIn)
			ho = g.outcome(handleDue)
			if handled = g.stop(ho, *assigned, handleDue); handled != nil {
				state, handledBy = wubu.ComplaintHandled, g.p.assistant
				if replied = g.after(handled, 10, 120); replied != nil {
					state = wubu.ComplaintReplied
				}
				if revisited = g.after(replied, 24*60, 3*24*60); revisited != nil {
					state, revisitedBy, closed = wubu.ComplaintClosed, g.p.guard, revisited
				}
			}
		}
	}
	id, err := g.b.Row(ctx, "complaints", g.p.project.ID, wubu.ComplaintAtDesk, c.category, severity, h.PersonID, h.BuildingID, c.text, fast, state, g.p.assistant, at,
		ackBy, acked, string(c.team), assignee, assigned, handledBy, handled, replied, revisitedBy, revisited, closed, at)
	if err != nil {
		return err
	}
	g.res.Complaints++
	if err := g.deadline(ctx, "complaint", id, ackKind, "calendar", at, ackDue, ao, acked); err != nil {
		return err
	}
	if assigned == nil {
		return nil
	}
	return g.deadline(ctx, "complaint", id, handleKind, "calendar", *assigned, handleDue, ho, handled)
}

// revisit writes a planned revisit, due a week after it was planned.
func (g *activityGen) revisit(ctx context.Context, h sqlstore.ActivityHousehold, at time.Time) error {
	due := at.Add(7 * 24 * time.Hour)
	o := g.outcome(due)
	done := g.stop(o, at, due)
	status, satisfaction := wubu.RevisitPlanned, 0
	var doneBy any
	if done != nil {
		status, satisfaction, doneBy = wubu.RevisitDone, g.satisfaction(), g.p.assistant
	}
	id, err := g.b.Row(ctx, "revisits", g.p.project.ID, h.PersonID, g.p.assistant, due, "定期回访", status, done, doneBy, satisfaction, at, wubu.VisitRevisit)
	if err != nil {
		return err
	}
	g.res.Revisits++
	return g.deadline(ctx, "revisit", id, "visit", "at", at, due, o, done)
}

// pass writes a release pass with its confirmation clock (15 minutes, S8).
func (g *activityGen) pass(ctx context.Context, h sqlstore.ActivityHousehold, at time.Time) error {
	due := at.Add(15 * time.Minute)
	o := g.outcome(due)
	decided := g.stop(o, at, due)
	state := wubu.PassPending
	var decidedBy, owner, releasedBy any
	var released *time.Time
	method, gate := "", []string{"东门", "南门", "北门"}[g.rng.IntN(3)]
	if decided != nil {
		state, decidedBy, method = wubu.PassConfirmed, g.p.assistant, string(wubu.PassOwnerPhone)
		if h.Relation == string(wubu.RelationOwner) {
			owner, method = h.PersonID, string(wubu.PassOwnerPresent)
		}
		if released = g.after(decided, 1, 10); released != nil {
			state, releasedBy = wubu.PassReleased, g.p.guard
		}
	}
	releaseGate := ""
	if released != nil {
		releaseGate = gate
	}
	id, err := g.b.Row(ctx, "passes", g.p.project.ID, h.RoomID, h.PersonID, h.Name, h.Relation, "纸箱 4 个\n旧家具 1 件", gate, state, g.p.guard, at,
		decidedBy, decided, method, owner, releasedBy, released, releaseGate, at)
	if err != nil {
		return err
	}
	g.res.Passes++
	return g.deadline(ctx, "pass", id, "confirm", "calendar", at, due, o, decided)
}

// patrols writes the project's patrol runs, one every hour (each due to
// finish within 50 minutes), and its hazards, half found on patrol: high
// ones due in 4 hours, others in a day.
func (g *activityGen) patrols(ctx context.Context) error {
	pid := g.p.project.ID
	perHazard := float64(HazardsPerDay) / PatrolRunsPerDay
	for h := range g.days * PatrolRunsPerDay {
		at := g.start.Add(time.Duration(h)*time.Hour + time.Duration(g.rng.IntN(300))*time.Second)
		if !at.Before(g.now) {
			break
		}
		due := at.Add(50 * time.Minute)
		o := g.outcome(due)
		if o == breachedOpen {
			o = late
		}
		finished := g.stop(o, at, due)
		missed, lateN := 0, 0
		if o == late {
			missed, lateN = g.rng.IntN(3), 1+g.rng.IntN(3)
		}
		run, err := g.b.Row(ctx, "patrol_runs", pid, g.p.routeID, g.p.guard, at, finished, missed, lateN)
		if err != nil {
			return err
		}
		g.res.Runs++
		if err := g.deadline(ctx, "patrol_run", run, "finish", "at", at, due, o, finished); err != nil {
			return err
		}
		if g.rng.Float64() < perHazard {
			if err := g.hazard(ctx, run, at); err != nil {
				return err
			}
		}
	}
	return nil
}

var activityHazards = []struct{ place, text string }{
	{"地下车库 B1 消防出口", "消防出口前堆放杂物"},
	{"楼道", "楼道灯不亮，夜间看不清台阶"},
	{"中心花园", "健身器材螺丝松动"},
	{"屋面", "屋面排水口堵塞"},
}

func (g *activityGen) hazard(ctx context.Context, run int64, at time.Time) error {
	hz := activityHazards[g.rng.IntN(len(activityHazards))]
	source, runID := wubu.HazardFromPatrol, any(run)
	if g.rng.Float64() < 0.5 {
		source, runID = wubu.HazardFromStaff, nil
	}
	severity, in := "medium", 24*time.Hour
	if g.rng.Float64() < 0.2 {
		severity, in = "high", 4*time.Hour
	}
	reported := at.Add(20 * time.Minute)
	if reported.After(g.now) {
		reported = at
	}
	assigned := g.after(&reported, 5, 30)
	if assigned == nil {
		assigned = &reported
	}
	due := assigned.Add(in)
	o := g.outcome(due)
	rectified := g.stop(o, *assigned, due)
	state := wubu.HazardAssigned
	var rectifiedBy, verifiedBy any
	var verified *time.Time
	if rectified != nil {
		state, rectifiedBy = wubu.HazardRectified, g.p.tech
		if verified = g.after(rectified, 30, 240); verified != nil {
			state, verifiedBy = wubu.HazardClosed, g.p.guard
		}
	}
	var building any
	if len(g.p.households) > 0 && source != wubu.HazardFromPatrol {
		building = g.p.households[g.rng.IntN(len(g.p.households))].BuildingID
	}
	id, err := g.b.Row(ctx, "hazards", g.p.project.ID, source, runID, building, hz.place, hz.text, severity, state, g.p.guard, reported, g.p.tech, assigned, due,
		rectifiedBy, rectified, verifiedBy, verified, reported)
	if err != nil {
		return err
	}
	g.res.Hazards++
	return g.deadline(ctx, "hazard", id, "rectify", "at", *assigned, due, o, rectified)
}
