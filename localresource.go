package wubu

import (
	"context"
	"slices"
	"time"
)

// Local resources and government procedures (H2): the centre's directory
// of local services (shops, clinics, schools, transport) and of the
// procedures residents ask about (residence permit, elderly card…), each
// procedure with its form as a file kept at the centre to download.

// LocalResourceKinds are the directory's sections.
var LocalResourceKinds = []string{"shop", "clinic", "school", "transport", "procedure"}

// ValidLocalResourceKind reports whether k is a known section.
func ValidLocalResourceKind(k string) bool { return slices.Contains(LocalResourceKinds, k) }

// LocalResource is one entry of the directory.
type LocalResource struct {
	ID        int64  `json:"id"`
	ProjectID int64  `json:"project_id"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Address   string `json:"address,omitempty"`
	Phone     string `json:"phone,omitempty"`
	Note      string `json:"note,omitempty"`
	// FileName is the form kept for download, "" if none.
	FileName  string    `json:"file_name,omitempty"`
	FileSize  int       `json:"file_size,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// LocalResourceFile is the form of an entry.
type LocalResourceFile struct {
	Name        string
	ContentType string
	Data        []byte
}

// LocalResourceService keeps the directory.
type LocalResourceService interface {
	// AddLocalResource adds an entry with an optional form file (at most
	// 5 MB); EINVALID (kind, name, file) stores nothing.
	AddLocalResource(ctx context.Context, lr *LocalResource, file *LocalResourceFile) error
	FindLocalResources(ctx context.Context, projectID int64) ([]*LocalResource, error)
	// LocalResourceForm returns an entry's form file.
	LocalResourceForm(ctx context.Context, id int64) (*LocalResourceFile, error)
}
