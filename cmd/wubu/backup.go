package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// cmdBackup writes a consistent copy of the database while the server
// runs: SQLite by VACUUM INTO, PostgreSQL by pg_dump.
func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlags("backup", "backup [--db DSN] [--data DIR] FILE", &cfg, stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError{"wubu backup: name the backup FILE to write"}
	}
	db, err := sqlstore.Open(cfg.DSN())
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, fs.Arg(0)); err != nil {
		if errors.Is(err, sqlstore.ErrNoPgDump) {
			return usageError{err.Error()}
		}
		return err
	}
	fmt.Fprintf(stdout, "Backup of the %s database written to %s.\n", db.Dialect, fs.Arg(0))
	return nil
}

// cmdRestore fills an empty data directory or database from a backup.
func cmdRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlags("restore", "restore [--db DSN] [--data DIR] FILE", &cfg, stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError{"wubu restore: name the backup FILE to restore"}
	}
	if err := sqlstore.Restore(ctx, cfg.DSN(), fs.Arg(0)); err != nil {
		return usageError{err.Error()}
	}
	fmt.Fprintf(stdout, "Restored %s into %s. Check it with \"wubu audit verify\", then serve.\n", fs.Arg(0), cfg.DSN())
	return nil
}
