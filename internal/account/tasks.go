package account

import (
	"context"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/queue"
)

// TypeSessionCleanup removes expired sessions.
const TypeSessionCleanup = "account:session_cleanup"

// Tasks is the account package's background work.
type Tasks struct {
	DB     bun.IDB
	Clock  app.Clock
	Logger *slog.Logger
}

// RegisterTasks adds the account handlers to mux.
func (t *Tasks) RegisterTasks(mux *asynq.ServeMux) {
	mux.HandleFunc(TypeSessionCleanup, t.HandleSessionCleanup)
}

// Schedule registers the periodic jobs: session clean-up every hour.
func (t *Tasks) Schedule(s *queue.Scheduler) error {
	return s.Register(queue.Periodic{
		Name: TypeSessionCleanup, Spec: "17 * * * *", Queue: queue.Low,
		Task: func(int64, time.Time) (*asynq.Task, error) {
			return asynq.NewTask(TypeSessionCleanup, nil, asynq.MaxRetry(3)), nil
		},
	})
}

// HandleSessionCleanup deletes sessions past their timeouts and pending
// sign-ins past their time; running it twice is harmless.
func (t *Tasks) HandleSessionCleanup(ctx context.Context, _ *asynq.Task) error {
	n, err := DeleteExpiredSessions(ctx, t.DB, t.Clock.Now())
	if err != nil {
		return err
	}
	if n > 0 {
		t.Logger.Info("expired sessions removed", "count", n)
	}
	if _, err := DeleteExpiredPendingSignIns(ctx, t.DB, t.Clock.Now()); err != nil {
		return err
	}
	_, err = DeleteOldSignInEvents(ctx, t.DB, t.Clock.Now().Add(-SignInEventRetention))
	return err
}

// SignInEventRetention is how long the record of each sign-in attempt
// (auth_events) is kept: long enough to look into an incident, short
// enough that attempts from anywhere cannot fill the disk.
const SignInEventRetention = 90 * 24 * time.Hour

// DeleteOldSignInEvents removes sign-in attempts recorded before before
// and answers how many.
func DeleteOldSignInEvents(ctx context.Context, idb bun.IDB, before time.Time) (int64, error) {
	res, err := idb.NewDelete().Model((*authEvent)(nil)).Where("at < ?", before).Exec(ctx)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
