package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/wubu-oss/wubu/internal/secret"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

const keysUsage = `Usage: wubu keys new|status|rotate|reencrypt [--db DSN] [--data DIR]

The keys that seal residents' ID numbers: WUBU_SECRET_KEY (keys in base64 or
hex, current first, separated by commas) or the key file wubu.key in the data
directory, made on first start. Stop the server before rotate or reencrypt.

  new        print a new random key, for WUBU_SECRET_KEY
  status     the keys at hand and the keys the database's values are sealed with
  rotate     put a new key first in the key file (the old ones kept for
             reading) and seal every ID number again with it
  reencrypt  seal every ID number again with the current key: after a new
             key was put first in WUBU_SECRET_KEY, or an interrupted rotate
`

// cmdKeys makes, rotates and applies the keys of residents' ID numbers.
func cmdKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, keysUsage)
		return usageError{"wubu keys: say new, status, rotate or reencrypt"}
	}
	sub, args := args[0], args[1:]
	var cfg Config
	fs := newFlags("keys "+sub, "keys "+sub+" [--db DSN] [--data DIR]", &cfg, stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch sub {
	case "new":
		fmt.Fprintln(stdout, secret.Encode(secret.Generate()))
		return nil
	case "status", "rotate", "reencrypt":
	default:
		fmt.Fprint(stderr, keysUsage)
		return usageError{fmt.Sprintf("wubu keys: unknown command %q", sub)}
	}
	keys, src, err := secret.Load(cfg.KeyDir(), false)
	if err != nil {
		return usageError{err.Error()}
	}
	if sub == "rotate" && src.Env {
		return usageError{"the keys come from " + secret.EnvVar + ", which wubu cannot change: make a key with \"wubu keys new\", put it first in " + secret.EnvVar + " (new,old), then run \"wubu keys reencrypt\""}
	}
	db, err := sqlstore.Open(cfg.DSN())
	if err != nil {
		return err
	}
	defer db.Close()
	if sub == "status" {
		return keysStatus(ctx, db, keys, src, stdout)
	}
	// The keys at hand must open the database before a new one is made.
	db.SetKeys(keys, src.String())
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	if sub == "rotate" {
		keys = keys.WithNewKey()
		if err := secret.Save(src.File, keys); err != nil {
			return fmt.Errorf("write key file: %w", err)
		}
		fmt.Fprintf(stdout, "New key %s is current in %s; the old keys are kept for reading.\n", keys.CurrentID(), src.File)
		db.SetKeys(keys, src.String())
		if err := db.Migrate(ctx); err != nil {
			return err
		}
	}
	n, err := db.ReencryptIDNumbers(systemContext(ctx))
	if err != nil {
		if errors.Is(err, secret.ErrNoKey) {
			return usageError{err.Error()}
		}
		return err
	}
	fmt.Fprintf(stdout, "%d ID numbers sealed again with key %s; the database needs no other key now.\n", n, keys.CurrentID())
	return nil
}

// keysStatus prints the keys at hand and the database's use of keys.
func keysStatus(ctx context.Context, db *sqlstore.DB, keys *secret.Keyring, src secret.Source, stdout io.Writer) error {
	fmt.Fprintf(stdout, "Keys of %s (current first): %s\n", src, strings.Join(keys.IDs(), ", "))
	uses, err := db.KeysInUse(ctx)
	if err != nil {
		return err
	}
	for _, u := range uses {
		state := "at hand"
		switch {
		case u.KeyID == "":
			state = "in clear: sealed at the next start"
		case !keys.Has(u.KeyID):
			state = "MISSING: the server will not start without it"
		}
		recorded := ""
		if u.Recorded {
			recorded = ", recorded"
		}
		fmt.Fprintf(stdout, "  %-14s %7d values%s (%s)\n", cmp.Or(u.KeyID, "none"), u.Values, recorded, state)
	}
	return nil
}
