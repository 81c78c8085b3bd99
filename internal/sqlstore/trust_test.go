package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestAccountTakeoverAcrossProjects is finding 1 of issue 12: a manager of
// project A could reset the password of, change the role of, or disable an
// account that also serves project B, then sign in as it and read B.
func TestAccountTakeoverAcrossProjects(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		us := sqlstore.NewUserService(db)
		mgrA := f.User(t, "mgr_a", wubu.RoleManager, wubu.PostNone, f.ProjectA)
		both := f.User(t, "svc_ab", wubu.RoleStaff, wubu.PostService, f.ProjectA, f.ProjectB)
		onlyA := f.User(t, "svc_a", wubu.RoleStaff, wubu.PostService, f.ProjectA)
		ctx := f.Ctx(mgrA)

		wantCode(t, us.SetPassword(ctx, both.ID, "Taken0ver2026"), wubu.EFORBIDDEN)
		role, disabled := wubu.RoleTeamLeader, true
		_, err := us.UpdateUser(ctx, both.ID, wubu.UserUpdate{Role: &role})
		wantCode(t, err, wubu.EFORBIDDEN)
		_, err = us.UpdateUser(ctx, both.ID, wubu.UserUpdate{Disabled: &disabled})
		wantCode(t, err, wubu.EFORBIDDEN)
		onlyAProjects := []int64{f.ProjectA.ID}
		_, err = us.UpdateUser(ctx, both.ID, wubu.UserUpdate{ProjectIDs: &onlyAProjects})
		wantCode(t, err, wubu.EFORBIDDEN)
		if _, _, err := sqlstore.NewAuthService(db).Login(context.Background(), "svc_ab", "Taken0ver2026", "web"); wubu.ErrorCode(err) != wubu.EUNAUTHORIZED {
			t.Fatalf("signed in with the password a manager of A set: %v", err)
		}
		got, err := us.FindUserByID(f.Ctx(f.Admin), both.ID)
		if err != nil || got.Role != wubu.RoleStaff || got.Disabled || len(got.ProjectIDs) != 2 {
			t.Fatalf("account changed: %+v %v", got, err)
		}

		// Accounts wholly within A stay the manager's to run; but not
		// into B, nor to a role the manager may not grant.
		if err := us.SetPassword(ctx, onlyA.ID, "Reset2026abc"); err != nil {
			t.Fatal(err)
		}
		if _, err := us.UpdateUser(ctx, onlyA.ID, wubu.UserUpdate{Role: &role}); err != nil {
			t.Fatal(err)
		}
		intoB := []int64{f.ProjectA.ID, f.ProjectB.ID}
		_, err = us.UpdateUser(ctx, onlyA.ID, wubu.UserUpdate{ProjectIDs: &intoB})
		wantCode(t, err, wubu.ENOTFOUND)
		manager := wubu.RoleManager
		_, err = us.UpdateUser(ctx, onlyA.ID, wubu.UserUpdate{Role: &manager})
		wantCode(t, err, wubu.EFORBIDDEN)
		// The admin may act on any account.
		if err := us.SetPassword(f.Ctx(f.Admin), both.ID, "Reset2026abc"); err != nil {
			t.Fatal(err)
		}
	})
}

// TestChangePasswordAsksCurrent is finding 8: changing one's own password
// needs the current one, so a borrowed session cannot lock its owner out.
func TestChangePasswordAsksCurrent(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		us := sqlstore.NewUserService(db)
		guard := f.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA)
		ctx := f.Ctx(guard)
		wantCode(t, us.ChangePassword(ctx, "", "Stolen2026abc"), wubu.EINVALID)
		err := us.ChangePassword(ctx, "NotMine2026", "Stolen2026abc")
		wantCode(t, err, wubu.EINVALID)
		if e := wubu.AsError(err); e == nil || e.Field != "current_password" {
			t.Fatalf("got %v, want an error on current_password", err)
		}
		// Nor through the manager's way, for oneself.
		mgr := f.User(t, "mgr", wubu.RoleManager, wubu.PostNone, f.ProjectA)
		wantCode(t, us.SetPassword(f.Ctx(mgr), mgr.ID, "Stolen2026abc"), wubu.EINVALID)
		if err := us.ChangePassword(ctx, wubutest.Password, "Mine2026abcd"); err != nil {
			t.Fatal(err)
		}
		as := sqlstore.NewAuthService(db)
		if _, _, err := as.Login(context.Background(), "guard", "Mine2026abcd", "web"); err != nil {
			t.Fatal(err)
		}
	})
}

// TestSignInThrottleParallel is finding 3: 30 simultaneous wrong passwords
// for one login were all checked (limit 5), the count being read and
// written in separate steps.
func TestSignInThrottleParallel(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		f.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA)
		as := sqlstore.NewAuthService(db)
		ctx := wubu.NewContextWithRequestInfo(context.Background(), wubu.RequestInfo{IP: "203.0.113.7"})
		var wg sync.WaitGroup
		codes := make(chan string, 30)
		for range 30 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, err := as.Login(ctx, "guard", "WrongPass1", "web")
				codes <- wubu.ErrorCode(err)
			}()
		}
		wg.Wait()
		close(codes)
		count := map[string]int{}
		for c := range codes {
			count[c]++
		}
		if count[wubu.EUNAUTHORIZED] != wubu.MaxFailedLogins || count[wubu.ETOOMANYREQUEST] != 30-wubu.MaxFailedLogins {
			t.Fatalf("got %v, want %d passwords checked and the rest refused", count, wubu.MaxFailedLogins)
		}
	})
}

// TestSignInThrottleNoLockout is finding 4: failures locked a login for
// everyone, and an address's failures locked every login from it. Now the
// right password from another address gets in, delays grow with each
// failure, and an address that fails many logins waits too.
func TestSignInThrottleNoLockout(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		f.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA)
		f.User(t, "clerk", wubu.RoleStaff, wubu.PostService, f.ProjectA)
		as := sqlstore.NewAuthService(db)
		from := func(ip string) context.Context {
			return wubu.NewContextWithRequestInfo(context.Background(), wubu.RequestInfo{IP: ip})
		}
		attacker, office := from("198.51.100.66"), from("10.0.0.5")
		for range wubu.MaxFailedLogins {
			_, _, err := as.Login(attacker, "guard", "WrongPass1", "web")
			wantCode(t, err, wubu.EUNAUTHORIZED)
		}
		_, _, err := as.Login(attacker, "guard", "WrongPass1", "web")
		wantCode(t, err, wubu.ETOOMANYREQUEST)
		if _, _, err := as.Login(office, "guard", wubutest.Password, "web"); err != nil {
			t.Fatalf("the right password from another address was refused: %v", err)
		}
		// Growing delays: each failure after the free ones doubles the wait.
		clock.Add(wubu.LoginFirstDelay)
		_, _, err = as.Login(attacker, "guard", "WrongPass1", "web")
		wantCode(t, err, wubu.EUNAUTHORIZED)
		clock.Add(wubu.LoginFirstDelay)
		_, _, err = as.Login(attacker, "guard", "WrongPass1", "web")
		wantCode(t, err, wubu.ETOOMANYREQUEST)
		clock.Add(wubu.LoginFirstDelay)
		_, _, err = as.Login(attacker, "guard", "WrongPass1", "web")
		wantCode(t, err, wubu.EUNAUTHORIZED)
		if d := wubu.LoginDelay(40, wubu.MaxFailedLogins); d != wubu.LoginMaxDelay {
			t.Fatalf("delay after 40 failures %v, want the cap %v", d, wubu.LoginMaxDelay)
		}

		// Spraying many logins from one address: after MaxFailedPerIP
		// failures the address waits, whatever login it tries.
		clock.Add(2 * wubu.LoginWindow)
		spray := from("192.0.2.1")
		for i := range wubu.MaxFailedPerIP {
			_, _, err := as.Login(spray, "nobody"+string(rune('a'+i%26))+string(rune('a'+i/26)), "WrongPass1", "web")
			wantCode(t, err, wubu.EUNAUTHORIZED)
		}
		_, _, err = as.Login(spray, "clerk", wubutest.Password, "web")
		wantCode(t, err, wubu.ETOOMANYREQUEST)
		if _, _, err := as.Login(office, "clerk", wubutest.Password, "web"); err != nil {
			t.Fatalf("clerk refused from the office: %v", err)
		}
		clock.Add(wubu.LoginFirstDelay + time.Second)
		if _, _, err := as.Login(spray, "clerk", wubutest.Password, "web"); err != nil {
			t.Fatalf("still refused after the delay: %v", err)
		}
	})
}
