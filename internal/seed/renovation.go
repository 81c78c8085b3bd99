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
// works whose worker the guard can look up (pass ZX-0001).
func seedRenovations(ctx context.Context, db *sqlstore.DB, project *wubu.Project) error {
	users, _, err := sqlstore.NewUserService(db).FindUsers(ctx, wubu.UserFilter{ProjectID: &project.ID, Limit: 100})
	if err != nil {
		return err
	}
	var tech *wubu.User
	for _, u := range users {
		if u.Login == "tech" {
			tech = u
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
