package sqlstore_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// complaintWorld is a project with a building, an ordinary resident and an
// important one, the customer-service desk and its leader, a technician,
// a guard, the manager, two duty managers (one on the rest days' roster)
// and the quality department.
type complaintWorld struct {
	f                              *wubutest.Fixture
	db                             *sqlstore.DB
	clock                          *wubutest.Clock
	clocks                         *sqlstore.ClockService
	complaints                     *sqlstore.ComplaintService
	outbox                         *sqlstore.OutboxService
	building                       *wubu.Building
	ordinary, vip                  *wubu.Person
	desk, desk2, leader, tech      *wubu.User
	guard, manager, duty, duty2, q *wubu.User
}

// saturday is 10:00 on Saturday 28 November 2026, China time: a rest day,
// when the rest days' duty manager is on the roster.
var saturday = time.Date(2026, 11, 28, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func newComplaintWorld(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) *complaintWorld {
	t.Helper()
	f := wubutest.NewFixture(t, db)
	w := &complaintWorld{f: f, db: db, clock: clock, clocks: newClocks(t, db), outbox: sqlstore.NewOutboxService(db)}
	w.complaints = sqlstore.NewComplaintService(db, w.clocks)
	admin := f.Ctx(f.Admin)
	res, err := sqlstore.NewOrgService(db).GenerateRooms(admin, wubu.RoomGeneration{ProjectID: f.ProjectA.ID, Building: "5", Units: 1, FirstFloor: 1, Floors: 2, PerFloor: 2})
	if err != nil {
		t.Fatal(err)
	}
	w.building = res.Building
	label := "5-1-101"
	rooms, _, err := sqlstore.NewOrgService(db).FindRooms(admin, wubu.RoomFilter{ProjectID: f.ProjectA.ID, Label: &label})
	if err != nil || len(rooms) != 1 {
		t.Fatalf("room: %v %v", rooms, err)
	}
	rs := sqlstore.NewResidentService(db)
	w.ordinary = &wubu.Person{ProjectID: f.ProjectA.ID, Name: "陈普通", Phones: []string{"13800005555"}}
	w.vip = &wubu.Person{ProjectID: f.ProjectA.ID, Name: "林重要", Phones: []string{"13800006666"}, Importance: 5, ImportanceIndex: 90}
	for _, p := range []*wubu.Person{w.ordinary, w.vip} {
		if err := rs.CreatePersonInRoom(admin, p, &wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
			t.Fatal(err)
		}
	}
	w.desk = f.User(t, "desk", wubu.RoleStaff, wubu.PostService, f.ProjectA)
	w.desk2 = f.User(t, "desk2", wubu.RoleStaff, wubu.PostService, f.ProjectA)
	w.leader = f.User(t, "servlead", wubu.RoleTeamLeader, wubu.PostService, f.ProjectA)
	w.tech = f.User(t, "tech", wubu.RoleStaff, wubu.PostMaintenance, f.ProjectA)
	w.guard = f.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA)
	w.manager = f.User(t, "manager", wubu.RoleManager, wubu.PostNone, f.ProjectA)
	w.duty = f.User(t, "duty", wubu.RoleDutyManager, wubu.PostNone, f.ProjectA)
	w.duty2 = f.User(t, "duty2", wubu.RoleDutyManager, wubu.PostNone, f.ProjectA)
	w.q = f.User(t, "quality", wubu.RoleQuality, wubu.PostNone, f.ProjectA)
	if err := sqlstore.NewDutyManagerService(db).SaveDutyManager(admin, f.ProjectA.ID, "restday", &w.duty.ID); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *complaintWorld) ctx(u *wubu.User) context.Context { return w.f.Ctx(u) }

// receive takes a complaint at the desk.
func (w *complaintWorld) receive(t *testing.T, p *wubu.Person, marked bool) *wubu.Complaint {
	t.Helper()
	c := &wubu.Complaint{ProjectID: w.f.ProjectA.ID, Channel: wubu.ComplaintAtDesk, Category: wubu.ComplaintRepair, Severity: wubu.SeverityMedium,
		PersonID: &p.ID, Description: "楼上漏水修了三次还在漏", Wish: "彻底修好", Marked: marked}
	if err := w.complaints.ReceiveComplaint(w.ctx(w.desk), c); err != nil {
		t.Fatal(err)
	}
	return c
}

// run fires the clock stages due.
func (w *complaintWorld) run(t *testing.T) {
	t.Helper()
	if _, err := w.clocks.RunDue(w.ctx(w.f.Admin)); err != nil {
		t.Fatal(err)
	}
}

// inbox returns the kinds of a user's inbox messages about a complaint.
func (w *complaintWorld) inbox(t *testing.T, u *wubu.User, c *wubu.Complaint) []string {
	t.Helper()
	msgs, _, err := w.outbox.Inbox(w.ctx(u), false, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range msgs {
		if m.ObjectType == "complaint" && m.ObjectID == strconv.FormatInt(c.ID, 10) {
			out = append(out, m.Kind)
		}
	}
	slices.Sort(out)
	return out
}

// TestComplaintLifecycle: a complaint from the desk goes received →
// acknowledged → assigned → handled → replied; the handler may not make
// the revisit; an unsatisfied revisit reopens it to its team with a new
// handling clock; handled again, a satisfied revisit and the close end it.
// Every step is on the resident's timeline.
func TestComplaintLifecycle(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newComplaintWorld(t, db, clock)
		pid := w.f.ProjectA.ID
		c := w.receive(t, w.ordinary, false)
		if c.State != wubu.ComplaintReceived || c.Fast || c.BuildingID == nil || *c.BuildingID != w.building.ID || c.Points != wubu.ComplaintRepair.Points(wubu.SeverityMedium) {
			t.Fatalf("received: %+v", c)
		}
		if d := deadlineOf(t, w.clocks, w.ctx(w.f.Admin), pid, "complaint", c.ID, "acknowledge"); d == nil || !d.DueAt.Equal(clock.Now().Add(30*time.Minute)) {
			t.Fatalf("acknowledgement clock: %+v, want due in 30 minutes", d)
		}
		t.Run("ErrInvalid", func(t *testing.T) {
			bad := &wubu.Complaint{ProjectID: pid, Category: "weather", Description: "x"}
			if err := w.complaints.ReceiveComplaint(w.ctx(w.desk), bad); wubu.ErrorCode(err) != wubu.EINVALID {
				t.Fatalf("got %v, want EINVALID", err)
			}
		})
		t.Run("ErrStateRefused", func(t *testing.T) {
			_, err := w.complaints.HandleComplaint(w.ctx(w.tech), c.ID, "修好了")
			wantSecCode(t, err, wubu.ECONFLICT)
		})
		c = ok[*wubu.Complaint](t)(w.complaints.AcknowledgeComplaint(w.ctx(w.desk), c.ID, ""))
		if d := deadlineOf(t, w.clocks, w.ctx(w.f.Admin), pid, "complaint", c.ID, "acknowledge"); d.State != wubu.DeadlineMet {
			t.Fatalf("acknowledged: clock %s, want met", d.State)
		}
		c = ok[*wubu.Complaint](t)(w.complaints.AssignComplaint(w.ctx(w.leader), c.ID, wubu.PostMaintenance, &w.tech.ID))
		if c.State != wubu.ComplaintAssigned || c.DueAt == nil || !c.DueAt.Equal(clock.Now().Add(24*time.Hour)) {
			t.Fatalf("assigned: %s due %v, want due in 24 hours", c.State, c.DueAt)
		}
		t.Run("ErrOtherTeam", func(t *testing.T) {
			_, err := w.complaints.HandleComplaint(w.ctx(w.guard), c.ID, "看过了")
			wantSecCode(t, err, wubu.EFORBIDDEN)
		})
		c = ok[*wubu.Complaint](t)(w.complaints.HandleComplaint(w.ctx(w.tech), c.ID, "更换了防水层"))
		c = ok[*wubu.Complaint](t)(w.complaints.ReplyComplaint(w.ctx(w.desk), c.ID, "已电话告知业主处理结果"))
		t.Run("ErrRevisitByHandler", func(t *testing.T) {
			_, err := w.complaints.RevisitComplaint(w.ctx(w.tech), c.ID, true, "")
			wantSecCode(t, err, wubu.EFORBIDDEN)
		})
		// Not satisfied: reopened to the team, a new handling clock.
		clock.Add(time.Hour)
		c = ok[*wubu.Complaint](t)(w.complaints.RevisitComplaint(w.ctx(w.desk2), c.ID, false, "还在渗水"))
		if c.State != wubu.ComplaintAssigned || c.Reopens != 1 || c.Team != wubu.PostMaintenance || c.DueAt == nil || !c.DueAt.Equal(clock.Now().Add(24*time.Hour)) {
			t.Fatalf("reopened: %s reopens %d team %s due %v", c.State, c.Reopens, c.Team, c.DueAt)
		}
		if k := w.inbox(t, w.tech, c); !slices.Contains(k, "complaint_reopened") {
			t.Fatalf("the technician's inbox: %v, want the reopening", k)
		}
		c = ok[*wubu.Complaint](t)(w.complaints.HandleComplaint(w.ctx(w.tech), c.ID, "重做了防水"))
		c = ok[*wubu.Complaint](t)(w.complaints.ReplyComplaint(w.ctx(w.desk), c.ID, "已告知"))
		c = ok[*wubu.Complaint](t)(w.complaints.RevisitComplaint(w.ctx(w.desk2), c.ID, true, "满意"))
		c = ok[*wubu.Complaint](t)(w.complaints.CloseComplaint(w.ctx(w.desk), c.ID))
		if c.State != wubu.ComplaintClosed || c.ClosedAt == nil || c.DueAt != nil {
			t.Fatalf("closed: %+v", c)
		}
		got := timelineKinds(t, db, w.ctx(w.desk), w.ordinary.ID)
		for _, want := range []string{"complaint.received", "complaint.handled", "complaint.replied", "complaint.reopen", "complaint.revisit", "complaint.closed"} {
			if !slices.Contains(got, want) {
				t.Fatalf("timeline %v lacks %s", got, want)
			}
		}
		// The list's filters.
		open, n, err := w.complaints.FindComplaints(w.ctx(w.desk), pid, wubu.ComplaintFilter{Open: true})
		if err != nil || n != 0 || len(open) != 0 {
			t.Fatalf("open complaints: %d %v", n, err)
		}
		t.Run("ErrOtherProject", func(t *testing.T) {
			outsider := w.f.User(t, "outsider", wubu.RoleManager, wubu.PostNone, w.f.ProjectB)
			_, err := w.complaints.FindComplaint(w.ctx(outsider), c.ID)
			wantSecCode(t, err, wubu.ENOTFOUND)
		})
	})
}

// TestComplaintFastLane: an important customer's complaint reaches the
// manager at once and, unacknowledged, breaches at 10 minutes to the duty
// manager on the roster (not the one off duty) and the quality
// department; an ordinary complaint does neither.
func TestComplaintFastLane(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newComplaintWorld(t, db, clock)
		clock.Set(saturday.UTC())
		vip := w.receive(t, w.vip, false)
		plain := w.receive(t, w.ordinary, false)
		marked := w.receive(t, w.ordinary, true)
		if !vip.Fast || plain.Fast || !marked.Fast {
			t.Fatalf("lanes: important %v, ordinary %v, marked %v; want fast, ordinary, fast", vip.Fast, plain.Fast, marked.Fast)
		}
		if k := w.inbox(t, w.manager, vip); !slices.Equal(k, []string{"complaint_fast"}) {
			t.Fatalf("the manager's inbox at once: %v, want the fast-lane notice", k)
		}
		if k := w.inbox(t, w.manager, plain); len(k) != 0 {
			t.Fatalf("the manager heard of the ordinary complaint: %v", k)
		}
		clock.Add(10*time.Minute + time.Second)
		w.run(t)
		if d := deadlineOf(t, w.clocks, w.ctx(w.f.Admin), w.f.ProjectA.ID, "complaint", vip.ID, "acknowledge_fast"); d.State != wubu.DeadlineBreached {
			t.Fatalf("fast lane at 10 minutes: %s, want breached", d.State)
		}
		for _, u := range []*wubu.User{w.duty, w.q, w.manager} {
			if k := w.inbox(t, u, vip); !slices.Contains(k, "clock_breach") {
				t.Fatalf("%s's inbox: %v, want the breach", u.Login, k)
			}
		}
		if k := w.inbox(t, w.duty2, vip); len(k) != 0 {
			t.Fatalf("the duty manager off the roster heard: %v", k)
		}
		if d := deadlineOf(t, w.clocks, w.ctx(w.f.Admin), w.f.ProjectA.ID, "complaint", plain.ID, "acknowledge"); d.State != wubu.DeadlineArmed {
			t.Fatalf("ordinary at 10 minutes: %s, want armed", d.State)
		}
		for _, u := range []*wubu.User{w.duty, w.duty2, w.q, w.manager} {
			if k := w.inbox(t, u, plain); len(k) != 0 {
				t.Fatalf("%s heard of the ordinary complaint: %v", u.Login, k)
			}
		}
		// The manager's Today shows it in the fast lane.
		items, err := sqlstore.NewComplaintAgenda(db).Agenda(w.ctx(w.manager), clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		fast := 0
		for _, it := range items {
			if it.Kind == "complaint" && it.Urgency == wubu.UrgencyCritical {
				fast++
			}
		}
		if fast != 2 {
			t.Fatalf("the manager's Today: %d fast-lane complaints, want 2 (%+v)", fast, items)
		}
		lane := true
		list, n, err := w.complaints.FindComplaints(w.ctx(w.manager), w.f.ProjectA.ID, wubu.ComplaintFilter{Fast: &lane, Overdue: true})
		if err != nil || n != 2 || len(list) != 2 {
			t.Fatalf("overdue fast-lane complaints: %d, %v; want 2", n, err)
		}
	})
}

// TestComplaintPoints: each complaint adds its points to the resident and
// the building; they fade over the decay period; over the threshold the
// manager's Today shows a visit; points never put a complaint into the
// fast lane.
func TestComplaintPoints(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newComplaintWorld(t, db, clock)
		pid := w.f.ProjectA.ID
		set := wubu.DefaultComplaintSettings(pid)
		set.DecayDays, set.VisitPoints = 100, 10
		if err := w.complaints.SaveComplaintSettings(w.ctx(w.manager), set); err != nil {
			t.Fatal(err)
		}
		per := wubu.ComplaintRepair.Points(wubu.SeverityMedium) // 6
		for range 3 {
			if c := w.receive(t, w.ordinary, false); c.Fast {
				t.Fatal("points put a complaint into the fast lane")
			}
		}
		points := func() map[string]float64 {
			ps, err := w.complaints.Points(w.ctx(w.manager), pid, 0)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]float64{}
			for _, p := range ps {
				out[p.Kind+":"+p.Name] = p.Value
			}
			return out
		}
		if got := points(); got["person:陈普通"] != float64(3*per) || got["building:"+w.building.Name] != float64(3*per) {
			t.Fatalf("points: %v, want %d each", got, 3*per)
		}
		visits := func() int {
			items, err := sqlstore.NewComplaintAgenda(db).Agenda(w.ctx(w.manager), clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, it := range items {
				if it.Kind == "complaint_visit" {
					n++
				}
			}
			return n
		}
		if n := visits(); n != 2 {
			t.Fatalf("manager's visits: %d, want the resident and the building", n)
		}
		clock.Add(50 * 24 * time.Hour)
		if got := points(); got["person:陈普通"] != float64(3*per)/2 {
			t.Fatalf("half way: %v, want %v", got, float64(3*per)/2)
		}
		if n := visits(); n != 0 {
			t.Fatalf("manager's visits after the points faded below the threshold: %d", n)
		}
		clock.Add(51 * 24 * time.Hour)
		if got := points(); len(got) != 0 {
			t.Fatalf("after the decay period: %v, want none", got)
		}
		t.Run("ErrSettings", func(t *testing.T) {
			bad := wubu.DefaultComplaintSettings(pid)
			bad.FastAckMinutes = 60
			if err := w.complaints.SaveComplaintSettings(w.ctx(w.manager), bad); wubu.ErrorCode(err) != wubu.EINVALID {
				t.Fatalf("got %v, want EINVALID", err)
			}
			if err := w.complaints.SaveComplaintSettings(w.ctx(w.desk), set); wubu.ErrorCode(err) != wubu.EFORBIDDEN {
				t.Fatalf("the desk changed the settings: %v", err)
			}
		})
	})
}

// TestDutyManagerRoster: an escalation to the duty manager reaches the one
// on the roster at that moment — at night and on rest days; in a working
// day's day duty, or with nobody rostered, every duty manager; the night
// duty's roster is unchanged by it; a day of the coming week without a
// duty manager is flagged on the manager's Today.
func TestDutyManagerRoster(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newComplaintWorld(t, db, clock)
		pid := w.f.ProjectA.ID
		admin := w.ctx(w.f.Admin)
		dm := sqlstore.NewDutyManagerService(db)
		cst := saturday.Location()
		if err := dm.SaveDutyManager(admin, pid, "workday", &w.duty2.ID); err != nil {
			t.Fatal(err)
		}
		at := func(tm time.Time) string {
			u, err := dm.DutyManagerNow(w.ctx(w.desk), pid, tm)
			if err != nil {
				t.Fatal(err)
			}
			if u == nil {
				return ""
			}
			return u.Login
		}
		for _, c := range []struct {
			at   time.Time
			want string
		}{
			{time.Date(2026, 11, 27, 10, 0, 0, 0, cst), ""},      // Friday, day duty
			{time.Date(2026, 11, 27, 23, 0, 0, 0, cst), "duty2"}, // Friday night
			{time.Date(2026, 11, 28, 2, 0, 0, 0, cst), "duty2"},  // the small hours belong to Friday's night
			{time.Date(2026, 11, 28, 10, 0, 0, 0, cst), "duty"},  // Saturday
		} {
			if got := at(c.at); got != c.want {
				t.Fatalf("duty manager at %v: %q, want %q", c.at, got, c.want)
			}
		}
		// A dated entry overrides the kind of day, and leaves the night
		// duty as it was.
		orders := sqlstore.NewOrderService(db, w.clocks, nil)
		if err := orders.SaveRosterEntry(admin, &wubu.RosterEntry{ProjectID: pid, Day: "restday", DutyUserID: &w.desk.ID}); err != nil {
			t.Fatal(err)
		}
		if err := dm.SaveDutyManager(admin, pid, "2026-11-28", &w.manager.ID); err != nil {
			t.Fatal(err)
		}
		if got := at(time.Date(2026, 11, 28, 10, 0, 0, 0, cst)); got != "manager" {
			t.Fatalf("dated entry: %q, want manager", got)
		}
		st, err := orders.Duty(admin, pid, time.Date(2026, 11, 28, 23, 0, 0, 0, cst))
		if err != nil || st.Roster == nil || st.Roster.DutyUserID == nil || *st.Roster.DutyUserID != w.desk.ID {
			t.Fatalf("night duty after a manager's dated entry: %+v, %v", st.Roster, err)
		}
		roster, err := orders.Roster(admin, pid)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range roster {
			if e.Day == "restday" && (e.ManagerUserID == nil || *e.ManagerUserID != w.duty.ID) {
				t.Fatalf("the night-duty form wiped the rest days' duty manager: %+v", e)
			}
		}
		t.Run("ErrNotAManager", func(t *testing.T) {
			err := dm.SaveDutyManager(admin, pid, "workday", &w.guard.ID)
			wantSecCode(t, err, wubu.EINVALID)
			err = dm.SaveDutyManager(w.ctx(w.desk), pid, "workday", &w.duty.ID)
			wantSecCode(t, err, wubu.EFORBIDDEN)
		})

		// An escalation to "the duty manager" at night: the one rostered.
		clock.Set(time.Date(2026, 11, 27, 21, 0, 0, 0, cst).UTC())
		hs := sqlstore.NewHazardService(db, w.clocks)
		h := &wubu.Hazard{ProjectID: pid, Place: "5栋电梯厅", Description: "消防门闭门器坏了", Severity: wubu.SeverityHigh}
		if err := hs.ReportHazard(w.ctx(w.guard), h, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := hs.AssignHazard(w.ctx(w.manager), h.ID, wubu.HazardAssignment{AssigneeID: w.guard.ID, Due: clock.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Hour + time.Second)
		w.run(t)
		clock.Add(2 * time.Hour) // 00:00, the escalation to the duty manager
		w.run(t)
		escalated := func(u *wubu.User) bool {
			msgs, _, err := w.outbox.Inbox(w.ctx(u), false, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range msgs {
				if m.Kind == "clock_escalation" && m.ObjectType == "hazard" {
					return true
				}
			}
			return false
		}
		if !escalated(w.duty2) || escalated(w.duty) {
			t.Fatalf("the night's escalation: rostered %v, other %v; want only the rostered one", escalated(w.duty2), escalated(w.duty))
		}

		// With nobody rostered, every duty manager hears.
		if err := dm.SaveDutyManager(admin, pid, "workday", nil); err != nil {
			t.Fatal(err)
		}
		clock.Set(time.Date(2026, 11, 30, 21, 0, 0, 0, cst).UTC()) // Monday night
		h2 := &wubu.Hazard{ProjectID: pid, Place: "5栋车库", Description: "灭火器过期", Severity: wubu.SeverityHigh}
		if err := hs.ReportHazard(w.ctx(w.guard), h2, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := hs.AssignHazard(w.ctx(w.manager), h2.ID, wubu.HazardAssignment{AssigneeID: w.guard.ID, Due: clock.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Hour + time.Second)
		w.run(t)
		clock.Add(2 * time.Hour)
		w.run(t)
		if !escalated(w.duty) {
			t.Fatal("with nobody rostered, the duty managers did not hear")
		}

		// The coming week: Monday to Friday have nobody now; flagged.
		week, err := dm.DutyManagerWeek(w.ctx(w.desk), pid, time.Date(2026, 11, 30, 12, 0, 0, 0, cst), 7)
		if err != nil {
			t.Fatal(err)
		}
		missing := 0
		for _, d := range week {
			if d.Missing {
				missing++
			}
		}
		if missing != 5 {
			t.Fatalf("missing days: %d, want the 5 working days (%+v)", missing, week)
		}
		items, err := sqlstore.NewComplaintAgenda(db).Agenda(w.ctx(w.manager), clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		flagged := 0
		for _, it := range items {
			if it.Kind == "duty_roster" {
				flagged++
			}
		}
		if flagged == 0 {
			t.Fatal("the manager's Today does not flag the missing roster days")
		}
	})
}

// TestKeyProfile: a key customer's profile is read by the staff named on
// it and the manager, each read audited; a guard is refused and sees only
// that the resident is a key customer; another project's manager finds
// nothing.
func TestKeyProfile(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newComplaintWorld(t, db, clock)
		ks := sqlstore.NewKeyProfileService(db)
		age := 58
		p := &wubu.KeyProfile{PersonID: w.vip.ID, Age: &age, Occupation: "企业主", Personality: "直爽，讨厌拖延", Preferences: "电话联系，避开午休", StaffIDs: []int64{w.desk.ID}}
		photo := &wubu.Photo{ContentType: "image/png", Data: []byte("\x89PNG\x0D\x0A\x1A\x0Afake")}
		if err := ks.SaveKeyProfile(w.ctx(w.manager), p, photo); err != nil {
			t.Fatal(err)
		}
		t.Run("ErrGuardRefused", func(t *testing.T) {
			_, err := ks.KeyProfile(w.ctx(w.guard), w.vip.ID)
			wantSecCode(t, err, wubu.EFORBIDDEN)
			key, may, err := ks.IsKeyCustomer(w.ctx(w.guard), w.vip.ID)
			if err != nil || !key || may {
				t.Fatalf("the guard: key %v, may read %v, %v; want key customer, not readable", key, may, err)
			}
			if err := ks.SaveKeyProfile(w.ctx(w.desk), p, nil); wubu.ErrorCode(err) != wubu.EFORBIDDEN {
				t.Fatalf("the desk changed the profile: %v", err)
			}
		})
		for _, u := range []*wubu.User{w.desk, w.manager} {
			got, err := ks.KeyProfile(w.ctx(u), w.vip.ID)
			if err != nil || got.Occupation != "企业主" || got.PhotoType != "image/png" || *got.Age != 58 {
				t.Fatalf("%s reads: %+v, %v", u.Login, got, err)
			}
		}
		entries, _, err := sqlstore.NewAuditService(db).FindAuditEntries(w.ctx(w.f.Admin), wubu.AuditFilter{Action: wubu.ActionRead, ObjectType: "key_profile"})
		if err != nil || len(entries) != 2 {
			t.Fatalf("audited reads: %d, %v; want 2 (the refused one reads nothing)", len(entries), err)
		}
		if key, _, err := ks.IsKeyCustomer(w.ctx(w.guard), w.ordinary.ID); err != nil || key {
			// An ordinary resident (importance 0) without a profile.
			t.Fatalf("an ordinary resident is a key customer: %v %v", key, err)
		}
		t.Run("ErrOtherProject", func(t *testing.T) {
			other := w.f.User(t, "othermgr", wubu.RoleManager, wubu.PostNone, w.f.ProjectB)
			_, err := ks.KeyProfile(w.ctx(other), w.vip.ID)
			wantSecCode(t, err, wubu.ENOTFOUND)
		})
	})
}

// TestComplaintDeclaration: the complaint's life cycle passes the check,
// with the quality department as a party of its fast-lane clocks; a party
// the engine does not know is refused.
func TestComplaintDeclaration(t *testing.T) {
	lc := *wubu.ComplaintLifecycle
	if err := lc.Check(); err != nil {
		t.Fatal(err)
	}
	fast, ok := lc.Clock("acknowledge_fast")
	if !ok || !slices.Contains(fast.Breach, wubu.PartyQuality) || !slices.Contains(fast.Breach, wubu.PartyDutyManager) {
		t.Fatalf("the fast lane's acknowledgement breach alerts %v, want the duty manager and the quality department", fast.Breach)
	}
	lc.Clocks = append(slices.Clone(lc.Clocks), wubu.ClockDecl{Kind: "x", Breach: []wubu.Party{"landlord"}})
	if lc.Check() == nil {
		t.Fatal("a clock alerting an unknown party passed the check")
	}
}

// TestComplaintLinksRatesWorkingTime: a complaint links to the hazard it
// caused (not to a missing order, nor to anything else); the month's
// complaints per 100 households; a category counted in working time
// takes its clock over the weekend.
func TestComplaintLinksRatesWorkingTime(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newComplaintWorld(t, db, clock)
		pid := w.f.ProjectA.ID
		c := w.receive(t, w.ordinary, false)

		h := &wubu.Hazard{ProjectID: pid, Place: "5栋门口", Description: "井盖松动", Severity: wubu.SeverityMedium}
		if err := sqlstore.NewHazardService(db, w.clocks).ReportHazard(w.ctx(w.guard), h, nil); err != nil {
			t.Fatal(err)
		}
		c = ok[*wubu.Complaint](t)(w.complaints.LinkComplaint(w.ctx(w.desk), c.ID, wubu.ComplaintLink{ObjectType: "hazard", ObjectID: h.ID}))
		if len(c.Links) != 1 || c.Links[0].ObjectType != "hazard" || c.Links[0].ObjectID != h.ID {
			t.Fatalf("links: %+v", c.Links)
		}
		t.Run("ErrLinks", func(t *testing.T) {
			_, err := w.complaints.LinkComplaint(w.ctx(w.desk), c.ID, wubu.ComplaintLink{ObjectType: "order", ObjectID: 987654})
			wantSecCode(t, err, wubu.ENOTFOUND)
			_, err = w.complaints.LinkComplaint(w.ctx(w.desk), c.ID, wubu.ComplaintLink{ObjectType: "person", ObjectID: w.vip.ID})
			wantSecCode(t, err, wubu.EINVALID)
		})

		// The two owners of 5-1-101 are one household: 1 complaint this
		// month is 100 per 100 households.
		rates, err := w.complaints.Rates(w.ctx(w.manager), pid, 2)
		if err != nil || len(rates) != 2 {
			t.Fatalf("rates: %+v, %v", rates, err)
		}
		if now := rates[1]; now.Month != "2026-11" || now.Complaints != 1 || now.Households != 1 || now.Per100 != 100 {
			t.Fatalf("this month: %+v, want 1 complaint of 1 household: 100 per 100", now)
		}

		// Fees count working time: received on Saturday, acknowledged
		// within 30 working minutes, on Monday.
		set := wubu.DefaultComplaintSettings(pid)
		if err := w.complaints.SaveComplaintSettings(w.ctx(w.manager), set); err != nil {
			t.Fatal(err)
		}
		clock.Set(saturday.UTC())
		fee := &wubu.Complaint{ProjectID: pid, Category: wubu.ComplaintFees, Description: "物业费多收了", PersonID: &w.ordinary.ID}
		if err := w.complaints.ReceiveComplaint(w.ctx(w.desk), fee); err != nil {
			t.Fatal(err)
		}
		d := deadlineOf(t, w.clocks, w.ctx(w.f.Admin), pid, "complaint", fee.ID, "acknowledge")
		if d == nil || d.Basis != wubu.BasisWorking || d.DueAt.In(saturday.Location()).Weekday() != time.Monday {
			t.Fatalf("fees on a Saturday: %+v, want working time, due on Monday", d)
		}
	})
}
