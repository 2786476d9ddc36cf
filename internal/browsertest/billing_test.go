package browsertest_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/billing/stripetest"
	"github.com/samvirke/samvirke/internal/browsertest"
	"github.com/samvirke/samvirke/internal/config"
)

// TestBillingPageAt360: with billing configured (stripe-mock, the example
// plans), Tierp's owner opens the billing page on a phone in Swedish: it
// shows the trial and its end, Tierp's details from the demo, the price
// of its population band in SEK with Swedish number format, reflows and
// passes axe-core; a wrong organisation number comes back at its field
// with the Swedish message and what was typed kept; subscribing by
// invoice sends Tierp to Stripe (stripe-mock) and back with the
// subscription being set up.
func TestBillingPageAt360(t *testing.T) {
	t.Parallel()
	plans := filepath.Join(browsertest.RepoRoot(t), "deploy", "billing-plans.example.yaml")
	mock := stripetest.Start(t)
	srv := browsertest.StartServer(t, func(c *config.Config) {
		c.StripeSecretKey, c.StripeAPIBase, c.StripeWebhookKey, c.BillingPlans = "sk_test_browser", mock, "whsec_browser", plans
	})
	b := browsertest.NewBrowser(t, browsertest.WithViewport(360, 800), browsertest.WithTimeout(3*time.Minute))
	b.SignIn(t, srv.URL, "owner@tierp.example", browsertest.DemoPassword)
	b.Visit(t, srv.URL+"/o/tierp/admin/billing")
	main := strings.ReplaceAll(b.Text(t, "main"), "\u00a0", " ")
	for _, want := range []string{"Gratis provperiod till", "60 000,00 SEK per år exkl. moms", "20 001–60 000 invånare", "Teckna, betala mot faktura"} {
		if !strings.Contains(main, want) {
			t.Errorf("Tierp's billing page lacks %q:\n%s", want, main)
		}
	}
	if got := browsertest.Eval[string](t, b, `document.querySelector("#f-org_number").value`); got != "2120000282" {
		t.Errorf("Tierp's organisation number shows as %q; want the demo's 2120000282", got)
	}
	checkReflow(t, b, "the billing page")
	b.CheckA11y(t)

	b.Fill(t, "#f-org_number", "212000-0283")
	b.Fill(t, "#f-buyer_reference", "Integration – Åsa Öberg «KS 2027/14»")
	if code := b.ClickAndWait(t, `form[action$="/billing/profile"] button[type=submit]`); code != 422 {
		t.Errorf("a wrong check digit answered %d; want 422", code)
	}
	if got := b.Text(t, "#f-org_number-error"); !strings.Contains(got, "kontrollsiffra") {
		t.Errorf("the organisation number's error says %q; want the Swedish message about the check digit", got)
	}
	if got := browsertest.Eval[string](t, b, `document.querySelector("#f-buyer_reference").value`); got != "Integration – Åsa Öberg «KS 2027/14»" {
		t.Errorf("the buyer reference came back as %q; want what was typed", got)
	}
	b.Fill(t, "#f-org_number", "212000-0282")
	if code := b.ClickAndWait(t, `form[action$="/billing/profile"] button[type=submit]`); code != 200 {
		t.Fatalf("saving good details answered %d", code)
	}
	if got := b.Text(t, ".flash"); !strings.Contains(got, "sparade") {
		t.Errorf("after saving: %q; want the saved message", got)
	}
	if code := b.ClickAndWait(t, `form[action$="/billing/invoice"] button`); code != 200 {
		t.Fatalf("subscribing by invoice answered %d", code)
	}
	if got := b.Text(t, "main"); !strings.Contains(got, "Ställs in") || !strings.Contains(got, "Faktura (e-faktura / Peppol)") {
		t.Errorf("after subscribing by invoice the page says:\n%s", got)
	}
	b.Screenshot(t, "billing-360.png")
}
