package secret_test

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu/internal/secret"
)

// TestSealOpen seals and opens with the current key and the old ones, and
// refuses a forged or foreign value.
func TestSealOpen(t *testing.T) {
	old := secret.ForTests()
	sealed := old.Seal("11010519491231002X")
	if !strings.HasPrefix(sealed, secret.Prefix+old.CurrentID()+":") || strings.Contains(sealed, "1101051949") {
		t.Fatalf("sealed as %q", sealed)
	}
	if again := old.Seal("11010519491231002X"); again == sealed {
		t.Error("two seals of one value are equal: the nonce is not random")
	}
	rotated := old.WithNewKey()
	if got, err := rotated.Open(sealed); err != nil || got != "11010519491231002X" {
		t.Fatalf("old value with the rotated keys: %q %v", got, err)
	}
	if secret.KeyID(rotated.Seal("x")) != rotated.CurrentID() || rotated.CurrentID() == old.CurrentID() {
		t.Error("the rotated keys do not seal with the new key")
	}
	other, _ := secret.New(secret.Generate())
	if _, err := other.Open(sealed); err == nil {
		t.Error("another key opened the value")
	}
	forged := sealed[:len(sealed)-2] + "AA"
	if _, err := old.Open(forged); err == nil {
		t.Error("a forged value opened")
	}
	if got, _ := old.Open(""); got != "" || old.Seal("") != "" {
		t.Error("the empty string is not kept empty")
	}
}

// TestHash normalises (spaces, lower-case x) and differs by key.
func TestHash(t *testing.T) {
	k := secret.ForTests()
	if k.Hash(" 11010519491231002x ") != k.Hash("11010519491231002X") || len(k.Hash("1")) != 32 {
		t.Error("hash not normalised")
	}
	r := k.WithNewKey()
	hs := r.Hashes("11010519491231002X")
	if len(hs) != 2 || hs[1] != k.Hash("11010519491231002X") || hs[0] == hs[1] {
		t.Errorf("got %v", hs)
	}
}

// TestParseKey reads base64 and hex keys and refuses others clearly.
func TestParseKey(t *testing.T) {
	raw := secret.Generate()
	for _, s := range []string{secret.Encode(raw), hex.EncodeToString(raw), " " + secret.Encode(raw) + "\n"} {
		if b, err := secret.ParseKey(s); err != nil || string(b) != string(raw) {
			t.Errorf("%q: %v", s, err)
		}
	}
	for s, want := range map[string]string{"": "0 bytes, not 32", "abc!": "neither", secret.Encode(raw[:16]): "16 bytes, not 32"} {
		if _, err := secret.ParseKey(s); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", s, err, want)
		}
	}
	r, err := secret.Parse(secret.Encode(secret.Generate()) + "," + secret.Encode(raw))
	if err != nil || len(r.IDs()) != 2 {
		t.Fatalf("two keys: %v %v", r, err)
	}
}

// TestLoad makes the key file once (0600), reads it back, and prefers
// WUBU_SECRET_KEY.
func TestLoad(t *testing.T) {
	t.Setenv(secret.EnvVar, "")
	dir := filepath.Join(t.TempDir(), "data")
	if _, _, err := secret.Load(dir, false); err == nil || !strings.Contains(err.Error(), secret.EnvVar) {
		t.Fatalf("no key, not to be made: got %v", err)
	}
	made, src, err := secret.Load(dir, true)
	if err != nil || !src.Created {
		t.Fatal(src, err)
	}
	if fi, err := os.Stat(src.File); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file %v %v", fi, err)
	}
	read, src, err := secret.Load(dir, true)
	if err != nil || src.Created || read.CurrentID() != made.CurrentID() {
		t.Fatalf("read back: %v %v %v", src, err, read)
	}
	if err := secret.Save(src.File, read.WithNewKey()); err != nil {
		t.Fatal(err)
	}
	if r, _, err := secret.Load(dir, false); err != nil || len(r.IDs()) != 2 || r.IDs()[1] != made.CurrentID() {
		t.Fatalf("saved: %v %v", r, err)
	}
	t.Setenv(secret.EnvVar, secret.Encode(secret.TestKey))
	if r, src, err := secret.Load(dir, false); err != nil || !src.Env || r.CurrentID() != secret.ForTests().CurrentID() {
		t.Fatalf("environment: %v %v", src, err)
	}
}

// BenchmarkSealAndHash is what storing one ID number costs.
func BenchmarkSealAndHash(b *testing.B) {
	k := secret.ForTests()
	for b.Loop() {
		k.Seal("11010519491231002X")
		k.Hash("11010519491231002X")
	}
}

// BenchmarkOpen is what reading one ID number costs.
func BenchmarkOpen(b *testing.B) {
	k := secret.ForTests()
	s := k.Seal("11010519491231002X")
	for b.Loop() {
		k.Open(s)
	}
}
