package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// auditSealEvery is how often a running server chains new audit entries.
const auditSealEvery = 10 * time.Second

// sealAudit chains new audit entries until ctx ends.
func sealAudit(ctx context.Context, db *sqlstore.DB, logger *slog.Logger) {
	t := time.NewTicker(auditSealEvery)
	defer t.Stop()
	for {
		if _, err := db.SealAllAudit(ctx); err != nil && ctx.Err() == nil {
			logger.Error("seal audit log", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// purgeEvery is how often a running server purges what has passed its
// retention (wubu.RetentionSettings).
const purgeEvery = 24 * time.Hour

// purgeDaily runs the retention purge at start and then daily until ctx
// ends.
func purgeDaily(ctx context.Context, db *sqlstore.DB, logger *slog.Logger) {
	t := time.NewTicker(purgeEvery)
	defer t.Stop()
	for {
		if res, err := sqlstore.NewRetentionService(db).Purge(ctx); err != nil && ctx.Err() == nil {
			logger.Error("retention purge", "err", err)
		} else if err == nil {
			logger.Info("retention purge", "persons_erased", res.PersonsErased, "messages_emptied", res.MessagesEmptied, "sign_ins_deleted", res.SignInsDeleted, "audit_purged", res.AuditPurged)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// brokenAuditError is the answer of "wubu audit verify" for a broken
// chain: exit status 2.
type brokenAuditError struct{ msg string }

func (e brokenAuditError) Error() string { return e.msg }

func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	verify := len(args) > 0 && args[0] == "verify"
	if verify {
		args = args[1:]
	}
	var cfg Config
	fs := newFlags("audit verify", "audit verify [--db DSN] [--data DIR] [--seal]", &cfg, stderr)
	seal := fs.Bool("seal", false, "chain the entries not yet sealed before verifying (a running server does so every few seconds)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !verify && fs.Arg(0) == "verify" { // flags before the subcommand
		verify = true
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return err
		}
	}
	if !verify || fs.NArg() > 0 {
		fs.Usage()
		return usageError{"wubu audit: the command is \"wubu audit verify\""}
	}
	m := &Main{Config: cfg}
	if err := m.Open(ctx); err != nil {
		return err
	}
	defer m.Close()
	if *seal {
		if _, err := m.DB.SealAllAudit(ctx); err != nil {
			return err
		}
	}
	v, err := m.DB.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if !v.Intact() {
		return brokenAuditError{fmt.Sprintf("audit log broken at link %d, entry %d: %s (%d links before it hold)", v.BrokenAt, v.BrokenEntry, v.Broken, v.Sealed)}
	}
	fmt.Fprintf(stdout, "Audit log intact: %d links from %d to %d, head %s.\n", v.Sealed, v.From, v.HeadSeq, v.HeadHash)
	if v.Unsealed > 0 {
		fmt.Fprintf(stdout, "%d entries not sealed yet (run with --seal, or let the server seal them).\n", v.Unsealed)
	}
	return nil
}
