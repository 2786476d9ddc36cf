package billing_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/billing"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
)

// eventCount answers how many events are stored with id.
func (k *kit) eventCount(t *testing.T, id string) int64 {
	t.Helper()
	var n int64
	err := db.RunBare(context.Background(), k.db, func(ctx context.Context, idb bun.IDB) error {
		var err error
		n, err = idb.NewSelect().Model((*billing.Event)(nil)).Where("id = ?", id).Count(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestWebhookBadSignatureChangesNothing: a delivery signed with another
// secret, an unsigned one and a tampered one are refused as invalid
// (the endpoint answers 400), nothing is stored and nothing is queued.
func TestWebhookBadSignatureChangesNothing(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	o := k.municipality(t, "NO", "Nittedal kommune", "964950768")
	payload := event("evt_bad_"+o.Slug, "customer.subscription.updated", k.clock.T, subscription(o, "sub_bad", "canceled", "municipality", k.clock.T))
	if err := k.deliver(payload, "whsec_someone_else"); app.ErrorCode(err) != app.EInvalid {
		t.Errorf("signed with another secret: %v; want invalid", err)
	}
	if err := k.svc.Receive(context.Background(), payload, ""); app.ErrorCode(err) != app.EInvalid {
		t.Errorf("unsigned: %v; want invalid", err)
	}
	tampered := []byte(strings.Replace(string(payload), `"canceled"`, `"active"`, 1))
	if err := k.svc.Receive(context.Background(), tampered, signed(payload)); app.ErrorCode(err) != app.EInvalid {
		t.Errorf("tampered: %v; want invalid", err)
	}
	if n := k.eventCount(t, "evt_bad_"+o.Slug); n != 0 {
		t.Errorf("%d events stored from bad deliveries; want none", n)
	}
	if q := k.tasks.of(billing.TypeEvent); len(q) != 0 {
		t.Errorf("queued %v from bad deliveries; want nothing", q)
	}
	if e := k.entitlement(t, o); !e.Write || e.Status != "" {
		t.Errorf("after bad deliveries: %+v; want the trial unchanged", e)
	}
}

// TestSameEventTwiceChangesStateOnce: Stripe delivers an event again
// (a retry after a timeout) after a later event was applied: the second
// delivery is answered as received, stored once, and changes nothing,
// even when a second task for it runs.
func TestSameEventTwiceChangesStateOnce(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	o := k.municipality(t, "NO", "Nittedal kommune", "964950768")
	t0 := k.clock.T
	pastDue := event("evt_pd_"+o.Slug, "customer.subscription.updated", t0, subscription(o, "sub_1", "past_due", "municipality", t0.AddDate(1, 0, 0)))
	k.deliverAndProcess(t, pastDue)
	if a := k.account(t, o); a.Status != billing.StatusPastDue || a.PastDueSince == nil || !a.PastDueSince.Equal(t0.Truncate(time.Second)) {
		t.Fatalf("after past_due: %s since %v; want past_due since %v", a.Status, a.PastDueSince, t0)
	}
	k.at(3 * day)
	paid := event("evt_paid_"+o.Slug, "customer.subscription.updated", k.clock.T, subscription(o, "sub_1", "active", "municipality", t0.AddDate(1, 0, 0)))
	k.deliverAndProcess(t, paid)
	// The first event again, twice, and its task run twice.
	for range 2 {
		k.deliverAndProcess(t, pastDue)
	}
	a := k.account(t, o)
	if a.Status != billing.StatusActive || a.PastDueSince != nil {
		t.Errorf("after the past_due event came again: %s, past due since %v; want active, not past due", a.Status, a.PastDueSince)
	}
	if n := k.eventCount(t, "evt_pd_"+o.Slug); n != 1 {
		t.Errorf("event stored %d times; want once", n)
	}
	if q := k.tasks.of(billing.TypeEvent); len(q) != 2 {
		t.Errorf("tasks queued %v; want one per event (a processed event is not queued again)", q)
	}
}

// TestDeletedBeforeUpdated: the subscription's deletion arrives before an
// update made earlier; the organisation ends cancelled, whatever the
// order, and an older update after a newer one is ignored too.
func TestDeletedBeforeUpdated(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	o := k.municipality(t, "NO", "Nittedal kommune", "964950768")
	t0 := k.clock.T
	end := t0.AddDate(1, 0, 0)
	created := event("evt_c_"+o.Slug, "customer.subscription.created", t0, subscription(o, "sub_9", "active", "municipality", end))
	updated := event("evt_u_"+o.Slug, "customer.subscription.updated", t0.Add(time.Minute), subscription(o, "sub_9", "active", "municipality", end))
	deleted := event("evt_d_"+o.Slug, "customer.subscription.deleted", t0.Add(2*time.Minute), subscription(o, "sub_9", "canceled", "municipality", end))
	k.deliverAndProcess(t, deleted)
	k.deliverAndProcess(t, updated)
	k.deliverAndProcess(t, created)
	a := k.account(t, o)
	if a.Status != billing.StatusCanceled || a.SubscriptionID != "sub_9" || a.CanceledAt == nil {
		t.Errorf("deleted, then updated and created arrived: %s (%s, cancelled %v); want canceled", a.Status, a.SubscriptionID, a.CanceledAt)
	}
	k.at(40 * day) // past the trial
	if e := k.entitlement(t, o); e.Write || e.Reason != billing.ReasonCanceled {
		t.Errorf("cancelled organisation: %+v; want read-only because cancelled", e)
	}
	// A new subscription after the cancellation is taken.
	k.deliverAndProcess(t, event("evt_n_"+o.Slug, "customer.subscription.created", k.clock.T, subscription(o, "sub_10", "active", "municipality", k.clock.T.AddDate(1, 0, 0))))
	if e := k.entitlement(t, o); !e.Write || e.Status != billing.StatusActive {
		t.Errorf("subscribed again: %+v; want active", e)
	}
	// A late event of the old subscription does not touch the new one.
	k.deliverAndProcess(t, event("evt_late_"+o.Slug, "customer.subscription.updated", t0.Add(30*time.Second), subscription(o, "sub_9", "past_due", "municipality", end)))
	if a := k.account(t, o); a.SubscriptionID != "sub_10" || a.Status != billing.StatusActive {
		t.Errorf("after a late event of the old subscription: %s %s; want sub_10 active", a.SubscriptionID, a.Status)
	}
}

// TestPastDueGraceThenReadOnlyThenPaid: a past-due organisation keeps
// full access for the grace period (owners see when it ends), then is
// read-only with a message that says why and what the owner can do;
// paying makes it writable again.
func TestPastDueGraceThenReadOnlyThenPaid(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	o := k.municipality(t, "SE", "Mölndals stad", "212000-1488")
	t0 := k.clock.T
	end := t0.AddDate(1, 0, 0)
	k.deliverAndProcess(t, event("evt_a_"+o.Slug, "customer.subscription.created", t0, subscription(o, "sub_s", "active", "municipality", end)))
	k.at(400 * day) // long past the trial: only the subscription counts
	since := k.clock.T
	k.deliverAndProcess(t, event("evt_pd_"+o.Slug, "customer.subscription.updated", since, subscription(o, "sub_s", "past_due", "municipality", end.AddDate(1, 0, 0))))
	k.at(400*day + 13*day)
	e := k.entitlement(t, o)
	if !e.Write || !e.Grace || !e.GraceEnds.Equal(since.Truncate(time.Second).AddDate(0, 0, 14)) {
		t.Errorf("13 days past due: %+v; want full access in grace until %v", e, since.AddDate(0, 0, 14))
	}
	if err := k.svc.WriteGate(context.Background(), o); err != nil {
		t.Errorf("write gate in grace: %v; want open", err)
	}
	k.at(400*day + 15*day)
	e = k.entitlement(t, o)
	if e.Write || e.Reason != billing.ReasonPastDue {
		t.Errorf("15 days past due: %+v; want read-only because past due", e)
	}
	err := k.svc.WriteGate(context.Background(), o)
	if ae := app.AsError(err); ae == nil || ae.Code != app.EForbidden || ae.Key != "billing.read_only.past_due" {
		t.Errorf("write gate after grace: %v; want 403 billing.read_only.past_due", err)
	}
	// Paid: Stripe sends the invoice paid and the subscription active.
	k.deliverAndProcess(t, event("evt_ok_"+o.Slug, "customer.subscription.updated", k.clock.T, subscription(o, "sub_s", "active", "municipality", end.AddDate(1, 0, 0))))
	if err := k.svc.WriteGate(context.Background(), o); err != nil {
		t.Errorf("write gate after paying: %v; want open", err)
	}
}

// TestNetworkPlanCoversMembers: a network's plan entitles its member
// municipalities while they are members, and not after they leave; a
// network in its own trial covers nobody.
func TestNetworkPlanCoversMembers(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	net := dbtest.MustCreateOrg(t, k.db, "network", func(o *orgT) { o.Name = "Læringsnettverk Øst «2027»" })
	k.customer(t, net)
	stays := k.municipality(t, "NO", "Nittedal kommune", "964950768")
	leaves := k.municipality(t, "NO", "Lunner kommune", "964950768")
	alone := k.municipality(t, "NO", "Hurdal kommune", "964950768")
	dbtest.MustJoinNetwork(t, k.db, net, stays, dbtest.Now.AddDate(0, 0, -10), time.Time{})
	dbtest.MustJoinNetwork(t, k.db, net, leaves, dbtest.Now.AddDate(0, 0, -10), dbtest.Now.AddDate(0, 0, 60))
	k.at(45 * day) // every trial is over
	if e := k.entitlement(t, stays); e.Write || e.Reason != billing.ReasonTrialEnded {
		t.Errorf("member of a network without a subscription: %+v; want read-only, trial ended", e)
	}
	// The network's own trial (it was made today) covers nobody.
	k.at(45*day - time.Hour)
	netNow := dbtest.MustCreateOrg(t, k.db, "network")
	dbtest.MustJoinNetwork(t, k.db, netNow, alone, dbtest.Now.AddDate(0, 0, -10), time.Time{})
	if e := k.entitlement(t, alone); e.Write {
		t.Errorf("member of a network in its free trial: %+v; want read-only", e)
	}
	k.at(45 * day)
	k.deliverAndProcess(t, event("evt_net_"+net.Slug, "customer.subscription.created", k.clock.T, subscription(net, "sub_net", "trialing", "network", k.clock.T.AddDate(1, 0, 0))))
	for _, o := range []*orgT{stays, leaves} {
		if e := k.entitlement(t, o); !e.Write || e.CoveredBy != net.Name {
			t.Errorf("%s, member of a subscribing network: %+v; want write access covered by %s", o.Name, e, net.Name)
		}
	}
	if e := k.entitlement(t, alone); e.Write {
		t.Errorf("%s, not a member: %+v; want read-only", alone.Name, e)
	}
	k.at(75 * day) // Lunner left on day 60
	if e := k.entitlement(t, leaves); e.Write || e.CoveredBy != "" {
		t.Errorf("after leaving the network: %+v; want read-only, covered by nobody", e)
	}
	if e := k.entitlement(t, stays); !e.Write {
		t.Errorf("still a member: %+v; want write access", e)
	}
}

// TestEventsOfAnotherProductIgnored: an event about a customer Samvirke
// did not make (another product on the same Stripe account) changes no
// organisation, even when its metadata names one; nor does an event whose
// metadata names another organisation than its customer's. Both are
// recorded with the reason and not retried.
func TestEventsOfAnotherProductIgnored(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	o := k.municipality(t, "NO", "Nittedal kommune", "964950768")
	other := k.municipality(t, "DK", "Aarhus Kommune", "55133018")
	foreign := subscription(o, "sub_foreign", "canceled", "municipality", k.clock.T)
	foreign["customer"] = "cus_someone_elses"
	k.deliverAndProcess(t, event("evt_foreign_"+o.Slug, "customer.subscription.deleted", k.clock.T, foreign))
	crossed := subscription(other, "sub_crossed", "canceled", "municipality", k.clock.T)
	crossed["metadata"] = map[string]string{billing.MetaOrg: strconv.FormatInt(o.ID, 10)}
	k.deliverAndProcess(t, event("evt_crossed_"+o.Slug, "customer.subscription.deleted", k.clock.T, crossed))
	for _, x := range []*orgT{o, other} {
		if a := k.account(t, x); a.SubscriptionID != "" || a.Status != "" {
			t.Errorf("%s after events not its own: subscription %q %q; want none", x.Name, a.SubscriptionID, a.Status)
		}
	}
	var problems []string
	err := db.RunBare(context.Background(), k.db, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model((*billing.Event)(nil)).Column("error").Where("id IN (?)", bun.In([]string{"evt_foreign_" + o.Slug, "evt_crossed_" + o.Slug})).Scan(ctx, &problems)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 2 || !strings.Contains(strings.Join(problems, " "), "unknown customer") || !strings.Contains(strings.Join(problems, " "), "metadata names") {
		t.Errorf("recorded reasons %q; want the unknown customer and the crossed metadata", problems)
	}
}

// TestTrialStartsWhenBillingIsTurnedOn: organisations that existed when
// billing was first configured get their free trial from that day, not
// from their creation; a later start gives organisations created since
// then theirs from their creation and lengthens nobody's.
func TestTrialStartsWhenBillingIsTurnedOn(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	old := k.prospect(t, "NO", "Nittedal kommune", "964950768")
	k.at(100 * day) // created 100 days before billing
	if e := k.entitlement(t, old); e.Write {
		t.Fatalf("before billing was turned on for it: %+v; the test needs an old organisation", e)
	}
	if err := k.svc.EnsureTrials(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := k.clock.T.AddDate(0, 0, 30)
	if e := k.entitlement(t, old); !e.Write || !e.Trial || !e.TrialEnds.Equal(want) {
		t.Errorf("an old organisation after billing was turned on: %+v; want a trial until %v", e, want)
	}
	k.at(140 * day)
	late := k.prospect(t, "SE", "Tierps kommun", "2120000282") // created (by the fixtures) on day 0
	if err := k.svc.EnsureTrials(context.Background()); err != nil {
		t.Fatal(err)
	}
	if e := k.entitlement(t, late); e.Write || e.Reason != billing.ReasonTrialEnded {
		t.Errorf("an organisation recorded after billing started: %+v; want its trial from its creation (ended)", e)
	}
	if e := k.entitlement(t, old); e.Write || !e.Since.Equal(want) {
		t.Errorf("the old organisation after a second start: %+v; want its trial ended on %v, not lengthened", e, want)
	}
}
