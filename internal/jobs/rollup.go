package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// RollupRunner keeps the daily roll-ups (sqlstore.RollupService): each run
// recomputes every project's days since its last run through today, so
// that a run late, twice or on another process changes nothing.
type RollupRunner interface {
	RollUp(ctx context.Context, now time.Time) error
}

// RollupArgs is the periodic job that rolls the figures up.
type RollupArgs struct{}

// Kind implements river.JobArgs.
func (RollupArgs) Kind() string { return "wubu.rollup" }

// InsertOpts implements river.JobArgsWithInsertOpts. A failed run is not
// retried: the next period rolls the same days up again.
func (RollupArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueClocks, MaxAttempts: 1}
}

// rollupWorker runs Config.Rollups.
type rollupWorker struct {
	river.WorkerDefaults[RollupArgs]
	s *Scheduler
}

// Timeout lets a run take as long as the rules may: the first run of a
// large company rolls a year up.
func (w *rollupWorker) Timeout(*river.Job[RollupArgs]) time.Duration { return rulesTimeout }

// Work rolls the figures up as of the scheduler's clock.
func (w *rollupWorker) Work(ctx context.Context, job *river.Job[RollupArgs]) error {
	if w.s.cfg.Rollups == nil {
		return nil
	}
	if err := w.s.cfg.Rollups.RollUp(ctx, w.s.clock.Now()); err != nil {
		return fmt.Errorf("roll up: %w", err)
	}
	return nil
}

// rollupInterval is how often the figures are rolled up unless
// Config.RollupInterval says otherwise: the steps keep today's figures
// current themselves; the job catches what changed without a step and
// moves the days on.
const rollupInterval = 10 * time.Minute

// rollupPeriodicJob is the periodic job of the roll-ups, counted on the
// scheduler's clock.
func (s *Scheduler) rollupPeriodicJob() *river.PeriodicJob {
	every := s.cfg.RollupInterval
	if every <= 0 {
		every = rollupInterval
	}
	return river.NewPeriodicJob(
		clockSchedule{clock: s.clock, every: every},
		func() (river.JobArgs, *river.InsertOpts) { return RollupArgs{}, nil },
		&river.PeriodicJobOpts{ID: "wubu.rollup", RunOnStart: true},
	)
}
