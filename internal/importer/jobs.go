package importer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"github.com/wubu-oss/wubu"
)

// BackgroundRows is the size of a list imported in the background: the
// screen and the API answer at once with a job to follow (a progress bar
// that polls; 202 and a job to poll), instead of holding the request for
// the whole import.
const BackgroundRows = 3000

// jobKeep is how long a finished import's result stays to be seen.
const jobKeep = time.Hour

// Job is an import running in the background for one user.
type Job struct {
	id        string
	projectID int64
	userID    int64
	// FileName and Kind name the list imported; DryRun tells whether
	// it only checks.
	FileName string
	Kind     wubu.ImportKind
	DryRun   bool
	progress *wubu.ImportProgress

	mu       sync.Mutex
	done     bool
	finished time.Time
	res      *wubu.ImportResult
	err      error
}

// Jobs are the background imports of a server, by ID. The screen and the
// API share them.
type Jobs struct {
	clock wubu.Clock
	mu    sync.Mutex
	m     map[string]*Job
}

// NewJobs returns an empty set of jobs whose results are kept for an hour
// of the clock's time.
func NewJobs(clock wubu.Clock) *Jobs {
	return &Jobs{clock: clock, m: map[string]*Job{}}
}

// Start runs an import in the background and returns its job. The import
// keeps the context's user and values but not its cancellation: it goes
// on after the request that started it has been answered.
func (js *Jobs) Start(ctx context.Context, svc wubu.ResidentImporter, projectID int64, f *wubu.ImportFile, dryRun bool) *Job {
	var b [16]byte
	rand.Read(b[:])
	j := &Job{id: hex.EncodeToString(b[:]), projectID: projectID, FileName: f.Name, Kind: f.Kind, DryRun: dryRun,
		progress: &wubu.ImportProgress{Total: len(f.Rows)}}
	if u := wubu.UserFromContext(ctx); u != nil {
		j.userID = u.ID
	}
	f.Progress = j.progress
	now := js.clock.Now()
	js.mu.Lock()
	for id, old := range js.m {
		old.mu.Lock()
		if old.done && now.Sub(old.finished) > jobKeep {
			delete(js.m, id)
		}
		old.mu.Unlock()
	}
	js.m[j.id] = j
	js.mu.Unlock()
	ctx = context.WithoutCancel(ctx)
	go func() {
		res, err := Import(ctx, svc, projectID, f, dryRun)
		j.mu.Lock()
		j.res, j.err, j.done, j.finished = res, err, true, js.clock.Now()
		j.mu.Unlock()
	}()
	return j
}

// Find returns the background import of the project that the context's
// user started; ENOTFOUND for anyone else's, as for one that does not
// exist.
func (js *Jobs) Find(ctx context.Context, projectID int64, id string) (*Job, error) {
	js.mu.Lock()
	j := js.m[id]
	js.mu.Unlock()
	u := wubu.UserFromContext(ctx)
	if j == nil || u == nil || j.userID != u.ID || j.projectID != projectID {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return j, nil
}

// State returns the job's outcome, once it is done: the import's result
// and error, as importer.Import returns them.
func (j *Job) State() (done bool, res *wubu.ImportResult, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.done, j.res, j.err
}

// Percent is how far the rows are checked, 0 to 100.
func (j *Job) Percent() int {
	if j.progress.Total == 0 {
		return 100
	}
	return int(j.progress.Checked.Load() * 100 / int64(j.progress.Total))
}

// Checked, Written and Total are the rows checked, the rows written (once
// the import has written them) and the rows to check.
func (j *Job) Checked() int64 { return j.progress.Checked.Load() }
func (j *Job) Written() int64 { return j.progress.Written.Load() }
func (j *Job) Total() int     { return j.progress.Total }

// ID is the job's ID, to poll it.
func (j *Job) ID() string { return j.id }
