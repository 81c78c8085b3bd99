package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"sync"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/importer"
)

// BackgroundImportRows is the size of a list imported in the background:
// the page answers at once and shows a progress bar that polls, instead
// of holding the request for the whole import.
const BackgroundImportRows = 3000

// importJobKeep is how long a finished import's result stays to be seen.
const importJobKeep = time.Hour

// importJob is an import running in the background for one user.
type importJob struct {
	id        string
	projectID int64
	userID    int64
	fileName  string
	kind      wubu.ImportKind
	dryRun    bool
	progress  *wubu.ImportProgress

	mu       sync.Mutex
	done     bool
	finished time.Time
	res      *wubu.ImportResult
	err      error
}

// importJobs are the background imports of a server, by ID.
type importJobs struct {
	sync.Mutex
	m map[string]*importJob
}

// startImport runs an import in the background and returns its job. The
// import keeps the request's user and values but not its cancellation.
func (h *Handler) startImport(r *http.Request, projectID int64, f *wubu.ImportFile, dryRun bool) *importJob {
	var b [16]byte
	rand.Read(b[:])
	u := wubu.UserFromContext(r.Context())
	j := &importJob{id: hex.EncodeToString(b[:]), projectID: projectID, fileName: f.Name, kind: f.Kind, dryRun: dryRun,
		progress: &wubu.ImportProgress{Total: len(f.Rows)}}
	if u != nil {
		j.userID = u.ID
	}
	f.Progress = j.progress
	now := h.Clock.Now()
	h.imports.Lock()
	for id, old := range h.imports.m {
		old.mu.Lock()
		if old.done && now.Sub(old.finished) > importJobKeep {
			delete(h.imports.m, id)
		}
		old.mu.Unlock()
	}
	h.imports.m[j.id] = j
	h.imports.Unlock()
	ctx := context.WithoutCancel(r.Context())
	go func() {
		res, err := importer.Import(ctx, h.Importer, projectID, f, dryRun)
		j.mu.Lock()
		j.res, j.err, j.done, j.finished = res, err, true, h.Clock.Now()
		j.mu.Unlock()
	}()
	return j
}

// findImport returns the user's background import of the project.
func (h *Handler) findImport(r *http.Request, projectID int64, id string) (*importJob, error) {
	h.imports.Lock()
	j := h.imports.m[id]
	h.imports.Unlock()
	u := wubu.UserFromContext(r.Context())
	if j == nil || u == nil || j.userID != u.ID || j.projectID != projectID {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return j, nil
}

// state returns the job's outcome, if it is done.
func (j *importJob) state() (done bool, res *wubu.ImportResult, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.done, j.res, j.err
}

// Percent is how far the rows are checked, 0 to 100.
func (j *importJob) Percent() int {
	if j.progress.Total == 0 {
		return 100
	}
	return int(j.progress.Checked.Load() * 100 / int64(j.progress.Total))
}

// Checked and Total are the rows checked and to check.
func (j *importJob) Checked() int64 { return j.progress.Checked.Load() }
func (j *importJob) Total() int     { return j.progress.Total }

// ID is the job's ID, for the page's polling.
func (j *importJob) ID() string { return j.id }
