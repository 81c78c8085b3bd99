package wubu

import (
	"context"
	"time"
)

// RetentionSettings say how long a project keeps what it no longer needs
// (PIPL Art. 19: no longer than necessary). A daily purge removes what
// has passed its time and records what it removed in the audit log.
type RetentionSettings struct {
	ProjectID int64 `json:"project_id"`
	// MovedOutDays: a resident whose every home ended this many days ago
	// is erased (anonymised as by ErasePerson).
	MovedOutDays int `json:"moved_out_days"`
	// OutboxDays: the text and address of a message handled this long ago
	// are emptied; the row stays for the counts.
	OutboxDays int `json:"outbox_days"`
	// SignInDays: sign-in records older than this are deleted (the
	// company keeps the longest of its projects' settings).
	SignInDays int `json:"sign_in_days"`
	// AuditDays: audit entries older than this leave the log from the
	// front of its chain, which stays verifiable from a checkpoint. At
	// least MinAuditDays, the Cybersecurity Law's six months.
	AuditDays int `json:"audit_days"`
	// PhotosDays: photos of work orders, passes, hazards, complaints and
	// the other objects are deleted this long after they were taken; the
	// objects keep their rows and say the photo was removed.
	PhotosDays int        `json:"photos_days"`
	Default    bool       `json:"default"`
	UpdatedAt  *time.Time `json:"updated_at,omitempty"`
}

// MinAuditDays is the shortest the audit log is kept: six months (网络安全法
// Art. 21).
const MinAuditDays = 183

// DefaultRetention returns the retention of a project that sets none.
func DefaultRetention(projectID int64) *RetentionSettings {
	return &RetentionSettings{ProjectID: projectID, MovedOutDays: 3 * 365, OutboxDays: 180, SignInDays: 180, AuditDays: 365, PhotosDays: 730, Default: true}
}

// Validate returns EINVALID for a setting out of range.
func (r *RetentionSettings) Validate() error {
	for _, f := range []struct {
		field string
		v     int
	}{{"moved_out_days", r.MovedOutDays}, {"outbox_days", r.OutboxDays}, {"sign_in_days", r.SignInDays}, {"photos_days", r.PhotosDays}} {
		if f.v < 30 || f.v > 3650 {
			return FieldErrorf(f.field, EINVALID, "Keep it between %d and %d days.", 30, 3650)
		}
	}
	if r.AuditDays < MinAuditDays || r.AuditDays > 3650 {
		return FieldErrorf("audit_days", EINVALID, "The audit log is kept at least %d days (six months) and at most %d.", MinAuditDays, 3650)
	}
	return nil
}

// PurgeResult counts what a purge removed.
type PurgeResult struct {
	PersonsErased   int `json:"persons_erased"`
	MessagesEmptied int `json:"messages_emptied"`
	SignInsDeleted  int `json:"sign_ins_deleted"`
	AuditPurged     int `json:"audit_purged"`
	PhotosDeleted   int `json:"photos_deleted"`
}

// RetentionService keeps the retention settings and purges.
type RetentionService interface {
	// Retention returns a project's settings (the defaults if unset).
	Retention(ctx context.Context, projectID int64) (*RetentionSettings, error)
	// SaveRetention changes them (PermSettingsEdit). EINVALID.
	SaveRetention(ctx context.Context, r *RetentionSettings) error
	// Purge removes what has passed its time in every project, as of the
	// database clock, and records each project's removals in the audit log.
	Purge(ctx context.Context) (*PurgeResult, error)
}
