package secret

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// EnvVar names the environment variable that holds the keys (current
// first, separated by commas); when set, no key file is read or made.
const EnvVar = "WUBU_SECRET_KEY"

// FileName is the key file's name in the data directory.
const FileName = "wubu.key"

// ErrNoKeyFile is returned by Load when neither WUBU_SECRET_KEY nor the
// key file is there and it is not to be made.
var ErrNoKeyFile = errors.New("no key")

// Source says where a keyring came from, for messages.
type Source struct {
	// Env reports that the keys came from WUBU_SECRET_KEY.
	Env bool
	// File is the key file (from the data directory), read or made.
	File string
	// Created reports that the key file was made just now.
	Created bool
}

func (s Source) String() string {
	if s.Env {
		return EnvVar
	}
	return s.File
}

// Load returns the installation's keys: from WUBU_SECRET_KEY if it is set
// (refused if malformed), else from the key file in dir (none if dir is
// ""), which is made with a new random key (mode 0600) if it is missing
// and create is true.
func Load(dir string, create bool) (*Keyring, Source, error) {
	if v, ok := os.LookupEnv(EnvVar); ok && v != "" {
		r, err := Parse(v)
		if err != nil {
			return nil, Source{Env: true}, fmt.Errorf("%s: %w", EnvVar, err)
		}
		return r, Source{Env: true}, nil
	}
	if dir == "" {
		return nil, Source{}, fmt.Errorf("%w: set %s or name the data directory", ErrNoKeyFile, EnvVar)
	}
	src := Source{File: filepath.Join(dir, FileName)}
	b, err := os.ReadFile(src.File)
	if errors.Is(err, fs.ErrNotExist) {
		if !create {
			return nil, src, fmt.Errorf("%w: set %s or put the key file at %s", ErrNoKeyFile, EnvVar, src.File)
		}
		r, _ := New(Generate())
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, src, err
		}
		f, err := os.OpenFile(src.File, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, src, fmt.Errorf("create key file: %w", err)
		}
		if _, err := f.Write(r.File()); err != nil {
			f.Close()
			return nil, src, fmt.Errorf("write key file: %w", err)
		}
		if err := f.Close(); err != nil {
			return nil, src, fmt.Errorf("write key file: %w", err)
		}
		src.Created = true
		return r, src, nil
	} else if err != nil {
		return nil, src, fmt.Errorf("read key file: %w", err)
	}
	r, err := Parse(string(b))
	if err != nil {
		return nil, src, fmt.Errorf("key file %s: %w", src.File, err)
	}
	return r, src, nil
}

// Save replaces the key file at path with the keyring (mode 0600),
// atomically: a crash leaves the old file or the new one.
func Save(path string, r *Keyring) error {
	tmp := path + ".new"
	os.Remove(tmp)
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(r.File()); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// TestKey is the fixed key of tests: never use it for real data.
var TestKey = []byte("wubu-test-key-never-use-for-real")

// ForTests returns a keyring of the fixed test key.
func ForTests() *Keyring {
	r, _ := New(TestKey)
	return r
}
