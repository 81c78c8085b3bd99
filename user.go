package wubu

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a staff member may do (F3).
type Role string

// Roles, from the front line up.
const (
	RoleStaff       Role = "staff"        // 员工: a guard, cleaner, technician or assistant
	RoleTeamLeader  Role = "team_leader"  // 班长
	RoleManager     Role = "manager"      // 经理: runs a service centre
	RoleDutyManager Role = "duty_manager" // 值班经理
	RoleQuality     Role = "quality"      // 品质管理部: sets the standard across communities
	RoleAdmin       Role = "admin"        // 公司管理员: the whole company, no project restriction
)

// Roles lists every role in order.
var Roles = []Role{RoleStaff, RoleTeamLeader, RoleManager, RoleDutyManager, RoleQuality, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Post is a staff member's post (岗位).
type Post string

// Posts. Managers and admins have none.
const (
	PostSecurity    Post = "security"    // 安全管理
	PostCleaning    Post = "cleaning"    // 保洁
	PostMaintenance Post = "maintenance" // 技术维修
	PostService     Post = "service"     // 客户服务
	PostNone        Post = "none"
)

// Posts lists every post in order.
var Posts = []Post{PostSecurity, PostCleaning, PostMaintenance, PostService, PostNone}

// Valid reports whether p is a known post.
func (p Post) Valid() bool { return slices.Contains(Posts, p) }

// User is a staff account.
type User struct {
	ID       int64  `json:"id"`
	Login    string `json:"login"`
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Post     Post   `json:"post"`
	Phone    string `json:"phone,omitempty"`
	Email    string `json:"email,omitempty"`
	Disabled bool   `json:"disabled"`
	// ProjectIDs are the projects the user serves. Admins serve all
	// projects and have none listed.
	ProjectIDs []int64   `json:"project_ids"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`

	// Lang is the user's interface language ("zh-CN" or "en").
	Lang string `json:"lang"`
}

// AllProjects reports whether the user serves every project of the company.
func (u *User) AllProjects() bool { return u != nil && u.Role == RoleAdmin }

// Serves reports whether the user serves the project.
func (u *User) Serves(projectID int64) bool {
	if u == nil {
		return false
	}
	return u.AllProjects() || slices.Contains(u.ProjectIDs, projectID)
}

// NewUser is a staff account to create, with its password.
type NewUser struct {
	User
	Password string `json:"password"`
}

// UserUpdate is a change to a staff account; nil fields stay as they are.
type UserUpdate struct {
	Name       *string  `json:"name"`
	Role       *Role    `json:"role"`
	Post       *Post    `json:"post"`
	Phone      *string  `json:"phone"`
	Email      *string  `json:"email"`
	Disabled   *bool    `json:"disabled"`
	ProjectIDs *[]int64 `json:"project_ids"`
	Lang       *string  `json:"lang"`
}

// UserFilter selects staff; nil fields do not filter.
type UserFilter struct {
	ProjectID *int64
	Role      *Role
	Post      *Post
	Query     string // login or name contains
	Offset    int
	Limit     int
}

// AssignmentKind is what a staff member is for a building.
type AssignmentKind string

// Building assignments.
const (
	// AssignSecurityLeader is the security "one-to-one" service assistant of
	// a building (S3).
	AssignSecurityLeader AssignmentKind = "security_leader"
	// AssignZoneAssistant is the customer-service assistant of a building's
	// residents (K7).
	AssignZoneAssistant AssignmentKind = "zone_assistant"
)

// AssignmentKinds lists every kind.
var AssignmentKinds = []AssignmentKind{AssignSecurityLeader, AssignZoneAssistant}

// Valid reports whether k is a known kind.
func (k AssignmentKind) Valid() bool { return slices.Contains(AssignmentKinds, k) }

// Assignment names a staff member for a building.
type Assignment struct {
	ProjectID  int64          `json:"project_id"`
	BuildingID int64          `json:"building_id"`
	UserID     int64          `json:"user_id"`
	Kind       AssignmentKind `json:"kind"`
	CreatedAt  time.Time      `json:"created_at"`

	BuildingName string `json:"building_name,omitempty"`
	UserName     string `json:"user_name,omitempty"`
	UserLogin    string `json:"user_login,omitempty"`
	UserRole     Role   `json:"user_role,omitempty"`
}

// NeedsFix reports whether the assignment breaks a rule made after it
// (issue 19): a building's security leader must be a team leader, who can
// check the building's tenants and follow its issues. The project page
// flags such assignments for the manager to change.
func (a *Assignment) NeedsFix() bool {
	return a.Kind == AssignSecurityLeader && a.UserRole != "" && a.UserRole != RoleTeamLeader
}

// UserService manages staff accounts and their building assignments.
type UserService interface {
	// FindUsers returns the staff of the caller's projects (all staff for an
	// admin) and the total matching. EFORBIDDEN for roles that may not list.
	FindUsers(ctx context.Context, f UserFilter) ([]*User, int, error)
	// FindUserByID returns ENOTFOUND if the user does not exist or shares no
	// project with the caller.
	FindUserByID(ctx context.Context, id int64) (*User, error)
	// CreateUser creates an account. EINVALID (login, role, post, weak
	// password, no project), ECONFLICT (login taken), EFORBIDDEN (the caller
	// may not grant that role or project), ENOTFOUND (unknown project).
	CreateUser(ctx context.Context, nu *NewUser) error
	// UpdateUser changes an account; disabling it ends its sessions.
	UpdateUser(ctx context.Context, id int64, upd UserUpdate) (*User, error)
	// SetPassword sets another user's password, by a manager of every
	// project the account serves. Ends the user's sessions. EINVALID for a
	// weak password; EINVALID for one's own account, whose password is
	// changed through ChangePassword.
	SetPassword(ctx context.Context, id int64, password string) error
	// ChangePassword changes the caller's own password after checking the
	// current one (EINVALID on the field current_password when wrong).
	// Ends the caller's other sessions.
	ChangePassword(ctx context.Context, current, password string) error

	// FindAssignments returns a project's building assignments.
	FindAssignments(ctx context.Context, projectID int64) ([]*Assignment, error)
	// Assign names a staff member of the project for a building. EINVALID,
	// ECONFLICT (already), ENOTFOUND, EFORBIDDEN.
	Assign(ctx context.Context, a *Assignment) error
	// Unassign removes an assignment. ENOTFOUND if there is none.
	Unassign(ctx context.Context, a Assignment) error
}

// Password policy: at least 8 characters with letters and digits, or a
// passphrase of at least 14 characters, and none of the common ones.
const MinPasswordLength = 8

var commonPasswords = []string{"password", "12345678", "123456789", "1234567890", "qwerty123", "password1", "abc12345", "11111111", "88888888", "a1234567", "aa123456", "woaini1314", "admin123", "qwertyuiop"}

// CheckPassword returns EINVALID if the password is too weak to accept.
func CheckPassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n == 0 {
		return FieldErrorf("password", EINVALID, "Password is required.")
	}
	if n < MinPasswordLength {
		return FieldErrorf("password", EINVALID, "Password must be at least %d characters.", MinPasswordLength)
	}
	if n > 256 {
		return FieldErrorf("password", EINVALID, "Password must be at most %d characters.", 256)
	}
	if slices.Contains(commonPasswords, strings.ToLower(pw)) {
		return FieldErrorf("password", EINVALID, "This password is too common; choose another.")
	}
	var letter, digit bool
	for _, r := range pw {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r > ' ':
			letter = true
		}
	}
	if n < 14 && (!letter || !digit) {
		return FieldErrorf("password", EINVALID, "Password must mix letters and digits (or be a passphrase of 14 characters or more).")
	}
	return nil
}

// ValidLogin reports whether s is a usable login: 3–32 letters, digits, dot,
// dash or underscore.
func ValidLogin(s string) bool {
	if len(s) < 3 || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// ValidName reports whether s, trimmed, is non-empty, has at most max
// characters and no control characters.
func ValidName(s string, max int) bool {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > max {
		return false
	}
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			return false
		}
	}
	return true
}
