// Package outbox is the transactional mail outbox: nothing is sent from
// inside a request's transaction.
//
// A service writes the message with Add in the same transaction as the
// change it reports (an invitation, a reset link, "your password was
// changed"). When that transaction commits, the process's dispatcher (Run)
// enqueues one task per message with a deterministic task id, and the task's
// handler sends it with a mail.Sender and marks the row sent; a sent row is
// never sent again. A rolled-back transaction leaves no row and sends
// nothing. A periodic sweep re-enqueues rows left unsent (Redis was down, or
// the process died between commit and enqueue). Permanent failures (an
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
	// process that dies mid-send frees it after Lease.
	Lease = 5 * time.Minute
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
// whose transaction rolled back are never seen and so never enqueued.
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
		if left := o.Flush(ctx); left == 0 {
			wait = 0
		} else {
			wait = min(2*wait, most)
		}
	}
}

// Flush enqueues every message this process added whose transaction has
// committed, forgets those that waited longer than the dispatcher watches,
// and answers how many still wait. Run calls it; tests may too.
func (o *Outbox) Flush(ctx context.Context) int {
	o.mu.Lock()
	ids := make([]int64, 0, len(o.pending))
	for id := range o.pending {
		ids = append(ids, id)
	}
	o.mu.Unlock()
	if len(ids) == 0 {
		return 0
	}
	var visible []int64
	err := db.Run(ctx, o.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model((*Row)(nil)).Column("id").
			Where("id IN (?) AND sent_at IS NULL AND failed_at IS NULL", bun.In(ids)).Scan(ctx, &visible)
	})
	if err != nil {
		o.Log.Warn("outbox: dispatch", "err", err)
		visible = nil
	}
	for _, id := range visible {
		o.enqueue(ctx, id)
	}
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
	return len(o.pending)
}

// enqueue asks for message id to be sent. A task already queued for it
// (same task id) is fine; any other failure is logged and left to the
// sweep.
func (o *Outbox) enqueue(ctx context.Context, id int64) bool {
	if o.Queue == nil {
		return false
	}
	_, err := o.Queue.EnqueueContext(ctx, NewSendTask(id))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		o.Log.Warn("outbox: enqueue; the sweep will retry", "id", id, "err", err)
		return false
	}
	return true
}

// NewSendTask is the task that sends message id. Its task id is derived
// from the row, so the dispatcher and the sweep cannot queue it twice.
func NewSendTask(id int64) *asynq.Task {
	s := strconv.FormatInt(id, 10)
	return asynq.NewTask(TypeSend, []byte(s), asynq.TaskID("outbox:"+s), asynq.Queue(queue.Critical),
		asynq.MaxRetry(MaxAttempts), asynq.Timeout(2*time.Minute))
}
