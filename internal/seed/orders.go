package seed

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// repairPrices is 丽景苑's demo price list (M5), in fen; the free list holds
// the small jobs done within ten minutes (M7 一免).
var repairPrices = []wubu.PriceItem{
	{Category: wubu.CategoryRepair, Kind: wubu.PriceLabour, Name: "更换水龙头", Unit: "个", Price: 3000, Free: true},
	{Category: wubu.CategoryRepair, Kind: wubu.PriceLabour, Name: "更换灯泡/灯管", Unit: "个", Price: 1000, Free: true},
	{Category: wubu.CategoryRepair, Kind: wubu.PriceLabour, Name: "更换开关/插座", Unit: "个", Price: 2000, Free: true},
	{Category: wubu.CategoryRepair, Kind: wubu.PriceLabour, Name: "疏通下水道", Unit: "次", Price: 8000},
	{Category: wubu.CategoryRepair, Kind: wubu.PriceLabour, Name: "马桶维修", Unit: "次", Price: 5000},
	{Category: wubu.CategoryRepair, Kind: wubu.PriceLabour, Name: "门锁维修", Unit: "次", Price: 4000},
	{Category: wubu.CategoryRepair, Kind: wubu.PriceLabour, Name: "空调清洗", Unit: "台", Price: 8000},
	{Category: wubu.CategoryCleaning, Kind: wubu.PriceLabour, Name: "油烟机清洗", Unit: "台", Price: 15000},
	{Category: wubu.CategoryRepair, Kind: wubu.PriceMaterial, Name: "水龙头（普通）", Unit: "个", Price: 4500},
	{Category: wubu.CategoryRepair, Kind: wubu.PriceMaterial, Name: "LED灯泡", Unit: "个", Price: 1500},
	{Category: wubu.CategoryRepair, Kind: wubu.PriceMaterial, Name: "生料带", Unit: "卷", Price: 300},
	{Category: wubu.CategoryRepair, Kind: wubu.PriceMaterial, Name: "五孔插座", Unit: "个", Price: 1800},
}

// seedClock steps the database's clock through the demo orders' past, so
// their histories read as they would have happened.
type seedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *seedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *seedClock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *seedClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// seedOrders gives a project its repair price list, the night-duty roster
// and a few orders: two finished in the past days (one free, one awaiting
// today's follow-up call), one urgent on its way, one up for grabs and one
// just reported.
func seedOrders(ctx context.Context, db *sqlstore.DB, p *wubu.Project) (err error) {
	cal, err := calendar.New()
	if err != nil {
		return err
	}
	clocks := sqlstore.NewClockService(db, calendar.Schedule{Calendar: cal})
	orders := sqlstore.NewOrderService(db, clocks, nil)
	us, rs := sqlstore.NewUserService(db), sqlstore.NewResidentService(db)
	prices := map[string]*wubu.PriceItem{}
	for _, it := range repairPrices {
		it.ProjectID = p.ID
		if err := orders.SavePriceItem(ctx, &it); err != nil {
			return fmt.Errorf("price %s: %w", it.Name, err)
		}
		prices[it.Name] = &it
	}
	staff := map[string]*wubu.User{}
	users, _, err := us.FindUsers(ctx, wubu.UserFilter{ProjectID: &p.ID, Limit: 100})
	if err != nil {
		return err
	}
	for _, u := range users {
		staff[u.Login] = u
	}
	tech, assistant, duty := staff["tech"], staff["assistant"], staff["duty"]
	if tech == nil || assistant == nil || duty == nil {
		return fmt.Errorf("seed orders: the demo staff are missing")
	}
	for _, day := range []string{"workday", "restday"} {
		if err := orders.SaveRosterEntry(ctx, &wubu.RosterEntry{ProjectID: p.ID, Day: day, DutyUserID: &duty.ID, OnCallUserID: &tech.ID}); err != nil {
			return fmt.Errorf("roster: %w", err)
		}
	}
	rows, _, err := rs.FindResidents(ctx, wubu.ResidentFilter{ProjectID: p.ID, Limit: 6})
	if err != nil {
		return err
	}
	if len(rows) < 5 {
		return nil // a demo without residents has no orders
	}
	as := func(u *wubu.User) context.Context { return wubu.NewContextWithUser(ctx, u) }
	open := func(i int, urgency wubu.OrderUrgency, item, text string) (*wubu.Order, error) {
		n := &wubu.NewOrder{ProjectID: p.ID, Urgency: urgency, Source: wubu.SourcePhone, PersonID: &rows[i].Person.ID, RoomID: &rows[i].Household.RoomID, Description: text}
		if it := prices[item]; it != nil {
			n.ItemID = &it.ID
			n.Category = it.Category
		}
		return orders.CreateOrder(as(assistant), n)
	}
	checklist := wubu.DoneRequest{Checklist: wubu.Checklist{SiteCleaned: true, TicketFilled: true, CodeFollowed: true, AskedOther: true, Tools: true, FloorMat: true, Cloth: true, ShoeCovers: true}}

	// The past: the database's clock steps through each order's history.
	now := db.Clock.Now()
	orig := db.Clock
	clock := &seedClock{t: now}
	db.Clock = clock
	defer func() { db.Clock = orig }()
	finished := func(i int, daysAgo int, item, text string, quote []wubu.QuoteLineRequest, workMinutes int) (*wubu.Order, error) {
		clock.set(time.Date(now.Year(), now.Month(), now.Day(), 2, 0, 0, 0, time.UTC).AddDate(0, 0, -daysAgo))
		o, err := open(i, wubu.OrderUrgent, item, text)
		if err != nil {
			return nil, err
		}
		steps := []func() (*wubu.Order, error){
			func() (*wubu.Order, error) {
				return orders.Dispatch(as(assistant), o.ID, wubu.DispatchRequest{AssigneeID: &tech.ID})
			},
			func() (*wubu.Order, error) { clock.add(time.Minute); return orders.Accept(as(tech), o.ID) },
			func() (*wubu.Order, error) { clock.add(6 * time.Minute); return orders.Arrive(as(tech), o.ID) },
			func() (*wubu.Order, error) { return orders.Quote(as(tech), o.ID, wubu.QuoteRequest{Lines: quote}) },
			func() (*wubu.Order, error) {
				return orders.Confirm(as(tech), o.ID, wubu.ConfirmRequest{By: rows[i].Person.Name, Method: "signature"})
			},
			func() (*wubu.Order, error) { return orders.Start(as(tech), o.ID) },
		}
		for _, s := range steps {
			if _, err := s(); err != nil {
				return nil, err
			}
		}
		clock.add(time.Duration(workMinutes) * time.Minute)
		o, _, err = orders.Done(as(tech), o.ID, checklist)
		return o, err
	}
	line := func(name string, q float64) wubu.QuoteLineRequest {
		return wubu.QuoteLineRequest{PriceItemID: &prices[name].ID, Quantity: q}
	}
	// Ten days ago: a tap replaced within ten minutes, labour free; followed
	// up and closed.
	o, err := finished(0, 10, "更换水龙头", "厨房水龙头关不紧，一直滴水", []wubu.QuoteLineRequest{line("更换水龙头", 1), line("水龙头（普通）", 1)}, 6)
	if err != nil {
		return fmt.Errorf("seed order: %w", err)
	}
	clock.add(3 * 24 * time.Hour)
	if _, err := orders.FollowUp(as(assistant), o.ID, wubu.FollowUpRequest{Works: true, Satisfaction: 5, Comment: "师傅很准时，还帮忙看了卫生间"}); err != nil {
		return fmt.Errorf("seed follow-up: %w", err)
	}
	if _, err := orders.Close(as(assistant), o.ID); err != nil {
		return err
	}
	// Three days ago: a blocked drain; the follow-up call is due today.
	if _, err := finished(1, 3, "疏通下水道", "卫生间地漏堵塞", []wubu.QuoteLineRequest{line("疏通下水道", 1)}, 35); err != nil {
		return fmt.Errorf("seed order: %w", err)
	}

	// Now: an urgent order on its way, one up for grabs, one just reported.
	clock.set(now.Add(-3 * time.Minute))
	o, err = open(2, wubu.OrderUrgent, "疏通下水道", "厨房下水道反水，地面已积水")
	if err != nil {
		return err
	}
	if o.Night {
		// Seeded at night: the duty manager called the on-call technician.
		_, err = orders.Dispatch(as(duty), o.ID, wubu.DispatchRequest{AssigneeID: &tech.ID, Call: true, Note: "电话已接通"})
	} else {
		_, err = orders.Dispatch(as(assistant), o.ID, wubu.DispatchRequest{AssigneeID: &tech.ID})
	}
	if err != nil {
		return fmt.Errorf("seed dispatch: %w", err)
	}
	clock.set(now.Add(-time.Minute))
	if o, err = open(3, wubu.OrderNormal, "更换灯泡/灯管", "客厅吸顶灯不亮"); err != nil {
		return err
	}
	if _, err := orders.Dispatch(as(assistant), o.ID, wubu.DispatchRequest{}); err != nil {
		return fmt.Errorf("seed grab: %w", err)
	}
	clock.set(now)
	_, err = open(4, wubu.OrderNormal, "门锁维修", "入户门锁转动不灵活")
	return err
}
