package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// seedEvents plans a home-safety lecture next week, open with a few
// residents signed up and one on the waiting list, and a meet-and-greet
// for the prospective customers still being planned (K1, H4).
func seedEvents(ctx context.Context, db *sqlstore.DB, project *wubu.Project) error {
	byLogin, err := staffByLogin(ctx, db, project.ID)
	if err != nil {
		return err
	}
	assistant := byLogin["assistant"]
	if assistant == nil {
		return nil
	}
	as := wubu.NewContextWithUser(ctx, assistant)
	es := sqlstore.NewEventService(db)
	now := db.Clock.Now().In(cst)
	day := time.Date(now.Year(), now.Month(), now.Day()+7, 19, 0, 0, 0, cst)
	lecture := &wubu.Event{ProjectID: project.ID, Kind: wubu.EventLecture, Topic: "home_safety", Title: "家庭用电与燃气安全讲座", Place: "会所二楼多功能厅",
		StartsAt: day, Capacity: 4, Note: "请携带家中燃气报警器的型号信息。"}
	if err := es.PlanEvent(as, lecture); err != nil {
		return fmt.Errorf("lecture: %w", err)
	}
	if _, err := es.OpenEvent(as, lecture.ID); err != nil {
		return fmt.Errorf("lecture: %w", err)
	}
	rows, _, err := sqlstore.NewResidentService(db).FindResidents(as, wubu.ResidentFilter{ProjectID: project.ID, Limit: 5})
	if err != nil {
		return err
	}
	for _, row := range rows {
		if _, err := es.SignUp(as, lecture.ID, row.Person.ID); err != nil {
			return fmt.Errorf("sign-up: %w", err)
		}
	}
	meet := &wubu.Event{ProjectID: project.ID, Kind: wubu.EventMeetGreet, Title: "准业主见面会", Place: "售楼处", StartsAt: day.AddDate(0, 0, 7), Capacity: 60}
	if err := es.PlanEvent(as, meet); err != nil {
		return fmt.Errorf("meet-and-greet: %w", err)
	}
	return nil
}
