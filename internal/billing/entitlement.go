package billing

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// Why an organisation is read-only (Entitlement.Reason).
const (
	ReasonTrialEnded = "trial_ended" // the trial ended without a subscription
	ReasonPastDue    = "past_due"    // unpaid beyond the grace period
	ReasonCanceled   = "canceled"    // the subscription ended
)

// Entitlement is what an organisation may do, decided in one place from
// its subscription (or a network's that covers it) and the clock.
type Entitlement struct {
	// Write: the organisation may change its content. Reading and export
	// are never taken away by billing.
	Write bool
	// Reason says why Write is false (Reason…).
	Reason string
	// Status is the organisation's own subscription status; "" without
	// one.
	Status string
	// Trial: working in the free trial, which ends at TrialEnds.
	Trial     bool
	TrialEnds time.Time
	// Grace: past due, with full access until GraceEnds; owners see a
	// banner.
	Grace     bool
	GraceEnds time.Time
	// CoveredBy is the network whose plan entitles this member
	// municipality ("" when its own subscription does, or nothing).
	CoveredBy string
	// Since is when the organisation became read-only (zero while it may
	// write).
	Since time.Time
}

// Unlimited is the entitlement where billing is not configured.
var Unlimited = Entitlement{Write: true}

// Entitlement decides what o may do now. Without billing configured every
// organisation may do everything.
func (s *Service) Entitlement(ctx context.Context, o *org.Organisation) (Entitlement, error) {
	if !s.Configured() {
		return Unlimited, nil
	}
	var e Entitlement
	err := db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		e, err = s.entitlement(ctx, idb, o)
		return err
	})
	return e, err
}

// entitlement reads o's account and, for a municipality whose own
// subscription does not let it write, the accounts of the networks it is
// a member of today.
func (s *Service) entitlement(ctx context.Context, idb bun.IDB, o *org.Organisation) (Entitlement, error) {
	now := s.Clock.Now()
	acc, err := findAccount(ctx, idb, o.ID)
	if err != nil {
		return Entitlement{}, err
	}
	e := s.decide(o, acc, now)
	if e.Write && !e.Trial || o.Kind != org.KindMunicipality {
		return e, nil
	}
	nets, err := org.FindMemberNetworks(ctx, idb, o.ID, now)
	if err != nil || len(nets) == 0 {
		return e, err
	}
	ids := make([]int64, len(nets))
	for i, n := range nets {
		ids[i] = n.ID
	}
	var accs []*Account
	if err := idb.NewSelect().Model(&accs).Where("org_id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return e, err
	}
	for _, a := range accs {
		p, ok := s.Config.Plan(a.Plan)
		if !ok || !p.CoversMembers {
			continue
		}
		for _, n := range nets {
			if n.ID != a.OrgID {
				continue
			}
			// A subscription (trialing included) covers; a network's own
			// free trial before subscribing does not.
			if ne := s.decide(n, a, now); ne.Write && ne.Status != "" {
				return Entitlement{Write: true, Status: e.Status, CoveredBy: n.Name}, nil
			}
		}
	}
	return e, nil
}

// decide is the rule, from one account (nil: none yet) at now.
func (s *Service) decide(o *org.Organisation, acc *Account, now time.Time) Entitlement {
	status := ""
	if acc != nil && acc.SubscriptionID != "" {
		status = acc.Status
	}
	e := Entitlement{Status: status}
	switch status {
	case StatusActive:
		e.Write = true
	case StatusTrialing:
		e.Write, e.Trial = true, true
		if acc.TrialEnd != nil {
			e.TrialEnds = *acc.TrialEnd
		}
	case StatusPastDue, StatusUnpaid:
		since := now
		if acc.PastDueSince != nil {
			since = *acc.PastDueSince
		}
		e.GraceEnds = since.AddDate(0, 0, s.Config.GraceDays)
		if now.Before(e.GraceEnds) {
			e.Write, e.Grace = true, true
		} else {
			e.Reason, e.Since = ReasonPastDue, e.GraceEnds
		}
	case StatusCanceled, StatusPaused, StatusIncompleteExpired:
		e.Reason = ReasonCanceled
		if acc.CanceledAt != nil {
			e.Since = *acc.CanceledAt
		}
	default: // no subscription yet, or its first payment pending: the trial
		e.TrialEnds = s.freeTrialEnds(o, acc)
		if now.Before(e.TrialEnds) {
			e.Write, e.Trial = true, true
		} else {
			e.Reason, e.Since = ReasonTrialEnded, e.TrialEnds
		}
	}
	return e
}

// WriteGate is the web layer's write gate (web.Deps.WriteGate): nil when
// o may write, otherwise a 403 whose message says why and what the owner
// can do.
func (s *Service) WriteGate(ctx context.Context, o *org.Organisation) error {
	if !s.Configured() {
		return nil
	}
	e, err := s.Entitlement(ctx, o)
	if err != nil {
		return err
	}
	if e.Write {
		return nil
	}
	return app.Errorf(app.EForbidden, "billing.read_only."+e.Reason)
}

// freeTrialEnds answers when o's free trial ends: 30 days (TrialDays)
// from its creation, or from the day billing was turned on for an
// organisation that existed then.
func (s *Service) freeTrialEnds(o *org.Organisation, acc *Account) time.Time {
	if acc != nil && acc.FreeTrialEnds != nil {
		return *acc.FreeTrialEnds
	}
	return o.CreatedAt.AddDate(0, 0, s.Config.TrialDays)
}

// EnsureTrials gives the organisations that have no free trial recorded
// theirs, on every start with billing configured: the first time, every
// organisation created before now gets its TrialDays from now, so that
// turning billing on makes none of them read-only at once; later,
// organisations created since get theirs from their creation.
func (s *Service) EnsureTrials(ctx context.Context) error {
	if !s.Configured() {
		return nil
	}
	now := s.Clock.Now()
	return db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		started, err := tx.NewSelect().Model((*Account)(nil)).Where("free_trial_ends IS NOT NULL").Count(ctx)
		if err != nil {
			return err
		}
		var orgs []org.Organisation
		err = tx.NewSelect().Model(&orgs).Column("id", "created_at").
			Where("id NOT IN (SELECT org_id FROM billing_accounts WHERE free_trial_ends IS NOT NULL)").Scan(ctx)
		if err != nil {
			return err
		}
		for _, o := range orgs {
			from := o.CreatedAt
			if started == 0 && from.Before(now) {
				from = now
			}
			ends := from.AddDate(0, 0, s.Config.TrialDays)
			a := &Account{OrgID: o.ID, FreeTrialEnds: &ends, UpdatedAt: now}
			if _, err := tx.NewInsert().Model(a).On("CONFLICT (org_id) DO UPDATE").Set("free_trial_ends = EXCLUDED.free_trial_ends").Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}
