package sqlstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestLobbyHoursByMonthAndBuilding: a month's schedule is read per
// building or for the whole project, each weekly entry with the month's
// dates it falls on; another month's entries stay out; bad input stores
// nothing; another project's building answers not found.
func TestLobbyHoursByMonthAndBuilding(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newVisitWorld(t, db, clock)
		ls := sqlstore.NewLobbyService(db)
		pid := w.f.ProjectA.ID
		as := w.f.Ctx(w.eastAsst)
		t.Run("ErrInvalid", func(t *testing.T) {
			for name, h := range map[string]wubu.LobbyHours{
				"Month":     {ProjectID: pid, BuildingID: w.b1.ID, Month: "12/2026", Weekday: 2, Starts: "19:00", Ends: "21:00", AssistantID: w.eastAsst.ID},
				"Weekday":   {ProjectID: pid, BuildingID: w.b1.ID, Month: "2026-12", Starts: "19:00", Ends: "21:00", AssistantID: w.eastAsst.ID},
				"Date":      {ProjectID: pid, BuildingID: w.b1.ID, Month: "2026-12", Date: "2027-01-02", Starts: "19:00", Ends: "21:00", AssistantID: w.eastAsst.ID},
				"Ends":      {ProjectID: pid, BuildingID: w.b1.ID, Month: "2026-12", Weekday: 2, Starts: "19:00", Ends: "18:00", AssistantID: w.eastAsst.ID},
				"Starts":    {ProjectID: pid, BuildingID: w.b1.ID, Month: "2026-12", Weekday: 2, Starts: "7pm", Ends: "21:00", AssistantID: w.eastAsst.ID},
				"Assistant": {ProjectID: pid, BuildingID: w.b1.ID, Month: "2026-12", Weekday: 2, Starts: "19:00", Ends: "21:00", AssistantID: w.f.User(t, "b_asst", wubu.RoleStaff, wubu.PostService, w.f.ProjectB).ID},
			} {
				if err := ls.AddLobbyHours(as, &h); wubu.ErrorCode(err) != wubu.EINVALID {
					t.Errorf("%s: got %v, want invalid", name, err)
				}
			}
			if list, _ := ls.LobbyHours(as, pid, 0, "2026-12"); len(list) != 0 {
				t.Fatalf("refused entries stored: %+v", list)
			}
		})
		add := func(h wubu.LobbyHours) *wubu.LobbyHours {
			h.ProjectID = pid
			if err := ls.AddLobbyHours(as, &h); err != nil {
				t.Fatal(err)
			}
			return &h
		}
		eastTue := add(wubu.LobbyHours{BuildingID: w.b1.ID, Month: "2026-12", Weekday: 2, Starts: "19:00", Ends: "21:00", AssistantID: w.eastAsst.ID})
		eastSat := add(wubu.LobbyHours{BuildingID: w.b1.ID, Month: "2026-12", Date: "2026-12-12", Starts: "09:30", Ends: "11:30", AssistantID: w.eastAsst.ID})
		westThu := add(wubu.LobbyHours{BuildingID: w.b2.ID, Month: "2026-12", Weekday: 4, Starts: "18:30", Ends: "20:30", AssistantID: w.westAsst.ID})
		add(wubu.LobbyHours{BuildingID: w.b1.ID, Month: "2027-01", Weekday: 2, Starts: "19:00", Ends: "21:00", AssistantID: w.eastAsst.ID})

		b1, err := ls.LobbyHours(as, pid, w.b1.ID, "2026-12")
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, h := range b1 {
			ids = append(ids, h.ID)
		}
		// December 2026: Tuesdays are the 1st, 8th, 15th, 22nd and 29th.
		if want := []int64{eastTue.ID, eastSat.ID}; !slices.Equal(ids, want) {
			t.Fatalf("building 1 in December: %v, want %v", ids, want)
		}
		if diff := cmp.Diff([]string{"2026-12-01", "2026-12-08", "2026-12-15", "2026-12-22", "2026-12-29"}, b1[0].Dates); diff != "" {
			t.Fatalf("Tuesdays (-want +got):\n%s", diff)
		}
		if b1[0].AssistantName != w.eastAsst.Name || b1[0].BuildingName != "1" || b1[0].Starts != "19:00" {
			t.Fatalf("entry: %+v", b1[0])
		}
		all, err := ls.LobbyHours(as, pid, 0, "2026-12")
		if err != nil || len(all) != 3 || all[2].ID != westThu.ID {
			t.Fatalf("the project in December: %+v, %v", all, err)
		}
		if jan, err := ls.LobbyHours(as, pid, w.b1.ID, "2027-01"); err != nil || len(jan) != 1 || len(jan[0].Dates) != 4 {
			t.Fatalf("January: %+v, %v", jan, err)
		}
		if _, err := ls.LobbyHours(as, pid, 0, "December"); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("a bad month: %v", err)
		}
		other := w.f.Ctx(w.f.User(t, "b_mgr", wubu.RoleManager, wubu.PostNone, w.f.ProjectB))
		if _, err := ls.LobbyHours(other, w.f.ProjectB.ID, w.b1.ID, "2026-12"); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("another project's building: %v", err)
		}
		if err := ls.RemoveLobbyHours(other, eastSat.ID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("another project's entry removed: %v", err)
		}
		if err := ls.RemoveLobbyHours(as, eastSat.ID); err != nil {
			t.Fatal(err)
		}
		if b1, _ := ls.LobbyHours(as, pid, w.b1.ID, "2026-12"); len(b1) != 1 {
			t.Fatalf("after the removal: %+v", b1)
		}
	})
}

// TestLobbyVisitsCountedPerAssistant: visits received in the lobbies are
// counted per assistant per month; one with a resident named is on their
// timeline; bad input stores nothing.
func TestLobbyVisitsCountedPerAssistant(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newVisitWorld(t, db, clock)
		ls := sqlstore.NewLobbyService(db)
		pid := w.f.ProjectA.ID
		east, west := w.f.Ctx(w.eastAsst), w.f.Ctx(w.westAsst)
		people := roundTablePeople(t, w, "钱进")
		mustCode(t, ls.LogLobbyVisit(east, &wubu.LobbyVisit{ProjectID: pid, BuildingID: w.b1.ID, Topic: " "}), wubu.EINVALID)
		mustCode(t, ls.LogLobbyVisit(east, &wubu.LobbyVisit{ProjectID: pid, BuildingID: w.b1.ID, Topic: "咨询", At: clock.Now().Add(time.Hour)}), wubu.EINVALID)
		none := int64(987654)
		mustCode(t, ls.LogLobbyVisit(east, &wubu.LobbyVisit{ProjectID: pid, BuildingID: w.b1.ID, Topic: "咨询", PersonID: &none}), wubu.ENOTFOUND)
		// November: two visits to the east assistant (one naming a
		// resident), one to the west; December: one more.
		for _, v := range []struct {
			ctx    context.Context
			visit  wubu.LobbyVisit
			person bool
		}{
			{east, wubu.LobbyVisit{BuildingID: w.b1.ID, Topic: "停车位咨询"}, true},
			{east, wubu.LobbyVisit{BuildingID: w.b1.ID, Topic: "装修申报流程"}, false},
			{west, wubu.LobbyVisit{BuildingID: w.b2.ID, Topic: "物业费发票"}, false},
		} {
			lv := v.visit
			lv.ProjectID = pid
			if v.person {
				lv.PersonID = &people[0].ID
			}
			if err := ls.LogLobbyVisit(v.ctx, &lv); err != nil {
				t.Fatal(err)
			}
		}
		clock.Set(time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC))
		if err := ls.LogLobbyVisit(east, &wubu.LobbyVisit{ProjectID: pid, BuildingID: w.b1.ID, Topic: "门禁卡"}); err != nil {
			t.Fatal(err)
		}
		nov, err := ls.LobbyVisitCounts(east, pid, "2026-11")
		if err != nil {
			t.Fatal(err)
		}
		want := []wubu.LobbyVisitCount{{AssistantID: w.eastAsst.ID, AssistantName: w.eastAsst.Name, Visits: 2}, {AssistantID: w.westAsst.ID, AssistantName: w.westAsst.Name, Visits: 1}}
		if diff := cmp.Diff(want, nov); diff != "" {
			t.Fatalf("November's counts (-want +got):\n%s", diff)
		}
		if dec, err := ls.LobbyVisitCounts(east, pid, "2026-12"); err != nil || len(dec) != 1 || dec[0].Visits != 1 {
			t.Fatalf("December's counts: %+v, %v", dec, err)
		}
		visits, err := ls.FindLobbyVisits(east, pid, "2026-11")
		if err != nil || len(visits) != 3 {
			t.Fatalf("November's visits: %d, %v", len(visits), err)
		}
		if k := timelineKinds(t, db, w.f.Ctx(w.f.Admin), people[0].ID); !slices.Contains(k, "lobby_visit") {
			t.Fatalf("the resident's timeline: %v", k)
		}
	})
}
