package sqlstore_test

import (
	"context"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestSecurityLeaderMustBeTeamLeader: a building's security leader must be
// a team leader (who can check its new tenants); assigning anyone else is
// refused and writes nothing, and an assignment made before the rule is
// flagged for the manager to fix.
func TestSecurityLeaderMustBeTeamLeader(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		admin := f.Ctx(f.Admin)
		b := &wubu.Building{ProjectID: f.ProjectA.ID, Name: "5"}
		if err := sqlstore.NewOrgService(db).CreateBuilding(admin, b); err != nil {
			t.Fatal(err)
		}
		us := sqlstore.NewUserService(db)
		guard := f.User(t, "guard5", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA)
		lead := f.User(t, "lead5", wubu.RoleTeamLeader, wubu.PostSecurity, f.ProjectA)
		manager := f.Ctx(f.User(t, "mgr5", wubu.RoleManager, wubu.PostNone, f.ProjectA))

		err := us.Assign(manager, &wubu.Assignment{ProjectID: f.ProjectA.ID, BuildingID: b.ID, UserID: guard.ID, Kind: wubu.AssignSecurityLeader})
		if e, ok := err.(*wubu.Error); !ok || e.Code != wubu.EINVALID || e.Field != "user_id" {
			t.Fatalf("a guard as security leader: got %v, want EINVALID on user_id", err)
		}
		if list, _ := us.FindAssignments(manager, f.ProjectA.ID); len(list) != 0 {
			t.Fatalf("the refused assignment was written: %+v", list)
		}
		if err := us.Assign(manager, &wubu.Assignment{ProjectID: f.ProjectA.ID, BuildingID: b.ID, UserID: lead.ID, Kind: wubu.AssignSecurityLeader}); err != nil {
			t.Fatal(err)
		}
		// An assignment from before the rule.
		q := `INSERT INTO building_assignments (project_id, building_id, user_id, kind, created_at) VALUES (?, ?, ?, ?, ?)`
		if db.Dialect == sqlstore.Postgres {
			q = `INSERT INTO building_assignments (project_id, building_id, user_id, kind, created_at) VALUES ($1, $2, $3, $4, $5)`
		}
		if _, err := db.SQL().ExecContext(context.Background(), q, f.ProjectA.ID, b.ID, guard.ID, string(wubu.AssignSecurityLeader), clock.Now()); err != nil {
			t.Fatal(err)
		}
		list, err := us.FindAssignments(manager, f.ProjectA.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("got %+v %v", list, err)
		}
		for _, a := range list {
			if got, want := a.NeedsFix(), a.UserID == guard.ID; got != want {
				t.Errorf("%s: NeedsFix %v, want %v", a.UserLogin, got, want)
			}
		}
	})
}
