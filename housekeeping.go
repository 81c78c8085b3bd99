package wubu

import (
	"context"
	"slices"
	"time"
)

// Housekeeping (C2, C5, C7): a project's catalogue of home services with
// their prices; bookings in time slots whose capacity is the cleaners on
// the roster times the bookings each may take per slot; rescheduling;
// promotion weeks that lower prices; and the needs a cleaner notices during
// a visit, kept on the customer's profile.

// ServiceCategory groups the catalogue.
type ServiceCategory string

// Service categories.
const (
	ServiceCleaning    ServiceCategory = "cleaning"     // 家政保洁
	ServicePestControl ServiceCategory = "pest_control" // 消杀
	ServiceGarden      ServiceCategory = "garden"       // 绿化修剪
	ServicePool        ServiceCategory = "pool"         // 泳池水质
	ServiceRepair      ServiceCategory = "repair"       // 家政维修
	ServiceOther       ServiceCategory = "other"
)

// ServiceCategories lists every category.
var ServiceCategories = []ServiceCategory{ServiceCleaning, ServicePestControl, ServiceGarden, ServicePool, ServiceRepair, ServiceOther}

// Valid reports whether c is a known category.
func (c ServiceCategory) Valid() bool { return slices.Contains(ServiceCategories, c) }

// HomeService is an entry of a project's home-services catalogue. Prices
// are in fen (分).
type HomeService struct {
	ID          int64           `json:"id"`
	ProjectID   int64           `json:"project_id"`
	Category    ServiceCategory `json:"category"`
	Name        string          `json:"name"`
	Unit        string          `json:"unit"` // "次", "小时", "平方米"
	PriceFen    int64           `json:"price_fen"`
	DurationMin int             `json:"duration_min"`
	Active      bool            `json:"active"`
	// PromoPriceFen is the price of today's promotion, if one runs.
	PromoPriceFen *int64 `json:"promo_price_fen,omitempty"`
}

// HousekeepingSettings are a project's booking rules: the day is cut into
// slots of SlotMinutes from DayStart to DayEnd (minutes after midnight,
// China time), and each cleaner on the roster takes at most PerCleaner
// bookings per slot.
type HousekeepingSettings struct {
	ProjectID   int64 `json:"project_id"`
	SlotMinutes int   `json:"slot_minutes"`
	DayStart    int   `json:"day_start"`
	DayEnd      int   `json:"day_end"`
	PerCleaner  int   `json:"per_cleaner"`
	// Cleaners are the user IDs on the housekeeping roster.
	Cleaners []int64 `json:"cleaners"`
}

// DefaultHousekeepingSettings are the rules of a project that has set none:
// 2-hour slots from 08:00 to 18:00, one booking per cleaner per slot.
func DefaultHousekeepingSettings(projectID int64) *HousekeepingSettings {
	return &HousekeepingSettings{ProjectID: projectID, SlotMinutes: 120, DayStart: 8 * 60, DayEnd: 18 * 60, PerCleaner: 1, Cleaners: []int64{}}
}

// Promotion is a promotion week (优惠周): services at lower prices for
// bookings whose slot falls within StartsOn–EndsOn (inclusive, China dates).
type Promotion struct {
	ID        int64            `json:"id"`
	ProjectID int64            `json:"project_id"`
	Name      string           `json:"name"`
	StartsOn  Date             `json:"starts_on"`
	EndsOn    Date             `json:"ends_on"`
	Prices    []PromotionPrice `json:"prices"`
	CreatedAt time.Time        `json:"created_at"`
}

// PromotionPrice is a service's price during a promotion.
type PromotionPrice struct {
	ServiceID   int64  `json:"service_id"`
	ServiceName string `json:"service_name,omitempty"`
	PriceFen    int64  `json:"price_fen"`
}

// BookingStatus is the state of a booking.
type BookingStatus string

// Booking states.
const (
	BookingBooked    BookingStatus = "booked"
	BookingDone      BookingStatus = "done"
	BookingCancelled BookingStatus = "cancelled"
)

// BookingStatuses lists every state.
var BookingStatuses = []BookingStatus{BookingBooked, BookingDone, BookingCancelled}

// Booking steps.
const (
	BookingBook       = "book"
	BookingReschedule = "reschedule" // moved to another slot
	BookingReassign   = "reassign"   // given to another cleaner
	BookingCancel     = "cancel"     // its place is free again
	BookingComplete   = "complete"   // done, with the cleaner's notes and needs
)

// BookingLifecycle: booked → done, or cancelled; while booked it may move
// to another slot or another cleaner. Residents book, move and cancel
// their own homes' bookings on the portal, until the slot begins.
var BookingLifecycle = declare(&Lifecycle{
	Object: "booking",
	Lead:   PermOrderDispatch,
	States: []LifecycleState{
		{Name: string(BookingBooked), Refusal: "Booking %d is booked: this step is not possible now."},
		{Name: string(BookingDone), Refusal: "Booking %d is already done: it cannot change any more.", Final: true},
		{Name: string(BookingCancelled), Refusal: "Booking %d is cancelled: it cannot change any more.", Final: true},
	},
	Steps: []StepDecl{
		{Action: BookingBook, To: string(BookingBooked), Perm: PermOrderEdit, Resident: true},
		{Action: BookingReschedule, From: []string{string(BookingBooked)}, To: string(BookingBooked), Perm: PermOrderEdit, Resident: true},
		{Action: BookingReassign, From: []string{string(BookingBooked)}, To: string(BookingBooked), Perm: PermOrderDispatch},
		{Action: BookingCancel, From: []string{string(BookingBooked)}, To: string(BookingCancelled), Perm: PermOrderEdit, Resident: true},
		{Action: BookingComplete, From: []string{string(BookingBooked)}, To: string(BookingDone), Perm: PermOrderEdit},
	},
})

// Booking is a home service booked for a resident in a slot, with the
// cleaner who takes it.
type Booking struct {
	ID          int64         `json:"id"`
	ProjectID   int64         `json:"project_id"`
	ServiceID   int64         `json:"service_id"`
	ServiceName string        `json:"service_name,omitempty"`
	PersonID    int64         `json:"person_id"`
	PersonName  string        `json:"person_name,omitempty"`
	RoomID      int64         `json:"room_id"`
	RoomLabel   string        `json:"room_label,omitempty"`
	SlotStart   time.Time     `json:"slot_start"`
	SlotEnd     time.Time     `json:"slot_end"`
	CleanerID   int64         `json:"cleaner_id"`
	CleanerName string        `json:"cleaner_name,omitempty"`
	Status      BookingStatus `json:"status"`
	// ListPriceFen is the catalogue price; PriceFen what the resident pays
	// (the promotion's price when PromotionID is set).
	ListPriceFen int64      `json:"list_price_fen"`
	PriceFen     int64      `json:"price_fen"`
	PromotionID  *int64     `json:"promotion_id,omitempty"`
	Note         string     `json:"note,omitempty"`
	DoneNote     string     `json:"done_note,omitempty"`
	DoneAt       *time.Time `json:"done_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
}

// Slot is a time slot of a day with its free places.
type Slot struct {
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Capacity int       `json:"capacity"`
	Booked   int       `json:"booked"`
	Free     int       `json:"free"`
	Past     bool      `json:"past"`
}

// Need is something a member of staff noticed a customer needs (C2): it
// lives on the person's profile and may become an offer of a home service.
type Need struct {
	ID        int64     `json:"id"`
	ProjectID int64     `json:"project_id"`
	PersonID  int64     `json:"person_id"`
	Text      string    `json:"text"`
	Source    string    `json:"source"` // "housekeeping", "inspection", "manual"
	BookingID *int64    `json:"booking_id,omitempty"`
	UserID    *int64    `json:"user_id,omitempty"`
	UserName  string    `json:"user_name,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// BookingFilter selects bookings.
type BookingFilter struct {
	ProjectID int64
	CleanerID *int64
	PersonID  *int64
	Status    *BookingStatus
	// From and To bound the slot start (To exclusive).
	From, To *time.Time
	Offset   int
	Limit    int
}

// HousekeepingService manages the catalogue, the booking rules,
// promotions and bookings. Seeing needs PermOrderView; booking,
// rescheduling, cancelling and completing PermOrderEdit; giving a booking
// to another cleaner PermOrderDispatch; the catalogue, prices, rules,
// roster and promotions PermSettingsEdit. Another project's object answers
// ENOTFOUND, as a missing one does.
type HousekeepingService interface {
	// FindServices lists a project's catalogue (inactive entries too when
	// all is set), with today's promotion prices.
	FindServices(ctx context.Context, projectID int64, all bool) ([]*HomeService, error)
	// FindService returns a catalogue entry.
	FindService(ctx context.Context, id int64) (*HomeService, error)
	// SaveService creates (ID 0) or changes a catalogue entry. EINVALID
	// for a bad category, name, unit, price or duration.
	SaveService(ctx context.Context, s *HomeService) error

	// Settings returns a project's booking rules (defaults if none set).
	Settings(ctx context.Context, projectID int64) (*HousekeepingSettings, error)
	// SaveSettings sets a project's rules and roster. EINVALID for slots
	// that do not divide the day, or a cleaner who does not serve the
	// project.
	SaveSettings(ctx context.Context, s *HousekeepingSettings) error

	// FindPromotions lists a project's promotions, newest first.
	FindPromotions(ctx context.Context, projectID int64) ([]*Promotion, error)
	// CreatePromotion creates a promotion week. EINVALID for a bad period,
	// no prices, or a price not below the catalogue's.
	CreatePromotion(ctx context.Context, p *Promotion) error

	// Slots returns a day's slots (date as 2026-11-27) with their places.
	Slots(ctx context.Context, projectID int64, date Date) ([]*Slot, error)
	// Book books a service for a resident in the slot starting at
	// b.SlotStart, giving it to the least busy cleaner with a free place,
	// at the promotion's price if one covers the slot's date. EINVALID
	// (field "slot") when the slot is full, past or not a slot of the
	// project; the capacity check is atomic on both databases.
	Book(ctx context.Context, b *Booking) error
	// Reschedule moves a booking to another slot, checking its capacity
	// atomically, and prices it for the new date. ECONFLICT unless booked.
	Reschedule(ctx context.Context, id int64, slotStart time.Time) (*Booking, error)
	// Reassign gives a booking to another cleaner of the roster with a free
	// place in its slot.
	Reassign(ctx context.Context, id, cleanerID int64) (*Booking, error)
	// Cancel cancels a booking, freeing its place. ECONFLICT unless booked.
	Cancel(ctx context.Context, id int64, reason string) (*Booking, error)
	// Complete records a booking done with the cleaner's notes; each need
	// noticed goes onto the customer's profile and timeline.
	Complete(ctx context.Context, id int64, note string, needs []string) (*Booking, error)
	// FindBooking returns a booking.
	FindBooking(ctx context.Context, id int64) (*Booking, error)
	// FindBookings lists bookings by slot.
	FindBookings(ctx context.Context, f BookingFilter) ([]*Booking, int, error)

	// The residents' portal (the resident of PortalIdentityFromContext,
	// with PermPortal): MyServices lists their project's active catalogue
	// with today's promotion prices; MySlots a day's slots; MyBookings the
	// bookings of their homes, the latest slots first; BookMine books for
	// one of their homes (EINVALID "room_id" for another room); and
	// CancelMyBooking cancels one of their homes' bookings until its slot
	// begins (another home's booking is ENOTFOUND); RescheduleMyBooking
	// moves one to another free slot, as staff do, until its slot begins.
	MyServices(ctx context.Context) ([]*HomeService, error)
	MySlots(ctx context.Context, date Date) ([]*Slot, error)
	MyBookings(ctx context.Context) ([]*Booking, error)
	BookMine(ctx context.Context, b *Booking) error
	CancelMyBooking(ctx context.Context, id int64) (*Booking, error)
	RescheduleMyBooking(ctx context.Context, id int64, slotStart time.Time) (*Booking, error)

	// Needs returns the needs noted on a person's profile, newest first.
	Needs(ctx context.Context, personID int64) ([]*Need, error)
	// AddNeed notes a need on a person's profile by hand.
	AddNeed(ctx context.Context, personID int64, text string) (*Need, error)
}
