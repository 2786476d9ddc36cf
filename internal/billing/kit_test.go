package billing_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/billing"
	"github.com/samvirke/samvirke/internal/billing/stripetest"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
)

const webhookSecret = "whsec_samvirke_test"

// kit is the billing service on the test database, with stripe-mock for
// Stripe, the configuration of deploy/billing-plans.example.yaml and a
// clock the test moves.
type kit struct {
	svc   *billing.Service
	db    *bun.DB
	clock *app.FixedClock
	tasks *taskLog
	calls *callLog
}

func newKit(t *testing.T) *kit {
	t.Helper()
	b, err := os.ReadFile("../../deploy/billing-plans.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := billing.ParseConfig(b)
	if err != nil {
		t.Fatalf("the example billing configuration: %v", err)
	}
	k := &kit{db: dbtest.Open(t), clock: &app.FixedClock{T: dbtest.Now.Add(time.Hour)}, tasks: &taskLog{}, calls: &callLog{}}
	hc := &http.Client{Transport: k.calls, Timeout: 20 * time.Second}
	k.svc = &billing.Service{DB: k.db, Config: cfg, Stripe: billing.NewStripe("sk_test_samvirke", stripetest.Start(t), hc),
		WebhookSecret: webhookSecret, Queue: k.tasks, Clock: k.clock, BaseURL: "https://samvirke.example",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return k
}

// at moves the clock to d after the organisations were made.
func (k *kit) at(d time.Duration) { k.clock.T = dbtest.Now.Add(d) }

const day = 24 * time.Hour

// taskLog records the tasks the service queues (the worker side runs
// them by calling Process or Deliver, as the server tests do through
// asynq).
type taskLog struct {
	mu    sync.Mutex
	tasks []*asynq.Task
}

func (l *taskLog) EnqueueContext(_ context.Context, t *asynq.Task, _ ...asynq.Option) (*asynq.TaskInfo, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tasks = append(l.tasks, t)
	return &asynq.TaskInfo{}, nil
}

func (l *taskLog) of(typ string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, t := range l.tasks {
		if t.Type() == typ {
			out = append(out, string(t.Payload()))
		}
	}
	return out
}

// callLog records every call to Stripe: method, path and idempotency key.
type callLog struct {
	mu    sync.Mutex
	calls []call
}

type call struct{ Method, Path, Key string }

func (l *callLog) RoundTrip(r *http.Request) (*http.Response, error) {
	l.mu.Lock()
	l.calls = append(l.calls, call{r.Method, r.URL.Path, r.Header.Get("Idempotency-Key")})
	l.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func (l *callLog) all() []call {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]call(nil), l.calls...)
}

// municipality makes a municipality of country with complete billing
// details and a Stripe customer (customerOf).
func (k *kit) municipality(t *testing.T, country, name, orgNumber string) *org.Organisation {
	t.Helper()
	o := k.prospect(t, country, name, orgNumber)
	k.customer(t, o)
	return o
}

// customerOf is the Stripe customer the tests give o.
func customerOf(o *org.Organisation) string { return "cus_test_" + strconv.FormatInt(o.ID, 10) }

// customer records customerOf(o) as o's Stripe customer, as subscribing
// does before anything is bought.
func (k *kit) customer(t *testing.T, o *org.Organisation) {
	t.Helper()
	err := db.RunTx(context.Background(), k.db, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewInsert().Model(&billing.Account{OrgID: o.ID, CustomerID: customerOf(o), UpdatedAt: k.clock.T}).
			On("CONFLICT (org_id) DO UPDATE").Set("customer_id = EXCLUDED.customer_id").Exec(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// prospect makes a municipality of country with complete billing details
// that has not subscribed yet (no Stripe customer).
func (k *kit) prospect(t *testing.T, country, name, orgNumber string) *org.Organisation {
	t.Helper()
	numbers := map[string]string{"NO": "3032", "SE": "1481", "DK": "751"}
	o := dbtest.MustCreateOrg(t, k.db, org.KindMunicipality, func(o *org.Organisation) {
		o.Country, o.MunicipalityNumber, o.Name = country, numbers[country], name
	})
	err := k.svc.SaveProfile(context.Background(), o, billing.Profile{Population: 25_000, OrgNumber: orgNumber,
		BuyerReference: "Flyktningtjenesten 4711", InvoiceEmail: "faktura@" + o.Slug + ".example",
		Street: "Rådhusvegen 5 «Tårnet»", PostalCode: "1482", City: "Ås"})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// account answers o's billing account as stored.
func (k *kit) account(t *testing.T, o *org.Organisation) *billing.Account {
	t.Helper()
	var a billing.Account
	err := db.Run(context.Background(), k.db, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model(&a).Where("org_id = ?", o.ID).Scan(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	return &a
}

// entitlement answers o's entitlement now.
func (k *kit) entitlement(t *testing.T, o *org.Organisation) billing.Entitlement {
	t.Helper()
	e, err := k.svc.Entitlement(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// event is a Stripe event in stripe-go v76's shape.
func event(id, typ string, created time.Time, object map[string]any) []byte {
	b, err := json.Marshal(map[string]any{
		"id": id, "object": "event", "type": typ, "api_version": stripe.APIVersion, "created": created.Unix(),
		"livemode": false, "pending_webhooks": 1, "data": map[string]any{"object": object},
	})
	if err != nil {
		panic(err)
	}
	return b
}

// subscription is a subscription object of o.
func subscription(o *org.Organisation, id, status, plan string, periodEnd time.Time) map[string]any {
	return map[string]any{
		"id": id, "object": "subscription", "status": status, "customer": customerOf(o),
		"current_period_end": periodEnd.Unix(), "collection_method": "send_invoice", "cancel_at_period_end": false,
		"metadata": map[string]string{billing.MetaOrg: strconv.FormatInt(o.ID, 10), billing.MetaPlan: plan},
	}
}

// orgT is an organisation, short for the tests' tables.
type orgT = org.Organisation

// signed answers the Stripe-Signature header of payload, signed with the
// webhook's secret now.
func signed(payload []byte) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: webhookSecret, Timestamp: time.Now()}).Header
}

// deliver sends payload to the webhook signed with secret, as Stripe
// does, and answers Receive's error.
func (k *kit) deliver(payload []byte, secret string) error {
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: time.Now()})
	return k.svc.Receive(context.Background(), payload, sp.Header)
}

// deliverAndProcess delivers payload and runs the task it queued, as a
// worker would.
func (k *kit) deliverAndProcess(t *testing.T, payload []byte) {
	t.Helper()
	if err := k.deliver(payload, webhookSecret); err != nil {
		t.Fatal(err)
	}
	var ev struct{ ID string }
	json.Unmarshal(payload, &ev)
	if err := k.svc.Process(context.Background(), ev.ID); err != nil {
		t.Fatal(err)
	}
}
