package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// seedVisits gives 丽景苑's customer service its visits and move-ins: the
// survey forms of welcome and satisfaction visits, a share for the monthly
// programme, a move-in completed last week (its welcome visit recorded
// with its checklist and answers), one in progress and one stalled on the
// zone assistant's Today, and this month's satisfaction programme.
func seedVisits(ctx context.Context, db *sqlstore.DB, p *wubu.Project) error {
	cal, err := calendar.New()
	if err != nil {
		return err
	}
	clocks := sqlstore.NewClockService(db, calendar.Schedule{Calendar: cal})
	visits := sqlstore.NewRevisitService(db, sqlstore.NewSecurityService(db)).WithClocks(clocks)
	moveins := sqlstore.NewMoveInService(db, clocks)
	surveys := sqlstore.NewSurveyService(db)
	users, _, err := sqlstore.NewUserService(db).FindUsers(ctx, wubu.UserFilter{ProjectID: &p.ID, Limit: 100})
	if err != nil {
		return err
	}
	var assistant *wubu.User
	for _, u := range users {
		if u.Login == "assistant" {
			assistant = u
		}
	}
	if assistant == nil {
		return nil
	}
	as := wubu.NewContextWithUser(ctx, assistant)

	if err := visits.UpdateVisitSettings(ctx, wubu.VisitSettings{ProjectID: p.ID, WelcomeDays: 7, ProgrammePercent: 5, ProgrammeGapMonths: 6, MoveInStallDays: 3}); err != nil {
		return err
	}
	welcome := &wubu.SurveyForm{ProjectID: p.ID, Purpose: wubu.VisitSurvey(wubu.VisitWelcome), Title: "入伙欢迎拜访", Questions: []*wubu.SurveyQuestion{
		{Kind: wubu.QuestionScale, Text: "对入伙办理的满意度", Required: true},
		{Kind: wubu.QuestionYesNo, Text: "是否已开始装修", Required: true},
		{Kind: wubu.QuestionMulti, Text: "希望了解的服务", Choices: []string{"装修管理", "家政服务", "快递代收", "车位租赁"}},
		{Kind: wubu.QuestionText, Text: "其他需求"},
	}}
	satisfaction := &wubu.SurveyForm{ProjectID: p.ID, Purpose: wubu.VisitSurvey(wubu.VisitSatisfaction), Title: "月度满意度回访", Questions: []*wubu.SurveyQuestion{
		{Kind: wubu.QuestionScale, Text: "总体满意度", Required: true},
		{Kind: wubu.QuestionScale, Text: "保洁服务", Required: true},
		{Kind: wubu.QuestionYesNo, Text: "秩序维护员是否主动问候"},
		{Kind: wubu.QuestionSingle, Text: "最常用的联系方式", Choices: []string{"电话", "前台", "微信"}},
		{Kind: wubu.QuestionText, Text: "意见和建议"},
	}}
	for _, f := range []*wubu.SurveyForm{welcome, satisfaction} {
		if err := surveys.SaveSurveyForm(ctx, f); err != nil {
			return fmt.Errorf("survey form: %w", err)
		}
	}

	// Empty rooms of building 1, for the move-ins.
	empty, err := emptyRooms(ctx, db, p.ID, "1")
	if err != nil {
		return err
	}

	// The move-ins' past: one done eight days ago, one stalled four days
	// ago, one started this morning.
	now := db.Clock.Now()
	orig := db.Clock
	clock := &seedClock{t: now}
	db.Clock = clock
	defer func() { db.Clock = orig }()
	items, err := moveins.MoveInChecklist(as, p.ID)
	if err != nil {
		return err
	}
	plans := []struct {
		ago          time.Duration
		name, phone  string
		ticks        int
		complete     bool
		members      []string
		recordVisit  bool
		welcomeNotes string
	}{
		{8 * 24 * time.Hour, "周新宇", "13812340001", len(items), true, []string{"陈思"}, true, "送上欢迎卡、管家名片和业主手册，业主近期开始装修，已介绍装修管理规定。"},
		{5 * 24 * time.Hour, "孙立", "13812340002", len(items), true, nil, false, ""},
		{4 * 24 * time.Hour, "钱多多", "13812340003", 2, false, nil, false, ""},
		{2 * time.Hour, "李晓", "13812340004", 4, false, nil, false, ""},
	}
	for i, pl := range plans {
		if i >= len(empty) {
			break
		}
		clock.set(now.Add(-pl.ago))
		m := &wubu.MoveIn{ProjectID: p.ID, RoomID: empty[i].ID, Name: pl.name, Phone: pl.phone, Members: pl.members,
			MoveInOn: clock.Now().In(cst).Format(time.DateOnly)}
		if err := moveins.StartMoveIn(as, m); err != nil {
			return fmt.Errorf("seed move-in: %w", err)
		}
		for _, it := range items[:min(pl.ticks, len(items))] {
			clock.add(5 * time.Minute)
			if _, err := moveins.CheckMoveIn(as, m.ID, it.ID, true, ""); err != nil {
				return fmt.Errorf("seed move-in: %w", err)
			}
		}
		if !pl.complete {
			continue
		}
		done, err := moveins.CompleteMoveIn(as, m.ID)
		if err != nil {
			return fmt.Errorf("seed move-in: %w", err)
		}
		if !pl.recordVisit || done.VisitID == nil {
			continue
		}
		clock.add(2 * 24 * time.Hour)
		q := welcome.Questions
		four, no := 5, 0
		if _, err := visits.RecordVisit(as, *done.VisitID, wubu.VisitOutcome{Notes: pl.welcomeNotes, Satisfaction: 5,
			Checks: []string{"greeting_card", "assistant_card", "handbook", "gift", "needs_asked"},
			Answers: []wubu.SurveyAnswer{{QuestionID: q[0].ID, Score: &four}, {QuestionID: q[1].ID, Score: &no},
				{QuestionID: q[2].ID, Choices: []string{"装修管理", "快递代收"}}, {QuestionID: q[3].ID, Text: "希望尽快开通车位租赁"}}}); err != nil {
			return fmt.Errorf("seed welcome visit: %w", err)
		}
	}
	clock.set(now)
	// This month's satisfaction programme, a few of its visits already
	// made with the form's answers.
	run, err := visits.RunProgramme(ctx, p.ID)
	if err != nil {
		return fmt.Errorf("seed programme: %w", err)
	}
	q := satisfaction.Questions
	contacts := []string{"电话", "微信", "前台"}
	notes := []string{"", "电梯等候时间长", "希望增加儿童游乐设施", ""}
	for i, v := range run.Visits[:min(len(run.Visits), 8)] {
		overall, cleaning, greeted := 3+i%3, 2+(i*2)%4, (i+1)%2
		answers := []wubu.SurveyAnswer{{QuestionID: q[0].ID, Score: &overall}, {QuestionID: q[1].ID, Score: &cleaning}, {QuestionID: q[2].ID, Score: &greeted},
			{QuestionID: q[3].ID, Choices: []string{contacts[i%3]}}}
		if n := notes[i%4]; n != "" {
			answers = append(answers, wubu.SurveyAnswer{QuestionID: q[4].ID, Text: n})
		}
		if _, err := visits.RecordVisit(as, v.ID, wubu.VisitOutcome{Notes: "上门回访，业主配合", Satisfaction: overall, Answers: answers}); err != nil {
			return fmt.Errorf("seed programme visit: %w", err)
		}
	}
	return nil
}

// emptyRooms returns the rooms of a project's building where nobody lives.
func emptyRooms(ctx context.Context, db *sqlstore.DB, projectID int64, building string) ([]*wubu.Room, error) {
	b1 := int64(0)
	bs, err := sqlstore.NewOrgService(db).FindBuildings(ctx, projectID)
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		if b.Name == building {
			b1 = b.ID
		}
	}
	if b1 == 0 {
		return nil, nil
	}
	rooms, _, err := sqlstore.NewOrgService(db).FindRooms(ctx, wubu.RoomFilter{ProjectID: projectID, BuildingID: &b1, Limit: 2000})
	if err != nil {
		return nil, err
	}
	rows, _, err := sqlstore.NewResidentService(db).FindResidents(ctx, wubu.ResidentFilter{ProjectID: projectID, BuildingID: &b1, Limit: 5000})
	if err != nil {
		return nil, err
	}
	occupied := map[int64]bool{}
	for _, r := range rows {
		if r.Household != nil {
			occupied[r.Household.RoomID] = true
		}
	}
	var empty []*wubu.Room
	for _, r := range rooms {
		if !occupied[r.ID] {
			empty = append(empty, r)
		}
	}
	return empty, nil
}
