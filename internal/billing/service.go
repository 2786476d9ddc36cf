package billing

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/queue"
)

// Service is billing: the owners' billing page, the Stripe calls, the
// webhook and its processing, entitlements and e-invoices.
type Service struct {
	DB *bun.DB
	// Config is the plans, prices, trial, grace and seller; nil: billing
	// is not configured, every organisation may do everything and the
	// billing page says so.
	Config *Config
	// Stripe is the Stripe client (NewStripe); nil: not configured.
	Stripe *client.API
	// WebhookSecret is the signing secret of the /webhooks/stripe
	// endpoint (whsec_…).
	WebhookSecret string
	Queue         queue.Enqueuer
	Clock         app.Clock
	Log           *slog.Logger
	// BaseURL is where users reach Samvirke: Checkout and the portal
	// return there.
	BaseURL string
	// HTTP sends the e-invoices to the access point.
	HTTP *http.Client
}

// NewStripe answers a Stripe client for key; apiBase, when set, replaces
// Stripe's API address (stripe-mock in tests), and hc, when set, is the
// HTTP client its calls go through.
func NewStripe(key, apiBase string, hc *http.Client) *client.API {
	if apiBase == "" && hc == nil {
		return client.New(key, nil)
	}
	cfg := &stripe.BackendConfig{HTTPClient: hc, LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelError}}
	if apiBase != "" {
		cfg.URL = stripe.String(strings.TrimRight(apiBase, "/"))
	}
	b := stripe.GetBackendWithConfig(stripe.APIBackend, cfg)
	return client.New(key, &stripe.Backends{API: b, Connect: b, Uploads: b})
}

// Configured reports whether billing is set up: plans, a Stripe key and a
// webhook secret.
func (s *Service) Configured() bool {
	return s != nil && s.Config != nil && s.Stripe != nil && s.WebhookSecret != ""
}

// Overview is what the billing page shows.
type Overview struct {
	Configured  bool
	Account     *Account // never nil when Configured
	Plan        *Plan    // the plan subscribed to, nil for none
	Entitlement Entitlement
	Plans       []Offer // what the organisation may subscribe to
	Invoices    []*Invoice
	Covering    []string // networks whose plan covers it, by name
}

// Offer is a plan with the price that applies to the organisation.
type Offer struct {
	Plan     Plan
	Currency string
	Price    Price
	// From and To are the population band's bounds (From 0: the first
	// band; To 0: open above; both 0: one price for all).
	From, To int
}

// maxInvoicesShown is how many invoices the billing page lists.
const maxInvoicesShown = 36

// Overview answers o's billing page.
func (s *Service) Overview(ctx context.Context, o *org.Organisation) (*Overview, error) {
	if !s.Configured() {
		return &Overview{}, nil
	}
	ov := &Overview{Configured: true}
	err := db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		acc, err := findAccount(ctx, idb, o.ID)
		if err != nil {
			return err
		}
		if acc == nil {
			acc = &Account{OrgID: o.ID, Country: o.Country}
		}
		ov.Account = acc
		if ov.Entitlement, err = s.entitlement(ctx, idb, o); err != nil {
			return err
		}
		if ov.Entitlement.CoveredBy != "" {
			ov.Covering = []string{ov.Entitlement.CoveredBy}
		}
		ov.Invoices, err = findInvoices(ctx, idb, o.ID, maxInvoicesShown)
		return err
	})
	if err != nil {
		return nil, err
	}
	ov.Plans = s.offers(o, ov.Account)
	if p, ok := s.Config.Plan(ov.Account.Plan); ok {
		ov.Plan = &p
	}
	return ov, nil
}

// offers answers the plans o may buy, priced for its country and
// population.
func (s *Service) offers(o *org.Organisation, acc *Account) []Offer {
	ct, ok := s.Config.Countries[acc.Country]
	if !ok {
		return nil
	}
	var out []Offer
	for _, p := range s.Config.PlansFor(o.Kind) {
		of := Offer{Plan: p, Currency: ct.Currency}
		for i, b := range p.Bands {
			if b.UpTo == 0 || acc.Population <= b.UpTo {
				of.Price, of.To = b.Prices[ct.Currency], b.UpTo
				if i > 0 {
					of.From = p.Bands[i-1].UpTo + 1
				}
				break
			}
		}
		out = append(out, of)
	}
	return out
}

// SaveProfile stores o's billing details and, once it is a Stripe
// customer, updates the customer (name, e-mail, address, buyer reference
// and tax id) so the next invoice carries them.
func (s *Service) SaveProfile(ctx context.Context, o *org.Organisation, p Profile) error {
	if !s.Configured() {
		return errNotConfigured()
	}
	if o.Kind == org.KindMunicipality {
		p.Country = o.Country
	}
	if err := p.Validate(); err != nil {
		return err
	}
	now := s.Clock.Now()
	// Read, call Stripe outside any transaction (a database write lock is
	// not held across a network round trip), then save.
	acc, err := s.account(ctx, o)
	if err != nil {
		return err
	}
	version, oldNumber, oldTaxID := acc.UpdatedAt, acc.OrgNumber, acc.TaxID
	acc.Country, acc.Population, acc.OrgNumber, acc.BuyerReference = p.Country, p.Population, p.OrgNumber, strings.TrimSpace(p.BuyerReference)
	acc.InvoiceEmail, acc.Street, acc.PostalCode, acc.City = strings.TrimSpace(p.InvoiceEmail), strings.TrimSpace(p.Street), strings.TrimSpace(p.PostalCode), strings.TrimSpace(p.City)
	if acc.CustomerID != "" {
		if err := s.updateCustomer(o, acc, version, oldNumber); err != nil {
			return err
		}
	}
	return db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		cur, err := lockAccount(ctx, tx, o.ID, now)
		if err != nil {
			return err
		}
		if acc.TaxID == oldTaxID {
			acc.TaxID = cur.TaxID
		}
		cur.Country, cur.Population, cur.OrgNumber, cur.BuyerReference = acc.Country, acc.Population, acc.OrgNumber, acc.BuyerReference
		cur.InvoiceEmail, cur.Street, cur.PostalCode, cur.City, cur.TaxID = acc.InvoiceEmail, acc.Street, acc.PostalCode, acc.City, acc.TaxID
		cur.UpdatedAt = now
		return saveAccount(ctx, tx, cur)
	})
}

// account answers o's account as stored, or an empty one of its country.
func (s *Service) account(ctx context.Context, o *org.Organisation) (*Account, error) {
	var acc *Account
	err := db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		acc, err = findAccount(ctx, idb, o.ID)
		return err
	})
	if acc == nil {
		acc = &Account{OrgID: o.ID, Country: o.Country}
	}
	return acc, err
}

// errNotConfigured is the answer of an action that needs billing.
func errNotConfigured() error { return app.Errorf(app.EConflict, "billing.error.not_configured") }

// stripeErr turns a failed Stripe call into an error the owner reads; the
// details go to the log.
func (s *Service) stripeErr(op string, orgID int64, err error) error {
	s.Log.Error("stripe: "+op, "org_id", orgID, "err", err)
	return app.Errorf(app.EUnavailable, "billing.error.stripe").Wrap(err)
}

// idem derives an idempotency key from what a call does: the same call
// repeated (a retry, a double click) reaches Stripe once, and a changed
// call gets a new key.
func idem(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return "samvirke-" + parts[0] + "-" + hex.EncodeToString(h[:12])
}

// customerParams fill a customer from o and its account.
func (s *Service) customerParams(o *org.Organisation, acc *Account) *stripe.CustomerParams {
	p := &stripe.CustomerParams{
		Name:  stripe.String(o.Name),
		Email: stripe.String(acc.InvoiceEmail),
		Address: &stripe.AddressParams{Line1: stripe.String(acc.Street), PostalCode: stripe.String(acc.PostalCode),
			City: stripe.String(acc.City), Country: stripe.String(acc.Country)},
		PreferredLocales: stripe.StringSlice([]string{stripeLocale(o.Locale)}),
		InvoiceSettings: &stripe.CustomerInvoiceSettingsParams{CustomFields: []*stripe.CustomerInvoiceSettingsCustomFieldParams{
			{Name: stripe.String(orgNumberLabel(acc.Country)), Value: stripe.String(acc.OrgNumber)},
		}},
	}
	if acc.BuyerReference != "" {
		p.InvoiceSettings.CustomFields = append(p.InvoiceSettings.CustomFields, &stripe.CustomerInvoiceSettingsCustomFieldParams{
			Name: stripe.String(buyerRefLabel(acc.Country)), Value: stripe.String(acc.BuyerReference)})
	}
	p.AddMetadata(MetaOrg, strconv.FormatInt(o.ID, 10))
	p.AddMetadata("samvirke_org_slug", o.Slug)
	return p
}

// orgNumberLabel and buyerRefLabel are the invoice's custom fields' names,
// in the buyer's language.
func orgNumberLabel(country string) string {
	return map[string]string{"NO": "Org.nr.", "SE": "Org.nr", "DK": "CVR"}[country]
}

func buyerRefLabel(country string) string {
	return map[string]string{"NO": "Deres ref.", "SE": "Er referens", "DK": "Jeres ref."}[country]
}

// stripeLocale is the language Stripe's pages speak for a locale.
func stripeLocale(locale string) string {
	switch locale {
	case "nb", "sv", "da":
		return locale
	}
	return "en"
}

// ensureCustomer makes o a Stripe customer with its tax id, once.
func (s *Service) ensureCustomer(o *org.Organisation, acc *Account) error {
	if acc.CustomerID != "" {
		return nil
	}
	p := s.customerParams(o, acc)
	kind, value := TaxID(acc.Country, acc.OrgNumber)
	p.TaxIDData = []*stripe.CustomerTaxIDDataParams{{Type: stripe.String(kind), Value: stripe.String(value)}}
	p.SetIdempotencyKey(idem("customer", strconv.FormatInt(o.ID, 10), acc.Country, acc.OrgNumber, acc.InvoiceEmail, o.Name))
	c, err := s.Stripe.Customers.New(p)
	if err != nil {
		return s.stripeErr("create customer", o.ID, err)
	}
	acc.CustomerID = c.ID
	if c.TaxIDs != nil && len(c.TaxIDs.Data) > 0 {
		acc.TaxID = c.TaxIDs.Data[0].ID
	}
	return nil
}

// updateCustomer carries changed billing details to Stripe; a changed
// organisation number replaces the tax id. version is the account's
// UpdatedAt before this change: with it in the idempotency keys, a change
// back to earlier details (A, B, A) is a new call, not a replay.
func (s *Service) updateCustomer(o *org.Organisation, acc *Account, version time.Time, oldNumber string) error {
	v := strconv.FormatInt(version.UnixNano(), 10)
	p := s.customerParams(o, acc)
	p.SetIdempotencyKey(idem("customer-update", acc.CustomerID, v, acc.InvoiceEmail, acc.Street, acc.PostalCode, acc.City,
		acc.OrgNumber, acc.BuyerReference, o.Name))
	if _, err := s.Stripe.Customers.Update(acc.CustomerID, p); err != nil {
		return s.stripeErr("update customer", o.ID, err)
	}
	if oldNumber == acc.OrgNumber {
		return nil
	}
	kind, value := TaxID(acc.Country, acc.OrgNumber)
	tp := &stripe.TaxIDParams{Customer: stripe.String(acc.CustomerID), Type: stripe.String(kind), Value: stripe.String(value)}
	tp.SetIdempotencyKey(idem("taxid", acc.CustomerID, v, value))
	t, err := s.Stripe.TaxIDs.New(tp)
	if err != nil {
		return s.stripeErr("add tax id", o.ID, err)
	}
	if acc.TaxID != "" {
		dp := &stripe.TaxIDParams{Customer: stripe.String(acc.CustomerID)}
		dp.SetIdempotencyKey(idem("taxid-del", acc.CustomerID, v, acc.TaxID))
		var se *stripe.Error
		if _, err := s.Stripe.TaxIDs.Del(acc.TaxID, dp); err != nil && !(errors.As(err, &se) && se.Code == stripe.ErrorCodeResourceMissing) {
			return s.stripeErr("remove old tax id", o.ID, err)
		}
	}
	acc.TaxID = t.ID
	return nil
}

// prepare checks that o may start a subscription to planKey and answers
// its account (made a Stripe customer), the price and the country's terms.
func (s *Service) prepare(ctx context.Context, o *org.Organisation, planKey string) (*Account, Price, Country, error) {
	if !s.Configured() {
		return nil, Price{}, Country{}, errNotConfigured()
	}
	acc, err := s.account(ctx, o)
	if err != nil {
		return nil, Price{}, Country{}, err
	}
	if !acc.Complete() {
		return nil, Price{}, Country{}, app.Errorf(app.EInvalid, "billing.error.profile_first")
	}
	if acc.SubscriptionID != "" && !ended(acc.Status) {
		return nil, Price{}, Country{}, app.Errorf(app.EConflict, "billing.error.already_subscribed")
	}
	p, ok := s.Config.Plan(planKey)
	if !ok || p.For != o.Kind {
		return nil, Price{}, Country{}, app.Errorf(app.EInvalid, "billing.error.plan").WithField("plan")
	}
	ct, ok := s.Config.Countries[acc.Country]
	if !ok {
		return nil, Price{}, Country{}, app.Errorf(app.EInvalid, "billing.error.country").WithField("country")
	}
	price := p.Band(acc.Population).Prices[ct.Currency]
	if acc.CustomerID != "" {
		return acc, price, ct, nil
	}
	// A new customer, created outside any transaction; its key names the
	// organisation and its details, so a retry finds the same customer.
	if err := s.ensureCustomer(o, acc); err != nil {
		return nil, Price{}, Country{}, err
	}
	err = db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		cur, err := lockAccount(ctx, tx, o.ID, s.Clock.Now())
		if err != nil {
			return err
		}
		if cur.CustomerID == "" {
			cur.CustomerID, cur.TaxID, cur.UpdatedAt = acc.CustomerID, acc.TaxID, s.Clock.Now()
			return saveAccount(ctx, tx, cur)
		}
		acc.CustomerID, acc.TaxID = cur.CustomerID, cur.TaxID // another request made it first
		return nil
	})
	return acc, price, ct, err
}

// trialEnd answers the end of o's trial as Stripe takes it (Unix seconds),
// or 0 when less than two days remain (Stripe's minimum).
func (s *Service) trialEnd(o *org.Organisation, acc *Account) int64 {
	end := s.freeTrialEnds(o, acc)
	if acc.Status == StatusCanceled || end.Sub(s.Clock.Now()) < 48*time.Hour {
		return 0
	}
	return end.Unix()
}

// Checkout starts a card subscription to planKey in Stripe Checkout and
// answers the address to send the owner to. nonce is the form's: a double
// submission opens the same session.
func (s *Service) Checkout(ctx context.Context, o *org.Organisation, planKey, nonce string) (string, error) {
	acc, price, ct, err := s.prepare(ctx, o, planKey)
	if err != nil {
		return "", err
	}
	base := strings.TrimRight(s.BaseURL, "/") + "/o/" + o.Slug + "/admin/billing"
	sd := &stripe.CheckoutSessionSubscriptionDataParams{Metadata: map[string]string{MetaOrg: strconv.FormatInt(o.ID, 10), MetaPlan: planKey}}
	if ct.TaxRate != "" {
		sd.DefaultTaxRates = stripe.StringSlice([]string{ct.TaxRate})
	}
	if end := s.trialEnd(o, acc); end != 0 {
		sd.TrialEnd = stripe.Int64(end)
	}
	p := &stripe.CheckoutSessionParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModeSubscription)),
		Customer:          stripe.String(acc.CustomerID),
		ClientReferenceID: stripe.String(strconv.FormatInt(o.ID, 10)),
		LineItems:         []*stripe.CheckoutSessionLineItemParams{{Price: stripe.String(price.Stripe), Quantity: stripe.Int64(1)}},
		SubscriptionData:  sd,
		Locale:            stripe.String(stripeLocale(o.Locale)),
		SuccessURL:        stripe.String(base + "?checkout=done"),
		CancelURL:         stripe.String(base + "?checkout=cancelled"),
	}
	p.SetIdempotencyKey(idem("checkout", strconv.FormatInt(o.ID, 10), planKey, price.Stripe, nonce))
	cs, err := s.Stripe.CheckoutSessions.New(p)
	if err != nil {
		return "", s.stripeErr("checkout session", o.ID, err)
	}
	if cs.URL == "" {
		return "", s.stripeErr("checkout session", o.ID, fmt.Errorf("session %s has no URL", cs.ID))
	}
	return cs.URL, nil
}

// SubscribeByInvoice subscribes o to planKey paid by invoice (Stripe
// Invoicing with send_invoice): each year's invoice is e-mailed and made
// an e-invoice (EHF / Peppol BIS 3.0) for the access point. nonce is the
// form's.
func (s *Service) SubscribeByInvoice(ctx context.Context, o *org.Organisation, planKey, nonce string) error {
	if acc, err := s.account(ctx, o); err == nil && acc.Complete() && strings.TrimSpace(acc.BuyerReference) == "" {
		// Public buyers refuse an e-invoice without their reference.
		return app.Errorf(app.EInvalid, "billing.error.buyer_reference").WithField("buyer_reference")
	}
	acc, price, ct, err := s.prepare(ctx, o, planKey)
	if err != nil {
		return err
	}
	p := &stripe.SubscriptionParams{
		Customer:         stripe.String(acc.CustomerID),
		Items:            []*stripe.SubscriptionItemsParams{{Price: stripe.String(price.Stripe)}},
		CollectionMethod: stripe.String(string(stripe.SubscriptionCollectionMethodSendInvoice)),
		DaysUntilDue:     stripe.Int64(int64(s.Config.DaysUntilDue)),
	}
	if ct.TaxRate != "" {
		p.DefaultTaxRates = stripe.StringSlice([]string{ct.TaxRate})
	}
	if end := s.trialEnd(o, acc); end != 0 {
		p.TrialEnd = stripe.Int64(end)
	}
	p.AddMetadata(MetaOrg, strconv.FormatInt(o.ID, 10))
	p.AddMetadata(MetaPlan, planKey)
	p.SetIdempotencyKey(idem("subscribe", strconv.FormatInt(o.ID, 10), planKey, price.Stripe, nonce))
	sub, err := s.Stripe.Subscriptions.New(p)
	if err != nil {
		return s.stripeErr("subscription", o.ID, err)
	}
	// The subscription's state comes with its events; until then the
	// page says it is being set up.
	return db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		a, err := lockAccount(ctx, tx, o.ID, s.Clock.Now())
		if err != nil {
			return err
		}
		if a.SubscriptionID == "" || ended(a.Status) {
			a.SubscriptionID, a.Plan, a.Status, a.Collection, a.StateAt = sub.ID, planKey, "", CollectInvoice, nil
			a.PastDueSince, a.CanceledAt = nil, nil
			a.UpdatedAt = s.Clock.Now()
			return saveAccount(ctx, tx, a)
		}
		return nil
	})
}

// Portal opens the Stripe Customer Portal for o's owner: card, invoices,
// cancellation. It answers the address to send the owner to.
func (s *Service) Portal(ctx context.Context, o *org.Organisation) (string, error) {
	if !s.Configured() {
		return "", errNotConfigured()
	}
	var acc *Account
	err := db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		acc, err = findAccount(ctx, idb, o.ID)
		return err
	})
	if err != nil {
		return "", err
	}
	if acc == nil || acc.CustomerID == "" {
		return "", app.Errorf(app.EConflict, "billing.error.no_customer")
	}
	p := &stripe.BillingPortalSessionParams{
		Customer:  stripe.String(acc.CustomerID),
		ReturnURL: stripe.String(strings.TrimRight(s.BaseURL, "/") + "/o/" + o.Slug + "/admin/billing"),
		Locale:    stripe.String(stripeLocale(o.Locale)),
	}
	// A portal session is short-lived and creates nothing lasting; the key
	// still keeps a double click to one session a minute.
	p.SetIdempotencyKey(idem("portal", acc.CustomerID, s.Clock.Now().Truncate(time.Minute).Format(time.RFC3339)))
	ps, err := s.Stripe.BillingPortalSessions.New(p)
	if err != nil {
		return "", s.stripeErr("portal session", o.ID, err)
	}
	if ps.URL == "" {
		return "", s.stripeErr("portal session", o.ID, fmt.Errorf("session %s has no URL", ps.ID))
	}
	return ps.URL, nil
}
