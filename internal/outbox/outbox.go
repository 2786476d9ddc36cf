// Package outbox is the transactional mail outbox: nothing is sent from
// inside a request's transaction.
//
// A service writes the message with Add in the same transaction as the
// change it reports (an invitation, a reset link, "your password was
// changed"). When that transaction commits, the process's dispatcher (Run)
// enqueues one task per message with a deterministic task id, and the task's
// handler sends it with a mail.Sender and marks the row sent; a sent row is
// never sent again. A rolled-back transaction leaves no row and sends
// nothing. While Redis is down the dispatcher keeps the committed messages
// it could not enqueue and tries again with backoff, so they leave within
// seconds of Redis coming back; a periodic sweep re-enqueues rows left
// unsent by anyone (the process died between commit and enqueue, or held
// too many). Permanent failures (an
// invalid message, a sealed message that no longer opens, MaxAttempts used
// up) end archived: the row is marked failed and the failure is logged.
//
// Messages often carry one-time links, so the stored message is sealed with
// the program's secret key and emptied once sent; nothing here logs a
// message or its recipient.
package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/queue"
)

// Task types.
const (
	TypeSend  = "outbox:send"
	TypeSweep = "outbox:sweep"
)

// Tuning of delivery.
const (
	// MaxAttempts bounds how often one message is tried; then it is
	// archived as failed.
	MaxAttempts = 12
	// Lease is how long a handler holds a message while sending it; a
	// process that dies mid-send frees it after Lease. It outlasts the
	// send task's timeout (sendTimeout), so a slow send is never taken
	// over while it may still succeed.
	Lease = time.Minute
	// sendTimeout bounds one attempt (the SMTP client bounds each
	// exchange at 10 s).
	sendTimeout = 45 * time.Second
	// SweepAfter is how old an unsent message must be before the sweep
	// enqueues it, so that it does not race the dispatcher of the process
	// that wrote it.
	SweepAfter = 30 * time.Second
	// Retention is how long sent and failed rows are kept (emptied).
	Retention = 7 * 24 * time.Hour
	// commitWait is how long the dispatcher watches for a written message
	// to become visible (its transaction to commit); after that the sweep
	// takes over.
	commitWait = 30 * time.Second
	// maxHeld bounds how many committed messages the dispatcher keeps in
	// memory while the queue refuses them; beyond it the sweep sends them.
	maxHeld = 10000
	// retryMost is the longest the dispatcher waits between attempts to
	// reach a queue that refused a message.
	retryMost = 5 * time.Second
)

// Row is one message in the outbox table.
type Row struct {
	bun.BaseModel `bun:"table:mail_outbox"`

	ID           int64  `bun:",pk,autoincrement"`
	Kind         string `bun:",notnull"` // what the message is, for logs: "account.invitation"
	Message      string `bun:",notnull"` // sealed JSON of the mail.Message; "" once sent
	CreatedAt    time.Time
	Attempts     int `bun:",notnull"`
	ClaimedUntil *time.Time
	SentAt       *time.Time
	FailedAt     *time.Time
	LastError    string `bun:",notnull"`
}

// Outbox writes messages into transactions and sends them after commit.
// Set the exported fields, then use it from any goroutine.
type Outbox struct {
	DB *bun.DB
	// Queue is where send tasks go; nil in one-shot commands, whose
	// messages a worker's sweep sends.
	Queue  queue.Enqueuer
	Mail   mail.Sender
	Sealer *app.Sealer
	Clock  app.Clock
	Log    *slog.Logger

	mu      sync.Mutex
	pending map[int64]time.Time // written by this process, waiting for their commit: deadline
	held    map[int64]bool      // committed, but the queue refused them: tried again
	down    bool                // the last attempt to enqueue failed
	kick    chan struct{}
}

// Add writes m to the outbox within idb, the caller's transaction, so that
// it is sent if and only if that transaction commits. kind names the
// message for logs. An invalid m answers its Validate error (code invalid)
// and writes nothing.
func (o *Outbox) Add(ctx context.Context, idb bun.IDB, kind string, m mail.Message) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("outbox: %s: %w", kind, err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("outbox: %s: %w", kind, err)
	}
	r := &Row{Kind: kind, Message: o.Sealer.Seal(string(b)), CreatedAt: o.Clock.Now()}
	if _, err := idb.NewInsert().Model(r).Exec(ctx); err != nil {
		return fmt.Errorf("outbox: %s: %w", kind, err)
	}
	o.remember(r.ID)
	return nil
}

func (o *Outbox) remember(id int64) {
	o.mu.Lock()
	if o.pending == nil {
		o.pending = map[int64]time.Time{}
	}
	o.pending[id] = time.Now().Add(commitWait)
	k := o.kickChan()
	o.mu.Unlock()
	select {
	case k <- struct{}{}:
	default: // a kick is already waiting
	}
}

// kickChan answers the dispatcher's wake-up channel; o.mu must be held.
func (o *Outbox) kickChan() chan struct{} {
	if o.kick == nil {
		o.kick = make(chan struct{}, 1)
	}
	return o.kick
}

// Run is the dispatcher: until ctx ends, it enqueues the messages this
// process added as soon as their transactions have committed. Messages
// whose transaction rolled back are never seen and so never enqueued. When
// the queue refuses a committed message (Redis is down), Run tries again
// with backoff up to a few seconds apart until the queue takes it.
func (o *Outbox) Run(ctx context.Context) {
	o.mu.Lock()
	kick := o.kickChan()
	o.mu.Unlock()
	const first, most = 5 * time.Millisecond, time.Second
	wait := time.Duration(0)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		if wait > 0 {
			timer.Reset(wait)
		}
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-kick:
			timer.Stop()
			wait = first // the commit usually follows within milliseconds
			continue
		case <-timer.C:
		}
		left := o.Flush(ctx)
		switch {
		case left == 0:
			wait = 0
		case o.queueDown():
			wait = min(max(2*wait, first), retryMost)
		default:
			wait = min(2*wait, most)
		}
	}
}

// Flush enqueues every message this process added whose transaction has
// committed, and those the queue refused before; forgets those that waited
// longer than the dispatcher watches; and answers how many still wait (for
// their commit or for the queue). Run calls it; tests may too.
func (o *Outbox) Flush(ctx context.Context) int {
	o.mu.Lock()
	ids := make([]int64, 0, len(o.pending))
	for id := range o.pending {
		ids = append(ids, id)
	}
	todo := make([]int64, 0, len(o.held))
	for id := range o.held {
		todo = append(todo, id)
	}
	o.mu.Unlock()
	var visible []int64
	if len(ids) > 0 {
		err := db.Run(ctx, o.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
			return idb.NewSelect().Model((*Row)(nil)).Column("id").
				Where("id IN (?) AND sent_at IS NULL AND failed_at IS NULL", bun.In(ids)).Scan(ctx, &visible)
		})
		if err != nil {
			o.Log.Warn("outbox: dispatch", "err", err)
			visible = nil
		}
	}
	if o.Queue != nil {
		todo = append(todo, visible...)
	} // else a one-shot command: a worker's sweep sends them
	queued, err := o.enqueueAll(ctx, todo)
	now := time.Now()
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, id := range visible {
		delete(o.pending, id)
	}
	for id, deadline := range o.pending {
		if now.After(deadline) {
			delete(o.pending, id) // rolled back, or left to the sweep
		}
	}
	if o.held == nil {
		o.held = map[int64]bool{}
	}
	for i, id := range todo {
		if i < queued {
			delete(o.held, id)
		} else if len(o.held) < maxHeld || o.held[id] {
			o.held[id] = true
		} // else: left to the sweep
	}
	o.noteQueue(err, queued)
	return len(o.pending) + len(o.held)
}

// enqueueAll enqueues ids in order and answers how many it enqueued; it
// stops at the first failure, which it answers: the queue is down, and the
// rest would wait for it one by one.
func (o *Outbox) enqueueAll(ctx context.Context, ids []int64) (int, error) {
	for i, id := range ids {
		if err := o.enqueueOne(ctx, id); err != nil {
			return i, err
		}
	}
	return len(ids), nil
}

// noteQueue logs when the queue starts refusing messages and when it takes
// them again, once each rather than once a retry; o.mu must be held.
func (o *Outbox) noteQueue(err error, queued int) {
	switch {
	case err != nil && !o.down:
		o.Log.Warn("outbox: the queue refuses messages; they wait and are tried again", "waiting", len(o.held), "err", err)
	case err == nil && o.down:
		o.Log.Info("outbox: the queue takes messages again", "queued", queued)
	}
	o.down = err != nil
}

func (o *Outbox) queueDown() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.down
}

// enqueue asks for message id to be sent, for the sweep. A task already
// queued for it (same task id) is fine; any other failure is logged and
// left to the next sweep.
func (o *Outbox) enqueue(ctx context.Context, id int64) bool {
	if o.Queue == nil {
		return false
	}
	if err := o.enqueueOne(ctx, id); err != nil {
		o.Log.Warn("outbox: enqueue; the sweep will retry", "id", id, "err", err)
		return false
	}
	return true
}

// enqueueOne enqueues the send task of message id; a task already queued
// for it (same task id) counts as enqueued.
func (o *Outbox) enqueueOne(ctx context.Context, id int64) error {
	_, err := o.Queue.EnqueueContext(ctx, NewSendTask(id))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return err
	}
	return nil
}

// NewSendTask is the task that sends message id. Its task id is derived
// from the row, so the dispatcher and the sweep cannot queue it twice.
func NewSendTask(id int64) *asynq.Task {
	s := strconv.FormatInt(id, 10)
	return asynq.NewTask(TypeSend, []byte(s), asynq.TaskID("outbox:"+s), asynq.Queue(queue.Critical),
		asynq.MaxRetry(MaxAttempts), asynq.Timeout(sendTimeout))
}
