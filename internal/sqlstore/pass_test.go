package sqlstore_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// securityWorld is a project with a building, an owner and a tenant of one
// room, and the people of the security post's flows.
type securityWorld struct {
	f                                          *wubutest.Fixture
	db                                         *sqlstore.DB
	clock                                      *wubutest.Clock
	clocks                                     *sqlstore.ClockService
	passes                                     *sqlstore.PassService
	tenants                                    *sqlstore.TenantService
	incidents                                  *sqlstore.IncidentService
	notifier                                   *fakeNotifier
	agenda                                     *sqlstore.SecurityAgenda
	guard, assistant, leader, duty, manager    *wubu.User
	outsider                                   *wubu.User
	room                                       *wubu.Room
	building                                   *wubu.Building
	owner, tenant                              *wubu.Person
	guardCtx, assistantCtx, leaderCtx, dutyCtx context.Context
}

// fakeNotifier records the notifications asked for.
type fakeNotifier struct {
	mu   sync.Mutex
	sent []wubu.Notification
}

func (n *fakeNotifier) Notify(ctx context.Context, ns ...wubu.Notification) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, ns...)
	return nil
}

func newSecurityWorld(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) *securityWorld {
	t.Helper()
	f := wubutest.NewFixture(t, db)
	w := &securityWorld{f: f, db: db, clock: clock, clocks: newClocks(t, db), notifier: &fakeNotifier{}}
	w.passes = sqlstore.NewPassService(db, w.clocks)
	w.tenants = sqlstore.NewTenantService(db, w.clocks)
	w.incidents = sqlstore.NewIncidentService(db, w.clocks, w.notifier)
	w.agenda = sqlstore.NewSecurityAgenda(db)
	admin := f.Ctx(f.Admin)
	org := sqlstore.NewOrgService(db)
	res, err := org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: f.ProjectA.ID, Building: "3", Units: 1, FirstFloor: 1, Floors: 2, PerFloor: 2})
	if err != nil {
		t.Fatal(err)
	}
	w.building = res.Building
	label := "3-1-101"
	rooms, _, err := org.FindRooms(admin, wubu.RoomFilter{ProjectID: f.ProjectA.ID, Label: &label})
	if err != nil || len(rooms) != 1 {
		t.Fatalf("room 3-1-101: %v %v", rooms, err)
	}
	w.room = rooms[0]
	rs := sqlstore.NewResidentService(db)
	w.owner = &wubu.Person{ProjectID: f.ProjectA.ID, Name: "张业主", Phones: []string{"13800001111"}}
	if err := rs.CreatePersonInRoom(admin, w.owner, &wubu.Household{RoomID: w.room.ID, Relation: wubu.RelationOwner}); err != nil {
		t.Fatal(err)
	}
	w.tenant = &wubu.Person{ProjectID: f.ProjectA.ID, Name: "李租户", Phones: []string{"13800002222"}}
	if err := rs.CreatePersonInRoom(admin, w.tenant, &wubu.Household{RoomID: w.room.ID, Relation: wubu.RelationTenant}); err != nil {
		t.Fatal(err)
	}
	w.guard = f.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA)
	w.assistant = f.User(t, "assistant", wubu.RoleStaff, wubu.PostService, f.ProjectA)
	w.leader = f.User(t, "leader", wubu.RoleTeamLeader, wubu.PostSecurity, f.ProjectA)
	w.duty = f.User(t, "duty", wubu.RoleDutyManager, wubu.PostNone, f.ProjectA)
	w.manager = f.User(t, "manager", wubu.RoleManager, wubu.PostNone, f.ProjectA)
	w.outsider = f.User(t, "outsider", wubu.RoleStaff, wubu.PostService, f.ProjectB)
	w.guardCtx, w.assistantCtx, w.leaderCtx, w.dutyCtx = f.Ctx(w.guard), f.Ctx(w.assistant), f.Ctx(w.leader), f.Ctx(w.duty)
	return w
}

// wantCode fails unless err has the code.
func wantSecCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := wubu.ErrorCode(err); got != code {
		t.Fatalf("got %v (%s), want %s", err, got, code)
	}
}

// timelineKinds returns the kinds on a person's timeline, oldest first.
func timelineKinds(t *testing.T, db *sqlstore.DB, ctx context.Context, personID int64) []string {
	t.Helper()
	entries, err := sqlstore.NewResidentService(db).Timeline(ctx, personID, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(entries) - 1; i >= 0; i-- {
		out = append(out, entries[i].Kind)
	}
	return out
}

// TestPassGateToRelease follows passes from the gate to release, and one to
// a refusal, with every illegal step refused.
func TestPassGateToRelease(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newSecurityWorld(t, db, clock)
		pid := w.f.ProjectA.ID

		t.Run("ErrInvalid", func(t *testing.T) {
			for name, np := range map[string]wubu.NewPass{
				"items":       {ProjectID: pid, Room: "3-1-101", PersonID: &w.owner.ID, Items: []string{" ", ""}, Gate: "东门"},
				"gate":        {ProjectID: pid, Room: "3-1-101", PersonID: &w.owner.ID, Items: []string{"沙发"}},
				"room":        {ProjectID: pid, Room: "9-9-909", PersonID: &w.owner.ID, Items: []string{"沙发"}, Gate: "东门"},
				"person_name": {ProjectID: pid, Room: "3-1-101", Items: []string{"沙发"}, Gate: "东门"},
			} {
				_, err := w.passes.StartPass(w.guardCtx, &np)
				wantSecCode(t, err, wubu.EINVALID)
				if e := wubu.AsError(err); e.Field != name {
					t.Errorf("%s: got field %q", name, e.Field)
				}
			}
		})

		p, err := w.passes.StartPass(w.guardCtx, &wubu.NewPass{ProjectID: pid, Room: "3栋1单元101", PersonID: &w.owner.ID, Items: []string{"沙发 1 张\n冰箱 1 台", "纸箱 3 个"}, Gate: "东门"})
		if err != nil {
			t.Fatal(err)
		}
		if p.State != wubu.PassPending || p.Relation != wubu.RelationOwner || p.RoomLabel != "3-1-101" || len(p.Items) != 3 || p.PersonName != "张业主" {
			t.Fatalf("got pass %+v", p)
		}
		if p.Deadline == nil || !p.Deadline.DueAt.Equal(wubutest.Start.Add(wubu.PassConfirmWithin)) {
			t.Fatalf("got deadline %+v, want due in 15 minutes", p.Deadline)
		}
		if err := w.passes.AddPassPhoto(w.guardCtx, p.ID, "image/png", testPNG); err != nil {
			t.Fatal(err)
		}
		if ct, data, err := w.passes.PassPhoto(w.assistantCtx, p.ID, 0); err != nil || ct != "image/png" || len(data) == 0 {
			t.Fatalf("photo: %q %d %v", ct, len(data), err)
		}

		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := w.passes.FindPassByID(w.f.Ctx(w.outsider), p.ID)
			wantSecCode(t, err, wubu.ENOTFOUND)
			_, err = w.passes.ConfirmPass(w.f.Ctx(w.outsider), p.ID, wubu.PassConfirmation{Method: wubu.PassOwnerPresent})
			wantSecCode(t, err, wubu.ENOTFOUND)
		})
		t.Run("ErrReleaseBeforeConfirm", func(t *testing.T) {
			_, err := w.passes.ReleasePass(w.guardCtx, p.ID, "")
			wantSecCode(t, err, wubu.ECONFLICT)
		})
		t.Run("ErrGuardConfirms", func(t *testing.T) {
			_, err := w.passes.ConfirmPass(w.guardCtx, p.ID, wubu.PassConfirmation{Method: wubu.PassOwnerPresent})
			wantSecCode(t, err, wubu.EFORBIDDEN)
		})

		clock.Add(3 * time.Minute)
		p, err = w.passes.ConfirmPass(w.assistantCtx, p.ID, wubu.PassConfirmation{Method: wubu.PassOwnerPresent, Note: "本人业主"})
		if err != nil {
			t.Fatal(err)
		}
		if p.State != wubu.PassConfirmed || p.DecidedByName != "assistant" || p.ConfirmMethod != wubu.PassOwnerPresent || p.OwnerName != "张业主" {
			t.Fatalf("got confirmed pass %+v", p)
		}
		if p.Deadline == nil || p.Deadline.State != wubu.DeadlineMet {
			t.Fatalf("got deadline %+v, want met", p.Deadline)
		}
		_, err = w.passes.ConfirmPass(w.assistantCtx, p.ID, wubu.PassConfirmation{Method: wubu.PassOwnerPresent})
		wantSecCode(t, err, wubu.ECONFLICT)
		_, err = w.passes.RefusePass(w.assistantCtx, p.ID, "晚了")
		wantSecCode(t, err, wubu.ECONFLICT)

		clock.Add(time.Minute)
		p, err = w.passes.ReleasePass(w.guardCtx, p.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if p.State != wubu.PassReleased || p.ReleaseGate != "东门" || p.ReleasedAt == nil || !p.ReleasedAt.Equal(wubutest.Start.Add(4*time.Minute)) || p.ReleasedByName != "guard" {
			t.Fatalf("got released pass %+v", p)
		}
		_, err = w.passes.ReleasePass(w.guardCtx, p.ID, "")
		wantSecCode(t, err, wubu.ECONFLICT)

		// A second pass is refused, with its reason; its goods may not leave.
		p2, err := w.passes.StartPass(w.guardCtx, &wubu.NewPass{ProjectID: pid, RoomID: w.room.ID, PersonID: &w.owner.ID, Items: []string{"电视"}, Gate: "北门"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.passes.RefusePass(w.assistantCtx, p2.ID, "  ")
		wantSecCode(t, err, wubu.EINVALID)
		p2, err = w.passes.RefusePass(w.assistantCtx, p2.ID, "业主电话中说电视不搬")
		if err != nil {
			t.Fatal(err)
		}
		if p2.State != wubu.PassRefused || p2.DecisionNote != "业主电话中说电视不搬" || p2.DecidedAt == nil {
			t.Fatalf("got refused pass %+v", p2)
		}
		_, err = w.passes.ReleasePass(w.guardCtx, p2.ID, "")
		wantSecCode(t, err, wubu.ECONFLICT)
		if e := wubu.AsError(err); !strings.Contains(e.Format, "refused") {
			t.Errorf("got %q, want the refusal named", e.Format)
		}

		// Everything is on the resident's timeline and in the audit log.
		kinds := timelineKinds(t, db, w.assistantCtx, w.owner.ID)
		for _, want := range []string{"pass.started", "pass.confirmed", "pass.released", "pass.refused"} {
			if !slices.Contains(kinds, want) {
				t.Errorf("timeline %v lacks %s", kinds, want)
			}
		}
		entries, _, err := sqlstore.NewAuditService(db).FindAuditEntries(w.f.Ctx(w.f.Admin), wubu.AuditFilter{ObjectType: "pass"})
		// Two starts, the photo, the confirmation, the release, the refusal.
		if err != nil || len(entries) != 6 {
			t.Fatalf("got %d audit entries for passes (%v), want 6", len(entries), err)
		}
		list, total, err := w.passes.FindPasses(w.assistantCtx, wubu.PassFilter{ProjectID: pid})
		if err != nil || total != 2 || len(list) != 2 || list[0].ID != p2.ID {
			t.Fatalf("got list %v %d %v", list, total, err)
		}
	})
}

// TestPassTenantNeedsOwner: a tenant's pass cannot be confirmed on the
// tenant's word; an owner's phone call confirms it.
func TestPassTenantNeedsOwner(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newSecurityWorld(t, db, clock)
		p, err := w.passes.StartPass(w.guardCtx, &wubu.NewPass{ProjectID: w.f.ProjectA.ID, RoomID: w.room.ID, PersonID: &w.tenant.ID, Items: []string{"床垫"}, Gate: "东门"})
		if err != nil {
			t.Fatal(err)
		}
		if p.Relation != wubu.RelationTenant || !p.NeedsOwner() {
			t.Fatalf("got relation %q", p.Relation)
		}
		_, err = w.passes.ConfirmPass(w.assistantCtx, p.ID, wubu.PassConfirmation{Method: wubu.PassOwnerPresent})
		wantSecCode(t, err, wubu.EINVALID)
		if e := wubu.AsError(err); e.Field != "method" || !strings.Contains(e.Message(), "李租户 is not an owner of room 3-1-101") {
			t.Fatalf("got %v, want the tenant named", e.Message())
		}
		_, err = w.passes.ConfirmPass(w.assistantCtx, p.ID, wubu.PassConfirmation{Method: wubu.PassOwnerPhone})
		wantSecCode(t, err, wubu.EINVALID)
		_, err = w.passes.ConfirmPass(w.assistantCtx, p.ID, wubu.PassConfirmation{Method: wubu.PassOwnerPhone, OwnerPersonID: &w.tenant.ID})
		wantSecCode(t, err, wubu.EINVALID)
		if got, _ := w.passes.FindPassByID(w.guardCtx, p.ID); got.State != wubu.PassPending {
			t.Fatalf("a refused confirmation changed the pass: %s", got.State)
		}
		found, err := w.passes.FindPassByID(w.assistantCtx, p.ID)
		if err != nil || len(found.Owners) != 1 || found.Owners[0].PersonID != w.owner.ID {
			t.Fatalf("got owners %+v %v", found.Owners, err)
		}
		p, err = w.passes.ConfirmPass(w.assistantCtx, p.ID, wubu.PassConfirmation{Method: wubu.PassOwnerPhone, OwnerPersonID: &w.owner.ID, Note: "业主电话确认"})
		if err != nil {
			t.Fatal(err)
		}
		if p.State != wubu.PassConfirmed || p.ConfirmMethod != wubu.PassOwnerPhone || p.OwnerName != "张业主" || p.DecidedByName != "assistant" {
			t.Fatalf("got %+v", p)
		}
		if kinds := timelineKinds(t, db, w.assistantCtx, w.owner.ID); !slices.Contains(kinds, "pass.owner_confirmed") {
			t.Errorf("owner's timeline %v lacks the confirmation", kinds)
		}
		if _, err := w.passes.ReleasePass(w.guardCtx, p.ID, "北门"); err != nil {
			t.Fatal(err)
		}
	})
}

// TestPassClockOnAgenda: a pass nobody answers breaches its clock and shows
// overdue on the service centre's agenda.
func TestPassClockOnAgenda(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newSecurityWorld(t, db, clock)
		p, err := w.passes.StartPass(w.guardCtx, &wubu.NewPass{ProjectID: w.f.ProjectA.ID, RoomID: w.room.ID, PersonID: &w.owner.ID, Items: []string{"柜子"}, Gate: "东门"})
		if err != nil {
			t.Fatal(err)
		}
		items, err := w.agenda.Agenda(w.assistantCtx, clock.Now())
		if err != nil || len(items) != 1 || items[0].Kind != "pass" || items[0].Overdue || items[0].Urgency != wubu.UrgencyHigh {
			t.Fatalf("got agenda %+v %v", items, err)
		}
		if items, _ := w.agenda.Agenda(w.guardCtx, clock.Now()); len(items) != 0 {
			t.Fatalf("the guard's agenda has %+v", items)
		}
		clock.Add(16 * time.Minute)
		if _, err := w.clocks.RunDue(w.f.Ctx(w.f.Admin)); err != nil {
			t.Fatal(err)
		}
		found, _ := w.passes.FindPassByID(w.assistantCtx, p.ID)
		if found.Deadline.State != wubu.DeadlineBreached {
			t.Fatalf("got deadline %s, want breached", found.Deadline.State)
		}
		items, _ = w.agenda.Agenda(w.assistantCtx, clock.Now())
		if len(items) != 1 || !items[0].Overdue || items[0].Urgency != wubu.UrgencyCritical {
			t.Fatalf("got agenda %+v, want the pass overdue", items)
		}
	})
}

// TestTenantRegistration: a new tenant goes from the guard to the superior,
// stalls there and escalates, then is checked and filed into the registry.
func TestTenantRegistration(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newSecurityWorld(t, db, clock)
		pid := w.f.ProjectA.ID
		if err := sqlstore.NewUserService(db).Assign(w.f.Ctx(w.f.Admin), &wubu.Assignment{ProjectID: pid, BuildingID: w.building.ID, UserID: w.leader.ID, Kind: wubu.AssignSecurityLeader}); err != nil {
			t.Fatal(err)
		}
		t.Run("ErrInvalid", func(t *testing.T) {
			for field, nt := range map[string]wubu.NewTenant{
				"id_number": {ProjectID: pid, Room: "3-1-102", Name: "王租户", Phone: "13900003333", IDNumber: "110105194912310021", MoveIn: "2026-11-27"},
				"phone":     {ProjectID: pid, Room: "3-1-102", Name: "王租户", Phone: "12345", MoveIn: "2026-11-27"},
				"move_in":   {ProjectID: pid, Room: "3-1-102", Name: "王租户", Phone: "13900003333", MoveIn: "27/11/2026"},
				"room":      {ProjectID: pid, Room: "3-9-999", Name: "王租户", Phone: "13900003333", MoveIn: "2026-11-27"},
				"name":      {ProjectID: pid, Room: "3-1-102", Phone: "13900003333", MoveIn: "2026-11-27"},
			} {
				_, err := w.tenants.RegisterTenant(w.guardCtx, &nt)
				wantSecCode(t, err, wubu.EINVALID)
				if e := wubu.AsError(err); e.Field != field {
					t.Errorf("%s: got field %q (%s)", field, e.Field, e.Message())
				}
			}
		})
		reg, err := w.tenants.RegisterTenant(w.guardCtx, &wubu.NewTenant{ProjectID: pid, Room: "3-1-102", Name: "王租户", Phone: "139 0000 3333", IDNumber: "11010519491231002X", MoveIn: "2026-11-27"})
		if err != nil {
			t.Fatal(err)
		}
		if reg.State != wubu.TenantSubmitted || reg.SuperiorID == nil || *reg.SuperiorID != w.leader.ID || reg.Phone != "139****3333" || !reg.Masked {
			t.Fatalf("got %+v", reg)
		}
		agendaOf := func(ctx context.Context) []wubu.AgendaItem {
			items, err := w.agenda.Agenda(ctx, clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			return items
		}
		if items := agendaOf(w.leaderCtx); len(items) != 1 || items[0].Kind != "tenant_registration" || items[0].Overdue {
			t.Fatalf("got the superior's agenda %+v", items)
		}
		if items := agendaOf(w.dutyCtx); len(items) != 0 {
			t.Fatalf("the duty manager sees %+v before the step stalls", items)
		}
		_, err = w.tenants.CheckTenant(w.assistantCtx, reg.ID)
		wantSecCode(t, err, wubu.EFORBIDDEN)
		_, err = w.tenants.FileTenant(w.assistantCtx, reg.ID)
		wantSecCode(t, err, wubu.ECONFLICT)

		// The superior does not check it: the step stalls and escalates.
		admin := w.f.Ctx(w.f.Admin)
		clock.Add(wubu.TenantCheckWithin + time.Minute)
		if _, err := w.clocks.RunDue(admin); err != nil {
			t.Fatal(err)
		}
		reg, _ = w.tenants.FindTenantByID(w.leaderCtx, reg.ID)
		if reg.Deadline == nil || reg.Deadline.State != wubu.DeadlineBreached || !slices.Contains(reg.Deadline.BreachNotify, "user:"+idStr(w.leader.ID)) {
			t.Fatalf("got deadline %+v, want breached alerting the superior", reg.Deadline)
		}
		if items := agendaOf(w.dutyCtx); len(items) != 1 || !items[0].Overdue || items[0].Urgency != wubu.UrgencyCritical {
			t.Fatalf("got the duty manager's agenda %+v, want the stalled step", items)
		}
		clock.Add(wubu.TenantCheckWithin)
		if _, err := w.clocks.RunDue(admin); err != nil {
			t.Fatal(err)
		}
		reg, _ = w.tenants.FindTenantByID(w.leaderCtx, reg.ID)
		if reg.Deadline.State != wubu.DeadlineEscalated || reg.Deadline.Level != 1 {
			t.Fatalf("got deadline %+v, want escalated to the manager", reg.Deadline)
		}
		if items := agendaOf(w.f.Ctx(w.manager)); len(items) != 1 {
			t.Fatalf("got the manager's agenda %+v", items)
		}

		// Checked at last: the assistant's step starts.
		reg, err = w.tenants.CheckTenant(w.leaderCtx, reg.ID)
		if err != nil {
			t.Fatal(err)
		}
		if reg.State != wubu.TenantChecked || reg.CheckedByName != "leader" || reg.Deadline == nil || reg.Deadline.Kind != "file" {
			t.Fatalf("got %+v", reg)
		}
		check, err := w.clocks.FindDeadline(admin, wubu.DeadlineKey{ProjectID: pid, ObjectType: "tenant_registration", ObjectID: idStr(reg.ID), Kind: "check"})
		if err != nil || check.State != wubu.DeadlineMissed {
			t.Fatalf("got check clock %+v %v, want missed", check, err)
		}
		if items := agendaOf(w.assistantCtx); len(items) != 1 || items[0].Title != "New tenant %s (%s) waits to be filed" {
			t.Fatalf("got the assistant's agenda %+v", items)
		}
		_, err = w.tenants.CheckTenant(w.leaderCtx, reg.ID)
		wantSecCode(t, err, wubu.ECONFLICT)
		reg, err = w.tenants.FileTenant(w.assistantCtx, reg.ID)
		if err != nil {
			t.Fatal(err)
		}
		if reg.State != wubu.TenantFiled || reg.PersonID == nil || reg.FiledByName != "assistant" {
			t.Fatalf("got %+v", reg)
		}
		res, err := sqlstore.NewResidentService(db).FindResident(w.assistantCtx, *reg.PersonID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Name != "王租户" || len(res.Households) != 1 || res.Households[0].Relation != wubu.RelationTenant || res.Households[0].RoomLabel != "3-1-102" || res.Households[0].MoveIn != "2026-11-27" {
			t.Fatalf("got resident %+v %+v", res.Person, res.Households)
		}
		full, err := sqlstore.NewResidentService(db).RevealPersonField(w.assistantCtx, *reg.PersonID, "id_number")
		if err != nil || len(full) != 1 || full[0] != "11010519491231002X" {
			t.Fatalf("got ID %v %v: the archive needs the full number", full, err)
		}
		if kinds := timelineKinds(t, db, w.assistantCtx, *reg.PersonID); !slices.Contains(kinds, "tenant.filed") {
			t.Errorf("timeline %v lacks the filing", kinds)
		}
		_, err = w.tenants.FileTenant(w.assistantCtx, reg.ID)
		wantSecCode(t, err, wubu.ECONFLICT)
		_, err = w.tenants.RejectTenant(w.leaderCtx, reg.ID, "重复")
		wantSecCode(t, err, wubu.ECONFLICT)
		if items := agendaOf(w.assistantCtx); len(items) != 0 {
			t.Fatalf("a filed registration stays on the agenda: %+v", items)
		}

		// A registration sent back.
		other, err := w.tenants.RegisterTenant(w.guardCtx, &wubu.NewTenant{ProjectID: pid, RoomID: w.room.ID, Name: "赵租户", Phone: "13900004444", MoveIn: "2026-12-01"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.tenants.RejectTenant(w.leaderCtx, other.ID, "")
		wantSecCode(t, err, wubu.EINVALID)
		if other, err = w.tenants.RejectTenant(w.leaderCtx, other.ID, "身份证未核实"); err != nil || other.State != wubu.TenantRejected {
			t.Fatalf("got %+v %v", other, err)
		}
	})
}

// TestIncidentEscalation: an incident alerts the superior at once, escalates
// twice while nobody acknowledges it, and stops when someone does.
func TestIncidentEscalation(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newSecurityWorld(t, db, clock)
		pid := w.f.ProjectA.ID
		admin := w.f.Ctx(w.f.Admin)
		_, err := w.incidents.ReportIncident(w.guardCtx, &wubu.NewIncident{ProjectID: pid, Kind: "riot", Place: "东门", Description: "x"})
		wantSecCode(t, err, wubu.EINVALID)
		i, err := w.incidents.ReportIncident(w.guardCtx, &wubu.NewIncident{ProjectID: pid, Kind: wubu.IncidentFire, Place: "3栋地下车库", Description: "B2 有烟"})
		if err != nil {
			t.Fatal(err)
		}
		// The one security team leader is the direct superior, alerted at once.
		if i.SuperiorID == nil || *i.SuperiorID != w.leader.ID {
			t.Fatalf("got superior %v, want the team leader", i.SuperiorID)
		}
		if len(w.notifier.sent) != 1 || w.notifier.sent[0].To.UserID != w.leader.ID || !w.notifier.sent[0].Urgent {
			t.Fatalf("got notifications %+v", w.notifier.sent)
		}
		if items, _ := w.agenda.Agenda(w.dutyCtx, clock.Now()); len(items) != 1 || items[0].Kind != "incident" || items[0].Urgency != wubu.UrgencyCritical {
			t.Fatalf("got the duty manager's agenda %+v", items)
		}
		for _, step := range []time.Duration{wubu.IncidentAckWithin, 5 * time.Minute, 10 * time.Minute} {
			clock.Add(step)
			if _, err := w.clocks.RunDue(admin); err != nil {
				t.Fatal(err)
			}
		}
		i, err = w.incidents.FindIncidentByID(w.dutyCtx, i.ID)
		if err != nil {
			t.Fatal(err)
		}
		if i.Deadline.State != wubu.DeadlineEscalated || i.Deadline.Level != 2 {
			t.Fatalf("got deadline %+v, want escalated twice", i.Deadline)
		}
		_, err = w.incidents.AcknowledgeIncident(w.guardCtx, i.ID, "")
		wantSecCode(t, err, wubu.EFORBIDDEN)
		i, err = w.incidents.AcknowledgeIncident(w.dutyCtx, i.ID, "已到场，消防已通知")
		if err != nil {
			t.Fatal(err)
		}
		if i.State != wubu.IncidentAcknowledged || i.AcknowledgedByName != "duty" {
			t.Fatalf("got %+v", i)
		}
		_, err = w.incidents.AcknowledgeIncident(w.leaderCtx, i.ID, "")
		wantSecCode(t, err, wubu.ECONFLICT)
		// Nothing more fires after the acknowledgement.
		clock.Add(time.Hour)
		if n, err := w.clocks.RunDue(admin); err != nil || n != 0 {
			t.Fatalf("fired %d stages after the acknowledgement (%v)", n, err)
		}
		i, _ = w.incidents.FindIncidentByID(w.guardCtx, i.ID)
		var got []string
		for _, e := range i.Log {
			got = append(got, e.Kind+"@"+e.At.Sub(wubutest.Start).String()+":"+e.Notify)
		}
		want := []string{"reported@0s:", "notified@0s:user:" + idStr(w.leader.ID), "breach@5m0s:user:" + idStr(w.leader.ID) + ",role:team_leader:security",
			"escalation@10m0s:role:duty_manager", "escalation@20m0s:role:manager", "acknowledged@20m0s:"}
		if !slices.Equal(got, want) {
			t.Fatalf("got log\n%v\nwant\n%v", got, want)
		}
		if i.Deadline.State != wubu.DeadlineMissed {
			t.Fatalf("got deadline %s, want missed", i.Deadline.State)
		}
		// The agenda: the duty manager who took it keeps it until it closes.
		if items, _ := w.agenda.Agenda(w.dutyCtx, clock.Now()); len(items) != 1 || items[0].Urgency != wubu.UrgencyHigh {
			t.Fatalf("got %+v", items)
		}
		if _, err := w.incidents.CloseIncident(w.dutyCtx, i.ID, "已处理"); err != nil {
			t.Fatal(err)
		}
		if items, _ := w.agenda.Agenda(w.dutyCtx, clock.Now()); len(items) != 0 {
			t.Fatalf("got %+v after closing", items)
		}
	})
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }
