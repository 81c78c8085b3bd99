package sqlstore_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestGreetingSalutation: residents are addressed as 尊敬的 + surname +
// 先生/女士, children are left out unless asked for, one greeting per home
// when asked for, the preview estimates the SMS cost, and 清明 is refused.
func TestGreetingSalutation(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRulesWorld(t, db)
		gs := sqlstore.NewGreetingService(db, w.outbox)
		rooms, _, _ := sqlstore.NewOrgService(db).FindRooms(w.admin, wubu.RoomFilter{ProjectID: w.f.ProjectA.ID, Limit: 2})
		room := rooms[1].ID
		for _, p := range []*wubu.Person{
			{Name: "欧阳萍", Gender: "f", Phones: []string{"13900139001"}},
			{Name: "万强", Gender: "m", Phones: []string{"13900139002"}},
			{Name: "万小宝", Gender: "m", Birthday: clock.Now().AddDate(-10, 0, 0).Format("2006-01-02"), Phones: []string{"13900139003"}},
		} {
			p.ProjectID = w.f.ProjectA.ID
			if err := w.residents.CreatePersonInRoom(w.admin, p, &wubu.Household{RoomID: room, Relation: wubu.RelationOwner}); err != nil {
				t.Fatal(err)
			}
		}
		manager := w.f.User(t, "mgr", wubu.RoleManager, wubu.PostNone, w.f.ProjectA)
		ctx := w.f.Ctx(manager)
		byRoom := wubu.GreetingAudience{BuildingIDs: []int64{w.building.ID}}
		preview := func(aud wubu.GreetingAudience) *wubu.GreetingPreview {
			t.Helper()
			c := &wubu.GreetingCampaign{ProjectID: w.f.ProjectA.ID, Festival: "christmas", Message: "平安喜乐。", Audience: aud}
			pv, err := gs.PreviewGreeting(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			return pv
		}
		// 王奶奶 (no gender: her full name) and the two adults; not the child.
		pv := preview(byRoom)
		if pv.Count != 3 || !strings.HasPrefix(pv.Text, "尊敬的王奶奶，") {
			t.Fatalf("adults: got %d, %q; want 3, 尊敬的王奶奶", pv.Count, pv.Text)
		}
		if pv.SMSParts != 1 || math.Abs(pv.CostYuan-3*wubu.SMSPriceYuan) > 1e-9 {
			t.Errorf("cost: got %d parts, ¥%.3f; want 1 part, ¥%.3f", pv.SMSParts, pv.CostYuan, 3*wubu.SMSPriceYuan)
		}
		withChildren := byRoom
		withChildren.IncludeChildren = true
		if pv := preview(withChildren); pv.Count != 4 {
			t.Errorf("with children: got %d, want 4", pv.Count)
		}
		perHome := byRoom
		perHome.PerHousehold = true
		perHome.Relations = []wubu.Relation{wubu.RelationOwner}
		if pv := preview(perHome); pv.Count != 2 {
			t.Errorf("per household: got %d, want 2 homes", pv.Count)
		}
		// The household of the second room: 欧阳萍, a compound surname.
		c := &wubu.GreetingCampaign{ProjectID: w.f.ProjectA.ID, Festival: "christmas", Message: "平安喜乐。", Audience: perHome}
		if err := gs.CreateGreeting(ctx, c); err != nil {
			t.Fatal(err)
		}
		if _, err := gs.SendGreetingNow(ctx, c.ProjectID, c.ID); err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, m := range w.messages(t, "festival_greeting") {
			texts = append(texts, m.Body)
		}
		if len(texts) != 2 || !strings.Contains(strings.Join(texts, "|"), "尊敬的欧阳女士及家人，圣诞节快乐！") {
			t.Errorf("sent: got %q, want one a home, 尊敬的欧阳女士及家人 among them", texts)
		}
		// 清明 is a day of mourning.
		qm := &wubu.GreetingCampaign{ProjectID: w.f.ProjectA.ID, Festival: "qingming", Message: "x"}
		var e *wubu.Error
		if _, err := gs.PreviewGreeting(ctx, qm); !errors.As(err, &e) || e.Code != wubu.EINVALID || e.Field != "festival" {
			t.Errorf("清明: got %v, want EINVALID on festival", err)
		}
	})
}
