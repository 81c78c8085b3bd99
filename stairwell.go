package wubu

import (
	"context"
	"time"
)

// Stairwell notices (E4): standard notices for the common problems of a
// building — throwing objects from height, uncivil dog keeping, clutter in
// the corridors… — kept per project as editable templates, posted in the
// unit where the problem is, printed on A4 with the project's name and the
// date, and logged: where, when, by whom, why. A unit's history shows a
// problem that keeps coming back.

// NoticeTemplate is a project's standard notice.
type NoticeTemplate struct {
	ID        int64     `json:"id"`
	ProjectID int64     `json:"project_id"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	Archived  bool      `json:"archived"`
	UpdatedAt time.Time `json:"updated_at"`
}

// DefaultNoticeTemplates are the notices a project starts with (Chinese:
// they are posted in the stairwells), before it edits them.
var DefaultNoticeTemplates = []NoticeTemplate{
	{Title: "关于严禁高空抛物的温馨提示", Body: "尊敬的各位业主、住户：\n\n近期本单元发生高空抛物现象。高空抛物严重威胁楼下行人和车辆安全，《中华人民共和国民法典》第一千二百五十四条明确规定禁止从建筑物中抛掷物品，情节严重的将依法追究刑事责任。\n\n请大家自觉遵守，切勿从窗户、阳台向外抛掷任何物品，并提醒家中老人和小孩注意。发现高空抛物行为，请及时联系物业服务中心。\n\n感谢您的理解与配合！"},
	{Title: "关于文明养犬的温馨提示", Body: "尊敬的各位业主、住户：\n\n为维护小区环境卫生和邻里和谐，请养犬的住户做到：\n1. 出户遛犬须束犬链、由成年人牵领，主动避让老人和儿童；\n2. 及时清理犬只粪便；\n3. 不在楼道、电梯内逗留犬只，乘电梯时抱起或收紧犬链；\n4. 按规定为犬只办证、免疫，夜间避免犬吠扰民。\n\n感谢您的理解与配合！"},
	{Title: "关于清理楼道堆放杂物的通知", Body: "尊敬的各位业主、住户：\n\n楼道是消防安全通道，堆放杂物不仅影响通行和环境卫生，更会在发生火灾时阻碍逃生、助长火势。\n\n请在本通知张贴之日起三日内自行清理楼道、消防通道内堆放的杂物、电动车及易燃物品。逾期未清理的，物业服务中心将按相关规定协助清理。\n\n感谢您的理解与配合！"},
	{Title: "关于禁止电动车入户充电的温馨提示", Body: "尊敬的各位业主、住户：\n\n电动车在楼道、室内停放和充电极易引发火灾。请将电动车停放在小区指定的集中停放点，使用集中充电设施，切勿“飞线”充电或推入电梯、楼道。\n\n感谢您的理解与配合！"},
	{Title: "关于装修噪音的温馨提示", Body: "尊敬的各位业主、住户：\n\n为保障邻里休息，请装修户严格遵守装修时间规定：工作日上午8:00—12:00、下午14:00—18:00，周末及法定节假日不得进行产生噪音的施工。\n\n感谢您的理解与配合！"},
}

// StairwellNotice is one notice posted in a unit.
type StairwellNotice struct {
	ID           int64  `json:"id"`
	ProjectID    int64  `json:"project_id"`
	ProjectName  string `json:"project_name"`
	UnitID       int64  `json:"unit_id"`
	UnitName     string `json:"unit_name"`
	BuildingID   int64  `json:"building_id"`
	BuildingName string `json:"building_name"`
	// TemplateID is the standard notice it was made from, if any.
	TemplateID *int64 `json:"template_id,omitempty"`
	Title      string `json:"title"`
	Body       string `json:"body"`
	// Reason is why it was posted: what was seen, by whom reported.
	Reason       string    `json:"reason"`
	PostedBy     int64     `json:"posted_by"`
	PostedByName string    `json:"posted_by_name"`
	PostedAt     time.Time `json:"posted_at"`
	// Times is how many notices of the same title the unit has had up to
	// and including this one: above 1 the problem is recurring.
	Times int `json:"times"`
}

// NoticeFilter selects a project's posted notices.
type NoticeFilter struct {
	BuildingID int64
	UnitID     int64
	Offset     int
	Limit      int
}

// StairwellService keeps the standard notices and the log of those
// posted. Reads need PermResidentView, posting PermResidentEdit, editing
// the templates PermSettingsEdit; another project's notice or unit answers
// ENOTFOUND.
type StairwellService interface {
	// NoticeTemplates returns the project's templates (archived ones too
	// when all), giving a project without any the defaults first.
	NoticeTemplates(ctx context.Context, projectID int64, all bool) ([]*NoticeTemplate, error)
	// SaveNoticeTemplate creates (ID 0) or changes a template. EINVALID,
	// ENOTFOUND.
	SaveNoticeTemplate(ctx context.Context, t *NoticeTemplate) error
	// PostNotice logs a notice posted in a unit, from a template (its
	// title and body unless given) or written out. EINVALID (no reason,
	// no title or body), ENOTFOUND (unit, template).
	PostNotice(ctx context.Context, n *StairwellNotice) error
	// FindNotice returns a posted notice, for printing.
	FindNotice(ctx context.Context, id int64) (*StairwellNotice, error)
	// FindNotices returns the posted notices, newest first, and the total.
	FindNotices(ctx context.Context, projectID int64, f NoticeFilter) ([]*StairwellNotice, int, error)
}
