package main

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"strconv"

	"github.com/wubu-oss/wubu/internal/server"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// HTTPConfig is how the server meets the network: its public address,
// the reverse proxies it trusts and its request body limits.
type HTTPConfig struct {
	// PublicURL is the address users open; https:// turns on Secure
	// cookies and HSTS.
	PublicURL string
	// TrustedProxies lists the reverse proxies whose X-Forwarded-For is
	// believed, comma-separated addresses or networks.
	TrustedProxies string
	// MaxBodyKiB limits ordinary request bodies (forms, JSON);
	// MaxUploadMiB multipart uploads. Routes may declare larger ones.
	MaxBodyKiB, MaxUploadMiB int
}

// addHTTPFlags binds the server's network flags to c.
func addHTTPFlags(fs *flag.FlagSet, c *HTTPConfig) {
	fs.StringVar(&c.PublicURL, "public-url", envOr("WUBU_PUBLIC_URL", ""), "public `URL` of the server; https://… sends Secure cookies and HSTS [WUBU_PUBLIC_URL]")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", envOr("WUBU_TRUSTED_PROXIES", ""), "reverse `proxies` whose X-Forwarded-For gives the client address: addresses or networks, comma-separated [WUBU_TRUSTED_PROXIES]")
	fs.IntVar(&c.MaxBodyKiB, "max-body", envInt("WUBU_MAX_BODY_KIB", server.DefaultMaxBody>>10), "largest form or JSON request body, in `KiB` [WUBU_MAX_BODY_KIB]")
	fs.IntVar(&c.MaxUploadMiB, "max-upload", envInt("WUBU_MAX_UPLOAD_MIB", server.DefaultMaxUpload>>20), "largest photo upload request, in `MiB` (each upload has its own limit too) [WUBU_MAX_UPLOAD_MIB]")
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(envOr(name, "")); err == nil {
		return n
	}
	return def
}

// apply configures the server.
func (c HTTPConfig) apply(s *server.Server) error {
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return usageError{fmt.Sprintf("--public-url %q: give the address users open, such as https://wubu.example.com", c.PublicURL)}
		}
		s.Secure = u.Scheme == "https"
	}
	proxies, err := server.ParseTrustedProxies(c.TrustedProxies)
	if err != nil {
		return usageError{"--trusted-proxies: " + err.Error()}
	}
	s.TrustedProxies = proxies
	if c.MaxBodyKiB < 0 || c.MaxUploadMiB < 0 {
		return usageError{"--max-body and --max-upload must be positive"}
	}
	s.MaxBody, s.MaxUpload = int64(c.MaxBodyKiB)<<10, int64(c.MaxUploadMiB)<<20 // 0: the defaults
	return nil
}

// sqliteSyncFlag adds --sqlite-sync: SQLite's synchronous mode, full (the
// default: a committed write survives a power loss) or normal (it survives
// a crash of the process only; faster).
func sqliteSyncFlag(fs *flag.FlagSet) {
	if v := os.Getenv("WUBU_SQLITE_SYNC"); v != "" {
		if err := sqlstore.SetSQLiteSync(v); err != nil {
			fmt.Fprintln(fs.Output(), "WUBU_SQLITE_SYNC:", err)
		}
	}
	fs.Func("sqlite-sync", "SQLite `mode`: full (default; survives power loss) or normal (survives a process crash only) [WUBU_SQLITE_SYNC]", sqlstore.SetSQLiteSync)
}
