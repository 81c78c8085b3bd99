package wubu

import (
	"context"
	"slices"
	"time"
)

// Notices on the board (公告, K1, C3): a notice to a project or one of its
// buildings, with the period it stays on the board, printable on A4. Kinds
// include the pest-control plans' advance notices (消杀, C3): a plan of
// areas and dates per project, recurring, from which the rules post the
// same fixed notice ("close doors and windows, keep pets in") N days before
// each date, once.

// BulletinKind says what a notice is.
type BulletinKind string

// Notice kinds.
const (
	BulletinGeneral     BulletinKind = "general"
	BulletinPestControl BulletinKind = "pest_control"
	BulletinEvent       BulletinKind = "event"
)

// BulletinKinds lists every kind.
var BulletinKinds = []BulletinKind{BulletinGeneral, BulletinPestControl, BulletinEvent}

// Valid reports whether k is a known kind.
func (k BulletinKind) Valid() bool { return slices.Contains(BulletinKinds, k) }

// Bulletin is a notice on the board.
type Bulletin struct {
	ID        int64        `json:"id"`
	ProjectID int64        `json:"project_id"`
	Kind      BulletinKind `json:"kind"`
	Title     string       `json:"title"`
	Body      string       `json:"body"`
	// BuildingID narrows the audience to a building; nil: the project.
	BuildingID   *int64 `json:"building_id,omitempty"`
	BuildingName string `json:"building_name,omitempty"`
	// SegmentID narrows the residents an SMS goes to to a saved customer
	// segment (U2); the board shows the notice to everyone.
	SegmentID   *int64 `json:"segment_id,omitempty"`
	SegmentName string `json:"segment_name,omitempty"`
	// BoardFrom and BoardUntil are the days (YYYY-MM-DD, China time) it is
	// on the board.
	BoardFrom  string `json:"board_from"`
	BoardUntil string `json:"board_until"`
	// PlanID and PlanDate name the pest-control plan and date an advance
	// notice was posted for.
	PlanID   *int64 `json:"plan_id,omitempty"`
	PlanDate string `json:"plan_date,omitempty"`
	// SendSMS sends the notice to the audience's residents by SMS through
	// the outbox (quiet hours respected); Sent counts the messages queued.
	SendSMS      bool      `json:"send_sms"`
	Sent         int       `json:"sent,omitempty"`
	PostedBy     *int64    `json:"posted_by,omitempty"`
	PostedByName string    `json:"posted_by_name,omitempty"`
	PostedAt     time.Time `json:"posted_at"`
	ProjectName  string    `json:"project_name"`
}

// PestPlan is a project's pest-control plan: the areas treated, from a
// first date, again every EveryDays days (0: once) until Until.
type PestPlan struct {
	ID        int64  `json:"id"`
	ProjectID int64  `json:"project_id"`
	Areas     string `json:"areas"`
	FirstDate string `json:"first_date"`
	EveryDays int    `json:"every_days"`
	Until     string `json:"until,omitempty"`
	// NoticeDays is how many days before each date the advance notice
	// is posted (the setting; DefaultPestNoticeDays when zero).
	NoticeDays int       `json:"notice_days"`
	CreatedAt  time.Time `json:"created_at"`
}

// DefaultPestNoticeDays is the default advance of a pest-control notice.
const DefaultPestNoticeDays = 3

// Dates returns the plan's dates from from to to (inclusive), as
// YYYY-MM-DD.
func (p *PestPlan) Dates(from, to time.Time) []string {
	first, err := time.ParseInLocation(time.DateOnly, p.FirstDate, from.Location())
	if err != nil {
		return nil
	}
	var until time.Time
	if p.Until != "" {
		until, _ = time.ParseInLocation(time.DateOnly, p.Until, from.Location())
	}
	var out []string
	for d, i := first, 0; !d.After(to) && i < 10000; i++ {
		if !until.IsZero() && d.After(until) {
			break
		}
		if !d.Before(from) {
			out = append(out, d.Format(time.DateOnly))
		}
		if p.EveryDays <= 0 {
			break
		}
		d = first.AddDate(0, 0, (i+1)*p.EveryDays)
	}
	return out
}

// PestNoticeTitle and PestNoticeBody are the fixed advance notice, the
// same every time so that residents know how to prepare (Chinese: it is
// posted on the boards); the body takes the date and the areas.
const (
	PestNoticeTitle = "消杀作业通知"
	PestNoticeBody  = "尊敬的各位业主、住户：\n\n物业服务中心定于%s对%s进行消杀作业。\n\n届时请关好门窗，将宠物留在室内，看护好儿童，避免接触作业区域；晾晒的衣物请提前收回。\n\n感谢您的理解与配合！"
)

// BulletinService posts notices and keeps the pest-control plans. Reads
// need PermResidentView, posting PermResidentEdit, the plans
// PermSettingsEdit; another project's notice answers ENOTFOUND.
type BulletinService interface {
	// PostBulletin posts a notice. EINVALID (kind, title, body, period),
	// ENOTFOUND (building).
	PostBulletin(ctx context.Context, b *Bulletin) error
	FindBulletin(ctx context.Context, id int64) (*Bulletin, error)
	// FindBulletins lists a project's notices, newest first.
	FindBulletins(ctx context.Context, projectID int64) ([]*Bulletin, error)
	// SavePestPlan records a pest-control plan. EINVALID.
	SavePestPlan(ctx context.Context, p *PestPlan) error
	FindPestPlans(ctx context.Context, projectID int64) ([]*PestPlan, error)
	// PostPestNotices posts, for every plan of the project, the advance
	// notice of each date that is NoticeDays or fewer days after today
	// and has none yet: exactly once per plan and date, however often it
	// runs. It returns how many it posted.
	PostPestNotices(ctx context.Context, projectID int64, now time.Time) (int, error)
}
