package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/auth"
)

// UserService implements wubu.UserService.
type UserService struct{ db *DB }

// NewUserService returns a staff service over db.
func NewUserService(db *DB) *UserService { return &UserService{db: db} }

const userColumns = `id, login, name, role, post, phone, email, disabled, lang, created_at, updated_at`

func scanUser(s interface{ Scan(...any) error }) (*wubu.User, error) {
	u := &wubu.User{}
	err := s.Scan(&u.ID, &u.Login, &u.Name, &u.Role, &u.Post, &u.Phone, &u.Email, &u.Disabled, &u.Lang, &u.CreatedAt, &u.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Staff member not found.")
	}
	return u, err
}

// loadProjects fills in the users' project scopes.
func loadProjects(ctx context.Context, db *DB, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, users ...*wubu.User) error {
	if len(users) == 0 {
		return nil
	}
	byID := make(map[int64]*wubu.User, len(users))
	ph := make([]string, 0, len(users))
	args := make([]any, 0, len(users))
	for _, u := range users {
		byID[u.ID] = u
		u.ProjectIDs = []int64{}
		ph, args = append(ph, "?"), append(args, u.ID)
	}
	rows, err := q.QueryContext(ctx, db.rebind(`SELECT user_id, project_id FROM user_projects WHERE user_id IN (`+strings.Join(ph, ",")+`) ORDER BY project_id`), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var uid, pid int64
		if err := rows.Scan(&uid, &pid); err != nil {
			return err
		}
		byID[uid].ProjectIDs = append(byID[uid].ProjectIDs, pid)
	}
	return rows.Err()
}

// visibleTo reports whether the caller may see the user: admins see all;
// others see staff sharing a project with them (and themselves).
func visibleTo(caller, u *wubu.User) bool {
	if caller.AllProjects() || caller.ID == u.ID {
		return true
	}
	for _, p := range u.ProjectIDs {
		if caller.Serves(p) {
			return true
		}
	}
	return false
}

// manages reports whether the caller may administer the account: an admin
// any account; a manager only accounts all of whose projects they serve,
// so that nobody acts on an account that also opens another project.
func manages(caller, u *wubu.User) bool {
	if caller.AllProjects() {
		return true
	}
	if u.AllProjects() || len(u.ProjectIDs) == 0 {
		return false
	}
	for _, p := range u.ProjectIDs {
		if !caller.Serves(p) {
			return false
		}
	}
	return true
}

// errNotManaged is the answer for an account the caller sees but may not
// administer.
func errNotManaged() error {
	return wubu.Errorf(wubu.EFORBIDDEN, "This account also serves projects you do not manage; ask a manager of all its projects or an administrator.")
}

// FindUsers returns the staff of the caller's projects.
func (s *UserService) FindUsers(ctx context.Context, f wubu.UserFilter) ([]*wubu.User, int, error) {
	var pid int64
	if f.ProjectID != nil {
		pid = *f.ProjectID
	}
	caller, err := wubu.Authorize(ctx, wubu.PermStaffView, pid)
	if err != nil {
		return nil, 0, err
	}
	var where []string
	var args []any
	if f.ProjectID != nil {
		where, args = append(where, "id IN (SELECT user_id FROM user_projects WHERE project_id = ?)"), append(args, *f.ProjectID)
	} else if !caller.AllProjects() {
		where, args = append(where, "id IN (SELECT user_id FROM user_projects WHERE project_id IN (SELECT project_id FROM user_projects WHERE user_id = ?))"), append(args, caller.ID)
	}
	if f.Role != nil {
		where, args = append(where, "role = ?"), append(args, *f.Role)
	}
	if f.Post != nil {
		where, args = append(where, "post = ?"), append(args, *f.Post)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := s.db.likeOp()
		where = append(where, "(login "+like+" ? ESCAPE '\\' OR name "+like+" ? ESCAPE '\\')")
		args = append(args, likePattern(q), likePattern(q))
	}
	q := `SELECT ` + userColumns + `, COUNT(*) OVER() FROM users`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.db.query(ctx, q+` ORDER BY login LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*wubu.User
	total := 0
	for rows.Next() {
		u := &wubu.User{}
		if err := rows.Scan(&u.ID, &u.Login, &u.Name, &u.Role, &u.Post, &u.Phone, &u.Email, &u.Disabled, &u.Lang, &u.CreatedAt, &u.UpdatedAt, &total); err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	rows.Close()
	return out, total, loadProjects(ctx, s.db, s.db.read, out...)
}

// FindUserByID returns ENOTFOUND if the user does not exist or shares no
// project with the caller.
func (s *UserService) FindUserByID(ctx context.Context, id int64) (*wubu.User, error) {
	caller := wubu.UserFromContext(ctx)
	if caller == nil || caller.ID != id {
		if _, err := wubu.Authorize(ctx, wubu.PermStaffView, 0); err != nil {
			return nil, err
		}
	}
	u, err := findUser(ctx, s.db, s.db.read, `id = ?`, id)
	if err != nil {
		return nil, err
	}
	if !visibleTo(caller, u) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Staff member not found.")
	}
	return u, nil
}

type rowQuerier interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

func findUser(ctx context.Context, db *DB, q rowQuerier, where string, arg any) (*wubu.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, db.rebind(`SELECT `+userColumns+` FROM users WHERE `+where), arg))
	if err != nil {
		return nil, err
	}
	return u, loadProjects(ctx, db, q, u)
}

// checkGrant returns an error unless the caller may give role r and the
// projects to an account.
func checkGrant(caller *wubu.User, r wubu.Role, projects []int64) error {
	if !caller.Role.CanGrant(r) {
		return wubu.FieldErrorf("role", wubu.EFORBIDDEN, "You may not grant the role %s.", string(r))
	}
	for _, p := range projects {
		if !caller.Serves(p) {
			return wubu.FieldErrorf("projects", wubu.ENOTFOUND, "Project not found.")
		}
	}
	return nil
}

func validateUser(u *wubu.User) error {
	switch {
	case !wubu.ValidLogin(u.Login):
		return wubu.FieldErrorf("login", wubu.EINVALID, "Login %q is not valid: use 3–32 letters, digits, dots, dashes or underscores.", u.Login)
	case !wubu.ValidName(u.Name, 32):
		return wubu.FieldErrorf("name", wubu.EINVALID, "Name is required and must be at most %d characters.", 32)
	case !u.Role.Valid():
		return wubu.FieldErrorf("role", wubu.EINVALID, "Role %q is not valid.", string(u.Role))
	case !u.Post.Valid():
		return wubu.FieldErrorf("post", wubu.EINVALID, "Post %q is not valid.", string(u.Post))
	case u.Role != wubu.RoleAdmin && len(u.ProjectIDs) == 0:
		return wubu.FieldErrorf("projects", wubu.EINVALID, "Choose at least one project for this account.")
	case u.Lang != "zh-CN" && u.Lang != "en":
		return wubu.FieldErrorf("lang", wubu.EINVALID, "Language %q is not supported.", u.Lang)
	}
	return nil
}

// CreateUser creates a staff account. The very first account of an
// installation may be created without a caller (by the command line) only
// through CreateUserUnchecked.
func (s *UserService) CreateUser(ctx context.Context, nu *wubu.NewUser) error {
	caller, err := wubu.Authorize(ctx, wubu.PermStaffEdit, 0)
	if err != nil {
		return err
	}
	prepareNewUser(nu)
	if err := validateUser(&nu.User); err != nil {
		return err
	}
	if err := checkGrant(caller, nu.Role, nu.ProjectIDs); err != nil {
		return err
	}
	return s.createUser(ctx, nu)
}

// CreateUserUnchecked creates a staff account without a caller's
// permission: for the command line, run by whoever runs the server.
func (s *UserService) CreateUserUnchecked(ctx context.Context, nu *wubu.NewUser) error {
	prepareNewUser(nu)
	if err := validateUser(&nu.User); err != nil {
		return err
	}
	return s.createUser(ctx, nu)
}

func prepareNewUser(nu *wubu.NewUser) {
	nu.Login = strings.ToLower(strings.TrimSpace(nu.Login))
	nu.Name = strings.TrimSpace(nu.Name)
	if nu.Name == "" {
		nu.Name = nu.Login
	}
	if nu.Lang == "" {
		nu.Lang = "zh-CN"
	}
	if nu.Post == "" {
		nu.Post = wubu.PostNone
	}
	if nu.Role == wubu.RoleAdmin {
		nu.ProjectIDs = nil
	}
	slices.Sort(nu.ProjectIDs)
	nu.ProjectIDs = slices.Compact(nu.ProjectIDs)
}

func (s *UserService) createUser(ctx context.Context, nu *wubu.NewUser) error {
	if err := wubu.CheckPassword(nu.Password); err != nil {
		return err
	}
	hash, err := auth.HashPassword(nu.Password)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, p := range nu.ProjectIDs {
		if _, err := findProject(ctx, tx, s.db, `id = ?`, p); err != nil {
			return wubu.FieldErrorf("projects", wubu.ENOTFOUND, "Project not found.")
		}
	}
	u := &nu.User
	u.CreatedAt, u.UpdatedAt = tx.now, tx.now
	u.ID, err = tx.insert(ctx, `INSERT INTO users (login, name, role, post, phone, email, password_hash, disabled, lang, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, u.Login, u.Name, u.Role, u.Post, u.Phone, u.Email, hash, u.Disabled, u.Lang, u.CreatedAt, u.UpdatedAt)
	if isUniqueViolation(err) {
		return wubu.FieldErrorf("login", wubu.ECONFLICT, "Login %q is already taken.", u.Login)
	} else if err != nil {
		return err
	}
	for _, p := range u.ProjectIDs {
		if _, err := tx.exec(ctx, `INSERT INTO user_projects (project_id, user_id) VALUES (?, ?)`, p, u.ID); err != nil {
			return err
		}
	}
	if u.ProjectIDs == nil {
		u.ProjectIDs = []int64{}
	}
	if err := tx.audit(ctx, 0, wubu.ActionCreate, "user", u.ID, nil, u); err != nil {
		return err
	}
	return tx.Commit()
}

// UpdateUser changes an account. A caller may change their own name,
// phone, e-mail and language; everything else needs the staff permission
// and a grant the caller could give.
func (s *UserService) UpdateUser(ctx context.Context, id int64, upd wubu.UserUpdate) (*wubu.User, error) {
	caller := wubu.UserFromContext(ctx)
	self := caller != nil && caller.ID == id && upd.Role == nil && upd.Post == nil && upd.Disabled == nil && upd.ProjectIDs == nil
	if !self {
		if _, err := wubu.Authorize(ctx, wubu.PermStaffEdit, 0); err != nil {
			return nil, err
		}
	} else if _, err := wubu.Authorize(ctx, wubu.PermSelf, 0); err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u, err := findUser(ctx, s.db, tx, `id = ?`, id)
	if err != nil {
		return nil, err
	}
	if !visibleTo(caller, u) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Staff member not found.")
	}
	if !self {
		// The caller must be able to grant the account's current role too:
		// a manager cannot change an admin; and must manage every project
		// of the account.
		if err := checkGrant(caller, u.Role, nil); err != nil {
			return nil, err
		}
		if !manages(caller, u) {
			return nil, errNotManaged()
		}
		if caller.ID == id && upd.Disabled != nil && *upd.Disabled {
			return nil, wubu.FieldErrorf("disabled", wubu.EINVALID, "You cannot disable your own account.")
		}
	}
	before := *u
	before.ProjectIDs = slices.Clone(u.ProjectIDs)
	if upd.Name != nil {
		u.Name = strings.TrimSpace(*upd.Name)
	}
	if upd.Role != nil {
		u.Role = *upd.Role
	}
	if upd.Post != nil {
		u.Post = *upd.Post
	}
	if upd.Phone != nil {
		u.Phone = strings.TrimSpace(*upd.Phone)
	}
	if upd.Email != nil {
		u.Email = strings.TrimSpace(*upd.Email)
	}
	if upd.Disabled != nil {
		u.Disabled = *upd.Disabled
	}
	if upd.Lang != nil {
		u.Lang = *upd.Lang
	}
	if upd.ProjectIDs != nil {
		u.ProjectIDs = slices.Clone(*upd.ProjectIDs)
		slices.Sort(u.ProjectIDs)
		u.ProjectIDs = slices.Compact(u.ProjectIDs)
	}
	if u.Role == wubu.RoleAdmin {
		u.ProjectIDs = []int64{}
	}
	if err := validateUser(u); err != nil {
		return nil, err
	}
	if !self {
		if err := checkGrant(caller, u.Role, *orEmpty(upd.ProjectIDs)); err != nil {
			return nil, err
		}
	}
	u.UpdatedAt = tx.now
	tx.flushSessions = true
	if _, err := tx.exec(ctx, `UPDATE users SET name = ?, role = ?, post = ?, phone = ?, email = ?, disabled = ?, lang = ?, updated_at = ? WHERE id = ?`,
		u.Name, u.Role, u.Post, u.Phone, u.Email, u.Disabled, u.Lang, u.UpdatedAt, id); err != nil {
		return nil, err
	}
	if !slices.Equal(before.ProjectIDs, u.ProjectIDs) {
		for _, p := range before.ProjectIDs {
			if !slices.Contains(u.ProjectIDs, p) {
				if _, err := tx.exec(ctx, `DELETE FROM building_assignments WHERE project_id = ? AND user_id = ?`, p, id); err != nil {
					return nil, err
				}
				if _, err := tx.exec(ctx, `DELETE FROM user_projects WHERE project_id = ? AND user_id = ?`, p, id); err != nil {
					return nil, err
				}
			}
		}
		for _, p := range u.ProjectIDs {
			if slices.Contains(before.ProjectIDs, p) {
				continue
			}
			if _, err := findProject(ctx, tx, s.db, `id = ?`, p); err != nil {
				return nil, wubu.FieldErrorf("projects", wubu.ENOTFOUND, "Project not found.")
			}
			if _, err := tx.exec(ctx, `INSERT INTO user_projects (project_id, user_id) VALUES (?, ?)`, p, id); err != nil {
				return nil, err
			}
		}
	}
	if u.Disabled && !before.Disabled {
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return nil, err
		}
	}
	if err := tx.audit(ctx, 0, wubu.ActionUpdate, "user", id, before, u); err != nil {
		return nil, err
	}
	return u, tx.Commit()
}

func orEmpty(p *[]int64) *[]int64 {
	if p == nil {
		return &[]int64{}
	}
	return p
}

// SetPassword sets another user's password and ends that user's sessions.
func (s *UserService) SetPassword(ctx context.Context, id int64, password string) error {
	caller, err := wubu.Authorize(ctx, wubu.PermStaffEdit, 0)
	if err != nil {
		return err
	}
	if caller.ID == id {
		return wubu.FieldErrorf("password", wubu.EINVALID, "Change your own password on your account page, with your current password.")
	}
	return s.setPassword(ctx, id, password, func(tx *Tx, u *wubu.User, _ string) error {
		if !visibleTo(caller, u) {
			return wubu.Errorf(wubu.ENOTFOUND, "Staff member not found.")
		}
		if err := checkGrant(caller, u.Role, nil); err != nil {
			return err
		}
		if !manages(caller, u) {
			return errNotManaged()
		}
		return nil
	})
}

// ChangePassword changes the caller's own password after checking the
// current one, and ends the caller's other sessions.
func (s *UserService) ChangePassword(ctx context.Context, current, password string) error {
	caller, err := wubu.Authorize(ctx, wubu.PermSelf, 0)
	if err != nil {
		return err
	}
	if current == "" {
		return wubu.FieldErrorf("current_password", wubu.EINVALID, "Enter your current password.")
	}
	return s.setPassword(ctx, caller.ID, password, func(_ *Tx, _ *wubu.User, hash string) error {
		if !auth.CheckPassword(hash, current) {
			return wubu.FieldErrorf("current_password", wubu.EINVALID, "Your current password is not right.")
		}
		return nil
	})
}

// setPassword writes a new password after check has accepted the account
// (given its current hash), and ends every session of it but the caller's.
func (s *UserService) setPassword(ctx context.Context, id int64, password string, check func(tx *Tx, u *wubu.User, hash string) error) error {
	if err := wubu.CheckPassword(password); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var hash string
	u, err := scanUserWithHash(tx.queryRow(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE id = ?`, id), &hash)
	if err != nil {
		return err
	}
	if err := loadProjects(ctx, s.db, tx, u); err != nil {
		return err
	}
	if err := check(tx, u, hash); err != nil {
		return err
	}
	newHash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	tx.flushSessions = true
	if _, err := tx.exec(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, newHash, tx.now, id); err != nil {
		return err
	}
	// End every session but the caller's current one.
	current := currentSessionID(ctx)
	if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, id, current); err != nil {
		return err
	}
	if err := tx.audit(ctx, 0, wubu.ActionUpdate, "user.password", id, nil, nil); err != nil {
		return err
	}
	return tx.Commit()
}

// FindAssignments returns a project's building assignments.
func (s *UserService) FindAssignments(ctx context.Context, projectID int64) ([]*wubu.Assignment, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrgView, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT a.project_id, a.building_id, a.user_id, a.kind, a.created_at, b.name, u.name, u.login, u.role
		FROM building_assignments a
		JOIN buildings b ON b.project_id = a.project_id AND b.id = a.building_id
		JOIN users u ON u.id = a.user_id
		WHERE a.project_id = ?`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.Assignment
	for rows.Next() {
		a := &wubu.Assignment{}
		if err := rows.Scan(&a.ProjectID, &a.BuildingID, &a.UserID, &a.Kind, &a.CreatedAt, &a.BuildingName, &a.UserName, &a.UserLogin, &a.UserRole); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	sortNatural(out, func(a *wubu.Assignment) string { return a.BuildingName })
	return out, rows.Err()
}

// Assign names a staff member of the project for a building.
func (s *UserService) Assign(ctx context.Context, a *wubu.Assignment) error {
	if _, err := wubu.Authorize(ctx, wubu.PermStaffEdit, a.ProjectID); err != nil {
		return err
	}
	if !a.Kind.Valid() {
		return wubu.FieldErrorf("kind", wubu.EINVALID, "Assignment kind %q is not valid.", string(a.Kind))
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM buildings WHERE project_id = ? AND id = ?`, a.ProjectID, a.BuildingID).Scan(&n); err != nil {
		return err
	} else if n == 0 {
		return wubu.FieldErrorf("building_id", wubu.ENOTFOUND, "Building not found.")
	}
	u, err := findUser(ctx, s.db, tx, `id = ?`, a.UserID)
	if err != nil || !slices.Contains(u.ProjectIDs, a.ProjectID) {
		return wubu.FieldErrorf("user_id", wubu.ENOTFOUND, "Staff member not found in this project.")
	}
	if a.Kind == wubu.AssignSecurityLeader && u.Post != wubu.PostSecurity {
		return wubu.FieldErrorf("user_id", wubu.EINVALID, "A building's security leader must be on the security post.")
	}
	if a.Kind == wubu.AssignSecurityLeader && u.Role != wubu.RoleTeamLeader {
		return wubu.FieldErrorf("user_id", wubu.EINVALID, "A building's security leader must be a team leader, who can check its tenants: %s is not.", u.Name)
	}
	if a.Kind == wubu.AssignZoneAssistant && u.Post != wubu.PostService {
		return wubu.FieldErrorf("user_id", wubu.EINVALID, "A zone assistant must be on the customer service post.")
	}
	a.CreatedAt = tx.now
	if _, err := tx.exec(ctx, `INSERT INTO building_assignments (project_id, building_id, user_id, kind, created_at) VALUES (?, ?, ?, ?, ?)`,
		a.ProjectID, a.BuildingID, a.UserID, a.Kind, a.CreatedAt); isUniqueViolation(err) {
		return wubu.Errorf(wubu.ECONFLICT, "This assignment already exists.")
	} else if err != nil {
		return err
	}
	if err := tx.audit(ctx, a.ProjectID, wubu.ActionCreate, "assignment", a.BuildingID, nil, a); err != nil {
		return err
	}
	return tx.Commit()
}

// Unassign removes an assignment.
func (s *UserService) Unassign(ctx context.Context, a wubu.Assignment) error {
	if _, err := wubu.Authorize(ctx, wubu.PermStaffEdit, a.ProjectID); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.exec(ctx, `DELETE FROM building_assignments WHERE project_id = ? AND building_id = ? AND user_id = ? AND kind = ?`,
		a.ProjectID, a.BuildingID, a.UserID, a.Kind)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return wubu.Errorf(wubu.ENOTFOUND, "Assignment not found.")
	}
	if err := tx.audit(ctx, a.ProjectID, wubu.ActionDelete, "assignment", a.BuildingID, a, nil); err != nil {
		return err
	}
	return tx.Commit()
}
