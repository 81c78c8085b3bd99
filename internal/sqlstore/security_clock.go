package sqlstore

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/wubu-oss/wubu"
)

// The SLA clocks of the security post's objects (passes, tenant
// registrations, incidents, hazards, patrol runs) change in the object's own
// transaction when the clock service is this store's, as an order's does
// (order_clock.go): the object's step and its clock are committed together,
// with the first stage's job when the job queue can join the transaction, or
// neither is. With another wubu.ClockService the clock changes just after
// the commit, and a failure is logged.

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
// commits tx, the step's transaction. It returns the deadline each change
// left, in order: the one armed, or the one stopped (nil when none was
// running, or when the change could not be made in tx and was made after
// the commit).
func commitClocks(ctx context.Context, tx *Tx, clocks wubu.ClockService, changes ...clockChange) ([]*wubu.Deadline, error) {
	out := make([]*wubu.Deadline, len(changes))
	store, ok := clocks.(*ClockService)
	if !ok || store == nil || store.db != tx.db {
		if err := tx.Commit(); err != nil {
			return nil, err
		}
		if clocks != nil {
			for i, c := range changes {
				out[i] = clockAfter(ctx, clocks, c)
			}
		}
		return out, nil
	}
	var jobs []StageJob
	for i, c := range changes {
		if c.arm != nil {
			ds, js, err := store.armTx(ctx, tx, []wubu.ArmRequest{*c.arm}, c.rearm)
			if c.rearm && wubu.ErrorCode(err) == wubu.ENOTFOUND {
				ds, js, err = store.armTx(ctx, tx, []wubu.ArmRequest{*c.arm}, false)
			}
			if err != nil {
				return nil, fmt.Errorf("arm %s clock: %w", c.arm.ObjectType, err)
			}
			out[i], jobs = ds[0], append(jobs, js...)
			continue
		}
		d, err := store.stopTx(ctx, tx, c.stop, c.cancel)
		switch wubu.ErrorCode(err) {
		case "":
			out[i] = d
		case wubu.ENOTFOUND, wubu.ECONFLICT:
		default:
			return nil, fmt.Errorf("stop %s clock: %w", c.stop.ObjectType, err)
		}
	}
	if err := store.commitWithJobs(ctx, tx, jobs); err != nil {
		return nil, err
	}
	return out, nil
}

// clockAfter makes a clock change on another clock service after the
// step's commit; the step stands whatever happens, and a failure is logged.
func clockAfter(ctx context.Context, clocks wubu.ClockService, c clockChange) *wubu.Deadline {
	var d *wubu.Deadline
	var err error
	switch {
	case c.arm != nil && c.rearm:
		d, err = clocks.Rearm(ctx, *c.arm)
		if wubu.ErrorCode(err) == wubu.ENOTFOUND {
			d, err = clocks.Arm(ctx, *c.arm)
		}
	case c.arm != nil:
		d, err = clocks.Arm(ctx, *c.arm)
	case c.cancel:
		d, err = clocks.Cancel(ctx, c.stop)
	default:
		d, err = clocks.Disarm(ctx, c.stop)
	}
	if err == nil {
		return d
	}
	if code := wubu.ErrorCode(err); c.arm != nil || code != wubu.ENOTFOUND && code != wubu.ECONFLICT {
		key := c.stop
		if c.arm != nil {
			key = c.arm.DeadlineKey
		}
		slog.Default().Error("security clock not changed", "object", key.ObjectType, "id", key.ObjectID, "kind", key.Kind, "err", err)
	}
	return nil
}
