package sqlstore

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/wubu-oss/wubu"
)

// The clocks of a life-cycle step (lifecycle.go) change in the step's own
// transaction when the clock service is this store's: the object's step and
// its clocks are committed together, with the first stage's job when the
// job queue can join the transaction, or neither is. With another
// wubu.ClockService the clocks change just after the commit, and a failure
// is logged.

// clockChange is one change of an object's clock made with a step.
type clockChange struct {
	// arm arms the deadline of the request; with rearm, as a new
	// generation of the key's deadline (armed afresh if it has none).
	arm   *wubu.ArmRequest
	rearm bool
	// stop, when arm is nil, is the key of the deadline stopped: disarmed
	// (met or missed), or with cancel cancelled unjudged. A deadline that
	// is missing or no longer running is left as it is.
	stop   wubu.DeadlineKey
	cancel bool
}

func armClock(req wubu.ArmRequest) clockChange   { return clockChange{arm: &req} }
func rearmClock(req wubu.ArmRequest) clockChange { return clockChange{arm: &req, rearm: true} }
func stopClock(key wubu.DeadlineKey) clockChange { return clockChange{stop: key} }
func cancelClock(key wubu.DeadlineKey) clockChange {
	return clockChange{stop: key, cancel: true}
}

// commitClocks makes the clock changes of a step on clocks (nil: none) and
// commits tx, the step's transaction.
func commitClocks(ctx context.Context, tx *Tx, clocks wubu.ClockService, changes ...clockChange) error {
	store, ok := clocks.(*ClockService)
	if !ok || store == nil || store.db != tx.db {
		if err := tx.Commit(); err != nil {
			return err
		}
		if clocks != nil {
			for _, c := range changes {
				clockAfter(ctx, clocks, c)
			}
		}
		return nil
	}
	var jobs []StageJob
	for _, c := range changes {
		if c.arm != nil {
			_, js, err := store.armTx(ctx, tx, []wubu.ArmRequest{*c.arm}, c.rearm)
			if c.rearm && wubu.ErrorCode(err) == wubu.ENOTFOUND {
				_, js, err = store.armTx(ctx, tx, []wubu.ArmRequest{*c.arm}, false)
			}
			if err != nil {
				return fmt.Errorf("arm %s clock: %w", c.arm.ObjectType, err)
			}
			jobs = append(jobs, js...)
			continue
		}
		_, err := store.stopTx(ctx, tx, c.stop, c.cancel)
		switch wubu.ErrorCode(err) {
		case "", wubu.ENOTFOUND, wubu.ECONFLICT:
		default:
			return fmt.Errorf("stop %s clock: %w", c.stop.ObjectType, err)
		}
	}
	return store.commitWithJobs(ctx, tx, jobs)
}

// clockAfter makes a clock change on another clock service after the
// step's commit; the step stands whatever happens, and a failure is logged.
func clockAfter(ctx context.Context, clocks wubu.ClockService, c clockChange) {
	var err error
	switch {
	case c.arm != nil && c.rearm:
		_, err = clocks.Rearm(ctx, *c.arm)
		if wubu.ErrorCode(err) == wubu.ENOTFOUND {
			_, err = clocks.Arm(ctx, *c.arm)
		}
	case c.arm != nil:
		_, err = clocks.Arm(ctx, *c.arm)
	case c.cancel:
		_, err = clocks.Cancel(ctx, c.stop)
	default:
		_, err = clocks.Disarm(ctx, c.stop)
	}
	if err == nil {
		return
	}
	if code := wubu.ErrorCode(err); c.arm != nil || code != wubu.ENOTFOUND && code != wubu.ECONFLICT {
		key := c.stop
		if c.arm != nil {
			key = c.arm.DeadlineKey
		}
		slog.Default().Error("step clock not changed", "object", key.ObjectType, "id", key.ObjectID, "kind", key.Kind, "err", err)
	}
}
