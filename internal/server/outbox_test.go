package server_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/mail/mailtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/outbox"
	"github.com/samvirke/samvirke/internal/queue"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
)

// redisServer is a redis-server process of the test's own, on a port of its
// own, that the test stops and starts again: a real Redis going away,
// whichever backends the suite runs on.
type redisServer struct {
	bin, dir string
	port     int
	cmd      *exec.Cmd
	exited   chan struct{}
}

// startRedisServer starts redis-server on a free port of 127.0.0.1 (without
// persistence) and stops it when the test ends. A missing redis-server fails
// the test: the test command (.ci/test) installs it.
func startRedisServer(t *testing.T) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server is not installed (%v): this test needs a real Redis it can stop; install Debian's redis-server package, or run .ci/test, which does", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	r := &redisServer{bin: bin, dir: t.TempDir(), port: port}
	r.start(t)
	t.Cleanup(func() { r.stop(t) })
	return r
}

// URL is the server's redis:// URL.
func (r *redisServer) URL() string { return "redis://127.0.0.1:" + strconv.Itoa(r.port) + "/0" }

// start runs the server on its port and waits until it answers PING.
func (r *redisServer) start(t *testing.T) {
	t.Helper()
	logFile := filepath.Join(r.dir, "redis.log")
	r.cmd = exec.Command(r.bin, "--bind", "127.0.0.1", "--port", strconv.Itoa(r.port),
		"--save", "", "--appendonly", "no", "--dir", r.dir, "--logfile", logFile)
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	r.exited = make(chan struct{})
	go func(cmd *exec.Cmd, exited chan struct{}) { cmd.Wait(); close(exited) }(r.cmd, r.exited)
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + strconv.Itoa(r.port), MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return
		}
		select {
		case <-r.exited:
			b, _ := os.ReadFile(logFile)
			t.Fatalf("redis-server on port %d exited: %s", r.port, b)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on port %d does not answer: %v", r.port, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop ends the server (SIGTERM) and waits until it has exited. Stopping
// a stopped server does nothing.
func (r *redisServer) stop(t *testing.T) {
	t.Helper()
	if r.cmd == nil {
		return
	}
	r.cmd.Process.Signal(os.Interrupt)
	select {
	case <-r.exited:
	case <-time.After(10 * time.Second):
		r.cmd.Process.Kill()
		<-r.exited
	}
	r.cmd = nil
}

// TestOutboxRedisDown: with the program's Redis stopped, an administrator
// still invites a colleague through the form; no mail leaves while Redis
// is away, and once the same Redis is back the invitation arrives at the
// SMTP server exactly once.
func TestOutboxRedisDown(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	rds := startRedisServer(t)
	cfg := mailConfig(servertest.NewEnv(t).Config(), smtp.Port())
	cfg.RedisURL = rds.URL()
	r := servertest.Open(t, cfg, server.ModeServe).Run(t)
	o := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	admin, _ := dbtest.MustCreateUser(t, r.DB, o, "admin")
	r.Authz.Reload()
	base := r.URL()
	ac := sessionClient(t, r.DB, base, admin)

	rds.stop(t)
	invitee := "invitert-" + o.Slug + "@example.org"
	start := time.Now()
	code, body := post(t, ac, base+"/o/"+o.Slug+"/admin/invitations", url.Values{"email": {invitee}, "role": {"editor"}})
	if code != http.StatusSeeOther {
		t.Fatalf("invitation with Redis stopped: %d %.300s; want 303", code, body)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("invitation with Redis stopped took %s; want an answer at once", took)
	}
	if code, _ := get(t, ac, base+"/o/"+o.Slug+"/admin/members"); code != http.StatusOK {
		t.Errorf("members page with Redis stopped: %d; want 200", code)
	}
	time.Sleep(3 * time.Second) // the dispatcher tries, and fails, to queue it
	if n := len(smtp.Messages()); n != 0 {
		t.Fatalf("%d messages arrived while Redis was stopped", n)
	}
	if n := unsent(t, r.DB); n != 1 {
		t.Fatalf("%d unsent messages in the outbox while Redis is stopped; want the invitation", n)
	}
	if n := strings.Count(r.Output(), "outbox: the queue refuses messages"); n != 1 {
		t.Errorf("the log says %d times that the queue refuses messages; want once, not once a retry", n)
	}

	rds.start(t)
	got := smtp.WaitFor(t, invitee, 30*time.Second)
	if len(got.Links()) == 0 || !strings.Contains(got.Links()[0], "/invitations/") {
		t.Errorf("the invitation arrived without its link: %q", got.Text)
	}
	time.Sleep(3 * time.Second) // a duplicate would come from the sweep or a second task
	if n := countTo(smtp, invitee); n != 1 {
		t.Errorf("the invitation arrived %d times; want exactly once", n)
	}
	if n := unsent(t, r.DB); n != 0 {
		t.Errorf("%d messages left unsent", n)
	}
}

// TestOutboxRolledBackSendsNothing: on the running program (real queue,
// real SMTP server), a transaction that fails after writing a message to
// the outbox leaves no row and sends nothing, while a committed one beside
// it is sent.
func TestOutboxRolledBackSendsNothing(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	r := servertest.Open(t, mailConfig(servertest.NewEnv(t).Config(), smtp.Port()), server.ModeServe).Run(t)
	ctx := context.Background()
	msg := func(to string) mail.Message {
		return mail.Message{To: []string{to}, Subject: "Samvirke", Text: "Hei!\n"}
	}
	failed := errors.New("the change failed after the outbox was written")
	err := db.RunTx(ctx, r.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		if err := r.Outbox.Add(ctx, tx, "test.rolled_back", msg("rullet-tilbake@example.org")); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("transaction: %v; want it to fail", err)
	}
	err = db.RunTx(ctx, r.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		return r.Outbox.Add(ctx, tx, "test.committed", msg("fullfort@example.org"))
	})
	if err != nil {
		t.Fatal(err)
	}
	smtp.WaitFor(t, "fullfort@example.org", 15*time.Second)
	if n, err := r.Outbox.Sweep(ctx); err != nil || n != 0 {
		t.Errorf("sweep: %d, %v; want nothing left to send", n, err)
	}
	time.Sleep(time.Second)
	if n := countTo(smtp, "rullet-tilbake@example.org"); n != 0 {
		t.Errorf("a rolled-back transaction sent %d messages", n)
	}
	var rows int
	db.Run(ctx, r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		n, err := idb.NewSelect().Table("mail_outbox").Where("kind = ?", "test.rolled_back").Count(ctx)
		rows = int(n)
		return err
	})
	if rows != 0 {
		t.Errorf("a rolled-back transaction left %d outbox rows", rows)
	}
}

// TestOutboxFailureRetriedThenArchived: on the running program, a message
// the SMTP server cannot take is retried by the queue with backoff (its
// next attempt pushed into the future, the error kept on the row), and when
// its attempts are used up it ends archived: the task in the queue's
// archive, the row marked failed and emptied, the failure in the log.
func TestOutboxFailureRetriedThenArchived(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().(*net.TCPAddr).Port // nothing listens there: every send fails
	l.Close()
	r := servertest.Open(t, mailConfig(servertest.NewEnv(t).Config(), closed), server.ModeServe).Run(t)
	o := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	admin, _ := dbtest.MustCreateUser(t, r.DB, o, "admin")
	r.Authz.Reload()
	base := r.URL()
	ac := sessionClient(t, r.DB, base, admin)
	invitee := "invitert-" + o.Slug + "@example.org"
	if code, body := post(t, ac, base+"/o/"+o.Slug+"/admin/invitations", url.Values{"email": {invitee}, "role": {"editor"}}); code != http.StatusSeeOther {
		t.Fatalf("invitation: %d %.300s; want 303", code, body)
	}
	row := func() outbox.Row {
		t.Helper()
		var rows []outbox.Row
		err := db.Run(context.Background(), r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
			return idb.NewSelect().Model(&rows).Where("kind = ?", "account.invitation").Scan(ctx)
		})
		if err != nil || len(rows) != 1 {
			t.Fatalf("invitation rows in the outbox: %d, %v; want 1", len(rows), err)
		}
		return rows[0]
	}
	taskID := "outbox:" + strconv.FormatInt(row().ID, 10)
	task := func() *asynq.TaskInfo {
		info, err := r.Queue.Inspector.GetTaskInfo(queue.Critical, taskID)
		if err != nil {
			return &asynq.TaskInfo{}
		}
		return info
	}

	waitFor(t, 15*time.Second, func() bool { return task().State == asynq.TaskStateRetry })
	info := task()
	if info.Retried != 1 || info.LastErr == "" || time.Until(info.NextProcessAt) < 10*time.Second {
		t.Errorf("task after the first failure: retried %d, next attempt in %s, last error %q; want a retry at least 10 s later, with the error",
			info.Retried, time.Until(info.NextProcessAt).Round(time.Second), info.LastErr)
	}
	if got := row(); got.Attempts != 1 || got.LastError == "" || got.FailedAt != nil || got.SentAt != nil || got.ClaimedUntil != nil {
		t.Errorf("row after the first failure: %+v; want 1 attempt, the error, released, neither sent nor failed", got)
	}

	// Every attempt but the last used up: the next run archives it.
	err = db.Run(context.Background(), r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		_, err := idb.NewUpdate().Table("mail_outbox").Set("attempts = ?", outbox.MaxAttempts-1).Where("id = ?", row().ID).Exec(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Queue.Inspector.RunTask(queue.Critical, taskID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 15*time.Second, func() bool { return task().State == asynq.TaskStateArchived })
	// Kept, sealed, so that an operator's «Retry now» sends it once the
	// server takes mail (the sweep empties it after outbox.Retention).
	if got := row(); got.FailedAt == nil || got.Message == "" || strings.Contains(got.Message, invitee) || got.Attempts != outbox.MaxAttempts {
		t.Errorf("row after the last attempt: %+v; want failed after %d attempts and kept sealed", got, outbox.MaxAttempts)
	}
	if out := r.Output(); !strings.Contains(out, "outbox: message not sent, archived") || !strings.Contains(out, "account.invitation") {
		t.Errorf("the archived message is not in the log:\n%s", out)
	}
	if strings.Contains(r.Output(), invitee) {
		t.Errorf("the log names the recipient")
	}
}
