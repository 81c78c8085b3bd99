// Package secret seals residents' ID numbers at rest (issue 12, item 8):
// AES-256-GCM with a key from WUBU_SECRET_KEY or from a key file in the
// data directory, and a keyed hash (HMAC-SHA256) of the normalised number
// for equality look-ups. A sealed value names the key that sealed it, so
// keys can be rotated: the first key of a keyring seals, every key opens.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// KeySize is the size of a key: AES-256.
const KeySize = 32

// Prefix starts every sealed value: "wk1:" + key ID + ":" + base64 of the
// nonce and the ciphertext.
const Prefix = "wk1:"

// key is one key with what is derived from it once: its ID, its AEAD, the
// key of its hashes, and its check value.
type key struct {
	id    string
	aead  cipher.AEAD
	mac   []byte
	check string
	raw   []byte
	// hmacs keeps hash functions for reuse: making one costs more than
	// using it.
	hmacs sync.Pool
}

// Keyring holds the installation's keys: the first is current (it seals
// and hashes new values), the others open what they sealed.
type Keyring struct {
	keys []*key
	byID map[string]*key
}

// derive returns HMAC-SHA256(raw, label): the keys and values derived
// from a key, one label each.
func derive(raw []byte, label string) []byte {
	m := hmac.New(sha256.New, raw)
	m.Write([]byte(label))
	return m.Sum(nil)
}

func newKey(raw []byte) (*key, error) {
	if len(raw) != KeySize {
		return nil, fmt.Errorf("a key is %d bytes, not %d", KeySize, len(raw))
	}
	block, err := aes.NewCipher(derive(raw, "wubu aes-256-gcm"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	k := &key{
		id:    hex.EncodeToString(derive(raw, "wubu key id")[:6]),
		aead:  aead,
		mac:   derive(raw, "wubu id hash"),
		check: hex.EncodeToString(derive(raw, "wubu key check")[:16]),
		raw:   append([]byte(nil), raw...),
	}
	k.hmacs.New = func() any { return hmac.New(sha256.New, k.mac) }
	return k, nil
}

// New returns a keyring of raw keys, the first current.
func New(raw ...[]byte) (*Keyring, error) {
	if len(raw) == 0 {
		return nil, errors.New("no key")
	}
	r := &Keyring{byID: map[string]*key{}}
	for _, b := range raw {
		k, err := newKey(b)
		if err != nil {
			return nil, err
		}
		if r.byID[k.id] != nil {
			continue
		}
		r.keys = append(r.keys, k)
		r.byID[k.id] = k
	}
	return r, nil
}

// Generate returns a new random key.
func Generate() []byte {
	b := make([]byte, KeySize)
	rand.Read(b) // never fails (crypto/rand)
	return b
}

// Encode writes a key as WUBU_SECRET_KEY and the key file take it: base64.
func Encode(raw []byte) string { return base64.StdEncoding.EncodeToString(raw) }

// ParseKey reads one key written in base64 (standard or URL alphabet) or
// hex, of 32 bytes.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) == 2*KeySize {
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != KeySize {
				return nil, fmt.Errorf("the key is %d bytes, not %d: make one with \"wubu keys new\"", len(b), KeySize)
			}
			return b, nil
		}
	}
	return nil, fmt.Errorf("the key is neither base64 nor hex of %d bytes: make one with \"wubu keys new\"", KeySize)
}

// Parse reads a keyring written as keys separated by commas or lines,
// current first; lines starting with # are comments.
func Parse(s string) (*Keyring, error) {
	var raw [][]byte
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, k := range strings.Split(line, ",") {
			if k = strings.TrimSpace(k); k == "" {
				continue
			}
			b, err := ParseKey(k)
			if err != nil {
				return nil, err
			}
			raw = append(raw, b)
		}
	}
	if len(raw) == 0 {
		return nil, errors.New("no key given")
	}
	return New(raw...)
}

// CurrentID returns the ID of the current key.
func (r *Keyring) CurrentID() string { return r.keys[0].id }

// IDs returns the IDs of the keys, current first.
func (r *Keyring) IDs() []string {
	out := make([]string, len(r.keys))
	for i, k := range r.keys {
		out[i] = k.id
	}
	return out
}

// Check returns the check value of the key of the ID: an HMAC of a
// constant, stored in the database so that a wrong key is refused before
// it opens anything. It reports false if the keyring has no such key.
func (r *Keyring) Check(id string) (string, bool) {
	k := r.byID[id]
	if k == nil {
		return "", false
	}
	return k.check, true
}

// Has reports whether the keyring holds the key of the ID.
func (r *Keyring) Has(id string) bool { return r.byID[id] != nil }

// Seal encrypts s with the current key; the empty string stays empty.
func (r *Keyring) Seal(s string) string {
	if s == "" {
		return ""
	}
	k := r.keys[0]
	buf := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(s)+k.aead.Overhead())
	rand.Read(buf)
	buf = k.aead.Seal(buf, buf, []byte(s), []byte(k.id))
	return Prefix + k.id + ":" + base64.RawStdEncoding.EncodeToString(buf)
}

// IsSealed reports whether s is a sealed value.
func IsSealed(s string) bool { return strings.HasPrefix(s, Prefix) }

// KeyID returns the ID of the key that sealed s ("" if s is not sealed).
func KeyID(s string) string {
	rest, ok := strings.CutPrefix(s, Prefix)
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, ":")
	return id
}

// ErrNoKey is returned by Open for a value sealed with a key the keyring
// does not hold.
var ErrNoKey = errors.New("the value is sealed with a key that is not available")

// Open decrypts a sealed value. The empty string stays empty; a value
// that is not sealed (written before encryption) is returned as it is.
func (r *Keyring) Open(s string) (string, error) {
	if !IsSealed(s) {
		return s, nil
	}
	id := KeyID(s)
	k := r.byID[id]
	if k == nil {
		return "", fmt.Errorf("key %s: %w", id, ErrNoKey)
	}
	b, err := base64.RawStdEncoding.DecodeString(s[len(Prefix)+len(id)+1:])
	if err != nil || len(b) < k.aead.NonceSize() {
		return "", fmt.Errorf("sealed value is damaged")
	}
	n := k.aead.NonceSize()
	plain, err := k.aead.Open(nil, b[:n], b[n:], []byte(k.id))
	if err != nil {
		return "", fmt.Errorf("sealed value does not open with key %s: damaged or forged", id)
	}
	return string(plain), nil
}

// Normalize puts an ID number in the form that is hashed: trimmed, with an
// upper-case X.
func Normalize(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// Hash returns the keyed hash of an ID number under the current key, for
// equality look-ups (hex, 32 characters); the empty string stays empty.
func (r *Keyring) Hash(s string) string { return r.keys[0].hash(s) }

// Hashes returns the keyed hashes of an ID number under every key, current
// first: a look-up matches rows sealed with any key (during a rotation).
func (r *Keyring) Hashes(s string) []string {
	out := make([]string, len(r.keys))
	for i, k := range r.keys {
		out[i] = k.hash(s)
	}
	return out
}

func (k *key) hash(s string) string {
	s = Normalize(s)
	if s == "" {
		return ""
	}
	m := k.hmacs.Get().(interface {
		Write([]byte) (int, error)
		Sum([]byte) []byte
		Reset()
	})
	m.Reset()
	m.Write([]byte(s))
	var sum [sha256.Size]byte
	out := hex.EncodeToString(m.Sum(sum[:0])[:16])
	k.hmacs.Put(m)
	return out
}

// File writes the keyring as a key file: one base64 key a line, current
// first.
func (r *Keyring) File() []byte {
	var b strings.Builder
	b.WriteString("# Wubu's keys for residents' ID numbers: the first seals, all open.\n# Keep this file apart from the backups. Losing it loses the ID numbers.\n")
	for _, k := range r.keys {
		b.WriteString(Encode(k.raw) + "\n")
	}
	return []byte(b.String())
}

// WithNewKey returns a keyring with a new random key current and r's keys
// kept for opening.
func (r *Keyring) WithNewKey() *Keyring {
	raw := [][]byte{Generate()}
	for _, k := range r.keys {
		raw = append(raw, k.raw)
	}
	n, _ := New(raw...)
	return n
}
