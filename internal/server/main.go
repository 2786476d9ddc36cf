// Package server is Samvirke's composition root: Main builds every part
// from the configuration (database, queue, services, web, workers), runs
// them and shuts them down in reverse order. cmd/samvirke and the
// end-to-end tests drive it the same way.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/billing"
	"github.com/samvirke/samvirke/internal/config"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/outbox"
	"github.com/samvirke/samvirke/internal/queue"
	"github.com/samvirke/samvirke/internal/remind"
	"github.com/samvirke/samvirke/internal/web"
	"github.com/samvirke/samvirke/internal/workbook"
	"github.com/samvirke/samvirke/tenants"
	webassets "github.com/samvirke/samvirke/web"
)

// Mode says which parts a process runs.
type Mode string

// Modes of the binary's sub-commands.
const (
	ModeServe  Mode = "serve"  // web and workers in one process
	ModeWeb    Mode = "web"    // web only
	ModeWorker Mode = "worker" // workers and scheduler; HTTP for probes only
)

// Main is the running program.
type Main struct {
	Config config.Config
	Mode   Mode
	Logger *slog.Logger
	Out    io.Writer // where the start-up banner goes
	Clock  app.Clock

	DB        *bun.DB
	Queue     *queue.Queue
	Web       *web.Server
	Worker    *queue.Worker
	Scheduler *queue.Scheduler
	Registry  *prometheus.Registry
	Mail      mail.Sender // set before Open to send through it; else from the configuration
	// TuneWorker, set before Open, adjusts the worker's options (tests
	// shorten the retry backoff).
	TuneWorker func(*queue.WorkerOptions)
	*Services

	listener   net.Listener
	httpServer *http.Server
	metricsLn  net.Listener // nil: metrics not served
	metricsSrv *http.Server
	registrars []queue.Registrar
	banner     func() // prints the demo logins once listening
	demoFresh  bool   // the demo was loaded on this start
}

// New returns a Main for cfg, logging and printing its banner to out.
func New(cfg config.Config, mode Mode, out io.Writer) *Main {
	return &Main{Config: cfg, Mode: mode, Out: out, Logger: NewLogger(cfg, out), Clock: app.SystemClock{}}
}

// NewLogger builds the program's slog logger from the log settings.
func NewLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Open builds every part and binds the listen address. Each failure is one
// line naming the setting at fault and what to do.
func (m *Main) Open(ctx context.Context) error {
	cfg := m.Config
	if err := cfg.Validate(); err != nil {
		return err
	}
	if err := cfg.PrepareDataDir(); err != nil {
		return err
	}
	secret, err := cfg.LoadOrCreateSecretKey()
	if err != nil {
		return err
	}
	if err := m.openDB(ctx); err != nil {
		return err
	}
	if err := m.loadCatalogue(ctx); err != nil {
		return err
	}
	m.Queue, err = queue.Open(ctx, queue.Options{
		RedisURL: cfg.RedisURL, SnapshotPath: filepath.Join(cfg.DataDir, "queue.json"), Logger: m.Logger,
	})
	if err != nil {
		return err
	}
	m.Registry = prometheus.NewRegistry()
	m.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	if cfg.Demo && m.Mode != ModeWorker {
		if err := m.loadDemo(ctx); err != nil {
			return err
		}
	}
	assetsDir := ""
	if cfg.DevAssets {
		assetsDir = "web" // templates and catalogues read from disk on each change
	}
	assets := webassets.FS(assetsDir)
	cat, err := i18n.Load(assets, "locales")
	if err != nil {
		return err
	}
	if err := m.openServices(ctx, secret, cat); err != nil {
		return err
	}
	if err := m.loadDemoReminders(ctx); err != nil {
		return err
	}
	if err := m.Billing.EnsureTrials(ctx); err != nil {
		return fmt.Errorf("billing: recording free trials: %w", err)
	}
	if err := m.openWeb(assets); err != nil {
		return err
	}
	if m.Mode != ModeWeb {
		if err := m.openWorker(); err != nil {
			return err
		}
	}
	if err := m.listen(); err != nil {
		return err
	}
	m.Accounts.BaseURL = strings.TrimRight(m.URL(), "/") // links in e-mail
	m.Reminders.BaseURL = m.Accounts.BaseURL
	m.Calendar.BaseURL = m.Accounts.BaseURL
	m.Billing.BaseURL = m.Accounts.BaseURL
	if m.Web != nil {
		m.Web.BaseURL = m.Accounts.BaseURL // links on pages (respondent links)
	}
	if m.banner != nil {
		m.banner()
	}
	return nil
}

func (m *Main) openDB(ctx context.Context) error {
	cfg := m.Config
	dsn := cfg.DatabaseURL
	if cfg.Dialect() == db.SQLite {
		dsn = cfg.SQLitePath()
	}
	dialect := db.DialectOf(dsn)
	if cfg.AutoMigrate {
		murl := cfg.MigrationURL()
		if murl == "" {
			murl = dsn
		}
		if err := migrate(ctx, murl, dialect, m.Logger); err != nil {
			return err
		}
	}
	var err error
	m.DB, err = db.Open(ctx, dsn)
	if err != nil {
		return fmt.Errorf("SAMVIRKE_DATABASE_URL: cannot open %s (%v); check that the database runs and the URL is right", config.Redact(dsn), err)
	}
	st, err := db.Status(ctx, m.DB.DB, dialect)
	if err != nil {
		return fmt.Errorf("SAMVIRKE_DATABASE_URL: cannot read the schema version: %v; run `samvirke migrate`", err)
	}
	if st.Stale() {
		return fmt.Errorf("database schema lacks %s that this binary needs: run `samvirke migrate` (as the schema owner, SAMVIRKE_MIGRATE_DATABASE_URL) and start again", versions(st.Pending))
	}
	if st.Newer() {
		return fmt.Errorf("database schema has %s that this binary does not know: deploy the newer binary", versions(st.Unknown))
	}
	return nil
}

// loadCatalogue makes the national indicator catalogue match the one
// this binary ships (tenants/indicators/*.yaml), on every start.
func (m *Main) loadCatalogue(ctx context.Context) error {
	defs, err := indicator.ReadDefinitions(tenants.Indicators, "indicators")
	if err != nil {
		return err
	}
	return indicator.LoadCatalogue(ctx, m.DB, defs, m.Clock.Now())
}

// versions names migration versions for a message, the first few of many.
func versions(vs []int64) string {
	s := fmt.Sprint(vs)
	if len(vs) > 3 {
		s = fmt.Sprintf("%v … (%d in all)", vs[:3], len(vs))
	}
	if len(vs) == 1 {
		return "migration " + s
	}
	return "migrations " + s
}

// Migrate applies pending migrations to the database at dsn (a postgres://
// URL or a SQLite path) and logs what it did.
func Migrate(ctx context.Context, dsn string, logger *slog.Logger) error {
	return migrate(ctx, dsn, db.DialectOf(dsn), logger)
}

func migrate(ctx context.Context, dsn, dialect string, logger *slog.Logger) error {
	bdb, err := db.Open(ctx, dsn)
	if err != nil {
		return fmt.Errorf("SAMVIRKE_MIGRATE_DATABASE_URL: cannot open %s (%v); check that the database runs and the URL is right", config.Redact(dsn), err)
	}
	defer bdb.Close()
	res, err := db.Migrate(ctx, bdb.DB, dialect)
	if err != nil {
		return fmt.Errorf("migration failed after applying %v (each migration is all or nothing): %w", res.Applied, err)
	}
	if len(res.Applied) > 0 {
		logger.Info("database migrated", "applied", res.Applied, "version", res.Version)
	}
	// Data that new columns need and only Go can make: the HTML of
	// workbook answers saved before they were rendered on save.
	n, err := workbook.RenderMissingHTML(ctx, bdb)
	if err != nil {
		return fmt.Errorf("migration: rendering saved workbook answers: %w", err)
	}
	if n > 0 {
		logger.Info("workbook answers rendered", "entries", n)
	}
	if n, err = workbook.FillSearchText(ctx, bdb); err != nil {
		return fmt.Errorf("migration: making saved workbook answers searchable: %w", err)
	}
	if n > 0 {
		logger.Info("workbook answers made searchable", "entries", n)
	}
	// Once, right after the answers' goals and measures moved into rows:
	// their deadlines and responsible keys read with the Go parser.
	if slices.Contains(res.Applied, measure.MovedToRows) {
		if n, err = measure.Reinterpret(ctx, bdb); err != nil {
			return fmt.Errorf("migration: reading the moved measures' deadlines: %w", err)
		}
		logger.Info("measures' deadlines and responsibles read again", "measures", n)
	}
	return nil
}

// openServices builds the capability services shared by web and workers.
func (m *Main) openServices(ctx context.Context, secret string, cat *i18n.Catalog) error {
	if m.Mail == nil {
		var err error
		if m.Mail, err = m.mailer(); err != nil {
			return err
		}
	}
	fs, err := m.openFiles(ctx)
	if err != nil {
		return err
	}
	var plans *billing.Config
	if m.Config.BillingPlans != "" {
		if plans, err = billing.ReadConfig(m.Config.BillingPlans); err != nil {
			return err
		}
		plans.AccessPoint.Token = m.Config.AccessPointToken
	}
	m.Services, err = Compose(ctx, Parts{DB: m.DB, Queue: m.Queue, Mail: m.Mail, Clock: m.Clock, Logger: m.Logger,
		Catalog: cat, Secret: secret, SSOAllowNetworks: m.Config.SSOAllowedNetworks(), Files: fs,
		Billing: plans, StripeKey: m.Config.StripeSecretKey, StripeAPIBase: m.Config.StripeAPIBase, StripeWebhookSecret: m.Config.StripeWebhookKey})
	return err
}

// mailer sends through SMTP when a host is configured; otherwise it keeps
// the messages as .eml files in the data directory's mail folder.
func (m *Main) mailer() (mail.Sender, error) {
	c := m.Config
	if c.SMTPHost == "" {
		dir := filepath.Join(c.DataDir, "mail")
		m.Logger.Info("no SMTP host configured: e-mail is kept as .eml files in the mail folder", "dir", dir)
		return mail.Folder{Dir: dir}, nil
	}
	s, err := mail.NewSMTP(mail.SMTPConfig{Host: c.SMTPHost, Port: c.SMTPPort, Username: c.SMTPUsername,
		Password: c.SMTPPassword, TLS: c.SMTPTLS, From: c.MailFrom})
	if err != nil {
		return nil, fmt.Errorf("SAMVIRKE_MAIL_FROM / SAMVIRKE_SMTP_*: %w", err)
	}
	return s, nil
}

func (m *Main) openWeb(assets fs.FS) error {
	// Readiness: pages need only the database (with Redis away, background
	// work waits but every page still answers), so web and serve processes
	// stay in service; a worker can do nothing without Redis.
	var ready web.Pinger
	if m.Mode == ModeWorker {
		ready = m.Queue
	}
	d := m.Services.WebDeps()
	d.Queue, d.Assets, d.Registry, d.BaseURL, d.Demo = ready, assets, m.Registry, m.Config.BaseURL, m.Config.Demo
	d.TrustedProxies, d.OpsOnly, d.ActiveRequests = m.Config.TrustedProxies, m.Mode == ModeWorker, m.Config.ActiveRequests
	d.Queues, d.Operators = m.Queue, m.Config.Operators
	// An operator's retry of a message that ran out of attempts sends it.
	m.Queue.BeforeRetry(outbox.TypeSend, m.Outbox.ReviveTask)
	var err error
	m.Web, err = web.New(d)
	return err
}

func (m *Main) openWorker() error {
	accountTasks := &account.Tasks{DB: m.DB, Clock: m.Clock, Logger: m.Logger}
	m.registrars = []queue.Registrar{accountTasks, m.Limiter, m.Outbox}
	m.registrars = append(m.registrars, &indicator.Tasks{Service: m.Indicators, Files: m.Files, Text: m.Catalog.T})
	reminders := &remind.Tasks{Service: m.Reminders, Dailies: m.Services.Dailies()}
	m.registrars = append(m.registrars, reminders, m.Billing)
	var err error
	// Running tasks get two thirds of the shutdown budget; what does not
	// finish in it goes back to the queue and runs again.
	wo := queue.WorkerOptions{
		Concurrency: m.Config.WorkerConcurrency, ShutdownTimeout: m.Config.ShutdownTimeout * 2 / 3,
		Logger: m.Logger, Registerer: m.Registry,
	}
	if m.TuneWorker != nil {
		m.TuneWorker(&wo)
	}
	m.Worker, err = queue.NewWorker(m.Queue, wo, m.registrars...)
	if err != nil {
		return err
	}
	m.Scheduler = queue.NewScheduler(m.Queue, org.Store{DB: m.DB}, m.Clock, m.Logger)
	if err := accountTasks.Schedule(m.Scheduler); err != nil {
		return err
	}
	if err := m.Outbox.Schedule(m.Scheduler); err != nil {
		return err
	}
	if err := reminders.Schedule(m.Scheduler); err != nil {
		return err
	}
	if err := m.Billing.Schedule(m.Scheduler); err != nil {
		return err
	}
	return m.Limiter.Schedule(m.Scheduler)
}

func (m *Main) listen() error {
	l, err := net.Listen("tcp", m.Config.Addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("SAMVIRKE_ADDR: %s is already in use; stop the program using it or choose another address with SAMVIRKE_ADDR", m.Config.Addr)
	}
	if err != nil {
		return fmt.Errorf("SAMVIRKE_ADDR: cannot listen on %s: %v", m.Config.Addr, err)
	}
	m.listener = l
	m.httpServer = &http.Server{
		Handler:           m.Web.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	return m.listenMetrics()
}

// listenMetrics binds SAMVIRKE_METRICS_ADDR, when set, for /metrics. The
// metrics are never served on the public port: they name every route and
// show how busy the service is.
func (m *Main) listenMetrics() error {
	addr := m.Config.MetricsAddr
	if addr == "" {
		return nil
	}
	l, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("SAMVIRKE_METRICS_ADDR: %s is already in use; choose another address, or leave it empty to serve no metrics", addr)
	}
	if err != nil {
		return fmt.Errorf("SAMVIRKE_METRICS_ADDR: cannot listen on %s: %v", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry}))
	m.metricsLn = l
	m.metricsSrv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	return nil
}

// Addr is the address the server listens on (useful with port 0).
func (m *Main) Addr() string { return m.listener.Addr().String() }

// MetricsAddr is the address /metrics is served on, "" when it is not.
func (m *Main) MetricsAddr() string {
	if m.metricsLn == nil {
		return ""
	}
	return m.metricsLn.Addr().String()
}

// URL is where users reach this process.
func (m *Main) URL() string {
	if m.Config.BaseURL != "" && m.Config.BaseURL != "http://"+m.Config.Addr {
		return m.Config.BaseURL
	}
	return "http://" + m.Addr()
}

// Run serves until ctx ends, then shuts down gracefully: it stops
// accepting connections, lets requests in flight finish and running tasks
// finish or go back to the queue, all within the shutdown timeout.
func (m *Main) Run(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() {
		if err := m.httpServer.Serve(m.listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()
	if m.metricsSrv != nil {
		go func() {
			if err := m.metricsSrv.Serve(m.metricsLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
				m.Logger.Error("metrics listener", "err", err)
			}
		}()
	}
	schedCtx, stopSched := context.WithCancel(context.Background())
	defer stopSched()
	var schedDone sync.WaitGroup
	if m.Worker != nil {
		if err := m.Worker.Start(); err != nil {
			return err
		}
		schedDone.Add(1)
		go func() {
			defer schedDone.Done()
			m.Scheduler.Run(schedCtx)
		}()
	}
	// Mail written by this process's transactions is queued once they commit.
	schedDone.Add(1)
	go func() {
		defer schedDone.Done()
		m.Outbox.Run(schedCtx)
	}()
	// Policy changes made by other processes reach this one's enforcer.
	schedDone.Add(1)
	go func() {
		defer schedDone.Done()
		m.Authz.Watch(schedCtx, m.Config.DatabaseURL, time.Minute)
	}()
	m.Logger.Info("samvirke started", "mode", string(m.Mode), "url", m.URL(), "metrics", m.MetricsAddr())

	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	m.Logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), m.Config.ShutdownTimeout-time.Second)
	defer cancel()
	stopSched()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := m.httpServer.Shutdown(sctx); err != nil {
			m.Logger.Warn("http shutdown", "err", err)
		}
		if m.metricsSrv != nil {
			m.metricsSrv.Close() // a scrape needs no grace
		}
	}()
	if m.Worker != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.Worker.Shutdown()
		}()
	}
	wg.Wait()
	schedDone.Wait()
	m.Outbox.Flush(context.Background()) // mail of the last requests; the sweep would catch it too
	m.Logger.Info("stopped")
	return runErr
}

// Close releases everything Open built, in reverse order. The queue is
// closed after the worker has stopped, so the embedded server's snapshot
// holds every task that did not finish.
func (m *Main) Close() error {
	var errs []error
	if m.listener != nil {
		m.listener.Close() // already closed after Run; needed when Run never ran
	}
	if m.metricsLn != nil {
		m.metricsLn.Close()
	}
	if m.Queue != nil {
		errs = append(errs, m.Queue.Close())
	}
	if m.DB != nil {
		errs = append(errs, m.DB.Close())
	}
	return errors.Join(errs...)
}

// OpenDatabase prepares the data directory and opens the database (applying
// migrations when the configuration says so) without starting anything
// else; for one-shot commands such as `tenants apply`.
func (m *Main) OpenDatabase(ctx context.Context) (*bun.DB, error) {
	if m.Config.Embedded() {
		if err := m.Config.PrepareDataDir(); err != nil {
			return nil, err
		}
	}
	if err := m.openDB(ctx); err != nil {
		return nil, err
	}
	return m.DB, nil
}

// OpenAccounts opens the database as OpenDatabase does and builds the
// account service for one-shot commands such as `token create`. The e-mail
// they cause is written to the outbox and sent by a worker's sweep: a
// command has no queue of its own.
func (m *Main) OpenAccounts(ctx context.Context) (*account.Service, error) {
	if _, err := m.OpenDatabase(ctx); err != nil {
		return nil, err
	}
	secret, err := m.Config.LoadOrCreateSecretKey()
	if err != nil {
		return nil, err
	}
	sealer, err := app.NewSealer(secret)
	if err != nil {
		return nil, err
	}
	cat, err := i18n.Load(webassets.FS(""), "locales")
	if err != nil {
		return nil, err
	}
	ob := &outbox.Outbox{DB: m.DB, Sealer: sealer, Clock: m.Clock, Log: m.Logger}
	m.Services = &Services{DB: m.DB, Clock: m.Clock, Logger: m.Logger, Catalog: cat, Outbox: ob, secret: secret}
	m.Accounts = &account.Service{DB: m.DB, Outbox: ob, Sealer: sealer, Clock: m.Clock, Log: m.Logger,
		Text: cat.T, BaseURL: strings.TrimRight(m.Config.BaseURL, "/")}
	return m.Accounts, nil
}
