// Command samvirke is the whole product in one binary: the web server, the
// background workers, migrations and tenant onboarding. Run without
// arguments it serves the embedded default: SQLite and an in-process
// Redis-compatible server under ./data, with the demo organisations.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/config"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/server"
	webassets "github.com/samvirke/samvirke/web"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `Usage: samvirke [command] [flags]

Commands:
  serve                 web server and background workers in one process (default)
  web                   web server only
  worker                background workers and scheduler (probes on SAMVIRKE_ADDR)
  migrate               apply pending database migrations and exit
  tenants apply PATH    create or update organisations from a YAML file or directory
  token create --org SLUG --user EMAIL [--name N] [--scope read|write]
                        create an API token for a member and print it once
  indicators import --source ssb|kolada|dst|scb --file F --map THEIRS=OURS[,…]
                        [--country C] [--region-dim NAME] [--filter DIM=CAT[,…]]
                        store a published response as official figures
  dev gen-scale [--seed N] [--municipalities N] [--networks N] [--users N]
                        build the scale data set (750 municipalities …) in the database
  healthcheck [URL]     exit 0 when the server at URL (default: SAMVIRKE_ADDR) is ready
  version               print the version

Configuration comes from SAMVIRKE_* environment variables; see README.md.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") { // "samvirke -addr :9000" serves
		cmd, args = args[0], args[1:]
	}
	cfg, err := config.FromEnv(os.LookupEnv)
	if err != nil {
		return fail(stderr, err)
	}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (SAMVIRKE_ADDR)")
	fs.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "data directory (SAMVIRKE_DATA_DIR)")
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if v, ok := os.LookupEnv("SAMVIRKE_BASE_URL"); !ok || v == "" {
		cfg.BaseURL = "http://" + cfg.Addr
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	switch cmd {
	case "serve", "web", "worker":
		return serve(ctx, cfg, server.Mode(cmd), stdout, stderr)
	case "migrate":
		return migrate(ctx, cfg, stdout, stderr)
	case "tenants":
		return tenants(ctx, cfg, fs.Args(), stdout, stderr)
	case "token":
		return token(ctx, cfg, fs.Args(), stdout, stderr)
	case "healthcheck":
		return healthcheck(cfg, fs.Args(), stderr)
	case "indicators":
		return indicators(ctx, cfg, fs.Args(), stdout, stderr)
	case "dev":
		return dev(ctx, cfg, fs.Args(), stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "samvirke", version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "samvirke: unknown command %q\n\n%s", cmd, usage)
	return 2
}

// fail prints err, one line per problem, and answers the exit status.
// Errors meant for users (app.Error) read in English here rather than as
// their translation keys.
func fail(w io.Writer, err error) int {
	for _, line := range strings.Split(explain(err), "\n") {
		fmt.Fprintf(w, "samvirke: %s\n", line)
	}
	return 1
}

func explain(err error) string {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var lines []string
		for _, e := range j.Unwrap() {
			lines = append(lines, explain(e))
		}
		return strings.Join(lines, "\n")
	}
	msg := err.Error()
	if ae := app.AsError(err); ae != nil {
		if cat, cerr := i18n.Load(webassets.FS(""), "locales"); cerr == nil {
			text := cat.T("en", ae.Key, argsOf(ae)...)
			if ae.Field != "" {
				text = ae.Field + ": " + text
			}
			msg = strings.Replace(msg, ae.Error(), text, 1)
		}
	}
	return msg
}

func argsOf(ae *app.Error) []any {
	if len(ae.Args) == 0 {
		return nil
	}
	return []any{ae.Args}
}

func serve(ctx context.Context, cfg config.Config, mode server.Mode, stdout, stderr io.Writer) int {
	m := server.New(cfg, mode, stdout)
	if err := m.Open(ctx); err != nil {
		m.Close()
		return fail(stderr, err)
	}
	err := m.Run(ctx)
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(stderr, err)
	}
	return 0
}

func migrate(ctx context.Context, cfg config.Config, stdout, stderr io.Writer) int {
	if err := cfg.Validate(); err != nil {
		return fail(stderr, err)
	}
	// The schema owner's URL decides which database is migrated; without
	// one, the application's database (or the embedded SQLite file).
	dsn := cfg.MigrationURL()
	if dsn == "" || db.DialectOf(dsn) == db.SQLite && cfg.MigrateURL == "" {
		if err := cfg.PrepareDataDir(); err != nil {
			return fail(stderr, err)
		}
		dsn = cfg.SQLitePath()
	}
	if err := server.Migrate(ctx, dsn, server.NewLogger(cfg, stdout)); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintln(stdout, "database schema is up to date")
	return 0
}

// tenants applies organisation definitions: `samvirke tenants apply PATH`.
func tenants(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) int {
	if len(args) != 2 || args[0] != "apply" {
		fmt.Fprint(stderr, "Usage: samvirke tenants apply FILE|DIR\n")
		return 2
	}
	defs, err := org.LoadDefinitions(args[1])
	if err == nil {
		err = org.ValidateDefinitions(defs)
	}
	if err != nil {
		return fail(stderr, err)
	}
	m := server.New(cfg, server.ModeWeb, stdout)
	m.Config.Demo = false
	if err := cfg.Validate(); err != nil {
		return fail(stderr, err)
	}
	bdb, err := m.OpenDatabase(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer bdb.Close()
	res, err := org.Apply(ctx, bdb, defs, time.Now().UTC())
	if err != nil {
		return fail(stderr, err)
	}
	for _, o := range res.Organisations {
		fmt.Fprintf(stdout, "%-12s %-28s %s\n", o.Kind, o.Slug, o.Name)
	}
	fmt.Fprintf(stdout, "%d organisations applied\n", len(res.Organisations))
	return 0
}

// healthcheck asks a running server's /readyz, for container health checks
// in images without curl.
func healthcheck(cfg config.Config, args []string, stderr io.Writer) int {
	url := "http://" + cfg.Addr + "/readyz"
	if len(args) > 0 {
		url = args[0]
	}
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return fail(stderr, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fail(stderr, errors.New(resp.Status))
	}
	return 0
}
