package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/wubu-oss/wubu/internal/seed"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// cmdSeed fills an empty database with the demo company at the size asked
// for, and reports what it wrote, how long it took and the database's size.
func cmdSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlags("seed", "seed [--db DSN] [--data DIR] [--households N] [--seed S] [--activity [--days D]]", &cfg, stderr)
	households := fs.Int("households", seed.DefaultHouseholds, "households (occupied homes) to create; about 20,000 per community")
	seedValue := fs.Uint64("seed", 1, "random `seed`: the same seed and size give the same company")
	activity := fs.Bool("activity", false, "also generate a year of activity (orders, complaints, revisits, passes, patrols, hazards); on an already seeded database, only that")
	days := fs.Int("days", 365, "with --activity: how many `days` of activity")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageError{"seed: unexpected argument " + strconv.Quote(fs.Arg(0))}
	}
	if *households < 0 {
		return usageError{"seed: --households must not be negative"}
	}
	m, err := openForCLI(ctx, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	if *activity {
		seeded, err := sqlstore.NewProjectService(m.DB).FindProjects(seed.SystemContext(ctx))
		if err != nil {
			return err
		}
		if len(seeded) > 0 {
			return seedActivity(ctx, m.DB, *days, *seedValue, stdout, stderr)
		}
	}
	start := time.Now()
	res, err := seed.Seed(ctx, m.DB, seed.Options{Households: *households, Seed: *seedValue, Progress: func(n int) {
		if n%100000 == 0 {
			fmt.Fprintf(stderr, "  %s households (%s)\n", thousands(int64(n)), time.Since(start).Round(time.Second))
		}
	}})
	if err != nil {
		return err
	}
	took := time.Since(start)
	size, err := m.DB.Size(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Seeded %s (%s): %d projects, %s buildings, %s rooms; %s households, %s residents, %s vehicles, %s cards, %s special days, %s appliances; %d staff accounts (password %s).\n",
		cfg.DSN(), m.DB.Dialect, len(res.Projects), thousands(int64(res.Buildings)), thousands(int64(res.Rooms)),
		thousands(int64(res.Households)), thousands(int64(res.Persons)), thousands(int64(res.Vehicles)), thousands(int64(res.Cards)),
		thousands(int64(res.SpecialDays)), thousands(int64(res.Appliances)), len(res.Logins), seed.Password)
	fmt.Fprintf(stdout, "Took %s; database size %s.\n", took.Round(100*time.Millisecond), megabytes(size))
	if *activity {
		return seedActivity(ctx, m.DB, *days, *seedValue, stdout, stderr)
	}
	return nil
}

// seedActivity generates the activity of the seeded company and reports it.
func seedActivity(ctx context.Context, db *sqlstore.DB, days int, seedValue uint64, stdout, stderr io.Writer) error {
	start := time.Now()
	res, err := seed.Activity(ctx, db, seed.ActivityOptions{Days: days, Seed: seedValue, Progress: func(code string, rows int) {
		fmt.Fprintf(stderr, "  activity %s: %s rows (%s)\n", code, thousands(int64(rows)), time.Since(start).Round(time.Second))
	}})
	if err != nil {
		return err
	}
	took := time.Since(start)
	size, err := db.Size(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Activity of %d days for %s households in %d projects: %s orders, %s complaints, %s revisits, %s passes, %s patrol runs, %s hazards; %s clocks (%s kept, %s kept late, %s broken and open).\n",
		days, thousands(int64(res.Households)), res.Projects, thousands(int64(res.Orders)), thousands(int64(res.Complaints)), thousands(int64(res.Revisits)),
		thousands(int64(res.Passes)), thousands(int64(res.Runs)), thousands(int64(res.Hazards)), thousands(int64(res.Deadlines)),
		thousands(int64(res.DeadlinesMet)), thousands(int64(res.DeadlinesMissed)), thousands(int64(res.BreachedOpen)))
	fmt.Fprintf(stdout, "Took %s (%s rows/s); database size %s.\n", took.Round(100*time.Millisecond), thousands(int64(float64(res.Rows())/took.Seconds())), megabytes(size))
	return nil
}

// thousands writes n with thousands separators: 1,000,000.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// megabytes writes a size in MiB.
func megabytes(n int64) string {
	return fmt.Sprintf("%s MiB", thousands((n+1<<19)>>20))
}
