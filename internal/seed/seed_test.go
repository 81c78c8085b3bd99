package seed_test

import (
	"context"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/seed"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

func TestSeed(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		ctx := context.Background()
		res, err := seed.Seed(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Projects) != 2 || res.Rooms < 1000 || len(res.Logins) != len(seed.Logins()) {
			t.Fatalf("got %d projects, %d rooms, %d logins", len(res.Projects), res.Rooms, len(res.Logins))
		}
		// Every post and role has an account that signs in with the demo password.
		posts, roles := map[wubu.Post]bool{}, map[wubu.Role]bool{}
		for _, l := range res.Logins {
			_, u, err := sqlstore.NewAuthService(db).Login(ctx, l.Login, seed.Password, "web")
			if err != nil {
				t.Fatalf("%s: %v", l.Login, err)
			}
			posts[u.Post], roles[u.Role] = true, true
		}
		if len(posts) != len(wubu.Posts) || len(roles) != len(wubu.Roles) {
			t.Fatalf("got posts %v and roles %v, want every one", posts, roles)
		}
		// A second seed refuses and changes nothing.
		if _, err := seed.Seed(ctx, db); wubu.ErrorCode(err) != wubu.ECONFLICT {
			t.Fatalf("second seed: got %v, want ECONFLICT", err)
		}
	})
}
