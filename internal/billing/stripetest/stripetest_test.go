package stripetest_test

import (
	"errors"
	"testing"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"

	"github.com/samvirke/samvirke/internal/billing/stripetest"
)

func api(t *testing.T) *client.API {
	t.Helper()
	url := stripetest.Start(t)
	b := stripe.GetBackendWithConfig(stripe.APIBackend, &stripe.BackendConfig{URL: stripe.String(url), MaxNetworkRetries: stripe.Int64(0)})
	return client.New("sk_test_123", &stripe.Backends{API: b, Connect: b, Uploads: b})
}

// TestStripeMockChecksCallShapes: calls the billing code will make —
// a customer with the organisation number as a tax id, a Checkout
// session for a subscription — are accepted by stripe-mock, and one
// that breaks Stripe's API description (a Checkout session in a mode
// Stripe does not have) is refused with Stripe's own invalid-request error: the mock
// checks the shape of calls, which is what the billing tests use it for.
// Two mocks run side by side (parallel tests).
func TestStripeMockChecksCallShapes(t *testing.T) {
	t.Parallel()
	sc, other := api(t), api(t)
	cus, err := sc.Customers.New(&stripe.CustomerParams{
		Name:      stripe.String("Nittedal kommune – «Flyktningtjenesten»"),
		Email:     stripe.String("faktura@nittedal.example"),
		TaxIDData: []*stripe.CustomerTaxIDDataParams{{Type: stripe.String("no_vat"), Value: stripe.String("964950113MVA")}},
	})
	if err != nil || cus.ID == "" {
		t.Fatalf("customer: %v", err)
	}
	params := &stripe.CheckoutSessionParams{
		Mode:       stripe.String(string(stripe.CheckoutSessionModeSubscription)),
		Customer:   stripe.String(cus.ID),
		SuccessURL: stripe.String("https://samvirke.example/o/nittedal/admin/billing?done=1"),
		CancelURL:  stripe.String("https://samvirke.example/o/nittedal/admin/billing"),
		LineItems:  []*stripe.CheckoutSessionLineItemParams{{Price: stripe.String("price_municipality_small_nok"), Quantity: stripe.Int64(1)}},
	}
	params.SetIdempotencyKey("checkout-nittedal-1")
	if _, err := other.CheckoutSessions.New(params); err != nil {
		t.Fatalf("checkout session: %v", err)
	}
	params.Mode = stripe.String("rental")
	params.SetIdempotencyKey("checkout-nittedal-2")
	_, err = sc.CheckoutSessions.New(params)
	var se *stripe.Error
	if !errors.As(err, &se) || se.Type != stripe.ErrorTypeInvalidRequest {
		t.Fatalf("a Checkout session in mode «rental»: %v; want Stripe's invalid-request error", err)
	}
}
