// Package servertest runs the whole program (server.Main) in-process for a
// test: on the test's own database and Redis from dbtest, on a free port,
// stopped as SIGTERM stops it when the test ends. The server tests and the
// browser tests start their programs through it.
package servertest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/config"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/server"
)

// Env is one deployment's storage, shared by the processes a test starts
// one after another: a data directory, a database and a Redis URL.
type Env struct {
	DataDir, DatabaseURL, RedisURL string
}

// NewEnv gives the test a fresh data directory and its own database and
// Redis from dbtest. With the in-process Redis-compatible server the
// RedisURL is empty: the program starts its own and keeps its contents in
// the data directory, as the embedded default does.
func NewEnv(tb testing.TB) Env {
	tb.Helper()
	e := Env{DataDir: tb.TempDir(), DatabaseURL: dbtest.DSN(tb)}
	if db.DialectOf(e.DatabaseURL) == db.SQLite {
		e.DatabaseURL = "sqlite://" + e.DatabaseURL
	}
	if dbtest.RedisBackend() != "embedded" {
		e.RedisURL = dbtest.RedisURL(tb)
	}
	return e
}

// Config is the default configuration on e, listening on a free port of
// 127.0.0.1, migrating on start and logging warnings and errors.
func (e Env) Config() config.Config {
	c := config.Default()
	c.Addr = "127.0.0.1:0"
	c.BaseURL = "http://127.0.0.1:0" // links follow the bound port
	c.DataDir = e.DataDir
	c.DatabaseURL = e.DatabaseURL
	c.RedisURL = e.RedisURL
	c.AutoMigrate = true
	c.LogLevel = "warn"
	return c
}

// Process is an opened Main, and once Run, a running one.
type Process struct {
	*server.Main
	out    *SyncBuffer
	cancel context.CancelFunc
	done   chan error
	closed bool
}

// Open builds and opens a Main without running it, so that a test can
// add handlers first. A failure to open fails the test. When the test
// ends the process is stopped and closed, and, if the test failed, its
// output is logged.
func Open(tb testing.TB, cfg config.Config, mode server.Mode) *Process {
	tb.Helper()
	return OpenWith(tb, cfg, mode, nil)
}

// OpenWith is Open with prepare called on the Main before it opens (to set
// TuneWorker, Mail or Clock).
func OpenWith(tb testing.TB, cfg config.Config, mode server.Mode, prepare func(*server.Main)) *Process {
	tb.Helper()
	p := &Process{out: &SyncBuffer{}}
	p.Main = server.New(cfg, mode, p.out)
	if prepare != nil {
		prepare(p.Main)
	}
	if err := p.Main.Open(context.Background()); err != nil {
		p.Main.Close()
		tb.Fatalf("servertest: open: %v\n%s", err, p.out.String())
	}
	tb.Cleanup(func() {
		p.Stop(tb)
		if tb.Failed() && p.out.Len() > 0 {
			tb.Logf("servertest: output of the program at %s:\n%s", p.URL(), p.out.String())
		}
	})
	return p
}

// Run runs the process until Stop and waits until /healthz answers 200.
// A process that stops or is not healthy within 30 s fails the test.
func (p *Process) Run(tb testing.TB) *Process {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel, p.done = cancel, make(chan error, 1)
	go func() { p.done <- p.Main.Run(ctx) }()
	if err := p.waitHealthy(30 * time.Second); err != nil {
		tb.Fatalf("servertest: program at %s: %v\n%s", p.URL(), err, p.out.String())
	}
	return p
}

// URL is http://127.0.0.1:<port>, without a trailing slash.
func (p *Process) URL() string { return "http://" + p.Addr() }

// Output is what the program has written so far: its log and banner.
func (p *Process) Output() string { return p.out.String() }

// Stop shuts a running process down as SIGTERM does, closes it, and
// answers how long the shutdown took. Later calls do nothing.
func (p *Process) Stop(tb testing.TB) time.Duration {
	tb.Helper()
	var took time.Duration
	if p.cancel != nil {
		start := time.Now()
		p.cancel()
		p.cancel = nil
		if err := <-p.done; err != nil {
			tb.Errorf("servertest: run: %v", err)
		}
		took = time.Since(start)
	}
	if !p.closed {
		p.closed = true
		if err := p.Main.Close(); err != nil {
			tb.Errorf("servertest: close: %v", err)
		}
	}
	return took
}

func (p *Process) waitHealthy(limit time.Duration) error {
	c := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(limit)
	for {
		resp, err := c.Get(p.URL() + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("/healthz answered %d", resp.StatusCode)
		}
		select {
		case runErr := <-p.done:
			p.done <- runErr // for Stop
			return fmt.Errorf("stopped while starting: %v", runErr)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not healthy within %s: %v", limit, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// SyncBuffer is a bytes.Buffer that goroutines may write to while a test
// reads it.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String answers what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Len answers how many bytes were written so far.
func (s *SyncBuffer) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Len()
}
