package seed

import (
	"context"
	"fmt"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// seedPortal2 gives 丽景苑 its community forum (K4) — the general board
// with a resident's question answered by the assistant under her name, and
// two interest groups (U5) with members — the pre-move-in pages for the
// buyers on its prospect list (information and group-buy offers), and a
// visitor invited for today, whose code the guard can check on the lookup
// page.
func seedPortal2(ctx context.Context, db *sqlstore.DB, p *wubu.Project) error {
	staff, err := staffByLogin(ctx, db, p.ID)
	if err != nil {
		return err
	}
	assistant := staff["assistant"]
	if assistant == nil {
		return nil
	}
	as := wubu.NewContextWithUser(ctx, assistant)
	rows, _, err := sqlstore.NewResidentService(db).FindResidents(as, wubu.ResidentFilter{ProjectID: p.ID, Limit: 3})
	if err != nil || len(rows) < 3 {
		return err
	}
	fs := sqlstore.NewForumService(db)
	general := &wubu.ForumBoard{ProjectID: p.ID, Kind: wubu.BoardForum, Name: "业主论坛", Description: "小区大小事，物业在线答复"}
	groups := []*wubu.ForumBoard{
		{ProjectID: p.ID, Kind: wubu.BoardGroup, Name: "摄影社", Description: "每月一次外拍，欢迎新手"},
		{ProjectID: p.ID, Kind: wubu.BoardGroup, Name: "太极拳队", Description: "每天早上 6:30 中心花园"},
	}
	for _, b := range append([]*wubu.ForumBoard{general}, groups...) {
		if err := fs.CreateBoard(ctx, b); err != nil {
			return fmt.Errorf("forum board: %w", err)
		}
	}
	asker := wubu.ForumAuthor{ProjectID: p.ID, PersonID: rows[0].Person.ID}
	q := &wubu.ForumPost{BoardID: general.ID, Title: "地下车库 B2 东侧照明", Body: "B2 层东侧有三盏灯坏了一周，晚上停车看不清，麻烦处理一下。"}
	if err := fs.PostTopicAs(ctx, asker, q); err != nil {
		return fmt.Errorf("forum topic: %w", err)
	}
	if _, err := fs.Answer(as, q.ID, "您好，已派维修师傅今天下午更换，完成后在这里告诉您。感谢提醒！"); err != nil {
		return fmt.Errorf("forum answer: %w", err)
	}
	for _, r := range rows[1:] {
		if err := fs.JoinGroup(ctx, groups[0].ID, wubu.ForumAuthor{ProjectID: p.ID, PersonID: r.Person.ID}); err != nil {
			return fmt.Errorf("forum group: %w", err)
		}
	}
	if err := fs.PostTopicAs(ctx, wubu.ForumAuthor{ProjectID: p.ID, PersonID: rows[1].Person.ID},
		&wubu.ForumPost{BoardID: groups[0].ID, Title: "本周六奥森公园外拍", Body: "早上 8 点东门集合，自带相机或手机即可。"}); err != nil {
		return fmt.Errorf("forum group topic: %w", err)
	}

	// The pre-move-in pages: information and offers.
	pm := sqlstore.NewPreMoveInService(db)
	until := db.Clock.Now().In(cst).AddDate(0, 2, 0).Format("2006-01-02")
	for _, it := range []*wubu.PreMoveInItem{
		{ProjectID: p.ID, Kind: "purchase", Title: "交房须知", Body: "交房时请携带购房合同、身份证原件和维修基金缴纳凭证；共有人不能到场的，请带委托书。"},
		{ProjectID: p.ID, Kind: "renovation", Title: "装修管理规定要点", Body: "装修时间：工作日 8:00–12:00、14:00–18:00；节假日不得进行产生噪音的作业。开工前到服务中心办理装修申请。"},
		{ProjectID: p.ID, Kind: "group_buy", Title: "实木复合地板团购", Supplier: "森林地板（丽景苑合作商）", Price: "198 元/㎡（含安装）", ValidUntil: until, Body: "满 20 户成团，送踢脚线。"},
		{ProjectID: p.ID, Kind: "group_buy", Title: "中央空调团购", Supplier: "格力专卖店（丽景路店）", Price: "三室两厅套餐 2.68 万元起", ValidUntil: until},
	} {
		if err := pm.PublishPreMoveIn(ctx, it); err != nil {
			return fmt.Errorf("pre-move-in item: %w", err)
		}
	}

	// A visitor for today.
	v := &wubu.VisitorPass{RoomID: rows[0].Household.RoomID, VisitorName: "刘建国", VisitorPhone: "13911112222", Date: db.Clock.Now().In(cst).Format("2006-01-02")}
	if err := sqlstore.NewVisitorPassService(db).InviteVisitorAs(ctx, p.ID, rows[0].Person.ID, v); err != nil {
		return fmt.Errorf("visitor pass: %w", err)
	}
	return nil
}
