package wubu

import (
	"context"
	"time"
)

// Revisits (SPEC U4, S3): a service assistant visits a customer again —
// a key customer above all — at a planned time, and records how it went.
// The security leaders of a key customer's buildings go along: they are
// added to the revisit as participants when it is scheduled (S3's
// "building one-to-one"). A planned revisit is on the agenda of its
// assistant and its participants; past its time it is overdue.

// RevisitStatus is a revisit's state.
type RevisitStatus string

// Revisit states.
const (
	RevisitPlanned RevisitStatus = "planned"
	RevisitDone    RevisitStatus = "done"
)

// Revisit is one planned (or recorded) visit to a resident.
type Revisit struct {
	ID         int64  `json:"id"`
	ProjectID  int64  `json:"project_id"`
	PersonID   int64  `json:"person_id"`
	PersonName string `json:"person_name"`
	// Importance is the resident's importance level when read (U4); key
	// customers have KeyCustomerImportance or more.
	Importance int `json:"importance"`
	// DueAt is when the visit is planned.
	DueAt   time.Time `json:"due_at"`
	Purpose string    `json:"purpose"`
	// AssistantID is the service assistant in charge: whoever scheduled it.
	AssistantID   int64  `json:"assistant_id"`
	AssistantName string `json:"assistant_name"`
	// Participants go along: the security leaders of a key customer's
	// buildings, added when it is scheduled.
	Participants []RevisitParticipant `json:"participants"`
	Status       RevisitStatus        `json:"status"`
	// Overdue is set when read: planned and past DueAt.
	Overdue bool `json:"overdue"`
	// The outcome, once recorded.
	DoneAt       *time.Time `json:"done_at,omitempty"`
	DoneByName   string     `json:"done_by_name,omitempty"`
	Notes        string     `json:"notes"`
	Satisfaction int        `json:"satisfaction"` // 1 (very unhappy) … 5 (very happy); 0 before the outcome
	CreatedAt    time.Time  `json:"created_at"`
}

// RevisitParticipant is a staff member going along on a revisit.
type RevisitParticipant struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	// Role says why: "security_leader" (S3).
	Role         string `json:"role"`
	BuildingName string `json:"building_name,omitempty"`
}

// RevisitFilter selects revisits of one project.
type RevisitFilter struct {
	ProjectID int64
	PersonID  *int64
	// Mine keeps those the caller is in charge of or takes part in.
	Mine bool
	// Open keeps planned ones only.
	Open bool
}

// RevisitService schedules revisits and records their outcome. Reading
// needs PermResidentView, scheduling and recording PermResidentEdit in the
// resident's project; another project's revisit answers ENOTFOUND.
type RevisitService interface {
	// ScheduleRevisit plans a revisit of r.PersonID at r.DueAt with
	// r.Purpose; the caller is its assistant and the security leaders of a
	// key customer's buildings become participants. EINVALID (due_at,
	// purpose), ENOTFOUND (resident).
	ScheduleRevisit(ctx context.Context, r *Revisit) error
	// RecordRevisit records the outcome of a planned revisit: notes and the
	// resident's satisfaction (1–5); it lands on the resident's timeline.
	// EINVALID (notes, satisfaction), ECONFLICT (already recorded),
	// ENOTFOUND.
	RecordRevisit(ctx context.Context, id int64, notes string, satisfaction int) (*Revisit, error)
	// FindRevisit returns one revisit with its participants. ENOTFOUND.
	FindRevisit(ctx context.Context, id int64) (*Revisit, error)
	// FindRevisits returns a project's revisits: planned ones first by due
	// time, then recorded ones newest first (at most 200).
	FindRevisits(ctx context.Context, f RevisitFilter) ([]*Revisit, error)
}
