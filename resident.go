package wubu

import (
	"context"
	"slices"
	"time"
)

// Relation is how a person is linked to a room (F2).
type Relation string

// Relations.
const (
	RelationOwner    Relation = "owner"    // 业主
	RelationTenant   Relation = "tenant"   // 租户
	RelationFamily   Relation = "family"   // 家庭成员
	RelationProspect Relation = "prospect" // 准客户
)

// Relations lists every relation.
var Relations = []Relation{RelationOwner, RelationTenant, RelationFamily, RelationProspect}

// Valid reports whether r is a known relation.
func (r Relation) Valid() bool { return slices.Contains(Relations, r) }

// CareFlag marks a resident who needs care (H1).
type CareFlag string

// Care flags.
const (
	CareElderlyAlone CareFlag = "elderly_alone" // 独居老人
	CareMobility     CareFlag = "mobility"      // 行动不便
	CareHardship     CareFlag = "hardship"      // 困难户
	CarePregnant     CareFlag = "pregnant"      // 孕妇
)

// CareFlags lists every care flag.
var CareFlags = []CareFlag{CareElderlyAlone, CareMobility, CareHardship, CarePregnant}

// Valid reports whether f is a known care flag.
func (f CareFlag) Valid() bool { return slices.Contains(CareFlags, f) }

// SpecialDayKind is the kind of a resident's special day (D4).
type SpecialDayKind string

// Special days.
const (
	DayBirthday SpecialDayKind = "birthday"
	DayWedding  SpecialDayKind = "wedding"
	DayNewBaby  SpecialDayKind = "new_baby"
	DayRecovery SpecialDayKind = "recovery"
	DayOther    SpecialDayKind = "other"
)

// SpecialDayKinds lists every kind.
var SpecialDayKinds = []SpecialDayKind{DayBirthday, DayWedding, DayNewBaby, DayRecovery, DayOther}

// Valid reports whether k is a known kind.
func (k SpecialDayKind) Valid() bool { return slices.Contains(SpecialDayKinds, k) }

// AlarmStatus is the state of a household's home alarm (S5).
type AlarmStatus string

// Alarm states.
const (
	AlarmUnknown AlarmStatus = "unknown"
	AlarmNone    AlarmStatus = "none" // no alarm installed
	AlarmOff     AlarmStatus = "off"  // installed, not switched on
	AlarmOn      AlarmStatus = "on"
)

// AlarmStatuses lists every state.
var AlarmStatuses = []AlarmStatus{AlarmUnknown, AlarmNone, AlarmOff, AlarmOn}

// Valid reports whether s is a known state.
func (s AlarmStatus) Valid() bool { return slices.Contains(AlarmStatuses, s) }

// CardKind is a parking or access card (E3).
type CardKind string

// Card kinds.
const (
	CardParking CardKind = "parking"
	CardAccess  CardKind = "access"
)

// Valid reports whether k is a known card kind.
func (k CardKind) Valid() bool { return k == CardParking || k == CardAccess }

// Date is a calendar date without a time, as "2006-01-02".
type Date = string

// Person is a resident: an owner, tenant, family member or prospective
// customer of a project (F2). Phones and the ID number are sensitive:
// services return them masked unless the caller's role may see them, and a
// full value is read through RevealPersonField, which is audited.
type Person struct {
	ID        int64  `json:"id"`
	ProjectID int64  `json:"project_id"`
	Name      string `json:"name"`
	Gender    string `json:"gender,omitempty"` // "m", "f" or ""
	// Phones are normalised 11-digit mobile numbers, masked (138****1234)
	// unless revealed.
	Phones []string `json:"phones"`
	// IDNumber is the resident ID number, masked (4401**********1234).
	IDNumber        string      `json:"id_number,omitempty"`
	Birthday        Date        `json:"birthday,omitempty"`
	Occupation      string      `json:"occupation,omitempty"`
	Notes           string      `json:"notes,omitempty"`
	HasPhoto        bool        `json:"has_photo"`
	CareFlags       []CareFlag  `json:"care_flags"`
	Importance      int         `json:"importance"`       // level 0 (ordinary) … 5 (most important), U4
	ImportanceIndex int         `json:"importance_index"` // 0 … 100, U4
	AlarmStatus     AlarmStatus `json:"alarm_status"`
	CreatedBy       *int64      `json:"created_by,omitempty"`
	CreatedAt       time.Time   `json:"created_at"`
	UpdatedAt       time.Time   `json:"updated_at"`

	// Masked reports whether Phones and IDNumber are masked.
	Masked bool `json:"masked"`

	// BirthdayDiffers, on a create, lets a birthday differ from the ID
	// number's on purpose (a lunar birthday); it is not stored.
	BirthdayDiffers bool `json:"birthday_differs,omitempty"`
}

// DuplicatePersonError is the ECONFLICT of creating a person who is
// already a resident: the same ID number, or the same name in the same
// room. PersonID is the existing person, to offer instead of a copy.
type DuplicatePersonError struct {
	Err      *Error
	PersonID int64
}

func (e *DuplicatePersonError) Error() string { return e.Err.Error() }

// Unwrap returns the domain error, for AsError and ErrorCode.
func (e *DuplicatePersonError) Unwrap() error { return e.Err }

// Household links a person to a room.
type Household struct {
	ID        int64    `json:"id"`
	ProjectID int64    `json:"project_id"`
	RoomID    int64    `json:"room_id"`
	PersonID  int64    `json:"person_id"`
	Relation  Relation `json:"relation"`
	MoveIn    Date     `json:"move_in,omitempty"`
	MoveOut   Date     `json:"move_out,omitempty"`

	RoomLabel  string `json:"room_label,omitempty"`
	PersonName string `json:"person_name,omitempty"`
}

// Vehicle is a resident's car, known by its plate.
type Vehicle struct {
	ID        int64  `json:"id"`
	ProjectID int64  `json:"project_id"`
	PersonID  int64  `json:"person_id"`
	Plate     string `json:"plate"` // normalised: 粤B12345, 粤BD12345
	Note      string `json:"note,omitempty"`
}

// Card is a parking or access card with its expiry.
type Card struct {
	ID        int64    `json:"id"`
	ProjectID int64    `json:"project_id"`
	PersonID  int64    `json:"person_id"`
	Kind      CardKind `json:"kind"`
	Number    string   `json:"number"`
	ExpiresOn Date     `json:"expires_on,omitempty"`
}

// Appliance is a household appliance of a room (M2).
type Appliance struct {
	ID        int64  `json:"id"`
	ProjectID int64  `json:"project_id"`
	RoomID    int64  `json:"room_id"`
	Type      string `json:"type"`
	Brand     string `json:"brand,omitempty"`
	Model     string `json:"model,omitempty"`
	Note      string `json:"note,omitempty"`
}

// SpecialDay is a day to remember for a resident (D4). Yearly days
// (birthdays, weddings) recur on their month and day.
type SpecialDay struct {
	ID        int64          `json:"id"`
	ProjectID int64          `json:"project_id"`
	PersonID  int64          `json:"person_id"`
	Kind      SpecialDayKind `json:"kind"`
	Date      Date           `json:"date"`
	Yearly    bool           `json:"yearly"`
	Note      string         `json:"note,omitempty"`
}

// TimelineEntry is one contact with or change for a resident (A3). Later
// features (orders, complaints, visits, passes) append their own kinds.
type TimelineEntry struct {
	ID        int64     `json:"id"`
	ProjectID int64     `json:"project_id"`
	PersonID  int64     `json:"person_id"`
	At        time.Time `json:"at"`
	Kind      string    `json:"kind"` // "created", "changed", "contact", …
	Text      string    `json:"text"`
	UserID    *int64    `json:"user_id,omitempty"`
	UserName  string    `json:"user_name,omitempty"`
}

// Resident is a person with everything the customer card shows.
type Resident struct {
	Person
	Households  []*Household  `json:"households"`
	Vehicles    []*Vehicle    `json:"vehicles"`
	Cards       []*Card       `json:"cards"`
	Appliances  []*Appliance  `json:"appliances"`
	SpecialDays []*SpecialDay `json:"special_days"`
	// UpcomingDays are the special days in the coming 30 days, with the
	// date they fall on this year.
	UpcomingDays []*SpecialDay `json:"upcoming_days"`
}

// PersonUpdate is a change to a person; nil fields stay as they are.
type PersonUpdate struct {
	Name            *string      `json:"name"`
	Gender          *string      `json:"gender"`
	Phones          *[]string    `json:"phones"`
	IDNumber        *string      `json:"id_number"`
	Birthday        *Date        `json:"birthday"`
	Occupation      *string      `json:"occupation"`
	Notes           *string      `json:"notes"`
	CareFlags       *[]CareFlag  `json:"care_flags"`
	Importance      *int         `json:"importance"`
	ImportanceIndex *int         `json:"importance_index"`
	AlarmStatus     *AlarmStatus `json:"alarm_status"`
	// BirthdayDiffers lets a birthday differ from the ID number's on
	// purpose (a lunar birthday).
	BirthdayDiffers bool `json:"birthday_differs,omitempty"`
}

// LookupResult is one hit of the one-box lookup (F5).
type LookupResult struct {
	PersonID  int64      `json:"person_id"`
	ProjectID int64      `json:"project_id"`
	Name      string     `json:"name"`
	Room      string     `json:"room"`  // the first room, "3-2-1201"
	Rooms     []string   `json:"rooms"` // every room of the person
	Relation  Relation   `json:"relation,omitempty"`
	Plates    []string   `json:"plates"`
	Phone     string     `json:"phone"` // masked
	CareFlags []CareFlag `json:"care_flags"`
	// Match says what matched: "plate", "room", "name", "pinyin", "phone".
	Match string `json:"match"`
}

// ResidentFilter selects residents for a list or an export.
type ResidentFilter struct {
	ProjectID  int64
	BuildingID *int64
	Relation   *Relation
	CareFlag   *CareFlag
	Offset     int
	Limit      int
}

// ResidentRow is one line of a resident list: a person in a room.
type ResidentRow struct {
	Person    *Person
	Household *Household
	Plates    []string
	Cards     []*Card
}

// Completeness is the share of residents with each piece of their profile
// filled in (U1), for a project and each of its buildings.
type Completeness struct {
	Scope       string  `json:"scope"` // "project" or the building name
	BuildingID  int64   `json:"building_id,omitempty"`
	Persons     int     `json:"persons"`
	Phone       float64 `json:"phone"`
	Photo       float64 `json:"photo"`
	Plates      float64 `json:"plates"`
	SpecialDays float64 `json:"special_days"`
	IDNumber    float64 `json:"id_number"`
}

// Contribution credits a staff member with a piece of a resident's profile
// (U1; it feeds reward points later).
type Contribution struct {
	UserID   int64  `json:"user_id"`
	UserName string `json:"user_name"`
	Field    string `json:"field"`
	Count    int    `json:"count"`
}

// ResidentService manages residents and the customer card. Every method
// answers ENOTFOUND for a person of a project the caller does not serve.
type ResidentService interface {
	// CreatePerson creates a person. EINVALID for a malformed phone or ID
	// number; the changes land on the person's timeline.
	CreatePerson(ctx context.Context, p *Person) error
	// CreatePersonInRoom creates a person and their home in one step: both
	// are written, or neither.
	CreatePersonInRoom(ctx context.Context, p *Person, h *Household) error
	// UpdatePerson changes a person. EINVALID, ENOTFOUND, EFORBIDDEN.
	UpdatePerson(ctx context.Context, id int64, upd PersonUpdate) (*Person, error)
	// FindResident returns the customer card's data: masked for roles that
	// may not see phones or ID numbers.
	FindResident(ctx context.Context, id int64) (*Resident, error)
	// RevealPersonField returns the full phone ("phones") or ID number
	// ("id_number") and writes the read to the audit log. EFORBIDDEN for
	// roles that may not see it.
	RevealPersonField(ctx context.Context, id int64, field string) ([]string, error)

	// AddHousehold links a person to a room. ECONFLICT if already linked.
	AddHousehold(ctx context.Context, h *Household) error
	// AddVehicle adds a plate. EINVALID for a malformed plate; ECONFLICT if
	// the plate belongs to another person of the project.
	AddVehicle(ctx context.Context, v *Vehicle) error
	// AddCard adds a parking or access card. ECONFLICT for a taken number.
	AddCard(ctx context.Context, c *Card) error
	// AddAppliance records a household appliance of a room.
	AddAppliance(ctx context.Context, a *Appliance) error
	// AddSpecialDay records a special day.
	AddSpecialDay(ctx context.Context, d *SpecialDay) error
	// SetPhoto stores a person's photo (JPEG or PNG, at most 2 MiB).
	SetPhoto(ctx context.Context, id int64, contentType string, data []byte) error
	// Photo returns a person's photo.
	Photo(ctx context.Context, id int64) (contentType string, data []byte, err error)

	// Timeline returns the newest entries of a person's timeline.
	Timeline(ctx context.Context, personID int64, limit int) ([]*TimelineEntry, error)
	// AddContact records a contact with a resident on the timeline.
	AddContact(ctx context.Context, personID int64, text string) (*TimelineEntry, error)

	// Lookup finds residents of the caller's projects by plate (whole or
	// its last 3–5 characters), room ("3-2-1201", "3栋2单元1201"), name,
	// pinyin initials or full pinyin, or the last 4 digits of a phone.
	// EINVALID for an empty query.
	Lookup(ctx context.Context, projectID int64, q string, limit int) ([]*LookupResult, error)

	// FindResidents lists residents by room, for the list screen and the
	// export.
	FindResidents(ctx context.Context, f ResidentFilter) ([]*ResidentRow, int, error)
	// Completeness reports profile completeness per project and building.
	Completeness(ctx context.Context, projectID int64) ([]*Completeness, error)
	// Contributions lists who added which profile information.
	Contributions(ctx context.Context, projectID int64) ([]*Contribution, error)
}
