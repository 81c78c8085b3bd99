package seed

import (
	"context"
	"fmt"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// seedDesk gives 丽景苑's front desk something to show (E2, E4, D2, C6):
// the service team leader and the duty manager on standby, a customer
// served, one at the desk and three waiting — so the standby staff were
// called; a notice against throwing from height posted twice in a unit
// (recurring) and one about clutter; mooncakes in stock with a campaign
// for one building, one household served, and a pest-control gift.
func seedDesk(ctx context.Context, db *sqlstore.DB, project *wubu.Project) error {
	byLogin, err := staffByLogin(ctx, db, project)
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
	var tickets []*wubu.DeskTicket
	for _, b := range []wubu.DeskBusiness{wubu.DeskPayment, wubu.DeskRepair, wubu.DeskCard, wubu.DeskPass, wubu.DeskComplaint} {
		t, err := desk.TakeNumber(as, project.ID, b, "")
		if err != nil {
			return fmt.Errorf("desk ticket: %w", err)
		}
		tickets = append(tickets, t)
	}
	for _, step := range []func() (*wubu.DeskTicket, error){
		func() (*wubu.DeskTicket, error) { return desk.ServeTicket(as, tickets[0].ID) },
		func() (*wubu.DeskTicket, error) { return desk.FinishTicket(as, tickets[0].ID) },
		func() (*wubu.DeskTicket, error) { return desk.ServeTicket(as, tickets[1].ID) },
	} {
		if _, err := step(); err != nil {
			return fmt.Errorf("desk step: %w", err)
		}
	}

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

// staffByLogin returns the staff of a project by login.
func staffByLogin(ctx context.Context, db *sqlstore.DB, project *wubu.Project) (map[string]*wubu.User, error) {
	users, _, err := sqlstore.NewUserService(db).FindUsers(ctx, wubu.UserFilter{ProjectID: &project.ID, Limit: 100})
	if err != nil {
		return nil, err
	}
	byLogin := map[string]*wubu.User{}
	for _, u := range users {
		byLogin[u.Login] = u
	}
	return byLogin, nil
}
