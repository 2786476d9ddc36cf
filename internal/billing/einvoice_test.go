package billing_test

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/billing"
	"github.com/samvirke/samvirke/internal/peppol/peppoltest"
)

// invoiceObject is a finalized Stripe invoice to a public buyer, paid by
// transfer, in v76's shape: one yearly line.
func invoiceObject(o *orgT, id, number, currency string, amount, tax int64, issued time.Time) map[string]any {
	return map[string]any{
		"id": id, "object": "invoice", "number": number, "status": "open", "collection_method": "send_invoice",
		"currency": strings.ToLower(currency), "subtotal": amount, "tax": tax, "total": amount + tax, "amount_due": amount + tax,
		"amount_paid": 0, "created": issued.Unix(), "effective_at": issued.Unix(), "due_date": issued.AddDate(0, 0, 30).Unix(),
		"period_start": issued.Unix(), "period_end": issued.AddDate(1, 0, 0).Unix(),
		"hosted_invoice_url": "https://invoice.stripe.com/i/" + id, "invoice_pdf": "https://pay.stripe.com/invoice/" + id + "/pdf",
		"customer":     customerOf(o),
		"subscription": map[string]any{"id": "sub_" + id, "object": "subscription", "metadata": map[string]string{billing.MetaOrg: strconv.FormatInt(o.ID, 10)}},
		"lines": map[string]any{"object": "list", "data": []map[string]any{{
			"id": "il_" + id, "object": "line_item", "amount": amount, "amount_excluding_tax": amount, "currency": strings.ToLower(currency),
			"description": "Samvirke – kommune, 20 001–60 000 innbyggere (år)", "quantity": 1,
			"period": map[string]any{"start": issued.Unix(), "end": issued.AddDate(1, 0, 0).Unix()},
		}}},
	}
}

// accessPoint is an access point's submission endpoint: it keeps what it
// receives, or refuses with status.
type accessPoint struct {
	mu     sync.Mutex
	got    map[string]string // X-Document-ID → body
	token  string
	status int
}

func (a *accessPoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	a.mu.Lock()
	defer a.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+a.token || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/xml") {
		http.Error(w, "unauthorised", http.StatusUnauthorized)
		return
	}
	if a.status != 0 {
		http.Error(w, "Invalid document: PEPPOL-EN16931-R010", a.status)
		return
	}
	if a.got == nil {
		a.got = map[string]string{}
	}
	a.got[r.Header.Get("X-Document-ID")] = string(b)
	w.WriteHeader(http.StatusAccepted)
}

// TestEInvoicesForThreeCountries: Stripe finalises the yearly invoices of
// a Norwegian, a Swedish and a Danish municipality paying by invoice;
// each gets a Peppol BIS Billing 3.0 document that passes the UBL 2.1
// schema and the Peppol rules with the Norwegian ones, addressed by the
// country's scheme and organisation number with the buyer reference and
// the right currency and VAT; the worker sends each to the access point
// once, and the owner can download it.
func TestEInvoicesForThreeCountries(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	ap := &accessPoint{token: "ap-token-æøå"}
	srv := httptest.NewServer(ap)
	defer srv.Close()
	k.svc.Config.AccessPoint = billing.AccessPoint{URL: srv.URL + "/outbound", Token: ap.token}
	buyers := []struct {
		country, name, number, currency, scheme, id, vatCategory string
		amount, tax                                              int64
	}{
		{"NO", "Nittedal kommune", "964950768", "NOK", "0192", "964950768", "S", 3600000, 900000},
		{"SE", "Mölndals stad", "212000-1488", "SEK", "0007", "2120001488", "AE", 3600000, 0},
		{"DK", "Aarhus Kommune", "55133018", "DKK", "0184", "55133018", "AE", 2400000, 0},
	}
	ctx := context.Background()
	var docs [][]byte
	for i, b := range buyers {
		o := k.municipality(t, b.country, b.name, b.number)
		id := fmt.Sprintf("in_%s_%d", o.Slug, i)
		k.deliverAndProcess(t, event("evt_fin_"+id, "invoice.finalized", k.clock.T,
			invoiceObject(o, id, fmt.Sprintf("SAMV-2027-%04d", i+1), b.currency, b.amount, b.tax, k.clock.T)))
		ov, err := k.svc.Overview(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		if len(ov.Invoices) != 1 || ov.Invoices[0].UBLError != "" {
			t.Fatalf("%s: invoices %+v; want one with its e-invoice", b.name, ov.Invoices)
		}
		inv := ov.Invoices[0]
		doc, name, err := k.svc.InvoiceDocument(ctx, o, inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if name != fmt.Sprintf("ehf-SAMV-2027-%04d.xml", i+1) {
			t.Errorf("%s: file name %q", b.name, name)
		}
		docs = append(docs, doc)
		var parsed struct {
			BuyerReference string `xml:"BuyerReference"`
			Currency       string `xml:"DocumentCurrencyCode"`
			Buyer          struct {
				Endpoint struct {
					Scheme string `xml:"schemeID,attr"`
					ID     string `xml:",chardata"`
				} `xml:"Party>EndpointID"`
				Name string `xml:"Party>PartyLegalEntity>RegistrationName"`
			} `xml:"AccountingCustomerParty"`
			TaxCategory string `xml:"TaxTotal>TaxSubtotal>TaxCategory>ID"`
			Payable     string `xml:"LegalMonetaryTotal>PayableAmount"`
		}
		if err := xml.Unmarshal(doc, &parsed); err != nil {
			t.Fatalf("%s: %v", b.name, err)
		}
		want := fmt.Sprintf("%d.%02d", (b.amount+b.tax)/100, (b.amount+b.tax)%100)
		if parsed.Buyer.Endpoint.Scheme != b.scheme || parsed.Buyer.Endpoint.ID != b.id || parsed.BuyerReference != "Flyktningtjenesten 4711" ||
			parsed.Currency != b.currency || parsed.TaxCategory != b.vatCategory || parsed.Payable != want || parsed.Buyer.Name != b.name {
			t.Errorf("%s: e-invoice says %+v; want endpoint %s:%s, buyer reference, %s, VAT %s, payable %s", b.name, parsed, b.scheme, b.id, b.currency, b.vatCategory, want)
		}
		// The worker's task sends it, once.
		for range 2 {
			if err := k.svc.Deliver(ctx, inv.OrgID, inv.ID); err != nil {
				t.Fatalf("%s: delivering: %v", b.name, err)
			}
		}
		ov, _ = k.svc.Overview(ctx, o)
		if ov.Invoices[0].DeliveredAt == nil {
			t.Errorf("%s: not marked delivered", b.name)
		}
		ap.mu.Lock()
		if ap.got[id] != string(doc) {
			t.Errorf("%s: the access point received %d bytes; want the document", b.name, len(ap.got[id]))
		}
		ap.mu.Unlock()
	}
	if q := k.tasks.of(billing.TypeDeliver); len(q) != 3 {
		t.Errorf("delivery tasks queued: %v; want one per invoice", q)
	}
	peppoltest.Validate(t, docs...)
	// The «Tårnet» in the address survives into the document.
	if !strings.Contains(string(docs[0]), "Rådhusvegen 5 «Tårnet»") {
		t.Errorf("the buyer's address lost its characters:\n%.2000s", docs[0])
	}
}

// TestEInvoiceRefusedByAccessPoint: an access point that refuses a
// document (4xx) is not asked again; the refusal is kept for the billing
// page and the task is not retried. One that is down is retried.
func TestEInvoiceRefusedByAccessPoint(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	ap := &accessPoint{token: "t", status: http.StatusUnprocessableEntity}
	srv := httptest.NewServer(ap)
	defer srv.Close()
	k.svc.Config.AccessPoint = billing.AccessPoint{URL: srv.URL, Token: "t"}
	o := k.municipality(t, "NO", "Nittedal kommune", "964950768")
	k.deliverAndProcess(t, event("evt_fin_"+o.Slug, "invoice.finalized", k.clock.T, invoiceObject(o, "in_r_"+o.Slug, "SAMV-1", "NOK", 1800000, 450000, k.clock.T)))
	ov, _ := k.svc.Overview(context.Background(), o)
	inv := ov.Invoices[0]
	err := k.svc.Deliver(context.Background(), o.ID, inv.ID)
	if !errors.Is(err, asynq.SkipRetry) {
		t.Errorf("refused: %v; want no retry", err)
	}
	ov, _ = k.svc.Overview(context.Background(), o)
	if got := ov.Invoices[0]; got.DeliveredAt != nil || !strings.Contains(got.DeliveryError, "422") {
		t.Errorf("after a refusal: delivered %v, error %q; want the refusal kept", got.DeliveredAt, got.DeliveryError)
	}
	srv.Close()
	k.svc.Config.AccessPoint.URL = "http://127.0.0.1:1/down"
	if err := k.svc.Deliver(context.Background(), o.ID, inv.ID); err == nil || errors.Is(err, asynq.SkipRetry) {
		t.Errorf("access point down: %v; want an error that is retried", err)
	}
}

// TestEInvoiceMustMatchStripe: when Stripe's invoice charged no VAT where
// the configuration says 25 % (a tax rate missing in Stripe), no
// e-invoice is made that asks for another sum; the reason is kept for the
// billing page and nothing is sent.
func TestEInvoiceMustMatchStripe(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	k.svc.Config.AccessPoint = billing.AccessPoint{URL: "http://127.0.0.1:1/never"}
	o := k.municipality(t, "NO", "Nittedal kommune", "964950768")
	k.deliverAndProcess(t, event("evt_fin_"+o.Slug, "invoice.finalized", k.clock.T, invoiceObject(o, "in_m_"+o.Slug, "SAMV-9", "NOK", 1800000, 0, k.clock.T)))
	ov, err := k.svc.Overview(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if inv := ov.Invoices[0]; inv.UBL != "" || !strings.Contains(inv.UBLError, "VAT") {
		t.Errorf("e-invoice %d bytes, problem %q; want none, saying the VAT differs", len(inv.UBL), inv.UBLError)
	}
	if q := k.tasks.of(billing.TypeDeliver); len(q) != 0 {
		t.Errorf("queued %v; want nothing to send", q)
	}
}

// TestNoEInvoiceForNothingOrWithoutReference: a trial's invoice of 0 kr
// gets no e-invoice; subscribing by invoice without the buyer reference
// public buyers require is refused at that field before Stripe is asked.
func TestNoEInvoiceForNothingOrWithoutReference(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	o := k.municipality(t, "NO", "Nittedal kommune", "964950768")
	k.deliverAndProcess(t, event("evt_zero_"+o.Slug, "invoice.finalized", k.clock.T, invoiceObject(o, "in_z_"+o.Slug, "SAMV-0", "NOK", 0, 0, k.clock.T)))
	ov, err := k.svc.Overview(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(ov.Invoices) != 1 || ov.Invoices[0].UBLError != "" || len(k.tasks.of(billing.TypeDeliver)) != 0 {
		t.Errorf("a 0 kr invoice: %+v, deliveries %v; want it listed, with no e-invoice and nothing sent", ov.Invoices, k.tasks.of(billing.TypeDeliver))
	}
	if _, _, err := k.svc.InvoiceDocument(context.Background(), o, ov.Invoices[0].ID); app.ErrorCode(err) != app.ENotFound {
		t.Errorf("downloading its e-invoice: %v; want not found", err)
	}
	p := k.account(t, o).Profile()
	p.BuyerReference = ""
	if err := k.svc.SaveProfile(context.Background(), o, p); err != nil {
		t.Fatal(err)
	}
	calls := len(k.calls.all())
	err = k.svc.SubscribeByInvoice(context.Background(), o, "municipality", "0123456789abcdef0123456789abcdef")
	if ae := app.AsError(err); ae == nil || ae.Field != "buyer_reference" {
		t.Errorf("subscribing by invoice without a buyer reference: %v; want it refused at buyer_reference", err)
	}
	if n := len(k.calls.all()) - calls; n != 0 {
		t.Errorf("the refused subscription made %d calls to Stripe", n)
	}
}
