package wubu

import (
	"context"
	"time"
)

// Audit actions.
const (
	ActionCreate      = "create"
	ActionUpdate      = "update"
	ActionDelete      = "delete"
	ActionLogin       = "login"
	ActionLoginFailed = "login_failed"
	ActionLogout      = "logout"
	// ActionRead is a read of a sensitive field (an ID number, a full phone).
	ActionRead = "read"
)

// AuditEntry records one change or one read of a sensitive field. Audit
// entries are never edited or deleted through Wubu.
type AuditEntry struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	UserID     *int64    `json:"user_id"`
	Login      string    `json:"login"`
	ProjectID  *int64    `json:"project_id"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Field      string    `json:"field,omitempty"`  // the sensitive field read
	Before     string    `json:"before,omitempty"` // JSON
	After      string    `json:"after,omitempty"`  // JSON
	IP         string    `json:"ip,omitempty"`
}

// AuditFilter selects audit entries; zero fields do not filter.
type AuditFilter struct {
	UserID     *int64
	Login      string
	ProjectID  *int64
	ObjectType string
	ObjectID   string
	Action     string
	From, To   *time.Time
	Offset     int
	Limit      int
}

// AuditService reads the audit log. Writing happens inside the services, in
// the same transaction as the change.
type AuditService interface {
	// FindAuditEntries returns entries newest first and the total. Entries
	// of projects the caller does not serve are left out. EFORBIDDEN for
	// roles without the audit permission.
	FindAuditEntries(ctx context.Context, f AuditFilter) ([]*AuditEntry, int, error)
	// RecordRead records that the caller read a sensitive field.
	RecordRead(ctx context.Context, projectID int64, objectType, objectID, field string) error
}
