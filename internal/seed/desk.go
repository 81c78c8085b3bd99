package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// seedDesk gives 丽景苑's front desk something to show (E2, E4, D2, C6):
// yesterday's customers for the report; the service team leader and the
// duty manager on standby; this morning a customer served, one at the desk
// and three waiting — so the standby staff were called; a notice against
// throwing from height posted twice in a unit (recurring) and one about
// clutter; mooncakes in stock with a campaign for one building, one
// household served, and a pest-control gift.
func seedDesk(ctx context.Context, db *sqlstore.DB, project *wubu.Project) error {
	byLogin, err := staffByLogin(ctx, db, project.ID)
	if err != nil {
		return err
	}
	assistant, lead, duty, manager := byLogin["assistant"], byLogin["service_lead"], byLogin["duty"], byLogin["manager"]
	if assistant == nil || lead == nil || duty == nil || manager == nil {
		return nil
	}
	as, ms := wubu.NewContextWithUser(ctx, assistant), wubu.NewContextWithUser(ctx, manager)

	// The queue.
	desk := sqlstore.NewDeskService(db)
	if _, err := desk.UpdateDeskSettings(ms, wubu.DeskSettings{ProjectID: project.ID, WaitThreshold: wubu.DefaultWaitThreshold, RecallMinutes: wubu.DefaultRecallMinutes,
		Standby: []wubu.DeskStaff{{UserID: lead.ID}, {UserID: duty.ID}}}); err != nil {
		return fmt.Errorf("desk settings: %w", err)
	}
	// Yesterday's customers and this morning's, at their times: the
	// database's clock is stepped through them.
	now := db.Clock.Now()
	orig := db.Clock
	clock := &seedClock{t: now}
	db.Clock = clock
	defer func() { db.Clock = orig }()
	at := func(d time.Duration) { clock.set(now.Add(d)) }
	for i, b := range []wubu.DeskBusiness{wubu.DeskPayment, wubu.DeskRepair, wubu.DeskPayment, wubu.DeskCard, wubu.DeskComplaint, wubu.DeskPass} {
		start := -24*time.Hour + time.Duration(i)*25*time.Minute
		at(start)
		t, err := desk.TakeNumber(as, project.ID, b, "")
		if err != nil {
			return fmt.Errorf("desk ticket: %w", err)
		}
		at(start + time.Duration(3+2*i)*time.Minute)
		if _, err := desk.ServeTicket(as, t.ID); err != nil {
			return fmt.Errorf("desk step: %w", err)
		}
		at(start + time.Duration(8+3*i)*time.Minute)
		if _, err := desk.FinishTicket(as, t.ID); err != nil {
			return fmt.Errorf("desk step: %w", err)
		}
	}
	// This morning, in order: one served, one at the desk, three waiting
	// (the third called the standby staff a few minutes ago).
	var tickets []*wubu.DeskTicket
	take := func(b wubu.DeskBusiness) func() error {
		return func() error {
			t, err := desk.TakeNumber(as, project.ID, b, "")
			tickets = append(tickets, t)
			return err
		}
	}
	step := func(fn func(context.Context, int64) (*wubu.DeskTicket, error), i int) func() error {
		return func() error { _, err := fn(as, tickets[i].ID); return err }
	}
	for _, e := range []struct {
		at time.Duration
		do func() error
	}{
		{-30 * time.Minute, take(wubu.DeskPayment)},
		{-26 * time.Minute, step(desk.ServeTicket, 0)},
		{-24 * time.Minute, take(wubu.DeskRepair)},
		{-20 * time.Minute, step(desk.FinishTicket, 0)},
		{-18 * time.Minute, take(wubu.DeskCard)},
		{-16 * time.Minute, step(desk.ServeTicket, 1)},
		{-12 * time.Minute, take(wubu.DeskPass)},
		{-6 * time.Minute, take(wubu.DeskComplaint)},
	} {
		at(e.at)
		if err := e.do(); err != nil {
			return fmt.Errorf("desk: %w", err)
		}
	}
	at(0)

	// Stairwell notices in the first unit of building 1.
	org := sqlstore.NewOrgService(db)
	buildings, err := org.FindBuildings(ctx, project.ID)
	if err != nil || len(buildings) == 0 {
		return err
	}
	units, err := org.FindUnits(ctx, buildings[0].ID)
	if err != nil || len(units) == 0 {
		return err
	}
	ns := sqlstore.NewStairwellService(db)
	tpls, err := ns.NoticeTemplates(as, project.ID, false)
	if err != nil || len(tpls) < 3 {
		return err
	}
	for _, n := range []struct {
		tpl    int
		reason string
	}{{0, "一楼住户反映有烟头从楼上掉落"}, {2, "5楼、6楼楼道堆放纸箱和旧家具"}, {0, "再次发现楼上扔下塑料袋，险砸到行人"}} {
		if err := ns.PostNotice(as, &wubu.StairwellNotice{UnitID: units[0].ID, TemplateID: &tpls[n.tpl].ID, Reason: n.reason}); err != nil {
			return fmt.Errorf("stairwell notice: %w", err)
		}
	}

	// Gifts.
	gs := sqlstore.NewGiftService(db)
	mooncakes := &wubu.GiftItem{ProjectID: project.ID, Name: "中秋月饼礼盒", Kind: wubu.GiftMidAutumn}
	pest := &wubu.GiftItem{ProjectID: project.ID, Name: "灭蟑胶饵", Kind: wubu.GiftPestControl}
	for _, g := range []struct {
		it *wubu.GiftItem
		n  int
	}{{mooncakes, 120}, {pest, 40}} {
		if err := gs.CreateGiftItem(ms, g.it); err != nil {
			return fmt.Errorf("gift: %w", err)
		}
		if _, err := gs.ReceiveGift(ms, g.it.ID, g.n, "采购入库"); err != nil {
			return fmt.Errorf("gift stock: %w", err)
		}
	}
	c := &wubu.GiftCampaign{ProjectID: project.ID, Name: "中秋送月饼（1栋）", ItemID: mooncakes.ID, BuildingID: &buildings[0].ID}
	if err := gs.CreateGiftCampaign(ms, c); err != nil {
		return fmt.Errorf("gift campaign: %w", err)
	}
	pending, err := gs.PendingHouseholds(ctx, c.ID)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		h := pending[0]
		if _, err := gs.HandOutGift(as, wubu.GiftHandoutRequest{CampaignID: c.ID, PersonID: h.Residents[0].PersonID, RoomID: h.RoomID}); err != nil {
			return fmt.Errorf("gift hand-out: %w", err)
		}
		if _, err := gs.HandOutGift(as, wubu.GiftHandoutRequest{ItemID: pest.ID, PersonID: h.Residents[0].PersonID, Quantity: 2, Note: "家中有蟑螂"}); err != nil {
			return fmt.Errorf("gift hand-out: %w", err)
		}
	}
	return nil
}
