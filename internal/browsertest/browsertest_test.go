package browsertest_test

import (
	"bytes"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/samvirke/samvirke/internal/browsertest"
)

// TestSignInDashboard walks the demo editor from the sign-in page to the
// dashboard, checking both pages for WCAG 2.1 AA violations and the
// dashboard for horizontal scrolling on a 360 px wide phone.
func TestSignInDashboard(t *testing.T) {
	t.Parallel()
	srv := browsertest.StartServer(t)
	b := browsertest.NewBrowser(t)

	if code := b.Visit(t, srv.URL+"/signin"); code != http.StatusOK {
		t.Fatalf("GET /signin: %d", code)
	}
	b.CheckA11y(t)

	b.SignIn(t, srv.URL, "editor@nittedal.example", browsertest.DemoPassword)
	// The dashboard is /dashboard, or the organisation's (/o/nittedal/dashboard).
	dashboard := b.Location(t)
	if !strings.HasPrefix(dashboard, srv.URL+"/") || !strings.HasSuffix(dashboard, "/dashboard") {
		t.Fatalf("after sign-in at %s; want the dashboard", dashboard)
	}
	if body := b.Text(t, "body"); !strings.Contains(body, "Nittedal kommune") {
		t.Fatalf("dashboard does not show the organisation:\n%s", body)
	}
	b.CheckA11y(t)
	if got := b.CheckedURLs(); len(got) != 2 || !strings.HasSuffix(got[1], "/dashboard") {
		t.Errorf("CheckedURLs = %q; want the sign-in page and the dashboard", got)
	}

	b.SetViewport(t, 360, 740)
	b.Visit(t, dashboard)
	path := b.Screenshot(t, "TestSignInDashboard-dashboard-360.png")
	shot, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.DecodeConfig(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot %s: %v", path, err)
	}
	if sw := browsertest.Eval[int](t, b, `document.documentElement.scrollWidth`); sw > 360 || img.Width > 360 {
		t.Errorf("dashboard at 360 px scrolls sideways: scrollWidth %d, screenshot %d px wide (%s)", sw, img.Width, path)
	}
}

// brokenPage breaks two WCAG rules axe-core rates critical: an input with
// no label and an image with no text alternative. Its CSP forbids inline
// scripts, as the product's does, to show that the injection passes it.
const brokenPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Broken</title></head>
<body><main><h1>Broken</h1>
<form><input type="text" name="q" id="unlabelled"></form>
<img src="/logo.png" id="no-alt">
</main></body></html>`

// TestA11yViolations proves the checker finds what it should: on a page
// with known violations A11yViolations reports them, and CheckA11y fails
// the test naming rule, help and element.
func TestA11yViolations(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'")
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, brokenPage)
	}))
	defer ts.Close()
	b := browsertest.NewBrowser(t)
	b.Visit(t, ts.URL+"/")

	byRule := map[string]browsertest.Violation{}
	for _, v := range b.A11yViolations(t) {
		byRule[v.ID] = v
	}
	for rule, target := range map[string]string{"label": "#unlabelled", "image-alt": "#no-alt"} {
		v, ok := byRule[rule]
		if !ok {
			t.Errorf("violation %q not reported; got %v", rule, byRule)
			continue
		}
		if !v.Blocking() || len(v.Nodes) != 1 || !slices.Contains(v.Nodes[0].Target, target) {
			t.Errorf("violation %s: impact %q, nodes %+v; want serious/critical on %s", rule, v.Impact, v.Nodes, target)
		}
	}

	rec := &recorder{TB: t}
	b.CheckA11y(rec)
	msg := strings.Join(rec.errors, "\n")
	t.Logf("CheckA11y on the broken page reported:\n%s", msg)
	for _, want := range []string{"label", "image-alt", "#unlabelled", "#no-alt", "Images must have alternative text", ts.URL} {
		if !strings.Contains(msg, want) {
			t.Errorf("CheckA11y's failure lacks %q:\n%s", want, msg)
		}
	}
}

// recorder is a testing.TB that keeps errors instead of failing.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
