package wubu

import (
	"context"
	"time"
)

// Project is a residential community (项目/小区) served by one service centre.
// Every row that belongs to a project carries its ID.
type Project struct {
	ID        int64     `json:"id"`
	Code      string    `json:"code"` // short, stable, unique: "LJY", "HTHY"
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ProjectUpdate is a change to a project; nil fields stay as they are.
type ProjectUpdate struct {
	Name *string `json:"name"`
}

// ProjectService manages projects.
type ProjectService interface {
	// FindProjects returns the projects the caller serves, ordered by code.
	FindProjects(ctx context.Context) ([]*Project, error)

	// FindProjectByID returns ENOTFOUND if the project does not exist or the
	// caller does not serve it.
	FindProjectByID(ctx context.Context, id int64) (*Project, error)

	// FindProjectByCode returns ENOTFOUND if no project has the code or the
	// caller does not serve it.
	FindProjectByCode(ctx context.Context, code string) (*Project, error)

	// CreateProject creates a project. Only company admins may. Returns
	// EINVALID for a malformed code or empty name, ECONFLICT if the code is
	// taken, EFORBIDDEN for other roles.
	CreateProject(ctx context.Context, p *Project) error

	// UpdateProject renames a project. Returns ENOTFOUND, EINVALID, EFORBIDDEN.
	UpdateProject(ctx context.Context, id int64, upd ProjectUpdate) (*Project, error)
}
