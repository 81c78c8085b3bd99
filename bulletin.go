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
	// BulletinFourPests is the periodic "four pests" information (C4),
	// posted by the rules from the project's schedule.
	BulletinFourPests BulletinKind = "four_pests"
)

// BulletinKinds lists every kind.
var BulletinKinds = []BulletinKind{BulletinGeneral, BulletinPestControl, BulletinEvent, BulletinFourPests}

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
	// BuildingIDs and UnitIDs narrow the audience to buildings and units
	// (a resident of any of them is in it); both empty with no BuildingID:
	// the whole project. BuildingNames and UnitLabels ("3-2") name them.
	BuildingIDs   []int64  `json:"building_ids,omitempty"`
	UnitIDs       []int64  `json:"unit_ids,omitempty"`
	BuildingNames []string `json:"building_names,omitempty"`
	UnitLabels    []string `json:"unit_labels,omitempty"`
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
	// Occurrence is the month ("2026-12") of the "four pests" schedule a
	// notice was posted for.
	Occurrence string `json:"occurrence,omitempty"`
	// SendSMS sends the notice to the audience's residents by SMS through
	// the outbox (quiet hours respected); Sent counts the messages queued.
	SendSMS bool `json:"send_sms"`
	Sent    int  `json:"sent,omitempty"`
	// SendEmail also sends it by e-mail to the audience's residents with
	// an e-mail address on file; Emailed counts those messages.
	SendEmail bool `json:"send_email"`
	Emailed   int  `json:"emailed,omitempty"`
	// Attachments are the files posted with the notice (their data only
	// when posting).
	Attachments []*BulletinAttachment `json:"attachments,omitempty"`
	// Reads counts the residents of the audience who read the notice (on
	// the portal) and AudienceSize the residents in the audience: filled
	// by FindBulletin.
	Reads        int       `json:"reads"`
	AudienceSize int       `json:"audience_size"`
	PostedBy     *int64    `json:"posted_by,omitempty"`
	PostedByName string    `json:"posted_by_name,omitempty"`
	PostedAt     time.Time `json:"posted_at"`
	ProjectName  string    `json:"project_name"`
}

// ReadPercent is the share of the audience who read the notice, in
// percent (one decimal).
func (b *Bulletin) ReadPercent() float64 {
	if b.AudienceSize == 0 {
		return 0
	}
	return float64(b.Reads*1000/b.AudienceSize) / 10
}

// BulletinAttachment is a file posted with a notice.
type BulletinAttachment struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
	Data        []byte `json:"-"`
}

// Attachment limits: how many files a notice takes and how large each may
// be.
const (
	MaxBulletinFiles    = 5
	MaxBulletinFileSize = 10 << 20
)

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
	NoticeDays int `json:"notice_days"`
	// SendSMS sends each advance notice to the project's residents by SMS
	// too, through the outbox (quiet hours respected), as it is posted.
	SendSMS   bool      `json:"send_sms"`
	CreatedAt time.Time `json:"created_at"`
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
	// PostBulletin posts a notice with its attachments (at most
	// MaxBulletinFiles of MaxBulletinFileSize each: PDF, JPEG, PNG, Word,
	// Excel) and queues it by SMS and e-mail as asked. EINVALID (kind,
	// title, body, period, a file), ENOTFOUND (building, unit).
	PostBulletin(ctx context.Context, b *Bulletin) error
	// FindBulletin returns a notice with its audience, attachments (no
	// data) and read counts.
	FindBulletin(ctx context.Context, id int64) (*Bulletin, error)
	// BulletinFile returns an attachment with its data. ENOTFOUND.
	BulletinFile(ctx context.Context, bulletinID, fileID int64) (*BulletinAttachment, error)
	// RecordBulletinRead records that a resident read a notice (the
	// portal calls it for the signed-in resident); a second call changes
	// nothing. It checks no staff permission: the caller vouches for the
	// resident. ENOTFOUND (the notice, or a resident not of its project).
	RecordBulletinRead(ctx context.Context, bulletinID, residentID int64) error
	// RecordBulletinReads records that a resident read notices, once
	// each, in one transaction (the portal's board, read whole).
	RecordBulletinReads(ctx context.Context, residentID int64, bulletinIDs ...int64) error
	// SetResidentEmail keeps the e-mail address notices are sent to for a
	// resident ("" removes it). Needs PermResidentEdit. EINVALID
	// (address), ENOTFOUND.
	SetResidentEmail(ctx context.Context, personID int64, email string) error
	// ResidentEmail returns it ("" for none). Needs PermResidentView.
	// ENOTFOUND.
	ResidentEmail(ctx context.Context, personID int64) (string, error)
	// FindBulletins lists a project's notices, newest first.
	FindBulletins(ctx context.Context, projectID int64) ([]*Bulletin, error)
	// MyBulletins returns the notices on the board today for the resident
	// signed in to the portal: their project's and their buildings'.
	MyBulletins(ctx context.Context) ([]*Bulletin, error)
	// SavePestPlan records a pest-control plan. EINVALID.
	SavePestPlan(ctx context.Context, p *PestPlan) error
	FindPestPlans(ctx context.Context, projectID int64) ([]*PestPlan, error)
	// PostPestNotices posts, for every plan of the project, the advance
	// notice of each date that is NoticeDays or fewer days after today
	// and has none yet: exactly once per plan and date, however often it
	// runs. It returns how many it posted.
	PostPestNotices(ctx context.Context, projectID int64, now time.Time) (int, error)
	// FourPestsSchedule returns the project's "four pests" schedule (C4),
	// a disabled default one when none was saved.
	FourPestsSchedule(ctx context.Context, projectID int64) (*FourPestsSchedule, error)
	// SaveFourPestsSchedule saves it (PermSettingsEdit). EINVALID.
	SaveFourPestsSchedule(ctx context.Context, s *FourPestsSchedule) error
	// PostFourPestsInfo posts the information notice of the schedule's
	// current month once its day has come: exactly once per month,
	// however often it runs. It returns how many it posted (0 or 1).
	PostFourPestsInfo(ctx context.Context, projectID int64, now time.Time) (int, error)
}
