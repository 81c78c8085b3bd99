package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// seedRoundTables publishes round-table slots with the manager, the
// customer-service leader and the assistant in the coming days, one of
// them booked and held with a follow-up on the assistant's Today, and the
// lobby hours of this month and the next with a few visits logged (A1,
// A2).
func seedRoundTables(ctx context.Context, db *sqlstore.DB, project *wubu.Project) error {
	byLogin, err := staffByLogin(ctx, db, project.ID)
	if err != nil {
		return err
	}
	manager, lead, assistant := byLogin["manager"], byLogin["service_lead"], byLogin["assistant"]
	if manager == nil || lead == nil || assistant == nil {
		return nil
	}
	// The manager publishes the slots and the schedule.
	ctx = wubu.NewContextWithUser(ctx, manager)
	cal, err := calendar.New()
	if err != nil {
		return err
	}
	rt := sqlstore.NewRoundTableService(db, sqlstore.NewClockService(db, calendar.Schedule{Calendar: cal}))
	now := db.Clock.Now().In(cst)
	day := func(n int) string { return now.AddDate(0, 0, n).Format("2006-01-02") }
	var slots []*wubu.RoundTableSlot
	for _, s := range []wubu.RoundTableSeries{
		{Day: day(3), Times: []string{"09:30", "10:00", "10:30"}, Minutes: 30, Place: "服务中心二楼会客室", HostID: manager.ID},
		{Day: day(3), Times: []string{"14:00", "14:30"}, Minutes: 30, Place: "服务中心二楼会客室", HostID: lead.ID},
		{Day: day(4), Times: []string{"19:00", "19:30"}, Minutes: 30, Place: "1 栋大堂接待点", HostID: assistant.ID},
	} {
		s.ProjectID = project.ID
		out, err := rt.PublishRoundTables(ctx, s)
		if err != nil {
			return fmt.Errorf("round tables: %w", err)
		}
		slots = append(slots, out...)
	}
	rows, _, err := sqlstore.NewResidentService(db).FindResidents(ctx, wubu.ResidentFilter{ProjectID: project.ID, Limit: 3})
	if err != nil {
		return err
	}
	if len(rows) < 2 {
		return nil
	}
	if _, err := rt.BookRoundTable(ctx, slots[1].ID, rows[0].Person.ID, wubu.BookedByStaff); err != nil {
		return fmt.Errorf("round-table booking: %w", err)
	}
	held := slots[3]
	if _, err := rt.BookRoundTable(ctx, held.ID, rows[1].Person.ID, wubu.BookedByResident); err != nil {
		return fmt.Errorf("round-table booking: %w", err)
	}
	if _, err := rt.HoldRoundTable(ctx, held.ID, "业主反映晚间东门人行通道照明不足，希望增加路灯；另询问电动车充电桩的安装计划。"); err != nil {
		return fmt.Errorf("round-table talk: %w", err)
	}
	if err := rt.PlanTalkFollowUp(ctx, &wubu.TalkFollowUp{SlotID: held.ID, Action: "答复东门照明整改时间", OwnerID: assistant.ID, DueAt: db.Clock.Now().Add(48 * time.Hour)}); err != nil {
		return fmt.Errorf("round-table follow-up: %w", err)
	}

	// Lobby hours of this month and the next, and a few visits.
	buildings, err := sqlstore.NewOrgService(db).FindBuildings(ctx, project.ID)
	if err != nil {
		return err
	}
	ls := sqlstore.NewLobbyService(db)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, cst)
	for _, m := range []time.Time{first, first.AddDate(0, 1, 0)} {
		for i, b := range buildings {
			if i >= 3 {
				break
			}
			h := &wubu.LobbyHours{ProjectID: project.ID, BuildingID: b.ID, Month: m.Format("2006-01"), Weekday: 2 + 2*i%6, Starts: "19:00", Ends: "21:00", AssistantID: assistant.ID}
			if err := ls.AddLobbyHours(ctx, h); err != nil {
				return fmt.Errorf("lobby hours: %w", err)
			}
		}
		if len(buildings) > 0 {
			sat := m.AddDate(0, 0, (13-int(m.Weekday()))%7+7) // the second Saturday
			h := &wubu.LobbyHours{ProjectID: project.ID, BuildingID: buildings[0].ID, Month: m.Format("2006-01"), Date: sat.Format("2006-01-02"), Starts: "09:30", Ends: "11:30", AssistantID: lead.ID}
			if err := ls.AddLobbyHours(ctx, h); err != nil {
				return fmt.Errorf("lobby hours: %w", err)
			}
		}
	}
	if len(buildings) > 0 {
		for i, v := range []*wubu.LobbyVisit{
			{Topic: "询问电动车充电桩安装", PersonID: &rows[0].Person.ID},
			{Topic: "咨询装修申报材料"},
		} {
			v.ProjectID, v.BuildingID, v.AssistantID = project.ID, buildings[0].ID, assistant.ID
			v.At = db.Clock.Now().Add(-time.Duration(i+1) * time.Hour)
			if err := ls.LogLobbyVisit(ctx, v); err != nil {
				return fmt.Errorf("lobby visit: %w", err)
			}
		}
	}
	return nil
}
