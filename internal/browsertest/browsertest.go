// Package browsertest drives the whole product in a real browser: it starts
// Samvirke in-process on a free port with a database and Redis of the test's
// own, launches Debian's headless Chromium through chromedp, and checks
// pages for WCAG 2.1 AA problems with axe-core.
//
//	srv := browsertest.StartServer(t)
//	b := browsertest.NewBrowser(t)
//	b.SignIn(t, srv.URL, "editor@nittedal.example", browsertest.DemoPassword)
//	b.CheckA11y(t)
//
// One Chromium per test, one tab reused for every step. When the test fails,
// the browser's last page is saved as a screenshot and HTML under
// .ci/artifacts/browser/. Chromium and the npm packages are installed by the
// test command (.ci/test); without them the tests fail, they never skip.
package browsertest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/samvirke/samvirke/internal/config"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
)

// DemoPassword is the password of every demo user (role@organisation.example,
// e.g. editor@nittedal.example) of a server StartServer started.
const DemoPassword = "nettleser-test-æøå-2026"

// Server is the whole program running in-process for one test.
type Server struct {
	URL  string       // http://127.0.0.1:<port>, without a trailing slash
	Main *server.Main // the running program: its DB, Queue, Web …
	proc *servertest.Process
}

// Log is what the program has logged so far (its access log among it).
func (s *Server) Log() string { return s.proc.Output() }

// Option adjusts the configuration StartServer runs the program with.
type Option func(*config.Config)

// StartServer runs the whole product (web and workers, as `samvirke
// serve`) on 127.0.0.1:0 with a fresh migrated database and Redis from
// dbtest, the demo organisations loaded and every demo user's password set
// to DemoPassword. It stops the program when the test ends and, when the
// test failed, logs the program's output. A failure to start fails the test.
func StartServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	cfg := servertest.NewEnv(tb).Config()
	cfg.Demo = true
	cfg.DemoPassword = DemoPassword
	for _, o := range opts {
		o(&cfg)
	}
	p := servertest.Open(tb, cfg, server.ModeServe).Run(tb)
	return &Server{URL: p.URL(), Main: p.Main, proc: p}
}

// RepoRoot answers the repository's root directory: the nearest directory
// above the working directory that holds go.mod.
func RepoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := repoRoot()
	if err != nil {
		tb.Fatalf("browsertest: %v", err)
	}
	return dir
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// ArtifactsDir is where browser tests leave screenshots and pages:
// .ci/artifacts/browser under the repository root (created on demand).
func ArtifactsDir(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(RepoRoot(tb), ".ci", "artifacts", "browser")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatalf("browsertest: %v", err)
	}
	return dir
}

// createFirstFree creates dir/<base>-<n><ext> for the smallest n ≥ 1 not
// taken yet, so that earlier evidence (another backend's run, another
// browser of the same test) is never overwritten.
func createFirstFree(dir, base string, exts ...string) (string, error) {
	for n := 1; n < 10000; n++ {
		stem := filepath.Join(dir, fmt.Sprintf("%s-%d", base, n))
		f, err := os.OpenFile(stem+exts[0], os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		f.Close()
		return stem, nil
	}
	return "", fmt.Errorf("too many artifacts named %s-* in %s", base, dir)
}
