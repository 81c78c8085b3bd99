package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// ClockStageArgs is the job that fires one stage of one generation of a
// deadline. A stage may have two jobs (the reconciler queued it again):
// FireStages fires it once. River's unique jobs are not used: on PostgreSQL
// River's scheduler query joins the jobs it moves with the unique jobs, a
// nested loop quadratic in the jobs moved (3 s for 200 unique jobs on a
// table without statistics), while without any unique job it is linear.
type ClockStageArgs struct {
	ProjectID  int64  `json:"project_id"`
	DeadlineID int64  `json:"deadline_id"`
	Generation int    `json:"generation"`
	Stage      string `json:"stage"`
}

// Kind implements river.JobArgs.
func (ClockStageArgs) Kind() string { return "wubu.clock_stage" }

// InsertOpts implements river.JobArgsWithInsertOpts. A stage is retried
// (at most a minute apart) until it fires: River never gives up on it.
func (ClockStageArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueClocks, MaxAttempts: 100_000}
}

// ReconcileArgs is the periodic job that queues clock stages not known to
// be queued.
type ReconcileArgs struct{}

// Kind implements river.JobArgs.
func (ReconcileArgs) Kind() string { return "wubu.clock_reconcile" }

// InsertOpts implements river.JobArgsWithInsertOpts. Like stage jobs,
// reconcile jobs are not unique jobs (see ClockStageArgs): should two run
// at once, the second finds nothing to do.
func (ReconcileArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueClocks}
}

// reconcileBatch is how many stages the reconciler queues at a time.
const reconcileBatch = 1000

// stageParams returns the River insert parameters of stage jobs. The job is
// scheduled at the stage's time, rounded up to the millisecond (River's
// precision on SQLite), so that it never runs before it.
func stageParams(jobs []sqlstore.StageJob) []river.InsertManyParams {
	out := make([]river.InsertManyParams, len(jobs))
	for i, j := range jobs {
		at := j.At.UTC()
		if t := at.Truncate(time.Millisecond); t.Before(at) {
			at = t.Add(time.Millisecond)
		}
		out[i] = river.InsertManyParams{
			Args:       ClockStageArgs{ProjectID: j.ProjectID, DeadlineID: j.DeadlineID, Generation: j.Generation, Stage: j.Stage},
			InsertOpts: &river.InsertOpts{ScheduledAt: at},
		}
	}
	return out
}

// EnqueueTx implements sqlstore.StageQueue: on SQLite the jobs join Wubu's
// transaction.
func (s *Scheduler) EnqueueTx(ctx context.Context, tx *sql.Tx, jobs []sqlstore.StageJob) (bool, error) {
	if len(jobs) == 0 {
		return true, nil
	}
	return s.queue.insertManyTx(ctx, tx, stageParams(jobs))
}

// Enqueue implements sqlstore.StageQueue.
func (s *Scheduler) Enqueue(ctx context.Context, jobs []sqlstore.StageJob) error {
	if len(jobs) == 0 {
		return nil
	}
	return s.queue.insertMany(ctx, stageParams(jobs))
}

// availableAhead is insert middleware that makes Wubu's jobs due within
// lookahead "available" at once, with their scheduled_at, instead of
// "scheduled". River fetches an available job only once its scheduled_at
// has passed; its scheduler gives jobs up to 5 seconds ahead this state in
// the same way, but only on its next run, up to 5 seconds later: without
// this, a stage armed or queued less than 5 seconds before its time (a
// warning whose time has come, a clock armed overdue, a stage the
// reconciler queues again) could fire up to 5 seconds late.
type availableAhead struct {
	river.MiddlewareDefaults
	clock wubu.Clock
}

// InsertMany implements rivertype.JobInsertMiddleware.
func (m *availableAhead) InsertMany(ctx context.Context, params []*rivertype.JobInsertParams, doInner func(context.Context) ([]*rivertype.JobInsertResult, error)) ([]*rivertype.JobInsertResult, error) {
	horizon := m.clock.Now().Add(lookahead)
	for _, p := range params {
		if wubuKinds[p.Kind] && p.State == rivertype.JobStateScheduled && p.ScheduledAt != nil && !p.ScheduledAt.After(horizon) {
			p.State = rivertype.JobStateAvailable
		}
	}
	return doInner(ctx)
}

// wubuKinds are the kinds of Wubu's jobs.
var wubuKinds = map[string]bool{ClockStageArgs{}.Kind(): true, ReconcileArgs{}.Kind(): true}

// fireRequest is a stage job waiting for a fire loop.
type fireRequest struct {
	job   sqlstore.StageJob
	reply chan fireReply // buffered
}

type fireReply struct {
	res sqlstore.StageResult
	err error
}

// fire hands a stage to the fire loops and waits for its result.
func (s *Scheduler) fire(ctx context.Context, job sqlstore.StageJob) (sqlstore.StageResult, error) {
	req := &fireRequest{job: job, reply: make(chan fireReply, 1)}
	select {
	case s.fireCh <- req:
	case <-ctx.Done():
		return sqlstore.StageResult{}, ctx.Err()
	case <-s.fireCtx.Done():
		return sqlstore.StageResult{}, errClosed
	}
	select {
	case r := <-req.reply:
		return r.res, r.err
	case <-ctx.Done():
		// The stage may still fire; the job's next run finds it fired.
		return sqlstore.StageResult{}, ctx.Err()
	}
}

// errClosed fails the jobs still running when the scheduler closes: River
// runs them again later.
var errClosed = errors.New("scheduler closed")

// maxFireBatch is the most stages one fire loop fires in one transaction.
const maxFireBatch = 100

// fireLoop fires the stages handed to it: the first that comes with all
// those already waiting, in one transaction (group commit). A stage that
// comes alone fires alone, at once.
func (s *Scheduler) fireLoop(ctx context.Context) {
	for {
		var batch []*fireRequest
		select {
		case req := <-s.fireCh:
			batch = append(batch, req)
		case <-ctx.Done():
			return
		}
	more:
		for len(batch) < maxFireBatch {
			select {
			case req := <-s.fireCh:
				batch = append(batch, req)
			default:
				break more
			}
		}
		jobs := make([]sqlstore.StageJob, len(batch))
		for i, req := range batch {
			jobs[i] = req.job
		}
		res, err := s.clocks.FireStages(ctx, jobs)
		for i, req := range batch {
			if err != nil {
				req.reply <- fireReply{err: err}
			} else {
				req.reply <- fireReply{res: res[i]}
			}
		}
	}
}

// stageWorker fires clock stages.
type stageWorker struct {
	river.WorkerDefaults[ClockStageArgs]
	s *Scheduler
}

// Work fires the stage, or does nothing if it has nothing to fire; a stage
// not yet due by this server's clock is snoozed until it is.
func (w *stageWorker) Work(ctx context.Context, job *river.Job[ClockStageArgs]) error {
	a := job.Args
	res, err := w.s.fire(ctx, sqlstore.StageJob{ProjectID: a.ProjectID, DeadlineID: a.DeadlineID, Generation: a.Generation, Stage: a.Stage})
	if err == nil {
		err = res.Err
	}
	var notDue *sqlstore.StageNotDueError
	if errors.As(err, &notDue) {
		wait := notDue.At.Sub(w.s.clock.Now())
		if wait < time.Millisecond {
			wait = time.Millisecond
		}
		return river.JobSnooze(wait)
	}
	if err != nil {
		// River logs a job's error at the info level only.
		w.s.cfg.Logger.Warn("clock stage not fired; River will retry it", "deadline", a.DeadlineID, "stage", a.Stage, "attempt", job.Attempt, "err", err)
		return fmt.Errorf("fire clock stage %s of deadline %d: %w", a.Stage, a.DeadlineID, err)
	}
	return nil
}

// NextRetry retries a failed stage soon: after 1, 2, 4… seconds, at most a
// minute, instead of River's default of attempt⁴ seconds.
func (w *stageWorker) NextRetry(job *river.Job[ClockStageArgs]) time.Time {
	d := time.Minute
	if job.Attempt < 7 {
		d = time.Second << max(job.Attempt-1, 0)
	}
	return w.s.clock.Now().Add(d)
}

// reconcileWorker runs the reconciler.
type reconcileWorker struct {
	river.WorkerDefaults[ReconcileArgs]
	s *Scheduler
}

// Work queues stages not known to be queued.
func (w *reconcileWorker) Work(ctx context.Context, job *river.Job[ReconcileArgs]) error {
	n, err := w.s.clocks.Reconcile(ctx, reconcileBatch)
	if err != nil {
		return fmt.Errorf("reconcile clock stages: %w", err)
	}
	if n > 0 {
		w.s.cfg.Logger.Info("clock stages queued by the reconciler", "stages", n)
	}
	return nil
}

// clockSchedule runs a periodic job every interval of the scheduler's
// clock, counted from the clock's now rather than from the previous run, so
// that a clock moved forward by days runs it once, not once per missed
// interval.
type clockSchedule struct {
	clock wubu.Clock
	every time.Duration
}

// Next implements river.PeriodicSchedule.
func (c clockSchedule) Next(prev time.Time) time.Time {
	if now := c.clock.Now(); now.After(prev) {
		prev = now
	}
	return prev.Add(c.every)
}
