package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// seedRenovations gives 丽景苑 its renovations (issue 18): the technician
// as renovation manager, one application awaiting its review, one approved
// and awaiting the on-site briefing (on the technician's Today), and one in
// works whose worker the guard can look up (pass ZX-0001); for the peak
// season, an article on formaldehyde testing and odour removal and a
// renovation lecture, shown with the application form.
func seedRenovations(ctx context.Context, db *sqlstore.DB, project *wubu.Project) error {
	users, _, err := sqlstore.NewUserService(db).FindUsers(ctx, wubu.UserFilter{ProjectID: &project.ID, Limit: 100})
	if err != nil {
		return err
	}
	var tech, lead *wubu.User
	for _, u := range users {
		if u.Login == "tech" {
			tech = u
		}
		if lead == nil && u.Can(wubu.PermSecurityManage) && u.Serves(project.ID) {
			lead = u
		}
	}
	if tech == nil {
		return nil
	}
	cal, err := calendar.New()
	if err != nil {
		return err
	}
	rs := sqlstore.NewRenovationService(db, sqlstore.NewClockService(db, calendar.Schedule{Calendar: cal}))
	st, err := rs.RenovationSettings(ctx, project.ID)
	if err != nil {
		return err
	}
	st.Managers, st.Deposit = []int64{tech.ID}, 2000
	if err := rs.SetRenovationSettings(ctx, st); err != nil {
		return fmt.Errorf("renovation settings: %w", err)
	}
	if lead != nil {
		if err := seedRenovationSeason(wubu.NewContextWithUser(ctx, lead), db, project); err != nil {
			return err
		}
	}
	rel := wubu.RelationOwner
	rows, _, err := sqlstore.NewResidentService(db).FindResidents(ctx, wubu.ResidentFilter{ProjectID: project.ID, Relation: &rel, Limit: 50})
	if err != nil {
		return err
	}
	if len(rows) < 13 {
		return nil
	}
	as := wubu.NewContextWithUser(ctx, tech)
	today := db.Clock.Now().In(time.FixedZone("CST", 8*3600))
	for i, plan := range []struct {
		company, lead, phone string
		scope                []string
		worker, pass, id     string
		steps                int // 0 applied, 1 approved, 2 in works
	}{
		{"安居装饰", "赵工长", "13912340001", []string{"water_electricity", "kitchen_bathroom"}, "", "", "", 0},
		{"美家装修", "钱工长", "13912340002", []string{"walls", "floors"}, "", "", "", 1},
		{"匠心工程", "孙工长", "13912340003", []string{"balcony", "windows", "air_conditioning"}, "李师傅", "ZX-0001", "11010519491231002X", 2},
	} {
		row := rows[10+i]
		n := &wubu.NewRenovation{ProjectID: project.ID, RoomID: row.Household.RoomID, PersonID: row.Person.ID, Company: plan.company, LeadName: plan.lead,
			LeadPhone: plan.phone, Scope: plan.scope, PlannedFrom: today.AddDate(0, 0, -3).Format(time.DateOnly), PlannedTo: today.AddDate(0, 1, 0).Format(time.DateOnly)}
		if plan.worker != "" {
			n.Workers = []wubu.RenovationWorker{{Name: plan.worker, IDNumber: plan.id, PassNo: plan.pass}}
		}
		r, err := rs.ApplyRenovation(as, n)
		if err != nil {
			return fmt.Errorf("renovation %s: %w", plan.company, err)
		}
		if plan.steps >= 1 {
			if _, err := rs.ReviewRenovation(as, r.ID, wubu.RenovationApprove, ""); err != nil {
				return err
			}
		}
		if plan.steps >= 2 {
			all := make([]int, len(r.Briefing.Items))
			for i := range all {
				all[i] = i
			}
			if _, err := rs.BriefRenovation(as, r.ID, wubu.BriefingRecord{Ticked: all, ResidentName: row.Person.Name, LeadName: plan.lead}); err != nil {
				return err
			}
			if _, err := rs.StartWorks(as, r.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// seedRenovationSeason adds the peak season's information: a knowledge
// article and a renovation lecture in ten days.
func seedRenovationSeason(ctx context.Context, db *sqlstore.DB, project *wubu.Project) error {
	if err := sqlstore.NewKnowledgeService(db).SaveKBEntry(ctx, &wubu.KBEntry{ProjectID: project.ID, Category: wubu.KBRenovation, Title: "新房甲醛检测与除味",
		Body: "甲醛检测：请选择具有 CMA 资质的检测机构，如市环境监测中心（0571-85001234）、绿源检测（0571-86002345）；检测前关闭门窗 12 小时。\n" +
			"除味：装修后通风至少 3 个月，室温高时甲醛释放更快；活性炭只能辅助，不能代替通风；入住前再检测一次。"}); err != nil {
		return fmt.Errorf("renovation article: %w", err)
	}
	now := db.Clock.Now().In(time.FixedZone("CST", 8*3600))
	day := time.Date(now.Year(), now.Month(), now.Day()+10, 19, 0, 0, 0, now.Location())
	if err := sqlstore.NewEventService(db).PlanEvent(ctx, &wubu.Event{ProjectID: project.ID, Kind: wubu.EventLecture, Topic: "renovation",
		Title: "新房装修注意事项讲座", Place: "会所二楼多功能厅", StartsAt: day, Capacity: 40, Note: "装修负责人讲解装修管理规定、禁止行为与垃圾清运。"}); err != nil {
		return fmt.Errorf("renovation lecture: %w", err)
	}
	return nil
}
