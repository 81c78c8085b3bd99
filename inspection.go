package wubu

import (
	"context"
	"slices"
	"time"
)

// The household archive's campaigns (M3, M9): free home inspections
// (免费入户检查) and holiday electrical checks (节前电气检查) run over chosen
// buildings. Creating a campaign creates one visit per occupied room; the
// visits are assigned to technicians, recorded (done, not home, refused)
// with their findings, which land on the residents' timeline and on the
// room's appliance record (M2).

// CampaignKind is the kind of an inspection campaign.
type CampaignKind string

// Campaign kinds.
const (
	CampaignHomeInspection    CampaignKind = "home_inspection"    // 免费入户检查
	CampaignHolidayElectrical CampaignKind = "holiday_electrical" // 节前电气检查
	CampaignOther             CampaignKind = "other"
)

// CampaignKinds lists every kind.
var CampaignKinds = []CampaignKind{CampaignHomeInspection, CampaignHolidayElectrical, CampaignOther}

// Valid reports whether k is a known kind.
func (k CampaignKind) Valid() bool { return slices.Contains(CampaignKinds, k) }

// VisitStatus is the state of an inspection visit.
type VisitStatus string

// Visit states. A visit not at home may be recorded again later.
const (
	VisitPending VisitStatus = "pending"
	VisitDone    VisitStatus = "done"
	VisitNotHome VisitStatus = "not_home"
	VisitRefused VisitStatus = "refused"
)

// VisitStatuses lists every state.
var VisitStatuses = []VisitStatus{VisitPending, VisitDone, VisitNotHome, VisitRefused}

// Valid reports whether s is a known state.
func (s VisitStatus) Valid() bool { return slices.Contains(VisitStatuses, s) }

// Severity is how serious a finding is.
type Severity string

// Severities.
const (
	SeverityLow    Severity = "low"
	SeverityMedium Severity = "medium"
	SeverityHigh   Severity = "high"
)

// Severities lists every severity.
var Severities = []Severity{SeverityLow, SeverityMedium, SeverityHigh}

// Valid reports whether s is a known severity.
func (s Severity) Valid() bool { return slices.Contains(Severities, s) }

// Campaign is an inspection campaign over chosen buildings of a project.
type Campaign struct {
	ID          int64        `json:"id"`
	ProjectID   int64        `json:"project_id"`
	Kind        CampaignKind `json:"kind"`
	Name        string       `json:"name"`
	StartsOn    Date         `json:"starts_on"`
	EndsOn      Date         `json:"ends_on"`
	Note        string       `json:"note,omitempty"`
	BuildingIDs []int64      `json:"building_ids"`
	CreatedBy   *int64       `json:"created_by,omitempty"`
	CreatedAt   time.Time    `json:"created_at"`

	// Visits is the number of visits; Done those done; Recorded those
	// with any answer (done, not home, refused).
	Visits   int `json:"visits"`
	Done     int `json:"done"`
	Recorded int `json:"recorded"`
}

// Percent returns the share of visits done, 0–100.
func (c *Campaign) Percent() int { return campaignPercent(c.Done, c.Visits) }

func campaignPercent(n, of int) int {
	if of == 0 {
		return 0
	}
	return n * 100 / of
}

// BuildingProgress is a campaign's progress in one building.
type BuildingProgress struct {
	BuildingID   int64  `json:"building_id"`
	BuildingName string `json:"building_name"`
	Visits       int    `json:"visits"`
	Done         int    `json:"done"`
	NotHome      int    `json:"not_home"`
	Refused      int    `json:"refused"`
	Pending      int    `json:"pending"`
	// PercentDone is the share of visits done, 0–100.
	PercentDone int `json:"percent_done"`
}

// InspectionVisit is the visit of one occupied room in a campaign.
type InspectionVisit struct {
	ID         int64       `json:"id"`
	ProjectID  int64       `json:"project_id"`
	CampaignID int64       `json:"campaign_id"`
	BuildingID int64       `json:"building_id"`
	RoomID     int64       `json:"room_id"`
	RoomLabel  string      `json:"room_label"`
	AssigneeID *int64      `json:"assignee_id,omitempty"`
	Assignee   string      `json:"assignee,omitempty"`
	Status     VisitStatus `json:"status"`
	Note       string      `json:"note,omitempty"`
	VisitedAt  *time.Time  `json:"visited_at,omitempty"`
	VisitedBy  *int64      `json:"visited_by,omitempty"`
	// Residents are the names of the room's residents, for the door.
	Residents []string   `json:"residents"`
	Findings  []*Finding `json:"findings,omitempty"`
}

// Finding is a problem found in a home during a visit.
type Finding struct {
	ID          int64  `json:"id"`
	ProjectID   int64  `json:"project_id"`
	VisitID     int64  `json:"visit_id"`
	RoomID      int64  `json:"room_id"`
	RoomLabel   string `json:"room_label,omitempty"`
	ApplianceID *int64 `json:"appliance_id,omitempty"`
	// Appliance is the appliance's type ("空调"), or the installation
	// concerned ("配电箱"); it lands on the room's appliance record.
	Appliance   string   `json:"appliance"`
	Problem     string   `json:"problem"`
	Severity    Severity `json:"severity"`
	NeedsRepair bool     `json:"needs_repair"`
	// Photo is an optional JPEG or PNG (base64 in JSON); HasPhoto says
	// whether one is stored.
	Photo     []byte    `json:"photo,omitempty"`
	HasPhoto  bool      `json:"has_photo"`
	CreatedBy *int64    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	// CampaignName and CampaignKind say where it was found, in the room's
	// archive.
	CampaignName string       `json:"campaign_name,omitempty"`
	CampaignKind CampaignKind `json:"campaign_kind,omitempty"`
}

// VisitRecord is what a technician records at the door.
type VisitRecord struct {
	Status   VisitStatus `json:"status"`
	Note     string      `json:"note"`
	Findings []*Finding  `json:"findings"`
}

// VisitFilter selects visits.
type VisitFilter struct {
	CampaignID int64
	BuildingID *int64
	AssigneeID *int64
	Status     *VisitStatus
	Offset     int
	Limit      int
}

// InspectionService runs inspection campaigns. Seeing campaigns and visits
// needs PermOrderView; creating a campaign PermSettingsEdit; assigning
// visits PermOrderDispatch; recording a visit PermOrderEdit. Every method
// answers ENOTFOUND for an object of a project the caller does not serve,
// as for a missing one.
type InspectionService interface {
	// CreateCampaign creates a campaign and, in the same transaction, one
	// visit per occupied room of its buildings: all of it, or nothing.
	// EINVALID for a bad kind, name, period or an empty building list;
	// ENOTFOUND for a building of another project.
	CreateCampaign(ctx context.Context, c *Campaign) error
	// FindCampaigns lists a project's campaigns, newest first, with their
	// progress.
	FindCampaigns(ctx context.Context, projectID int64) ([]*Campaign, error)
	// FindCampaign returns a campaign with its progress.
	FindCampaign(ctx context.Context, id int64) (*Campaign, error)
	// CampaignProgress returns a campaign's progress per building.
	CampaignProgress(ctx context.Context, id int64) ([]*BuildingProgress, error)
	// FindVisits lists a campaign's visits by room.
	FindVisits(ctx context.Context, f VisitFilter) ([]*InspectionVisit, int, error)
	// MyVisits lists the caller's pending and not-home visits of running
	// campaigns, for the technician's phone.
	MyVisits(ctx context.Context, projectID int64) ([]*InspectionVisit, error)
	// FindVisit returns a visit with its findings.
	FindVisit(ctx context.Context, id int64) (*InspectionVisit, error)
	// AssignVisits assigns visits — the given ones, or every visit of a
	// building when buildingID is set — to a member of staff of the
	// project, and returns how many. EINVALID if the user does not serve
	// the project.
	AssignVisits(ctx context.Context, campaignID int64, buildingID *int64, visitIDs []int64, userID int64) (int, error)
	// RecordVisit records a visit's answer and its findings. Findings are
	// allowed only on a visit done; each lands on the timeline of the
	// room's residents and on the room's appliance record. ECONFLICT for a
	// visit already done or refused.
	RecordVisit(ctx context.Context, id int64, rec VisitRecord) (*InspectionVisit, error)
	// RoomFindings returns the findings of a room, newest first: its
	// inspection archive.
	RoomFindings(ctx context.Context, roomID int64) ([]*Finding, error)
	// FindingPhoto returns a finding's photo.
	FindingPhoto(ctx context.Context, id int64) (contentType string, data []byte, err error)
}
