package wubu

import (
	"context"
	"time"
)

// Prospects (K6): the sales office's list of the buyers of a new project —
// name, postal address, the unit bought, no phone numbers — kept apart from
// the resident registry: not in the lookup, readable only by the project's
// named custodian and the manager, every read audited. Before move-in it is
// the holiday card mailing list (.xlsx and printable address labels, each
// with an invitation code for the portal's pre-move-in pages); at move-in
// the entry becomes an owner through the move-in's start (Source
// "prospect", SourceRef the entry's id) and leaves the list when the
// move-in completes. Persons stored with the relation 准客户 are another
// thing and stay as they are.

// Prospect is one buyer on the sales office's list.
type Prospect struct {
	ID        int64  `json:"id"`
	ProjectID int64  `json:"project_id"`
	Name      string `json:"name"`
	Address   string `json:"address"`
	// Unit is the unit bought, as the room's label (1-1-101).
	Unit string `json:"unit"`
	// Code is the invitation code printed on the card.
	Code      string    `json:"code"`
	CreatedAt time.Time `json:"created_at"`
}

// ProspectCustodian is the one member of staff of a project who keeps its
// prospect list.
type ProspectCustodian struct {
	ProjectID int64  `json:"project_id"`
	UserID    int64  `json:"user_id"`
	UserName  string `json:"user_name"`
}

// ProspectService keeps the prospect lists.
type ProspectService interface {
	// AddProspect adds a buyer to the list (custodian or manager).
	AddProspect(ctx context.Context, p *Prospect) error
	// FindProspects reads the entries still on a project's list (those
	// not yet moved in); the read is audited.
	FindProspects(ctx context.Context, projectID int64) ([]*Prospect, error)
	// SetProspectCustodian names the project's custodian (manager).
	SetProspectCustodian(ctx context.Context, projectID, userID int64) error
	// FindProspectCustodian returns the project's custodian, nil if none.
	FindProspectCustodian(ctx context.Context, projectID int64) (*ProspectCustodian, error)
}
