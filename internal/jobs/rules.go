package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// RulesRunner runs the proactive rules (sqlstore.RulesEngine): card-expiry,
// special-day and care-visit reminders, and festival campaigns whose time
// has come. Every run is idempotent (dedup keys), so the periodic job may
// run late, twice, or on another process without sending anything twice.
type RulesRunner interface {
	RunDue(ctx context.Context, now time.Time) (sqlstore.RulesResult, error)
}

// RulesArgs is the periodic job that runs the rules.
type RulesArgs struct{}

// Kind implements river.JobArgs.
func (RulesArgs) Kind() string { return "wubu.rules" }

// InsertOpts implements river.JobArgsWithInsertOpts. A failed run is not
// retried: the next period runs the rules again.
func (RulesArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueClocks, MaxAttempts: 1}
}

// rulesWorker runs the rules engine of Config.Rules.
type rulesWorker struct {
	river.WorkerDefaults[RulesArgs]
	s *Scheduler
}

// Timeout lets a run of the rules take longer than a clock stage: a
// festival campaign to a million residents is built and queued in about a
// minute.
func (w *rulesWorker) Timeout(*river.Job[RulesArgs]) time.Duration { return rulesTimeout }

// rulesTimeout is the longest a run of the rules may take.
const rulesTimeout = 10 * time.Minute

// Work runs the rules as of the scheduler's clock.
func (w *rulesWorker) Work(ctx context.Context, job *river.Job[RulesArgs]) error {
	if w.s.cfg.Rules == nil {
		return nil
	}
	res, err := w.s.cfg.Rules.RunDue(ctx, w.s.clock.Now())
	if err != nil {
		return fmt.Errorf("run rules: %w", err)
	}
	if res != (sqlstore.RulesResult{}) {
		w.s.cfg.Logger.Info("rules", "cards", res.CardReminders, "special_days", res.SpecialDayReminders,
			"care_overdue", res.CareOverdue, "care_escalated", res.CareEscalated, "campaigns", res.Campaigns, "worker_ids_purged", res.WorkerIDsPurged)
	}
	return nil
}

// rulesInterval is how often the rules run unless Config.RulesInterval says
// otherwise.
const rulesInterval = time.Minute

// rulesPeriodicJob is the periodic job of the rules, counted on the
// scheduler's clock (see clockSchedule).
func (s *Scheduler) rulesPeriodicJob() *river.PeriodicJob {
	every := s.cfg.RulesInterval
	if every <= 0 {
		every = rulesInterval
	}
	return river.NewPeriodicJob(
		clockSchedule{clock: s.clock, every: every},
		func() (river.JobArgs, *river.InsertOpts) { return RulesArgs{}, nil },
		&river.PeriodicJobOpts{ID: "wubu.rules", RunOnStart: true},
	)
}
