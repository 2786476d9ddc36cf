package outbox_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/outbox"
	"github.com/samvirke/samvirke/internal/queue"
)

// recorder is a mail.Sender that keeps what it sends, or fails with err.
type recorder struct {
	mu   sync.Mutex
	sent []mail.Message
	err  error
}

func (r *recorder) Send(_ context.Context, m mail.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	r.sent = append(r.sent, m)
	return nil
}

func (r *recorder) messages() []mail.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]mail.Message(nil), r.sent...)
}

// tasks is a queue.Enqueuer that keeps the tasks, refusing a task id it
// already holds as asynq does.
type tasks struct {
	mu    sync.Mutex
	queue []*asynq.Task
	ids   map[string]bool
	down  error // refuse every task with this error, as Redis away does
	tries int   // calls to EnqueueContext
}

func (q *tasks) EnqueueContext(_ context.Context, t *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.tries++
	if q.down != nil {
		return nil, q.down
	}
	id := "outbox:" + string(t.Payload()) // NewSendTask's own task id, which the task does not expose
	for _, o := range opts {
		if o.Type() == asynq.TaskIDOpt {
			id = o.Value().(string)
		}
	}
	if q.ids == nil {
		q.ids = map[string]bool{}
	}
	if q.ids[id] {
		return nil, asynq.ErrTaskIDConflict
	}
	q.ids[id] = true
	q.queue = append(q.queue, t)
	return &asynq.TaskInfo{ID: id}, nil
}

// run handles and removes every queued task, as a worker would.
func (q *tasks) run(t *testing.T, o *outbox.Outbox) {
	t.Helper()
	q.mu.Lock()
	todo := q.queue
	q.queue, q.ids = nil, nil
	q.mu.Unlock()
	for _, task := range todo {
		if err := o.HandleSend(t.Context(), task); err != nil {
			t.Logf("handle %s: %v", task.Payload(), err)
		}
	}
}

func (q *tasks) setDown(err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.down = err
}

func (q *tasks) attempts() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.tries
}

func (q *tasks) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.queue)
}

type fixture struct {
	db    *bun.DB
	box   *outbox.Outbox
	mail  *recorder
	queue *tasks
	clock *app.FixedClock
	log   *bytes.Buffer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	sealer, err := app.NewSealer("a test key of at least thirty-two characters")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: dbtest.Open(t), mail: &recorder{}, queue: &tasks{}, clock: &app.FixedClock{T: dbtest.Now}, log: &bytes.Buffer{}}
	f.box = &outbox.Outbox{DB: f.db, Queue: f.queue, Mail: f.mail, Sealer: sealer, Clock: f.clock,
		Log: slog.New(slog.NewTextHandler(f.log, nil))}
	return f
}

func message(to string) mail.Message {
	return mail.Message{To: []string{to}, Subject: "Invitasjon til Samvirke – Åfjord", Text: "Hei!\n\nhttps://samvirke.example/invitations/hemmelig-lenke\n"}
}

// write adds m in a transaction that commits when fail is nil.
func (f *fixture) write(t *testing.T, m mail.Message, fail error) error {
	t.Helper()
	return db.RunTx(t.Context(), f.db, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		if err := f.box.Add(ctx, tx, "test.message", m); err != nil {
			return err
		}
		// Before commit the dispatcher sees nothing to enqueue.
		f.box.Flush(ctx)
		if n := f.queue.len(); n != 0 {
			t.Errorf("%d tasks enqueued before the transaction committed", n)
		}
		return fail
	})
}

func (f *fixture) rows(t *testing.T) []outbox.Row {
	t.Helper()
	var rows []outbox.Row
	err := db.Run(t.Context(), f.db, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model(&rows).OrderExpr("id").Scan(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestOutboxSendsAfterCommit: a message written in a transaction is sent
// once that transaction commits, and never when it rolls back.
func TestOutboxSendsAfterCommit(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		if err := f.write(t, message("kari@example.no"), nil); err != nil {
			t.Fatal(err)
		}
		if left := f.box.Flush(t.Context()); left != 0 || f.queue.len() != 1 {
			t.Fatalf("after commit: %d tasks enqueued, %d waiting; want 1 and 0", f.queue.len(), left)
		}
		f.queue.run(t, f.box)
		got := f.mail.messages()
		if len(got) != 1 || got[0].To[0] != "kari@example.no" || got[0].Subject != message("").Subject || got[0].Text != message("").Text {
			t.Fatalf("sent %+v; want the message once", got)
		}
		rows := f.rows(t)
		if len(rows) != 1 || rows[0].SentAt == nil || rows[0].Message != "" || rows[0].ClaimedUntil != nil {
			t.Errorf("row after sending: %+v; want sent, emptied, released", rows)
		}
	})
	t.Run("ErrRolledBack", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		if err := f.write(t, message("kari@example.no"), errors.New("the change failed")); err == nil {
			t.Fatal("the transaction committed")
		}
		f.box.Flush(t.Context())
		f.clock.T = f.clock.T.Add(time.Hour)
		if _, err := f.box.Sweep(t.Context()); err != nil {
			t.Fatal(err)
		}
		f.queue.run(t, f.box)
		if got := f.mail.messages(); len(got) != 0 {
			t.Errorf("a rolled-back transaction sent %d messages", len(got))
		}
		if rows := f.rows(t); len(rows) != 0 {
			t.Errorf("a rolled-back transaction left %d rows", len(rows))
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		if err := f.write(t, mail.Message{To: []string{"not an address"}, Text: "x"}, nil); app.ErrorCode(err) != app.EInvalid {
			t.Errorf("an invalid message: %v; want the transaction to fail as invalid", err)
		}
	})
}

// TestOutboxQueueDown: committed messages the queue refuses are kept by
// the dispatcher and enqueued once the queue takes them again, each once;
// the outage is logged once, not once a retry, and one refusal per flush
// is enough to wait (the rest are not tried one by one).
func TestOutboxQueueDown(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.queue.setDown(errors.New("dial tcp 127.0.0.1:6379: connect: connection refused"))
	for _, to := range []string{"kari@example.no", "ola@example.no"} {
		if err := f.write(t, message(to), nil); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		before := f.queue.attempts()
		if left := f.box.Flush(t.Context()); left != 2 {
			t.Fatalf("flush with the queue down: %d waiting; want both messages kept", left)
		}
		if n := f.queue.attempts() - before; n != 1 {
			t.Errorf("flush with the queue down tried %d tasks; want 1", n)
		}
	}
	if n := bytes.Count(f.log.Bytes(), []byte("the queue refuses messages")); n != 1 {
		t.Errorf("the outage is logged %d times; want once:\n%s", n, f.log)
	}
	f.queue.setDown(nil)
	if left := f.box.Flush(t.Context()); left != 0 || f.queue.len() != 2 {
		t.Fatalf("flush with the queue back: %d waiting, %d queued; want 0 and 2", left, f.queue.len())
	}
	if left := f.box.Flush(t.Context()); left != 0 || f.queue.len() != 2 {
		t.Errorf("a further flush: %d waiting, %d queued; want nothing more", left, f.queue.len())
	}
	f.queue.run(t, f.box)
	if got := f.mail.messages(); len(got) != 2 {
		t.Errorf("sent %d messages; want both, once each", len(got))
	}
}

// TestOutboxWithoutQueue: a one-shot command (no queue) writes its
// messages and leaves them to a worker's sweep; its dispatcher holds none.
func TestOutboxWithoutQueue(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.box.Queue = nil
	if err := f.write(t, message("kari@example.no"), nil); err != nil {
		t.Fatal(err)
	}
	if left := f.box.Flush(t.Context()); left != 0 {
		t.Errorf("flush without a queue: %d waiting; want none held", left)
	}
	if rows := f.rows(t); len(rows) != 1 || rows[0].SentAt != nil {
		t.Errorf("rows: %+v; want the message left unsent for the sweep", rows)
	}
}

// TestOutboxSendsOnce: a message is sent once however often its task runs,
// and the sweep does not queue a sent message again.
func TestOutboxSendsOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if err := f.write(t, message("ola@example.no"), nil); err != nil {
		t.Fatal(err)
	}
	id := f.rows(t)[0].ID
	for range 3 {
		if err := f.box.Deliver(t.Context(), id); err != nil {
			t.Fatal(err)
		}
	}
	f.clock.T = f.clock.T.Add(time.Hour)
	if n, err := f.box.Sweep(t.Context()); err != nil || n != 0 {
		t.Errorf("sweep after sending: %d, %v; want nothing to enqueue", n, err)
	}
	if got := f.mail.messages(); len(got) != 1 {
		t.Errorf("sent %d times; want once", len(got))
	}
}

// TestOutboxSweepSendsWhatWasLeft: a message committed by a process that
// died before enqueueing it (or while Redis was down) is sent by the sweep
// of another process, once it is older than SweepAfter.
func TestOutboxSweepSendsWhatWasLeft(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if err := f.write(t, message("lise@example.dk"), nil); err != nil {
		t.Fatal(err)
	}
	// The writing process dies here: no Flush. Another one sweeps.
	other := &outbox.Outbox{DB: f.db, Queue: f.queue, Mail: f.mail, Sealer: f.box.Sealer, Clock: f.clock, Log: f.box.Log}
	if n, err := other.Sweep(t.Context()); err != nil || n != 0 {
		t.Errorf("sweep at once: %d, %v; want to leave a fresh message to its dispatcher", n, err)
	}
	f.clock.T = f.clock.T.Add(outbox.SweepAfter + time.Second)
	if n, err := other.Sweep(t.Context()); err != nil || n != 1 {
		t.Fatalf("sweep later: %d, %v; want 1", n, err)
	}
	if n, _ := other.Sweep(t.Context()); n != 1 || f.queue.len() != 1 {
		t.Errorf("a second sweep queued the task again (%d tasks)", f.queue.len())
	}
	f.queue.run(t, other)
	if got := f.mail.messages(); len(got) != 1 || got[0].To[0] != "lise@example.dk" {
		t.Errorf("sent %+v; want the left message", got)
	}
	f.clock.T = f.clock.T.Add(outbox.Retention + time.Hour)
	other.Sweep(t.Context())
	if rows := f.rows(t); len(rows) != 0 {
		t.Errorf("%d sent rows kept past the retention", len(rows))
	}
}

// TestOutboxFailures: a transient failure is retried; a permanent one
// (an invalid message, or MaxAttempts used up) is archived, logged and
// never tried again.
func TestOutboxFailures(t *testing.T) {
	t.Parallel()
	t.Run("Transient", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		f.write(t, message("per@example.se"), nil)
		id := f.rows(t)[0].ID
		f.mail.err = errors.New("421 try again later")
		err := f.box.Deliver(t.Context(), id)
		if err == nil || errors.Is(err, asynq.SkipRetry) {
			t.Fatalf("transient failure: %v; want an error to retry", err)
		}
		if r := f.rows(t)[0]; r.ClaimedUntil != nil || r.FailedAt != nil || r.LastError == "" {
			t.Errorf("row after a transient failure: %+v; want released, not failed, with the error", r)
		}
		f.mail.err = nil
		if err := f.box.Deliver(t.Context(), id); err != nil || len(f.mail.messages()) != 1 {
			t.Errorf("retry: %v, %d sent; want sent", err, len(f.mail.messages()))
		}
	})
	t.Run("Permanent", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		f.write(t, message("per@example.se"), nil)
		id := f.rows(t)[0].ID
		f.mail.err = fmt.Errorf("mail: send: %w", app.Errorf(app.EInvalid, "account.error.email"))
		if err := f.box.Deliver(t.Context(), id); !errors.Is(err, asynq.SkipRetry) {
			t.Fatalf("permanent failure: %v; want SkipRetry", err)
		}
		f.mail.err = nil
		f.clock.T = f.clock.T.Add(time.Hour)
		if n, _ := f.box.Sweep(t.Context()); n != 0 {
			t.Errorf("the sweep queued an archived message")
		}
		if r := f.rows(t)[0]; r.FailedAt == nil || r.Message != "" {
			t.Errorf("row: %+v; want failed and emptied", r)
		}
		if !bytes.Contains(f.log.Bytes(), []byte("archived")) {
			t.Errorf("the failure was not logged: %s", f.log)
		}
	})
	t.Run("AttemptsUsedUp", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		f.write(t, message("per@example.se"), nil)
		id := f.rows(t)[0].ID
		f.mail.err = errors.New("connection refused")
		var err error
		for range outbox.MaxAttempts {
			err = f.box.Deliver(t.Context(), id)
		}
		if !errors.Is(err, asynq.SkipRetry) || f.rows(t)[0].FailedAt == nil {
			t.Errorf("after %d attempts: %v; want archived", outbox.MaxAttempts, err)
		}
	})
}

// TestOutboxThroughTheQueue: with a real worker and dispatcher, a committed
// message reaches the sender without anyone calling Flush.
func TestOutboxThroughTheQueue(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	q, err := queue.Open(t.Context(), queue.Options{RedisURL: dbtest.RedisURL(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	f.box.Queue, f.box.Clock = q, app.SystemClock{}
	w, err := queue.NewWorker(q, queue.WorkerOptions{Concurrency: 2, ShutdownTimeout: time.Second}, f.box)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Shutdown)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.box.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	err = db.RunTx(t.Context(), f.db, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		return f.box.Add(ctx, tx, "test.message", message("nils@example.no"))
	})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for len(f.mail.messages()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := f.mail.messages(); len(got) != 1 {
		t.Fatalf("sent %d messages through the queue; want 1", len(got))
	}
}
