package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// seedCommunity3 gives 丽景苑 a notice to a unit with its attachment, read
// by a few residents, and one resident's e-mail for notices (issue 14
// item 1); its "four pests" schedule, monthly on the 5th (C4); and a
// lecture-needs survey to building 3 whose personal links went out by SMS
// (H4; the demo SMS page shows them).
func seedCommunity3(ctx context.Context, db *sqlstore.DB, p *wubu.Project) error {
	staff, err := staffByLogin(ctx, db, p.ID)
	if err != nil {
		return err
	}
	assistant, manager := staff["assistant"], staff["manager"]
	if assistant == nil || manager == nil {
		return nil
	}
	as, ms := wubu.NewContextWithUser(ctx, assistant), wubu.NewContextWithUser(ctx, manager)
	outbox := sqlstore.NewOutboxService(db)
	bs := sqlstore.NewBulletinService(db).WithNotifier(outbox)
	today := db.Clock.Now().In(cst)
	day := func(d int) string { return today.AddDate(0, 0, d).Format(time.DateOnly) }

	// Unit 3-2 (侯萍's, in the README's tour): the notice's audience.
	rows, err := sqlstore.NewResidentService(db).Lookup(as, p.ID, "3-2-1201", 5)
	if err != nil {
		return err
	}
	var unit *int64
	label := "3-2-1201"
	rooms, _, err := sqlstore.NewOrgService(db).FindRooms(as, wubu.RoomFilter{ProjectID: p.ID, Limit: 1, Label: &label})
	if err != nil {
		return err
	}
	if len(rooms) == 1 {
		unit = &rooms[0].UnitID
	}
	if unit != nil {
		if len(rows) > 0 {
			if err := bs.SetResidentEmail(as, rows[0].PersonID, "resident3201@example.com"); err != nil {
				return fmt.Errorf("e-mail: %w", err)
			}
		}
		n := &wubu.Bulletin{ProjectID: p.ID, Title: "3栋2单元电梯更换通知", Body: "尊敬的3栋2单元业主、住户：\n\n本单元2号电梯将于下周一至周三更换曳引机，期间请使用1号电梯。施工范围见附件。\n\n给您带来不便，敬请谅解。",
			UnitIDs: []int64{*unit}, BoardUntil: day(10), SendEmail: true,
			Attachments: []*wubu.BulletinAttachment{{Name: "电梯更换施工范围.pdf", Data: []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")}}}
		if err := bs.PostBulletin(as, n); err != nil {
			return fmt.Errorf("notice: %w", err)
		}
		for _, r := range rows[:min(3, len(rows))] {
			if err := bs.RecordBulletinRead(as, n.ID, r.PersonID); err != nil {
				return fmt.Errorf("notice read: %w", err)
			}
		}
	}

	sc := wubu.DefaultFourPestsSchedule(p.ID)
	sc.Months, sc.Enabled = nil, true
	if err := bs.SaveFourPestsSchedule(ms, sc); err != nil {
		return fmt.Errorf("four pests: %w", err)
	}

	buildings, err := sqlstore.NewOrgService(db).FindBuildings(as, p.ID)
	if err != nil {
		return err
	}
	var b3 []int64
	for _, b := range buildings {
		if b.Name == "3" {
			b3 = append(b3, b.ID)
		}
	}
	surveys := sqlstore.NewSurveyService(db).WithNotifier(outbox)
	f := &wubu.SurveyForm{ProjectID: p.ID, Purpose: wubu.SurveyCommunity, Title: "社区讲座需求调查", OpensOn: day(0), ClosesOn: day(14), BuildingIDs: b3,
		Questions: []*wubu.SurveyQuestion{
			{Kind: wubu.QuestionMulti, Text: "您希望听哪些讲座？", Choices: []string{"居家安全", "美容护肤", "家庭理财", "园艺绿植", "装修须知"}, Required: true},
			{Kind: wubu.QuestionSingle, Text: "您方便的时间", Choices: []string{"工作日晚上", "周六上午", "周日下午"}},
			{Kind: wubu.QuestionText, Text: "其他建议"}}}
	if err := surveys.SaveSurveyForm(ms, f); err != nil {
		return fmt.Errorf("survey: %w", err)
	}
	if _, err := surveys.SendSurveyLinks(as, f.ID, "http://127.0.0.1:8080"); err != nil {
		return fmt.Errorf("survey links: %w", err)
	}
	return nil
}
