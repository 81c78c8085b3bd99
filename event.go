package wubu

import (
	"context"
	"slices"
	"time"
)

// Events (社区活动, K1, H4, M4): meet-and-greet sessions for the prospective
// customers of a new project, community activities and lectures (home
// safety, beauty, finance, gardening, renovation), each with a date, a
// place, a capacity and an audience. Staff sign residents up; past the
// capacity they wait, and a cancellation gives the place to the first one
// waiting. Attendance is taken at the door; each attendee's timeline shows
// the event.

// EventKind says what an event is.
type EventKind string

// Event kinds.
const (
	EventMeetGreet EventKind = "meet_greet" // for the prospective customers of a new project (K1)
	EventActivity  EventKind = "activity"   // a community activity
	EventLecture   EventKind = "lecture"    // a lecture (H4, M4)
)

// EventKinds lists every kind.
var EventKinds = []EventKind{EventMeetGreet, EventActivity, EventLecture}

// Valid reports whether k is a known kind.
func (k EventKind) Valid() bool { return slices.Contains(EventKinds, k) }

// LectureTopics are the subjects of lectures (H4; renovation in the peak
// season, M4).
var LectureTopics = []string{"home_safety", "beauty", "finance", "gardening", "renovation"}

// EventState is where an event stands.
type EventState string

// Event states.
const (
	EventPlanned   EventState = "planned"
	EventOpen      EventState = "open" // taking sign-ups and attendance
	EventClosed    EventState = "closed"
	EventCancelled EventState = "cancelled"
)

// Event steps.
const (
	EventPlan   = "plan"
	EventOpenUp = "open"
	EventClose  = "close"
	EventCancel = "cancel"
)

// EventLifecycle: planned → open (sign-ups, attendance) → closed, or
// cancelled before it is closed.
var EventLifecycle = declare(&Lifecycle{
	Object: "event",
	Lead:   PermResidentEdit,
	States: []LifecycleState{
		{Name: string(EventPlanned), Refusal: "Event %d is not open yet: this step is not possible now."},
		{Name: string(EventOpen), Refusal: "Event %d is open: this step is not possible now."},
		{Name: string(EventClosed), Refusal: "Event %d is closed: it cannot change any more.", Final: true},
		{Name: string(EventCancelled), Refusal: "Event %d was cancelled: it cannot change any more.", Final: true},
	},
	Steps: []StepDecl{
		{Action: EventPlan, To: string(EventPlanned), Perm: PermResidentEdit},
		{Action: EventOpenUp, From: []string{string(EventPlanned)}, To: string(EventOpen), Perm: PermResidentEdit},
		{Action: EventClose, From: []string{string(EventOpen)}, To: string(EventClosed), Perm: PermResidentEdit},
		{Action: EventCancel, From: []string{string(EventPlanned), string(EventOpen)}, To: string(EventCancelled), Perm: PermResidentEdit},
	},
})

// SignupState is where a resident's sign-up stands.
type SignupState string

// Sign-up states.
const (
	SignupConfirmed SignupState = "confirmed" // has a place
	SignupWaiting   SignupState = "waiting"   // on the waiting list
	SignupCancelled SignupState = "cancelled"
	SignupAttended  SignupState = "attended" // came
)

// Sign-up steps.
const (
	SignupTake    = "sign_up" // a place is free
	SignupQueue   = "queue"   // the event is full: the waiting list
	SignupPromote = "promote" // a place came free for the first one waiting
	SignupCancel  = "cancel"
	SignupAttend  = "attend" // taken at the door
)

// SignupLifecycle: confirmed, or waiting until a place comes free; a
// confirmed resident is marked as having come at the door.
var SignupLifecycle = declare(&Lifecycle{
	Object: "signup",
	Lead:   PermResidentEdit,
	States: []LifecycleState{
		{Name: string(SignupConfirmed), Refusal: "Sign-up %d already has a place: this step is not possible now."},
		{Name: string(SignupWaiting), Refusal: "Sign-up %d is on the waiting list: this step is not possible now."},
		{Name: string(SignupCancelled), Refusal: "Sign-up %d was cancelled: it cannot change any more.", Final: true},
		{Name: string(SignupAttended), Refusal: "Sign-up %d is marked as attended: it cannot change any more.", Final: true},
	},
	Steps: []StepDecl{
		{Action: SignupTake, To: string(SignupConfirmed), Perm: PermResidentEdit, Resident: true},
		{Action: SignupQueue, To: string(SignupWaiting), Perm: PermResidentEdit, Resident: true},
		{Action: SignupPromote, From: []string{string(SignupWaiting)}, To: string(SignupConfirmed), Perm: PermResidentEdit, Resident: true},
		{Action: SignupCancel, From: []string{string(SignupConfirmed), string(SignupWaiting)}, To: string(SignupCancelled), Perm: PermResidentEdit, Resident: true},
		{Action: SignupAttend, From: []string{string(SignupConfirmed)}, To: string(SignupAttended), Perm: PermResidentEdit},
	},
})

// Event is a community event or lecture.
type Event struct {
	ID        int64     `json:"id"`
	ProjectID int64     `json:"project_id"`
	Kind      EventKind `json:"kind"`
	// Topic is a lecture's subject (one of LectureTopics).
	Topic    string    `json:"topic,omitempty"`
	Title    string    `json:"title"`
	Place    string    `json:"place"`
	StartsAt time.Time `json:"starts_at"`
	Capacity int       `json:"capacity"`
	// BuildingID narrows the audience to a building; nil: the whole
	// project.
	BuildingID   *int64     `json:"building_id,omitempty"`
	BuildingName string     `json:"building_name,omitempty"`
	Note         string     `json:"note,omitempty"`
	State        EventState `json:"state"`
	CreatedBy    int64      `json:"created_by"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`

	// Confirmed counts places taken (attendees included), Waiting the
	// waiting list, Attended those who came, as of reading.
	Confirmed int `json:"confirmed"`
	Waiting   int `json:"waiting"`
	Attended  int `json:"attended"`

	Photos []*Photo `json:"photos,omitempty"`
}

// Signup is a resident's sign-up for an event.
type Signup struct {
	ID         int64       `json:"id"`
	ProjectID  int64       `json:"project_id"`
	EventID    int64       `json:"event_id"`
	EventTitle string      `json:"event_title"`
	PersonID   int64       `json:"person_id"`
	PersonName string      `json:"person_name"`
	State      SignupState `json:"state"`
	CreatedBy  int64       `json:"created_by"`
	CreatedAt  time.Time   `json:"created_at"`
	AttendedAt *time.Time  `json:"attended_at,omitempty"`
	UpdatedAt  time.Time   `json:"updated_at"`
}

// MyEvent is an open event as the resident sees it on the portal, with
// their live sign-up (SignupID 0: none).
type MyEvent struct {
	Event    *Event      `json:"event"`
	SignupID *int64      `json:"signup_id,omitempty"`
	Signup   SignupState `json:"signup,omitempty"`
}

// EventService plans events and takes sign-ups and attendance. Reads need
// PermResidentView, every change PermResidentEdit. Another project's event
// answers ENOTFOUND.
type EventService interface {
	// PlanEvent records a planned event. EINVALID (kind, topic, title,
	// place, date, capacity), ENOTFOUND (building).
	PlanEvent(ctx context.Context, e *Event) error
	// OpenEvent opens it for sign-ups and attendance, CloseEvent ends it,
	// CancelEvent calls it off. ECONFLICT from the wrong state.
	OpenEvent(ctx context.Context, id int64) (*Event, error)
	CloseEvent(ctx context.Context, id int64) (*Event, error)
	CancelEvent(ctx context.Context, id int64) (*Event, error)
	// SignUp signs a resident up: a place while there is one, else the
	// waiting list. ECONFLICT unless the event is open or when the
	// resident is already signed up; ENOTFOUND (resident).
	SignUp(ctx context.Context, eventID, personID int64) (*Signup, error)
	// CancelSignup cancels a sign-up; a place it held goes to the first
	// one waiting, in the same transaction.
	CancelSignup(ctx context.Context, signupID int64) (*Signup, error)
	// MarkAttended records that a resident with a place came.
	MarkAttended(ctx context.Context, signupID int64) (*Signup, error)
	// AddEventPhoto adds a photo of the event.
	AddEventPhoto(ctx context.Context, eventID int64, p *Photo) error
	// FindEvent returns an event with its counts and photos (without data).
	FindEvent(ctx context.Context, id int64) (*Event, error)
	// FindEvents lists a project's events, latest date first.
	FindEvents(ctx context.Context, projectID int64) ([]*Event, error)
	// FindSignups lists an event's sign-ups in the order they came.
	FindSignups(ctx context.Context, eventID int64) ([]*Signup, error)
	// FindEventPhoto returns a photo of an event with its data.
	FindEventPhoto(ctx context.Context, eventID, photoID int64) (*Photo, error)
	// MyEvents returns the open events the resident signed in to the
	// portal may sign up for, with their sign-ups (PermPortal).
	MyEvents(ctx context.Context) ([]*MyEvent, error)
	// SignMeUp signs the resident signed in to the portal up (a place,
	// else the waiting list); CancelMySignup cancels their sign-up, the
	// place going to the first one waiting. ENOTFOUND for another
	// project's or another building's event.
	SignMeUp(ctx context.Context, eventID int64) (*Signup, error)
	CancelMySignup(ctx context.Context, eventID int64) (*Signup, error)
}

// PhotoEvent is the stage of an event's photos.
const PhotoEvent = "event"
