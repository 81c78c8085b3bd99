package seed

import (
	"context"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// seedPatrols gives 丽景苑's security post its patrols and safety work: a
// night route with a blind spot and a key location, last night's run with a
// missed checkpoint (flagged for the team leader), a renovation inspection,
// a hazard being rectified and one awaiting verification, a parking
// problem, alarm reminders, a building archive note, a board campaign
// touring the courtyards and the knowledge base's first entries. It acts
// as the demo's guard and team leader, through the services.
func seedPatrols(ctx context.Context, db *sqlstore.DB, project *wubu.Project) error {
	byLogin, err := staffByLogin(ctx, db, project.ID)
	if err != nil {
		return err
	}
	guard, lead := byLogin["guard"], byLogin["security_lead"]
	if guard == nil || lead == nil {
		return nil
	}
	asGuard, asLead := wubu.NewContextWithUser(ctx, guard), wubu.NewContextWithUser(ctx, lead)
	cal, err := calendar.New()
	if err != nil {
		return err
	}
	clocks := sqlstore.NewClockService(db, calendar.Schedule{Calendar: cal})
	ps := sqlstore.NewPatrolService(db, clocks, nil)
	hs := sqlstore.NewHazardService(db, clocks)
	org := sqlstore.NewOrgService(db)

	// The night route: 北门 → 地下车库 (key, twice) → 3栋后侧 (blind spot)
	// → 南门, ten minutes apart.
	route := &wubu.PatrolRoute{ProjectID: project.ID, Name: "夜间巡逻一号线", Kind: wubu.RoutePatrol, IntervalMinutes: 10, LeaderID: &lead.ID}
	if err := ps.CreateRoute(asLead, route); err != nil {
		return err
	}
	var cps []*wubu.Checkpoint
	for _, c := range []wubu.Checkpoint{{Name: "北门岗亭", Place: "北门"}, {Name: "地下车库", Place: "B1 消防出口旁", Kind: wubu.CheckpointKey},
		{Name: "3栋后侧", Place: "3栋与围墙之间", Kind: wubu.CheckpointBlindSpot}, {Name: "南门", Place: "南门岗亭"}} {
		c.RouteID = route.ID
		if err := ps.AddCheckpoint(asLead, &c); err != nil {
			return err
		}
		cps = append(cps, &c)
	}
	// Last night's run: the blind spot skipped.
	for _, c := range []*wubu.Checkpoint{cps[0], cps[1], cps[1], cps[3]} {
		if _, err := ps.Checkin(asGuard, c.Code, wubu.CheckinScan); err != nil {
			return err
		}
	}
	runs, _, err := ps.FindRuns(asGuard, project.ID, wubu.RunFilter{Open: true})
	if err != nil || len(runs) == 0 {
		return err
	}
	if _, err := ps.FinishRun(asGuard, runs[0].ID); err != nil {
		return err
	}

	// A renovation inspection of a room, every three days.
	rooms, _, err := org.FindRooms(ctx, wubu.RoomFilter{ProjectID: project.ID, Limit: 20})
	if err != nil || len(rooms) < 2 {
		return err
	}
	insp := &wubu.PatrolRoute{ProjectID: project.ID, Name: "装修巡查 " + rooms[1].Label, Kind: wubu.RouteInspection, RoomID: &rooms[1].ID, IntervalMinutes: 10, EveryDays: 3}
	if err := ps.CreateRoute(asLead, insp); err != nil {
		return err
	}
	for _, name := range []string{"入户门及消防", "水电改造", "阳台及外立面"} {
		if err := ps.AddCheckpoint(asLead, &wubu.Checkpoint{RouteID: insp.ID, Name: name}); err != nil {
			return err
		}
	}

	// Hazards: one found on the run, being rectified; one reported by a
	// resident, rectified and waiting for someone else to verify it.
	building := rooms[0].BuildingID
	h1 := &wubu.Hazard{ProjectID: project.ID, Source: wubu.HazardFromPatrol, RunID: &runs[0].ID, Place: "地下车库 B1 消防出口",
		Description: "消防出口前堆放杂物", Severity: wubu.SeverityHigh}
	if err := hs.ReportHazard(asGuard, h1, nil); err != nil {
		return err
	}
	if _, err := hs.AssignHazard(asLead, h1.ID, wubu.HazardAssignment{AssigneeID: guard.ID}); err != nil {
		return err
	}
	rs := sqlstore.NewResidentService(db)
	rows, _, err := rs.FindResidents(ctx, wubu.ResidentFilter{ProjectID: project.ID, BuildingID: &building, Limit: 5})
	if err != nil || len(rows) == 0 {
		return err
	}
	h2 := &wubu.Hazard{ProjectID: project.ID, Source: wubu.HazardFromResident, PersonID: &rows[0].Person.ID, BuildingID: &building,
		Place: rows[0].Household.RoomLabel + " 楼道", Description: "楼道灯不亮,夜间看不清台阶", Severity: wubu.SeverityMedium}
	if err := hs.ReportHazard(asGuard, h2, nil); err != nil {
		return err
	}
	if _, err := hs.AssignHazard(asLead, h2.ID, wubu.HazardAssignment{AssigneeID: guard.ID, Due: db.Clock.Now().Add(24 * time.Hour)}); err != nil {
		return err
	}
	// A tiny PNG stands for the photo of the repaired light.
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")
	if _, err := hs.RectifyHazard(asGuard, h2.ID, "已更换灯泡", &wubu.Photo{Data: png}); err != nil {
		return err
	}

	// A car blocking the fire exit, plate matched when it is a resident's.
	plate := ""
	for _, r := range rows {
		if len(r.Plates) > 0 {
			plate = r.Plates[0]
			break
		}
	}
	if err := sqlstore.NewParkingService(db).ReportParking(asGuard, &wubu.ParkingProblem{ProjectID: project.ID, Kind: wubu.ParkingBlockedExit,
		Plate: plate, Place: "B1 消防出口", Description: "车辆停在消防通道上"}); err != nil {
		return err
	}

	// Alarm reminders and advice in the building; its archive.
	ss := sqlstore.NewSecurityService(db)
	off, err := ss.AlarmOff(asLead, project.ID, building)
	if err != nil {
		return err
	}
	for i, a := range off {
		if i >= 2 {
			break
		}
		if err := ss.RecordReminder(asGuard, &wubu.SecurityContact{PersonID: a.PersonID, RoomID: &a.RoomID, Method: wubu.ReminderIntercom}); err != nil {
			return err
		}
		if a.Floor <= wubu.LowFloor {
			if err := ss.RecordAdvice(asGuard, &wubu.SecurityContact{PersonID: a.PersonID, RoomID: &a.RoomID,
				Topics: []wubu.AdviceTopic{wubu.AdviceWindowGuards, wubu.AdviceArmAlarm}, Note: "低楼层,建议加装防盗网"}); err != nil {
				return err
			}
		}
	}
	if err := ss.AddArchiveNote(asLead, &wubu.ArchiveNote{BuildingID: building, Kind: "note", Title: "楼栋安全巡查",
		Body: "单元门禁正常;楼道灯已报修;消防栓压力正常。"}); err != nil {
		return err
	}

	// A fraud-prevention board touring the courtyards, two weeks at each,
	// and the knowledge base.
	ks := sqlstore.NewKnowledgeService(db)
	today := db.Clock.Now().In(cst)
	if err := ks.CreateSafetyCampaign(asLead, &wubu.SafetyCampaign{ProjectID: project.ID, Kind: wubu.SafetyBoard, Theme: "fraud", Title: "防诈骗展板巡展",
		Description: "冒充客服、刷单返利、养老投资三类骗局", StartsOn: today.AddDate(0, 0, -7).Format("2006-01-02"), EndsOn: today.AddDate(0, 2, 0).Format("2006-01-02"),
		Places: []string{"东区中心花园", "西区儿童乐园", "南门广场"}, WeeksPerStop: 2}); err != nil {
		return err
	}
	if err := ks.CreateSafetyCampaign(asLead, &wubu.SafetyCampaign{ProjectID: project.ID, Kind: wubu.SafetyActivity, Theme: "fire", Title: "消防演练开放日",
		StartsOn: today.AddDate(0, 0, 10).Format("2006-01-02"), EndsOn: today.AddDate(0, 0, 10).Format("2006-01-02"), Places: []string{"南门广场"}}); err != nil {
		return err
	}
	for _, e := range []wubu.KBEntry{
		{Category: "numbers", Title: "常用电话", Body: "报警 110\n火警 119\n急救 120\n燃气抢修 96777\n供电抢修 95598\n物业服务中心 24 小时值班电话见岗亭公告"},
		{Category: "emergency", Title: "火灾应急预案", Body: "1. 发现火情立即报告中控室和直属上级,拨打 119。\n2. 就近取用灭火器扑救初起火灾。\n3. 引导住户从安全通道疏散,严禁乘电梯。\n4. 在路口接应消防车。"},
		{Category: "legal", Title: "物业安全员的权限", Body: "安全员可以劝阻、制止、报告,不得搜查他人身体和物品,不得扣押证件。遇违法行为应及时报警。"},
		{Category: "convenience", Title: "居住证办理", Body: "携带身份证、租房合同到所属派出所或社区服务中心办理。"},
	} {
		e.ProjectID = project.ID
		if err := ks.SaveKBEntry(asLead, &e); err != nil {
			return err
		}
	}
	return nil
}
