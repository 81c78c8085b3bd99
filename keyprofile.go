package wubu

import (
	"context"
	"time"
)

// Key-customer profiles (U3): a photo, the age, occupation, personality and
// preference notes of an important customer, kept apart from the customer
// card and shared only with the staff named on it and the project's
// manager; every read is audited. Everyone else sees only that the person
// is a key customer.

// KeyProfile is the profile of a key customer.
type KeyProfile struct {
	ProjectID   int64  `json:"project_id"`
	PersonID    int64  `json:"person_id"`
	PersonName  string `json:"person_name"`
	Age         *int   `json:"age,omitempty"`
	Occupation  string `json:"occupation,omitempty"`
	Personality string `json:"personality,omitempty"`
	Preferences string `json:"preferences,omitempty"`
	// PhotoType is the photo's content type ("" without a photo).
	PhotoType string `json:"photo_type,omitempty"`
	Photo     []byte `json:"-"`
	// StaffIDs are the staff who may read it, besides the manager.
	StaffIDs   []int64   `json:"staff_ids"`
	StaffNames []string  `json:"staff_names,omitempty"`
	UpdatedBy  int64     `json:"updated_by"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// KeyProfileService keeps key-customer profiles. Reading a profile needs
// to be named on it or to be the project's manager (or an admin); others
// get EFORBIDDEN and may only ask IsKeyCustomer (PermResidentView).
// Writing needs PermSettingsEdit (the manager). Every read is audited.
// Another project's resident answers ENOTFOUND.
type KeyProfileService interface {
	// IsKeyCustomer reports whether the resident has a key-customer
	// profile, and whether the caller may read it.
	IsKeyCustomer(ctx context.Context, personID int64) (key, mayRead bool, err error)
	// KeyProfile returns the resident's profile with its photo, and
	// records the read. ENOTFOUND without a profile.
	KeyProfile(ctx context.Context, personID int64) (*KeyProfile, error)
	// SaveKeyProfile creates or changes a profile; a nil photo keeps the
	// one it has. EINVALID (age, notes too long, staff not serving the
	// project, photo).
	SaveKeyProfile(ctx context.Context, p *KeyProfile, photo *Photo) error
}
