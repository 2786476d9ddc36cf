// Package billing holds Samvirke's subscriptions: plans from
// configuration, Stripe Checkout and the Customer Portal for owners,
// signed Stripe webhooks processed once each in a worker task, the one
// place that decides what an organisation may do from its subscription
// (Entitlement, applied through the routes' write mark), and invoices for
// public buyers with their Peppol BIS Billing 3.0 (EHF) documents, sent to
// an access point. Billing never deletes data: a lapsed organisation
// becomes read-only and can still export everything.
package billing

import (
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
)

// Subscription statuses, in Stripe's words.
const (
	StatusTrialing          = "trialing"
	StatusActive            = "active"
	StatusPastDue           = "past_due"
	StatusUnpaid            = "unpaid"
	StatusCanceled          = "canceled"
	StatusIncomplete        = "incomplete"
	StatusIncompleteExpired = "incomplete_expired"
	StatusPaused            = "paused"
)

// Collection methods: a card charged by Stripe, or an invoice the buyer
// pays to the seller's account (public bodies; with an e-invoice).
const (
	CollectCard    = "charge_automatically"
	CollectInvoice = "send_invoice"
)

// Account is an organisation's billing details and the state of its
// subscription as the Stripe events last told it.
type Account struct {
	bun.BaseModel `bun:"table:billing_accounts"`

	OrgID int64 `bun:",pk"`
	// Country is where the buyer is registered (a network has none of its
	// own: its paying organisation's).
	Country        string `bun:",notnull"`
	Population     int    `bun:",notnull"`
	OrgNumber      string `bun:",notnull"` // digits only
	BuyerReference string `bun:",notnull"` // the public buyer's reference on every invoice
	InvoiceEmail   string `bun:",notnull"`
	Street         string `bun:",notnull"`
	PostalCode     string `bun:",notnull"`
	City           string `bun:",notnull"`

	// FreeTrialEnds is the end of the free trial of an organisation that
	// existed when billing was turned on (EnsureTrials); nil: 30 days
	// (Config.TrialDays) from its creation.
	FreeTrialEnds *time.Time

	CustomerID     string `bun:",notnull"` // Stripe's
	TaxID          string `bun:",notnull"` // Stripe's id of the customer's tax id
	Plan           string `bun:",notnull"`
	SubscriptionID string `bun:",notnull"`
	Status         string `bun:",notnull"`
	Collection     string `bun:",notnull"`
	PeriodEnd      *time.Time
	TrialEnd       *time.Time
	CancelAtEnd    bool `bun:"cancel_at_period_end,notnull"`
	PastDueSince   *time.Time
	CanceledAt     *time.Time
	// StateAt is when Stripe made the event the state came from.
	StateAt   *time.Time
	UpdatedAt time.Time `bun:",notnull"`
}

// Profile is what an owner enters on the billing page: who is invoiced.
type Profile struct {
	Country        string
	Population     int
	OrgNumber      string
	BuyerReference string
	InvoiceEmail   string
	Street         string
	PostalCode     string
	City           string
}

// Validate checks p; the error names the field.
func (p *Profile) Validate() error {
	p.OrgNumber = NormalOrgNumber(p.OrgNumber)
	for _, f := range []struct {
		name, v string
		max     int
	}{{"buyer_reference", p.BuyerReference, 100}, {"street", p.Street, 200}, {"postal_code", p.PostalCode, 20}, {"city", p.City, 100}, {"invoice_email", p.InvoiceEmail, 254}} {
		if utf8.RuneCountInString(f.v) > f.max {
			return app.Errorf(app.EInvalid, "error.too_long", "max", f.max).WithField(f.name)
		}
	}
	switch {
	case !slices.Contains([]string{"NO", "SE", "DK"}, p.Country):
		return app.Errorf(app.EInvalid, "billing.error.country").WithField("country")
	case p.Population < 0 || p.Population > 10_000_000:
		return app.Errorf(app.EInvalid, "billing.error.population").WithField("population")
	case CheckOrgNumber(p.Country, p.OrgNumber) != nil:
		return app.Errorf(app.EInvalid, "billing.error.org_number."+strings.ToLower(p.Country)).WithField("org_number")
	case strings.TrimSpace(p.InvoiceEmail) == "":
		return app.Errorf(app.EInvalid, "error.required").WithField("invoice_email")
	case !validEmail(p.InvoiceEmail):
		return app.Errorf(app.EInvalid, "billing.error.email").WithField("invoice_email")
	case strings.TrimSpace(p.Street) == "":
		return app.Errorf(app.EInvalid, "error.required").WithField("street")
	case strings.TrimSpace(p.PostalCode) == "":
		return app.Errorf(app.EInvalid, "error.required").WithField("postal_code")
	case strings.TrimSpace(p.City) == "":
		return app.Errorf(app.EInvalid, "error.required").WithField("city")
	}
	return nil
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == strings.TrimSpace(s)
}

// Complete reports whether the account has the billing details a
// subscription needs.
func (a *Account) Complete() bool {
	p := a.Profile()
	return p.Validate() == nil
}

// Profile answers the account's billing details.
func (a *Account) Profile() Profile {
	return Profile{Country: a.Country, Population: a.Population, OrgNumber: a.OrgNumber, BuyerReference: a.BuyerReference,
		InvoiceEmail: a.InvoiceEmail, Street: a.Street, PostalCode: a.PostalCode, City: a.City}
}

// Event is a Stripe event received with a good signature, kept once by
// its id.
type Event struct {
	bun.BaseModel `bun:"table:billing_events"`

	ID          string    `bun:",pk"`
	Type        string    `bun:",notnull"`
	Created     time.Time `bun:",notnull"`
	ReceivedAt  time.Time `bun:",notnull"`
	ProcessedAt *time.Time
	OrgRef      *int64 // the organisation it concerned, once processed
	Payload     string `bun:",notnull"`
	Error       string `bun:",notnull"`
}

// Invoice is one of an organisation's invoices as Stripe finalised it.
type Invoice struct {
	bun.BaseModel `bun:"table:billing_invoices"`

	OrgID          int64  `bun:",notnull"`
	ID             int64  `bun:",pk,autoincrement"`
	StripeID       string `bun:",notnull"`
	Number         string `bun:",notnull"`
	Status         string `bun:",notnull"` // draft, open, paid, void, uncollectible
	Collection     string `bun:",notnull"`
	Currency       string `bun:",notnull"` // upper case
	Subtotal       int64  `bun:",notnull"` // minor units
	Tax            int64  `bun:",notnull"`
	Total          int64  `bun:",notnull"`
	AmountDue      int64  `bun:",notnull"`
	AmountPaid     int64  `bun:",notnull"`
	IssuedAt       *time.Time
	DueOn          *time.Time
	PeriodStart    *time.Time
	PeriodEnd      *time.Time
	HostedURL      string `bun:",notnull"`
	PDFURL         string `bun:"pdf_url,notnull"`
	BuyerReference string `bun:",notnull"`
	// UBL is the e-invoice (Peppol BIS Billing 3.0) of an invoice sent to
	// a public buyer; UBLError says why it could not be made.
	UBL           string `bun:"ubl,notnull"`
	UBLError      string `bun:"ubl_error,notnull"`
	DeliveredAt   *time.Time
	DeliveryError string    `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	UpdatedAt     time.Time `bun:",notnull"`
}

// invoiceRank orders invoice statuses so that an event about an earlier
// state arriving late does not undo a later one.
func invoiceRank(status string) int {
	switch status {
	case "draft":
		return 0
	case "open":
		return 1
	default: // paid, void, uncollectible: final
		return 2
	}
}
