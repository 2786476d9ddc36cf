package billing

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// apply changes the stored state by one event made at created; it answers
// the organisation concerned and an invoice to send to the access point.
func (s *Service) apply(ctx context.Context, tx bun.Tx, ev *stripe.Event, created time.Time) (*int64, *Invoice, error) {
	switch ev.Type {
	case "checkout.session.completed":
		var cs stripe.CheckoutSession
		if err := json.Unmarshal(ev.Data.Raw, &cs); err != nil {
			return nil, nil, fmt.Errorf("%w: unreadable session: %v", errNotOurs, err)
		}
		orgID, err := s.orgOf(ctx, tx, map[string]string{MetaOrg: cs.ClientReferenceID}, cs.Customer)
		if err != nil {
			return nil, nil, err
		}
		acc, err := lockAccount(ctx, tx, orgID, s.Clock.Now())
		if err != nil {
			return nil, nil, err
		}
		if acc.CustomerID == "" && cs.Customer != nil {
			acc.CustomerID = cs.Customer.ID
		}
		if cs.Subscription != nil && cs.Subscription.ID != acc.SubscriptionID && (acc.SubscriptionID == "" || ended(acc.Status)) {
			acc.SubscriptionID, acc.Status, acc.Collection, acc.StateAt = cs.Subscription.ID, "", CollectCard, nil
			acc.PastDueSince, acc.CanceledAt = nil, nil
		}
		acc.UpdatedAt = s.Clock.Now()
		return &orgID, nil, saveAccount(ctx, tx, acc)
	case "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
		"customer.subscription.paused", "customer.subscription.resumed":
		var sub stripe.Subscription
		if err := json.Unmarshal(ev.Data.Raw, &sub); err != nil || sub.ID == "" {
			return nil, nil, fmt.Errorf("%w: unreadable subscription: %v", errNotOurs, err)
		}
		orgID, err := s.orgOf(ctx, tx, sub.Metadata, sub.Customer)
		if err != nil {
			return nil, nil, err
		}
		return &orgID, nil, s.applySubscription(ctx, tx, orgID, &sub, ev.Type == "customer.subscription.deleted", created)
	case "invoice.finalized", "invoice.paid", "invoice.payment_failed", "invoice.payment_succeeded",
		"invoice.voided", "invoice.marked_uncollectible", "invoice.updated":
		var inv stripe.Invoice
		if err := json.Unmarshal(ev.Data.Raw, &inv); err != nil || inv.ID == "" {
			return nil, nil, fmt.Errorf("%w: unreadable invoice: %v", errNotOurs, err)
		}
		var meta map[string]string
		if inv.Subscription != nil {
			meta = inv.Subscription.Metadata
		}
		orgID, err := s.orgOf(ctx, tx, meta, inv.Customer)
		if err != nil {
			return nil, nil, err
		}
		stored, err := s.applyInvoice(ctx, tx, orgID, &inv)
		return &orgID, stored, err
	}
	return nil, nil, nil // recorded, nothing to do
}

// ended reports whether a subscription status is final.
func ended(status string) bool {
	return status == StatusCanceled || status == StatusIncompleteExpired
}

// orgOf finds the organisation an event is about. Samvirke makes every
// customer itself and stores it before anything is bought, so an event
// with a customer is about that customer's organisation, and one whose
// customer Samvirke does not know is not Samvirke's (another product on
// the same Stripe account), whatever its metadata says; the metadata,
// when present, must agree. Only an event without a customer is placed
// by its metadata.
func (s *Service) orgOf(ctx context.Context, tx bun.Tx, meta map[string]string, customer *stripe.Customer) (int64, error) {
	named, err := strconv.ParseInt(meta[MetaOrg], 10, 64)
	if err != nil || named <= 0 {
		named = 0
	}
	if customer != nil && customer.ID != "" {
		acc, err := findAccountByCustomer(ctx, tx, customer.ID)
		switch {
		case err != nil:
			return 0, err
		case acc == nil:
			return 0, fmt.Errorf("%w: unknown customer %s", errNotOurs, customer.ID)
		case named != 0 && acc.OrgID != named:
			return 0, fmt.Errorf("%w: metadata names organisation %d, customer %s is organisation %d's", errNotOurs, named, customer.ID, acc.OrgID)
		}
		return acc.OrgID, nil
	}
	if named == 0 {
		return 0, fmt.Errorf("%w: no customer and no organisation named", errNotOurs)
	}
	var o org.Organisation
	err = tx.NewSelect().Model(&o).Column("id").Where("id = ?", named).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("%w: no organisation %d", errNotOurs, named)
	}
	return named, err
}

// statusRank orders subscription states for two events of one
// subscription made in the same second: the further along wins.
func statusRank(status string) int {
	return map[string]int{StatusIncomplete: 1, StatusTrialing: 2, StatusActive: 3, StatusPastDue: 4, StatusUnpaid: 5,
		StatusPaused: 6, StatusIncompleteExpired: 7, StatusCanceled: 8}[status]
}

// applySubscription stores a subscription's state from an event made at
// created, unless the state stored is newer: the events of one
// subscription may arrive in any order, so the state decides, not the
// arrival. A cancelled subscription never comes back (Stripe starts a new
// one), so nothing undoes a cancellation; an older event of the same
// subscription is ignored; and an event of another subscription replaces
// a live one only when it is newer and not itself an end.
func (s *Service) applySubscription(ctx context.Context, tx bun.Tx, orgID int64, sub *stripe.Subscription, deleted bool, created time.Time) error {
	now := s.Clock.Now()
	acc, err := lockAccount(ctx, tx, orgID, now)
	if err != nil {
		return err
	}
	status := string(sub.Status)
	if deleted {
		status = StatusCanceled
	}
	older := acc.StateAt != nil && created.Before(*acc.StateAt)
	sameTime := acc.StateAt != nil && created.Equal(*acc.StateAt)
	switch {
	case acc.SubscriptionID == sub.ID:
		if ended(acc.Status) && !ended(status) || older || sameTime && statusRank(status) < statusRank(acc.Status) {
			return nil
		}
	case acc.SubscriptionID != "" && !ended(acc.Status) && acc.Status != "":
		if ended(status) || older {
			return nil // about a subscription that was replaced
		}
	case acc.SubscriptionID != "" && ended(acc.Status) && ended(status) && older:
		return nil
	}
	if acc.SubscriptionID != sub.ID {
		acc.PastDueSince, acc.CanceledAt = nil, nil
	}
	acc.SubscriptionID, acc.Status, acc.StateAt = sub.ID, status, &created
	// The price says the plan (a plan changed in the portal keeps the old
	// metadata); the metadata serves where the price is not configured.
	plan := ""
	if sub.Items != nil {
		for _, it := range sub.Items.Data {
			if it.Price == nil {
				continue
			}
			if p, ok := s.Config.PlanByPrice(it.Price.ID); ok {
				plan = p.Key
			}
		}
	}
	if plan == "" {
		plan = sub.Metadata[MetaPlan]
	}
	if plan != "" {
		acc.Plan = plan
	}
	if sub.CollectionMethod != "" {
		acc.Collection = string(sub.CollectionMethod)
	}
	acc.PeriodEnd, acc.TrialEnd = unixTime(sub.CurrentPeriodEnd), unixTime(sub.TrialEnd)
	acc.CancelAtEnd = sub.CancelAtPeriodEnd
	switch status {
	case StatusPastDue, StatusUnpaid:
		if acc.PastDueSince == nil {
			acc.PastDueSince = &created
		}
	case StatusCanceled, StatusIncompleteExpired, StatusPaused:
		acc.CanceledAt = unixTime(sub.EndedAt)
		if acc.CanceledAt == nil {
			acc.CanceledAt = &created
		}
	default:
		acc.PastDueSince = nil
	}
	acc.UpdatedAt = now
	return saveAccount(ctx, tx, acc)
}

// unixTime is a Stripe timestamp as a time, nil for 0.
func unixTime(sec int64) *time.Time {
	if sec == 0 {
		return nil
	}
	t := time.Unix(sec, 0).UTC()
	return &t
}

// applyInvoice stores an invoice's state; an event about an earlier state
// arriving late (finalized after paid) does not undo a later one. A
// finalized invoice to be paid by transfer gets its e-invoice, which is
// answered for delivery to the access point when one is configured.
func (s *Service) applyInvoice(ctx context.Context, tx bun.Tx, orgID int64, si *stripe.Invoice) (*Invoice, error) {
	now := s.Clock.Now()
	inv := new(Invoice)
	err := db.ForUpdate(tx.NewSelect().Model(inv).Where("org_id = ? AND stripe_id = ?", orgID, si.ID)).Scan(ctx)
	fresh := errors.Is(err, sql.ErrNoRows)
	if err != nil && !fresh {
		return nil, err
	}
	status := string(si.Status)
	if fresh {
		inv = &Invoice{OrgID: orgID, StripeID: si.ID, CreatedAt: now}
	} else if invoiceRank(status) < invoiceRank(inv.Status) {
		status = inv.Status
	}
	inv.Status, inv.Number, inv.Collection = status, si.Number, string(si.CollectionMethod)
	inv.Currency = strings.ToUpper(string(si.Currency))
	inv.Subtotal, inv.Tax, inv.Total, inv.AmountDue, inv.AmountPaid = si.Subtotal, si.Tax, si.Total, si.AmountDue, si.AmountPaid
	inv.IssuedAt = unixTime(si.EffectiveAt)
	if inv.IssuedAt == nil && si.StatusTransitions != nil {
		inv.IssuedAt = unixTime(si.StatusTransitions.FinalizedAt)
	}
	if inv.IssuedAt == nil {
		inv.IssuedAt = unixTime(si.Created)
	}
	inv.DueOn, inv.PeriodStart, inv.PeriodEnd = unixTime(si.DueDate), unixTime(si.PeriodStart), unixTime(si.PeriodEnd)
	inv.HostedURL, inv.PDFURL, inv.UpdatedAt = si.HostedInvoiceURL, si.InvoicePDF, now
	deliver := false
	// An invoice of nothing (a trial's) asks for no payment: no e-invoice.
	if inv.Collection == CollectInvoice && inv.UBL == "" && inv.Total != 0 && (status == "open" || status == "paid") {
		if err := s.makeEInvoice(ctx, tx, inv, si); err != nil {
			return nil, err
		}
		deliver = inv.UBL != "" && s.Config.AccessPoint.URL != ""
	}
	if fresh {
		_, err = tx.NewInsert().Model(inv).Returning("id").Exec(ctx)
	} else {
		_, err = tx.NewUpdate().Model(inv).WherePK().Where("org_id = ?", orgID).Exec(ctx)
	}
	if err != nil || !deliver {
		return nil, err
	}
	return inv, nil
}
