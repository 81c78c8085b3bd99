package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// eventPeople adds n residents to the first room of the security org.
func eventPeople(t *testing.T, db *sqlstore.DB, o *securityOrg, n int) []*wubu.Person {
	t.Helper()
	rs := sqlstore.NewResidentService(db)
	var out []*wubu.Person
	for i := range n {
		p := &wubu.Person{ProjectID: o.f.ProjectA.ID, Name: fmt.Sprintf("居民%d", i+1)}
		if err := rs.CreatePersonInRoom(o.f.Ctx(o.f.Admin), p, &wubu.Household{RoomID: o.rooms[i%len(o.rooms)].ID, Relation: wubu.RelationOwner}); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

func openEvent(t *testing.T, es *sqlstore.EventService, ctx context.Context, projectID int64, capacity int, at time.Time) *wubu.Event {
	t.Helper()
	e := &wubu.Event{ProjectID: projectID, Kind: wubu.EventLecture, Topic: "home_safety", Title: "家庭用电安全讲座", Place: "会所二楼", StartsAt: at, Capacity: capacity}
	if err := es.PlanEvent(ctx, e); err != nil {
		t.Fatal(err)
	}
	if _, err := es.OpenEvent(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestEventWaitingList: an event refuses places past its capacity (the
// waiting list), a cancellation gives the place to the first one waiting,
// attendance is taken at the door and is on the attendee's timeline.
func TestEventWaitingList(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		es := sqlstore.NewEventService(db)
		staff := o.f.Ctx(o.f.User(t, "kefu", wubu.RoleStaff, wubu.PostService, o.f.ProjectA))
		people := eventPeople(t, db, o, 4)

		t.Run("ErrInvalid", func(t *testing.T) {
			for name, e := range map[string]wubu.Event{
				"Kind":     {ProjectID: o.f.ProjectA.ID, Title: "x", Place: "x", StartsAt: clock.Now(), Capacity: 1},
				"Topic":    {ProjectID: o.f.ProjectA.ID, Kind: wubu.EventLecture, Title: "x", Place: "x", StartsAt: clock.Now(), Capacity: 1},
				"Capacity": {ProjectID: o.f.ProjectA.ID, Kind: wubu.EventActivity, Title: "x", Place: "x", StartsAt: clock.Now()},
				"Place":    {ProjectID: o.f.ProjectA.ID, Kind: wubu.EventActivity, Title: "x", StartsAt: clock.Now(), Capacity: 1},
			} {
				if err := es.PlanEvent(staff, &e); wubu.ErrorCode(err) != wubu.EINVALID {
					t.Errorf("%s: got %v, want invalid", name, err)
				}
			}
		})

		e := &wubu.Event{ProjectID: o.f.ProjectA.ID, Kind: wubu.EventLecture, Topic: "home_safety", Title: "家庭用电安全讲座", Place: "会所二楼",
			StartsAt: clock.Now().Add(72 * time.Hour), Capacity: 2}
		if err := es.PlanEvent(staff, e); err != nil {
			t.Fatal(err)
		}
		t.Run("ErrNotOpen", func(t *testing.T) {
			_, err := es.SignUp(staff, e.ID, people[0].ID)
			mustCode(t, err, wubu.ECONFLICT)
		})
		if _, err := es.OpenEvent(staff, e.ID); err != nil {
			t.Fatal(err)
		}
		var got []*wubu.Signup
		for _, p := range people[:3] {
			g, err := es.SignUp(staff, e.ID, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, g)
		}
		if got[0].State != wubu.SignupConfirmed || got[1].State != wubu.SignupConfirmed || got[2].State != wubu.SignupWaiting {
			t.Fatalf("states %s %s %s, want confirmed confirmed waiting", got[0].State, got[1].State, got[2].State)
		}
		t.Run("ErrTwice", func(t *testing.T) {
			_, err := es.SignUp(staff, e.ID, people[2].ID)
			mustCode(t, err, wubu.ECONFLICT)
		})
		t.Run("ErrOtherProject", func(t *testing.T) {
			other := o.f.Ctx(o.f.User(t, "kefuB", wubu.RoleStaff, wubu.PostService, o.f.ProjectB))
			_, err := es.SignUp(other, e.ID, people[3].ID)
			mustCode(t, err, wubu.ENOTFOUND)
			_, err = es.FindEvent(other, e.ID)
			mustCode(t, err, wubu.ENOTFOUND)
		})
		t.Run("ErrWaitingAttend", func(t *testing.T) {
			_, err := es.MarkAttended(staff, got[2].ID)
			mustCode(t, err, wubu.ECONFLICT)
		})

		// The first cancels: the one waiting gets the place.
		if _, err := es.CancelSignup(staff, got[0].ID); err != nil {
			t.Fatal(err)
		}
		list, err := es.FindSignups(staff, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if list[0].State != wubu.SignupCancelled || list[2].State != wubu.SignupConfirmed {
			t.Fatalf("after the cancellation: %s, %s", list[0].State, list[2].State)
		}
		// Attendance at the door.
		clock.Add(72 * time.Hour)
		if _, err := es.MarkAttended(staff, got[2].ID); err != nil {
			t.Fatal(err)
		}
		if err := es.AddEventPhoto(staff, e.ID, &wubu.Photo{Data: testPNG}); err != nil {
			t.Fatal(err)
		}
		ev, err := es.FindEvent(staff, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Confirmed != 2 || ev.Waiting != 0 || ev.Attended != 1 || len(ev.Photos) != 1 {
			t.Fatalf("event: confirmed %d waiting %d attended %d photos %d", ev.Confirmed, ev.Waiting, ev.Attended, len(ev.Photos))
		}
		tl, err := sqlstore.NewResidentService(db).Timeline(staff, people[2].ID, 20)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]bool{}
		for _, x := range tl {
			if x.Text == e.Title {
				kinds[x.Kind] = true
			}
		}
		if !kinds["signup.waiting"] || !kinds["signup.confirmed"] || !kinds["signup.attended"] {
			t.Fatalf("timeline: %v", kinds)
		}
		if _, err := es.CloseEvent(staff, e.ID); err != nil {
			t.Fatal(err)
		}
		t.Run("ErrClosed", func(t *testing.T) {
			_, err := es.MarkAttended(staff, got[1].ID)
			mustCode(t, err, wubu.ECONFLICT)
		})
	})
}

// TestEventLastPlaceRace: two sign-ups for the last place at once: one
// gets it, the other waits; and a cancellation racing a sign-up never
// gives more places than the capacity.
func TestEventLastPlaceRace(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		es := sqlstore.NewEventService(db)
		staff := o.f.Ctx(o.f.User(t, "kefu", wubu.RoleStaff, wubu.PostService, o.f.ProjectA))
		people := eventPeople(t, db, o, 5)
		for round := range 5 {
			e := openEvent(t, es, staff, o.f.ProjectA.ID, 2, clock.Now().Add(time.Duration(round+1)*time.Hour))
			first, err := es.SignUp(staff, e.ID, people[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			states := make([]wubu.SignupState, 2)
			errs := make([]error, 2)
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					g, err := es.SignUp(staff, e.ID, people[1+i].ID)
					errs[i] = err
					if g != nil {
						states[i] = g.State
					}
				}()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if !(states[0] == wubu.SignupConfirmed && states[1] == wubu.SignupWaiting || states[0] == wubu.SignupWaiting && states[1] == wubu.SignupConfirmed) {
				t.Fatalf("round %d: states %v, want one confirmed and one waiting", round, states)
			}
			// A cancellation and a new sign-up at once: still two places.
			wg.Add(2)
			go func() {
				defer wg.Done()
				if _, err := es.CancelSignup(staff, first.ID); err != nil {
					t.Error(err)
				}
			}()
			go func() {
				defer wg.Done()
				if _, err := es.SignUp(staff, e.ID, people[3].ID); err != nil {
					t.Error(err)
				}
			}()
			wg.Wait()
			ev, err := es.FindEvent(staff, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Confirmed != 2 || ev.Waiting != 1 {
				t.Fatalf("round %d: confirmed %d waiting %d, want 2 and 1", round, ev.Confirmed, ev.Waiting)
			}
		}
	})
}
