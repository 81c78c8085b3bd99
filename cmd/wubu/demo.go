package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/notify"
	"github.com/wubu-oss/wubu/internal/seed"
)

// cmdDemo runs the server on a demo database (demo.db in the data
// directory), filling it with the demo company on first run.
func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlags("demo", "demo [--data DIR] [--addr HOST:PORT] [--households N]", &cfg, stderr)
	fs.StringVar(&cfg.Addr, "addr", envOr("WUBU_ADDR", "127.0.0.1:8080"), "listen `address` [WUBU_ADDR]")
	addHTTPFlags(fs, &cfg.HTTP)
	households := fs.Int("households", seed.DefaultHouseholds, "households to seed on first run")
	addNotifyFlags(fs, &cfg.Notify)
	if err := fs.Parse(args); err != nil {
		return err
	}
	// SMS and e-mail without a configured channel go to the demo sink,
	// listed on each project's "demo SMS and e-mail" page.
	cfg.Notify.DemoSink = &notify.DemoSink{}
	cfg.DBFile = "demo.db"
	m := &Main{Config: cfg, Logger: newLogger(stderr)}
	if err := m.Open(ctx); err != nil {
		return err
	}
	defer m.Close()
	res, err := seed.Seed(ctx, m.DB, seed.Options{Households: *households, Seed: 1})
	switch {
	case wubu.ErrorCode(err) == wubu.ECONFLICT:
		fmt.Fprintf(stdout, "Using the demo database %s (already seeded).\n", cfg.DSN())
	case err != nil:
		return err
	default:
		fmt.Fprintf(stdout, "Seeded the demo company into %s: %d projects, %d rooms, %d households, %d residents, %d staff accounts.\n",
			cfg.DSN(), len(res.Projects), res.Rooms, res.Households, res.Persons, len(res.Logins))
	}
	return m.Run(ctx, func(url string) {
		fmt.Fprintf(stdout, "\nWubu demo is running at %s\n\nSign in with any of these logins; the password of each is %s\n\n", url, seed.Password)
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "LOGIN\tNAME\tROLE\tPOST\tPROJECTS")
		for _, l := range seed.Logins() {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", l.Login, l.Name, l.Role, l.Post, l.Projects)
		}
		tw.Flush()
		fmt.Fprintf(stdout, "\nResidents: sign in at %s/my with %s (侯萍, owner of %s; %s is the room's tenant);\nthe SMS code appears at %s/my/demo-sms.\n",
			url, seed.DemoResidentPhone, seed.DemoResidentRoom, seed.DemoTenantPhone, url)
		fmt.Fprintln(stdout, "\nPress Ctrl+C to stop.")
	})
}
