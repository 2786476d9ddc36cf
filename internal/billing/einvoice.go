package billing

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"github.com/stripe/stripe-go/v76"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/billing/ehf"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/org"
)

// makeEInvoice fills inv.UBL with the invoice's Peppol BIS Billing 3.0
// document (EHF in Norway), or inv.UBLError with why it cannot be made
// (billing details missing): the owner sees the reason on the billing
// page and Stripe's own invoice still reaches the buyer by e-mail.
func (s *Service) makeEInvoice(ctx context.Context, tx bun.Tx, inv *Invoice, si *stripe.Invoice) error {
	acc, err := findAccount(ctx, tx, inv.OrgID)
	if err != nil {
		return err
	}
	var o org.Organisation
	if err := tx.NewSelect().Model(&o).Where("id = ?", inv.OrgID).Scan(ctx); err != nil {
		return err
	}
	if acc == nil {
		acc = &Account{OrgID: inv.OrgID}
	}
	inv.BuyerReference = acc.BuyerReference
	doc, err := s.document(&o, acc, inv, si)
	if err == nil {
		var xml []byte
		if xml, err = ehf.Invoice(doc); err == nil {
			inv.UBL, inv.UBLError = string(xml), ""
			return nil
		}
	}
	inv.UBLError = err.Error()
	s.Log.Warn("billing: no e-invoice", "org_id", inv.OrgID, "invoice", inv.StripeID, "err", err)
	return nil
}

// document maps a Stripe invoice to the e-invoice: the seller from the
// configuration, the buyer from the organisation's billing details, VAT
// as configured for the buyer's country.
func (s *Service) document(o *org.Organisation, acc *Account, inv *Invoice, si *stripe.Invoice) (ehf.Document, error) {
	ct, ok := s.Config.Countries[acc.Country]
	if !ok {
		return ehf.Document{}, fmt.Errorf("no billing country for organisation %d", o.ID)
	}
	if !strings.EqualFold(ct.Currency, inv.Currency) {
		return ehf.Document{}, fmt.Errorf("invoice in %s, buyers in %s pay in %s", inv.Currency, acc.Country, ct.Currency)
	}
	sl := s.Config.Seller
	buyerVAT := VATNumber(acc.Country, acc.OrgNumber)
	doc := ehf.Document{
		Number: inv.Number, Currency: inv.Currency, BuyerReference: acc.BuyerReference,
		Seller: ehf.Party{Name: sl.Name, Country: sl.Country, OrgNumber: sl.OrgNumber, VATNumber: sl.VATNumber,
			Street: sl.Street, City: sl.City, PostalCode: sl.PostalCode, ContactEmail: sl.Email, ContactPhone: sl.Phone},
		Buyer: ehf.Party{Name: o.Name, Country: acc.Country, OrgNumber: acc.OrgNumber, VATNumber: buyerVAT,
			Street: acc.Street, City: acc.City, PostalCode: acc.PostalCode, ContactEmail: acc.InvoiceEmail},
		PaymentAccount: sl.Account, PaymentBIC: sl.BIC, PaymentID: inv.Number,
	}
	if inv.IssuedAt != nil {
		doc.IssueDate = *inv.IssuedAt
	}
	if inv.DueOn != nil {
		doc.DueDate = *inv.DueOn
	} else {
		doc.DueDate = doc.IssueDate.AddDate(0, 0, s.Config.DaysUntilDue)
	}
	vat := ehf.VAT{Category: ct.VATCategory, Percent: ct.VATPercent, ExemptionReason: ct.VATExemption, ExemptionCode: ct.VATExemptionCode}
	if paid := si.Total - si.AmountDue; paid > 0 { // a credit balance applied
		doc.Prepaid = paid
	}
	if si.Lines != nil {
		for i, l := range si.Lines.Data {
			qty := l.Quantity
			if qty == 0 {
				qty = 1
			}
			amount := l.Amount
			if l.AmountExcludingTax != 0 {
				amount = l.AmountExcludingTax
			}
			line := ehf.Line{ID: strconv.Itoa(i + 1), Description: l.Description, Quantity: qty, UnitPrice: amount / qty, Amount: amount, VAT: vat}
			if l.Period != nil && l.Period.Start != 0 {
				line.Period = &ehf.Period{Start: time.Unix(l.Period.Start, 0).UTC(), End: time.Unix(l.Period.End, 0).UTC()}
			}
			doc.Lines = append(doc.Lines, line)
		}
	}
	// The e-invoice must ask for what Stripe's invoice asks for: a VAT
	// set-up that differs from the Stripe tax rate would make the two
	// disagree. Rounding may differ by an øre per line.
	var base int64
	for _, l := range doc.Lines {
		base += l.Amount
	}
	vatAmount := (base*vat.Percent + 5000) / 10000
	if diff := base + vatAmount - doc.Prepaid - si.AmountDue; diff > int64(len(doc.Lines)) || -diff > int64(len(doc.Lines)) {
		return ehf.Document{}, fmt.Errorf("the e-invoice would ask for %d, Stripe's invoice for %d %s: check the VAT of %s in the billing configuration",
			base+vatAmount-doc.Prepaid, si.AmountDue, inv.Currency, acc.Country)
	}
	return doc, doc.Validate()
}

// InvoiceDocument answers o's invoice id's e-invoice for download, with
// its file name.
func (s *Service) InvoiceDocument(ctx context.Context, o *org.Organisation, id int64) ([]byte, string, error) {
	if !s.Configured() {
		return nil, "", errNotConfigured()
	}
	var inv *Invoice
	err := db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		inv, err = findInvoice(ctx, idb, o.ID, id)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	if inv.UBL == "" {
		return nil, "", app.Errorf(app.ENotFound, "billing.error.no_einvoice")
	}
	return []byte(inv.UBL), files.SanitizeName("ehf-"+inv.Number+".xml", "ehf.xml"), nil
}

// Deliver sends invoice id of organisation orgID to the access point once:
// a document delivered before is left alone; a refusal (4xx) is kept on
// the invoice and not retried; a failure to reach it (5xx, network) is
// retried by the task.
func (s *Service) Deliver(ctx context.Context, orgID, id int64) error {
	ap := s.Config.AccessPoint
	if ap.URL == "" {
		return nil
	}
	var inv *Invoice
	err := db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		inv, err = findInvoice(ctx, idb, orgID, id)
		return err
	})
	if app.ErrorCode(err) == app.ENotFound {
		return fmt.Errorf("billing: invoice %d of organisation %d: %w", id, orgID, asynq.SkipRetry)
	}
	if err != nil || inv.DeliveredAt != nil || inv.UBL == "" || inv.Status == "void" {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ap.URL, bytes.NewReader([]byte(inv.UBL)))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/xml; charset=utf-8")
	req.Header.Set("X-Document-ID", inv.StripeID) // the access point's duplicate check
	if ap.Token != "" {
		req.Header.Set("Authorization", "Bearer "+ap.Token)
	}
	hc := s.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("billing: access point: %w", err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 2000))
	resp.Body.Close()
	var set func(q *bun.UpdateQuery) *bun.UpdateQuery
	switch {
	case resp.StatusCode/100 == 2:
		set = func(q *bun.UpdateQuery) *bun.UpdateQuery {
			return q.Set("delivered_at = ?", s.Clock.Now()).Set("delivery_error = ''")
		}
	case resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnprocessableEntity:
		// The document refused; anything else (a wrong token, a moved
		// address, a busy access point) is retried, and the operators'
		// queue page shows the task failing.
		problem := fmt.Sprintf("%d %s", resp.StatusCode, strings.TrimSpace(string(body)))
		set = func(q *bun.UpdateQuery) *bun.UpdateQuery { return q.Set("delivery_error = ?", problem) }
	default:
		return fmt.Errorf("billing: access point answered %d", resp.StatusCode)
	}
	err = db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		_, err := set(tx.NewUpdate().Model((*Invoice)(nil)).Set("updated_at = ?", s.Clock.Now())).
			Where("org_id = ? AND id = ?", orgID, id).Exec(ctx)
		return err
	})
	if err == nil && resp.StatusCode/100 == 4 { // 400 or 422: kept, not retried
		s.Log.Error("billing: access point refused an e-invoice", "org_id", orgID, "invoice", inv.Number, "status", resp.StatusCode)
		return fmt.Errorf("billing: access point refused invoice %s: %w", inv.Number, asynq.SkipRetry)
	}
	return err
}
