package billing_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/billing"
)

// TestStripeCallShapes: every call the owners' actions make to Stripe is
// accepted by stripe-mock (Stripe's OpenAPI description checks each
// parameter) and carries an idempotency key; a repeated action reuses
// its key, so Stripe does it once.
func TestStripeCallShapes(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	ctx := context.Background()
	o := k.prospect(t, "NO", "Nittedal kommune", "964950768")
	if n := len(k.calls.all()); n != 0 {
		t.Errorf("saving billing details before subscribing called Stripe %d times; want none", n)
	}
	nonce := "0123456789abcdef0123456789abcdef"
	u, err := k.svc.Checkout(ctx, o, "municipality", nonce)
	if err != nil {
		t.Fatalf("checkout: %v", err)
	}
	if _, err := url.Parse(u); err != nil || u == "" {
		t.Errorf("checkout answered %q; want the session's address", u)
	}
	a := k.account(t, o)
	if !strings.HasPrefix(a.CustomerID, "cus_") {
		t.Errorf("after checkout the customer is %q; want Stripe's id kept", a.CustomerID)
	}
	// The same form sent twice: the same key, so one session.
	if _, err := k.svc.Checkout(ctx, o, "municipality", nonce); err != nil {
		t.Fatal(err)
	}
	if err := k.svc.SubscribeByInvoice(ctx, o, "municipality", "fedcba9876543210fedcba9876543210"); err != nil {
		t.Fatalf("subscribe by invoice: %v", err)
	}
	if a := k.account(t, o); a.SubscriptionID == "" || a.Collection != billing.CollectInvoice {
		t.Errorf("after subscribing by invoice: subscription %q, collection %q; want one, send_invoice", a.SubscriptionID, a.Collection)
	}
	if err := k.svc.SubscribeByInvoice(ctx, o, "municipality", "00000000000000000000000000000000"); app.ErrorCode(err) != app.EConflict {
		t.Errorf("subscribing again while subscribed: %v; want a conflict", err)
	}
	p := a.Profile()
	p.OrgNumber, p.BuyerReference = "974760673", "Økonomi «Ansvar 1200»"
	if err := k.svc.SaveProfile(ctx, o, p); err != nil {
		t.Fatalf("changing the details of a customer: %v", err)
	}
	if _, err := k.svc.Portal(ctx, o); err != nil {
		t.Fatalf("portal: %v", err)
	}
	var checkouts []string
	for _, c := range k.calls.all() {
		if c.Method == "POST" && c.Key == "" {
			t.Errorf("%s %s without an idempotency key", c.Method, c.Path)
		}
		if c.Path == "/v1/checkout/sessions" {
			checkouts = append(checkouts, c.Key)
		}
	}
	if len(checkouts) != 2 || checkouts[0] != checkouts[1] {
		t.Errorf("the same checkout form twice used keys %q; want the same key twice", checkouts)
	}
	want := []string{"/v1/customers", "/v1/checkout/sessions", "/v1/subscriptions", "/v1/customers/", "/tax_ids", "/v1/billing_portal/sessions"}
	var paths string
	for _, c := range k.calls.all() {
		paths += c.Method + " " + c.Path + "\n"
	}
	for _, w := range want {
		if !strings.Contains(paths, w) {
			t.Errorf("no call to %s among:\n%s", w, paths)
		}
	}
}

// TestProfileErrorsNameTheField: billing details with a wrong check digit,
// a bad e-mail or no address are refused at their field, in the buyer
// country's terms, and nothing reaches Stripe.
func TestProfileErrorsNameTheField(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	o := k.municipality(t, "DK", "Aarhus Kommune", "55133018")
	good := k.account(t, o).Profile()
	for _, c := range []struct {
		change func(*billing.Profile)
		field  string
		key    string
	}{
		{func(p *billing.Profile) { p.OrgNumber = "55133019" }, "org_number", "billing.error.org_number.dk"},
		{func(p *billing.Profile) { p.OrgNumber = "964950768" }, "org_number", "billing.error.org_number.dk"},
		{func(p *billing.Profile) { p.InvoiceEmail = "faktura at aarhus" }, "invoice_email", "billing.error.email"},
		{func(p *billing.Profile) { p.Street = " " }, "street", "error.required"},
		{func(p *billing.Profile) { p.Population = -1 }, "population", "billing.error.population"},
		{func(p *billing.Profile) { p.BuyerReference = strings.Repeat("ø", 101) }, "buyer_reference", "error.too_long"},
	} {
		p := good
		c.change(&p)
		err := k.svc.SaveProfile(context.Background(), o, p)
		if ae := app.AsError(err); ae == nil || ae.Field != c.field || ae.Key != c.key {
			t.Errorf("%s: %v; want %s at %s", c.field, err, c.key, c.field)
		}
	}
	if a := k.account(t, o); a.OrgNumber != "55133018" {
		t.Errorf("refused details changed the stored number to %q", a.OrgNumber)
	}
	if n := len(k.calls.all()); n != 0 {
		t.Errorf("refused details made %d calls to Stripe; want none", n)
	}
}

// TestOrgNumbers checks the check digits of the three countries' numbers.
func TestOrgNumbers(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		country, n string
		ok         bool
	}{
		{"NO", "964950768", true}, {"NO", "964 950 768", true}, {"NO", "964950769", false}, {"NO", "96495076", false},
		{"SE", "212000-1488", true}, {"SE", "2120001488", true}, {"SE", "212000-1489", false},
		{"DK", "55133018", true}, {"DK", "55133017", false}, {"DK", "5513301", false},
		{"FI", "0201256-6", false}, {"NO", "96495O768", false},
	} {
		if err := billing.CheckOrgNumber(c.country, c.n); (err == nil) != c.ok {
			t.Errorf("%s %s: %v; want valid %v", c.country, c.n, err, c.ok)
		}
	}
}

// TestConfigErrorsNameTheField: a configuration that lacks a price for a
// buyer country, has bands out of order or a plan without names is
// refused with the field named.
func TestConfigErrorsNameTheField(t *testing.T) {
	t.Parallel()
	base := `
countries: {"NO": {currency: NOK, vat_category: S, vat_percent: 2500}}
seller: {name: Samvirke AS, country: "NO", org_number: "921345674", account: "15032245177"}
plans:
  - key: municipality
    for: municipality
    names: {nb: Kommune, sv: Kommun, da: Kommune, en: Municipality}
    about: {nb: a, sv: b, da: c, en: d}
    bands:
`
	for _, c := range []struct{ yaml, want string }{
		{base + "      - {up_to: 0, prices: {NOK: {stripe: price_1, amount: 100}}}\n", ""},
		{base + "      - {up_to: 0, prices: {SEK: {stripe: price_1, amount: 100}}}\n", "plans[0].bands[0].prices.NOK"},
		{base + "      - {up_to: 5000, prices: {NOK: {stripe: a, amount: 1}}}\n      - {up_to: 4000, prices: {NOK: {stripe: b, amount: 2}}}\n      - {up_to: 0, prices: {NOK: {stripe: c, amount: 3}}}\n", "plans[0].bands[1].up_to"},
		{strings.Replace(base, "sv: Kommun, ", "", 1) + "      - {up_to: 0, prices: {NOK: {stripe: price_1, amount: 100}}}\n", "plans[0].names"},
		{strings.Replace(base, `"921345674"`, `"921345675"`, 1) + "      - {up_to: 0, prices: {NOK: {stripe: price_1, amount: 100}}}\n", "seller.org_number"},
		{base + "      - {up_to: 0, prices: {NOK: {stripe: price_1, amount: 100}}}\ntrial_dayz: 30\n", "trial_dayz"},
	} {
		_, err := billing.ParseConfig([]byte(c.yaml))
		switch {
		case c.want == "" && err != nil:
			t.Errorf("a good configuration refused: %v", err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("error %v; want one naming %s", err, c.want)
		}
	}
}
