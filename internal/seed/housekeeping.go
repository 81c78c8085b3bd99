package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// homeServices is 丽景苑's demo catalogue (C7): cleaning, pest control,
// garden trimming and private pool care, prices in fen.
var homeServices = []wubu.HomeService{
	{Category: wubu.ServiceCleaning, Name: "日常保洁", Unit: "次", PriceFen: 12000, DurationMin: 120},
	{Category: wubu.ServiceCleaning, Name: "深度保洁", Unit: "次", PriceFen: 38000, DurationMin: 240},
	{Category: wubu.ServiceCleaning, Name: "油烟机清洗", Unit: "台", PriceFen: 15000, DurationMin: 90},
	{Category: wubu.ServicePestControl, Name: "家庭消杀", Unit: "次", PriceFen: 16000, DurationMin: 60},
	{Category: wubu.ServiceGarden, Name: "私家花园修剪", Unit: "次", PriceFen: 20000, DurationMin: 120},
	{Category: wubu.ServicePool, Name: "私家泳池水质处理", Unit: "次", PriceFen: 30000, DurationMin: 120},
}

// seedHousekeeping gives a project its home-services catalogue, the
// cleaners' roster, a promotion week, bookings for the coming days and a
// holiday electrical check over building 1 with a few visits recorded.
func seedHousekeeping(ctx context.Context, db *sqlstore.DB, pp *projectPlan) error {
	p := pp.project
	hk, ins := sqlstore.NewHousekeepingService(db), sqlstore.NewInspectionService(db)
	us, rs := sqlstore.NewUserService(db), sqlstore.NewResidentService(db)

	// The catalogue.
	var services []*wubu.HomeService
	for _, s := range homeServices {
		s.ProjectID, s.Active = p.ID, true
		if err := hk.SaveService(ctx, &s); err != nil {
			return fmt.Errorf("home service %s: %w", s.Name, err)
		}
		services = append(services, &s)
	}
	// The roster: the project's cleaners, one booking each per 2-hour slot.
	cleaning, maintenance := wubu.PostCleaning, wubu.PostMaintenance
	cleaners, _, err := us.FindUsers(ctx, wubu.UserFilter{ProjectID: &p.ID, Post: &cleaning, Limit: 50})
	if err != nil {
		return err
	}
	st := wubu.DefaultHousekeepingSettings(p.ID)
	for _, c := range cleaners {
		st.Cleaners = append(st.Cleaners, c.ID)
	}
	if err := hk.SaveSettings(ctx, st); err != nil {
		return fmt.Errorf("housekeeping settings: %w", err)
	}
	// A promotion week starting next Monday.
	today := db.Clock.Now().In(cst)
	monday := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, cst)
	for monday.Weekday() != time.Monday || !monday.After(today) {
		monday = monday.AddDate(0, 0, 1)
	}
	promo := &wubu.Promotion{ProjectID: p.ID, Name: "家政服务优惠周", StartsOn: monday.Format(time.DateOnly), EndsOn: monday.AddDate(0, 0, 6).Format(time.DateOnly),
		Prices: []wubu.PromotionPrice{{ServiceID: services[1].ID, PriceFen: 29800}, {ServiceID: services[3].ID, PriceFen: 9900}}}
	if err := hk.CreatePromotion(ctx, promo); err != nil {
		return fmt.Errorf("promotion: %w", err)
	}

	// Bookings and the campaign need residents: building 1's.
	b1 := pp.buildingID("1")
	if b1 == 0 {
		return nil
	}
	rows, _, err := rs.FindResidents(ctx, wubu.ResidentFilter{ProjectID: p.ID, BuildingID: &b1, Limit: 8})
	if err != nil || len(rows) == 0 || len(cleaners) == 0 {
		return err
	}
	tomorrow := time.Date(today.Year(), today.Month(), today.Day()+1, 0, 0, 0, 0, cst)
	for i, row := range rows {
		day := tomorrow.AddDate(0, 0, i/4)
		b := &wubu.Booking{ServiceID: services[i%len(services)].ID, PersonID: row.Person.ID, RoomID: row.Household.RoomID,
			SlotStart: day.Add(time.Duration(8+2*(i%4)) * time.Hour)}
		if err := hk.Book(ctx, b); err != nil && wubu.ErrorCode(err) != wubu.EINVALID {
			return fmt.Errorf("booking: %w", err)
		}
	}
	if _, err := hk.AddNeed(ctx, rows[0].Person.ID, "家中有老人，希望保洁时避开午休时间"); err != nil {
		return err
	}

	// 节前电气检查 over building 1, given to the technicians, a few recorded.
	c := &wubu.Campaign{ProjectID: p.ID, Kind: wubu.CampaignHolidayElectrical, Name: "春节前家庭电气检查", StartsOn: today.Format(time.DateOnly),
		EndsOn: today.AddDate(0, 0, 30).Format(time.DateOnly), BuildingIDs: []int64{b1}}
	if err := ins.CreateCampaign(ctx, c); err != nil {
		return fmt.Errorf("campaign: %w", err)
	}
	techs, _, err := us.FindUsers(ctx, wubu.UserFilter{ProjectID: &p.ID, Post: &maintenance, Limit: 10})
	if err != nil || len(techs) == 0 {
		return err
	}
	// The technician "tech" makes the visits (else the last one found).
	tech := techs[len(techs)-1]
	for _, u := range techs {
		if u.Login == "tech" {
			tech = u
		}
	}
	if _, err := ins.AssignVisits(ctx, c.ID, &b1, nil, tech.ID); err != nil {
		return err
	}
	visits, _, err := ins.FindVisits(ctx, wubu.VisitFilter{CampaignID: c.ID, Limit: 3})
	if err != nil {
		return err
	}
	techCtx := wubu.NewContextWithUser(ctx, tech)
	records := []wubu.VisitRecord{
		{Status: wubu.VisitDone, Note: "已提醒节日用电注意事项", Findings: []*wubu.Finding{{Appliance: "配电箱", Problem: "漏电保护开关跳闸不灵", Severity: wubu.SeverityHigh, NeedsRepair: true}}},
		{Status: wubu.VisitNotHome},
		{Status: wubu.VisitDone, Findings: []*wubu.Finding{{Appliance: "空调", Problem: "插座老化发黄", Severity: wubu.SeverityMedium}}},
	}
	for i, v := range visits {
		if _, err := ins.RecordVisit(techCtx, v.ID, records[i%len(records)]); err != nil {
			return fmt.Errorf("visit %s: %w", v.RoomLabel, err)
		}
	}
	return nil
}
