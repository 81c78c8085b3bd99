package seed

import (
	"context"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// seedCareVisits records today's care visit (H1) to two of a project's
// residents with a care flag, by the service assistant, so that the
// dashboard's "care visits on time" has figures in the demo.
func seedCareVisits(ctx context.Context, db *sqlstore.DB, p *wubu.Project) error {
	users, _, err := sqlstore.NewUserService(db).FindUsers(ctx, wubu.UserFilter{ProjectID: &p.ID, Limit: 100})
	if err != nil {
		return err
	}
	var as context.Context
	for _, u := range users {
		if u.Login == "assistant" {
			as = wubu.NewContextWithUser(ctx, u)
		}
	}
	if as == nil {
		return nil
	}
	care := sqlstore.NewCareService(db)
	due, err := care.FindCareDue(as, p.ID, false)
	if err != nil {
		return err
	}
	for i, d := range due {
		if i == 2 {
			break
		}
		if err := care.RecordCareVisit(as, &wubu.CareVisit{PersonID: d.PersonID, Notes: "上门看望，身体状况良好，已提醒注意冬季用电安全。"}); err != nil {
			return err
		}
	}
	return nil
}
