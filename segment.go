package wubu

import (
	"context"
	"time"
)

// Customer segments (U2): query and analysis over a project's residents —
// those who live there now — by building, relation to the home, age band
// (from the birthday, itself from the ID number where known), occupation,
// care flags, importance, special days and profile completeness; counts;
// saved segments, which notices, festival greetings and community surveys
// take as their audience; an export masked as the caller's role requires.

// SegmentQuery selects residents. Empty fields select everyone; lists
// select any of their values.
type SegmentQuery struct {
	BuildingIDs []int64    `json:"building_ids,omitempty"`
	Relations   []Relation `json:"relations,omitempty"`
	// AgeMin and AgeMax bound the age in whole years, inclusive; a
	// resident whose birthday is unknown is outside any age band.
	AgeMin *int `json:"age_min,omitempty"`
	AgeMax *int `json:"age_max,omitempty"`
	// Occupation selects occupations containing the text.
	Occupation string     `json:"occupation,omitempty"`
	CareFlags  []CareFlag `json:"care_flags,omitempty"`
	// ImportanceMin selects importance levels at or above it (1–5).
	ImportanceMin int `json:"importance_min,omitempty"`
	// SpecialDay selects residents with a special day of the kind, and
	// SpecialMonth (1–12) with one in that month.
	SpecialDay   SpecialDayKind `json:"special_day,omitempty"`
	SpecialMonth int            `json:"special_month,omitempty"`
	// CompleteMax selects profiles with at most this many of the five
	// pieces of Completeness filled in (phone, photo, plate, special day,
	// ID number); nil: any.
	CompleteMax *int `json:"complete_max,omitempty"`
}

// CompletenessPieces is how many pieces a complete profile has.
const CompletenessPieces = 5

// Segment is a saved query of a project's residents.
type Segment struct {
	ID        int64        `json:"id"`
	ProjectID int64        `json:"project_id"`
	Name      string       `json:"name"`
	Query     SegmentQuery `json:"query"`
	CreatedBy *int64       `json:"created_by,omitempty"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
	// Persons is the number of residents the segment selects now (filled
	// by FindSegments).
	Persons int `json:"persons"`
}

// SegmentMember is a resident a segment selects: the person (masked and
// redacted as for the customer card), their first home and their age.
type SegmentMember struct {
	Person    *Person  `json:"person"`
	RoomLabel string   `json:"room_label"`
	Relation  Relation `json:"relation"`
	// Age is in whole years; nil if the birthday is unknown or not shown.
	Age *int `json:"age,omitempty"`
	// Complete is how many pieces of the profile are filled in.
	Complete int `json:"complete"`
}

// SegmentCounts counts what a query selects: residents, the homes they
// live in, and the residents per building.
type SegmentCounts struct {
	Persons    int                     `json:"persons"`
	Homes      int                     `json:"homes"`
	Buildings  []*SegmentBuildingCount `json:"buildings"`
	Relations  map[Relation]int        `json:"relations"`
	AgeUnknown int                     `json:"age_unknown"`
}

// SegmentBuildingCount is the number of residents selected in a building.
type SegmentBuildingCount struct {
	BuildingID   int64  `json:"building_id"`
	BuildingName string `json:"building_name"`
	Persons      int    `json:"persons"`
}

// SegmentResult is a page of a query's residents with its counts.
type SegmentResult struct {
	Members []*SegmentMember `json:"members"`
	Counts  *SegmentCounts   `json:"counts"`
}

// SegmentService queries residents and keeps saved segments. Every method
// needs PermSegmentQuery in the project (a guard has it not); another
// project's segment answers ENOTFOUND, as a missing one does.
type SegmentService interface {
	// QuerySegment returns a page of the residents a query selects, with
	// the counts. EINVALID for a malformed query (naming the field).
	QuerySegment(ctx context.Context, projectID int64, q SegmentQuery, offset, limit int) (*SegmentResult, error)
	// ExportSegment returns every resident a query selects for a
	// spreadsheet: phones in full only for those who may export resident
	// lists and reveal phones, otherwise masked; the export is audited.
	ExportSegment(ctx context.Context, projectID int64, q SegmentQuery) ([]*SegmentMember, error)
	// SaveSegment creates a segment (ID 0) or changes one. EINVALID (name,
	// query), ECONFLICT (the name is taken), ENOTFOUND.
	SaveSegment(ctx context.Context, s *Segment) error
	FindSegment(ctx context.Context, id int64) (*Segment, error)
	// FindSegments lists a project's segments with their current sizes.
	FindSegments(ctx context.Context, projectID int64) ([]*Segment, error)
	// DeleteSegment deletes a segment no notice or survey names
	// (ECONFLICT otherwise).
	DeleteSegment(ctx context.Context, id int64) error
}
