package billing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hibiken/asynq"
	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/queue"
)

// MaxWebhookBody is the largest Stripe event accepted, in bytes (an
// invoice with many lines is the largest; Stripe's are far smaller).
const MaxWebhookBody = 512 << 10

// Receive takes one Stripe webhook delivery: it checks the signature
// (400 when bad, nothing stored), keeps the event once by its id and
// hands it to a worker task, so that the endpoint answers at once. A
// delivery of an event already received is answered as received; one
// not yet processed is queued again.
func (s *Service) Receive(ctx context.Context, payload []byte, signature string) error {
	if !s.Configured() {
		return app.Errorf(app.EUnavailable, "billing.error.not_configured")
	}
	ev, err := webhook.ConstructEvent(payload, signature, s.WebhookSecret)
	if err != nil {
		// A wrong API version also lands here: the endpoint in Stripe's
		// dashboard must send events in stripe-go v76's version.
		s.Log.Warn("stripe webhook refused", "err", err, "api_version", stripe.APIVersion)
		return app.Errorf(app.EInvalid, "billing.error.signature").Wrap(err)
	}
	if ev.ID == "" || len(ev.ID) > 255 {
		return app.Errorf(app.EInvalid, "billing.error.signature")
	}
	now := s.Clock.Now()
	row := &Event{ID: ev.ID, Type: string(ev.Type), Created: time.Unix(ev.Created, 0).UTC(), ReceivedAt: now, Payload: string(payload)}
	var processed bool
	err = db.RunBare(ctx, s.DB, func(ctx context.Context, idb bun.IDB) error {
		if _, err := idb.NewInsert().Model(row).On("CONFLICT (id) DO NOTHING").Exec(ctx); err != nil {
			return err
		}
		var got Event
		if err := idb.NewSelect().Model(&got).Column("processed_at").Where("id = ?", ev.ID).Scan(ctx); err != nil {
			return err
		}
		processed = got.ProcessedAt != nil
		return nil
	})
	if err != nil || processed {
		return err
	}
	return s.enqueueEvent(ctx, ev.ID)
}

// Metadata keys Samvirke puts on its Stripe customers, subscriptions
// and Checkout sessions.
const (
	MetaOrg  = "samvirke_org_id"
	MetaPlan = "samvirke_plan"
)

// Task types.
const (
	TypeEvent   = "billing:event"   // process one Stripe event
	TypeDeliver = "billing:deliver" // send one e-invoice to the access point
	TypeSweep   = "billing:sweep"   // queue again what a lost task left behind
)

func (s *Service) enqueueEvent(ctx context.Context, id string) error {
	_, err := s.Queue.EnqueueContext(ctx, asynq.NewTask(TypeEvent, []byte(id)), asynq.TaskID("billing-event-"+id),
		asynq.Queue(queue.Critical), asynq.MaxRetry(25))
	if errors.Is(err, asynq.ErrTaskIDConflict) || errors.Is(err, asynq.ErrDuplicateTask) {
		return nil
	}
	return err
}

func (s *Service) enqueueDelivery(ctx context.Context, orgID, invoiceID int64) error {
	payload := strconv.FormatInt(orgID, 10) + ":" + strconv.FormatInt(invoiceID, 10)
	_, err := s.Queue.EnqueueContext(ctx, asynq.NewTask(TypeDeliver, []byte(payload)), asynq.TaskID("billing-deliver-"+payload),
		asynq.Queue(queue.Default), asynq.MaxRetry(20))
	if errors.Is(err, asynq.ErrTaskIDConflict) || errors.Is(err, asynq.ErrDuplicateTask) {
		return nil
	}
	return err
}

// errNotOurs marks an event about a customer or subscription Samvirke does
// not know (another product on the same Stripe account): recorded with
// the reason, not retried.
var errNotOurs = errors.New("not an organisation's")

// Process applies the Stripe event id once: the first task to mark it
// processed applies it in the same transaction; a second finds it marked
// and does nothing. Subscription events change the state only when they
// are newer than the state stored (see applySubscription), so their
// arrival order does not matter.
func (s *Service) Process(ctx context.Context, id string) error {
	now := s.Clock.Now()
	var deliver []*Invoice
	err := db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		deliver = nil
		res, err := tx.NewUpdate().Model((*Event)(nil)).Set("processed_at = ?", now).
			Where("id = ? AND processed_at IS NULL", id).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // processed before, or never received
		}
		var row Event
		if err := tx.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
			return err
		}
		var ev stripe.Event
		if err := json.Unmarshal([]byte(row.Payload), &ev); err != nil || ev.Data == nil {
			return s.markEvent(ctx, tx, id, nil, fmt.Sprintf("unreadable event: %v", err))
		}
		orgID, inv, err := s.apply(ctx, tx, &ev, time.Unix(ev.Created, 0).UTC())
		if errors.Is(err, errNotOurs) {
			s.Log.Info("stripe event not about an organisation", "event", id, "type", ev.Type, "err", err)
			return s.markEvent(ctx, tx, id, nil, err.Error())
		}
		if err != nil {
			return err
		}
		if inv != nil {
			deliver = append(deliver, inv)
		}
		return s.markEvent(ctx, tx, id, orgID, "")
	})
	if err != nil {
		return err
	}
	for _, inv := range deliver {
		if err := s.enqueueDelivery(ctx, inv.OrgID, inv.ID); err != nil {
			s.Log.Warn("billing: queueing an e-invoice failed; the sweep queues it again", "invoice", inv.ID, "err", err)
		}
	}
	return nil
}

func (s *Service) markEvent(ctx context.Context, tx bun.Tx, id string, orgID *int64, problem string) error {
	_, err := tx.NewUpdate().Model((*Event)(nil)).Set("org_ref = ?", orgID).Set("error = ?", problem).Where("id = ?", id).Exec(ctx)
	return err
}
