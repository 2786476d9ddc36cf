package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/config"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/tenants"
)

// env is one deployment's storage, shared by the processes a test starts
// one after another.
type env struct {
	dataDir, dbURL, redisURL string
}

func newEnv(t *testing.T) env {
	t.Helper()
	e := env{dataDir: t.TempDir(), dbURL: dbtest.DSN(t)}
	if db.DialectOf(e.dbURL) == db.SQLite {
		e.dbURL = "sqlite://" + e.dbURL
	}
	// With the in-process Redis the process starts its own, and keeps its
	// contents in the data directory: that is what is under test.
	if dbtest.RedisBackend() != "embedded" {
		e.redisURL = dbtest.RedisURL(t)
	}
	return e
}

func (e env) config() config.Config {
	c := config.Default()
	c.Addr = "127.0.0.1:0"
	c.BaseURL = "http://127.0.0.1:0" // links follow the bound port
	c.DataDir = e.dataDir
	c.DatabaseURL = e.dbURL
	c.RedisURL = e.redisURL
	c.AutoMigrate = true
	c.LogLevel = "warn"
	return c
}

// running is a started Main.
type running struct {
	*server.Main
	out    *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// open builds a Main without running it, so a test can add handlers.
func open(t *testing.T, cfg config.Config, mode server.Mode) *running {
	t.Helper()
	out := &syncBuffer{}
	m := server.New(cfg, mode, out)
	if err := m.Open(context.Background()); err != nil {
		m.Close()
		t.Fatalf("open: %v\n%s", err, out.String())
	}
	return &running{Main: m, out: out}
}

func (r *running) run(t *testing.T) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.done = cancel, make(chan error, 1)
	go func() { r.done <- r.Run(ctx) }()
	waitFor(t, 10*time.Second, func() bool {
		resp, err := http.Get(r.local() + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == 200
	})
	t.Cleanup(func() { r.stop(t) })
	return r
}

func (r *running) local() string { return "http://" + r.Addr() }

// stop shuts down as SIGTERM does and answers how long it took.
func (r *running) stop(t *testing.T) time.Duration {
	t.Helper()
	if r.cancel == nil {
		return 0
	}
	start := time.Now()
	r.cancel()
	r.cancel = nil
	if err := <-r.done; err != nil {
		t.Errorf("run: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	return time.Since(start)
}

func client(t *testing.T) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// signIn posts the sign-in form as a browser on the same site does.
func signIn(t *testing.T, c *http.Client, base, email, password string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/signin", strings.NewReader(url.Values{
		"email": {email}, "password": {password}, "next": {"/dashboard"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestDemoStartAndRestart: the embedded default loads the demo
// organisations on first start, the demo login works, and a restart keeps
// everything without duplicating organisations.
func TestDemoStartAndRestart(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.config()
	cfg.Demo = true
	cfg.DemoPassword = "demo-passord-æøå"
	first := open(t, cfg, server.ModeServe).run(t)
	banner := first.out.String()
	for _, want := range []string{first.local(), "nittedal", "sor-trondelag", "coordinator", "SAMVIRKE_DEMO_PASSWORD"} {
		if !strings.Contains(banner, want) {
			t.Errorf("start-up banner lacks %q:\n%s", want, banner)
		}
	}
	c := client(t)
	resp := signIn(t, c, first.local(), "editor@nittedal.example", cfg.DemoPassword)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/o/nittedal/dashboard" {
		t.Fatalf("demo sign-in: %d → %q; want 303 → /o/nittedal/dashboard", resp.StatusCode, resp.Header.Get("Location"))
	}
	if code, body := get(t, c, first.local()+"/o/nittedal/dashboard"); code != 200 || !strings.Contains(body, "Nittedal kommune") {
		t.Fatalf("dashboard after sign-in: %d, body lacks the organisation:\n%s", code, body)
	}
	// The demo network's workbook: the coordinator sees Meldal's imported
	// chapter in the gathering view; Rissa, which left in 2018, is absent.
	var tmplID, stmtID int64
	db.Run(context.Background(), first.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewRaw("SELECT t.id, s.id FROM workbook_templates t JOIN workbook_chapters c ON c.template_id = t.id AND c.org_id = t.org_id "+
			"JOIN workbook_statements s ON s.chapter_id = c.id AND s.org_id = c.org_id WHERE s.title LIKE ? ORDER BY s.position LIMIT 1",
			"%Innvandrerreisen%").Scan(ctx, &tmplID, &stmtID)
	})
	cc := client(t)
	signIn(t, cc, first.local(), "coordinator@sor-trondelag.example", cfg.DemoPassword)
	code, view := get(t, cc, fmt.Sprintf("%s/o/sor-trondelag/templates/%d/statements/%d/gathering", first.local(), tmplID, stmtID))
	if code != 200 || !strings.Contains(view, "Intervju er gjennomført vår 2016") || !strings.Contains(view, "Meldal kommune") || strings.Contains(view, "Rissa kommune") {
		t.Errorf("demo gathering view: %d; want Meldal's imported answer and no Rissa", code)
	}
	n1, err := org.CountOrganisations(context.Background(), first.DB)
	if err != nil {
		t.Fatal(err)
	}
	first.stop(t)

	cfg.DemoPassword = "" // a restart without the variable keeps the password
	second := open(t, cfg, server.ModeServe).run(t)
	n2, err := org.CountOrganisations(context.Background(), second.DB)
	if err != nil {
		t.Fatal(err)
	}
	defs, err := org.LoadDefinitionsFS(tenants.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	if n1 != len(defs) || n2 != n1 {
		t.Errorf("organisations: %d after first start, %d after restart; want the %d demo ones both times", n1, n2, len(defs))
	}
	resp = signIn(t, client(t), second.local(), "coordinator@sor-trondelag.example", "demo-passord-æøå")
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("demo sign-in after restart: %d; want 303", resp.StatusCode)
	}
}

// TestStaleSchemaRefused: without automatic migration a server refuses an
// unmigrated database and names the command to run.
func TestStaleSchemaRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if db.DialectOf(e.dbURL) == db.Postgres {
		e.dbURL = dbtest.EmptyPostgres(t)
	} else {
		e.dbURL = "sqlite://" + t.TempDir() + "/empty.db"
	}
	cfg := e.config()
	cfg.AutoMigrate = false
	m := server.New(cfg, server.ModeWeb, io.Discard)
	defer m.Close()
	err := m.Open(context.Background())
	if err == nil || !strings.Contains(err.Error(), "samvirke migrate") {
		t.Fatalf("open on an unmigrated database: %v; want a refusal naming `samvirke migrate`", err)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func waitFor(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s", d)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
