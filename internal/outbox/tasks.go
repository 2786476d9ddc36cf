package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/queue"
)

// RegisterTasks adds the send and sweep handlers to mux.
func (o *Outbox) RegisterTasks(mux *asynq.ServeMux) {
	mux.HandleFunc(TypeSend, o.HandleSend)
	mux.HandleFunc(TypeSweep, func(ctx context.Context, _ *asynq.Task) error {
		_, err := o.Sweep(ctx)
		return err
	})
}

// Schedule runs the sweep every minute.
func (o *Outbox) Schedule(s *queue.Scheduler) error {
	return s.Register(queue.Periodic{
		Name: TypeSweep, Spec: "* * * * *", Queue: queue.Default,
		Task: func(int64, time.Time) (*asynq.Task, error) {
			return asynq.NewTask(TypeSweep, nil, asynq.MaxRetry(1)), nil
		},
	})
}

// HandleSend sends the message the task names; see Deliver.
func (o *Outbox) HandleSend(ctx context.Context, t *asynq.Task) error {
	id, err := strconv.ParseInt(string(t.Payload()), 10, 64)
	if err != nil {
		return fmt.Errorf("outbox: bad payload %q: %w", t.Payload(), asynq.SkipRetry)
	}
	return o.Deliver(ctx, id)
}

// Deliver sends message id once. A message already sent, failed, held by
// another handler or never committed is left alone (nil). A transient
// failure answers the error so that the task is retried; a permanent one
// marks the row failed, is logged and answers asynq.SkipRetry, which
// archives the task.
func (o *Outbox) Deliver(ctx context.Context, id int64) error {
	r, ok, err := o.claim(ctx, id)
	if err != nil || !ok {
		return err
	}
	var m mail.Message
	plain, err := o.Sealer.Open(r.Message)
	if err == nil {
		err = json.Unmarshal([]byte(plain), &m)
	}
	if err != nil {
		return o.fail(ctx, r, fmt.Errorf("message does not open: %w", err), false)
	}
	noted := false
	if as, ok := o.Mail.(mail.AcceptedSender); ok {
		// Noted the moment the server accepts, in one statement, before
		// the connection closes: a crash after that sends nothing again.
		err = as.SendAccepted(ctx, m, func() { noted = o.markSent(ctx, r.ID) == nil })
	} else {
		err = o.Mail.Send(ctx, m)
	}
	switch {
	case err == nil && noted:
		return nil
	case err == nil:
		return o.finish(ctx, r.ID, "sent_at = ?, message = ''", o.Clock.Now())
	case app.ErrorCode(err) == app.EInvalid:
		return o.fail(ctx, r, err, false)
	case r.Attempts >= MaxAttempts:
		// Kept (until Retention) so that an operator can send it again
		// once the mail server takes mail (Revive).
		return o.fail(ctx, r, fmt.Errorf("%d attempts: %w", r.Attempts, err), true)
	}
	if ferr := o.finish(ctx, r.ID, "last_error = ?", truncate(err.Error())); ferr != nil {
		o.Log.Warn("outbox: release", "id", r.ID, "err", ferr)
	}
	return fmt.Errorf("outbox: send %d (%s), attempt %d: %w", r.ID, r.Kind, r.Attempts, err)
}

// claim takes message id for Lease, counting an attempt, if it is unsent,
// not failed and not held by another handler.
func (o *Outbox) claim(ctx context.Context, id int64) (*Row, bool, error) {
	now := o.Clock.Now()
	var rows []Row
	err := db.Run(ctx, o.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewRaw(`UPDATE mail_outbox SET claimed_until = ?, attempts = attempts + 1
			WHERE id = ? AND sent_at IS NULL AND failed_at IS NULL AND (claimed_until IS NULL OR claimed_until < ?)
			RETURNING id, kind, message, attempts`, now.Add(Lease), id, now).Scan(ctx, &rows)
	})
	if err != nil {
		return nil, false, fmt.Errorf("outbox: claim %d: %w", id, err)
	}
	if len(rows) == 0 {
		return nil, false, nil
	}
	return &rows[0], true, nil
}

// markSent notes message id as sent in a single statement (no
// transaction around it: mail_outbox is no tenant table).
func (o *Outbox) markSent(ctx context.Context, id int64) error {
	return db.RunBare(ctx, o.DB, func(ctx context.Context, idb bun.IDB) error {
		_, err := idb.NewUpdate().Model((*Row)(nil)).Set("sent_at = ?, message = ''", o.Clock.Now()).
			Set("claimed_until = NULL").Where("id = ?", id).Exec(ctx)
		return err
	})
}

// finish releases the claim on message id and sets set (a SET clause with
// one placeholder) to arg.
func (o *Outbox) finish(ctx context.Context, id int64, set string, arg any) error {
	return db.Run(ctx, o.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		_, err := idb.NewUpdate().Model((*Row)(nil)).Set(set, arg).Set("claimed_until = NULL").
			Where("id = ?", id).Exec(ctx)
		return err
	})
}

// fail archives the message: marked failed, logged, not retried. A
// message that can never be sent is emptied; one that ran out of attempts
// is kept (keep) for Revive.
func (o *Outbox) fail(ctx context.Context, r *Row, cause error, keep bool) error {
	o.Log.Error("outbox: message not sent, archived", "id", r.ID, "kind", r.Kind, "attempts", r.Attempts, "err", cause)
	err := db.Run(ctx, o.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		q := idb.NewUpdate().Model((*Row)(nil)).Set("failed_at = ?", o.Clock.Now()).
			Set("last_error = ?", truncate(cause.Error())).Set("claimed_until = NULL").Where("id = ?", r.ID)
		if !keep {
			q = q.Set("message = ''")
		}
		_, err := q.Exec(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("outbox: mark %d failed: %w", r.ID, err)
	}
	return fmt.Errorf("outbox: %d (%s): %v: %w", r.ID, r.Kind, cause, asynq.SkipRetry)
}

// ReviveTask makes the message of an archived send task sendable again
// (its attempts counted afresh), so that the task, run again by an
// operator, sends it. A message that can never be sent, or one already
// sent, is left as it is. It is the queue's hook before an operator's
// retry of a TypeSend task (queue.Queue.BeforeRetry).
func (o *Outbox) ReviveTask(ctx context.Context, payload []byte) error {
	id, err := strconv.ParseInt(string(payload), 10, 64)
	if err != nil {
		return nil // not ours to judge: the task fails as it would
	}
	return db.RunBare(ctx, o.DB, func(ctx context.Context, idb bun.IDB) error {
		_, err := idb.NewUpdate().Model((*Row)(nil)).Set("failed_at = NULL, attempts = 0, last_error = ''").
			Where("id = ? AND failed_at IS NOT NULL AND sent_at IS NULL AND message <> ''", id).Exec(ctx)
		return err
	})
}

func truncate(s string) string {
	if len(s) > 500 {
		return s[:500]
	}
	return s
}

// Sweep enqueues messages left unsent for longer than SweepAfter and not
// held by a handler (a task already queued for one is not duplicated), and
// removes sent and failed rows older than Retention. It answers how many it
// enqueued.
func (o *Outbox) Sweep(ctx context.Context) (int, error) {
	now := o.Clock.Now()
	var ids []int64
	err := db.Run(ctx, o.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		if _, err := idb.NewDelete().Model((*Row)(nil)).
			Where("sent_at < ? OR failed_at < ?", now.Add(-Retention), now.Add(-Retention)).Exec(ctx); err != nil {
			return err
		}
		return idb.NewSelect().Model((*Row)(nil)).Column("id").
			Where("sent_at IS NULL AND failed_at IS NULL AND created_at < ?", now.Add(-SweepAfter)).
			Where("claimed_until IS NULL OR claimed_until < ?", now).
			OrderExpr("id").Limit(1000).Scan(ctx, &ids)
	})
	if err != nil {
		return 0, fmt.Errorf("outbox: sweep: %w", err)
	}
	n := 0
	for _, id := range ids {
		if o.enqueue(ctx, id) {
			n++
		}
	}
	return n, nil
}
