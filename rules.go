package wubu

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Proactive rules (SPEC E3, D4, H1, D3): promises the method makes without
// anyone asking — a card reminder before expiry, a visit to an elderly
// resident living alone, a greeting on the festival. Each rule reads its
// project's settings, whose defaults are the guideline's values; the rules
// engine runs them periodically (internal/jobs) and sends every message
// through the Notifier with a dedup key, so a rule that runs again never
// sends a message twice.

// ProjectSettings are a project's working hours and the settings of its
// proactive rules.
type ProjectSettings struct {
	ProjectID int64 `json:"project_id"`
	// WorkStart and WorkEnd are the daily working hours, "08:30" and
	// "17:30" (China time): working-time deadlines count them.
	WorkStart string `json:"work_start"`
	WorkEnd   string `json:"work_end"`
	// CardReminderDays are how many days before a parking or access card
	// expires its holder is reminded (E3): one reminder for each.
	CardReminderDays []int `json:"card_reminder_days"`
	// SpecialDayLeadDays is how many days before a resident's special day
	// the responsible assistant is reminded (D4).
	SpecialDayLeadDays int `json:"special_day_lead_days"`
	// CareVisitDays is the longest time between two visits to a resident
	// with a care flag (H1).
	CareVisitDays int `json:"care_visit_days"`
	// CareEscalateDays is how many days after a care visit is overdue the
	// team leader is told as well.
	CareEscalateDays int `json:"care_escalate_days"`

	// Default is true when the project has never changed its settings.
	Default   bool       `json:"default"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// DefaultSettings returns the settings of a project that sets none: the
// guideline's values.
func DefaultSettings(projectID int64) *ProjectSettings {
	return &ProjectSettings{ProjectID: projectID, WorkStart: "08:30", WorkEnd: "17:30", CardReminderDays: []int{15, 3},
		SpecialDayLeadDays: 1, CareVisitDays: 7, CareEscalateDays: 1, Default: true}
}

// ParseClock parses a time of day "HH:MM" (00:00–24:00) into an offset from
// midnight.
func ParseClock(s string) (time.Duration, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || hh == 24 && mm != 0 {
		return 0, false
	}
	return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute, true
}

// FormatClock formats an offset from midnight as "HH:MM".
func FormatClock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// Limits of the settings.
const (
	MaxCardReminders   = 5
	MaxCardReminderDay = 90
	MaxCareVisitDays   = 90
)

// Hours returns the working hours as offsets from midnight.
func (s *ProjectSettings) Hours() (start, end time.Duration) {
	start, _ = ParseClock(s.WorkStart)
	end, _ = ParseClock(s.WorkEnd)
	return start, end
}

// Validate normalises the settings and returns EINVALID, naming the field,
// for settings no project can have.
func (s *ProjectSettings) Validate() error {
	start, ok1 := ParseClock(s.WorkStart)
	end, ok2 := ParseClock(s.WorkEnd)
	switch {
	case !ok1:
		return FieldErrorf("work_start", EINVALID, "Give the start of working hours as HH:MM, such as 08:30.")
	case !ok2:
		return FieldErrorf("work_end", EINVALID, "Give the end of working hours as HH:MM, such as 17:30.")
	case end <= start:
		return FieldErrorf("work_end", EINVALID, "Working hours must end after they start.")
	}
	s.WorkStart, s.WorkEnd = FormatClock(start), FormatClock(end)
	if len(s.CardReminderDays) == 0 || len(s.CardReminderDays) > MaxCardReminders {
		return FieldErrorf("card_reminder_days", EINVALID, "Give 1 to %d reminder days before a card expires.", MaxCardReminders)
	}
	days := slices.Clone(s.CardReminderDays)
	for _, d := range days {
		if d < 1 || d > MaxCardReminderDay {
			return FieldErrorf("card_reminder_days", EINVALID, "Card reminders must come 1 to %d days before the expiry.", MaxCardReminderDay)
		}
	}
	slices.Sort(days)
	days = slices.Compact(days)
	slices.Reverse(days)
	s.CardReminderDays = days
	switch {
	case s.SpecialDayLeadDays < 0 || s.SpecialDayLeadDays > 30:
		return FieldErrorf("special_day_lead_days", EINVALID, "The special-day reminder must come 0 to %d days before.", 30)
	case s.CareVisitDays < 1 || s.CareVisitDays > MaxCareVisitDays:
		return FieldErrorf("care_visit_days", EINVALID, "Care visits must be 1 to %d days apart.", MaxCareVisitDays)
	case s.CareEscalateDays < 1 || s.CareEscalateDays > 30:
		return FieldErrorf("care_escalate_days", EINVALID, "The team leader must be told 1 to %d days after a visit is overdue.", 30)
	}
	return nil
}

// ParseDays parses a list of days such as "15, 3" or "15 3".
func ParseDays(s string) ([]int, bool) {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '，' || r == '、' }) {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

// SettingsService reads and changes a project's settings.
type SettingsService interface {
	// FindSettings returns a project's settings, the defaults if it has set
	// none. Any staff member serving the project may read them; ENOTFOUND
	// otherwise.
	FindSettings(ctx context.Context, projectID int64) (*ProjectSettings, error)
	// UpdateSettings replaces a project's settings (PermSettingsEdit).
	// EINVALID names the field at fault and changes nothing; EFORBIDDEN,
	// ENOTFOUND.
	UpdateSettings(ctx context.Context, s *ProjectSettings) (*ProjectSettings, error)
}

// CareVisit is a visit to a resident with a care flag (H1).
type CareVisit struct {
	ID        int64     `json:"id"`
	ProjectID int64     `json:"project_id"`
	PersonID  int64     `json:"person_id"`
	UserID    *int64    `json:"user_id,omitempty"`
	UserName  string    `json:"user_name,omitempty"`
	VisitedAt time.Time `json:"visited_at"`
	Notes     string    `json:"notes"`
	CreatedAt time.Time `json:"created_at"`
	// Answers, on a record, answer the project's care-visit form
	// (SurveyCare), if it has one; Survey is the response recorded.
	Answers []SurveyAnswer  `json:"answers,omitempty"`
	Survey  *SurveyResponse `json:"survey,omitempty"`
}

// CareDue is a resident with a care flag and when their next visit is due.
type CareDue struct {
	ProjectID  int64      `json:"project_id"`
	PersonID   int64      `json:"person_id"`
	PersonName string     `json:"person_name"`
	Room       string     `json:"room,omitempty"`
	CareFlags  []CareFlag `json:"care_flags"`
	LastVisit  *time.Time `json:"last_visit,omitempty"`
	DueAt      time.Time  `json:"due_at"`
	Overdue    bool       `json:"overdue"`
	// Escalated is true once the team leader has been told too.
	Escalated bool `json:"escalated"`
	// AssistantIDs are the staff responsible for the resident: the zone
	// assistants of their buildings, else the project's customer-service
	// staff.
	AssistantIDs []int64 `json:"assistant_ids"`
}

// CareService records care visits and lists the residents due one.
type CareService interface {
	// RecordCareVisit records a visit (PermResidentEdit) by the signed-in
	// user; it lands on the resident's timeline. VisitedAt zero means now.
	// EINVALID for a visit in the future or a resident without a care
	// flag; ENOTFOUND.
	RecordCareVisit(ctx context.Context, v *CareVisit) error
	// FindCareVisits returns a resident's visits, newest first.
	FindCareVisits(ctx context.Context, personID int64) ([]*CareVisit, error)
	// FindCareDue returns the project's residents with a care flag, the
	// most overdue first; overdueOnly keeps those overdue.
	FindCareDue(ctx context.Context, projectID int64, overdueOnly bool) ([]*CareDue, error)
}

// GreetingState is where a festival campaign stands.
type GreetingState string

// Greeting campaign states.
const (
	GreetingScheduled GreetingState = "scheduled" // waits for its send time
	GreetingQueued    GreetingState = "queued"    // its messages are in the outbox
	GreetingCancelled GreetingState = "cancelled"
)

// GreetingAudience selects the residents a campaign greets; empty fields do not
// filter. Only residents living in the project (not moved out) with a
// mobile number are greeted, once each.
type GreetingAudience struct {
	BuildingIDs []int64    `json:"building_ids,omitempty"`
	CareFlags   []CareFlag `json:"care_flags,omitempty"`
	Relations   []Relation `json:"relations,omitempty"`
	// PerHousehold sends one greeting a home, to its first registered
	// adult (usually the owner), addressed to the household.
	PerHousehold bool `json:"per_household,omitempty"`
	// IncludeChildren greets residents under 18 too (by birthday or ID
	// number); they are left out by default.
	IncludeChildren bool `json:"include_children,omitempty"`
	// SegmentID narrows the audience to a saved customer segment (U2).
	SegmentID *int64 `json:"segment_id,omitempty"`
}

// GreetingCampaign is a festival greeting to an audience (D3), sent by SMS with the
// festival_greeting template.
type GreetingCampaign struct {
	ID        int64  `json:"id"`
	ProjectID int64  `json:"project_id"`
	Name      string `json:"name"`
	// Festival is a festival's key (calendar.Festivals) and Year its year.
	Festival string           `json:"festival"`
	Year     int              `json:"year"`
	Audience GreetingAudience `json:"audience"`
	// Message is the greeting itself, the template's {message} variable.
	Message string `json:"message"`
	// SendAt is when the messages are queued; the outbox holds them
	// through quiet hours.
	SendAt   time.Time     `json:"send_at"`
	State    GreetingState `json:"state"`
	Queued   int           `json:"queued"`
	QueuedAt *time.Time    `json:"queued_at,omitempty"`

	CreatedBy *int64    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	// FestivalName and FestivalDate describe the festival when read.
	FestivalName string `json:"festival_name,omitempty"`
	FestivalDate Date   `json:"festival_date,omitempty"`
}

// GreetingPreview is what a campaign would send: how many residents, and
// the message one of them would get.
type GreetingPreview struct {
	Count      int               `json:"count"`
	SampleName string            `json:"sample_name,omitempty"`
	Vars       map[string]string `json:"vars,omitempty"`
	Text       string            `json:"text,omitempty"`
	// SMSParts is how many SMS the sample takes (70 characters for one,
	// 67 a part beyond), and CostYuan the estimate for all of them at
	// SMSPriceYuan a part.
	SMSParts int     `json:"sms_parts"`
	CostYuan float64 `json:"cost_yuan"`
}

// GreetingFestival reports whether residents may be greeted on the
// festival: not on 清明, a day for remembering the dead.
func GreetingFestival(key string) bool { return key != "qingming" }

// SMSPriceYuan is the price of one SMS part the campaign estimate assumes
// (Alibaba Cloud's list price for mainland China).
const SMSPriceYuan = 0.045

// GreetingReport counts a queued campaign's messages by delivery status.
type GreetingReport struct {
	Campaign *GreetingCampaign `json:"campaign"`
	ByStatus map[string]int    `json:"by_status"`
	Total    int               `json:"total"`
}

// GreetingService plans and sends festival campaigns. Every method needs
// PermOutboxManage in the campaign's project (ENOTFOUND for another
// project's campaign).
type GreetingService interface {
	// PreviewGreeting returns the count and a sample message of a campaign
	// not yet saved. EINVALID for an unknown festival or audience.
	PreviewGreeting(ctx context.Context, c *GreetingCampaign) (*GreetingPreview, error)
	// CreateGreeting schedules a campaign. EINVALID names the field at
	// fault.
	CreateGreeting(ctx context.Context, c *GreetingCampaign) error
	// FindGreetings lists a project's campaigns, newest first.
	FindGreetings(ctx context.Context, projectID int64) ([]*GreetingCampaign, error)
	// FindGreeting returns one campaign.
	FindGreeting(ctx context.Context, projectID, id int64) (*GreetingCampaign, error)
	// CancelGreeting cancels a scheduled campaign; ECONFLICT once queued.
	CancelGreeting(ctx context.Context, projectID, id int64) (*GreetingCampaign, error)
	// SendGreetingNow queues a scheduled campaign's messages at once.
	SendGreetingNow(ctx context.Context, projectID, id int64) (*GreetingCampaign, error)
	// GreetingReport counts the campaign's messages by delivery status.
	GreetingReport(ctx context.Context, projectID, id int64) (*GreetingReport, error)
}
