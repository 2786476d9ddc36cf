package browsertest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/samvirke/samvirke/internal/server/servertest"
)

// ChromiumPath is the browser the tests drive: Debian's chromium package.
const ChromiumPath = "/usr/bin/chromium"

// Browser is one headless Chromium with one tab, used by one test.
// Its methods are not safe for concurrent use.
type Browser struct {
	ctx     context.Context // the tab; lives until Cleanup or the overall timeout
	step    time.Duration
	checked []string // URLs CheckA11y ran on
}

type browserOptions struct {
	width, height int
	timeout       time.Duration
	step          time.Duration
}

// BrowserOption adjusts NewBrowser.
type BrowserOption func(*browserOptions)

// WithViewport sets the window (and so the viewport) size in CSS pixels;
// the default is 1280×900.
func WithViewport(width, height int) BrowserOption {
	return func(o *browserOptions) { o.width, o.height = width, height }
}

// WithTimeout sets how long the browser may live in all; after it every
// step fails. The default is 3 minutes.
func WithTimeout(d time.Duration) BrowserOption {
	return func(o *browserOptions) { o.timeout = d }
}

// WithStepTimeout sets how long one helper call (Visit, Click, Text …) may
// wait, e.g. for its element to appear; the default is 30 seconds.
func WithStepTimeout(d time.Duration) BrowserOption {
	return func(o *browserOptions) { o.step = d }
}

// NewBrowser launches headless Chromium (ChromiumPath) with a fresh profile
// under tb.TempDir() and opens its tab. When the test ends it saves, if the
// test failed, a full-page screenshot and the HTML of the current page to
// .ci/artifacts/browser/<TestName>-<n>.png/.html and logs their paths; then
// it closes the browser. A missing Chromium fails the test.
func NewBrowser(tb testing.TB, opts ...BrowserOption) *Browser {
	tb.Helper()
	o := browserOptions{width: 1280, height: 900, timeout: 3 * time.Minute, step: 30 * time.Second}
	for _, f := range opts {
		f(&o)
	}
	if _, err := os.Stat(ChromiumPath); err != nil {
		tb.Fatalf("browsertest: %s is missing (%v): the test command .ci/test installs it (apt-get install chromium)", ChromiumPath, err)
	}
	var output servertest.SyncBuffer
	allocOpts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(ChromiumPath),
		chromedp.NoSandbox, // tests may run as root, where the sandbox refuses to start
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(filepath.Join(tb.TempDir(), "chromium-profile")),
		chromedp.WindowSize(o.width, o.height),
		chromedp.CombinedOutput(&output),
	)
	life, cancelLife := context.WithTimeout(context.Background(), o.timeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(life, allocOpts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	b := &Browser{ctx: ctx, step: o.step}
	tb.Cleanup(func() {
		if tb.Failed() {
			b.saveArtifacts(tb)
		}
		cancelTab()
		cancelAlloc()
		cancelLife()
	})
	// The first action starts the browser and binds it to ctx; later steps
	// get their own shorter deadlines from it.
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("browsertest: start %s: %v\n%s", ChromiumPath, err, output.String())
	}
	return b
}

// Context is the tab's context, for chromedp actions the helpers lack:
//
//	v, err := chromedp.Run(b.Context(), chromedp.Evaluate[int](`1 + 1`))
func (b *Browser) Context() context.Context { return b.ctx }

// do runs actions with the step timeout and fails the test on error.
func (b *Browser) do(tb testing.TB, what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.step)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.Fatalf("browsertest: %s: %v", what, b.explain(err))
	}
}

// run runs one action with a value with the step timeout.
func run[T any](tb testing.TB, b *Browser, what string, a chromedp.Action[T]) T {
	tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.step)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tb.Fatalf("browsertest: %s: %v", what, b.explain(err))
	}
	return v
}

func (b *Browser) explain(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		if b.ctx.Err() != nil {
			return fmt.Errorf("%w (the browser's overall timeout ended; see WithTimeout)", err)
		}
		return fmt.Errorf("%w (after %s; is the selector right? see WithStepTimeout)", err, b.step)
	}
	return err
}

// Visit loads u and waits for its load event. It answers the HTTP status
// of the document (so tests can visit error pages too).
func (b *Browser) Visit(tb testing.TB, u string) int {
	tb.Helper()
	resp := run(tb, b, "visit "+u, chromedp.NavigateResponse(u))
	if resp == nil {
		return 0
	}
	return int(resp.Status)
}

// Click clicks the first element matching the CSS selector, waiting for it
// to be visible. It does not wait for a page load: use ClickAndWait for
// links and buttons that navigate.
func (b *Browser) Click(tb testing.TB, selector string) {
	tb.Helper()
	b.do(tb, "click "+selector, chromedp.Click(chromedp.CSS(selector)))
}

// ClickAndWait clicks like Click and waits until the page it leads to has
// loaded; it answers that document's HTTP status.
func (b *Browser) ClickAndWait(tb testing.TB, selector string) int {
	tb.Helper()
	return b.navigation(tb, "click "+selector, chromedp.Click(chromedp.CSS(selector)))
}

// PressEnter moves keyboard focus to the element matching the CSS selector
// and presses Enter, as a keyboard user activates a button or link, and
// waits until the page it leads to has loaded; it answers that document's
// HTTP status.
func (b *Browser) PressEnter(tb testing.TB, selector string) int {
	tb.Helper()
	b.do(tb, "focus "+selector, chromedp.Focus(chromedp.CSS(selector)))
	return b.navigation(tb, "enter on "+selector, chromedp.KeyEvent("\r"))
}

// Fill replaces the value of the input matching the CSS selector with
// text, typed key by key so the page sees input events.
func (b *Browser) Fill(tb testing.TB, selector, text string) {
	tb.Helper()
	sel := chromedp.CSS(selector)
	b.do(tb, "fill "+selector, clearValue(sel), chromedp.SendKeys(sel, text))
}

// clearValue empties the value of the first element matching sel as a user
// deleting it would. (chromedp.SetValue with "" passes no argument to the
// page in v0.23 and so fails; chromedp.Clear only resets the attribute.)
func clearValue(sel chromedp.CSS) chromedp.Action[chromedp.Void] {
	return chromedp.QueryAfter(sel, func(ctx context.Context, t *chromedp.Target, nodes []*chromedp.Node) (chromedp.Void, error) {
		r, err := cdp.Call(ctx, t, dom.ResolveNode, dom.ResolveNodeParams{NodeID: nodes[0].NodeID})
		if err != nil {
			return chromedp.Void{}, err
		}
		defer cdp.Call(ctx, t, runtime.ReleaseObject, runtime.ReleaseObjectParams{ObjectID: r.Object.ObjectID})
		return chromedp.CallFunctionOn[chromedp.Void](`function() {
			this.value = '';
			this.dispatchEvent(new Event('input', {bubbles: true}));
		}`, func(p *runtime.CallFunctionOnParams) { p.ObjectID = r.Object.ObjectID })(ctx, t)
	}, chromedp.NodeVisible)
}

// Submit submits the form matching the CSS selector (or the form of the
// element matching it) and waits for the resulting page to load; it
// answers that document's HTTP status. Like form.submit() it skips the
// form's submit event and validation: to test those, ClickAndWait the
// submit button.
func (b *Browser) Submit(tb testing.TB, selector string) int {
	tb.Helper()
	return b.navigation(tb, "submit "+selector, chromedp.Submit(chromedp.CSS(selector)))
}

func (b *Browser) navigation(tb testing.TB, what string, trigger chromedp.Action[chromedp.Void]) int {
	tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.step)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, trigger)
	if err != nil {
		tb.Fatalf("browsertest: %s: %v (did it navigate?)", what, b.explain(err))
	}
	if resp == nil {
		return 0
	}
	return int(resp.Status)
}

// Text answers the visible text of the first element matching the CSS
// selector, waiting for it to appear.
func (b *Browser) Text(tb testing.TB, selector string) string {
	tb.Helper()
	return run(tb, b, "text of "+selector, chromedp.Text(chromedp.CSS(selector)))
}

// Location answers the URL of the current page.
func (b *Browser) Location(tb testing.TB) string {
	tb.Helper()
	return run(tb, b, "location", chromedp.Location())
}

// SetJavaScript turns the page's JavaScript on or off from the next page
// on, as a user who blocks scripts has it. The helpers (Text, Eval, axe)
// still work: they run from the browser's side.
func (b *Browser) SetJavaScript(tb testing.TB, on bool) {
	tb.Helper()
	b.do(tb, "set JavaScript", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	}))
}

// SetViewport changes the viewport to width×height CSS pixels from now on
// (device scale 1, no touch); reload or visit a page to lay it out anew.
func (b *Browser) SetViewport(tb testing.TB, width, height int) {
	tb.Helper()
	b.do(tb, "set viewport", chromedp.EmulateViewport(int64(width), int64(height)))
}

// Screenshot saves a full-page PNG of the current page at path and answers
// where it went; a relative path is taken under .ci/artifacts/browser.
func (b *Browser) Screenshot(tb testing.TB, path string) string {
	tb.Helper()
	png := run(tb, b, "screenshot", chromedp.FullScreenshot(100))
	if !filepath.IsAbs(path) {
		path = filepath.Join(ArtifactsDir(tb), path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatalf("browsertest: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.Fatalf("browsertest: %v", err)
	}
	return path
}

// SignIn signs in through the form at baseURL/signin (its inputs named
// email and password, its submit button) and waits for the page it leads
// to. It fails the test when the form comes back (wrong password,
// unknown user), quoting the page's error.
func (b *Browser) SignIn(tb testing.TB, baseURL, email, password string) {
	tb.Helper()
	b.Visit(tb, strings.TrimSuffix(baseURL, "/")+"/signin")
	// By name, not id: the ids come from a shared form partial and change.
	b.Fill(tb, `form[action="/signin"] input[name="email"]`, email)
	b.Fill(tb, `form[action="/signin"] input[name="password"]`, password)
	b.ClickAndWait(tb, `form[action="/signin"] button[type="submit"]`)
	loc := b.Location(tb)
	if u, err := url.Parse(loc); err == nil && u.Path == "/signin" {
		msg, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](
			`(document.querySelector('#error-summary, [role=alert]') || document.body).innerText`))
		tb.Fatalf("browsertest: sign-in as %s failed, still on %s: %s", email, loc, strings.TrimSpace(msg))
	}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// saveArtifacts keeps the page the failed test ended on. It must not use
// tb.Fatal: it runs in Cleanup.
func (b *Browser) saveArtifacts(tb testing.TB) {
	if b.ctx.Err() != nil {
		tb.Logf("browsertest: no screenshot: the browser had already stopped (%v)", b.ctx.Err())
		return
	}
	root, err := repoRoot()
	if err != nil {
		tb.Logf("browsertest: no screenshot: %v", err)
		return
	}
	dir := filepath.Join(root, ".ci", "artifacts", "browser")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Logf("browsertest: no screenshot: %v", err)
		return
	}
	stem, err := createFirstFree(dir, unsafeName.ReplaceAllString(tb.Name(), "_"), ".png", ".html")
	if err != nil {
		tb.Logf("browsertest: no screenshot: %v", err)
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err == nil {
		err = os.WriteFile(stem+".png", png, 0o644)
	}
	if err != nil {
		tb.Logf("browsertest: screenshot failed: %v", err)
	}
	html, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	if err == nil {
		err = os.WriteFile(stem+".html", []byte("<!-- "+loc+" -->\n<!doctype html>\n"+html), 0o644)
	}
	if err != nil {
		tb.Logf("browsertest: page HTML not saved: %v", err)
	}
	tb.Logf("browsertest: the page at failure (%s): %s.png, %s.html", loc, stem, stem)
}

// Eval evaluates a JavaScript expression in the current page and decodes
// its result into T (a promise is awaited). It fails the test on a
// JavaScript exception or a result that does not decode.
func Eval[T any](tb testing.TB, b *Browser, expression string) T {
	tb.Helper()
	return run(tb, b, "evaluate "+expression, chromedp.Evaluate[T](expression, chromedp.EvalAwaitPromise))
}
