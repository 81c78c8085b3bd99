package seed

import (
	"context"
	"fmt"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// seedTraining gives 丽景苑 its training (issue 16): the leads (the duty
// manager as security lead, the manager as training lead), questions on
// the knowledge base, the security post's assessments issued, a new hire
// trained and awaiting the sign-offs, a resident who moved in this week and
// a few pieces of information the guard and the assistant collected.
func seedTraining(ctx context.Context, db *sqlstore.DB, project *wubu.Project) error {
	users, _, err := sqlstore.NewUserService(db).FindUsers(ctx, wubu.UserFilter{ProjectID: &project.ID, Limit: 100})
	if err != nil {
		return err
	}
	byLogin := map[string]*wubu.User{}
	for _, u := range users {
		byLogin[u.Login] = u
	}
	guard, lead, duty, manager, assistant := byLogin["guard"], byLogin["security_lead"], byLogin["duty"], byLogin["manager"], byLogin["assistant"]
	if guard == nil || lead == nil || duty == nil || manager == nil || assistant == nil {
		return nil
	}
	as := func(u *wubu.User) context.Context { return wubu.NewContextWithUser(ctx, u) }
	cal, err := calendar.New()
	if err != nil {
		return err
	}
	ts := sqlstore.NewTrainingService(db, sqlstore.NewClockService(db, calendar.Schedule{Calendar: cal}))
	pid := project.ID

	// The leads: the post leads of security and customer service and the
	// training lead; cleaning and maintenance are left for the manager to
	// name (the project page says so).
	for kind, u := range map[wubu.LeadKind]*wubu.User{wubu.PostLead(wubu.PostSecurity): duty, wubu.PostLead(wubu.PostService): manager, wubu.LeadTraining: manager} {
		if err := ts.SetLead(ctx, pid, kind, u.ID); err != nil {
			return fmt.Errorf("lead %s: %w", kind, err)
		}
	}

	// Questions on the knowledge base, each linked to its article.
	articles, err := sqlstore.NewKnowledgeService(db).FindKB(as(lead), pid, "", "")
	if err != nil {
		return err
	}
	article := func(title string) *int64 {
		for _, a := range articles {
			if a.Title == title {
				return &a.ID
			}
		}
		return nil
	}
	for _, q := range []wubu.BankQuestion{
		{Post: wubu.PostNone, Text: "燃气泄漏抢修电话是多少？", Options: []string{"96777", "95598", "12345"}, ArticleID: article("常用电话")},
		{Post: wubu.PostSecurity, Text: "发生火灾时，引导住户应如何疏散？", Options: []string{"走安全通道，严禁乘电梯", "乘电梯尽快下楼", "留在家中等待"}, ArticleID: article("火灾应急预案")},
		{Post: wubu.PostSecurity, Text: "安全员发现可疑人员时可以怎么做？", Options: []string{"劝阻、报告，必要时报警", "搜查其随身物品", "扣押其身份证"}, ArticleID: article("物业安全员的权限")},
		{Post: wubu.PostNone, Text: "居住证在哪里办理？", Options: []string{"派出所或社区服务中心", "物业服务中心", "开发商售楼处"}, ArticleID: article("居住证办理")},
	} {
		q.ProjectID = pid
		if err := ts.CreateBankQuestion(as(lead), &q); err != nil {
			return fmt.Errorf("question: %w", err)
		}
	}

	// The security post's monthly assessment, issued now.
	if err := ts.SavePlan(as(lead), wubu.DefaultAssessmentPlan(pid, wubu.PostSecurity)); err != nil {
		return err
	}
	if _, err := ts.IssueAssessments(as(lead), pid, wubu.PostSecurity); err != nil {
		return err
	}

	// A new hire of the service post, trained on site by its team leader,
	// awaiting the two sign-offs.
	if sl := byLogin["service_lead"]; sl != nil {
		o, err := ts.StartOnboarding(as(sl), pid, assistant.ID)
		if err != nil {
			return fmt.Errorf("onboarding: %w", err)
		}
		day := db.Clock.Now().In(cst).Format("2006-01-02")
		if _, err := ts.RecordTraining(as(sl), o.ID, "前台接待、住户识别（姓名、房号、车牌）、放行条确认流程", day); err != nil {
			return fmt.Errorf("onboarding: %w", err)
		}
	}

	// A resident who moved in this week, recorded in Wubu, and what the
	// guard and the assistant collected.
	rs := sqlstore.NewResidentService(db)
	rel := wubu.RelationOwner
	rows, _, err := rs.FindResidents(ctx, wubu.ResidentFilter{ProjectID: pid, Relation: &rel, Limit: 3})
	if err != nil || len(rows) < 3 {
		return err
	}
	mover := &wubu.Person{ProjectID: pid, Name: "新住户 欧阳晨", Phones: []string{"13912345678"}}
	if err := rs.CreatePersonInRoom(as(assistant), mover, &wubu.Household{RoomID: rows[0].Household.RoomID, Relation: wubu.RelationTenant}); err != nil {
		return fmt.Errorf("move-in: %w", err)
	}
	if err := rs.AddVehicle(as(guard), &wubu.Vehicle{ProjectID: pid, PersonID: mover.ID, Plate: "粤B6M8Q8"}); err != nil {
		return fmt.Errorf("plate: %w", err)
	}
	if err := rs.AddSpecialDay(as(assistant), &wubu.SpecialDay{ProjectID: pid, PersonID: rows[1].Person.ID, Kind: wubu.DayWedding, Date: "2019-10-02", Yearly: true}); err != nil {
		return fmt.Errorf("special day: %w", err)
	}
	return nil
}
