// Command samvirke-load is the load run: it starts the product on
// PostgreSQL and Redis (or drives one already running), signs in distinct
// users, and has them browse the dashboard, a workbook, an answer and the
// gathering view concurrently with vegeta, reporting per page the 50th,
// 95th and 99th percentile latency, throughput and errors, with the
// machine's load average next to them. `make load` runs it on the demo
// data; with --data scale it browses the data set of `samvirke dev
// gen-scale` (`make bench`).
//
//	samvirke-load --postgres URL --redis URL [--data demo|scale] [--users 20]
//	samvirke-load --sqlite FILE [--data demo|scale] …
//	              [--duration 30s] [--out FILE] [--cpuprofile FILE]
//	samvirke-load --url http://host:port --password P [--data demo|scale] …
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/samvirke/samvirke/internal/web"
)

// options are the flags of one load run.
type options struct {
	URL        string        // a running server; "" starts one
	Postgres   string        // the load database, as its owner (a superuser may create it)
	SQLite     string        // instead: the product on this SQLite file and its in-process Redis
	Redis      string        // the queue's Redis
	Data       string        // demo or scale
	Password   string        // the users' password
	Users      int           // distinct signed-in users, each one concurrent worker
	Duration   time.Duration // measured run
	Warmup     time.Duration // run before, not measured
	Phase      time.Duration // each kind alone, and each limit, at its peak
	Target     time.Duration // p95 a page should stay under
	Kinds      string        // comma-separated kinds the mix is limited to; "" is every kind
	Out        string        // results file
	CPUProfile string        // CPU profile of the product's process
	MemProfile string        // heap profile of the product's process, as the measured run ends
	MemLimit   string        // the product's soft memory limit (GOMEMLIMIT); "" is the environment's
	Active     int           // requests the product computes at once (SAMVIRKE_ACTIVE_REQUESTS); 0 is its default
	Serve      bool          // be the product's process (started by the load run)
	Capture    string        // the product's process: where captured requests go
	Hello      bool          // be the hello-world limit's process
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("samvirke-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.URL, "url", "", "drive the server at this URL instead of starting one")
	fs.StringVar(&o.Postgres, "postgres", "postgres://postgres@127.0.0.1:5432/samvirke_load?sslmode=disable", "the load database as its owner; created and migrated when missing")
	fs.StringVar(&o.SQLite, "sqlite", "", "run the product on its embedded default instead, this SQLite file and the in-process Redis (created, migrated and filled when missing); --postgres and --redis are then not used")
	fs.StringVar(&o.Redis, "redis", "redis://127.0.0.1:6379/9", "Redis for the queue and rate limits")
	fs.StringVar(&o.Data, "data", "demo", "demo: the demo organisations; scale: the data set of `samvirke dev gen-scale`")
	fs.StringVar(&o.Password, "password", "", "the users' password (default: load-demo-passord for demo, scale-1 for scale)")
	fs.IntVar(&o.Users, "users", 20, "distinct signed-in users, browsing at the same time")
	fs.DurationVar(&o.Duration, "duration", 30*time.Second, "length of the measured run")
	fs.DurationVar(&o.Warmup, "warmup", 5*time.Second, "length of the unmeasured run before it")
	fs.DurationVar(&o.Phase, "phase", 5*time.Second, "length of each kind's run alone (and each limit's) after the mix, at its peak; half as long with one worker")
	fs.DurationVar(&o.Target, "target", 100*time.Millisecond, "the 95th percentile each page should stay under")
	fs.StringVar(&o.Kinds, "kinds", "", "limit the mix and the limits to these kinds (comma-separated, as the results name them: \"plan tree,meeting\"), to profile one kind of request; the figures of a limited run are not the mix's")
	fs.StringVar(&o.Out, "out", "", "results file (default .ci/artifacts/load-DATA-DATE.txt)")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the product's process, from start to stop, to this file")
	fs.StringVar(&o.MemProfile, "memprofile", "", "write a heap profile of the product's process to this file as the measured run ends (its live heap is the last collection's under load; allocations count from the start)")
	fs.StringVar(&o.MemLimit, "memory-limit", "", "run the product with this soft memory limit (GOMEMLIMIT, e.g. 140MiB): the garbage collector works harder to keep the heap under it")
	fs.IntVar(&o.Active, "active-requests", 0, "how many requests the product computes at once, the others waiting their turn (SAMVIRKE_ACTIVE_REQUESTS); 0 is the product's default, four a core; -1 lets every request compute at once")
	fs.BoolVar(&o.Serve, "serve", false, "(internal) run the product: the load run starts itself with it as a second process")
	fs.StringVar(&o.Capture, "capture", "", "(internal) with --serve: write the statements and render time of requests whose X-Request-ID starts with capture- to this file")
	fs.BoolVar(&o.Hello, "hello", false, "(internal) serve gin's hello world: the load run's limit of the web framework")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.Data != "demo" && o.Data != "scale" {
		fmt.Fprintf(stderr, "samvirke-load: --data is demo or scale, not %q\n", o.Data)
		return 2
	}
	if o.Password == "" {
		o.Password = map[string]string{"demo": "load-demo-passord", "scale": "scale-1"}[o.Data]
	}
	if o.Out == "" {
		o.Out = filepath.Join(".ci", "artifacts", fmt.Sprintf("load-%s-%s.txt", o.Data, time.Now().Format("20060102-150405")))
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	run := loadRun
	switch {
	case o.Serve:
		run = serve
	case o.Hello:
		run = hello
	}
	if err := run(ctx, o, stdout); err != nil {
		fmt.Fprintf(stderr, "samvirke-load: %v\n", err)
		return 1
	}
	return 0
}

func loadRun(ctx context.Context, o options, stdout io.Writer) error {
	base, emails := o.URL, []string(nil)
	backend := "the server at " + o.URL
	var p *product
	var mem *memWatch
	if base == "" {
		var err error
		if p, err = startProduct(ctx, o); err != nil {
			return err
		}
		mem = watchMemory(p.pid, 10*time.Millisecond, "discovery")
		defer func() {
			if mem != nil {
				mem.peak()
			}
		}()
		defer p.stop()
		base, backend = p.url, "PostgreSQL "+redactURL(o.Postgres)+" + Redis "+o.Redis+", the product in a process of its own"
		if o.SQLite != "" {
			backend = "SQLite " + o.SQLite + " + the in-process Redis (the embedded default), the product in a process of its own"
		}
		if emails, err = p.users(ctx, o.Data, o.Users); err != nil {
			return err
		}
	} else {
		emails = knownUsers(o.Data, o.Users)
	}
	enter := func(phase string) {
		if mem != nil {
			mem.enter(phase)
		}
	}
	enter("sign-in")
	fmt.Fprintf(stdout, "signing in %d users at %s …\n", len(emails), base)
	users, err := signIn(ctx, base, emails, o.Password)
	if err != nil {
		return err
	}
	enter("discovery")
	plan, err := discover(ctx, base, users, o.Data, o.Password)
	if err != nil {
		return err
	}
	if o.Kinds != "" {
		if plan, err = plan.limitTo(strings.Split(o.Kinds, ",")); err != nil {
			return err
		}
	}
	enter("warm-up")
	fmt.Fprintf(stdout, "%s\nwarming up for %s …\n", plan.describe(), o.Warmup)
	attack(plan, len(users), o.Warmup)

	before := loadAverage()
	var cpu0 time.Duration
	if p != nil {
		if cpu0, err = cpuTime(p.pid); err != nil {
			return err
		}
	}
	pid := 0
	if p != nil {
		pid = p.pid
	}
	split0, err := readCPU(pid)
	if err != nil {
		return err
	}
	enter("the measured run")
	fmt.Fprintf(stdout, "%d users browsing for %s …\n", len(users), o.Duration)
	res := attack(plan, len(users), o.Duration)
	after := loadAverage()
	split1, err := readCPU(pid)
	if err != nil {
		return err
	}
	p.mixEnded()

	var b strings.Builder
	fmt.Fprintf(&b, "Samvirke load run, %s\n", time.Now().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "backend: %s\n", backend)
	fmt.Fprintf(&b, "data: %s; %d distinct signed-in users, each one concurrent worker without pause (closed loop), %s measured after %s warm-up\n",
		o.Data, len(users), o.Duration, o.Warmup)
	fmt.Fprintf(&b, "machine: %d cores; load average before %s, after %s (1, 5, 15 min)\n", runtime.NumCPU(), before, after)
	var cpuPerRequest time.Duration
	if p != nil {
		cpu1, err := cpuTime(p.pid)
		if err != nil {
			return err
		}
		now, err := memory(p.pid)
		if err != nil {
			return err
		}
		top, at := mem.peak()
		mem = nil
		used := cpu1 - cpu0
		cpuPerRequest = used / time.Duration(max(res.all.Requests, 1))
		mb := func(n int64) float64 { return float64(n) / (1 << 20) }
		fmt.Fprintf(&b, "product process: start-up to ready %s; CPU %.1f s over %d requests = %.2f ms a request (%.0f %% of one core); "+
			"resident memory %.0f MB at the end, peak %.0f MB (sign-ins included; sampled: %.0f MB during %s, %.0f MB anonymous, %.0f MB of files); soft memory limit %s; %s\n",
			p.ready.Round(time.Millisecond), used.Seconds(), res.all.Requests, float64(used.Microseconds())/1000/float64(max(res.all.Requests, 1)),
			100*used.Seconds()/o.Duration.Seconds(), mb(now.Now), mb(now.Peak), mb(top.Now), at, mb(top.Anon), mb(top.File),
			cmp.Or(o.MemLimit, os.Getenv("GOMEMLIMIT"), "none"), activeRequests(o.Active))
	}
	split1.since(split0).report(&b, res.all.Requests, len(users))
	fmt.Fprintln(&b)
	res.report(&b, o.Target)
	if p != nil {
		fmt.Fprintf(stdout, "measuring the limits and each kind alone (%d kinds, about %s) …\n", len(plan.kinds), 2*o.Phase*time.Duration(len(plan.kinds)+1))
		lim, err := limits(ctx, o, plan, p, len(users), o.Phase)
		if err != nil {
			return err
		}
		fmt.Fprintln(&b)
		lim.report(&b, res, cpuPerRequest)
	}
	fmt.Fprint(stdout, "\n"+b.String())
	if err := os.MkdirAll(filepath.Dir(o.Out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(o.Out, []byte(b.String()), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nwritten to %s\n", o.Out)
	return nil
}

// loadAverage answers /proc/loadavg's three figures, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// knownUsers answers the addresses of n users of data set data, for a
// server started elsewhere: the demo's content readers of Sør-Trøndelag
// and its coordinator, or the scale data set's first network's coordinator
// and first users.
func knownUsers(data string, n int) []string {
	var out []string
	if data == "scale" {
		out = append(out, "coordinator@scale-network-01.scale.example")
		for i := 0; len(out) < n; i++ {
			out = append(out, fmt.Sprintf("u%02d@scale-no-%04d.scale.example", i%5+1, 101+i/5))
		}
		return out
	}
	orgs := []string{"trondheim", "meldal", "oppdal", "osen", "rissa", "skaun", "afjord"}
	roles := []string{"editor", "viewer", "member", "contributor", "secretary", "owner", "admin"}
	out = append(out, "coordinator@sor-trondelag.example")
	for i := 0; len(out) < n; i++ {
		out = append(out, roles[i/len(orgs)%len(roles)]+"@"+orgs[i%len(orgs)]+".example")
	}
	return out
}

// activeRequests names how many requests the product computed at once.
func activeRequests(n int) string {
	switch {
	case n < 0:
		return "every request computing at once"
	case n == 0:
		return fmt.Sprintf("%d requests computing at once (the default, four a core)", web.DefaultActiveRequests())
	}
	return fmt.Sprintf("%d requests computing at once", n)
}
