package billing

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/queue"
)

// RegisterTasks adds billing's task handlers to mux.
func (s *Service) RegisterTasks(mux *asynq.ServeMux) {
	mux.HandleFunc(TypeEvent, func(ctx context.Context, t *asynq.Task) error {
		return s.Process(ctx, string(t.Payload()))
	})
	mux.HandleFunc(TypeDeliver, func(ctx context.Context, t *asynq.Task) error {
		o, i, ok := strings.Cut(string(t.Payload()), ":")
		orgID, err1 := strconv.ParseInt(o, 10, 64)
		id, err2 := strconv.ParseInt(i, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return fmt.Errorf("billing: bad payload %q: %w", t.Payload(), asynq.SkipRetry)
		}
		return s.Deliver(ctx, orgID, id)
	})
	mux.HandleFunc(TypeSweep, func(ctx context.Context, _ *asynq.Task) error { return s.Sweep(ctx) })
}

// Schedule runs the sweep every ten minutes.
func (s *Service) Schedule(sc *queue.Scheduler) error {
	return sc.Register(queue.Periodic{Name: TypeSweep, Spec: "*/10 * * * *", Queue: queue.Default,
		Task: func(int64, time.Time) (*asynq.Task, error) {
			return asynq.NewTask(TypeSweep, nil, asynq.MaxRetry(1)), nil
		}})
}

// sweepAfter is how long an event or an e-invoice may wait for its task
// before the sweep queues it again.
const sweepAfter = 5 * time.Minute

// Sweep queues again the events received but not processed and the
// e-invoices not delivered whose tasks were lost (Redis restarted without
// its data, an enqueue that failed after the commit).
func (s *Service) Sweep(ctx context.Context) error {
	if !s.Configured() {
		return nil
	}
	before := s.Clock.Now().Add(-sweepAfter)
	var events []string
	var invoices []*Invoice
	err := db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		if err := idb.NewSelect().Model((*Event)(nil)).Column("id").Where("processed_at IS NULL AND received_at < ?", before).
			OrderExpr("received_at").Limit(500).Scan(ctx, &events); err != nil {
			return err
		}
		if s.Config.AccessPoint.URL == "" {
			return nil
		}
		return idb.NewSelect().Model(&invoices).Column("org_id", "id").
			Where("ubl <> '' AND delivered_at IS NULL AND delivery_error = '' AND updated_at < ?", before).Limit(500).Scan(ctx)
	})
	if err != nil {
		return err
	}
	for _, id := range events {
		if err := s.enqueueEvent(ctx, id); err != nil {
			return err
		}
	}
	for _, inv := range invoices {
		if err := s.enqueueDelivery(ctx, inv.OrgID, inv.ID); err != nil {
			return err
		}
	}
	return nil
}
