package wubu

import (
	"context"
	"slices"
	"time"
)

// Pre-move-in pages (K4: the community website opens three months before
// move-in): the buyers on the prospect list sign in with the invitation
// code printed on their holiday card — they have no phone on file — into a
// session of their own that sees only the new community's pages: the
// surrounding amenities (local resources), purchasing and renovation
// information and group-buy offers published by the centre, the move-in
// steps and the forum.

// PreMoveInKinds are the sections the centre publishes in.
var PreMoveInKinds = []string{"purchase", "renovation", "group_buy"}

// ValidPreMoveInKind reports whether k is a known section.
func ValidPreMoveInKind(k string) bool { return slices.Contains(PreMoveInKinds, k) }

// PreMoveInSessionAge is how long a pre-move-in session lasts.
const PreMoveInSessionAge = 30 * 24 * time.Hour

// PreMoveInItem is a piece of information or a group-buy offer.
type PreMoveInItem struct {
	ID        int64  `json:"id"`
	ProjectID int64  `json:"project_id"`
	Kind      string `json:"kind"`
	Title     string `json:"title"`
	Body      string `json:"body,omitempty"`
	// Supplier, Price and ValidUntil describe a group-buy offer.
	Supplier   string    `json:"supplier,omitempty"`
	Price      string    `json:"price,omitempty"`
	ValidUntil Date      `json:"valid_until,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// PreMoveInVisitor is a buyer signed in before move-in.
type PreMoveInVisitor struct {
	ProspectID  int64  `json:"prospect_id"`
	ProjectID   int64  `json:"project_id"`
	ProjectName string `json:"project_name"`
	// Name is masked (王**); Unit is the unit bought.
	Name string `json:"name"`
	Unit string `json:"unit"`
}

// PreMoveInPages is what a buyer sees of the new community.
type PreMoveInPages struct {
	Visitor   *PreMoveInVisitor `json:"visitor"`
	Items     []*PreMoveInItem  `json:"items"`
	Resources []*LocalResource  `json:"resources"`
	Steps     []MoveInItem      `json:"steps"`
}

// PreMoveInService keeps the pre-move-in pages and sessions.
type PreMoveInService interface {
	// PublishPreMoveIn publishes an item (PermSettingsEdit). EINVALID
	// (kind, title, dates) stores nothing.
	PublishPreMoveIn(ctx context.Context, it *PreMoveInItem) error
	// FindPreMoveInItems lists a project's items for staff (PermOrgView).
	FindPreMoveInItems(ctx context.Context, projectID int64) ([]*PreMoveInItem, error)
	// DeletePreMoveInItem withdraws an item (PermSettingsEdit).
	DeletePreMoveInItem(ctx context.Context, id int64) error
	// SignInPreMoveIn starts a session for the buyer whose invitation code
	// it is, throttled per address like the staff sign-in. EUNAUTHORIZED
	// for an unknown code or one already moved in.
	SignInPreMoveIn(ctx context.Context, code string) (string, *PreMoveInVisitor, error)
	// AuthenticatePreMoveIn returns the buyer of a session token.
	// EUNAUTHORIZED when it is unknown or expired, or the buyer moved in.
	AuthenticatePreMoveIn(ctx context.Context, token string) (*PreMoveInVisitor, error)
	// SignOutPreMoveIn ends a session.
	SignOutPreMoveIn(ctx context.Context, token string) error
	// PreMoveInPages returns what the buyer sees: the items (offers still
	// valid), the local resources and the move-in steps.
	PreMoveInPages(ctx context.Context, v *PreMoveInVisitor) (*PreMoveInPages, error)
}
