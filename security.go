package wubu

import (
	"context"
	"slices"
	"time"
)

// Home alarms and consultations (S5, S10) and the building one-to-one (S3).
// Guards remind households whose home alarm is not on, face to face or by
// the intercom, and give home security advice (window guards on low floors,
// arming the alarm); both are recorded on the household and the resident's
// timeline. Each building's security leader (a team leader of the security
// post, assigned as AssignSecurityLeader) follows its open security issues,
// keeps its security archive, and joins the revisits of its key customers.

// ReminderMethod is how an alarm reminder was given.
type ReminderMethod string

// Reminder methods.
const (
	ReminderFaceToFace ReminderMethod = "face_to_face"
	ReminderIntercom   ReminderMethod = "intercom"
)

// ReminderMethods lists every method.
var ReminderMethods = []ReminderMethod{ReminderFaceToFace, ReminderIntercom}

// Valid reports whether m is a known method.
func (m ReminderMethod) Valid() bool { return slices.Contains(ReminderMethods, m) }

// AdviceTopic is a piece of home security advice.
type AdviceTopic string

// Advice topics.
const (
	AdviceWindowGuards AdviceTopic = "window_guards"
	AdviceArmAlarm     AdviceTopic = "arm_alarm"
	AdviceDoorLock     AdviceTopic = "door_lock"
	AdviceAway         AdviceTopic = "away_from_home"
	AdviceFraud        AdviceTopic = "fraud"
)

// AdviceTopics lists every topic.
var AdviceTopics = []AdviceTopic{AdviceWindowGuards, AdviceArmAlarm, AdviceDoorLock, AdviceAway, AdviceFraud}

// Valid reports whether t is a known topic.
func (t AdviceTopic) Valid() bool { return slices.Contains(AdviceTopics, t) }

// LowFloor is the highest floor counted as low: window guards are advised
// up to it.
const LowFloor = 3

// AlarmRemindEvery is how often a household whose alarm is off is reminded.
const AlarmRemindEvery = 30 * 24 * time.Hour

// KeyCustomerImportance is the importance level from which a resident is a
// key customer of their building (U4 levels 0…5).
const KeyCustomerImportance = 4

// AlarmHousehold is a household whose home alarm is not on.
type AlarmHousehold struct {
	ProjectID    int64       `json:"project_id"`
	PersonID     int64       `json:"person_id"`
	PersonName   string      `json:"person_name"`
	RoomID       int64       `json:"room_id"`
	RoomLabel    string      `json:"room_label"`
	Floor        int         `json:"floor"`
	BuildingID   int64       `json:"building_id"`
	BuildingName string      `json:"building_name"`
	AlarmStatus  AlarmStatus `json:"alarm_status"`
	Reminders    int         `json:"reminders"`
	LastReminder *time.Time  `json:"last_reminder,omitempty"`
	// ReminderDue reports that no reminder was given in AlarmRemindEvery.
	ReminderDue bool `json:"reminder_due"`
}

// SecurityContact is an alarm reminder or a piece of advice given to a
// household.
type SecurityContact struct {
	ID        int64  `json:"id"`
	ProjectID int64  `json:"project_id"`
	PersonID  int64  `json:"person_id"`
	RoomID    *int64 `json:"room_id,omitempty"`
	// Kind is "alarm_reminder" or "advice".
	Kind   string         `json:"kind"`
	Method ReminderMethod `json:"method,omitempty"`
	Topics []AdviceTopic  `json:"topics,omitempty"`
	Note   string         `json:"note,omitempty"`
	// SwitchedOn, on a reminder, records that the household switched the
	// alarm on.
	SwitchedOn bool      `json:"switched_on,omitempty"`
	At         time.Time `json:"at"`
	UserID     *int64    `json:"user_id,omitempty"`
	UserName   string    `json:"user_name,omitempty"`
}

// Security contact kinds.
const (
	ContactAlarmReminder = "alarm_reminder"
	ContactAdvice        = "advice"
)

// ArchiveNote is an entry of a building's security archive.
type ArchiveNote struct {
	ID         int64 `json:"id"`
	ProjectID  int64 `json:"project_id"`
	BuildingID int64 `json:"building_id"`
	// Kind is "note", "document" or "visit".
	Kind     string    `json:"kind"`
	Title    string    `json:"title"`
	Body     string    `json:"body,omitempty"`
	At       time.Time `json:"at"`
	UserID   *int64    `json:"user_id,omitempty"`
	UserName string    `json:"user_name,omitempty"`
}

// ArchiveKinds lists the kinds of archive entries.
var ArchiveKinds = []string{"note", "document", "visit"}

// KeyCustomer is a key customer of a building.
type KeyCustomer struct {
	PersonID   int64  `json:"person_id"`
	Name       string `json:"name"`
	RoomLabel  string `json:"room_label"`
	Importance int    `json:"importance"`
}

// BuildingSecurity is a building's security page: its open issues, its
// archive and its key customers.
type BuildingSecurity struct {
	Building     *Building         `json:"building"`
	Leaders      []*Assignment     `json:"leaders"`
	OpenHazards  []*Hazard         `json:"open_hazards"`
	OpenParking  []*ParkingProblem `json:"open_parking"`
	AlarmOff     []*AlarmHousehold `json:"alarm_off"`
	Archive      []*ArchiveNote    `json:"archive"`
	KeyCustomers []*KeyCustomer    `json:"key_customers"`
}

// BuildingSummary counts a building's open security issues.
type BuildingSummary struct {
	ProjectID    int64  `json:"project_id"`
	BuildingID   int64  `json:"building_id"`
	BuildingName string `json:"building_name"`
	ProjectName  string `json:"project_name"`
	OpenHazards  int    `json:"open_hazards"`
	OpenParking  int    `json:"open_parking"`
	AlarmOff     int    `json:"alarm_off"`
	KeyCustomers int    `json:"key_customers"`
}

// SecurityService serves the alarm reminders, consultations and the
// building one-to-one. Reads need PermSecurityView; recording needs
// PermSecurityEdit. Another project's object answers ENOTFOUND.
type SecurityService interface {
	// AlarmOff lists a project's households whose alarm is not on, by
	// building and room (buildingID 0: every building).
	AlarmOff(ctx context.Context, projectID, buildingID int64) ([]*AlarmHousehold, error)
	// RecordReminder records an alarm reminder (and the alarm switched on,
	// if so). EINVALID (method), ENOTFOUND (person, room).
	RecordReminder(ctx context.Context, c *SecurityContact) error
	// RecordAdvice records home security advice. EINVALID (no topic).
	RecordAdvice(ctx context.Context, c *SecurityContact) error
	// Contacts returns a person's reminders and advice, newest first.
	Contacts(ctx context.Context, personID int64) ([]*SecurityContact, error)

	// MyBuildings returns the buildings the caller leads, with counts.
	MyBuildings(ctx context.Context) ([]*BuildingSummary, error)
	// BuildingSecurity returns a building's security page.
	BuildingSecurity(ctx context.Context, buildingID int64) (*BuildingSecurity, error)
	// AddArchiveNote adds to a building's archive. EINVALID (kind, title).
	AddArchiveNote(ctx context.Context, n *ArchiveNote) error
	// RevisitCompanions returns the security leaders of the buildings of a
	// resident who is a key customer (none for others): the revisits of key
	// customers add them.
	RevisitCompanions(ctx context.Context, personID int64) ([]*Assignment, error)
}
