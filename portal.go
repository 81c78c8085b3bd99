package wubu

import (
	"context"
	"slices"
	"strconv"
	"time"
)

// The residents' portal (SPEC K4, §5, issue 15): residents sign in on
// their phone with their mobile number and a one-time code sent by SMS
// through the outbox, choose who they are among the persons registered
// with that number, and see and do what concerns their own households.
// A resident is never a staff account: the portal's requests carry a
// resident principal (a User of RoleResident, with no account ID) that
// only PermPortal grants, and every service the portal calls scopes what
// it answers by the person's households.

// PermPortal is a resident's own requests through the portal: their homes,
// their repairs, passes and complaints. Only RoleResident has it.
const PermPortal Permission = "portal"

// RoleResident is the role of a resident signed in to the portal. It is
// not one of Roles: no staff account can be given it.
const RoleResident Role = "resident"

func init() {
	// Residents may do exactly one thing: their own requests, scoped by
	// their households.
	rolePermissions[RoleResident] = []Permission{PermPortal}
}

// Sign-in codes (issue 15 item 1).
const (
	// PortalCodeDigits is the length of a sign-in code.
	PortalCodeDigits = 6
	// PortalCodeTTL is how long a code is valid after it is sent.
	PortalCodeTTL = 5 * time.Minute
	// PortalCodesPerHour is how many codes one number receives in an hour.
	PortalCodesPerHour = 5
	// PortalCodeTries is how many wrong codes burn the code.
	PortalCodeTries = 5
	// PortalAddressFree is how many codes one address (a whole estate
	// behind one Wi-Fi or carrier address) asks for in an hour before
	// each further code waits: PortalAddressFirstDelay, doubling with
	// each further code up to PortalAddressMaxDelay. Never refused.
	PortalAddressFree       = 300
	PortalAddressFirstDelay = 2 * time.Second
	PortalAddressMaxDelay   = 2 * time.Minute
	// PortalSessionAge is how long a portal session lives on the phone.
	PortalSessionAge = 30 * 24 * time.Hour
)

// PortalAddressDelay returns how long the nth code asked for from one
// address within the hour waits before it is sent, when free codes are
// sent at once.
func PortalAddressDelay(n, free int) time.Duration {
	if n <= free {
		return 0
	}
	d := PortalAddressFirstDelay
	for i := free + 1; i < n && d < PortalAddressMaxDelay; i++ {
		d *= 2
	}
	return min(d, PortalAddressMaxDelay)
}

// PortalCodeSent tells the resident that a code is on its way.
type PortalCodeSent struct {
	// Phone is the number, masked (138****1234).
	Phone string `json:"phone"`
	// SendAt is when the SMS leaves (now, or later when the address asked
	// for many codes), ExpiresAt when the code stops working.
	SendAt    time.Time `json:"send_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// PortalCandidate is one person registered with a number, among whom the
// resident chooses who they are.
type PortalCandidate struct {
	PersonID    int64  `json:"person_id"`
	ProjectID   int64  `json:"project_id"`
	ProjectName string `json:"project_name"`
	Name        string `json:"name"`
	// Rooms are the person's rooms, "3-2-1201 业主" style labels.
	Rooms []string `json:"rooms"`
}

// PortalHome is one household of the signed-in resident: a room and how
// they belong to it.
type PortalHome struct {
	HouseholdID int64    `json:"household_id"`
	RoomID      int64    `json:"room_id"`
	RoomLabel   string   `json:"room_label"`
	BuildingID  int64    `json:"building_id"`
	Relation    Relation `json:"relation"`
}

// PortalIdentity is the resident signed in to the portal: the person they
// chose and their households. Handlers get it from the request; services
// from the context (PortalIdentityFromContext).
type PortalIdentity struct {
	SessionID int64 `json:"-"`
	// AccountID is the account the portal's steps are recorded under (a
	// disabled account no one signs in with, "住户自助"); the audit log
	// names the person as "resident:<person id>".
	AccountID   int64         `json:"-"`
	Phone       string        `json:"phone"`
	PersonID    int64         `json:"person_id"`
	ProjectID   int64         `json:"project_id"`
	ProjectName string        `json:"project_name"`
	Name        string        `json:"name"`
	Homes       []*PortalHome `json:"homes"`
}

// Home returns the resident's household in a room.
func (id *PortalIdentity) Home(roomID int64) (*PortalHome, bool) {
	if id == nil {
		return nil, false
	}
	for _, h := range id.Homes {
		if h.RoomID == roomID {
			return h, true
		}
	}
	return nil, false
}

// Owns reports whether the resident is an owner of the room.
func (id *PortalIdentity) Owns(roomID int64) bool {
	h, ok := id.Home(roomID)
	return ok && h.Relation == RelationOwner
}

// RoomIDs returns the rooms of the resident's households.
func (id *PortalIdentity) RoomIDs() []int64 {
	out := make([]int64, 0, len(id.Homes))
	for _, h := range id.Homes {
		if !slices.Contains(out, h.RoomID) {
			out = append(out, h.RoomID)
		}
	}
	return out
}

// User returns the resident principal the portal's requests carry: no
// account (ID 0), RoleResident, the person's project, and the person named
// in the audit log as "resident:<person id>".
func (id *PortalIdentity) User() *User {
	return &User{ID: id.AccountID, Login: "resident:" + strconv.FormatInt(id.PersonID, 10), Name: id.Name, Role: RoleResident, Post: PostNone, ProjectIDs: []int64{id.ProjectID}}
}

type portalIdentityKey struct{}

// NewContextWithPortalIdentity returns a context carrying the signed-in
// resident and their principal.
func NewContextWithPortalIdentity(ctx context.Context, id *PortalIdentity) context.Context {
	ctx = context.WithValue(ctx, portalIdentityKey{}, id)
	return NewContextWithUser(ctx, id.User())
}

// PortalIdentityFromContext returns the signed-in resident, or nil.
func PortalIdentityFromContext(ctx context.Context) *PortalIdentity {
	id, _ := ctx.Value(portalIdentityKey{}).(*PortalIdentity)
	return id
}

// PortalSession is one device signed in to the portal.
type PortalSession struct {
	ID        int64     `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	LastSeen  time.Time `json:"last_seen"`
	ExpiresAt time.Time `json:"expires_at"`
	IP        string    `json:"ip"`
	UserAgent string    `json:"user_agent"`
	// Current marks the session of the request.
	Current bool `json:"current"`
}

// PortalAuth signs residents in to the portal.
type PortalAuth interface {
	// RequestCode sends a sign-in code to a registered number. EINVALID
	// for a malformed number, or one on no resident's record ("ask your
	// service centre to register this number"), or a placeholder number;
	// ETOOMANYREQUEST after PortalCodesPerHour codes within the hour. An
	// address that asks for many codes is slowed (the code waits), never
	// refused.
	RequestCode(ctx context.Context, phone string) (*PortalCodeSent, error)
	// VerifyCode checks the code and starts a portal session, returning
	// its token and the persons registered with the number. With one
	// person the session is theirs; with several the resident chooses
	// (Choose). EINVALID for a wrong, expired or used code.
	VerifyCode(ctx context.Context, phone, code string) (token string, candidates []*PortalCandidate, err error)
	// Choose makes the session of the token that of one of the number's
	// persons. ENOTFOUND for a person not registered with the number.
	Choose(ctx context.Context, token string, personID int64) error
	// Candidates returns the persons registered with the session's number.
	Candidates(ctx context.Context, token string) ([]*PortalCandidate, error)
	// Authenticate returns the resident of a live session and extends it.
	// EUNAUTHORIZED for an unknown, ended or expired token; ECONFLICT
	// (with the identity's phone only) when no person is chosen yet.
	Authenticate(ctx context.Context, token string) (*PortalIdentity, error)
	// Logout ends the session of the token.
	Logout(ctx context.Context, token string) error
	// Sessions lists the signed-in resident's devices (PermPortal).
	Sessions(ctx context.Context) ([]*PortalSession, error)
	// EndSession ends one of the resident's sessions; EndSessions all of
	// them but the current one (PermPortal). ENOTFOUND for another's.
	EndSession(ctx context.Context, id int64) error
	EndSessions(ctx context.Context) error
	// PersonSessions lists a resident's portal sessions for staff, and
	// EndPersonSessions ends them all (PermResidentEdit in the person's
	// project; ENOTFOUND for a person of another project).
	PersonSessions(ctx context.Context, personID int64) ([]*PortalSession, error)
	EndPersonSessions(ctx context.Context, personID int64) error
}

// PortalMember is a member of one of the resident's households.
type PortalMember struct {
	PersonID int64    `json:"person_id"`
	Name     string   `json:"name"`
	Relation Relation `json:"relation"`
}

// PortalHomeDetail is one of the resident's homes as "my homes" shows it:
// the room, who lives there, and — for the resident and the members of
// their own side of the household (an owner's family, a tenant's) — the
// vehicles and cards with their expiry.
type PortalHomeDetail struct {
	PortalHome
	Members  []*PortalMember `json:"members"`
	Vehicles []*Vehicle      `json:"vehicles"`
	Cards    []*Card         `json:"cards"`
}

// PortalService is what a signed-in resident sees and does. Every method
// requires PermPortal and answers only from the resident's own households
// (PortalIdentityFromContext); anything else — another room's order, pass,
// complaint or household — is ENOTFOUND, as a missing one.
type PortalService interface {
	// Homes returns the resident's homes with members, vehicles and cards.
	Homes(ctx context.Context) ([]*PortalHomeDetail, error)
	// Home returns one of them; ENOTFOUND for a household not theirs.
	Home(ctx context.Context, householdID int64) (*PortalHomeDetail, error)

	// Repairs lists the orders of the resident's rooms, newest first;
	// Repair returns one with its lines, photos and promised arrival.
	Repairs(ctx context.Context) ([]*Order, error)
	Repair(ctx context.Context, id int64) (*Order, error)
	// RepairPhoto returns a photo of one of them.
	RepairPhoto(ctx context.Context, id, photoID int64) (contentType string, data []byte, err error)
	// ReportRepair opens an order for one of the resident's rooms, with
	// photos and a preferred time (a planned order when given). EINVALID
	// names the field.
	ReportRepair(ctx context.Context, r *PortalRepair, photos ...*Photo) (*Order, error)
	// ConfirmQuote confirms the quote of a quoted order (M5);
	// RefuseQuote cancels the order with the resident's reason.
	ConfirmQuote(ctx context.Context, id int64) (*Order, error)
	RefuseQuote(ctx context.Context, id int64, reason string) (*Order, error)
	// RateRepair answers the follow-up of a done order (M6): a poor
	// answer reopens it, as a poor follow-up call does.
	RateRepair(ctx context.Context, id int64, req FollowUpRequest) (*Order, error)

	// Passes lists the release passes of the resident's rooms, newest
	// first; Pass returns one.
	Passes(ctx context.Context) ([]*Pass, error)
	Pass(ctx context.Context, id int64) (*Pass, error)
	// DecidePass confirms (owner_portal) or refuses a pending pass of a
	// room the resident owns. EFORBIDDEN for a tenant or family member.
	DecidePass(ctx context.Context, id int64, confirm bool, reason string) (*Pass, error)

	// Complaints lists the resident's own complaints, newest first;
	// Complaint returns one.
	Complaints(ctx context.Context) ([]*Complaint, error)
	Complaint(ctx context.Context, id int64) (*Complaint, error)
	// FileComplaint files a complaint on the portal.
	FileComplaint(ctx context.Context, c *PortalComplaint, photos ...*Photo) (*Complaint, error)
	// AnswerRevisit answers the revisit of a replied complaint: satisfied,
	// or not (reopened to its team, with the reason).
	AnswerRevisit(ctx context.Context, id int64, satisfied bool, note string) (*Complaint, error)

	// ReportHazard reports a hazard or a suggestion with a photo and
	// place (joint prevention, S11); Hazards lists the resident's reports.
	ReportHazard(ctx context.Context, h *PortalHazard, photo *Photo) (*Hazard, error)
	Hazards(ctx context.Context) ([]*Hazard, error)
}

// ConfirmMethodPortal records a quote the resident confirmed on the
// portal (not one of the ConfirmMethods staff record at the door).
const ConfirmMethodPortal = "portal"

// PortalRepair is a repair a resident reports.
type PortalRepair struct {
	RoomID      int64  `json:"room_id"`
	Description string `json:"description"`
	Urgent      bool   `json:"urgent"`
	// PreferredAt is when the resident wants the technician to come (a
	// planned order); nil for as soon as possible.
	PreferredAt *time.Time `json:"preferred_at"`
}

// PortalComplaint is a complaint a resident files.
type PortalComplaint struct {
	Category    ComplaintCategory `json:"category"`
	Description string            `json:"description"`
	Wish        string            `json:"wish"`
}

// PortalHazard is a hazard or suggestion a resident reports.
type PortalHazard struct {
	Place       string   `json:"place"`
	Description string   `json:"description"`
	Severity    Severity `json:"severity"`
}
