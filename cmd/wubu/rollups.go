package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// cmdRollups runs "wubu rollups rebuild": every daily roll-up recomputed
// from the raw rows (after a new metric, or to check them).
func cmdRollups(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	rebuild := len(args) > 0 && args[0] == "rebuild"
	if rebuild {
		args = args[1:]
	}
	var cfg Config
	fs := newFlags("rollups rebuild", "rollups rebuild [--db DSN] [--data DIR]", &cfg, stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !rebuild && fs.Arg(0) == "rebuild" { // flags before the subcommand
		rebuild = true
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return err
		}
	}
	if !rebuild || fs.NArg() > 0 {
		fs.Usage()
		return usageError{"wubu rollups: the command is \"wubu rollups rebuild\""}
	}
	m := &Main{Config: cfg, Logger: newLogger(stderr)}
	if err := m.Open(ctx); err != nil {
		return err
	}
	defer m.Close()
	start := time.Now()
	n, err := sqlstore.NewRollupService(m.DB).RebuildCount(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Daily roll-ups rebuilt: %d rows in %s.\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
