package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestSessionCache checks that a server's cache of authenticated sessions
// never outlives what ends a session in the same process: signing out,
// disabling the account, a new password, a new role; and that the
// session's own limits still apply to a cached session.
func TestSessionCache(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		db.CacheSessions(time.Hour) // longer than the test: only flushes end entries
		f := wubutest.NewFixture(t, db)
		auth := sqlstore.NewAuthService(db)
		users := sqlstore.NewUserService(db)
		ctx := context.Background()
		guard := f.User(t, "cache_guard", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA)
		login := func() string {
			t.Helper()
			tok, _, err := auth.Login(ctx, guard.Login, "Wubu2026!", "web")
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		authed := func(tok string) (*wubu.User, bool) {
			t.Helper()
			u, _, err := auth.Authenticate(ctx, tok)
			if err != nil && wubu.ErrorCode(err) != wubu.EUNAUTHORIZED {
				t.Fatal(err)
			}
			return u, err == nil
		}

		tok := login()
		if _, ok := authed(tok); !ok {
			t.Fatal("a new session is refused")
		}
		if _, ok := authed(tok); !ok {
			t.Fatal("a cached session is refused")
		}
		if err := auth.Logout(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if _, ok := authed(tok); ok {
			t.Error("a cached session serves after signing out")
		}

		// A new role shows at once.
		tok = login()
		authed(tok)
		leader := wubu.RoleTeamLeader
		if _, err := users.UpdateUser(f.Ctx(f.Admin), guard.ID, wubu.UserUpdate{Role: &leader}); err != nil {
			t.Fatal(err)
		}
		if u, ok := authed(tok); !ok || u.Role != wubu.RoleTeamLeader {
			t.Errorf("after the change of role: %v, %v", u, ok)
		}

		// A new password ends the session; so does disabling the account.
		if err := users.SetPassword(f.Ctx(f.Admin), guard.ID, "Wubu2026!new"); err != nil {
			t.Fatal(err)
		}
		if _, ok := authed(tok); ok {
			t.Error("a cached session serves after a new password")
		}
		tok, _, err := auth.Login(ctx, guard.Login, "Wubu2026!new", "web")
		if err != nil {
			t.Fatal(err)
		}
		authed(tok)
		disabled := true
		if _, err := users.UpdateUser(f.Ctx(f.Admin), guard.ID, wubu.UserUpdate{Disabled: &disabled}); err != nil {
			t.Fatal(err)
		}
		if _, ok := authed(tok); ok {
			t.Error("a cached session serves after the account is disabled")
		}

		// The idle limit applies to a cached session: the cache holds an
		// entry no longer than the session's last use is fresh.
		enabled := false
		if _, err := users.UpdateUser(f.Ctx(f.Admin), guard.ID, wubu.UserUpdate{Disabled: &enabled}); err != nil {
			t.Fatal(err)
		}
		tok, _, err = auth.Login(ctx, guard.Login, "Wubu2026!new", "web")
		if err != nil {
			t.Fatal(err)
		}
		authed(tok)
		clock.Add(wubu.IdleTimeout + time.Minute)
		if _, ok := authed(tok); ok {
			t.Error("a cached session serves past the idle limit")
		}
	})
}

// TestPortalSessionCache: with the server's cache of sessions on, a
// resident's session still ends at once in this process when the resident
// signs out, ends their other devices, or staff end their sessions; and a
// cached session still ends at its 30 days.
func TestPortalSessionCache(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		db.CacheSessions(time.Hour) // longer than the test: only flushes end entries
		w := newPortalWorld(t, db, clock)
		bg := context.Background()
		signIn := func(addr string) string {
			t.Helper()
			tok, _, err := w.auth.VerifyCode(bg, w.bPhone, w.code(t, addr, w.bPhone))
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		live := func(tok string) bool {
			t.Helper()
			id, err := w.auth.Authenticate(bg, tok)
			if err != nil && wubu.ErrorCode(err) != wubu.EUNAUTHORIZED {
				t.Fatal(err)
			}
			return err == nil && id.PersonID == w.ownerB.ID
		}
		t1, t2 := signIn("10.6.6.1"), signIn("10.6.6.2")
		if !live(t1) || !live(t1) || !live(t2) {
			t.Fatal("new sessions refused")
		}
		// The homes a cached identity carries are the resident's own copy.
		id1, _ := w.auth.Authenticate(bg, t1)
		id1.Homes[0].RoomID = -1
		if id, _ := w.auth.Authenticate(bg, t1); id.Homes[0].RoomID == -1 {
			t.Fatal("a caller changed the cached homes")
		}
		if err := w.auth.EndSessions(w.identity(t, t1)); err != nil {
			t.Fatal(err)
		}
		if live(t2) {
			t.Error("a cached session serves after the resident ended their other devices")
		}
		if !live(t1) {
			t.Fatal("the current device was signed out with the others")
		}
		if err := w.auth.Logout(bg, t1); err != nil {
			t.Fatal(err)
		}
		if live(t1) {
			t.Error("a cached session serves after signing out")
		}
		t3 := signIn("10.6.6.3")
		live(t3)
		if err := w.auth.EndPersonSessions(w.assistantCtx, w.ownerB.ID); err != nil {
			t.Fatal(err)
		}
		if live(t3) {
			t.Error("a cached session serves after staff ended the resident's sessions")
		}
		t4 := signIn("10.6.6.4")
		clock.Add(wubu.PortalSessionAge - 30*time.Second)
		if !live(t4) || !live(t4) {
			t.Fatal("day 29")
		}
		clock.Add(time.Minute)
		if live(t4) {
			t.Error("a cached session serves after its 30 days")
		}
	})
}
