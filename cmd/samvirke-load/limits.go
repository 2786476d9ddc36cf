package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
)

// The limits a load run measures in the same run, on the same machine,
// so that each figure of the product is also a ratio to what it cannot
// beat: the web framework's hello world, and per kind of request the bare
// SQL it sends and a bare html/template render of its page data.
type limitFigures struct {
	helloRate     float64       // requests a second, the load run's workers
	helloP50      time.Duration // unloaded, one worker
	helloCPU      time.Duration // per request, its process
	helloRequests uint64
	workers       int
	kinds         []*kindFigure
}

// kindFigure is one kind of request alone: the product's figures and its
// limits.
type kindFigure struct {
	kind       string
	statements int           // what one request sends, BEGIN and COMMIT included
	sqlP50     time.Duration // its statements replayed on one connection
	sqlPeak    float64       // replays a second on as many connections as workers
	pageP50    time.Duration // one worker
	pagePeak   float64       // requests a second with the load run's workers
	pageCPU    time.Duration // the product's CPU time a request at that peak
	cpu        cpuSplit      // the machine's, a request at that peak
	template   time.Duration // one bare render of the page's data (0: not a page)
	errors     uint64
	sql        []statement // the captured request's statements, as sent
}

// hello is the hello-world limit's process (--hello): gin with nothing
// but a handler that answers a short text, until SIGTERM.
func hello(ctx context.Context, _ options, stdout io.Writer) error {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/hello", func(c *gin.Context) { c.String(http.StatusOK, "Hello, world") })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 5 * time.Second}
	fmt.Fprintf(stdout, "listening http://%s\n", ln.Addr())
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}

// limits measures the hello world, then each kind of GET request alone:
// the product unloaded (one worker) and at its peak (the load run's
// workers, CPU from /proc), one request captured (its statements and the
// bare render of its page), and those statements replayed as the bare
// SQL.
func limits(ctx context.Context, o options, p *plan, prod *product, workers int, phase time.Duration) (*limitFigures, error) {
	f := &limitFigures{workers: workers}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "--hello")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	buf := make([]byte, 128)
	n, err := out.Read(buf)
	line := strings.TrimSpace(string(buf[:n]))
	if err != nil || !strings.HasPrefix(line, "listening ") {
		return nil, fmt.Errorf("the hello world did not start: %q %v", line, err)
	}
	hp := &plan{base: strings.TrimPrefix(line, "listening "), visits: map[string][]visit{"hello": {{path: "/hello"}}},
		kindOf: map[string]string{}, schedule: []string{"hello"}}
	attack(hp, workers, time.Second)
	f.helloP50 = attack(hp, 1, phase/2).all.Latencies.P50
	var r *results
	cpu, err := cpuOf(cmd.Process.Pid, func() { r = attack(hp, workers, phase) })
	if err != nil {
		return nil, err
	}
	f.helloRate, f.helloRequests = r.all.Throughput, r.all.Requests
	f.helloCPU = cpu / time.Duration(max(r.all.Requests, 1))

	appDSN := withUser(o.Postgres, appRole)
	if o.SQLite != "" {
		appDSN = o.SQLite
	}
	app, err := db.Open(ctx, appDSN)
	if err != nil {
		return nil, err
	}
	defer app.Close()
	for i, k := range p.kinds {
		if p.visits[k][0].method == "POST" {
			continue
		}
		kf, err := p.alone(ctx, app, prod, k, fmt.Sprintf("%s%d", capturePrefix, i), nil, workers, phase)
		if err != nil {
			return nil, err
		}
		f.kinds = append(f.kinds, kf)
		if k != "benchmark API" {
			continue
		}
		// The benchmark kept under its data version is the figure above;
		// uncached, every request finds its indicator's values changed
		// (the data versions bumped before it is sent, as a write would).
		// With one worker every request is uncached; at the peak two
		// requests may still meet between one bump and the next.
		bump := func() {
			if _, err := prod.owner.ExecContext(ctx, "UPDATE data_versions SET version = version + 1 WHERE scope LIKE 'indicator:%'"); err != nil {
				fmt.Fprintf(os.Stderr, "samvirke-load: bumping the data versions: %v\n", err)
			}
		}
		kf, err = p.alone(ctx, app, prod, k, fmt.Sprintf("%s%d-uncached", capturePrefix, i), bump, workers, phase)
		if err != nil {
			return nil, err
		}
		kf.kind = k + " uncached"
		f.kinds = append(f.kinds, kf)
	}
	return f, nil
}

// alone measures kind k alone (see limits); before, when set, runs before
// each request, the captured one included.
func (p *plan) alone(ctx context.Context, app *bun.DB, prod *product, k, id string, before func(), workers int, phase time.Duration) (*kindFigure, error) {
	kf := &kindFigure{kind: k}
	alone := p.only(k)
	alone.before = before
	kf.pageP50 = attack(alone, 1, phase/2).all.Latencies.P50
	c0, err := readCPU(prod.pid)
	if err != nil {
		return nil, err
	}
	r := attack(alone, workers, phase)
	c1, err := readCPU(prod.pid)
	if err != nil {
		return nil, err
	}
	kf.pagePeak, kf.errors = r.all.Throughput, r.all.Requests-uint64(float64(r.all.Requests)*r.all.Success+0.5)
	kf.cpu = c1.since(c0).perRequest(r.all.Requests)
	kf.pageCPU = kf.cpu.product
	// One request captured, after the runs: steady state.
	v := p.visits[k][0]
	v.requestID = id
	if before != nil {
		before()
	}
	if code, err := send(ctx, p.base, v); err != nil || code != 200 {
		return nil, fmt.Errorf("capturing %s: %d %v", k, code, err)
	}
	caps, err := readCapture(prod.capture)
	if err != nil {
		return nil, err
	}
	c := caps[id]
	if c == nil || len(c.statements) == 0 {
		return nil, fmt.Errorf("capturing %s: no statements written down", k)
	}
	kf.statements, kf.template, kf.sql = len(c.statements), c.template, c.statements
	if kf.sqlP50, kf.sqlPeak, err = replay(ctx, app, c.statements, workers, phase); err != nil {
		return nil, fmt.Errorf("replaying %s: %w", k, err)
	}
	return kf, nil
}

// cpuOf answers the CPU time process pid used while fn ran.
func cpuOf(pid int, fn func()) (time.Duration, error) {
	before, err := cpuTime(pid)
	if err != nil {
		return 0, err
	}
	fn()
	after, err := cpuTime(pid)
	return after - before, err
}

// replay sends statements, in order, on one connection for half of d
// (the 50th percentile of one pass) and then on conns connections at
// once for d (passes a second).
func replay(ctx context.Context, bdb *bun.DB, statements []statement, conns int, d time.Duration) (time.Duration, float64, error) {
	pass := func(conn *sql.Conn) error {
		for _, st := range statements {
			var args []any
			if len(st.args) > 0 { // prepared once on the connection, as the product sends it
				args = append([]any{pgx.QueryExecModeCacheStatement}, st.args...)
			}
			rows, err := conn.QueryContext(ctx, st.query, args...)
			if err != nil {
				conn.ExecContext(ctx, "ROLLBACK")
				return fmt.Errorf("%w: %.200s", err, st.query)
			}
			for rows.Next() {
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	}
	conn, err := bdb.Conn(ctx)
	if err != nil {
		return 0, 0, err
	}
	var took []time.Duration
	for end := time.Now().Add(d / 2); time.Now().Before(end); {
		t := time.Now()
		if err := pass(conn.Conn); err != nil {
			conn.Close()
			return 0, 0, err
		}
		took = append(took, time.Since(t))
	}
	conn.Close()
	slices.Sort(took)
	p50 := took[len(took)/2]

	var mu sync.Mutex
	var passes int
	var first error
	var wg sync.WaitGroup
	start := time.Now()
	end := start.Add(d)
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := bdb.Conn(ctx)
			if err == nil {
				defer conn.Close()
			}
			n := 0
			for err == nil && time.Now().Before(end) {
				if err = pass(conn.Conn); err == nil {
					n++
				}
			}
			mu.Lock()
			passes += n
			if err != nil && first == nil {
				first = err
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return p50, float64(passes) / time.Since(start).Seconds(), first
}

// report writes the limits and the product's figures as ratios to them.
func (f *limitFigures) report(w io.Writer, res *results, cpuPerRequest time.Duration) {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	fmt.Fprintf(w, "limits, measured after the run on the same machine (the load tool on the same cores):\n")
	fmt.Fprintf(w, "  gin hello world (a process of its own): %.0f req/s with %d workers, p50 %.2f ms with one, CPU %.3f ms a request\n",
		f.helloRate, f.workers, ms(f.helloP50), ms(f.helloCPU))
	fmt.Fprintf(w, "  the run's mix: %.1f req/s = %.3f × the hello world's; CPU a request %.2f ms = %.0f × the hello world's\n\n",
		res.all.Throughput, res.all.Throughput/f.helloRate, ms(cpuPerRequest), float64(cpuPerRequest)/float64(max(f.helloCPU, 1)))
	fmt.Fprintf(w, "  each kind alone: the product with one worker (p50) and with %d (peak, CPU a request from /proc);\n", f.workers)
	fmt.Fprintf(w, "  bare SQL: one request's statements as it sent them (BEGIN, row-level-security settings, queries, COMMIT), replayed as\n")
	fmt.Fprintf(w, "  the application role on one connection (p50) and on %d at once (peak); render: the page's data through its template alone\n", f.workers)
	fmt.Fprintf(w, "  at the peak, CPU a request: the product's (CPU ms), PostgreSQL's (PG ms) and the whole machine's (all ms)\n")
	fmt.Fprintf(w, "  %-15s %5s %8s %8s %6s %8s %8s %6s %8s %8s %6s %6s %6s %6s\n", "request", "stmts", "p50 ms", "SQL ms", "ratio",
		"peak/s", "SQL /s", "ratio", "CPU ms", "render", "ratio", "PG ms", "all ms", "errors")
	for _, k := range f.kinds {
		render, ratio := "–", "–"
		if k.template > 0 {
			render, ratio = fmt.Sprintf("%.2f", ms(k.template)), fmt.Sprintf("%.2f", float64(k.pageCPU)/float64(k.template))
		}
		fmt.Fprintf(w, "  %-15s %5d %8.2f %8.2f %6.2f %8.0f %8.0f %6.2f %8.2f %8s %6s %6.2f %6.2f %6d\n", k.kind, k.statements,
			ms(k.pageP50), ms(k.sqlP50), float64(k.pageP50)/float64(max(k.sqlP50, 1)),
			k.pagePeak, k.sqlPeak, k.pagePeak/max(k.sqlPeak, 1e-9), ms(k.pageCPU), render, ratio, ms(k.cpu.postgres), ms(k.cpu.machine), k.errors)
	}
	var cached, uncached *kindFigure
	for _, k := range f.kinds {
		switch k.kind {
		case "benchmark API":
			cached = k
		case "benchmark API uncached":
			uncached = k
		}
	}
	if cached != nil && uncached != nil {
		fmt.Fprintf(w, "  benchmark API kept under its data version: p50 %.2f ms = %.2f × the uncached request's bare SQL p50 (%.2f ms)\n",
			ms(cached.pageP50), float64(cached.pageP50)/float64(max(uncached.sqlP50, 1)), ms(uncached.sqlP50))
	}
	// What each kind sends, so the next run's statement counts can be
	// read against this one's (one line each, long texts cut; P: sent
	// prepared, with db.Bind's values).
	fmt.Fprintf(w, "\nstatements of the captured request of each kind (P: prepared):\n")
	for _, k := range f.kinds {
		fmt.Fprintf(w, "  %s (%d):\n", k.kind, len(k.sql))
		for i, st := range k.sql {
			q := strings.Join(strings.Fields(st.query), " ")
			if r := []rune(q); len(r) > 160 {
				q = string(r[:160]) + " …"
			}
			prepared := " "
			if st.args != nil {
				prepared = "P"
			}
			fmt.Fprintf(w, "  %s %2d %s\n", prepared, i+1, q)
		}
	}
}
