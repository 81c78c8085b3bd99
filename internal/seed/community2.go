package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// seedCommunity2 gives 丽景苑 its sales office's buyer list (K6): the
// assistant as its custodian and three buyers of still empty units of
// building 2, each with an invitation code; its hotline and handbook texts
// (K5, H3); and three anticipated issues, one escalated to the developer,
// one with a follow-up (K8); and a few local resources (H2).
func seedCommunity2(ctx context.Context, db *sqlstore.DB, p *wubu.Project) error {
	staff, err := staffByLogin(ctx, db, p.ID)
	if err != nil {
		return err
	}
	assistant := staff["assistant"]
	if assistant == nil {
		return nil
	}
	ps := sqlstore.NewProspectService(db)
	if err := ps.SetProspectCustodian(ctx, p.ID, assistant.ID); err != nil {
		return fmt.Errorf("prospect custodian: %w", err)
	}
	empty, err := emptyRooms(ctx, db, p.ID, "2")
	if err != nil {
		return err
	}
	buyers := []struct{ name, address string }{
		{"赵明远", "北京市海淀区中关村大街27号院3号楼502"},
		{"钱婉清", "上海市浦东新区世纪大道100号18层"},
		{"孙浩然", "广州市天河区体育西路191号中石化大厦B座1206"},
	}
	for i, b := range buyers {
		if i >= len(empty) {
			break
		}
		if err := ps.AddProspect(ctx, &wubu.Prospect{ProjectID: p.ID, Name: b.name, Address: b.address, Unit: empty[len(empty)-1-i].Label}); err != nil {
			return fmt.Errorf("prospect: %w", err)
		}
	}
	info := &wubu.CommunityInfo{ProjectID: p.ID, Hotline: "400-800-1234", Hours: "客服中心 8:30–18:00（节假日照常）；24 小时值班电话同热线",
		Channels: "前台、服务热线、片区管家电话、业主微信群", Safety: "出门关好门窗、燃气阀门；电动车请勿在楼道充电；高空勿抛物。",
		Facilities: "会所、儿童游乐场、健身步道、地下车库（B1–B2）", Surroundings: "华联超市（东门 200 米）、社区卫生服务站（南门）、第一实验小学、地铁 4 号线丽景站"}
	if err := sqlstore.NewHandbookService(db).SaveCommunityInfo(ctx, info); err != nil {
		return fmt.Errorf("community info: %w", err)
	}
	cal, err := calendar.New()
	if err != nil {
		return err
	}
	fs := sqlstore.NewFocusService(db, sqlstore.NewClockService(db, calendar.Schedule{Calendar: cal}))
	issues := []*wubu.FocusIssue{
		{ProjectID: p.ID, Title: "地下车库 B2 渗水", Source: "inspection", Households: 60, Severity: 3, OwnerID: assistant.ID},
		{ProjectID: p.ID, Title: "高峰期电梯等候时间长", Source: "complaint", Households: 120, Severity: 2, OwnerID: assistant.ID},
		{ProjectID: p.ID, Title: "3 号楼外墙裂缝", Source: "staff", Households: 16, Severity: 4, OwnerID: assistant.ID},
	}
	for _, i := range issues {
		if err := fs.RecordFocusIssue(ctx, i); err != nil {
			return fmt.Errorf("focus issue: %w", err)
		}
	}
	if _, err := fs.EscalateFocusIssue(ctx, issues[0].ID, "请地产确认防水维修方案与完工时间"); err != nil {
		return fmt.Errorf("focus escalation: %w", err)
	}
	if err := fs.PlanFocusFollowUp(ctx, &wubu.FocusFollowUp{IssueID: issues[1].ID, Action: "与电梯维保单位商定高峰期调度方案", DueAt: db.Clock.Now().Add(5 * 24 * time.Hour)}); err != nil {
		return fmt.Errorf("focus follow-up: %w", err)
	}
	// The directory of local resources (H2), one procedure with its form.
	ls := sqlstore.NewLocalResourceService(db)
	form := &wubu.LocalResourceFile{Name: "居住证办理须知.txt", ContentType: "text/plain; charset=utf-8",
		Data: []byte("居住证办理须知\n所需材料：身份证、租赁合同或房产证、近期照片一张。\n办理地点：街道政务服务中心一楼 3 号窗口。\n")}
	for _, e := range []struct {
		lr   wubu.LocalResource
		file *wubu.LocalResourceFile
	}{
		{wubu.LocalResource{Kind: "procedure", Name: "居住证办理", Address: "街道政务服务中心一楼 3 号窗口", Note: "工作日 9:00–17:00"}, form},
		{wubu.LocalResource{Kind: "clinic", Name: "社区卫生服务站", Address: "小区南门东侧", Phone: "010-66668888"}, nil},
		{wubu.LocalResource{Kind: "shop", Name: "华联超市", Address: "东门外 200 米"}, nil},
	} {
		lr := e.lr
		lr.ProjectID = p.ID
		if err := ls.AddLocalResource(ctx, &lr, e.file); err != nil {
			return fmt.Errorf("local resource: %w", err)
		}
	}
	return nil
}
