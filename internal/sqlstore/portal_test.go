package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// portalWorld is a project with two rooms: room A (3-1-101) with its owner,
// the owner's wife (on the owner's number too) and a tenant; room B
// (3-1-102) with its own owner; and the owner of A owns room C (3-1-201)
// as well, let to nobody.
type portalWorld struct {
	f      *wubutest.Fixture
	db     *sqlstore.DB
	clock  *wubutest.Clock
	clocks *sqlstore.ClockService
	auth   *sqlstore.PortalAuth
	portal *sqlstore.PortalService

	roomA, roomB, roomC               *wubu.Room
	ownerA, wifeA, tenantA, ownerB    *wubu.Person
	guard, assistant, tech, techLead  *wubu.User
	guardCtx, assistantCtx, adminCtx  context.Context
	ownerAPhone, tenantPhone, bPhone  string
	ownerACtx, tenantCtx, ownerBCtx   context.Context
	ownerAHome, ownerCHome, ownerBHom int64
}

func newPortalWorld(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) *portalWorld {
	t.Helper()
	f := wubutest.NewFixture(t, db)
	w := &portalWorld{f: f, db: db, clock: clock, clocks: newClocks(t, db), auth: sqlstore.NewPortalAuth(db),
		ownerAPhone: "13900001111", tenantPhone: "13900002222", bPhone: "13900003333"}
	w.portal = sqlstore.NewPortalService(db, w.clocks)
	w.adminCtx = f.Ctx(f.Admin)
	org := sqlstore.NewOrgService(db)
	if _, err := org.GenerateRooms(w.adminCtx, wubu.RoomGeneration{ProjectID: f.ProjectA.ID, Building: "3", Units: 1, FirstFloor: 1, Floors: 2, PerFloor: 2}); err != nil {
		t.Fatal(err)
	}
	room := func(label string) *wubu.Room {
		rooms, _, err := org.FindRooms(w.adminCtx, wubu.RoomFilter{ProjectID: f.ProjectA.ID, Label: &label})
		if err != nil || len(rooms) != 1 {
			t.Fatalf("room %s: %v %v", label, rooms, err)
		}
		return rooms[0]
	}
	w.roomA, w.roomB, w.roomC = room("3-1-101"), room("3-1-102"), room("3-1-201")
	rs := sqlstore.NewResidentService(db)
	person := func(name, phone string, room *wubu.Room, rel wubu.Relation) *wubu.Person {
		p := &wubu.Person{ProjectID: f.ProjectA.ID, Name: name, Phones: []string{phone}}
		if err := rs.CreatePersonInRoom(w.adminCtx, p, &wubu.Household{RoomID: room.ID, Relation: rel}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	w.ownerA = person("张业主", w.ownerAPhone, w.roomA, wubu.RelationOwner)
	if err := rs.AddHousehold(w.adminCtx, &wubu.Household{ProjectID: f.ProjectA.ID, PersonID: w.ownerA.ID, RoomID: w.roomC.ID, Relation: wubu.RelationOwner}); err != nil {
		t.Fatal(err)
	}
	w.wifeA = person("王女士", w.ownerAPhone, w.roomA, wubu.RelationFamily)
	w.tenantA = person("李租户", w.tenantPhone, w.roomA, wubu.RelationTenant)
	w.ownerB = person("赵业主", w.bPhone, w.roomB, wubu.RelationOwner)
	w.guard = f.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA)
	w.assistant = f.User(t, "assistant", wubu.RoleStaff, wubu.PostService, f.ProjectA)
	w.tech = f.User(t, "tech", wubu.RoleStaff, wubu.PostMaintenance, f.ProjectA)
	w.techLead = f.User(t, "techlead", wubu.RoleTeamLeader, wubu.PostMaintenance, f.ProjectA)
	w.guardCtx, w.assistantCtx = f.Ctx(w.guard), f.Ctx(w.assistant)
	w.ownerACtx = w.signIn(t, w.ownerAPhone, w.ownerA.ID)
	w.tenantCtx = w.signIn(t, w.tenantPhone, 0)
	w.ownerBCtx = w.signIn(t, w.bPhone, 0)
	return w
}

// code asks for a code for the number from the address and returns it.
func (w *portalWorld) code(t *testing.T, ip, phone string) string {
	t.Helper()
	ctx := wubu.NewContextWithRequestInfo(context.Background(), wubu.RequestInfo{IP: ip})
	if _, err := w.auth.RequestCode(ctx, phone); err != nil {
		t.Fatalf("code for %s: %v", phone, err)
	}
	code, _, err := sqlstore.PortalCodeSent(context.Background(), w.db, phone)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// signIn signs in with the number (choosing the person when given) and
// returns the resident's context, as the portal guard makes it.
func (w *portalWorld) signIn(t *testing.T, phone string, personID int64) context.Context {
	t.Helper()
	token, _, err := w.auth.VerifyCode(context.Background(), phone, w.code(t, "10.1.1.1", phone))
	if err != nil {
		t.Fatal(err)
	}
	if personID != 0 {
		if err := w.auth.Choose(context.Background(), token, personID); err != nil {
			t.Fatal(err)
		}
	}
	return w.identity(t, token)
}

func (w *portalWorld) identity(t *testing.T, token string) context.Context {
	t.Helper()
	id, err := w.auth.Authenticate(context.Background(), token)
	if err != nil || id.PersonID == 0 {
		t.Fatalf("authenticate: %+v %v", id, err)
	}
	return wubu.NewContextWithPortalIdentity(context.Background(), id)
}

// TestPortalSignInCodes (issue 15 item 1): only registered numbers, never
// placeholders; a code works once and for 5 minutes; wrong codes burn it;
// at most 5 codes an hour per number; an address asking for many codes is
// slowed, not refused; one number's persons are chosen among; the session
// lasts 30 days and ends by the resident's or the staff's hand.
func TestPortalSignInCodes(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newPortalWorld(t, db, clock)
		bg := context.Background()
		t.Run("ErrUnknownNumber", func(t *testing.T) {
			_, err := w.auth.RequestCode(bg, "13911112222")
			if wubu.ErrorCode(err) != wubu.EINVALID || wubu.ErrorMessage(err) != "This number is not registered with a service centre: ask your service centre to register this number." {
				t.Fatalf("got %v", err)
			}
			for _, p := range []string{"18999999999", "13800138000", "13888888888", "1234"} {
				if _, err := w.auth.RequestCode(bg, p); wubu.ErrorCode(err) != wubu.EINVALID {
					t.Fatalf("%s: got %v, want invalid", p, err)
				}
			}
		})
		t.Run("ExpiryAndReuse", func(t *testing.T) {
			code := w.code(t, "10.2.2.2", w.bPhone)
			if _, _, err := w.auth.VerifyCode(bg, w.bPhone, "12345"); wubu.ErrorCode(err) != wubu.EINVALID {
				t.Fatalf("malformed code: %v", err)
			}
			token, cands, err := w.auth.VerifyCode(bg, w.bPhone, code)
			if err != nil || len(cands) != 1 || cands[0].PersonID != w.ownerB.ID {
				t.Fatalf("verify: %v %+v", err, cands)
			}
			if _, _, err := w.auth.VerifyCode(bg, w.bPhone, code); wubu.ErrorMessage(err) != "This code has been used already: ask for a new code." {
				t.Fatalf("reuse: got %v", err)
			}
			id, err := w.auth.Authenticate(bg, token)
			if err != nil || id.PersonID != w.ownerB.ID || len(id.Homes) != 1 || id.Homes[0].RoomID != w.roomB.ID {
				t.Fatalf("identity: %+v %v", id, err)
			}
			code = w.code(t, "10.2.2.2", w.bPhone)
			clock.Add(wubu.PortalCodeTTL)
			if _, _, err := w.auth.VerifyCode(bg, w.bPhone, code); wubu.ErrorMessage(err) != "This code has expired: ask for a new code." {
				t.Fatalf("expired: got %v", err)
			}
			// Wrong codes burn the live one.
			code = w.code(t, "10.2.2.2", w.bPhone)
			wrong := "000000"
			if code == wrong {
				wrong = "000001"
			}
			for range wubu.PortalCodeTries {
				if _, _, err := w.auth.VerifyCode(bg, w.bPhone, wrong); wubu.ErrorCode(err) != wubu.EINVALID {
					t.Fatalf("wrong code: %v", err)
				}
			}
			if _, _, err := w.auth.VerifyCode(bg, w.bPhone, code); wubu.ErrorCode(err) != wubu.EINVALID {
				t.Fatalf("a burnt code worked: %v", err)
			}
		})
		t.Run("ErrTooManyPerNumber", func(t *testing.T) {
			clock.Add(2 * time.Hour)
			for i := range wubu.PortalCodesPerHour {
				w.code(t, "10.3.3."+string(rune('1'+i)), w.tenantPhone)
			}
			_, err := w.auth.RequestCode(bg, w.tenantPhone)
			if wubu.ErrorCode(err) != wubu.ETOOMANYREQUEST {
				t.Fatalf("sixth code: got %v", err)
			}
			clock.Add(time.Hour)
			w.code(t, "10.3.3.9", w.tenantPhone)
		})
		t.Run("AddressDelayNotRefusal", func(t *testing.T) {
			clock.Add(2 * time.Hour)
			w.auth.AddressFree = 2
			defer func() { w.auth.AddressFree = wubu.PortalAddressFree }()
			ctx := wubu.NewContextWithRequestInfo(bg, wubu.RequestInfo{IP: "10.9.9.9"})
			var waits []time.Duration
			for _, p := range []string{w.ownerAPhone, w.tenantPhone, w.bPhone, w.ownerAPhone} {
				sent, err := w.auth.RequestCode(ctx, p)
				if err != nil {
					t.Fatalf("code for %s: %v", p, err)
				}
				_, notBefore, err := sqlstore.PortalCodeSent(bg, db, p)
				if err != nil {
					t.Fatal(err)
				}
				if !sent.SendAt.Equal(notBefore.UTC()) && sent.SendAt.After(clock.Now()) {
					t.Fatalf("the SMS leaves at %v, the answer says %v", notBefore, sent.SendAt)
				}
				waits = append(waits, sent.SendAt.Sub(clock.Now()))
			}
			if waits[0] != 0 || waits[1] != 0 || waits[2] != 2*time.Second || waits[3] != 4*time.Second {
				t.Fatalf("waits %v, want 0 0 2s 4s", waits)
			}
		})
		t.Run("ChooseAmongPersons", func(t *testing.T) {
			clock.Add(2 * time.Hour)
			token, cands, err := w.auth.VerifyCode(bg, w.ownerAPhone, w.code(t, "10.4.4.4", w.ownerAPhone))
			if err != nil || len(cands) != 2 {
				t.Fatalf("candidates: %+v %v", cands, err)
			}
			if id, err := w.auth.Authenticate(bg, token); err != nil || id.PersonID != 0 {
				t.Fatalf("before choosing: %+v %v", id, err)
			}
			if err := w.auth.Choose(bg, token, w.ownerB.ID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
				t.Fatalf("choosing another number's person: %v", err)
			}
			if err := w.auth.Choose(bg, token, w.ownerA.ID); err != nil {
				t.Fatal(err)
			}
			id, err := w.auth.Authenticate(bg, token)
			if err != nil || id.PersonID != w.ownerA.ID || len(id.Homes) != 2 || !id.Owns(w.roomA.ID) || !id.Owns(w.roomC.ID) {
				t.Fatalf("owner's homes: %+v %v", id, err)
			}
		})
		t.Run("SessionsEnd", func(t *testing.T) {
			clock.Add(2 * time.Hour)
			t1, _, err := w.auth.VerifyCode(bg, w.bPhone, w.code(t, "10.5.5.5", w.bPhone))
			if err != nil {
				t.Fatal(err)
			}
			t2, _, err := w.auth.VerifyCode(bg, w.bPhone, w.code(t, "10.5.5.6", w.bPhone))
			if err != nil {
				t.Fatal(err)
			}
			ctx1 := w.identity(t, t1)
			ss, err := w.auth.Sessions(ctx1)
			if err != nil || len(ss) < 2 {
				t.Fatalf("sessions: %v %v", ss, err)
			}
			if err := w.auth.EndSessions(ctx1); err != nil {
				t.Fatal(err)
			}
			if _, err := w.auth.Authenticate(bg, t2); wubu.ErrorCode(err) != wubu.EUNAUTHORIZED {
				t.Fatalf("signed out elsewhere: %v", err)
			}
			// Another resident cannot end B's session.
			if err := w.auth.EndSession(w.tenantCtx, wubu.PortalIdentityFromContext(ctx1).SessionID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
				t.Fatalf("another's session: %v", err)
			}
			// Staff of another project do not see the resident; staff of
			// the project end every session.
			outsider := w.f.User(t, "outsider", wubu.RoleStaff, wubu.PostService, w.f.ProjectB)
			if err := w.auth.EndPersonSessions(w.f.Ctx(outsider), w.ownerB.ID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
				t.Fatalf("outsider: %v", err)
			}
			if err := w.auth.EndPersonSessions(w.assistantCtx, w.ownerB.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := w.auth.Authenticate(bg, t1); wubu.ErrorCode(err) != wubu.EUNAUTHORIZED {
				t.Fatalf("ended by staff: %v", err)
			}
			// Thirty days, then sign in again.
			t3, _, err := w.auth.VerifyCode(bg, w.bPhone, w.code(t, "10.5.5.7", w.bPhone))
			if err != nil {
				t.Fatal(err)
			}
			clock.Add(wubu.PortalSessionAge - time.Minute)
			if _, err := w.auth.Authenticate(bg, t3); err != nil {
				t.Fatalf("day 29: %v", err)
			}
			clock.Add(time.Minute)
			if _, err := w.auth.Authenticate(bg, t3); wubu.ErrorCode(err) != wubu.EUNAUTHORIZED {
				t.Fatalf("day 30: %v", err)
			}
		})
	})
}

// TestPortalHomesScope: a resident sees their own households with members,
// vehicles and cards of their side; another household is not found; a
// tenant sees the room they rent, not the owner's other home.
func TestPortalHomesScope(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newPortalWorld(t, db, clock)
		homes, err := w.portal.Homes(w.ownerACtx)
		if err != nil || len(homes) != 2 {
			t.Fatalf("owner's homes: %+v %v", homes, err)
		}
		if len(homes[0].Members) != 3 {
			t.Fatalf("members of 3-1-101: %+v", homes[0].Members)
		}
		tenantHomes, err := w.portal.Homes(w.tenantCtx)
		if err != nil || len(tenantHomes) != 1 || tenantHomes[0].RoomID != w.roomA.ID {
			t.Fatalf("tenant's homes: %+v %v", tenantHomes, err)
		}
		for _, h := range homes {
			if _, err := w.portal.Home(w.ownerBCtx, h.HouseholdID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
				t.Fatalf("room B's owner opens A's household %d: %v", h.HouseholdID, err)
			}
			if h.RoomID == w.roomC.ID {
				if _, err := w.portal.Home(w.tenantCtx, h.HouseholdID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
					t.Fatalf("the tenant opens the owner's other home: %v", err)
				}
			}
		}
		if _, err := w.portal.Homes(w.assistantCtx); wubu.ErrorCode(err) != wubu.EFORBIDDEN {
			t.Fatalf("staff on the portal's service: %v", err)
		}
	})
}
