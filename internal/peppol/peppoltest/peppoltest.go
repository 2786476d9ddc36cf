// Package peppoltest is the test helper over package peppol: a test hands
// it the invoices it generated and fails, naming each broken rule, unless
// they are valid Peppol BIS Billing 3.0 (UBL 2.1 schema, CEN EN 16931 and
// Peppol rules with the Norwegian ones). Missing tools fail the test.
package peppoltest

import (
	"context"
	"testing"

	"github.com/samvirke/samvirke/internal/peppol"
)

// Validate fails tb unless every invoice passes without a fatal failure.
// Warnings are logged. It returns the reports, one per invoice in order.
func Validate(tb testing.TB, invoices ...[]byte) []peppol.Report {
	tb.Helper()
	reports, err := peppol.CheckAll(context.Background(), invoices...)
	if err != nil {
		tb.Fatalf("peppol check could not run: %v", err)
	}
	for i, r := range reports {
		for _, f := range r.Warnings() {
			tb.Logf("invoice %d: warning: %s", i, f)
		}
		for _, f := range r.Fatal() {
			tb.Errorf("invoice %d: %s", i, f)
		}
	}
	return reports
}

// Fails fails tb unless the invoice breaks the rule with this id (as a
// fatal failure, or as a warning if the rule is a warning). It returns the
// report.
func Fails(tb testing.TB, invoice []byte, id string) peppol.Report {
	tb.Helper()
	r, err := peppol.Check(context.Background(), invoice)
	if err != nil {
		tb.Fatalf("peppol check could not run: %v", err)
	}
	if len(r.Failed(id)) == 0 {
		tb.Errorf("invoice does not fail rule %s; it fails:\n%s", id, r)
	}
	return r
}
