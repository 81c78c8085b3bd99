package seed

import (
	"context"
	"fmt"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// seedSecurity gives 丽景苑's security post something to show: a release
// pass released this morning, a tenant's pass waiting for the owner's word,
// a new tenant waiting for the team leader's check, and an incident
// acknowledged and closed with its log. It acts as the demo's guard, team
// leader and duty manager, through the services.
func seedSecurity(ctx context.Context, db *sqlstore.DB, project *wubu.Project) error {
	byLogin, err := staffByLogin(ctx, db, project.ID)
	if err != nil {
		return err
	}
	guard, assistant, duty := byLogin["guard"], byLogin["assistant"], byLogin["duty"]
	if guard == nil || assistant == nil || duty == nil {
		return nil
	}
	as := func(u *wubu.User) context.Context { return wubu.NewContextWithUser(ctx, u) }
	cal, err := calendar.New()
	if err != nil {
		return err
	}
	clocks := sqlstore.NewClockService(db, calendar.Schedule{Calendar: cal})
	passes := sqlstore.NewPassService(db, clocks)
	rs := sqlstore.NewResidentService(db)

	// A resident of each relation, from the registry.
	pick := func(rel wubu.Relation) *wubu.ResidentRow {
		rows, _, err := rs.FindResidents(ctx, wubu.ResidentFilter{ProjectID: project.ID, Relation: &rel, Limit: 1})
		if err != nil || len(rows) == 0 {
			return nil
		}
		return rows[0]
	}
	owner := pick(wubu.RelationOwner)
	if owner == nil {
		return nil // no residents seeded
	}
	{
		p, err := passes.StartPass(as(guard), &wubu.NewPass{ProjectID: project.ID, RoomID: owner.Household.RoomID, PersonID: &owner.Person.ID,
			Items: []string{"旧沙发 1 张", "纸箱 4 个"}, Gate: "东门"})
		if err != nil {
			return fmt.Errorf("seed pass: %w", err)
		}
		if _, err := passes.ConfirmPass(as(assistant), p.ID, wubu.PassConfirmation{Method: wubu.PassOwnerPresent}); err != nil {
			return fmt.Errorf("seed pass: %w", err)
		}
		if _, err := passes.ReleasePass(as(guard), p.ID, ""); err != nil {
			return fmt.Errorf("seed pass: %w", err)
		}
	}
	if tenant := pick(wubu.RelationTenant); tenant != nil {
		if _, err := passes.StartPass(as(guard), &wubu.NewPass{ProjectID: project.ID, RoomID: tenant.Household.RoomID, PersonID: &tenant.Person.ID,
			Items: []string{"冰箱 1 台", "床垫 1 张"}, Gate: "北门", Note: "租户退租搬家"}); err != nil {
			return fmt.Errorf("seed pass: %w", err)
		}
	}
	if _, err := sqlstore.NewTenantService(db, clocks).RegisterTenant(as(guard), &wubu.NewTenant{ProjectID: project.ID, RoomID: owner.Household.RoomID,
		Name: "周晓明", Phone: "13926001234", IDNumber: "11010519491231002X", MoveIn: db.Clock.Now().In(cst).Format("2006-01-02"), Note: "两人合租"}); err != nil {
		return fmt.Errorf("seed tenant: %w", err)
	}
	incidents := sqlstore.NewIncidentService(db, clocks, sqlstore.NewOutboxService(db))
	i, err := incidents.ReportIncident(as(guard), &wubu.NewIncident{ProjectID: project.ID, Kind: wubu.IncidentFlood, Place: "2栋地下车库",
		Description: "B1 消防管漏水，地面积水约 3 厘米"})
	if err != nil {
		return fmt.Errorf("seed incident: %w", err)
	}
	if _, err := incidents.AcknowledgeIncident(as(duty), i.ID, "已通知维修关阀"); err != nil {
		return fmt.Errorf("seed incident: %w", err)
	}
	if _, err := incidents.CloseIncident(as(duty), i.ID, "阀门已关，积水已清理"); err != nil {
		return fmt.Errorf("seed incident: %w", err)
	}
	return nil
}
