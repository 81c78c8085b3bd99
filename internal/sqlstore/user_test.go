package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

func TestUsers(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		us := sqlstore.NewUserService(db)
		admin := f.Ctx(f.Admin)
		mgrA := f.User(t, "mgr_a", wubu.RoleManager, wubu.PostNone, f.ProjectA)
		guardA := f.User(t, "guard_a", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA)
		guardB := f.User(t, "guard_b", wubu.RoleStaff, wubu.PostSecurity, f.ProjectB)
		quality := f.User(t, "quality", wubu.RoleQuality, wubu.PostNone, f.ProjectA, f.ProjectB)

		t.Run("Create", func(t *testing.T) {
			got, err := us.FindUserByID(admin, guardA.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Role != wubu.RoleStaff || got.Post != wubu.PostSecurity || len(got.ProjectIDs) != 1 || got.ProjectIDs[0] != f.ProjectA.ID {
				t.Fatalf("got %+v", got)
			}
			if len(quality.ProjectIDs) != 2 {
				t.Fatalf("quality serves %v, want both projects", quality.ProjectIDs)
			}
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			for name, nu := range map[string]wubu.NewUser{
				"WeakPassword":   {User: wubu.User{Login: "w1", Role: wubu.RoleStaff, Post: wubu.PostCleaning, ProjectIDs: []int64{f.ProjectA.ID}}, Password: "12345"},
				"EmptyPassword":  {User: wubu.User{Login: "w2", Role: wubu.RoleStaff, Post: wubu.PostCleaning, ProjectIDs: []int64{f.ProjectA.ID}}},
				"CommonPassword": {User: wubu.User{Login: "w3", Role: wubu.RoleStaff, Post: wubu.PostCleaning, ProjectIDs: []int64{f.ProjectA.ID}}, Password: "password1"},
				"BadRole":        {User: wubu.User{Login: "w4", Role: "boss", Post: wubu.PostCleaning, ProjectIDs: []int64{f.ProjectA.ID}}, Password: wubutest.Password},
				"BadPost":        {User: wubu.User{Login: "w5", Role: wubu.RoleStaff, Post: "chef", ProjectIDs: []int64{f.ProjectA.ID}}, Password: wubutest.Password},
				"NoProject":      {User: wubu.User{Login: "w6", Role: wubu.RoleStaff, Post: wubu.PostCleaning}, Password: wubutest.Password},
				"BadLogin":       {User: wubu.User{Login: "a b", Role: wubu.RoleStaff, Post: wubu.PostCleaning, ProjectIDs: []int64{f.ProjectA.ID}}, Password: wubutest.Password},
			} {
				t.Run(name, func(t *testing.T) {
					wantCode(t, us.CreateUser(admin, &nu), wubu.EINVALID)
				})
			}
			_, total, _ := us.FindUsers(admin, wubu.UserFilter{})
			if total != 5 {
				t.Fatalf("got %d users after rejected creates, want 5", total)
			}
		})
		t.Run("ErrLoginTaken", func(t *testing.T) {
			nu := &wubu.NewUser{User: wubu.User{Login: "GUARD_A", Role: wubu.RoleStaff, Post: wubu.PostSecurity, ProjectIDs: []int64{f.ProjectA.ID}}, Password: wubutest.Password}
			wantCode(t, us.CreateUser(admin, nu), wubu.ECONFLICT)
		})
		t.Run("ErrUnknownProject", func(t *testing.T) {
			nu := &wubu.NewUser{User: wubu.User{Login: "nobody", Role: wubu.RoleStaff, Post: wubu.PostSecurity, ProjectIDs: []int64{424242}}, Password: wubutest.Password}
			wantCode(t, us.CreateUser(admin, nu), wubu.ENOTFOUND)
		})
		t.Run("ManagerGrants", func(t *testing.T) {
			ctx := f.Ctx(mgrA)
			ok := &wubu.NewUser{User: wubu.User{Login: "tech_a", Role: wubu.RoleStaff, Post: wubu.PostMaintenance, ProjectIDs: []int64{f.ProjectA.ID}}, Password: wubutest.Password}
			if err := us.CreateUser(ctx, ok); err != nil {
				t.Fatal(err)
			}
			escalate := &wubu.NewUser{User: wubu.User{Login: "boss", Role: wubu.RoleAdmin, Post: wubu.PostNone}, Password: wubutest.Password}
			wantCode(t, us.CreateUser(ctx, escalate), wubu.EFORBIDDEN)
			other := &wubu.NewUser{User: wubu.User{Login: "spy", Role: wubu.RoleStaff, Post: wubu.PostSecurity, ProjectIDs: []int64{f.ProjectB.ID}}, Password: wubutest.Password}
			wantCode(t, us.CreateUser(ctx, other), wubu.ENOTFOUND)
			_, err := us.FindUserByID(ctx, guardB.ID)
			wantCode(t, err, wubu.ENOTFOUND)
			list, _, err := us.FindUsers(ctx, wubu.UserFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range list {
				if u.ID == guardB.ID || u.Role == wubu.RoleAdmin {
					t.Fatalf("manager of A sees %s", u.Login)
				}
			}
			role := wubu.RoleAdmin
			_, err = us.UpdateUser(ctx, guardA.ID, wubu.UserUpdate{Role: &role})
			wantCode(t, err, wubu.EFORBIDDEN)
			wantCode(t, us.CreateUser(f.Ctx(guardA), ok), wubu.EFORBIDDEN)
		})
		t.Run("FilterByPost", func(t *testing.T) {
			post := wubu.PostSecurity
			list, total, err := us.FindUsers(admin, wubu.UserFilter{Post: &post, ProjectID: &f.ProjectA.ID})
			if err != nil || total != 1 || list[0].Login != "guard_a" {
				t.Fatalf("got %v %d %v", list, total, err)
			}
			list, _, _ = us.FindUsers(admin, wubu.UserFilter{Query: "GUARD"})
			if len(list) != 2 {
				t.Fatalf("query GUARD found %d, want 2", len(list))
			}
		})
		t.Run("DisableEndsSessions", func(t *testing.T) {
			as := sqlstore.NewAuthService(db)
			token, _, err := as.Login(context.Background(), "guard_a", wubutest.Password, "web")
			if err != nil {
				t.Fatal(err)
			}
			yes := true
			if _, err := us.UpdateUser(admin, guardA.ID, wubu.UserUpdate{Disabled: &yes}); err != nil {
				t.Fatal(err)
			}
			_, _, err = as.Authenticate(context.Background(), token)
			wantCode(t, err, wubu.EUNAUTHORIZED)
			_, _, err = as.Login(context.Background(), "guard_a", wubutest.Password, "web")
			wantCode(t, err, wubu.EUNAUTHORIZED)
			no := false
			if _, err := us.UpdateUser(admin, guardA.ID, wubu.UserUpdate{Disabled: &no}); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("Assignments", func(t *testing.T) {
			org := sqlstore.NewOrgService(db)
			b := &wubu.Building{ProjectID: f.ProjectA.ID, Name: "1"}
			if err := org.CreateBuilding(admin, b); err != nil {
				t.Fatal(err)
			}
			lead := f.User(t, "lead_a", wubu.RoleTeamLeader, wubu.PostSecurity, f.ProjectA)
			asst := f.User(t, "asst_a", wubu.RoleStaff, wubu.PostService, f.ProjectA)
			ctx := f.Ctx(mgrA)
			if err := us.Assign(ctx, &wubu.Assignment{ProjectID: f.ProjectA.ID, BuildingID: b.ID, UserID: lead.ID, Kind: wubu.AssignSecurityLeader}); err != nil {
				t.Fatal(err)
			}
			if err := us.Assign(ctx, &wubu.Assignment{ProjectID: f.ProjectA.ID, BuildingID: b.ID, UserID: asst.ID, Kind: wubu.AssignZoneAssistant}); err != nil {
				t.Fatal(err)
			}
			wantCode(t, us.Assign(ctx, &wubu.Assignment{ProjectID: f.ProjectA.ID, BuildingID: b.ID, UserID: lead.ID, Kind: wubu.AssignSecurityLeader}), wubu.ECONFLICT)
			wantCode(t, us.Assign(ctx, &wubu.Assignment{ProjectID: f.ProjectA.ID, BuildingID: b.ID, UserID: asst.ID, Kind: wubu.AssignSecurityLeader}), wubu.EINVALID)
			wantCode(t, us.Assign(ctx, &wubu.Assignment{ProjectID: f.ProjectA.ID, BuildingID: b.ID, UserID: guardB.ID, Kind: wubu.AssignSecurityLeader}), wubu.ENOTFOUND)
			wantCode(t, us.Assign(f.Ctx(guardA), &wubu.Assignment{ProjectID: f.ProjectA.ID, BuildingID: b.ID, UserID: guardA.ID, Kind: wubu.AssignSecurityLeader}), wubu.EFORBIDDEN)
			list, err := us.FindAssignments(ctx, f.ProjectA.ID)
			if err != nil || len(list) != 2 || list[0].BuildingName != "1" {
				t.Fatalf("got %v %v", list, err)
			}
			if err := us.Unassign(ctx, *list[0]); err != nil {
				t.Fatal(err)
			}
			wantCode(t, us.Unassign(ctx, *list[0]), wubu.ENOTFOUND)
		})
		t.Run("SetPassword", func(t *testing.T) {
			as := sqlstore.NewAuthService(db)
			wantCode(t, us.ChangePassword(f.Ctx(guardA), wubutest.Password, "short"), wubu.EINVALID)
			if err := us.ChangePassword(f.Ctx(guardA), wubutest.Password, "NewPass2026"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := as.Login(context.Background(), "guard_a", "NewPass2026", "web"); err != nil {
				t.Fatal(err)
			}
			wantCode(t, us.SetPassword(f.Ctx(guardA), guardB.ID, "NewPass2026"), wubu.EFORBIDDEN)
		})
	})
}

func TestAuth(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		guard := f.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA)
		as := sqlstore.NewAuthService(db)
		ctx := wubu.NewContextWithRequestInfo(context.Background(), wubu.RequestInfo{IP: "127.0.0.9"})

		t.Run("LoginLogout", func(t *testing.T) {
			token, u, err := as.Login(ctx, " Guard ", wubutest.Password, "web")
			if err != nil || u.ID != guard.ID {
				t.Fatalf("got %v %v", u, err)
			}
			got, sess, err := as.Authenticate(ctx, token)
			if err != nil || got.ID != guard.ID || sess.IP != "127.0.0.9" {
				t.Fatalf("got %v %v %v", got, sess, err)
			}
			if err := as.Logout(ctx, token); err != nil {
				t.Fatal(err)
			}
			_, _, err = as.Authenticate(ctx, token)
			wantCode(t, err, wubu.EUNAUTHORIZED)
		})
		t.Run("WrongPasswordSameAsUnknownLogin", func(t *testing.T) {
			_, _, err1 := as.Login(ctx, "guard", "WrongPass1", "web")
			_, _, err2 := as.Login(ctx, "nobody", "WrongPass1", "web")
			wantCode(t, err1, wubu.EUNAUTHORIZED)
			if wubu.ErrorMessage(err1) != wubu.ErrorMessage(err2) {
				t.Fatalf("got %q and %q, want one message for both", wubu.ErrorMessage(err1), wubu.ErrorMessage(err2))
			}
		})
		t.Run("IdleTimeout", func(t *testing.T) {
			token, _, err := as.Login(ctx, "guard", wubutest.Password, "web")
			if err != nil {
				t.Fatal(err)
			}
			clock.Add(wubu.IdleTimeout - time.Minute)
			if _, _, err := as.Authenticate(ctx, token); err != nil {
				t.Fatalf("session ended before its idle timeout: %v", err)
			}
			clock.Add(wubu.IdleTimeout - time.Minute) // used a minute ago: extended
			if _, _, err := as.Authenticate(ctx, token); err != nil {
				t.Fatalf("session not extended by use: %v", err)
			}
			clock.Add(wubu.IdleTimeout)
			_, _, err = as.Authenticate(ctx, token)
			wantCode(t, err, wubu.EUNAUTHORIZED)
		})
		t.Run("MaxAge", func(t *testing.T) {
			token, _, _ := as.Login(ctx, "guard", wubutest.Password, "api")
			for range 16 {
				clock.Add(wubu.IdleTimeout - time.Hour)
				as.Authenticate(ctx, token)
			}
			_, _, err := as.Authenticate(ctx, token)
			wantCode(t, err, wubu.EUNAUTHORIZED)
		})
		t.Run("Throttle", func(t *testing.T) {
			clock.Add(2 * wubu.LoginWindow)
			for range wubu.MaxFailedLogins {
				_, _, err := as.Login(ctx, "guard", "WrongPass1", "web")
				wantCode(t, err, wubu.EUNAUTHORIZED)
			}
			// The right password from this address waits out the delay.
			_, _, err := as.Login(ctx, "guard", wubutest.Password, "web")
			wantCode(t, err, wubu.ETOOMANYREQUEST)
			clock.Add(wubu.LoginFirstDelay + time.Second)
			if _, _, err := as.Login(ctx, "guard", wubutest.Password, "web"); err != nil {
				t.Fatalf("still throttled after the delay: %v", err)
			}
		})
		t.Run("AuditedSignIns", func(t *testing.T) {
			entries, _, err := sqlstore.NewAuditService(db).FindAuditEntries(f.Ctx(f.Admin), wubu.AuditFilter{Action: wubu.ActionLoginFailed})
			if err != nil || len(entries) < wubu.MaxFailedLogins {
				t.Fatalf("got %d failed sign-ins in the audit log, want ≥ %d (%v)", len(entries), wubu.MaxFailedLogins, err)
			}
			if entries[0].IP != "127.0.0.9" {
				t.Fatalf("got IP %q", entries[0].IP)
			}
		})
	})
}

func TestAudit(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		au := sqlstore.NewAuditService(db)
		mgrA := f.User(t, "mgr_a", wubu.RoleManager, wubu.PostNone, f.ProjectA)
		guardA := f.User(t, "guard_a", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA)
		org := sqlstore.NewOrgService(db)
		clock.Add(time.Hour)
		org.CreateZone(f.Ctx(f.Admin), &wubu.Zone{ProjectID: f.ProjectA.ID, Name: "A1"})
		org.CreateZone(f.Ctx(f.Admin), &wubu.Zone{ProjectID: f.ProjectB.ID, Name: "B1"})
		if err := au.RecordRead(f.Ctx(mgrA), f.ProjectA.ID, "person", "17", "id_number"); err != nil {
			t.Fatal(err)
		}

		t.Run("ScopedToProjects", func(t *testing.T) {
			entries, _, err := au.FindAuditEntries(f.Ctx(mgrA), wubu.AuditFilter{ObjectType: "zone"})
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 || *entries[0].ProjectID != f.ProjectA.ID {
				t.Fatalf("manager of A got %+v", entries)
			}
			_, _, err = au.FindAuditEntries(f.Ctx(mgrA), wubu.AuditFilter{ProjectID: &f.ProjectB.ID})
			wantCode(t, err, wubu.ENOTFOUND)
			_, _, err = au.FindAuditEntries(f.Ctx(guardA), wubu.AuditFilter{})
			wantCode(t, err, wubu.EFORBIDDEN)
		})
		t.Run("SensitiveRead", func(t *testing.T) {
			entries, _, err := au.FindAuditEntries(f.Ctx(f.Admin), wubu.AuditFilter{Action: wubu.ActionRead, Login: "mgr_a"})
			if err != nil || len(entries) != 1 || entries[0].Field != "id_number" || entries[0].ObjectID != "17" {
				t.Fatalf("got %+v %v", entries, err)
			}
		})
		t.Run("ByTime", func(t *testing.T) {
			from := wubutest.Start.Add(30 * time.Minute)
			entries, _, err := au.FindAuditEntries(f.Ctx(f.Admin), wubu.AuditFilter{From: &from})
			if err != nil || len(entries) != 3 {
				t.Fatalf("got %d entries after %v, want 3 (%v)", len(entries), from, err)
			}
		})
		t.Run("AppendOnly", func(t *testing.T) {
			if _, err := db.SQL().Exec(`UPDATE audit_log SET login = 'x'`); err == nil {
				t.Fatal("audit rows could be updated")
			}
			if _, err := db.SQL().Exec(`DELETE FROM audit_log`); err == nil {
				t.Fatal("audit rows could be deleted")
			}
		})
	})
}
