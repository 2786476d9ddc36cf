package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/config"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/scale"
	"github.com/samvirke/samvirke/internal/server"
)

// appRole is the role the product runs as, as in production
// (deploy/postgres/init-app-role.sh): it cannot bypass row-level security.
const appRole = "samvirke_app"

// product is the product started as a second process, so that its CPU
// time and memory are its own (/proc), apart from the load's.
type product struct {
	url   string
	pid   int
	cmd   *exec.Cmd
	owner *bun.DB
	ready time.Duration // from starting the process to its first healthy answer
	// capture is the file the process writes captured requests to.
	capture string
	stop    func() error
}

// startProduct makes sure the load database exists, is migrated and lets
// the application role in, then starts the product on it (web and workers)
// on a free port, in a process of its own (this program with --serve),
// with the demo organisations when o.Data is demo.
func startProduct(ctx context.Context, o options) (*product, error) {
	dsn := o.SQLite
	if dsn == "" {
		dsn = o.Postgres
		if db.DialectOf(o.Postgres) != db.Postgres {
			return nil, fmt.Errorf("--postgres %q is not a postgres:// URL", o.Postgres)
		}
		if err := ensureDatabase(ctx, o.Postgres); err != nil {
			return nil, err
		}
	}
	if err := server.Migrate(ctx, dsn, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		return nil, err
	}
	owner, err := db.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if o.SQLite == "" {
		if err := grantAppRole(ctx, owner); err != nil {
			owner.Close()
			return nil, err
		}
	}
	if o.Data == "scale" {
		if err := ensureScale(ctx, owner); err != nil {
			owner.Close()
			return nil, err
		}
	}
	if o.SQLite == "" {
		if err := analyze(ctx, owner); err != nil {
			owner.Close()
			return nil, err
		}
	}
	exe, err := os.Executable()
	if err != nil {
		owner.Close()
		return nil, err
	}
	capture := filepath.Join(os.TempDir(), fmt.Sprintf("samvirke-load-capture-%d.jsonl", os.Getpid()))
	args := []string{"--serve", "--postgres", o.Postgres, "--sqlite", o.SQLite, "--redis", o.Redis, "--data", o.Data, "--password", o.Password, "--capture", capture}
	if o.CPUProfile != "" {
		args = append(args, "--cpuprofile", o.CPUProfile)
	}
	if o.Active != 0 {
		args = append(args, "--active-requests", strconv.Itoa(o.Active))
	}
	if o.MemProfile != "" {
		args = append(args, "--memprofile", o.MemProfile)
	}
	cmd := exec.Command(exe, args...)
	if o.MemLimit != "" {
		cmd.Env = append(os.Environ(), "GOMEMLIMIT="+o.MemLimit)
	}
	var logs syncBuffer
	cmd.Stderr = &logs
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		owner.Close()
		return nil, err
	}
	started := time.Now()
	if err := cmd.Start(); err != nil {
		owner.Close()
		return nil, err
	}
	p := &product{pid: cmd.Process.Pid, cmd: cmd, owner: owner, capture: capture}
	p.stop = func() error {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var err error
		select {
		case err = <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			err = fmt.Errorf("the product did not stop within 30 s of SIGTERM")
		}
		owner.Close()
		os.Remove(capture)
		return err
	}
	// The child's first line on stdout is the address it listens on.
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
		io.Copy(io.Discard, stdout)
	}()
	select {
	case l, ok := <-line:
		if !ok || !strings.HasPrefix(l, "listening ") {
			p.stop()
			return nil, fmt.Errorf("starting the product: %q\n%s", l, logs.String())
		}
		p.url = strings.TrimPrefix(l, "listening ")
	case <-time.After(2 * time.Minute):
		p.stop()
		return nil, fmt.Errorf("the product did not listen within two minutes\n%s", logs.String())
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(p.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				p.ready = time.Since(started)
				return p, nil
			}
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("the product at %s is not healthy after a minute: %v\n%s", p.url, err, logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// serve is the product's process (--serve): it runs the product on the
// load database as the application role until SIGTERM, first telling its
// address on stdout.
func serve(ctx context.Context, o options, stdout io.Writer) error {
	dir, err := os.MkdirTemp("", "samvirke-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if o.CPUProfile != "" {
		f, err := os.Create(o.CPUProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	cfg := config.Default()
	cfg.Addr, cfg.BaseURL, cfg.DataDir = "127.0.0.1:0", "http://127.0.0.1:0", dir
	cfg.DatabaseURL, cfg.MigrateURL, cfg.RedisURL = withUser(o.Postgres, appRole), o.Postgres, o.Redis
	if o.SQLite != "" { // the embedded default: one file, the in-process Redis
		cfg.DatabaseURL, cfg.MigrateURL, cfg.RedisURL = "sqlite://"+o.SQLite, "", ""
	}
	cfg.AutoMigrate, cfg.LogLevel, cfg.ActiveRequests = false, "error", o.Active
	cfg.Demo = o.Data == "demo"
	cfg.DemoPassword = o.Password
	m := server.New(cfg, server.ModeServe, os.Stderr)
	defer m.Close()
	if err := m.Open(ctx); err != nil {
		return fmt.Errorf("starting the product: %w", err)
	}
	if o.Capture != "" {
		c, err := newCapturer(o.Capture)
		if err != nil {
			return err
		}
		defer c.Close()
		m.DB.AddQueryHook(c)
		m.Web.RenderProbe = c.probe
	}
	// The heap profile is written when the load run says the measured mix
	// has ended (SIGUSR1): its live heap is then the last collection's
	// under load, not what an idle process keeps. Without that signal it
	// is written at the stop.
	var heapOnce sync.Once
	var heapErr error
	writeHeap := func() {
		heapOnce.Do(func() {
			f, err := os.Create(o.MemProfile)
			if err != nil {
				heapErr = err
				return
			}
			defer f.Close()
			heapErr = pprof.Lookup("heap").WriteTo(f, 0)
		})
	}
	if o.MemProfile != "" {
		usr1 := make(chan os.Signal, 1)
		signal.Notify(usr1, syscall.SIGUSR1)
		defer signal.Stop(usr1)
		go func() {
			if _, ok := <-usr1; ok {
				writeHeap()
			}
		}()
	}
	fmt.Fprintf(stdout, "listening http://%s\n", m.Addr())
	err = m.Run(ctx)
	if o.MemProfile != "" {
		writeHeap()
		err = cmp.Or(err, heapErr)
	}
	return err
}

// mixEnded tells the product's process that the measured mix has ended,
// for its heap profile.
func (p *product) mixEnded() {
	if p != nil && p.cmd != nil {
		p.cmd.Process.Signal(syscall.SIGUSR1)
	}
}

// syncBuffer is a buffer written by one goroutine and read by another.
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

// ensureDatabase creates the database dsn names when it does not exist,
// connected to the server's maintenance database.
func ensureDatabase(ctx context.Context, dsn string) error {
	u, err := url.Parse(dsn)
	if err != nil {
		return err
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" || strings.ContainsAny(name, `"'; `) {
		return fmt.Errorf("--postgres: database name %q", name)
	}
	u.Path = "/postgres"
	adb, err := db.Open(ctx, u.String())
	if err != nil {
		return fmt.Errorf("--postgres %s: %w", redactURL(dsn), err)
	}
	defer adb.Close()
	var n int64
	if err := adb.NewRaw("SELECT count(*) FROM pg_database WHERE datname = ?", name).Scan(ctx, &n); err != nil {
		return err
	}
	if n == 0 {
		if _, err := adb.ExecContext(ctx, `CREATE DATABASE "`+name+`"`); err != nil {
			return fmt.Errorf("create database %s: %w", name, err)
		}
	}
	return nil
}

// grantAppRole creates the application role when missing and lets it
// read and write the rows of every table, as production's set-up does.
func grantAppRole(ctx context.Context, owner *bun.DB) error {
	_, err := owner.ExecContext(ctx, `DO $$ BEGIN
		IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '`+appRole+`') THEN
			CREATE ROLE `+appRole+` LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
		END IF; END $$`)
	if err != nil && !strings.Contains(err.Error(), "already exists") {
		return err
	}
	_, err = owner.ExecContext(ctx, `GRANT USAGE ON SCHEMA public TO `+appRole+`;
		GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO `+appRole+`;
		GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO `+appRole)
	return err
}

// users answers up to n addresses of users of data set data that read
// content: a network's coordinators first (a fifth of them at most, for
// the gathering view), then one user per municipality of a network in
// turn, so that the users spread over organisations.
func (p *product) users(ctx context.Context, data string, n int) ([]string, error) {
	which := "u.demo"
	if data == "scale" {
		which = "u.email LIKE '%.scale.example'"
	}
	var rows []struct {
		Email string
		Role  string
	}
	err := db.Run(ctx, p.owner, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewRaw(`SELECT email, role FROM (
			SELECT u.email, m.role, row_number() OVER (PARTITION BY m.org_id ORDER BY u.id) AS turn, o.id AS org
			FROM users u JOIN memberships m ON m.user_id = u.id JOIN organisations o ON o.id = m.org_id
			WHERE `+which+` AND u.disabled_at IS NULL AND (
				(o.kind = 'network' AND m.role = 'coordinator') OR
				(o.kind = 'municipality' AND m.role <> 'member' AND EXISTS (SELECT 1 FROM network_members nm WHERE nm.member_org_id = o.id)))
			) x ORDER BY turn, org`).Scan(ctx, &rows)
	})
	if err != nil {
		return nil, err
	}
	var coord, muni []string
	for _, r := range rows {
		if r.Role == "coordinator" {
			coord = append(coord, r.Email)
		} else {
			muni = append(muni, r.Email)
		}
	}
	coord = coord[:min(len(coord), max(1, n/5))]
	out := append(coord, muni...)
	if len(out) == 0 {
		return nil, fmt.Errorf("no %s users in the database; for scale run `samvirke dev gen-scale` first", data)
	}
	return out[:min(n, len(out))], nil
}

func withUser(dsn, user string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	u.User = url.User(user)
	return u.String()
}

func redactURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// analyze brings PostgreSQL's planner statistics, hint bits and
// visibility map up to date, as autovacuum keeps them in production: this
// project's test machines run PostgreSQL with autovacuum off, and a data
// set generated there has neither, so the planner guesses each table's
// size (the organisations as 238 rows, scanned whole to join one
// membership) and reads set hint bits on pages as they go; each run would
// measure what production never does. A few seconds on the scale data
// set.
func analyze(ctx context.Context, owner *bun.DB) error {
	if _, err := owner.ExecContext(ctx, "VACUUM (ANALYZE)"); err != nil {
		return fmt.Errorf("vacuum and analyze the load database: %w", err)
	}
	return nil
}

// ensureScale builds the scale data set with its defaults (seed 1, the
// password scale-1) when the database holds none, as `samvirke dev
// gen-scale` does.
func ensureScale(ctx context.Context, owner *bun.DB) error {
	var n int64
	err := db.Run(ctx, owner, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		n, err = idb.NewSelect().Table("organisations").Where("slug LIKE ?", scale.SlugPrefix+"%").Count(ctx)
		return err
	})
	if err != nil || n > 0 {
		return err
	}
	fmt.Fprintln(os.Stderr, "building the scale data set (about a minute) …")
	_, err = scale.Generate(ctx, owner, scale.Default, server.ScaleSlices(), nil)
	return err
}
