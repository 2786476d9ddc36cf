package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/billing/stripetest"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
	"github.com/samvirke/samvirke/internal/web"
)

const billingSecret = "whsec_walk"

// billedProcess opens web and workers with billing configured: stripe-mock
// for Stripe, the example plans, a webhook secret.
func billedProcess(t *testing.T) *servertest.Process {
	t.Helper()
	cfg := servertest.NewEnv(t).Config()
	plans, err := filepath.Abs("../../deploy/billing-plans.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.StripeSecretKey, cfg.StripeAPIBase, cfg.StripeWebhookKey, cfg.BillingPlans = "sk_test_walk", stripetest.Start(t), billingSecret, plans
	return servertest.Open(t, cfg, server.ModeServe)
}

// stripeEvent posts a subscription event about o to the webhook as Stripe
// does, signed with secret, and answers the status.
func stripeEvent(t *testing.T, base, secret, id, typ, sub, status string, o *org.Organisation, created time.Time) int {
	t.Helper()
	payload := fmt.Sprintf(`{"id":%q,"object":"event","api_version":%q,"type":%q,"created":%d,"data":{"object":{"id":%q,"object":"subscription","status":%q,"customer":"cus_walk_%d","current_period_end":%d,"metadata":{"samvirke_org_id":"%d","samvirke_plan":"municipality"}}}}`,
		id, stripe.APIVersion, typ, created.Unix(), sub, status, o.ID, created.AddDate(1, 0, 0).Unix(), o.ID)
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: []byte(payload), Secret: secret, Timestamp: time.Now()})
	req, _ := http.NewRequest(http.MethodPost, base+"/webhooks/stripe", strings.NewReader(payload))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", sp.Header)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// waitWritable waits until the worker has processed the events and o's
// write access is want.
func waitWritable(t *testing.T, p *servertest.Process, o *org.Organisation, want bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		e, err := p.Billing.Entitlement(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		if e.Write == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: write access %v after 20 s; want %v (%+v)", o.Name, e.Write, want, e)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// tenantRows counts the rows of every tenant table that belong to o
// (the audit log aside: reading an export records that it was read),
// to show that paying again loses none of them.
func tenantRows(t *testing.T, bdb *bun.DB, o *org.Organisation) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	err := db.Run(context.Background(), bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		tables, err := db.TenantTables(ctx, idb)
		if err != nil {
			return err
		}
		for _, tb := range tables {
			if tb == "audit_log" {
				continue
			}
			n, err := idb.NewSelect().Table(tb).Where("org_id = ?", o.ID).Count(ctx)
			if err != nil {
				return fmt.Errorf("%s: %w", tb, err)
			}
			out[tb] = int64(n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestLapsedOrganisationIsReadOnly walks every route of an organisation
// whose payment is overdue beyond the grace period, as its editor: every write route
// answers 403 with a message that says the organisation is read-only,
// why, and what the owner can do, and changes nothing; every read and
// export route still answers. The owner can still act on billing.
// Paying opens writing again, with every row the organisation had. A
// webhook with a bad signature is refused with 400.
func TestLapsedOrganisationIsReadOnly(t *testing.T) {
	t.Parallel()
	p := billedProcess(t)
	writes := watchWrites(p.DB)
	p.Run(t)
	w := buildWorld(t, p)
	w.writes = writes
	own := w.own.org
	ctx := context.Background()
	if got := stripeEvent(t, p.URL(), "whsec_wrong", "evt_forged", "customer.subscription.deleted", "sub_1", "canceled", own, time.Now()); got != 400 {
		t.Errorf("webhook with a bad signature: %d; want 400", got)
	}
	if e, _ := p.Billing.Entitlement(ctx, own); !e.Write || !e.Trial {
		t.Fatalf("before any event: %+v; want the trial", e)
	}
	// The owner became a Stripe customer when subscribing, 40 days ago;
	// past due for 20 days: the 14 days' grace is over.
	err := db.RunTx(ctx, w.db, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewRaw("INSERT INTO billing_accounts (org_id, customer_id, updated_at) VALUES (?, ?, ?)", own.ID, fmt.Sprintf("cus_walk_%d", own.ID), time.Now()).Exec(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if got := stripeEvent(t, p.URL(), billingSecret, "evt_sub", "customer.subscription.created", "sub_1", "active", own, now.AddDate(0, 0, -40)); got != 200 {
		t.Fatalf("webhook: %d; want 200", got)
	}
	if got := stripeEvent(t, p.URL(), billingSecret, "evt_due", "customer.subscription.updated", "sub_1", "past_due", own, now.AddDate(0, 0, -20)); got != 200 {
		t.Fatalf("webhook: %d; want 200", got)
	}
	waitWritable(t, p, own, false)
	before := tenantRows(t, w.db, own)
	w.readOnly = true

	table := routeTable(t)
	editor := w.users["editor"]
	var refused, read int
	for _, rt := range p.Web.Routes() {
		if rt.Access != web.Org {
			continue
		}
		key := rt.Method + " " + rt.Path
		exp := table[key]
		allowed := slices.Contains(exp.roles, "editor")
		resp, body := w.send(t, editor, rt, w.own, exp)
		switch {
		case rt.Writes && !allowed:
			if resp.StatusCode != 403 {
				t.Errorf("%s, not the editor's to do: %d; want 403", key, resp.StatusCode)
			}
		case rt.Writes:
			refused++
			if resp.StatusCode != 403 || !readOnlyText(body) || !strings.Contains(body, "eier") {
				t.Errorf("%s in a lapsed organisation: %d; want 403 saying it is read-only and what the owner can do:\n%.400s", key, resp.StatusCode, body)
			}
		case allowed && exp.kind == "" || allowed && exp.kind == own.Kind:
			read++
			if resp.StatusCode == 403 || resp.StatusCode >= 500 || readOnlyText(body) && resp.StatusCode >= 400 {
				t.Errorf("%s reads, in a lapsed organisation: %d; want it served:\n%.300s", key, resp.StatusCode, body)
			}
		}
	}
	if refused < 50 || read < 30 {
		t.Errorf("walked %d write routes refused and %d read routes; want the whole surface", refused, read)
	}
	w.readOnly = false
	// Every member reads why on every page; the owner reads what to do.
	for role, want := range map[string]string{"editor": "en eier kan betale for å få tilgangen tilbake", "owner": "Betal den åpne fakturaen eller oppdater kortet"} {
		resp, err := w.users[role].Get(p.URL() + "/o/" + own.Slug + "/dashboard")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), want) {
			t.Errorf("%s's dashboard of a lapsed organisation lacks the notice %q", role, want)
		}
	}
	// The owner's billing actions pass (paying is how it opens again), and
	// so does taking access away.
	owner := w.users["owner"]
	var ungated int
	for _, rt := range p.Web.Routes() {
		if rt.Access != web.Org || !rt.Ungated {
			continue
		}
		ungated++
		key := rt.Method + " " + rt.Path
		if resp, body := w.send(t, owner, rt, w.own, table[key]); resp.StatusCode == 403 || resp.StatusCode >= 500 {
			t.Errorf("%s by the owner of a lapsed organisation: %d; want it past the write gate (which answers 403)\n%.400s", key, resp.StatusCode, body)
		}
	}
	if ungated < 8 {
		t.Errorf("%d routes pass the write gate; want the billing actions and the revocations", ungated)
	}
	// Paid: writing again, nothing lost.
	if got := stripeEvent(t, p.URL(), billingSecret, "evt_paid", "customer.subscription.updated", "sub_1", "active", own, now.Add(time.Second)); got != 200 {
		t.Fatalf("webhook: %d; want 200", got)
	}
	waitWritable(t, p, own, true)
	plansBefore := tenantRows(t, w.db, own)["plans"]
	for _, rt := range p.Web.Routes() {
		if key := rt.Method + " " + rt.Path; key == "POST /o/:org/plans" {
			if got := w.do(t, editor, rt, w.own, table[key]); got != 303 {
				t.Errorf("%s after subscribing again: %d; want 303 (created)", key, got)
			}
		}
	}
	after := tenantRows(t, w.db, own)
	for tb, n := range before {
		if after[tb] < n {
			t.Errorf("%s: %d rows before the lapse, %d after paying; want none lost", tb, n, after[tb])
		}
	}
	if after["plans"] != plansBefore+1 {
		t.Errorf("plans: %d before, %d after creating one; want one more", plansBefore, after["plans"])
	}
}
