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
