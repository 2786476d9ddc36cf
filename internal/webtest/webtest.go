// Package webtest is the harness for a capability's HTTP tests: the real
// gin engine (internal/web) and the real services, composed as the
// program composes them (server.Compose), on a database of the test's own
// from dbtest (SQLite by default, PostgreSQL when SAMVIRKE_TEST_DATABASE_URL
// is set). It makes organisations, networks and users with roles, gives a
// signed-in client per user, captures the mail the outbox sends, and runs
// scenario tables.
//
// What it leaves out is what only a whole program has: a listener of its
// own configuration, the queue's worker and scheduler, the demo data. The
// tests of those stay in internal/server (servertest).
//
// Mail takes the outbox's real path: a service writes it in its
// transaction, the outbox's dispatcher picks it up after commit and hands
// its send task to the outbox's own task handler, which sends it over SMTP
// to a mailtest server. Only the queue between dispatcher and handler is
// replaced by a direct call.
package webtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/mail/mailtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/remind"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
	"github.com/samvirke/samvirke/internal/web"
	webassets "github.com/samvirke/samvirke/web"
)

// Options adjust a harness. The zero value is the system clock and a
// log kept at warning level, shown when the test fails.
type Options struct {
	Clock  app.Clock
	Logger *slog.Logger
	// Deps, when set, adjusts the web server's dependencies before it is
	// built (trusted proxies, a write gate …).
	Deps func(*web.Deps)
}

// Harness is one test's web application: engine, services and database
// (Services.DB, dbtest's, with its tenant guard).
type Harness struct {
	*server.Services
	Web *web.Server
	// URL is where the engine is served, http://127.0.0.1:<port>, without a
	// trailing slash.
	URL string

	tb   testing.TB
	smtp *mailtest.Server
}

var catalog = sync.OnceValues(func() (*i18n.Catalog, error) { return i18n.Load(webassets.FS(""), "locales") })

// New builds the harness on a fresh database; it is stopped when the test
// ends.
func New(tb testing.TB, opts Options) *Harness {
	tb.Helper()
	if opts.Clock == nil {
		opts.Clock = app.SystemClock{}
	}
	var out *servertest.SyncBuffer
	if opts.Logger == nil {
		out = &servertest.SyncBuffer{}
		opts.Logger = slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	cat, err := catalog()
	if err != nil {
		tb.Fatalf("webtest: catalogue: %v", err)
	}
	h := &Harness{tb: tb, smtp: mailtest.Start(tb)}
	sender, err := mail.NewSMTP(h.smtp.Config("samvirke@example.org"))
	if err != nil {
		tb.Fatalf("webtest: mail: %v", err)
	}
	q := &inlineQueue{mux: asynq.NewServeMux()}
	ctx, cancel := context.WithCancel(context.Background())
	bdb := dbtest.Open(tb)
	store := &files.Service{DB: bdb, Blobs: files.Local{Dir: tb.TempDir()}, Clock: opts.Clock, TempDir: tb.TempDir()}
	h.Services, err = server.Compose(ctx, server.Parts{
		DB: bdb, Queue: q, Mail: sender, Clock: opts.Clock, Logger: opts.Logger,
		Catalog: cat, Secret: secret(), Files: store,
	})
	if err != nil {
		cancel()
		tb.Fatalf("webtest: compose: %v", err)
	}
	h.Outbox.RegisterTasks(q.mux)
	(&remind.Tasks{Service: h.Reminders, Dailies: h.Dailies()}).RegisterTasks(q.mux)
	srv := httptest.NewUnstartedServer(nil)
	h.URL = "http://" + srv.Listener.Addr().String()
	h.Accounts.BaseURL = h.URL // links in e-mail
	h.Reminders.BaseURL = h.URL
	h.Calendar.BaseURL = h.URL
	d := h.WebDeps()
	d.Assets, d.Registry, d.BaseURL = webassets.FS(""), prometheus.NewRegistry(), h.URL
	if opts.Deps != nil {
		opts.Deps(&d)
	}
	if h.Web, err = web.New(d); err != nil {
		cancel()
		tb.Fatalf("webtest: web: %v", err)
	}
	srv.Config.Handler = h.Web.Handler()
	srv.Start()
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.Outbox.Run(ctx)
	}()
	tb.Cleanup(func() {
		srv.Close()
		cancel()
		<-done
		if out != nil && tb.Failed() && out.Len() > 0 {
			tb.Logf("webtest: log:\n%s", out.String())
		}
	})
	return h
}

func secret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// inlineQueue hands each task straight to the outbox's task handler, in
// place of Redis and a worker.
type inlineQueue struct{ mux *asynq.ServeMux }

func (q *inlineQueue) EnqueueContext(ctx context.Context, t *asynq.Task, _ ...asynq.Option) (*asynq.TaskInfo, error) {
	// The send handler claims the row, so a task run twice sends once; its
	// errors (a failing SMTP server) are the test's to see in the outbox.
	_ = q.mux.ProcessTask(ctx, t)
	return &asynq.TaskInfo{Type: t.Type()}, nil
}

// --- fixtures -------------------------------------------------------------

// Org makes an organisation of kind (org.KindMunicipality, org.KindNetwork
// …) with a unique slug; opts adjust it first.
func (h *Harness) Org(kind string, opts ...dbtest.OrgOption) *org.Organisation {
	h.tb.Helper()
	return dbtest.MustCreateOrg(h.tb, h.DB, kind, opts...)
}

// Since2016 is the date Join uses when a test does not care.
var Since2016 = time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)

// Join makes member a member of network from joined on.
func (h *Harness) Join(network, member *org.Organisation, joined time.Time) {
	h.tb.Helper()
	dbtest.MustJoinNetwork(h.tb, h.DB, network, member, joined, time.Time{})
}

// User makes a user (password dbtest.Password) with role in o (no
// membership when o is nil); permissions take effect at once.
func (h *Harness) User(o *org.Organisation, role string) *account.User {
	h.tb.Helper()
	u, _ := dbtest.MustCreateUser(h.tb, h.DB, o, role)
	h.reload()
	return u
}

// Member gives an existing user role in o as well.
func (h *Harness) Member(o *org.Organisation, u *account.User, role string) {
	h.tb.Helper()
	dbtest.MustAddMember(h.tb, h.DB, o, u, role)
	h.reload()
}

func (h *Harness) reload() {
	h.tb.Helper()
	if err := h.Authz.Reload(); err != nil {
		h.tb.Fatalf("webtest: reload permissions: %v", err)
	}
}

// --- mail ------------------------------------------------------------------

// Mail answers the messages sent so far.
func (h *Harness) Mail() []mailtest.Received { return h.smtp.Messages() }

// MailTo waits up to fifteen seconds for a message to addr that arrived after
// the previous MailTo for addr returned, and answers the newest; none
// fails the test.
func (h *Harness) MailTo(addr string) mailtest.Received {
	h.tb.Helper()
	return h.smtp.WaitFor(h.tb, addr, 15*time.Second)
}

// MailCountTo counts the messages sent so far with addr among their
// recipients.
func (h *Harness) MailCountTo(addr string) int {
	n := 0
	for _, m := range h.smtp.Messages() {
		for _, to := range m.To {
			if strings.Contains(strings.ToLower(to), strings.ToLower(addr)) {
				n++
			}
		}
	}
	return n
}

// Unsent counts the outbox's messages neither sent nor failed yet.
func (h *Harness) Unsent() int {
	h.tb.Helper()
	var n int
	err := db.Run(context.Background(), h.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		c, err := idb.NewSelect().Table("mail_outbox").Where("sent_at IS NULL AND failed_at IS NULL").Count(ctx)
		n = int(c)
		return err
	})
	if err != nil {
		h.tb.Fatalf("webtest: outbox: %v", err)
	}
	return n
}

// WaitFor polls cond every 20 ms until it holds; after d it fails the
// test.
func (h *Harness) WaitFor(d time.Duration, cond func() bool) {
	h.tb.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			h.tb.Fatalf("webtest: condition not met within %s", d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// SMTP is the server the mail arrives at, for tests that wait longer or
// count.
func (h *Harness) SMTP() *mailtest.Server { return h.smtp }
