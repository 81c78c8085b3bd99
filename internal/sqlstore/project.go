package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/wubu-oss/wubu"
)

// ProjectService implements wubu.ProjectService.
type ProjectService struct{ db *DB }

// NewProjectService returns a project service over db.
func NewProjectService(db *DB) *ProjectService { return &ProjectService{db: db} }

const projectColumns = `id, code, name, created_at, updated_at`

func scanProject(s interface{ Scan(...any) error }) (*wubu.Project, error) {
	p := &wubu.Project{}
	err := s.Scan(&p.ID, &p.Code, &p.Name, &p.CreatedAt, &p.UpdatedAt)
	return p, err
}

// FindProjects returns the projects the caller serves, ordered by code.
func (s *ProjectService) FindProjects(ctx context.Context) ([]*wubu.Project, error) {
	u, err := wubu.Authorize(ctx, wubu.PermOrgView, 0)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + projectColumns + ` FROM projects`
	var args []any
	if !u.AllProjects() {
		q += ` WHERE id IN (SELECT project_id FROM user_projects WHERE user_id = ?)`
		args = append(args, u.ID)
	}
	rows, err := s.db.query(ctx, q+` ORDER BY code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.Project
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// FindProjectByID returns ENOTFOUND if the project does not exist or the
// caller does not serve it.
func (s *ProjectService) FindProjectByID(ctx context.Context, id int64) (*wubu.Project, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrgView, id); err != nil {
		return nil, err
	}
	return findProject(ctx, s.db.read, s.db, `id = ?`, id)
}

// FindProjectByCode returns ENOTFOUND if no project has the code or the
// caller does not serve it.
func (s *ProjectService) FindProjectByCode(ctx context.Context, code string) (*wubu.Project, error) {
	p, err := findProject(ctx, s.db.read, s.db, `code = ?`, strings.ToUpper(strings.TrimSpace(code)))
	if err != nil {
		if wubu.ErrorCode(err) == wubu.ENOTFOUND {
			return nil, wubu.Errorf(wubu.ENOTFOUND, "Project %q does not exist.", code)
		}
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrgView, p.ID); err != nil {
		if wubu.ErrorCode(err) == wubu.ENOTFOUND {
			return nil, wubu.Errorf(wubu.ENOTFOUND, "Project %q does not exist.", code)
		}
		return nil, err
	}
	return p, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func findProject(ctx context.Context, q querier, db *DB, where string, arg any) (*wubu.Project, error) {
	p, err := scanProject(q.QueryRowContext(ctx, db.rebind(`SELECT `+projectColumns+` FROM projects WHERE `+where), arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return p, err
}

// ValidProjectCode reports whether s is a usable project code: 2–16
// upper-case letters, digits or dashes, starting with a letter.
func ValidProjectCode(s string) bool {
	if len(s) < 2 || len(s) > 16 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// CreateProject creates a project. Only company admins may.
func (s *ProjectService) CreateProject(ctx context.Context, p *wubu.Project) error {
	if _, err := wubu.Authorize(ctx, wubu.PermProjectCreate, 0); err != nil {
		return err
	}
	p.Code = strings.ToUpper(strings.TrimSpace(p.Code))
	p.Name = strings.TrimSpace(p.Name)
	if !ValidProjectCode(p.Code) {
		return wubu.FieldErrorf("code", wubu.EINVALID, "Project code %q is not valid: use 2–16 letters, digits or dashes, starting with a letter.", p.Code)
	}
	if !wubu.ValidName(p.Name, 64) {
		return wubu.FieldErrorf("name", wubu.EINVALID, "Project name is required and must be at most %d characters.", 64)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	p.CreatedAt, p.UpdatedAt = tx.now, tx.now
	p.ID, err = tx.insert(ctx, `INSERT INTO projects (code, name, created_at, updated_at) VALUES (?, ?, ?, ?)`, p.Code, p.Name, p.CreatedAt, p.UpdatedAt)
	if isUniqueViolation(err) {
		return wubu.FieldErrorf("code", wubu.ECONFLICT, "Project code %q is already taken.", p.Code)
	} else if err != nil {
		return err
	}
	if err := tx.audit(ctx, p.ID, wubu.ActionCreate, "project", p.ID, nil, p); err != nil {
		return err
	}
	return tx.Commit()
}

// UpdateProject renames a project.
func (s *ProjectService) UpdateProject(ctx context.Context, id int64, upd wubu.ProjectUpdate) (*wubu.Project, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermProjectCreate, id); err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	p, err := findProject(ctx, tx, s.db, `id = ?`, id)
	if err != nil {
		return nil, err
	}
	before := *p
	if upd.Name != nil {
		name := strings.TrimSpace(*upd.Name)
		if !wubu.ValidName(name, 64) {
			return nil, wubu.FieldErrorf("name", wubu.EINVALID, "Project name is required and must be at most %d characters.", 64)
		}
		p.Name = name
	}
	p.UpdatedAt = tx.now
	if _, err := tx.exec(ctx, `UPDATE projects SET name = ?, updated_at = ? WHERE id = ?`, p.Name, p.UpdatedAt, id); err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, id, wubu.ActionUpdate, "project", id, before, p); err != nil {
		return nil, err
	}
	return p, tx.Commit()
}
