package wubutest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumPath returns the path of the Chromium binary: $WUBU_CHROMIUM, else
// chromium or chromium-browser on the PATH, else "".
func ChromiumPath() string {
	if p := os.Getenv("WUBU_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// NewBrowser starts a headless Chromium for the test and returns its
// context, with a phone-sized window unless wide is set. The test skips
// when Chromium is missing (and fails when WUBU_REQUIRE_ALL=1).
func NewBrowser(t *testing.T, wide bool) context.Context {
	t.Helper()
	if wide {
		return NewBrowserSize(t, 1280, 900)
	}
	return NewBrowserSize(t, 390, 844)
}

// NewBrowserSize starts a headless Chromium whose window is w × h CSS
// pixels: 360 × 800 is the narrowest phone Wubu supports.
func NewBrowserSize(t *testing.T, w, h int) context.Context {
	t.Helper()
	path := ChromiumPath()
	if path == "" {
		if Required() {
			t.Fatal("WUBU_REQUIRE_ALL=1 but Chromium is not installed: the browser tests would be skipped")
		}
		t.Skip("Chromium not found (install Debian's chromium, or set WUBU_CHROMIUM): skipping the browser test")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "chromium")),
		chromedp.WindowSize(w, h),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// Start the browser without a deadline: a timeout on the first call
	// would kill it. Each later step gets its own.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// stepTimeout bounds one browser step. It is a bound for failing, not a
// condition of passing: a step waits for what it expects on the page, which
// a loaded machine may draw late.
const stepTimeout = time.Minute

// Step runs browser actions with a deadline, failing the test on error.
func Step(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// Get runs one browser action that returns a value, with a deadline.
func Get[T any](t *testing.T, ctx context.Context, what string, action chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(sctx, action)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// Screenshot saves a screenshot of the page into $WUBU_SCREENSHOTS, when
// set, for a person to look at.
func Screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("WUBU_SCREENSHOTS")
	if dir == "" {
		return
	}
	buf := Get(t, ctx, "screenshot", chromedp.CaptureScreenshot())
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}
