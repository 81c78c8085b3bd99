package sqlstore_test

import (
	"sync"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestGiftStockConcurrent: hand-outs at the same moment never take the
// stock below zero: of ten asking for the last five, five get one and five
// are told the stock is short.
func TestGiftStockConcurrent(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		admin := o.f.Ctx(o.f.Admin)
		gs := sqlstore.NewGiftService(db)
		rs := sqlstore.NewResidentService(db)
		p := &wubu.Person{ProjectID: o.f.ProjectA.ID, Name: "张三"}
		if err := rs.CreatePersonInRoom(admin, p, &wubu.Household{RoomID: o.rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
			t.Fatal(err)
		}
		it := &wubu.GiftItem{ProjectID: o.f.ProjectA.ID, Name: "灭蟑药", Kind: wubu.GiftPestControl}
		if err := gs.CreateGiftItem(admin, it); err != nil {
			t.Fatal(err)
		}
		if _, err := gs.ReceiveGift(admin, it.ID, 5, "采购"); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 10)
		for range 10 {
			wg.Go(func() {
				_, err := gs.HandOutGift(admin, wubu.GiftHandoutRequest{ItemID: it.ID, PersonID: p.ID})
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		ok, short := 0, 0
		for err := range errs {
			switch wubu.ErrorCode(err) {
			case "":
				ok++
			case wubu.ECONFLICT:
				short++
			default:
				t.Fatalf("hand-out: %v", err)
			}
		}
		items, err := gs.GiftItems(admin, o.f.ProjectA.ID)
		if err != nil || len(items) != 1 || items[0].Stock != 0 || ok != 5 || short != 5 {
			t.Fatalf("stock %+v (%v), %d handed out, %d refused; want 0, 5, 5", items, err, ok, short)
		}
		_, n, _ := gs.GiftMovements(admin, o.f.ProjectA.ID, wubu.GiftFilter{ItemID: it.ID})
		if n != 6 {
			t.Fatalf("register has %d movements, want 6 (a receipt and 5 hand-outs)", n)
		}
		tl, err := rs.Timeline(admin, p.ID, 50)
		if err != nil {
			t.Fatal(err)
		}
		gifts := 0
		for _, e := range tl {
			if e.Kind == "gift" {
				gifts++
			}
		}
		if gifts != 5 {
			t.Fatalf("timeline has %d gifts, want 5", gifts)
		}
	})
}

// TestGiftCampaignPending: a campaign's list of households still to
// receive its gift shrinks as they receive it; a household receives it
// once; another building's home, a resident of another project and bad
// input are refused and change nothing.
func TestGiftCampaignPending(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		admin := o.f.Ctx(o.f.Admin)
		gs := sqlstore.NewGiftService(db)
		rs := sqlstore.NewResidentService(db)
		assistant := o.f.User(t, "assistant", wubu.RoleStaff, wubu.PostService, o.f.ProjectA)
		as := o.f.Ctx(assistant)
		var people []*wubu.Person
		for i, name := range []string{"赵一", "钱二", "孙三"} {
			p := &wubu.Person{ProjectID: o.f.ProjectA.ID, Name: name}
			if err := rs.CreatePersonInRoom(admin, p, &wubu.Household{RoomID: o.rooms[i].ID, Relation: wubu.RelationOwner}); err != nil {
				t.Fatal(err)
			}
			people = append(people, p)
		}
		// A second resident of the first home: one household still.
		spouse := &wubu.Person{ProjectID: o.f.ProjectA.ID, Name: "赵一妻"}
		if err := rs.CreatePersonInRoom(admin, spouse, &wubu.Household{RoomID: o.rooms[0].ID, Relation: wubu.RelationFamily}); err != nil {
			t.Fatal(err)
		}
		it := &wubu.GiftItem{ProjectID: o.f.ProjectA.ID, Name: "中秋月饼", Kind: wubu.GiftMidAutumn}
		if err := gs.CreateGiftItem(admin, it); err != nil {
			t.Fatal(err)
		}
		if _, err := gs.ReceiveGift(admin, it.ID, 10, ""); err != nil {
			t.Fatal(err)
		}
		t.Run("ErrInvalid", func(t *testing.T) {
			mustCode(t, gs.CreateGiftItem(admin, &wubu.GiftItem{ProjectID: o.f.ProjectA.ID, Name: "中秋月饼", Kind: wubu.GiftMidAutumn}), wubu.ECONFLICT)
			mustCode(t, gs.CreateGiftItem(admin, &wubu.GiftItem{ProjectID: o.f.ProjectA.ID, Name: "x", Kind: "cash"}), wubu.EINVALID)
			mustCode(t, gs.CreateGiftItem(as, &wubu.GiftItem{ProjectID: o.f.ProjectA.ID, Name: "y", Kind: wubu.GiftOther}), wubu.EFORBIDDEN)
			_, err := gs.ReceiveGift(admin, it.ID, 0, "")
			mustCode(t, err, wubu.EINVALID)
			mustCode(t, gs.CreateGiftCampaign(admin, &wubu.GiftCampaign{ProjectID: o.f.ProjectB.ID, Name: "中秋", ItemID: it.ID}), wubu.ENOTFOUND)
		})
		c := &wubu.GiftCampaign{ProjectID: o.f.ProjectA.ID, Name: "2026 中秋送月饼", ItemID: it.ID, BuildingID: &o.building.ID}
		if err := gs.CreateGiftCampaign(admin, c); err != nil {
			t.Fatal(err)
		}
		pending, err := gs.PendingHouseholds(as, c.ID)
		if err != nil || len(pending) != 3 || len(pending[0].Residents) != 2 {
			t.Fatalf("pending: %+v %v, want 3 homes, the first with 2 residents", pending, err)
		}
		// The spouse receives it for the first home.
		if _, err := gs.HandOutGift(as, wubu.GiftHandoutRequest{CampaignID: c.ID, PersonID: spouse.ID}); err != nil {
			t.Fatal(err)
		}
		_, err = gs.HandOutGift(as, wubu.GiftHandoutRequest{CampaignID: c.ID, PersonID: people[0].ID})
		mustCode(t, err, wubu.ECONFLICT)
		other := o.f.User(t, "assistant_b", wubu.RoleStaff, wubu.PostService, o.f.ProjectB)
		_, err = gs.HandOutGift(o.f.Ctx(other), wubu.GiftHandoutRequest{CampaignID: c.ID, PersonID: people[1].ID})
		mustCode(t, err, wubu.ENOTFOUND)
		_, err = gs.HandOutGift(as, wubu.GiftHandoutRequest{CampaignID: c.ID, PersonID: people[1].ID, RoomID: o.rooms[2].ID})
		mustCode(t, err, wubu.EINVALID)
		if _, err := gs.HandOutGift(as, wubu.GiftHandoutRequest{CampaignID: c.ID, PersonID: people[2].ID}); err != nil {
			t.Fatal(err)
		}
		pending, err = gs.PendingHouseholds(as, c.ID)
		if err != nil || len(pending) != 1 || pending[0].RoomID != o.rooms[1].ID || pending[0].Residents[0].Name != "钱二" {
			t.Fatalf("pending after two: %+v %v", pending, err)
		}
		got, err := gs.FindGiftCampaign(as, c.ID)
		if err != nil || got.Households != 3 || got.Given != 2 {
			t.Fatalf("progress: %+v %v", got, err)
		}
		if items, _ := gs.GiftItems(as, o.f.ProjectA.ID); items[0].Stock != 8 {
			t.Fatalf("stock %d, want 8", items[0].Stock)
		}
	})
}

// TestStairwellNoticeHistory: notices posted from the project's standard
// ones are logged per unit, where, when, by whom and why; a problem posted
// again in the same unit counts as recurring; templates are editable; a
// unit of another project is refused.
func TestStairwellNoticeHistory(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		admin := o.f.Ctx(o.f.Admin)
		ns := sqlstore.NewStairwellService(db)
		assistant := o.f.User(t, "assistant", wubu.RoleStaff, wubu.PostService, o.f.ProjectA)
		as := o.f.Ctx(assistant)
		tpls, err := ns.NoticeTemplates(as, o.f.ProjectA.ID, false)
		if err != nil || len(tpls) != len(wubu.DefaultNoticeTemplates) {
			t.Fatalf("defaults: %d %v", len(tpls), err)
		}
		if again, _ := ns.NoticeTemplates(as, o.f.ProjectA.ID, false); len(again) != len(tpls) {
			t.Fatalf("defaults given twice: %d", len(again))
		}
		unit := o.rooms[0].UnitID
		t.Run("ErrInvalid", func(t *testing.T) {
			mustCode(t, ns.PostNotice(as, &wubu.StairwellNotice{UnitID: unit, TemplateID: &tpls[0].ID}), wubu.EINVALID)
			mustCode(t, ns.PostNotice(as, &wubu.StairwellNotice{UnitID: unit, Reason: "x"}), wubu.EINVALID)
			mustCode(t, ns.PostNotice(as, &wubu.StairwellNotice{UnitID: 999999, TemplateID: &tpls[0].ID, Reason: "x"}), wubu.ENOTFOUND)
			other := o.f.User(t, "assistant_b", wubu.RoleStaff, wubu.PostService, o.f.ProjectB)
			mustCode(t, ns.PostNotice(o.f.Ctx(other), &wubu.StairwellNotice{UnitID: unit, TemplateID: &tpls[0].ID, Reason: "x"}), wubu.ENOTFOUND)
			mustCode(t, ns.SaveNoticeTemplate(as, &wubu.NoticeTemplate{ProjectID: o.f.ProjectA.ID, Title: "t", Body: "b"}), wubu.EFORBIDDEN)
		})
		post := func(tpl *wubu.NoticeTemplate, reason string) *wubu.StairwellNotice {
			t.Helper()
			n := &wubu.StairwellNotice{UnitID: unit, TemplateID: &tpl.ID, Reason: reason}
			if err := ns.PostNotice(as, n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		first := post(tpls[0], "3楼住户反映有人从楼上扔烟头")
		clock.Add(72 * 3600e9)
		post(tpls[2], "楼道堆放纸箱")
		clock.Add(72 * 3600e9)
		third := post(tpls[0], "再次发现高空抛物")
		got, err := ns.FindNotice(as, third.ID)
		if err != nil || got.Times != 2 || got.Title != tpls[0].Title || got.PostedByName != "assistant" || got.ProjectName != "丽景苑" || got.BuildingName == "" {
			t.Fatalf("third notice: %+v %v", got, err)
		}
		if f, _ := ns.FindNotice(as, first.ID); f.Times != 1 {
			t.Fatalf("first notice times %d, want 1", f.Times)
		}
		hist, total, err := ns.FindNotices(as, o.f.ProjectA.ID, wubu.NoticeFilter{UnitID: unit})
		if err != nil || total != 3 || hist[0].ID != third.ID || hist[0].Reason != "再次发现高空抛物" {
			t.Fatalf("unit history: %+v %d %v", hist, total, err)
		}
		// The manager edits a template: later notices use the new text.
		tpls[1].Body = "请文明养犬，出门拴绳。"
		if err := ns.SaveNoticeTemplate(admin, tpls[1]); err != nil {
			t.Fatal(err)
		}
		n := post(tpls[1], "电梯内有犬只粪便")
		if got, _ := ns.FindNotice(as, n.ID); got.Body != "请文明养犬，出门拴绳。" {
			t.Fatalf("edited template not used: %q", got.Body)
		}
	})
}
