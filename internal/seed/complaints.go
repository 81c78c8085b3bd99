package seed

import (
	"context"
	"fmt"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// seedComplaints gives the demo project its duty managers on the roster,
// a key customer's profile shared with the assistant, and a few
// complaints: one of a key customer in the fast lane, ordinary ones at
// their steps (U4, U3, E1).
func seedComplaints(ctx context.Context, db *sqlstore.DB, project *wubu.Project) error {
	byLogin, err := staffByLogin(ctx, db, project.ID)
	if err != nil {
		return err
	}
	assistant, lead, tech, duty, manager := byLogin["assistant"], byLogin["service_lead"], byLogin["tech"], byLogin["duty"], byLogin["manager"]
	if assistant == nil || lead == nil || tech == nil || duty == nil || manager == nil {
		return nil
	}
	as := func(u *wubu.User) context.Context { return wubu.NewContextWithUser(ctx, u) }

	// The duty manager on the nights and rest days; a holiday needs its
	// own entry, so the demo shows one flagged when it comes near.
	dm := sqlstore.NewDutyManagerService(db)
	for _, day := range []string{"workday", "restday"} {
		if err := dm.SaveDutyManager(ctx, project.ID, day, &duty.ID); err != nil {
			return fmt.Errorf("duty managers: %w", err)
		}
	}

	// The most important owner is a key customer with a profile.
	var key *wubu.Person
	rel := wubu.RelationOwner
	rows, _, err := sqlstore.NewResidentService(db).FindResidents(ctx, wubu.ResidentFilter{ProjectID: project.ID, Relation: &rel, Limit: 400})
	if err != nil {
		return err
	}
	var ordinary []int64
	for _, row := range rows {
		switch p := row.Person; {
		case key == nil && p.Importance >= wubu.KeyCustomerImportance:
			key = p
		case p.Importance < 2 && len(ordinary) < 3:
			ordinary = append(ordinary, p.ID)
		}
	}
	if key == nil || len(ordinary) < 3 {
		return nil
	}
	age := 56
	if err := sqlstore.NewKeyProfileService(db).SaveKeyProfile(as(manager), &wubu.KeyProfile{PersonID: key.ID, Age: &age, Occupation: "企业主",
		Personality: "说话直接，重视效率，讨厌反复解释。", Preferences: "微信联系；上午十点后来访；对噪音敏感。", StaffIDs: []int64{assistant.ID}}, nil); err != nil {
		return fmt.Errorf("key profile: %w", err)
	}

	cal, err := calendar.New()
	if err != nil {
		return err
	}
	cs := sqlstore.NewComplaintService(db, sqlstore.NewClockService(db, calendar.Schedule{Calendar: cal}))
	take := func(person int64, cat wubu.ComplaintCategory, sev wubu.Severity, text, wish string) (*wubu.Complaint, error) {
		c := &wubu.Complaint{ProjectID: project.ID, Channel: wubu.ComplaintAtDesk, Category: cat, Severity: sev, PersonID: &person, Description: text, Wish: wish}
		return c, cs.ReceiveComplaint(as(assistant), c)
	}
	// The key customer's: in the fast lane, the manager told at once.
	if _, err := take(key.ID, wubu.ComplaintNoise, wubu.SeverityHigh, "楼上装修连续三天晚上十点后还在施工。", "今晚之前让施工停下来"); err != nil {
		return fmt.Errorf("complaints: %w", err)
	}
	// An ordinary one waiting to be acknowledged.
	if _, err := take(ordinary[0], wubu.ComplaintHygiene, wubu.SeverityLow, "单元门口垃圾桶两天没清。", "每天清运"); err != nil {
		return fmt.Errorf("complaints: %w", err)
	}
	// One with the maintenance team.
	c, err := take(ordinary[1], wubu.ComplaintRepair, wubu.SeverityMedium, "卫生间漏水修过一次又漏了。", "彻底修好")
	if err == nil {
		_, err = cs.AcknowledgeComplaint(as(lead), c.ID, "")
	}
	if err == nil {
		_, err = cs.AssignComplaint(as(lead), c.ID, wubu.PostMaintenance, &tech.ID)
	}
	if err != nil {
		return fmt.Errorf("complaints: %w", err)
	}
	// One handled and replied to, waiting for its revisit.
	c, err = take(ordinary[2], wubu.ComplaintAttitude, wubu.SeverityMedium, "前台接电话语气不耐烦。", "道歉")
	for _, step := range []func() error{
		func() error { _, err := cs.AcknowledgeComplaint(as(lead), c.ID, ""); return err },
		func() error { _, err := cs.AssignComplaint(as(lead), c.ID, wubu.PostService, nil); return err },
		func() error {
			_, err := cs.HandleComplaint(as(lead), c.ID, "已约谈当班客服并培训。")
			return err
		},
		func() error {
			_, err := cs.ReplyComplaint(as(lead), c.ID, "已电话致歉并说明整改。")
			return err
		},
	} {
		if err == nil {
			err = step()
		}
	}
	if err != nil {
		return fmt.Errorf("complaints: %w", err)
	}
	return nil
}

// staffByLogin returns the staff of a project by login, for the seeds that
// act as them.
func staffByLogin(ctx context.Context, db *sqlstore.DB, projectID int64) (map[string]*wubu.User, error) {
	users, _, err := sqlstore.NewUserService(db).FindUsers(ctx, wubu.UserFilter{ProjectID: &projectID, Limit: 100})
	if err != nil {
		return nil, err
	}
	byLogin := map[string]*wubu.User{}
	for _, u := range users {
		byLogin[u.Login] = u
	}
	return byLogin, nil
}
