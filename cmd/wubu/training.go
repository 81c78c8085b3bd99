package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/jobs"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// trainingUser issues the assessments whose time has come.
var trainingUser = &wubu.User{Login: "system:training", Name: "Training", Role: wubu.RoleAdmin, Post: wubu.PostNone}

// withTraining runs the proactive rules, then issues the assessments whose
// plan's time has come (monthly by default, issue 16) on the same periodic
// job.
type withTraining struct {
	rules    jobs.RulesRunner
	training *sqlstore.TrainingService
	logger   *slog.Logger
}

// RunDue implements jobs.RulesRunner.
func (w withTraining) RunDue(ctx context.Context, now time.Time) (sqlstore.RulesResult, error) {
	res, err := w.rules.RunDue(ctx, now)
	if err != nil {
		return res, err
	}
	n, err := w.training.IssueDue(wubu.NewContextWithUser(ctx, trainingUser))
	if n > 0 {
		w.logger.Info("assessments issued", "count", n)
	}
	return res, err
}
