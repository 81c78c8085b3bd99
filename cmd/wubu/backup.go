package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/wubu-oss/wubu/internal/secret"
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
	// The keys of the residents' ID numbers are never in a backup: they
	// come from WUBU_SECRET_KEY or the key file put in the data directory.
	keys, src, err := secret.Load(cfg.KeyDir(), false)
	if err != nil && !errors.Is(err, secret.ErrNoKeyFile) {
		return usageError{err.Error()}
	}
	if err := sqlstore.Restore(ctx, cfg.DSN(), fs.Arg(0), keys, src.String()); err != nil {
		return usageError{err.Error()}
	}
	fmt.Fprintf(stdout, "Restored %s into %s. Check it with \"wubu audit verify\", then serve.\n", fs.Arg(0), cfg.DSN())
	return nil
}

// BackupConfig is the server's scheduled backup: a copy a day into Dir,
// the newest Keep kept.
type BackupConfig struct {
	Dir  string
	Keep int
}

// addBackupFlags binds the scheduled backup's flags to c.
func addBackupFlags(fs *flag.FlagSet, c *BackupConfig) {
	fs.StringVar(&c.Dir, "backup-dir", envOr("WUBU_BACKUP_DIR", ""), "write a backup a day into this `directory` (none: no scheduled backup) [WUBU_BACKUP_DIR]")
	fs.IntVar(&c.Keep, "backup-keep", envInt("WUBU_BACKUP_KEEP", 14), "how many daily backups to keep [WUBU_BACKUP_KEEP]")
}

// backupPrefix starts the name of every scheduled backup; only files so
// named are ever deleted.
const backupPrefix = "wubu-backup-"

// dailyBackup writes today's backup into dir unless it exists (the day by
// the database's clock, China time) and deletes all but the newest keep.
// It returns the file written ("" if today's was there).
func dailyBackup(ctx context.Context, db *sqlstore.DB, dir string, keep int) (string, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	day := db.Clock.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	ext := ".db"
	if db.Dialect == sqlstore.Postgres {
		ext = ".dump"
	}
	file := filepath.Join(dir, backupPrefix+day+ext)
	written := ""
	if _, err := os.Stat(file); errors.Is(err, os.ErrNotExist) {
		if err := db.Backup(ctx, file); err != nil {
			return "", err
		}
		written = file
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return written, err
	}
	var backups []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), backupPrefix) && !strings.HasSuffix(e.Name(), ".part") {
			backups = append(backups, e.Name())
		}
	}
	slices.Sort(backups) // by date: the names carry it
	for len(backups) > max(keep, 1) {
		if err := os.Remove(filepath.Join(dir, backups[0])); err != nil {
			return written, err
		}
		backups = backups[1:]
	}
	return written, nil
}

// backupDaily runs dailyBackup at start and then every hour (writing
// once a day) until ctx ends.
func backupDaily(ctx context.Context, db *sqlstore.DB, c BackupConfig, logger *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if file, err := dailyBackup(ctx, db, c.Dir, c.Keep); err != nil && ctx.Err() == nil {
			logger.Error("scheduled backup", "err", err)
		} else if file != "" {
			logger.Info("scheduled backup", "file", file)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
